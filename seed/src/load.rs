//! Writes a validated bundle into the database, append-only.
//!
//! One bundle is one transaction: a failure leaves nothing behind. Every
//! kind of fact goes through one version cycle ([`Writer::settle`]): find
//! the current version of its key, read it back, and compare; an unchanged
//! fact writes nothing (so loading a bundle twice adds no row and no
//! revision), a changed one closes the current row (`superseded_at`),
//! writes the new version and logs a revision. A fact the article's bundle
//! no longer contains is retracted. No row is ever deleted, and the only
//! column ever updated is `superseded_at`, which is what makes "as known at"
//! queries exact.

use crate::bundle::{Cited, Problem, Problems, RelationEntry, ValidBundle};
use crate::facts::{Fact, PeriodFact};
pub use domain::record::now_micros;
use domain::{Action, FactKind, Known};
use entity::rules::visible;
use entity::{
    article, citation, entity as ent, event, relation, revision, statement, status_period, Recorded, Versioned,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use std::collections::{BTreeSet, HashSet};
use std::fmt;

/// What loading one bundle changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub created: usize,
    pub updated: usize,
    pub retracted: usize,
    /// Facts of the bundle that were already recorded as it states them.
    pub unchanged: usize,
    /// Ids of the revisions written, in order.
    pub revisions: Vec<i64>,
}

impl LoadReport {
    /// Nothing was written.
    pub fn is_unchanged(&self) -> bool {
        self.revisions.is_empty()
    }
}

