//! Relations, their status history, and relation listings.

use super::common::{
    bounded, citations, citations_of, connection, load, revisions_of, store_of, Citation, FuzzyDate, PageSize,
    Revision, FACT_LIST,
};
use super::entity::{Entity, Organisation};
use super::ids::{encode, IdKind};
use super::loaders::{CitationsOf, PeriodsOf};
use super::scalars::{Date, DateTime};
use crate::error::AppResult;
use crate::time::{as_of_day, known_at, Known};
use async_graphql::{Context, Enum, Object, ID};
use domain::period::{decide, Decision};
use domain::FactKind;
use entity::{relation, status_period};
use store::read::relations::{period, RelationFilter};

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::Status")]
pub enum RelationStatus {
    /// agreed or announced, not yet in force
    Proposed,
    Active,
    Suspended,
    Ended,
}

/// How sure an answer about a day must be. Sources date things at their own
/// precision ("from 2008-08"), so a day can fall inside a start's or an end's
/// uncertainty: then a period only possibly holds on it.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "domain::Certainty")]
pub enum Certainty {
    /// some reading of the fuzzy dates makes it so (a period holds from the earliest day its start can denote to the latest day its end can denote)
    #[default]
    Possible,
    /// every reading of the fuzzy dates makes it so (from the latest day its start can denote to the earliest day its end can denote)
    Certain,
}

pub struct StatusAnswer {
    decision: Decision,
    period: status_period::Model,
    possible: Vec<domain::Status>,
    known: Known,
}

/// A relation's status on a day, and how sure that answer is.
#[Object]
impl StatusAnswer {
    async fn status(&self) -> RelationStatus {
        self.decision.status.into()
    }
    /// true when the deciding period holds on that day under every reading of its fuzzy start and end; false when the day falls inside the uncertainty of either, so the answer is only possible
    async fn certain(&self) -> bool {
        self.decision.certain
    }
    /// the period that decides: of those that possibly hold that day, the one that starts latest (then the one recorded latest, then the one written last)
    async fn period(&self) -> StatusPeriod {
        StatusPeriod(self.period.clone(), self.known)
    }
    /// every status some reading of the fuzzy dates gives on that day, `status` first: on 1 August 2008 the NATO–Russia Council, active until "2008-08" and suspended from "2008-08", is SUSPENDED or ACTIVE
    #[graphql(directive = crate::protect::directives::listSize::apply(Some(4), None, None, None))]
    async fn possible(&self) -> Vec<RelationStatus> {
        self.possible.iter().map(|s| (*s).into()).collect()
    }
}

/// A lasting tie between two entities, with its history.
pub struct Relation(pub relation::Model);

impl Relation {
    async fn periods(&self, ctx: &Context<'_>, known: Known) -> AppResult<Vec<status_period::Model>> {
        Ok(load(ctx, PeriodsOf(self.0.key.clone(), known)).await?.unwrap_or_default())
    }

    /// The domain's decision on the day of `as_of`, with the deciding period.
    async fn decision(
        &self,
        ctx: &Context<'_>,
        as_of: &Option<Date>,
        known_at: &Option<DateTime>,
    ) -> AppResult<Option<StatusAnswer>> {
        let day = as_of_day(as_of.as_ref())?;
        let known = crate::time::known_at(known_at.as_ref())?;
        let rows = self.periods(ctx, known).await?;
        let periods = rows.iter().map(period).collect::<store::Result<Vec<_>>>()?;
        Ok(decide(&periods, day).map(|decision| StatusAnswer {
            decision,
            period: rows[decision.index].clone(),
            possible: domain::period::possible(&periods, day),
            known,
        }))
    }
}

