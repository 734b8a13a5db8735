//! Schema assembly: the `Query`, `Mutation` and `Subscription` roots, with
//! a depth limit and the cost limit of [`crate::protect`], so that no single
//! request can ask for unbounded work.

pub mod article;
pub mod common;
pub mod complete;
pub mod curation;
pub mod entity;
pub mod event;
pub mod history;
pub mod ids;
pub mod loaders;
pub mod relation;
pub mod scalars;
pub mod statement;

use self::article::{list_articles, Article, ArticleConnection};
use self::common::{load, store_of};
use self::entity::{Entity, EntityKind};
use self::event::{list_events, Event, EventConnection};
use self::history::{timeline, TimelineEntry};
use self::ids::decode;
use self::loaders::{ArticleByKey, Batch, EventByKey, Loaders, RelationByKey, RequestCache, StatementByKey};
use self::relation::{list_relations, time_args, Certainty, Relation, RelationConnection, RelationStatus};
use self::scalars::{Date, DateTime};
use self::statement::{list_statements, Statement, StatementConnection};
use crate::error::{AppError, AppResult};
use crate::time::{as_of_day, Known};
use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Interface, Object, Schema, ID};
use store::read::entities::EntityFilter;
use store::read::events::EventFilter;
use store::read::relations::RelationFilter;
use store::read::statements::StatementFilter;
use store::Store;

pub use self::curation::{Mutation, Subscription};

pub type AppSchema = Schema<Query, Mutation, Subscription>;

use crate::protect::cost::CostModel;
use crate::protect::CostLimit;
pub use crate::protect::{CostMode, CostPolicy, DEFAULT_COST_LIMIT};

pub use crate::protect::cost::MAX_DEPTH;
/// Longest search text, after folding, in characters.
pub const MAX_SEARCH: usize = 200;
/// Most entities one timeline merges.
pub const MAX_TIMELINE_ENTITIES: usize = 20;
/// Longest `path` search.
pub const MAX_PATH_DEPTH: i32 = 6;

fn builder() -> async_graphql::SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query, Mutation, Subscription)
        .register_output_type::<Entity>()
        .register_output_type::<Node>()
        .limit_depth(MAX_DEPTH)
}

/// Builds the schema. Per-request data (the DataLoader, the caller's
/// token) is added by the server; its limits and the shaping of answers are
/// applied around execution by the server's pipeline (`http::pipeline`).
pub fn build_schema() -> AppSchema {
    builder().finish()
}

/// What a server runs: the schema, and what the pipeline reads from its SDL.
pub struct Schemas {
    /// Without extensions, so no field pays for an extension's wrapper.
    pub schema: AppSchema,
    /// Field types and abstract types, to shape answers as the spec says.
    pub shapes: std::sync::Arc<complete::Shapes>,
    pub cost: CostLimit,
}

/// Builds the schema with one cost model and its shapes, read from the
/// schema's own SDL.
pub fn build_schemas(policy: CostPolicy) -> Schemas {
    let schema = build_schema();
    let sdl = schema.sdl();
    let model = CostModel::from_sdl(&sdl).unwrap_or_default();
    let cost = CostLimit::new(model, policy.limit, policy.mode);
    let shapes = std::sync::Arc::new(complete::Shapes::from_sdl(&sdl));
    Schemas { schema, shapes, cost }
}

/// The per-request loader for a store: it caches what one request read.
pub fn request_loader(store: Store) -> Loaders {
    DataLoader::with_cache(Batch { store }, tokio::spawn, RequestCache { keep: true })
        .delay(std::time::Duration::from_micros(500))
}

/// The loader of a subscription: it batches but keeps nothing.
pub fn stream_loader(store: Store) -> Loaders {
    DataLoader::with_cache(Batch { store }, tokio::spawn, RequestCache { keep: false })
        .delay(std::time::Duration::from_micros(500))
}

/// Relay Global Object Identification: anything with an ID can be refetched with Query.node.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Actor(self::entity::Actor),
    Organisation(self::entity::Organisation),
    Region(self::entity::Region),
    Relation(Relation),
    Event(Event),
    Statement(Statement),
    Article(Article),
}

impl From<Entity> for Node {
    fn from(e: Entity) -> Node {
        match e {
            Entity::Actor(a) => Node::Actor(a),
            Entity::Organisation(o) => Node::Organisation(o),
            Entity::Region(r) => Node::Region(r),
        }
    }
}

