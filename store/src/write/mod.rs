//! Writes facts into the database, append-only: a source's whole account
//! (a [`Contribution`]: an article's bundle), and the single edits a curator
//! makes through the API ([`Edit`]).
//!
//! Every write is one transaction that holds the knowledge base's write
//! lock ([`begin_write`]): writers take turns, across processes, so the
//! check that a change is based on the latest revision and the change
//! itself cannot be interleaved, and a failure leaves nothing behind.
//!
//! Facts belong to their articles. What an article says of an entity,
//! relation, event or statement is kept as that article's *contribution*;
//! the fact itself is the merge of all current contributions
//! ([`crate::facts::Merge`]), so loading or correcting one article changes
//! only its own part. Every fact goes through one version cycle
//! ([`Writer::replace`]): read the current version back, compare, and only
//! when it differs close it (`superseded_at`) and write the new one. An
//! unchanged fact writes nothing, so loading a bundle twice adds no row and
//! no revision. No row is ever deleted, and the only column ever updated is
//! `superseded_at`, which is what makes "as known at" queries exact.

mod edit;
mod periods;
mod writer;

pub use edit::Edit;

use crate::facts::{ArticleFact, EntityFact, EntityPart, EventFact, PeriodFact, RelationFact, StatementFact};
use crate::{Error, Result, Store};
use domain::problem::{Problem, Problems};
pub use domain::record::now_micros;
use domain::{FactKind, Known};
use entity::rules::visible;
use entity::{entity as ent, revision, Recorded, Versioned};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QuerySelect, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::collections::{BTreeMap, HashSet};
use writer::Writer;

/// Something a load did that a curator should look at; nothing was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where in the bundle, e.g. `relations[3]`.
    pub place: String,
    pub message: String,
}

/// What one write changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub created: usize,
    pub updated: usize,
    pub retracted: usize,
    /// Facts of the bundle that were already recorded as it states them.
    pub unchanged: usize,
    /// Ids of the revisions written, in order.
    pub revisions: Vec<i64>,
    pub warnings: Vec<Warning>,
}

impl LoadReport {
    /// Nothing was written.
    pub fn is_unchanged(&self) -> bool {
        self.revisions.is_empty()
    }
}

/// A write refused for one problem at one place.
fn invalid(file: &str, place: &str, message: impl Into<String>) -> Error {
    Error::Invalid(Problems(vec![Problem { file: file.to_owned(), place: place.to_owned(), message: message.into() }]))
}

/// An arbitrary key for PostgreSQL's advisory lock that serialises writers.
const WRITE_LOCK: i64 = 0x6b62_7772_6974_6531;

/// Starts a write transaction holding the knowledge base's write lock:
/// PostgreSQL's advisory lock for the transaction, or SQLite's write lock
/// taken at `BEGIN IMMEDIATE`. Writers from any process wait their turn.
pub(crate) async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            db.begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
        }
        backend => {
            let txn = db.begin().await?;
            txn.execute_raw(sea_orm::Statement::from_sql_and_values(
                backend,
                "SELECT pg_advisory_xact_lock($1)",
                [WRITE_LOCK.into()],
            ))
            .await?;
            Ok(txn)
        }
    }
}

/// The PostgreSQL channel on which every committed write names its
/// revisions, `first,last` (writers take turns, so they are a range).
pub const CHANGES_CHANNEL: &str = "kb_revisions";

