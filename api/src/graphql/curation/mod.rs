//! Curation: writes through the API, and live updates.
//!
//! Every mutation needs a token with scope `write` ([`crate::auth`]); a
//! refused or failed mutation writes nothing. Each is one transaction of the
//! store's write side (`store::write`), so a bundle sent here is validated and loaded
//! exactly as the `seed` command loads it, and a single edit goes through
//! the same version cycle. A change may name the revision it was based on;
//! if another write came first, the answer is `CONFLICT`.

use super::common::{store_of, Revision};
use super::ids::{decode, decode_revision, fact_kind};
use super::relation::RelationStatus;
use crate::auth::{self, Credentials, Scope};
use crate::error::{AppError, AppResult};
use async_graphql::{Context, Object, ID};
use domain::{FactKind, FuzzyDate};
use entity::{article, revision};
use seed::bundle::{
    self, Cited, EntitySpec, EventSpec, ExternalIdSpec, ParticipantSpec, QuantitySpec, RelationSpec, StatementSpec,
};
use store::facts::PeriodFact;
use store::feed::ChangeFeed;
use store::{Edit, LoadReport};

mod inputs;
mod subscription;

pub use inputs::*;
pub use subscription::Subscription;

/// Most entities a subscription may follow.
pub(crate) const MAX_FOLLOWED: usize = 100;

fn quantities(input: Vec<QuantityInput>) -> Vec<QuantitySpec> {
    input
        .into_iter()
        .map(|q| QuantitySpec { what: q.what, value: q.value, unit: q.unit, approximate: q.approximate })
        .collect()
}

/// The token holder, who must be allowed to write.
async fn writer(ctx: &Context<'_>) -> AppResult<auth::Principal> {
    let credentials = ctx.data_opt::<Credentials>().cloned().unwrap_or_default();
    auth::require(store_of(ctx), &credentials, Scope::Write).await
}

/// Revisions by id, oldest first.
async fn revisions(ctx: &Context<'_>, ids: &[i64]) -> AppResult<Vec<revision::Model>> {
    Ok(store_of(ctx).revisions_by_id(ids).await?)
}

/// Passes a committed write's revisions to subscribers.
async fn committed(ctx: &Context<'_>, report: &LoadReport) {
    if let Some(feed) = ctx.data_opt::<ChangeFeed>() {
        feed.committed(&report.revisions).await;
    }
}

/// Applies one edit for the token holder and reports its revisions.
async fn edit(ctx: &Context<'_>, edit: Edit, expected: Option<ID>) -> AppResult<ChangeResult> {
    let who = writer(ctx).await?;
    let expected = expected.map(|id| decode_revision("expectedRevision", &id)).transpose()?;
    let report = store_of(ctx).apply(&edit, &who.name, expected).await?;
    committed(ctx, &report).await;
    Ok(ChangeResult { revisions: revisions(ctx, &report.revisions).await?.into_iter().map(Revision).collect() })
}

/// The one fact of a kind that validated entries hold.
fn single<T>(mut found: Vec<T>) -> AppResult<T> {
    match found.pop() {
        Some(one) if found.is_empty() => Ok(one),
        _ => Err(AppError::Internal("an edit did not validate to exactly one fact".into())),
    }
}

/// A fact's kind and key from its ID; only kinds that `allowed` lists.
fn fact_id(argument: &str, id: &ID, allowed: &[FactKind]) -> AppResult<(FactKind, String)> {
    let (kind, key) = decode(id)?;
    match fact_kind(kind).filter(|k| allowed.contains(k)) {
        Some(kind) => Ok((kind, key)),
        None => {
            let names: Vec<&str> = allowed.iter().map(|k| k.as_str()).collect();
            Err(AppError::bad_input(format!("{argument}: give the ID of a {}", names.join(", "))))
        }
    }
}

pub struct Mutation;