#[Object]
impl Relation {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(encode(IdKind::Relation, &self.0.key))
    }
    /// code from a documented vocabulary: council, commission, membership, armed-conflict, office-holder, part-of, backs, ...
    #[graphql(name = "type")]
    async fn rel_type(&self) -> &str {
        &self.0.rel_type
    }
    /// human label, e.g. NATO–Russia Council
    async fn label(&self) -> &str {
        &self.0.label
    }
    async fn source(&self, ctx: &Context<'_>) -> async_graphql::Result<Entity> {
        Ok(Entity::load_required(ctx, &self.0.source).await?)
    }
    async fn target(&self, ctx: &Context<'_>) -> async_graphql::Result<Entity> {
        Ok(Entity::load_required(ctx, &self.0.target).await?)
    }
    /// true where the tie has no direction (armed-conflict), false where it has (member-of)
    async fn symmetric(&self) -> bool {
        self.0.symmetric
    }
    /// the body that embodies the tie, where there is one (the NATO–Russia Council)
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        let Some(slug) = &self.0.body else { return Ok(None) };
        Ok(match Entity::load(ctx, slug).await? {
            Some(Entity::Organisation(o)) => Some(o),
            _ => None,
        })
    }
    /// status at asOf as recorded at knownAt; null where the relation did not hold then
    async fn status(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
        known_at: Option<DateTime>,
    ) -> async_graphql::Result<Option<RelationStatus>> {
        Ok(self.decision(ctx, &as_of, &known_at).await?.map(|a| a.decision.status.into()))
    }
    /// status at asOf as recorded at knownAt, with whether it is certain given the fuzzy dates and the period that decides it; null where no period possibly holds then
    async fn status_on(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
        known_at: Option<DateTime>,
    ) -> async_graphql::Result<Option<StatusAnswer>> {
        Ok(self.decision(ctx, &as_of, &known_at).await?)
    }
    /// valid-time history as recorded at knownAt, oldest first (the first 20 periods unless first says otherwise)
    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
    async fn history(
        &self,
        ctx: &Context<'_>,
        known_at: Option<DateTime>,
        #[graphql(default = 20)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<StatusPeriod>> {
        let known = crate::time::known_at(known_at.as_ref())?;
        let rows = bounded(self.periods(ctx, known).await?, first, FACT_LIST)?;
        Ok(rows.into_iter().map(|p| StatusPeriod(p, known)).collect())
    }
    /// record-time log of every change to this relation, oldest first (the first 100 unless first says otherwise)
    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
    async fn revisions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Revision>> {
        Ok(revisions_of(ctx, FactKind::Relation, &self.0.key, first).await?)
    }
    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
    async fn citations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Citation>> {
        Ok(citations_of(ctx, FactKind::Relation, &self.0.key, Known::Now, first).await?)
    }
}

/// A status over a valid-time period, as recorded at a record time.
pub struct StatusPeriod(pub status_period::Model, pub Known);