async fn node_by_id(ctx: &Context<'_>, id: &str) -> AppResult<Option<Node>> {
    let (kind, key) = decode(id)?;
    match ids::fact_kind(kind) {
        Some(kind) => node_of(ctx, kind, key).await,
        None => Ok(None),
    }
}

/// The current version of a fact, as a node; `None` where it is not current.
pub async fn node_of(ctx: &Context<'_>, kind: domain::FactKind, key: String) -> AppResult<Option<Node>> {
    use domain::FactKind as K;
    Ok(match kind {
        K::Entity => Entity::load(ctx, &key).await?.map(Node::from),
        K::Relation => load(ctx, RelationByKey(key, Known::Now)).await?.map(|r| Node::Relation(Relation(r))),
        K::Event => load(ctx, EventByKey::new(key)).await?.map(|e| Node::Event(Event(e))),
        K::Statement => load(ctx, StatementByKey::new(key)).await?.map(|s| Node::Statement(Statement(s))),
        K::Article => load(ctx, ArticleByKey::new(key)).await?.map(|a| Node::Article(Article(a))),
        K::Period => None,
    })
}

/// Checks that a slug argument names an entity; `NOT_FOUND` otherwise.
async fn known_slug(ctx: &Context<'_>, argument: &str, slug: &str) -> AppResult<()> {
    known_slugs(ctx, argument, std::slice::from_ref(&slug.to_owned())).await
}

/// Checks, in one lookup, that every slug of an argument names an entity.
pub(crate) async fn known_slugs(ctx: &Context<'_>, argument: &str, slugs: &[String]) -> AppResult<()> {
    let found = Entity::load_many(ctx, slugs).await?;
    if let Some(missing) = slugs.iter().find(|s| !found.iter().any(|e| &e.data().0.slug == *s)) {
        return Err(AppError::not_found(format!("{argument}: no entity has the slug `{missing}`")));
    }
    Ok(())
}

pub struct Query;

