//! Live updates: every revision, as its write commits, to every subscriber.
//!
//! On PostgreSQL every committed write notifies a channel (`seed::load`
//! does it inside the write's transaction, so the notice goes out exactly
//! when the write commits, from whichever process wrote), and each server
//! process listens and passes the revisions on to its own subscribers. On
//! SQLite there is one process, and a write's revisions are passed on
//! directly after it commits.
//!
//! Each change carries the entities it touches, so a subscriber can ask for
//! only those. A subscriber that reads too slowly to keep up is told how
//! many changes it missed, never silently skipped.

use crate::Store;
use domain::FactKind;
use entity::{event, participant, relation, revision, statement, statement_about};
use sea_orm::{ColumnTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::sync::Arc;
use tokio::sync::broadcast;

/// Changes a subscriber may fall behind by before it is told it missed some.
const BACKLOG: usize = 1024;

/// One committed revision and the entities it touches.
#[derive(Debug, Clone)]
pub struct Change {
    pub revision: revision::Model,
    pub touches: Vec<String>,
}

/// Stops the listener task when the last handle on the feed goes.
struct Listener(tokio::task::JoinHandle<()>);

impl Drop for Listener {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The process's source of changes; cheap to clone.
#[derive(Clone)]
pub struct ChangeFeed {
    sender: broadcast::Sender<Arc<Change>>,
    store: Store,
    _listener: Option<Arc<Listener>>,
}

impl ChangeFeed {
    /// A feed over the store. On PostgreSQL it is listening when this
    /// returns (if the database answers), so no write committed afterwards
    /// is missed.
    pub async fn start(store: Store) -> ChangeFeed {
        let (sender, _) = broadcast::channel(BACKLOG);
        let listener = match store.db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let first = match connect(&store).await {
                    Ok(listener) => Some(listener),
                    Err(e) => {
                        tracing::warn!(error = %e, "change listener cannot connect yet; retrying");
                        None
                    }
                };
                let (store, sender) = (store.clone(), sender.clone());
                Some(Arc::new(Listener(tokio::spawn(listen(store, sender, first)))))
            }
            _ => None,
        };
        ChangeFeed { sender, store, _listener: listener }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.sender.subscribe()
    }

    /// Called after a write committed with these revisions. On PostgreSQL
    /// the channel already carries them to every process, this one too.
    pub async fn committed(&self, revisions: &[i64]) {
        if self.store.db.get_database_backend() == DatabaseBackend::Postgres {
            return;
        }
        if let (Some(first), Some(last)) = (revisions.first(), revisions.last()) {
            if let Err(e) = publish(&self.store, &self.sender, *first, *last).await {
                tracing::error!(error = %e, "cannot pass a committed write to subscribers");
            }
        }
    }
}

type Error = Box<dyn std::error::Error + Send + Sync>;

/// A connection listening on PostgreSQL's channel.
async fn connect(store: &Store) -> Result<sqlx::postgres::PgListener, Error> {
    let pool = store.db.get_postgres_connection_pool();
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(crate::write::CHANGES_CHANNEL).await?;
    Ok(listener)
}

/// Follows PostgreSQL's channel, reconnecting after a failure.
async fn listen(store: Store, sender: broadcast::Sender<Arc<Change>>, mut first: Option<sqlx::postgres::PgListener>) {
    loop {
        let listener = match first.take() {
            Some(listener) => Ok(listener),
            None => connect(&store).await,
        };
        let result = match listener {
            Ok(listener) => follow(&store, &sender, listener).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "change listener lost its connection; reconnecting");
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

async fn follow(
    store: &Store,
    sender: &broadcast::Sender<Arc<Change>>,
    mut listener: sqlx::postgres::PgListener,
) -> Result<(), Error> {
    loop {
        let notice = listener.recv().await?;
        let range = notice.payload().split_once(',').and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
        match range {
            Some((first, last)) => publish(store, sender, first, last).await?,
            None => tracing::warn!(payload = notice.payload(), "ignoring a change notice that names no revisions"),
        }
    }
}

/// Loads revisions `first..=last`, finds what each touches, and sends them.
async fn publish(store: &Store, sender: &broadcast::Sender<Arc<Change>>, first: i64, last: i64) -> Result<(), DbErr> {
    let rows = revision::Entity::find()
        .filter(revision::Column::Id.between(first, last))
        .order_by_asc(revision::Column::Id)
        .all(&store.db)
        .await?;
    for revision in rows {
        let touches = touches(store, &revision).await?;
        // No subscriber is not an error.
        let _ = sender.send(Arc::new(Change { revision, touches }));
    }
    Ok(())
}

/// The entities a revision's fact concerns (in its latest version): an
/// entity itself; a relation's ends and body; an event's participants and
/// place; a statement's speaker and subjects.
async fn touches(store: &Store, r: &revision::Model) -> Result<Vec<String>, DbErr> {
    let db = &store.db;
    let key = r.subject_key.as_str();
    let kind = FactKind::parse(&r.subject_kind).map_err(|e| DbErr::Custom(format!("revision {} names {e}", r.id)))?;
    let mut out = Vec::new();
    match kind {
        FactKind::Entity => out.push(key.to_owned()),
        FactKind::Relation => {
            let row = relation::Entity::find()
                .filter(relation::Column::Key.eq(key))
                .order_by_desc(relation::Column::Id)
                .one(db)
                .await?;
            if let Some(row) = row {
                out.extend([row.source, row.target]);
                out.extend(row.body);
            }
        }
        FactKind::Event => {
            let row = event::Entity::find()
                .filter(event::Column::Key.eq(key))
                .order_by_desc(event::Column::Id)
                .one(db)
                .await?;
            if let Some(row) = row {
                let parts = participant::Entity::find().filter(participant::Column::EventId.eq(row.id)).all(db).await?;
                out.extend(parts.into_iter().map(|p| p.entity_slug));
                out.extend(row.location);
            }
        }
        FactKind::Statement => {
            let row = statement::Entity::find()
                .filter(statement::Column::Key.eq(key))
                .order_by_desc(statement::Column::Id)
                .one(db)
                .await?;
            if let Some(row) = row {
                let about = statement_about::Entity::find()
                    .filter(statement_about::Column::StatementId.eq(row.id))
                    .all(db)
                    .await?;
                out.push(row.speaker);
                out.extend(about.into_iter().map(|a| a.entity_slug));
            }
        }
        FactKind::Article | FactKind::Period => {}
    }
    out.sort();
    out.dedup();
    Ok(out)
}
