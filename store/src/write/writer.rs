//! The version cycle every fact goes through ([`Writer::replace`]), a
//! source's contributions and their merge, citations, and retraction.

use super::{close, current, existing_slugs, invalid, retract, Cited, LoadReport};
use crate::facts::{EntityFact, EventFact, Fact, Merge, RelationFact, StatementFact};
use domain::{Action, FactKind, Known};
use entity::rules::visible;
use entity::{
    article, citation, contribution, entity as ent, event, relation, revision, statement, status_period, Versioned,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeSet, HashMap, HashSet};

/// What [`Writer::replace`] found and did.
pub(super) struct Replaced<F> {
    /// The current version's content before, if there was one.
    pub(super) before: Option<F>,
    /// A new version was written.
    pub(super) changed: bool,
}

pub(super) struct Writer<'a, C> {
    pub(super) db: &'a C,
    pub(super) now: i64,
    pub(super) author: &'a str,
    pub(super) article_key: &'a str,
    pub(super) report: LoadReport,
}

impl<'a, C: ConnectionTrait> Writer<'a, C> {
    pub(super) fn new(db: &'a C, now: i64, author: &'a str, article_key: &'a str) -> Self {
        Writer { db, now, author, article_key, report: LoadReport::default() }
    }
}

impl<C: ConnectionTrait> Writer<'_, C> {
    pub(super) async fn log(
        &mut self,
        kind: FactKind,
        key: &str,
        action: Action,
        summary: String,
    ) -> Result<(), DbErr> {
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
    pub(super) async fn replace<F: Fact>(&mut self, key: &str, fact: &F) -> Result<Replaced<F>, DbErr> {
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
    pub(super) async fn settle<F: Fact>(&mut self, fact: &Cited<F>) -> Result<(), DbErr> {
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
    pub(super) async fn contribute<F: Merge>(
        &mut self,
        fact: &Cited<F::Part>,
    ) -> Result<(Option<F>, Option<F>), DbErr> {
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
    pub(super) async fn contribution(&self, kind: FactKind, key: &str) -> Result<Option<contribution::Model>, DbErr> {
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
    pub(super) async fn adopt_unattributed<F: Merge>(&mut self, key: &str) -> Result<(), DbErr> {
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
    pub(super) async fn remerge<F: Merge>(
        &mut self,
        key: &str,
        summary: String,
    ) -> Result<(Option<F>, Option<F>), DbErr> {
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
    pub(super) async fn cited_by_others(&self, kind: FactKind, key: &str) -> Result<bool, DbErr> {
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
    pub(super) async fn withdraw<F: Merge>(&mut self, key: &str) -> Result<(), DbErr> {
        let kind = <F::Table as Versioned>::KIND;
        self.adopt_unattributed::<F>(key).await?;
        let Some(mine) = self.contribution(kind, key).await? else { return Ok(()) };
        close::<contribution::Entity>(self.db, mine.id, self.now).await?;
        let summary = format!("no longer supported by {}", self.article_key);
        self.remerge::<F>(key, summary).await?;
        Ok(())
    }

    /// Refuses an edit that names entities that are not there.
    pub(super) async fn check_slugs(&self, slugs: &[&String]) -> crate::Result<()> {
        let found = existing_slugs(self.db, slugs.iter().copied()).await?;
        match slugs.iter().find(|s| !found.contains(**s)) {
            Some(missing) => Err(invalid("edit", "slug", format!("no entity has the slug `{missing}`"))),
            None => Ok(()),
        }
    }

    /// Whether a fact of this kind and key is current.
    pub(super) async fn exists(&self, kind: FactKind, key: &str) -> Result<bool, DbErr> {
        Ok(match kind {
            FactKind::Entity => current::<ent::Entity>(self.db, key).await?.is_some(),
            FactKind::Relation => current::<relation::Entity>(self.db, key).await?.is_some(),
            FactKind::Event => current::<event::Entity>(self.db, key).await?.is_some(),
            FactKind::Statement => current::<statement::Entity>(self.db, key).await?.is_some(),
            FactKind::Article => current::<article::Entity>(self.db, key).await?.is_some(),
            FactKind::Period => false,
        })
    }

    /// Cites a fact to an article.
    pub(super) async fn insert_citation(
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
    pub(super) async fn cite(&mut self, kind: FactKind, key: &str, quote: &str) -> Result<bool, DbErr> {
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
    pub(super) async fn retract_missing(&mut self, kept: &HashSet<(FactKind, String)>) -> Result<(), DbErr> {
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
    pub(super) async fn retract_fact(&mut self, kind: FactKind, key: &str, reason: &str) -> Result<bool, DbErr> {
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
