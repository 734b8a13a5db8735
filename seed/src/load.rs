//! Writes facts into the database, append-only: whole bundles, and the
//! single edits a curator makes through the API.
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

use crate::bundle::{Cited, Problem, Problems, RelationEntry, ValidBundle};
use crate::facts::{EntityFact, EntityPart, EventFact, Fact, Merge, PeriodFact, RelationFact, StatementFact};
pub use domain::record::now_micros;
use domain::{Action, FactKind, Known};
use entity::rules::visible;
use entity::{
    article, citation, contribution, entity as ent, event, relation, revision, statement, status_period, Recorded,
    Versioned,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

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

#[derive(Debug)]
pub enum LoadError {
    /// The bundle or edit is not valid against the knowledge base (it names
    /// what is not there); nothing was written.
    Invalid(Problems),
    /// The change was based on a revision that is no longer the latest of
    /// its fact; nothing was written.
    Conflict {
        /// The latest revision of the fact now.
        latest: Option<i64>,
    },
    Db(DbErr),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Invalid(p) => write!(f, "{p}"),
            LoadError::Conflict { latest } => write!(f, "another write came first (latest revision {latest:?})"),
            LoadError::Db(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for LoadError {}

impl From<DbErr> for LoadError {
    fn from(e: DbErr) -> Self {
        LoadError::Db(e)
    }
}

fn invalid(file: &str, place: &str, message: impl Into<String>) -> LoadError {
    LoadError::Invalid(Problems(vec![Problem {
        file: file.to_owned(),
        place: place.to_owned(),
        message: message.into(),
    }]))
}

/// An arbitrary key for PostgreSQL's advisory lock that serialises writers.
const WRITE_LOCK: i64 = 0x6b62_7772_6974_6531;

/// Starts a write transaction holding the knowledge base's write lock:
/// PostgreSQL's advisory lock for the transaction, or SQLite's write lock
/// taken at `BEGIN IMMEDIATE`. Writers from any process wait their turn.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
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
async fn finish(
    txn: DatabaseTransaction,
    dry_run: bool,
    result: Result<LoadReport, LoadError>,
) -> Result<LoadReport, LoadError> {
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

/// Loads one validated bundle in one transaction; `author` goes into the
/// revision log.
pub async fn load_bundle(db: &DatabaseConnection, bundle: &ValidBundle, author: &str) -> Result<LoadReport, LoadError> {
    ingest(db, bundle, author, false).await
}

/// Loads one validated bundle; with `dry_run`, reports what it would change
/// and writes nothing.
pub async fn ingest(
    db: &DatabaseConnection,
    bundle: &ValidBundle,
    author: &str,
    dry_run: bool,
) -> Result<LoadReport, LoadError> {
    let txn = begin_write(db).await?;
    let result = write_bundle(&txn, bundle, author).await;
    finish(txn, dry_run, result).await
}

/// One change a curator makes without a bundle. Each names the article that
/// supports it (an article already in the knowledge base) and its words.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Adds or corrects an article's part of an entity.
    Entity {
        article: String,
        fact: Cited<EntityPart>,
    },
    /// Adds or corrects an article's part of a relation (not its periods).
    Relation {
        article: String,
        fact: Cited<RelationFact>,
    },
    Event {
        article: String,
        fact: Cited<EventFact>,
    },
    Statement {
        article: String,
        fact: Cited<StatementFact>,
    },
    /// Records a relation's change of status: the open periods end where the
    /// new one starts, and the new one is open.
    StatusChange {
        article: String,
        relation: String,
        period: Cited<PeriodFact>,
    },
    /// Adds or corrects an article's citation of a fact.
    Cite {
        article: String,
        kind: FactKind,
        key: String,
        quote: String,
    },
    /// Withdraws a fact from current answers.
    Retract {
        kind: FactKind,
        key: String,
        reason: String,
    },
}

impl Edit {
    /// The fact the edit changes.
    pub fn subject(&self) -> (FactKind, &str) {
        match self {
            Edit::Entity { fact, .. } => (FactKind::Entity, &fact.key),
            Edit::Relation { fact, .. } => (FactKind::Relation, &fact.key),
            Edit::Event { fact, .. } => (FactKind::Event, &fact.key),
            Edit::Statement { fact, .. } => (FactKind::Statement, &fact.key),
            Edit::StatusChange { relation, .. } => (FactKind::Relation, relation),
            Edit::Cite { kind, key, .. } => (*kind, key),
            Edit::Retract { kind, key, .. } => (*kind, key),
        }
    }
}

/// Applies one edit in one transaction. With `expected`, the edit is based
/// on that revision: if it is not the latest revision of the fact, nothing
/// is written and the answer is [`LoadError::Conflict`].
pub async fn apply(
    db: &DatabaseConnection,
    edit: &Edit,
    author: &str,
    expected: Option<i64>,
) -> Result<LoadReport, LoadError> {
    let txn = begin_write(db).await?;
    let result = apply_edit(&txn, edit, author, expected).await;
    finish(txn, false, result).await
}

/// The latest revision of a fact.
pub async fn latest_revision(db: &impl ConnectionTrait, kind: FactKind, key: &str) -> Result<Option<i64>, DbErr> {
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

async fn apply_edit<C: ConnectionTrait>(
    db: &C,
    edit: &Edit,
    author: &str,
    expected: Option<i64>,
) -> Result<LoadReport, LoadError> {
    let (kind, key) = edit.subject();
    if let Some(expected) = expected {
        let latest = latest_revision(db, kind, key).await?;
        if latest != Some(expected) {
            return Err(LoadError::Conflict { latest });
        }
    }
    let article = match edit {
        Edit::Entity { article, .. }
        | Edit::Relation { article, .. }
        | Edit::Event { article, .. }
        | Edit::Statement { article, .. }
        | Edit::StatusChange { article, .. }
        | Edit::Cite { article, .. } => Some(article.as_str()),
        Edit::Retract { .. } => None,
    };
    if let Some(article) = article {
        if current::<article::Entity>(db, article).await?.is_none() {
            return Err(invalid("edit", "article", format!("no article has the key `{article}`")));
        }
    }
    let now = next_record_time(db).await?;
    let mut w = Writer { db, now, author, article_key: article.unwrap_or_default(), report: LoadReport::default() };
    match edit {
        Edit::Entity { fact, .. } => {
            if fact.fact.what.is_none() {
                w.check_slugs(&[&fact.key]).await?;
            }
            let (_, after) = w.contribute::<EntityFact>(fact).await?;
            if after.is_none() {
                let message = format!(
                    "with this part no article says what `{}` is any more: give kind, category and name",
                    fact.key
                );
                return Err(invalid("edit", "input", message));
            }
            w.cite(FactKind::Entity, &fact.key, &fact.cite).await?;
        }
        Edit::Relation { fact, .. } => {
            w.check_slugs(&[&fact.fact.source, &fact.fact.target]).await?;
            let (before, after) = w.contribute::<RelationFact>(fact).await?;
            w.follow_ends(&fact.key, before.as_ref(), after.as_ref()).await?;
            w.cite(FactKind::Relation, &fact.key, &fact.cite).await?;
        }
        Edit::Event { fact, .. } => {
            let slugs: Vec<&String> =
                fact.fact.participants.iter().map(|p| &p.entity).chain(&fact.fact.location).collect();
            w.check_slugs(&slugs).await?;
            w.contribute::<EventFact>(fact).await?;
            w.cite(FactKind::Event, &fact.key, &fact.cite).await?;
        }
        Edit::Statement { fact, .. } => {
            let slugs: Vec<&String> = std::iter::once(&fact.fact.speaker).chain(&fact.fact.about).collect();
            w.check_slugs(&slugs).await?;
            w.contribute::<StatementFact>(fact).await?;
            w.cite(FactKind::Statement, &fact.key, &fact.cite).await?;
        }
        Edit::StatusChange { relation, period, .. } => w.status_change(relation, period).await?,
        Edit::Cite { kind, key, quote, .. } => {
            if !w.exists(*kind, key).await? {
                return Err(invalid("edit", "id", format!("no current {kind} has the key `{key}`")));
            }
            if w.cite(*kind, key, quote).await? {
                let summary = format!("cited by {}", w.article_key);
                w.log(*kind, key, Action::Update, summary).await?;
            }
        }
        Edit::Retract { kind, key, reason } => {
            if !w.retract_fact(*kind, key, reason).await? {
                return Err(invalid("edit", "id", format!("no current {kind} has the key `{key}`")));
            }
        }
    }
    Ok(w.report)
}

/// The record time of a new write: now, but never at or before the last
/// revision, even if the clock runs backwards.
async fn next_record_time(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
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
async fn check_external_slugs(db: &impl ConnectionTrait, vb: &ValidBundle) -> Result<(), LoadError> {
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
        Err(LoadError::Invalid(Problems(missing)))
    }
}

/// Which of these slugs name current entities.
async fn existing_slugs<'a>(
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
async fn current<T: Versioned>(db: &impl ConnectionTrait, key: &str) -> Result<Option<T::Model>, DbErr> {
    T::find().filter(T::KEY.eq(key)).filter(visible(T::default(), Known::Now)).one(db).await
}

async fn write_bundle<C: ConnectionTrait>(db: &C, vb: &ValidBundle, author: &str) -> Result<LoadReport, LoadError> {
    check_external_slugs(db, vb).await?;
    let now = next_record_time(db).await?;
    let mut w = Writer { db, now, author, article_key: &vb.article.key, report: LoadReport::default() };
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

/// What [`Writer::replace`] found and did.
struct Replaced<F> {
    /// The current version's content before, if there was one.
    before: Option<F>,
    /// A new version was written.
    changed: bool,
}

struct Writer<'a, C> {
    db: &'a C,
    now: i64,
    author: &'a str,
    article_key: &'a str,
    report: LoadReport,
}

impl<C: ConnectionTrait> Writer<'_, C> {
    async fn log(&mut self, kind: FactKind, key: &str, action: Action, summary: String) -> Result<(), DbErr> {
        match action {
            Action::Create => self.report.created += 1,
            Action::Update => self.report.updated += 1,
            Action::Retract => self.report.retracted += 1,
        }
        let row = revision::Entity::insert(revision::ActiveModel {
            subject_kind: Set(kind.as_str().to_owned()),
            subject_key: Set(key.to_owned()),
            action: Set(action.as_str().to_owned()),
            author: Set(self.author.to_owned()),
            summary: Set(Some(summary)),
            recorded_at: Set(self.now),
            ..Default::default()
        })
        .exec(self.db)
        .await?;
        self.report.revisions.push(row.last_insert_id);
        Ok(())
    }

    /// The version cycle every fact goes through: the current version of
    /// `key` is read back and compared; only a different content closes it
    /// and becomes the new current version.
    async fn replace<F: Fact>(&mut self, key: &str, fact: &F) -> Result<Replaced<F>, DbErr> {
        let current = current::<F::Table>(self.db, key).await?;
        let before = match &current {
            Some(row) => Some(F::read(self.db, row).await?),
            None => None,
        };
        if before.as_ref() == Some(fact) {
            return Ok(Replaced { before, changed: false });
        }
        if let Some(row) = &current {
            close::<F::Table>(self.db, <F::Table as Versioned>::id(row), self.now).await?;
        }
        fact.write(self.db, key, self.now).await?;
        Ok(Replaced { before, changed: true })
    }

    /// A fact that is its own source (an article): replaced and logged.
    async fn settle<F: Fact>(&mut self, fact: &Cited<F>) -> Result<(), DbErr> {
        let done = self.replace(&fact.key, &fact.fact).await?;
        if done.changed {
            let action = if done.before.is_some() { Action::Update } else { Action::Create };
            self.log(<F::Table as Versioned>::KIND, &fact.key, action, fact.fact.summary()).await?;
        } else {
            self.report.unchanged += 1;
        }
        Ok(())
    }

    /// This article's part of a fact: kept as its contribution, and the
    /// fact rewritten as the merge of all parts. Returns the fact before and
    /// after.
    async fn contribute<F: Merge>(&mut self, fact: &Cited<F::Part>) -> Result<(Option<F>, Option<F>), DbErr> {
        let kind = <F::Table as Versioned>::KIND;
        self.adopt_unattributed::<F>(&fact.key).await?;
        let content =
            serde_json::to_string(&fact.fact).map_err(|e| DbErr::Custom(format!("cannot encode a fact: {e}")))?;
        let mine = self.contribution(kind, &fact.key).await?;
        if mine.as_ref().is_some_and(|c| c.content == content) {
            self.report.unchanged += 1;
            let now = current::<F::Table>(self.db, &fact.key).await?;
            let now = match now {
                Some(row) => Some(F::read(self.db, &row).await?),
                None => None,
            };
            return Ok((now.clone(), now));
        }
        if let Some(c) = &mine {
            close::<contribution::Entity>(self.db, c.id, self.now).await?;
        }
        contribution::Entity::insert(contribution::ActiveModel {
            subject_kind: Set(kind.as_str().to_owned()),
            subject_key: Set(fact.key.clone()),
            article_key: Set(self.article_key.to_owned()),
            content: Set(content),
            recorded_at: Set(self.now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(self.db)
        .await?;
        let summary = format!("{}: {}", self.article_key, F::describe(&fact.fact));
        self.remerge::<F>(&fact.key, summary).await
    }

    /// This article's current contribution to a fact.
    async fn contribution(&self, kind: FactKind, key: &str) -> Result<Option<contribution::Model>, DbErr> {
        contribution::Entity::find()
            .filter(contribution::Column::SubjectKind.eq(kind.as_str()))
            .filter(contribution::Column::SubjectKey.eq(key))
            .filter(contribution::Column::ArticleKey.eq(self.article_key))
            .filter(visible(contribution::Entity, Known::Now))
            .one(self.db)
            .await
    }

    /// A fact written before facts kept their articles' parts has a row and
    /// no contribution: its content becomes the part of the article that
    /// first cited it, so that merging with a new part keeps it.
    async fn adopt_unattributed<F: Merge>(&mut self, key: &str) -> Result<(), DbErr> {
        let kind = <F::Table as Versioned>::KIND;
        let Some(row) = current::<F::Table>(self.db, key).await? else { return Ok(()) };
        let any = contribution::Entity::find()
            .filter(contribution::Column::SubjectKind.eq(kind.as_str()))
            .filter(contribution::Column::SubjectKey.eq(key))
            .one(self.db)
            .await?;
        if any.is_some() {
            return Ok(());
        }
        let first_citation = citation::Entity::find()
            .filter(citation::Column::SubjectKind.eq(kind.as_str()))
            .filter(citation::Column::SubjectKey.eq(key))
            .order_by_asc(citation::Column::Id)
            .one(self.db)
            .await?;
        let Some(first) = first_citation else { return Ok(()) };
        let content = serde_json::to_string(&F::part_of(&F::read(self.db, &row).await?))
            .map_err(|e| DbErr::Custom(format!("cannot encode a fact: {e}")))?;
        contribution::Entity::insert(contribution::ActiveModel {
            subject_kind: Set(kind.as_str().to_owned()),
            subject_key: Set(key.to_owned()),
            article_key: Set(first.article_key),
            content: Set(content),
            recorded_at: Set(self.now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(self.db)
        .await?;
        Ok(())
    }

    /// Rewrites a fact as the merge of its current contributions, in order
    /// of their articles' publication, and logs the change with `summary`.
    /// With no contribution left, the fact is retracted unless another
    /// article still cites it. Returns the fact before and after.
    async fn remerge<F: Merge>(&mut self, key: &str, summary: String) -> Result<(Option<F>, Option<F>), DbErr> {
        let kind = <F::Table as Versioned>::KIND;
        let parts = contribution::Entity::find()
            .filter(contribution::Column::SubjectKind.eq(kind.as_str()))
            .filter(contribution::Column::SubjectKey.eq(key))
            .filter(visible(contribution::Entity, Known::Now))
            .all(self.db)
            .await?;
        let keys: Vec<String> = parts.iter().map(|p| p.article_key.clone()).collect();
        let published: HashMap<String, i64> = article::Entity::find()
            .filter(article::Column::Key.is_in(keys))
            .filter(visible(article::Entity, Known::Now))
            .all(self.db)
            .await?
            .into_iter()
            .map(|a| (a.key, a.published_at))
            .collect();
        let mut ordered: Vec<(i64, String, F::Part)> = Vec::with_capacity(parts.len());
        for p in parts {
            let fact: F::Part = serde_json::from_str(&p.content)
                .map_err(|e| DbErr::Custom(format!("contribution {} does not read back: {e}", p.id)))?;
            let when = published.get(&p.article_key).copied().unwrap_or(i64::MAX);
            ordered.push((when, p.article_key, fact));
        }
        ordered.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let parts: Vec<F::Part> = ordered.into_iter().map(|(_, _, f)| f).collect();
        let Some(merged) = F::merge(&parts) else {
            let row = current::<F::Table>(self.db, key).await?;
            let before = match &row {
                Some(row) => Some(F::read(self.db, row).await?),
                None => None,
            };
            let Some(row) = row else { return Ok((None, None)) };
            if self.cited_by_others(kind, key).await? {
                self.log(kind, key, Action::Update, summary).await?;
                return Ok((before.clone(), before));
            }
            close::<F::Table>(self.db, <F::Table as Versioned>::id(&row), self.now).await?;
            self.log(kind, key, Action::Retract, summary).await?;
            return Ok((before, None));
        };
        let done = self.replace(key, &merged).await?;
        let action = if done.before.is_none() { Action::Create } else { Action::Update };
        self.log(kind, key, action, summary).await?;
        Ok((done.before, Some(merged)))
    }

    /// Whether an article other than this one currently cites the fact.
    async fn cited_by_others(&self, kind: FactKind, key: &str) -> Result<bool, DbErr> {
        Ok(citation::Entity::find()
            .filter(citation::Column::SubjectKind.eq(kind.as_str()))
            .filter(citation::Column::SubjectKey.eq(key))
            .filter(citation::Column::ArticleKey.ne(self.article_key))
            .filter(visible(citation::Entity, Known::Now))
            .one(self.db)
            .await?
            .is_some())
    }

    /// Withdraws this article's part of a fact, and merges what is left.
    async fn withdraw<F: Merge>(&mut self, key: &str) -> Result<(), DbErr> {
        let kind = <F::Table as Versioned>::KIND;
        self.adopt_unattributed::<F>(key).await?;
        let Some(mine) = self.contribution(kind, key).await? else { return Ok(()) };
        close::<contribution::Entity>(self.db, mine.id, self.now).await?;
        let summary = format!("no longer supported by {}", self.article_key);
        self.remerge::<F>(key, summary).await?;
        Ok(())
    }

    /// Refuses an edit that names entities that are not there.
    async fn check_slugs(&self, slugs: &[&String]) -> Result<(), LoadError> {
        let found = existing_slugs(self.db, slugs.iter().copied()).await?;
        match slugs.iter().find(|s| !found.contains(**s)) {
            Some(missing) => Err(invalid("edit", "slug", format!("no entity has the slug `{missing}`"))),
            None => Ok(()),
        }
    }

    /// Whether a fact of this kind and key is current.
    async fn exists(&self, kind: FactKind, key: &str) -> Result<bool, DbErr> {
        Ok(match kind {
            FactKind::Entity => current::<ent::Entity>(self.db, key).await?.is_some(),
            FactKind::Relation => current::<relation::Entity>(self.db, key).await?.is_some(),
            FactKind::Event => current::<event::Entity>(self.db, key).await?.is_some(),
            FactKind::Statement => current::<statement::Entity>(self.db, key).await?.is_some(),
            FactKind::Article => current::<article::Entity>(self.db, key).await?.is_some(),
            FactKind::Period => false,
        })
    }

    /// A relation, its periods as this article gives them, and its citation.
    async fn relation(&mut self, r: &RelationEntry, place: &str) -> Result<(), DbErr> {
        let rel = &r.relation;
        let existed = current::<relation::Entity>(self.db, &rel.key).await?.is_some();
        if !existed {
            self.warn_duplicate(&rel.key, &rel.fact, place).await?;
        }
        let logged = self.report.revisions.len();
        let (before, after) = self.contribute::<RelationFact>(rel).await?;
        self.follow_ends(&rel.key, before.as_ref(), after.as_ref()).await?;
        let Some(after) = after else { return Ok(()) };
        let ends = (after.source.as_str(), after.target.as_str());
        // A relation this write created or corrected has its revision already.
        if self.periods(&rel.key, ends, &r.periods).await? && self.report.revisions.len() == logged {
            let summary = format!("{}: {}: status history corrected", self.article_key, after.label);
            self.log(FactKind::Relation, &rel.key, Action::Update, summary).await?;
        }
        self.cite(FactKind::Relation, &rel.key, &rel.cite).await?;
        Ok(())
    }

    /// A new relation key with the type and ends of a current relation is
    /// probably the same tie under another key: said, not refused.
    async fn warn_duplicate(&mut self, key: &str, fact: &RelationFact, place: &str) -> Result<(), DbErr> {
        let ends = |a: &str, b: &str| {
            sea_orm::Condition::all().add(relation::Column::Source.eq(a)).add(relation::Column::Target.eq(b))
        };
        let same_ends =
            sea_orm::Condition::any().add(ends(&fact.source, &fact.target)).add(ends(&fact.target, &fact.source));
        let twins = relation::Entity::find()
            .filter(relation::Column::RelType.eq(fact.rel_type.as_str()))
            .filter(same_ends)
            .filter(relation::Column::Key.ne(key))
            .filter(visible(relation::Entity, Known::Now))
            .order_by_asc(relation::Column::Key)
            .all(self.db)
            .await?;
        for twin in twins {
            self.report.warnings.push(Warning {
                place: place.to_owned(),
                message: format!(
                    "possible duplicate: `{key}` has the type and ends of the existing relation `{}` ({}); use its key if it is the same tie",
                    twin.key, twin.label
                ),
            });
        }
        Ok(())
    }

    /// Keeps the ends copied onto a relation's periods true after the merged
    /// relation's ends changed.
    async fn follow_ends(
        &mut self,
        key: &str,
        before: Option<&RelationFact>,
        after: Option<&RelationFact>,
    ) -> Result<(), DbErr> {
        if let (Some(b), Some(a)) = (before, after) {
            if (&b.source, &b.target) != (&a.source, &a.target) {
                self.move_periods(key, (&a.source, &a.target)).await?;
            }
        }
        Ok(())
    }

    /// The current periods of a relation, oldest first.
    async fn current_periods(&self, relation_key: &str) -> Result<Vec<status_period::Model>, DbErr> {
        status_period::Entity::find()
            .filter(status_period::Column::RelationKey.eq(relation_key))
            .filter(visible(status_period::Entity, Known::Now))
            .order_by_asc(status_period::Column::Id)
            .all(self.db)
            .await
    }

    /// The current citations of these periods, in one query.
    async fn period_citations(&self, periods: &[status_period::Model]) -> Result<Vec<citation::Model>, DbErr> {
        citation::Entity::find()
            .filter(citation::Column::SubjectKind.eq(FactKind::Period.as_str()))
            .filter(citation::Column::SubjectKey.is_in(periods.iter().map(|p| p.id.to_string())))
            .filter(visible(citation::Entity, Known::Now))
            .order_by_asc(citation::Column::Id)
            .all(self.db)
            .await
    }

    /// The current periods of a relation that this article asserts (cited
    /// by it, or by no article), oldest first, with this article's citation.
    async fn asserted_periods(
        &self,
        relation_key: &str,
    ) -> Result<Vec<(status_period::Model, Option<citation::Model>)>, DbErr> {
        let periods = self.current_periods(relation_key).await?;
        let cites = self.period_citations(&periods).await?;
        let mut out = Vec::new();
        for p in periods {
            let key = p.id.to_string();
            let of_period: Vec<&citation::Model> = cites.iter().filter(|c| c.subject_key == key).collect();
            let mine = of_period.iter().find(|c| c.article_key == self.article_key).map(|c| (*c).clone());
            if mine.is_some() || of_period.is_empty() {
                out.push((p, mine));
            }
        }
        Ok(out)
    }

    /// Writes a new version of a period (same relation, new content or
    /// ends), carrying over every current citation of the old one.
    async fn rewrite_period(
        &mut self,
        old: &status_period::Model,
        new: status_period::ActiveModel,
        cites: &[citation::Model],
    ) -> Result<i64, DbErr> {
        close::<status_period::Entity>(self.db, old.id, self.now).await?;
        let row = status_period::Entity::insert(new).exec(self.db).await?;
        let (old_key, new_key) = (old.id.to_string(), row.last_insert_id.to_string());
        for c in cites.iter().filter(|c| c.subject_key == old_key) {
            close::<citation::Entity>(self.db, c.id, self.now).await?;
            self.insert_citation(&c.article_key, FactKind::Period, &new_key, c.quote.as_deref()).await?;
        }
        Ok(row.last_insert_id)
    }

    /// Rewrites every current period of a relation whose ends were
    /// corrected, so the copies of the ends kept on periods stay true; each
    /// period keeps its citations.
    async fn move_periods(&mut self, relation_key: &str, ends: (&str, &str)) -> Result<(), DbErr> {
        let periods = self.current_periods(relation_key).await?;
        let cites = self.period_citations(&periods).await?;
        for p in &periods {
            let moved = PeriodFact::read(p)?.row(relation_key, ends, self.now);
            self.rewrite_period(p, moved, &cites).await?;
        }
        Ok(())
    }

    /// Replaces this article's periods of a relation when they differ from
    /// the bundle's; returns whether anything changed. `ends` are the
    /// relation's source and target, copied onto each period.
    async fn periods(
        &mut self,
        relation_key: &str,
        ends: (&str, &str),
        specs: &[Cited<PeriodFact>],
    ) -> Result<bool, DbErr> {
        let current = self.asserted_periods(relation_key).await?;
        let mut same = current.len() == specs.len();
        for ((p, c), s) in current.iter().zip(specs) {
            same =
                same && PeriodFact::read(p)? == s.fact && c.as_ref().and_then(|c| c.quote.as_deref()) == Some(&s.cite);
        }
        if same {
            return Ok(false);
        }
        for (p, c) in &current {
            close::<status_period::Entity>(self.db, p.id, self.now).await?;
            if let Some(c) = c {
                close::<citation::Entity>(self.db, c.id, self.now).await?;
            }
        }
        for s in specs {
            let row = status_period::Entity::insert(s.fact.row(relation_key, ends, self.now)).exec(self.db).await?;
            let key = row.last_insert_id.to_string();
            self.insert_citation(self.article_key, FactKind::Period, &key, Some(&s.cite)).await?;
        }
        Ok(true)
    }

    /// A curator's status change: every open period of the relation that
    /// starts no later than the new one ends where it starts, and the new
    /// period, cited to the edit's article, is open.
    async fn status_change(&mut self, relation_key: &str, period: &Cited<PeriodFact>) -> Result<(), LoadError> {
        let Some(rel) = current::<relation::Entity>(self.db, relation_key).await? else {
            return Err(invalid("edit", "relation", format!("no current relation has the key `{relation_key}`")));
        };
        let Some(start) = &period.fact.from else {
            return Err(invalid("edit", "from", "a status change needs the date it happened"));
        };
        let ends = (rel.source.as_str(), rel.target.as_str());
        let open = self.current_periods(relation_key).await?;
        let cites = self.period_citations(&open).await?;
        // The ended periods keep their own articles' citations: they are
        // still those articles' periods, and a reload of one restores it.
        for p in open.iter().filter(|p| p.to_edtf.is_none() && p.from_earliest <= start.earliest_day()) {
            let mut ended = PeriodFact::read(p)?;
            ended.to = Some(start.clone());
            self.rewrite_period(p, ended.row(relation_key, ends, self.now), &cites).await?;
        }
        let row = status_period::Entity::insert(period.fact.row(relation_key, ends, self.now)).exec(self.db).await?;
        self.insert_citation(self.article_key, FactKind::Period, &row.last_insert_id.to_string(), Some(&period.cite))
            .await?;
        let summary = format!("{}: {} from {}", self.article_key, period.fact.status, start.edtf);
        self.log(FactKind::Relation, relation_key, Action::Update, summary).await?;
        Ok(())
    }

    /// Cites a fact to an article.
    async fn insert_citation(
        &self,
        article_key: &str,
        kind: FactKind,
        key: &str,
        quote: Option<&str>,
    ) -> Result<(), DbErr> {
        citation::Entity::insert(citation::ActiveModel {
            subject_kind: Set(kind.as_str().to_owned()),
            subject_key: Set(key.to_owned()),
            article_key: Set(article_key.to_owned()),
            quote: Set(quote.map(str::to_owned)),
            recorded_at: Set(self.now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(self.db)
        .await?;
        Ok(())
    }

    /// Makes this article's current citation of a fact carry these words;
    /// returns whether that changed anything.
    async fn cite(&mut self, kind: FactKind, key: &str, quote: &str) -> Result<bool, DbErr> {
        let current = citation::Entity::find()
            .filter(citation::Column::SubjectKind.eq(kind.as_str()))
            .filter(citation::Column::SubjectKey.eq(key))
            .filter(citation::Column::ArticleKey.eq(self.article_key))
            .filter(visible(citation::Entity, Known::Now))
            .one(self.db)
            .await?;
        match current {
            Some(c) if c.quote.as_deref() == Some(quote) => return Ok(false),
            Some(c) => close::<citation::Entity>(self.db, c.id, self.now).await?,
            None => {}
        }
        self.insert_citation(self.article_key, kind, key, Some(quote)).await?;
        Ok(true)
    }

    /// Retracts what this article used to assert and its bundle no longer
    /// holds: its part of each such fact and its citation. A fact that other
    /// articles still describe or cite stays.
    async fn retract_missing(&mut self, kept: &HashSet<(FactKind, String)>) -> Result<(), DbErr> {
        let mine = citation::Entity::find()
            .filter(citation::Column::ArticleKey.eq(self.article_key))
            .filter(visible(citation::Entity, Known::Now))
            .filter(citation::Column::SubjectKind.ne(FactKind::Period.as_str()))
            .order_by_asc(citation::Column::Id)
            .all(self.db)
            .await?;
        let mut gone = BTreeSet::new();
        for c in mine {
            let kind =
                FactKind::parse(&c.subject_kind).map_err(|e| DbErr::Custom(format!("citation {} names {e}", c.id)))?;
            if kept.contains(&(kind, c.subject_key.clone())) {
                continue;
            }
            close::<citation::Entity>(self.db, c.id, self.now).await?;
            gone.insert((kind, c.subject_key));
        }
        for (kind, key) in gone {
            match kind {
                FactKind::Entity => self.withdraw::<EntityFact>(&key).await?,
                FactKind::Relation => {
                    self.periods(&key, ("", ""), &[]).await?;
                    self.withdraw::<RelationFact>(&key).await?;
                }
                FactKind::Event => self.withdraw::<EventFact>(&key).await?,
                FactKind::Statement => self.withdraw::<StatementFact>(&key).await?,
                FactKind::Article | FactKind::Period => {}
            }
        }
        Ok(())
    }

    /// A curator's retraction: the fact leaves current answers with every
    /// part and citation of it (a relation with its periods); all of it
    /// stays in record time. Returns whether there was such a fact.
    async fn retract_fact(&mut self, kind: FactKind, key: &str, reason: &str) -> Result<bool, DbErr> {
        let closed = match kind {
            FactKind::Entity => retract::<ent::Entity>(self.db, key, self.now).await?,
            FactKind::Relation => retract::<relation::Entity>(self.db, key, self.now).await?,
            FactKind::Event => retract::<event::Entity>(self.db, key, self.now).await?,
            FactKind::Statement => retract::<statement::Entity>(self.db, key, self.now).await?,
            FactKind::Article | FactKind::Period => false,
        };
        if !closed {
            return Ok(false);
        }
        if kind == FactKind::Relation {
            let periods = self.current_periods(key).await?;
            for c in self.period_citations(&periods).await? {
                close::<citation::Entity>(self.db, c.id, self.now).await?;
            }
            for p in &periods {
                close::<status_period::Entity>(self.db, p.id, self.now).await?;
            }
        }
        contribution::Entity::update_many()
            .col_expr(contribution::Column::SupersededAt, Expr::value(self.now))
            .filter(contribution::Column::SubjectKind.eq(kind.as_str()))
            .filter(contribution::Column::SubjectKey.eq(key))
            .filter(visible(contribution::Entity, Known::Now))
            .exec(self.db)
            .await?;
        citation::Entity::update_many()
            .col_expr(citation::Column::SupersededAt, Expr::value(self.now))
            .filter(citation::Column::SubjectKind.eq(kind.as_str()))
            .filter(citation::Column::SubjectKey.eq(key))
            .filter(visible(citation::Entity, Known::Now))
            .exec(self.db)
            .await?;
        self.log(kind, key, Action::Retract, reason.to_owned()).await?;
        Ok(true)
    }
}

/// Closes one row in record time (the only update the store ever makes).
async fn close<T: Recorded>(db: &impl ConnectionTrait, id: i64, now: i64) -> Result<(), DbErr> {
    T::update_many().col_expr(T::SUPERSEDED_AT, Expr::value(now)).filter(T::ID.eq(id)).exec(db).await?;
    Ok(())
}

/// Closes the current row of a stable key; returns whether there was one.
async fn retract<T: Versioned>(db: &impl ConnectionTrait, key: &str, now: i64) -> Result<bool, DbErr> {
    let res = T::update_many()
        .col_expr(T::SUPERSEDED_AT, Expr::value(now))
        .filter(T::KEY.eq(key))
        .filter(visible(T::default(), Known::Now))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}
