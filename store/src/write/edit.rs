//! The single edits a curator makes through the API, each applied in its
//! own write transaction.

use super::{current, invalid, latest_revision, next_record_time, Cited, LoadReport, Writer};
use crate::facts::{EntityFact, EntityPart, EventFact, PeriodFact, RelationFact, StatementFact};
use crate::{Error, Result};
use domain::{Action, FactKind};
use entity::article;
use sea_orm::ConnectionTrait;

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

/// Applies one edit inside the caller's write transaction.
pub(super) async fn apply<C: ConnectionTrait>(
    db: &C,
    edit: &Edit,
    author: &str,
    expected: Option<i64>,
) -> Result<LoadReport> {
    let (kind, key) = edit.subject();
    if let Some(expected) = expected {
        let latest = latest_revision(db, kind, key).await?;
        if latest != Some(expected) {
            return Err(Error::Conflict { latest });
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
    let mut w = Writer::new(db, now, author, article.unwrap_or_default());
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