// `no_cache`, like the query root: it marks an answer as executed.
#[Object(cache_control(no_cache))]
impl Mutation {
    /// Loads one article's bundle, written in the seed files' format (TOML), in one transaction. The same bundle again changes nothing; a changed bundle records corrections and retractions of that article's facts. Every problem is reported together (each error names its place in the bundle) and nothing is written when there is any. A bundle that names its article's text needs it as articleText; every cite and quote is then checked against it.
    #[graphql(directive = crate::protect::directives::cost::apply("100".into()))]
    async fn ingest_bundle(
        &self,
        ctx: &Context<'_>,
        toml: String,
        #[graphql(default_with = "Some(false)")] dry_run: Option<bool>,
        article_text: Option<String>,
    ) -> async_graphql::Result<IngestResult> {
        let who = writer(ctx).await?;
        let dry_run = dry_run.unwrap_or(false);
        let text = article_text;
        let valid = bundle::parse_with("toml", &toml, &|_| text.clone())
            .map_err(store::Error::Invalid)
            .map_err(AppError::from)?;
        let report = store_of(ctx).ingest(&valid, &who.name, dry_run).await.map_err(AppError::from)?;
        let written = if dry_run { Vec::new() } else { revisions(ctx, &report.revisions).await? };
        if !dry_run {
            committed(ctx, &report).await;
        }
        let a = &valid.article;
        let article = article::Model {
            id: 0,
            key: a.key.clone(),
            title: a.fact.title.clone(),
            publisher: a.fact.publisher.clone(),
            url: a.fact.url.clone(),
            published_at: a.fact.published_at.timestamp_micros(),
            recorded_at: 0,
            superseded_at: None,
        };
        Ok(IngestResult { article, report, dry_run, revisions: written })
    }

    /// Withdraws a fact (relation, event or statement, by ID) from current answers; it stays visible with an earlier knownAt and in revisions. With expectedRevision: CONFLICT unless that is the fact's latest revision.
    #[graphql(directive = crate::protect::directives::cost::apply("10".into()))]
    async fn retract(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
        expected_revision: Option<ID>,
    ) -> async_graphql::Result<RetractResult> {
        writer(ctx).await?;
        let (kind, key) = fact_id("id", &id, &[FactKind::Relation, FactKind::Event, FactKind::Statement])?;
        if reason.trim().is_empty() {
            return Err(AppError::bad_input("reason: say why the fact is withdrawn").into());
        }
        if reason.chars().count() > seed::bundle::LONG_TEXT {
            return Err(
                AppError::too_large("reason", "characters", reason.chars().count(), seed::bundle::LONG_TEXT).into()
            );
        }
        let done = edit(ctx, Edit::Retract { kind, key, reason }, expected_revision).await?;
        let revision = done
            .revisions
            .into_iter()
            .last()
            .ok_or_else(|| AppError::Internal("a retraction wrote no revision".into()))?;
        Ok(RetractResult { revision })
    }

    /// Records that a relation changed status, on the word of an article already in the knowledge base: its open periods that started earlier end at `from` (EDTF), and a new period with the new status opens there. `cite` is the article's supporting words.
    #[graphql(directive = crate::protect::directives::cost::apply("10".into()))]
    #[allow(clippy::too_many_arguments)]
    async fn record_status_change(
        &self,
        ctx: &Context<'_>,
        relation: ID,
        status: RelationStatus,
        from: String,
        article: String,
        cite: String,
        note: Option<String>,
        expected_revision: Option<ID>,
    ) -> async_graphql::Result<ChangeResult> {
        writer(ctx).await?;
        let (_, key) = fact_id("relation", &relation, &[FactKind::Relation])?;
        let from = FuzzyDate::parse(&from).map_err(|e| AppError::bad_input(format!("from: {e}")))?;
        if cite.trim().is_empty() {
            return Err(AppError::bad_input("cite: give the article's supporting words").into());
        }
        let period = Cited {
            key: String::new(),
            cite,
            fact: PeriodFact { status: status.into(), from: Some(from), to: None, note },
        };
        Ok(edit(ctx, Edit::StatusChange { article, relation: key, period }, expected_revision).await?)
    }

    /// Adds or corrects an article's part of an entity (the article must be in the knowledge base; cite is its supporting words).
    #[graphql(directive = crate::protect::directives::cost::apply("10".into()))]
    async fn put_entity(
        &self,
        ctx: &Context<'_>,
        input: EntityInput,
        article: String,
        cite: String,
        expected_revision: Option<ID>,
    ) -> async_graphql::Result<ChangeResult> {
        writer(ctx).await?;
        let spec = EntitySpec {
            slug: input.slug,
            kind: input.kind.map(|k| domain::EntityKind::from(k).as_str().to_owned()),
            category: input.category,
            name: input.name,
            aliases: input.aliases,
            description: input.description,
            external_ids: input
                .external_ids
                .into_iter()
                .map(|x| ExternalIdSpec { scheme: x.scheme, value: x.value, url: x.url })
                .collect(),
            cite: Some(cite),
        };
        let valid =
            bundle::validate_entries(&[spec], &[], &[], &[]).map_err(store::Error::Invalid).map_err(AppError::from)?;
        let fact = match (valid.entities.into_iter().next(), valid.mentions.is_empty()) {
            (Some(fact), true) => fact,
            _ => {
                return Err(AppError::bad_input(
                    "input: give kind, category and name, or aliases, a description or identifiers to add",
                )
                .into())
            }
        };
        Ok(edit(ctx, Edit::Entity { article, fact }, expected_revision).await?)
    }