/// Ends a write: commits its result unless `dry_run` or it failed, in which
/// case nothing is left behind. On PostgreSQL a committed write notifies
/// [`CHANGES_CHANNEL`], delivered to listeners in every process at commit.
async fn finish(txn: DatabaseTransaction, dry_run: bool, result: Result<LoadReport>) -> Result<LoadReport> {
    match result {
        Ok(value) if !dry_run => {
            let backend = txn.get_database_backend();
            if let (DatabaseBackend::Postgres, Some(first), Some(last)) =
                (backend, value.revisions.first(), value.revisions.last())
            {
                txn.execute_raw(sea_orm::Statement::from_sql_and_values(
                    backend,
                    "SELECT pg_notify($1, $2)",
                    [CHANGES_CHANNEL.into(), format!("{first},{last}").into()],
                ))
                .await?;
            }
            txn.commit().await?;
            Ok(value)
        }
        Ok(value) => {
            txn.rollback().await?;
            Ok(value)
        }
        Err(e) => {
            txn.rollback().await?;
            Err(e)
        }
    }
}

impl Store {
    /// Writes one source's account in one transaction; `author` goes into
    /// the revision log. With `dry_run`, reports what it would change and
    /// writes nothing.
    pub async fn ingest(&self, contribution: &Contribution, author: &str, dry_run: bool) -> Result<LoadReport> {
        let txn = begin_write(&self.db).await?;
        let result = write_contribution(&txn, contribution, author).await;
        finish(txn, dry_run, result).await
    }

    /// Writes one source's account; `author` goes into the revision log.
    pub async fn load(&self, contribution: &Contribution, author: &str) -> Result<LoadReport> {
        self.ingest(contribution, author, false).await
    }

    /// Applies one edit in one transaction. With `expected`, the edit is
    /// based on that revision: if it is not the latest revision of the fact,
    /// nothing is written and the answer is [`Error::Conflict`].
    pub async fn apply(&self, edit: &Edit, author: &str, expected: Option<i64>) -> Result<LoadReport> {
        let txn = begin_write(&self.db).await?;
        let result = edit::apply(&txn, edit, author, expected).await;
        finish(txn, false, result).await
    }

    /// The latest revision of a fact.
    pub async fn latest_revision_of(&self, kind: FactKind, key: &str) -> Result<Option<i64>> {
        Ok(latest_revision(&self.db, kind, key).await?)
    }
}

/// The latest revision of a fact.
pub(crate) async fn latest_revision(
    db: &impl ConnectionTrait,
    kind: FactKind,
    key: &str,
) -> Result<Option<i64>, DbErr> {
    Ok(revision::Entity::find()
        .select_only()
        .column_as(revision::Column::Id.max(), "m")
        .filter(revision::Column::SubjectKind.eq(kind.as_str()))
        .filter(revision::Column::SubjectKey.eq(key))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten())
}

/// The record time of a new write: now, but never at or before the last
/// revision, even if the clock runs backwards.
pub(crate) async fn next_record_time(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let last: Option<i64> = revision::Entity::find()
        .select_only()
        .column_as(revision::Column::RecordedAt.max(), "m")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    Ok(now_micros().max(last.map_or(i64::MIN, |l| l + 1)))
}

/// Refuses a bundle that uses slugs no entity has.
async fn check_external_slugs(db: &impl ConnectionTrait, vb: &Contribution) -> Result<()> {
    let found = existing_slugs(db, vb.external_slugs.keys()).await?;
    let missing: Vec<Problem> = vb
        .external_slugs
        .iter()
        .filter(|(slug, _)| !found.contains(*slug))
        .map(|(slug, place)| Problem {
            file: vb.file.clone(),
            place: place.clone(),
            message: format!(
                "unknown slug `{slug}`: define it in this bundle's [[entities]] or load the bundle that does first"
            ),
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(Problems(missing)))
    }
}

