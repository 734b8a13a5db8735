//! Writes a validated bundle into the database, append-only.
//!
//! One bundle is one transaction: a failure leaves nothing behind. Each fact
//! is compared with its current version; an unchanged fact writes nothing
//! (so loading a bundle twice adds no row and no revision), a changed one
//! closes the current row (`superseded_at`) and inserts the new version, and
//! a fact the article's bundle no longer contains is retracted. Every change
//! is logged in `revision`. No row is ever deleted, and the only column ever
//! updated is `superseded_at`, which is what makes "as known at" queries
//! exact.

use crate::bundle::{
    EntitySpec, EventSpec, ExternalIdSpec, ParticipantSpec, PeriodSpec, Problem, Problems, QuantitySpec, RelationSpec,
    StatementSpec, ValidBundle,
};
use domain::edtf::{FuzzyDate, OPEN_END, UNKNOWN_START};
use domain::text::fold;
use domain::vocabulary;
use entity::{
    alias, article, citation, entity as ent, event, external_id, participant, quantity, relation, revision, statement,
    statement_about, status_period,
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
}

impl LoadReport {
    pub fn unchanged(&self) -> bool {
        self.created == 0 && self.updated == 0 && self.retracted == 0
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

/// Current time in microseconds since the Unix epoch.
pub fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// Loads one validated bundle in one transaction; `author` goes into the
/// revision log.
pub async fn load_bundle(db: &DatabaseConnection, bundle: &ValidBundle, author: &str) -> Result<LoadReport, LoadError> {
    let txn = db.begin().await?;
    let report = write_bundle(&txn, bundle, author).await;
    match report {
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

struct Writer<'a, C> {
    db: &'a C,
    now: i64,
    author: &'a str,
    article_key: &'a str,
    report: LoadReport,
}

async fn write_bundle<C: ConnectionTrait>(db: &C, vb: &ValidBundle, author: &str) -> Result<LoadReport, LoadError> {
    let mut missing = Vec::new();
    for (slug, place) in &vb.external_slugs {
        let found = ent::Entity::find()
            .filter(ent::Column::Slug.eq(slug.as_str()))
            .filter(ent::Column::SupersededAt.is_null())
            .one(db)
            .await?;
        if found.is_none() {
            missing.push(Problem {
                file: vb.file.clone(),
                place: place.clone(),
                message: format!(
                    "unknown slug `{slug}`: define it in this bundle's [[entities]] or load the bundle that does first"
                ),
            });
        }
    }
    if !missing.is_empty() {
        return Err(LoadError::Invalid(Problems(missing)));
    }

    // Record time never runs backwards, even if the clock does.
    let last: Option<i64> = revision::Entity::find()
        .select_only()
        .column_as(revision::Column::RecordedAt.max(), "m")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    let now = now_micros().max(last.map_or(i64::MIN, |l| l + 1));

    let b = &vb.bundle;
    let mut w = Writer { db, now, author, article_key: &b.article.key, report: LoadReport::default() };
    w.article(vb).await?;
    let mut cited: HashSet<(String, String)> = HashSet::new();
    for e in &b.entities {
        w.entity(e).await?;
        w.cite("entity", &e.slug, &e.cite).await?;
        cited.insert(("entity".into(), e.slug.clone()));
    }
    for r in &b.relations {
        w.relation(r).await?;
        w.cite("relation", &r.key, &r.cite).await?;
        cited.insert(("relation".into(), r.key.clone()));
    }
    for e in &b.events {
        w.event(e).await?;
        w.cite("event", &e.key, &e.cite).await?;
        cited.insert(("event".into(), e.key.clone()));
    }
    for s in &b.statements {
        w.statement(s).await?;
        w.cite("statement", &s.key, &s.cite).await?;
        cited.insert(("statement".into(), s.key.clone()));
    }
    w.retract_missing(&cited).await?;
    Ok(w.report)
}

fn opt(s: &Option<String>) -> Option<String> {
    s.clone()
}

impl<C: ConnectionTrait> Writer<'_, C> {
    async fn log(&mut self, kind: &str, key: &str, action: &str, summary: String) -> Result<(), DbErr> {
        match action {
            "create" => self.report.created += 1,
            "retract" => self.report.retracted += 1,
            _ => self.report.updated += 1,
        }
        revision::Entity::insert(revision::ActiveModel {
            subject_kind: Set(kind.to_owned()),
            subject_key: Set(key.to_owned()),
            action: Set(action.to_owned()),
            author: Set(self.author.to_owned()),
            summary: Set(Some(summary)),
            recorded_at: Set(self.now),
            ..Default::default()
        })
        .exec(self.db)
        .await?;
        Ok(())
    }

    async fn article(&mut self, vb: &ValidBundle) -> Result<(), DbErr> {
        let a = &vb.bundle.article;
        let published = vb.published_at.timestamp_micros();
        let current =
            current::<article::Entity, _>(self.db, article::Column::Key, article::Column::SupersededAt, &a.key).await?;
        let action = match &current {
            Some(c)
                if c.title == a.title
                    && c.publisher == a.publisher
                    && c.url == a.url
                    && c.published_at == published =>
            {
                return Ok(())
            }
            Some(c) => {
                self.supersede_article(c.id).await?;
                "update"
            }
            None => "create",
        };
        article::Entity::insert(article::ActiveModel {
            key: Set(a.key.clone()),
            title: Set(a.title.clone()),
            publisher: Set(a.publisher.clone()),
            url: Set(a.url.clone()),
            published_at: Set(published),
            recorded_at: Set(self.now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(self.db)
        .await?;
        self.log("article", &a.key, action, format!("{} ({})", a.title, a.publisher)).await
    }

    async fn supersede_article(&self, id: i64) -> Result<(), DbErr> {
        close::<article::Entity, _>(self.db, article::Column::Id, article::Column::SupersededAt, id, self.now).await?;
        Ok(())
    }

    async fn entity(&mut self, e: &EntitySpec) -> Result<(), DbErr> {
        let current = current::<ent::Entity, _>(self.db, ent::Column::Slug, ent::Column::SupersededAt, &e.slug).await?;
        let action = if let Some(c) = &current {
            let aliases: Vec<String> =
                children::<alias::Entity, _>(self.db, alias::Column::EntityId, alias::Column::Id, c.id)
                    .await?
                    .into_iter()
                    .map(|a| a.name)
                    .collect();
            let ids: Vec<ExternalIdSpec> = children::<external_id::Entity, _>(
                self.db,
                external_id::Column::EntityId,
                external_id::Column::Id,
                c.id,
            )
            .await?
            .into_iter()
            .map(|x| ExternalIdSpec { scheme: x.scheme, value: x.value, url: x.url })
            .collect();
            if c.kind == e.kind
                && c.category == e.category
                && c.name == e.name
                && c.description == e.description
                && aliases == e.aliases
                && ids == e.external_ids
            {
                return Ok(());
            }
            close::<ent::Entity, _>(self.db, ent::Column::Id, ent::Column::SupersededAt, c.id, self.now).await?;
            "update"
        } else {
            "create"
        };
        let row = ent::Entity::insert(ent::ActiveModel {
            slug: Set(e.slug.clone()),
            kind: Set(e.kind.clone()),
            category: Set(e.category.clone()),
            name: Set(e.name.clone()),
            search_name: Set(fold(&e.name)),
            description: Set(opt(&e.description)),
            recorded_at: Set(self.now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(self.db)
        .await?;
        let id = row.last_insert_id;
        if !e.aliases.is_empty() {
            alias::Entity::insert_many(e.aliases.iter().map(|a| alias::ActiveModel {
                entity_id: Set(id),
                name: Set(a.clone()),
                search_name: Set(fold(a)),
                ..Default::default()
            }))
            .exec(self.db)
            .await?;
        }
        if !e.external_ids.is_empty() {
            external_id::Entity::insert_many(e.external_ids.iter().map(|x| external_id::ActiveModel {
                entity_id: Set(id),
                scheme: Set(x.scheme.clone()),
                value: Set(x.value.clone()),
                url: Set(x.url.clone()),
                ..Default::default()
            }))
            .exec(self.db)
            .await?;
        }
        self.log("entity", &e.slug, action, format!("{} ({} {})", e.name, e.kind, e.category)).await
    }

    async fn relation(&mut self, r: &RelationSpec) -> Result<(), DbErr> {
        let symmetric =
            r.symmetric.unwrap_or_else(|| vocabulary::relation_type(&r.rel_type).is_some_and(|t| t.symmetric));
        let current =
            current::<relation::Entity, _>(self.db, relation::Column::Key, relation::Column::SupersededAt, &r.key)
                .await?;
        let changed = match &current {
            Some(c) => {
                c.rel_type != r.rel_type
                    || c.label != r.label
                    || c.source != r.source
                    || c.target != r.target
                    || c.symmetric != symmetric
                    || c.body != r.body
            }
            None => true,
        };
        if changed {
            if let Some(c) = &current {
                close::<relation::Entity, _>(
                    self.db,
                    relation::Column::Id,
                    relation::Column::SupersededAt,
                    c.id,
                    self.now,
                )
                .await?;
            }
            relation::Entity::insert(relation::ActiveModel {
                key: Set(r.key.clone()),
                rel_type: Set(r.rel_type.clone()),
                label: Set(r.label.clone()),
                source: Set(r.source.clone()),
                target: Set(r.target.clone()),
                symmetric: Set(symmetric),
                body: Set(r.body.clone()),
                recorded_at: Set(self.now),
                superseded_at: Set(None),
                ..Default::default()
            })
            .exec(self.db)
            .await?;
        }
        let ends_moved = current.as_ref().is_some_and(|c| c.source != r.source || c.target != r.target);
        if ends_moved {
            self.move_periods(&r.key, &r.source, &r.target).await?;
        }
        let periods_changed = self.periods(&r.key, (&r.source, &r.target), &r.periods).await?;
        if changed {
            let action = if current.is_some() { "update" } else { "create" };
            self.log("relation", &r.key, action, format!("{} ({} {} → {})", r.label, r.rel_type, r.source, r.target))
                .await?;
        } else if periods_changed {
            self.log("relation", &r.key, "update", format!("{}: status history corrected", r.label)).await?;
        }
        Ok(())
    }

    /// The current periods of a relation, oldest first.
    async fn current_periods(&self, relation_key: &str) -> Result<Vec<status_period::Model>, DbErr> {
        status_period::Entity::find()
            .filter(status_period::Column::RelationKey.eq(relation_key))
            .filter(status_period::Column::SupersededAt.is_null())
            .order_by_asc(status_period::Column::Id)
            .all(self.db)
            .await
    }

    /// The current citations of these periods, in one query.
    async fn period_citations(&self, periods: &[status_period::Model]) -> Result<Vec<citation::Model>, DbErr> {
        citation::Entity::find()
            .filter(citation::Column::SubjectKind.eq("period"))
            .filter(citation::Column::SubjectKey.is_in(periods.iter().map(|p| p.id.to_string())))
            .filter(citation::Column::SupersededAt.is_null())
            .order_by_asc(citation::Column::Id)
            .all(self.db)
            .await
    }

    /// The current periods of a relation that this article asserts, oldest first.
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
    async fn move_periods(&mut self, relation_key: &str, source: &str, target: &str) -> Result<(), DbErr> {
        let periods = self.current_periods(relation_key).await?;
        let cites = self.period_citations(&periods).await?;
        for p in periods {
            close::<status_period::Entity, _>(
                self.db,
                status_period::Column::Id,
                status_period::Column::SupersededAt,
                p.id,
                self.now,
            )
            .await?;
            let row = status_period::Entity::insert(status_period::ActiveModel {
                source: Set(source.to_owned()),
                target: Set(target.to_owned()),
                recorded_at: Set(self.now),
                superseded_at: Set(None),
                ..period_copy(&p)
            })
            .exec(self.db)
            .await?;
            let old_key = p.id.to_string();
            for c in cites.iter().filter(|c| c.subject_key == old_key) {
                self.supersede_citation(c.id).await?;
                self.insert_citation_from(&c.article_key, "period", &row.last_insert_id.to_string(), &c.quote).await?;
            }
        }
        Ok(())
    }

    /// Replaces this article's periods of a relation when they differ from
    /// the bundle's; returns whether anything changed. `ends` are the
    /// relation's source and target, copied onto each period.
    async fn periods(&mut self, relation_key: &str, ends: (&str, &str), specs: &[PeriodSpec]) -> Result<bool, DbErr> {
        let current = self.asserted_periods(relation_key).await?;
        let same = current.len() == specs.len()
            && current.iter().zip(specs).all(|((p, c), s)| {
                p.status == s.status
                    && p.from_edtf == s.from
                    && p.to_edtf == s.to
                    && p.note == s.note
                    && c.as_ref().and_then(|c| c.quote.clone()) == s.cite
            });
        if same {
            return Ok(false);
        }
        for (p, c) in &current {
            close::<status_period::Entity, _>(
                self.db,
                status_period::Column::Id,
                status_period::Column::SupersededAt,
                p.id,
                self.now,
            )
            .await?;
            if let Some(c) = c {
                self.supersede_citation(c.id).await?;
            }
        }
        for s in specs {
            let from = s.from.as_deref().map(FuzzyDate::parse).transpose().map_err(|e| DbErr::Custom(e.to_string()))?;
            let to = s.to.as_deref().map(FuzzyDate::parse).transpose().map_err(|e| DbErr::Custom(e.to_string()))?;
            let row = status_period::Entity::insert(status_period::ActiveModel {
                relation_key: Set(relation_key.to_owned()),
                source: Set(ends.0.to_owned()),
                target: Set(ends.1.to_owned()),
                status: Set(s.status.clone()),
                from_edtf: Set(s.from.clone()),
                from_earliest: Set(from.as_ref().map_or(UNKNOWN_START, FuzzyDate::earliest_day)),
                from_latest: Set(from.as_ref().map_or(UNKNOWN_START, FuzzyDate::latest_day)),
                to_edtf: Set(s.to.clone()),
                to_earliest: Set(to.as_ref().map_or(OPEN_END, FuzzyDate::earliest_day)),
                to_latest: Set(to.as_ref().map_or(OPEN_END, FuzzyDate::latest_day)),
                note: Set(s.note.clone()),
                recorded_at: Set(self.now),
                superseded_at: Set(None),
                ..Default::default()
            })
            .exec(self.db)
            .await?;
            self.insert_citation("period", &row.last_insert_id.to_string(), &s.cite).await?;
        }
        Ok(true)
    }

    async fn event(&mut self, e: &EventSpec) -> Result<(), DbErr> {
        let cameo =
            e.cameo.clone().or_else(|| vocabulary::event_type(&e.event_type).and_then(|t| t.cameo).map(str::to_owned));
        let current =
            current::<event::Entity, _>(self.db, event::Column::Key, event::Column::SupersededAt, &e.key).await?;
        let action = if let Some(c) = &current {
            let parts: Vec<ParticipantSpec> = children::<participant::Entity, _>(
                self.db,
                participant::Column::EventId,
                participant::Column::Id,
                c.id,
            )
            .await?
            .into_iter()
            .map(|p| ParticipantSpec { entity: p.entity_slug, role: p.role })
            .collect();
            let qs: Vec<QuantitySpec> =
                children::<quantity::Entity, _>(self.db, quantity::Column::EventId, quantity::Column::Id, c.id)
                    .await?
                    .into_iter()
                    .map(|q| QuantitySpec { what: q.what, value: q.value, unit: q.unit, approximate: q.approximate })
                    .collect();
            if c.event_type == e.event_type
                && c.cameo_code == cameo
                && c.title == e.title
                && c.summary == e.summary
                && c.date_edtf == e.date
                && c.location == e.location
                && parts == e.participants
                && qs == e.quantities
            {
                return Ok(());
            }
            close::<event::Entity, _>(self.db, event::Column::Id, event::Column::SupersededAt, c.id, self.now).await?;
            "update"
        } else {
            "create"
        };
        let date = FuzzyDate::parse(&e.date).map_err(|err| DbErr::Custom(err.to_string()))?;
        let row = event::Entity::insert(event::ActiveModel {
            key: Set(e.key.clone()),
            event_type: Set(e.event_type.clone()),
            cameo_code: Set(cameo),
            title: Set(e.title.clone()),
            summary: Set(e.summary.clone()),
            date_edtf: Set(e.date.clone()),
            date_earliest: Set(date.earliest_day()),
            date_latest: Set(date.latest_day()),
            location: Set(e.location.clone()),
            recorded_at: Set(self.now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(self.db)
        .await?;
        let id = row.last_insert_id;
        if !e.participants.is_empty() {
            participant::Entity::insert_many(e.participants.iter().map(|p| participant::ActiveModel {
                event_id: Set(id),
                entity_slug: Set(p.entity.clone()),
                role: Set(p.role.clone()),
                ..Default::default()
            }))
            .exec(self.db)
            .await?;
        }
        if !e.quantities.is_empty() {
            quantity::Entity::insert_many(e.quantities.iter().map(|q| quantity::ActiveModel {
                event_id: Set(id),
                what: Set(q.what.clone()),
                value: Set(q.value),
                unit: Set(q.unit.clone()),
                approximate: Set(q.approximate),
                ..Default::default()
            }))
            .exec(self.db)
            .await?;
        }
        self.log("event", &e.key, action, format!("{} ({})", e.title, e.date)).await
    }

    async fn statement(&mut self, s: &StatementSpec) -> Result<(), DbErr> {
        let current =
            current::<statement::Entity, _>(self.db, statement::Column::Key, statement::Column::SupersededAt, &s.key)
                .await?;
        let action = if let Some(c) = &current {
            let about: Vec<String> = children::<statement_about::Entity, _>(
                self.db,
                statement_about::Column::StatementId,
                statement_about::Column::Id,
                c.id,
            )
            .await?
            .into_iter()
            .map(|a| a.entity_slug)
            .collect();
            if c.speaker == s.speaker
                && c.date_edtf == s.date
                && c.quote == s.quote
                && c.summary == s.summary
                && about == s.about
            {
                return Ok(());
            }
            close::<statement::Entity, _>(
                self.db,
                statement::Column::Id,
                statement::Column::SupersededAt,
                c.id,
                self.now,
            )
            .await?;
            "update"
        } else {
            "create"
        };
        let date = FuzzyDate::parse(&s.date).map_err(|err| DbErr::Custom(err.to_string()))?;
        let row = statement::Entity::insert(statement::ActiveModel {
            key: Set(s.key.clone()),
            speaker: Set(s.speaker.clone()),
            date_edtf: Set(s.date.clone()),
            date_earliest: Set(date.earliest_day()),
            date_latest: Set(date.latest_day()),
            quote: Set(s.quote.clone()),
            summary: Set(s.summary.clone()),
            recorded_at: Set(self.now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(self.db)
        .await?;
        if !s.about.is_empty() {
            statement_about::Entity::insert_many(s.about.iter().map(|a| statement_about::ActiveModel {
                statement_id: Set(row.last_insert_id),
                entity_slug: Set(a.clone()),
                ..Default::default()
            }))
            .exec(self.db)
            .await?;
        }
        self.log("statement", &s.key, action, s.summary.clone()).await
    }

    async fn supersede_citation(&self, id: i64) -> Result<(), DbErr> {
        close::<citation::Entity, _>(self.db, citation::Column::Id, citation::Column::SupersededAt, id, self.now)
            .await?;
        Ok(())
    }

    /// Cites a fact to this bundle's article.
    async fn insert_citation(&self, kind: &str, key: &str, quote: &Option<String>) -> Result<(), DbErr> {
        self.insert_citation_from(self.article_key, kind, key, quote).await
    }

    /// Cites a fact to the given article.
    async fn insert_citation_from(
        &self,
        article_key: &str,
        kind: &str,
        key: &str,
        quote: &Option<String>,
    ) -> Result<(), DbErr> {
        citation::Entity::insert(citation::ActiveModel {
            subject_kind: Set(kind.to_owned()),
            subject_key: Set(key.to_owned()),
            article_key: Set(article_key.to_owned()),
            quote: Set(quote.clone()),
            recorded_at: Set(self.now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(self.db)
        .await?;
        Ok(())
    }

    /// Makes this article's current citation of a fact carry `quote`.
    async fn cite(&mut self, kind: &str, key: &str, quote: &Option<String>) -> Result<(), DbErr> {
        let current = citation::Entity::find()
            .filter(citation::Column::SubjectKind.eq(kind))
            .filter(citation::Column::SubjectKey.eq(key))
            .filter(citation::Column::ArticleKey.eq(self.article_key))
            .filter(citation::Column::SupersededAt.is_null())
            .one(self.db)
            .await?;
        match current {
            Some(c) if &c.quote == quote => Ok(()),
            Some(c) => {
                self.supersede_citation(c.id).await?;
                self.insert_citation(kind, key, quote).await
            }
            None => self.insert_citation(kind, key, quote).await,
        }
    }

    /// Retracts what this article used to assert and its bundle no longer
    /// holds. A fact another article still cites loses only this citation.
    async fn retract_missing(&mut self, kept: &HashSet<(String, String)>) -> Result<(), DbErr> {
        let mine = citation::Entity::find()
            .filter(citation::Column::ArticleKey.eq(self.article_key))
            .filter(citation::Column::SupersededAt.is_null())
            .filter(citation::Column::SubjectKind.ne("period"))
            .order_by_asc(citation::Column::Id)
            .all(self.db)
            .await?;
        let mut gone = BTreeSet::new();
        for c in mine {
            if kept.contains(&(c.subject_kind.clone(), c.subject_key.clone())) {
                continue;
            }
            self.supersede_citation(c.id).await?;
            gone.insert((c.subject_kind, c.subject_key));
        }
        for (kind, key) in gone {
            if kind == "relation" {
                self.periods(&key, ("", ""), &[]).await?;
            }
            let others = citation::Entity::find()
                .filter(citation::Column::SubjectKind.eq(kind.as_str()))
                .filter(citation::Column::SubjectKey.eq(key.as_str()))
                .filter(citation::Column::SupersededAt.is_null())
                .one(self.db)
                .await?;
            if others.is_some() {
                continue;
            }
            let n = match kind.as_str() {
                "entity" => {
                    retract::<ent::Entity, _, _>(self.db, ent::Column::Slug, ent::Column::SupersededAt, &key, self.now)
                        .await?
                }
                "relation" => {
                    retract::<relation::Entity, _, _>(
                        self.db,
                        relation::Column::Key,
                        relation::Column::SupersededAt,
                        &key,
                        self.now,
                    )
                    .await?
                }
                "event" => {
                    retract::<event::Entity, _, _>(
                        self.db,
                        event::Column::Key,
                        event::Column::SupersededAt,
                        &key,
                        self.now,
                    )
                    .await?
                }
                "statement" => {
                    retract::<statement::Entity, _, _>(
                        self.db,
                        statement::Column::Key,
                        statement::Column::SupersededAt,
                        &key,
                        self.now,
                    )
                    .await?
                }
                _ => 0,
            };
            if n > 0 {
                self.log(&kind, &key, "retract", format!("no longer supported by {}", self.article_key)).await?;
            }
        }
        Ok(())
    }
}

/// A new row with the same valid-time content as `p`.
fn period_copy(p: &status_period::Model) -> status_period::ActiveModel {
    status_period::ActiveModel {
        relation_key: Set(p.relation_key.clone()),
        source: Set(p.source.clone()),
        target: Set(p.target.clone()),
        status: Set(p.status.clone()),
        from_edtf: Set(p.from_edtf.clone()),
        from_earliest: Set(p.from_earliest),
        from_latest: Set(p.from_latest),
        to_edtf: Set(p.to_edtf.clone()),
        to_earliest: Set(p.to_earliest),
        to_latest: Set(p.to_latest),
        note: Set(p.note.clone()),
        recorded_at: Set(p.recorded_at),
        superseded_at: Set(p.superseded_at),
        ..Default::default()
    }
}

/// The current row of a stable key, if any.
async fn current<E, C>(
    db: &impl ConnectionTrait,
    key_col: C,
    superseded: C,
    key: &str,
) -> Result<Option<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    E::find().filter(key_col.eq(key)).filter(superseded.is_null()).one(db).await
}

/// The rows owned by one version row, in insertion order.
async fn children<E, C>(
    db: &impl ConnectionTrait,
    parent_col: C,
    id_col: C,
    parent: i64,
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    E::find().filter(parent_col.eq(parent)).order_by_asc(id_col).all(db).await
}

/// Closes one row in record time (the only update the store ever makes).
async fn close<E, C>(db: &impl ConnectionTrait, id_col: C, superseded: C, id: i64, now: i64) -> Result<(), DbErr>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    E::update_many().col_expr(superseded, Expr::value(now)).filter(id_col.eq(id)).exec(db).await?;
    Ok(())
}

/// Closes the current row of a stable key; returns how many rows it closed.
async fn retract<E, K, S>(
    db: &impl ConnectionTrait,
    key_col: K,
    superseded: S,
    key: &str,
    now: i64,
) -> Result<u64, DbErr>
where
    E: EntityTrait,
    K: ColumnTrait,
    S: ColumnTrait,
{
    let res = E::update_many()
        .col_expr(superseded, Expr::value(now))
        .filter(key_col.eq(key))
        .filter(superseded.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}