#[Object]
impl StatusPeriod {
    async fn status(&self) -> async_graphql::Result<RelationStatus> {
        Ok(period(&self.0)?.status.into())
    }
    /// null where the source gives no start
    async fn from(&self) -> async_graphql::Result<Option<FuzzyDate>> {
        Ok(self.0.from_edtf.as_deref().map(FuzzyDate::from_stored).transpose()?)
    }
    /// null while the period is open
    async fn to(&self) -> async_graphql::Result<Option<FuzzyDate>> {
        Ok(self.0.to_edtf.as_deref().map(FuzzyDate::from_stored).transpose()?)
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
    async fn citations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Citation>> {
        let rows = load(ctx, CitationsOf(FactKind::Period, self.0.id.to_string(), self.1)).await?.unwrap_or_default();
        Ok(citations(Some(bounded(rows, first, FACT_LIST)?)))
    }
    async fn recorded_at(&self) -> async_graphql::Result<DateTime> {
        Ok(DateTime::from_micros(self.0.recorded_at)?)
    }
}

impl From<relation::Model> for Relation {
    fn from(row: relation::Model) -> Self {
        Relation(row)
    }
}

connection!(RelationConnection, RelationEdge, relation::Model => Relation, RelationFilter, |store, filter| store.relation_count(filter));

/// One page of relations matching `filter`.
pub async fn list_relations(
    ctx: &Context<'_>,
    filter: RelationFilter,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<RelationConnection> {
    let size = PageSize::new(first)?;
    let position = super::common::after_position::<relation::Model>(&after, 1)?;
    let page = store_of(ctx).relation_page(&filter, size.0, position.as_deref()).await?;
    prime(ctx, &page.rows, filter.known).await?;
    Ok(RelationConnection::new(page, after.is_some(), filter))
}

/// Parses the time arguments of a relation listing.
pub fn time_args(as_of: &Option<Date>, known: &Option<DateTime>) -> AppResult<(domain::Day, Known)> {
    Ok((as_of_day(as_of.as_ref())?, known_at(known.as_ref())?))
}

/// Loads, one batch per kind, what the selection under `edges.node` will
/// ask of these relations, so each item then reads from the request's
/// cache. Batching by timing alone splits when resolving a long page takes
/// longer than the loader's delay; this keeps the number of queries fixed.
async fn prime(ctx: &Context<'_>, rows: &[relation::Model], known: Known) -> AppResult<()> {
    use super::common::prefetch;
    use super::loaders::{ArticleByKey, EntityBySlug, OwnedBy};
    use async_graphql::futures_util::future::try_join3;
    use entity::{alias, external_id};
    if rows.is_empty() {
        return Ok(());
    }
    let node = ctx.look_ahead().field("edges").field("node");
    let mut ends = Vec::new();
    for name in ["source", "target", "body"] {
        let field = node.field(name);
        if field.exists() {
            ends.push(field);
        }
    }
    let history = node.field("history");
    let want_ends = !ends.is_empty();
    let want_periods = node.field("status").exists() || history.exists();
    let want_cites = node.field("citations").exists();
    let want_aliases = ends.iter().any(|f| f.field("aliases").exists());
    let want_ids = ends.iter().any(|f| f.field("externalIds").exists());
    let want_period_cites = history.field("citations").exists();
    let want_period_articles = history.field("citations").field("article").exists();
    let want_articles = node.field("citations").field("article").exists();
    drop(ends);

    let mut slugs: Vec<EntityBySlug> = Vec::new();
    let mut period_keys: Vec<PeriodsOf> = Vec::new();
    let mut cite_keys: Vec<CitationsOf> = Vec::new();
    for r in rows {
        if want_ends {
            slugs.push(EntityBySlug(r.source.clone()));
            slugs.push(EntityBySlug(r.target.clone()));
            slugs.extend(r.body.clone().map(EntityBySlug));
        }
        if want_periods {
            period_keys.push(PeriodsOf(r.key.clone(), known));
        }
        if want_cites {
            cite_keys.push(CitationsOf(FactKind::Relation, r.key.clone(), Known::Now));
        }
    }
    let (entities, periods, cites) =
        try_join3(prefetch(ctx, slugs), prefetch(ctx, period_keys), prefetch(ctx, cite_keys)).await?;

    let entity_ids: Vec<i64> = entities.values().map(|e| e.id).collect();
    let alias_keys: Vec<OwnedBy<alias::Entity>> =
        if want_aliases { entity_ids.iter().map(|id| OwnedBy::new(*id)).collect() } else { Vec::new() };
    let id_keys: Vec<OwnedBy<external_id::Entity>> =
        if want_ids { entity_ids.iter().map(|id| OwnedBy::new(*id)).collect() } else { Vec::new() };
    let period_cite_keys: Vec<CitationsOf> = if want_period_cites {
        periods.values().flatten().map(|p| CitationsOf(FactKind::Period, p.id.to_string(), known)).collect()
    } else {
        Vec::new()
    };
    let (_, _, period_cites) =
        try_join3(prefetch(ctx, alias_keys), prefetch(ctx, id_keys), prefetch(ctx, period_cite_keys)).await?;

    let mut article_keys: Vec<ArticleByKey> = Vec::new();
    if want_period_articles {
        article_keys.extend(period_cites.values().flatten().map(|c| ArticleByKey::new(c.article_key.clone())));
    }
    if want_articles {
        article_keys.extend(cites.values().flatten().map(|c| ArticleByKey::new(c.article_key.clone())));
    }
    prefetch(ctx, article_keys).await?;
    Ok(())
}