/// Which of these slugs name current entities.
pub(crate) async fn existing_slugs<'a>(
    db: &impl ConnectionTrait,
    slugs: impl IntoIterator<Item = &'a String>,
) -> Result<HashSet<String>, DbErr> {
    let wanted: Vec<String> = slugs.into_iter().cloned().collect();
    if wanted.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(ent::Entity::find()
        .select_only()
        .column(ent::Column::Slug)
        .filter(ent::Column::Slug.is_in(wanted))
        .filter(visible(ent::Entity, Known::Now))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The current row of a stable key.
pub(crate) async fn current<T: Versioned>(db: &impl ConnectionTrait, key: &str) -> Result<Option<T::Model>, DbErr> {
    T::find().filter(T::KEY.eq(key)).filter(visible(T::default(), Known::Now)).one(db).await
}

async fn write_contribution<C: ConnectionTrait>(db: &C, vb: &Contribution, author: &str) -> Result<LoadReport> {
    check_external_slugs(db, vb).await?;
    let now = next_record_time(db).await?;
    let mut w = Writer::new(db, now, author, &vb.article.key);
    w.settle(&vb.article).await?;
    let mut cited: HashSet<(FactKind, String)> = HashSet::new();
    for e in &vb.entities {
        w.contribute::<EntityFact>(e).await?;
        w.cite(FactKind::Entity, &e.key, &e.cite).await?;
        cited.insert((FactKind::Entity, e.key.clone()));
    }
    for m in &vb.mentions {
        w.cite(FactKind::Entity, &m.key, &m.cite).await?;
        cited.insert((FactKind::Entity, m.key.clone()));
    }
    for (i, r) in vb.relations.iter().enumerate() {
        w.relation(r, &format!("relations[{i}]")).await?;
        cited.insert((FactKind::Relation, r.relation.key.clone()));
    }
    for e in &vb.events {
        w.contribute::<EventFact>(e).await?;
        w.cite(FactKind::Event, &e.key, &e.cite).await?;
        cited.insert((FactKind::Event, e.key.clone()));
    }
    for s in &vb.statements {
        w.contribute::<StatementFact>(s).await?;
        w.cite(FactKind::Statement, &s.key, &s.cite).await?;
        cited.insert((FactKind::Statement, s.key.clone()));
    }
    w.retract_missing(&cited).await?;
    Ok(w.report)
}

/// Closes one row in record time (the only update the store ever makes).
pub(crate) async fn close<T: Recorded>(db: &impl ConnectionTrait, id: i64, now: i64) -> Result<(), DbErr> {
    T::update_many().col_expr(T::SUPERSEDED_AT, Expr::value(now)).filter(T::ID.eq(id)).exec(db).await?;
    Ok(())
}

/// Closes the current row of a stable key; returns whether there was one.
pub(crate) async fn retract<T: Versioned>(db: &impl ConnectionTrait, key: &str, now: i64) -> Result<bool, DbErr> {
    let res = T::update_many()
        .col_expr(T::SUPERSEDED_AT, Expr::value(now))
        .filter(T::KEY.eq(key))
        .filter(visible(T::default(), Known::Now))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// A fact with its stable key and the words of the source that support it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cited<F> {
    pub key: String,
    /// The supporting words, as the source gives them.
    pub cite: String,
    pub fact: F,
}

/// A relation with the status periods this source gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationEntry {
    pub relation: Cited<RelationFact>,
    pub periods: Vec<Cited<PeriodFact>>,
}

/// One source's whole account, checked and typed (for an article: its
/// bundle, validated by the `seed` crate), ready to write without parsing
/// anything again.
#[derive(Debug, Clone)]
pub struct Contribution {
    /// The file it came from, to name in problems.
    pub file: String,
    /// The article; its `cite` is empty (an article is its own source).
    pub article: Cited<ArticleFact>,
    /// What the article says of entities: what they are, or more names,
    /// identifiers or descriptions of entities other articles define.
    pub entities: Vec<Cited<EntityPart>>,
    /// Entities the article names that other articles define: cited, not
    /// described.
    pub mentions: Vec<Cited<()>>,
    pub relations: Vec<RelationEntry>,
    pub events: Vec<Cited<EventFact>>,
    pub statements: Vec<Cited<StatementFact>>,
    /// Slugs the account uses without defining, with the first place each
    /// is used; they must already exist in the database.
    pub external_slugs: BTreeMap<String, String>,
}