    /// Adds or corrects an article's part of a relation.
    #[graphql(directive = crate::protect::directives::cost::apply("10".into()))]
    async fn put_relation(
        &self,
        ctx: &Context<'_>,
        input: RelationInput,
        article: String,
        cite: String,
        expected_revision: Option<ID>,
    ) -> async_graphql::Result<ChangeResult> {
        writer(ctx).await?;
        let spec = RelationSpec {
            key: input.key,
            rel_type: input.rel_type,
            label: input.label,
            source: input.source,
            target: input.target,
            symmetric: input.symmetric,
            body: input.body,
            cite: Some(cite),
            periods: Vec::new(),
        };
        let valid =
            bundle::validate_entries(&[], &[spec], &[], &[]).map_err(store::Error::Invalid).map_err(AppError::from)?;
        let fact = single(valid.relations)?.relation;
        Ok(edit(ctx, Edit::Relation { article, fact }, expected_revision).await?)
    }

    /// Adds or corrects an article's part of an event.
    #[graphql(directive = crate::protect::directives::cost::apply("10".into()))]
    async fn put_event(
        &self,
        ctx: &Context<'_>,
        input: EventInput,
        article: String,
        cite: String,
        expected_revision: Option<ID>,
    ) -> async_graphql::Result<ChangeResult> {
        writer(ctx).await?;
        let spec = EventSpec {
            key: input.key,
            event_type: input.event_type,
            cameo: input.cameo,
            title: input.title,
            summary: input.summary,
            date: input.date,
            location: input.location,
            cite: Some(cite),
            participants: input
                .participants
                .into_iter()
                .map(|p| ParticipantSpec { entity: p.entity, role: p.role })
                .collect(),
            quantities: quantities(input.quantities),
        };
        let valid =
            bundle::validate_entries(&[], &[], &[spec], &[]).map_err(store::Error::Invalid).map_err(AppError::from)?;
        Ok(edit(ctx, Edit::Event { article, fact: single(valid.events)? }, expected_revision).await?)
    }

    /// Adds or corrects an article's part of a statement.
    #[graphql(directive = crate::protect::directives::cost::apply("10".into()))]
    async fn put_statement(
        &self,
        ctx: &Context<'_>,
        input: StatementInput,
        article: String,
        cite: String,
        expected_revision: Option<ID>,
    ) -> async_graphql::Result<ChangeResult> {
        writer(ctx).await?;
        let spec = StatementSpec {
            key: input.key,
            speaker: input.speaker,
            date: input.date,
            quote: input.quote,
            summary: input.summary,
            about: input.about,
            quantities: quantities(input.quantities),
            cite: Some(cite),
        };
        let valid =
            bundle::validate_entries(&[], &[], &[], &[spec]).map_err(store::Error::Invalid).map_err(AppError::from)?;
        Ok(edit(ctx, Edit::Statement { article, fact: single(valid.statements)? }, expected_revision).await?)
    }

    /// Adds or corrects an article's citation of a fact (entity, relation, event or statement, by ID): the article's words that support it.
    #[graphql(directive = crate::protect::directives::cost::apply("10".into()))]
    async fn cite(
        &self,
        ctx: &Context<'_>,
        id: ID,
        article: String,
        quote: String,
        expected_revision: Option<ID>,
    ) -> async_graphql::Result<ChangeResult> {
        writer(ctx).await?;
        let (kind, key) =
            fact_id("id", &id, &[FactKind::Entity, FactKind::Relation, FactKind::Event, FactKind::Statement])?;
        if quote.trim().is_empty() {
            return Err(AppError::bad_input("quote: give the article's supporting words").into());
        }
        Ok(edit(ctx, Edit::Cite { article, kind, key, quote }, expected_revision).await?)
    }
}