// `no_cache`: answers are revalidated (the HTTP layer says so with ETags);
// it also marks an answer as executed (see `complete::executed`).
#[Object(cache_control(no_cache))]
impl Query {
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        Ok(node_by_id(ctx, &id).await?)
    }

    #[graphql(directive = crate::protect::directives::listSize::apply(Some(100), None, None, None))]
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > common::MAX_PAGE as usize {
            return Err(AppError::too_large("ids", "IDs", ids.len(), common::MAX_PAGE as usize).into());
        }
        let lookups = ids.iter().map(|id| node_by_id(ctx, id));
        let found = async_graphql::futures_util::future::join_all(lookups).await;
        Ok(found.into_iter().collect::<AppResult<Vec<_>>>()?)
    }

    async fn entity(&self, ctx: &Context<'_>, slug: String) -> async_graphql::Result<Option<Entity>> {
        Ok(Entity::load(ctx, &slug).await?)
    }

    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), Some(vec!["edges".into()]), Some(false)))]
    async fn entities(
        &self,
        ctx: &Context<'_>,
        kind: Option<EntityKind>,
        category: Option<String>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<self::entity::EntityConnection> {
        let filter = EntityFilter { kind: kind.map(Into::into), category };
        Ok(self::entity::list_entities(ctx, filter, first, after).await?)
    }

    /// entities whose name or an alias matches text, best match first: an exact name or alias before any partial match
    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
    async fn search(
        &self,
        ctx: &Context<'_>,
        text: String,
        kind: Option<EntityKind>,
        #[graphql(default = 10)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Entity>> {
        let size = common::PageSize::or(first, 10)?;
        let folded = domain::text::fold(&text);
        if folded.chars().count() > MAX_SEARCH {
            return Err(AppError::too_large(
                "text",
                "letters and digits after folding",
                folded.chars().count(),
                MAX_SEARCH,
            )
            .into());
        }
        if folded.is_empty() {
            return Err(AppError::bad_input("text: give at least one letter or digit to search for").into());
        }
        let rows = store_of(ctx).search(&folded, kind.map(Into::into), size.0).await?;
        Ok(rows.into_iter().map(Entity::from_model).collect::<AppResult<Vec<_>>>()?)
    }

    /// entity: either end is that slug; between: the two ends are those two slugs, in either order
    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), Some(vec!["edges".into()]), Some(false)))]
    #[allow(clippy::too_many_arguments)]
    async fn relations(
        &self,
        ctx: &Context<'_>,
        entity: Option<String>,
        between: Option<Vec<String>>,
        #[graphql(name = "type")] rel_type: Option<String>,
        status: Option<RelationStatus>,
        as_of: Option<Date>,
        known_at: Option<DateTime>,
        #[graphql(default_with = "Certainty::Possible")] certainty: Certainty,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<RelationConnection> {
        let (day, known) = time_args(&as_of, &known_at)?;
        let between = match between {
            None => None,
            Some(pair) if pair.len() == 2 => Some((pair[0].clone(), pair[1].clone())),
            Some(other) => {
                return Err(AppError::bad_input(format!("between: give exactly two slugs, not {}", other.len())).into())
            }
        };
        let named = (entity.clone(), between.clone());
        let filter = RelationFilter {
            entity,
            between,
            rel_type,
            status: status.map(Into::into),
            certainty: certainty.into(),
            day,
            known,
        };
        let found = list_relations(ctx, filter, first, after).await?;
        // A relation names its ends, so only an empty page needs to ask
        // whether the slugs exist: an unknown one is NOT_FOUND, not nothing.
        if found.is_empty() {
            if let Some(slug) = &named.0 {
                known_slug(ctx, "entity", slug).await?;
            }
            if let Some((a, b)) = named.1 {
                known_slugs(ctx, "between", &[a, b]).await?;
            }
        }
        Ok(found)
    }

    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), Some(vec!["edges".into()]), Some(false)))]
    #[allow(clippy::too_many_arguments)]
    async fn events(
        &self,
        ctx: &Context<'_>,
        entity: Option<String>,
        region: Option<String>,
        #[graphql(name = "type")] event_type: Option<String>,
        from: Option<Date>,
        to: Option<Date>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<EventConnection> {
        let span = crate::time::span(from.as_ref(), to.as_ref())?;
        if let Some(slug) = &entity {
            known_slug(ctx, "entity", slug).await?;
        }
        if let Some(slug) = &region {
            known_slug(ctx, "region", slug).await?;
        }
        let filter = EventFilter { entity, region, event_type, span };
        Ok(list_events(ctx, filter, first, after).await?)
    }

    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), Some(vec!["edges".into()]), Some(false)))]
    async fn statements(
        &self,
        ctx: &Context<'_>,
        speaker: Option<String>,
        about: Option<String>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<StatementConnection> {
        if let Some(slug) = &speaker {
            known_slug(ctx, "speaker", slug).await?;
        }
        if let Some(slug) = &about {
            known_slug(ctx, "about", slug).await?;
        }
        Ok(list_statements(ctx, StatementFilter { speaker, about }, first, after).await?)
    }

    /// merged timeline of the named entities, oldest first
    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        entities: Vec<String>,
        from: Option<Date>,
        to: Option<Date>,
        known_at: Option<DateTime>,
        #[graphql(default = 100)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<TimelineEntry>> {
        if entities.len() > MAX_TIMELINE_ENTITIES {
            return Err(AppError::too_large("entities", "slugs", entities.len(), MAX_TIMELINE_ENTITIES).into());
        }
        if entities.is_empty() {
            return Err(AppError::bad_input("entities: give at least one slug").into());
        }
        known_slugs(ctx, "entities", &entities).await?;
        Ok(timeline(ctx, &entities, from, to, known_at, first).await?)
    }

    /// a shortest chain of relations that hold at asOf linking two entities, in order from -> to; null where none within maxDepth
    #[graphql(
        directive = crate::protect::directives::listSize::apply(None, Some(vec!["maxDepth".into()]), None, Some(false)),
        directive = crate::protect::directives::cost::apply("10".into())
    )]
    async fn path(
        &self,
        ctx: &Context<'_>,
        from: String,
        to: String,
        as_of: Option<Date>,
        #[graphql(default = 4)] max_depth: Option<i32>,
    ) -> async_graphql::Result<Option<Vec<Relation>>> {
        let max_depth = max_depth.unwrap_or(4);
        if !(1..=MAX_PATH_DEPTH).contains(&max_depth) {
            return Err(AppError::bad_input(format!(
                "maxDepth: must be between 1 and {MAX_PATH_DEPTH}, got {max_depth}"
            ))
            .into());
        }
        let day = as_of_day(as_of.as_ref())?;
        known_slugs(ctx, "from", std::slice::from_ref(&from)).await?;
        known_slugs(ctx, "to", std::slice::from_ref(&to)).await?;
        let found = store_of(ctx).path(&from, &to, day, max_depth as usize).await?;
        Ok(found.map(|chain| chain.into_iter().map(Relation).collect()))
    }

    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), Some(vec!["edges".into()]), Some(false)))]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<ArticleConnection> {
        Ok(list_articles(ctx, first, after).await?)
    }
}