#[derive(Debug)]
pub enum LoadError {
    /// The bundle refers to something that is not there; nothing was written.
    Invalid(Problems),
    Db(DbErr),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Invalid(p) => write!(f, "{p}"),
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

/// Loads one validated bundle in one transaction; `author` goes into the
/// revision log.
pub async fn load_bundle(db: &DatabaseConnection, bundle: &ValidBundle, author: &str) -> Result<LoadReport, LoadError> {
    let txn = db.begin().await?;
    match write_bundle(&txn, bundle, author).await {
        Ok(report) => {
            txn.commit().await?;
            Ok(report)
        }
        Err(e) => {
            txn.rollback().await?;
            Err(e)
        }
    }
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
    if vb.external_slugs.is_empty() {
        return Ok(());
    }
    let found: HashSet<String> = ent::Entity::find()
        .select_only()
        .column(ent::Column::Slug)
        .filter(ent::Column::Slug.is_in(vb.external_slugs.keys().cloned()))
        .filter(visible(ent::Entity, Known::Now))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
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

async fn write_bundle<C: ConnectionTrait>(db: &C, vb: &ValidBundle, author: &str) -> Result<LoadReport, LoadError> {
    check_external_slugs(db, vb).await?;
    let now = next_record_time(db).await?;
    let mut w = Writer { db, now, author, article_key: &vb.article.key, report: LoadReport::default() };
    w.settle(&vb.article).await?;
    let mut cited: HashSet<(FactKind, String)> = HashSet::new();
    for e in &vb.entities {
        w.settle(e).await?;
        w.cite(FactKind::Entity, e).await?;
        cited.insert((FactKind::Entity, e.key.clone()));
    }
    for r in &vb.relations {
        w.relation(r).await?;
        cited.insert((FactKind::Relation, r.relation.key.clone()));
    }
    for e in &vb.events {
        w.settle(e).await?;
        w.cite(FactKind::Event, e).await?;
        cited.insert((FactKind::Event, e.key.clone()));
    }
    for s in &vb.statements {
        w.settle(s).await?;
        w.cite(FactKind::Statement, s).await?;
        cited.insert((FactKind::Statement, s.key.clone()));
    }
    w.retract_missing(&cited).await?;
    Ok(w.report)
}

/// What [`Writer::settle`] found and did.
struct Settled<F> {
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

    /// The version cycle every fact goes through: an unchanged fact writes
    /// nothing; a new or changed one becomes the current version of its
    /// key, and the change is logged.
    async fn settle<F: Fact>(&mut self, fact: &Cited<F>) -> Result<Settled<F>, DbErr> {
        let current = F::Table::find()
            .filter(<F::Table as Versioned>::KEY.eq(fact.key.as_str()))
            .filter(visible(F::Table::default(), Known::Now))
            .one(self.db)
            .await?;
        let before = match &current {
            Some(row) => Some(F::read(self.db, row).await?),
            None => None,
        };
        if before.as_ref() == Some(&fact.fact) {
            self.report.unchanged += 1;
            return Ok(Settled { before, changed: false });
        }
        if let Some(row) = &current {
            close::<F::Table>(self.db, <F::Table as Versioned>::id(row), self.now).await?;
        }
        fact.fact.write(self.db, &fact.key, self.now).await?;
        let action = if current.is_some() { Action::Update } else { Action::Create };
        self.log(<F::Table as Versioned>::KIND, &fact.key, action, fact.fact.summary()).await?;
        Ok(Settled { before, changed: true })
    }

    /// A relation, its periods as this article gives them, and its citation.
    async fn relation(&mut self, r: &RelationEntry) -> Result<(), DbErr> {
        let rel = &r.relation;
        let settled = self.settle(rel).await?;
        let ends = (rel.fact.source.as_str(), rel.fact.target.as_str());
        if settled.before.as_ref().is_some_and(|b| (b.source.as_str(), b.target.as_str()) != ends) {
            self.move_periods(&rel.key, ends).await?;
        }
        let periods_changed = self.periods(&rel.key, ends, &r.periods).await?;
        if periods_changed && !settled.changed {
            let summary = format!("{}: status history corrected", rel.fact.label);
            self.log(FactKind::Relation, &rel.key, Action::Update, summary).await?;
        }
        self.cite(FactKind::Relation, rel).await
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

    /// Rewrites every current period of a relation whose ends were
    /// corrected, so the copies of the ends kept on periods stay true; each
    /// period keeps its citations.
    async fn move_periods(&mut self, relation_key: &str, ends: (&str, &str)) -> Result<(), DbErr> {
        let periods = self.current_periods(relation_key).await?;
        let cites = self.period_citations(&periods).await?;
        for p in periods {
            close::<status_period::Entity>(self.db, p.id, self.now).await?;
            let row = status_period::Entity::insert(PeriodFact::read(&p)?.row(relation_key, ends, self.now))
                .exec(self.db)
                .await?;
            let old_key = p.id.to_string();
            for c in cites.iter().filter(|c| c.subject_key == old_key) {
                close::<citation::Entity>(self.db, c.id, self.now).await?;
                let new_key = row.last_insert_id.to_string();
                self.insert_citation(&c.article_key, FactKind::Period, &new_key, c.quote.as_deref()).await?;
            }
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

    /// Makes this article's current citation of a fact carry its words.
    async fn cite<F>(&mut self, kind: FactKind, fact: &Cited<F>) -> Result<(), DbErr> {
        let current = citation::Entity::find()
            .filter(citation::Column::SubjectKind.eq(kind.as_str()))
            .filter(citation::Column::SubjectKey.eq(fact.key.as_str()))
            .filter(citation::Column::ArticleKey.eq(self.article_key))
            .filter(visible(citation::Entity, Known::Now))
            .one(self.db)
            .await?;
        match current {
            Some(c) if c.quote.as_deref() == Some(fact.cite.as_str()) => return Ok(()),
            Some(c) => close::<citation::Entity>(self.db, c.id, self.now).await?,
            None => {}
        }
        self.insert_citation(self.article_key, kind, &fact.key, Some(&fact.cite)).await
    }

    /// Retracts what this article used to assert and its bundle no longer
    /// holds. A fact another article still cites loses only this citation.
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
            if kind == FactKind::Relation {
                self.periods(&key, ("", ""), &[]).await?;
            }
            let others = citation::Entity::find()
                .filter(citation::Column::SubjectKind.eq(kind.as_str()))
                .filter(citation::Column::SubjectKey.eq(key.as_str()))
                .filter(visible(citation::Entity, Known::Now))
                .one(self.db)
                .await?;
            if others.is_some() {
                continue;
            }
            let retracted = match kind {
                FactKind::Entity => retract::<ent::Entity>(self.db, &key, self.now).await?,
                FactKind::Relation => retract::<relation::Entity>(self.db, &key, self.now).await?,
                FactKind::Event => retract::<event::Entity>(self.db, &key, self.now).await?,
                FactKind::Statement => retract::<statement::Entity>(self.db, &key, self.now).await?,
                FactKind::Article => retract::<article::Entity>(self.db, &key, self.now).await?,
                FactKind::Period => false,
            };
            if retracted {
                self.log(kind, &key, Action::Retract, format!("no longer supported by {}", self.article_key)).await?;
            }
        }
        Ok(())
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
