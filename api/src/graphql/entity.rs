//! Actors, organisations and regions: the `Entity` interface and its three
//! implementations, which share every field but their kind-specific ones.

use super::common::{load, store_of, Revision};
use super::event::{list_events, EventConnection};
use super::history::{timeline, TimelineEntry};
use super::ids::{encode, IdKind};
use super::loaders::{EntityBySlug, OwnedBy};
use super::relation::{list_relations, Certainty, RelationConnection, RelationStatus};
use super::scalars::{Date, DateTime};
use super::statement::{list_statements, StatementConnection};
use crate::error::{AppError, AppResult};
use crate::time::{as_of_day, known_at};
use async_graphql::{Context, Enum, Interface, Object, SimpleObject, ID};
use entity::entity as ent;
use std::sync::Arc;
use store::read::events::EventFilter;
use store::read::relations::RelationFilter;
use store::read::statements::StatementFilter;

/// ACTOR: a state, person, armed force or other party that acts (a state is an
/// actor; its territory is not a separate entity). ORGANISATION: an alliance,
/// intergovernmental organisation, council, commission or other body.
/// REGION: a place that is not a state: a breakaway region, province, city, port.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::EntityKind")]
pub enum EntityKind {
    Actor,
    Organisation,
    Region,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct ExternalId {
    pub scheme: String,
    pub value: String,
    pub url: Option<String>,
}

/// What the three entity types share: the current version's row.
#[derive(Clone)]
pub struct EntityData(pub Arc<ent::Model>);

/// A state, person, armed force, organisation, body or place.
#[allow(clippy::duplicated_attributes)] // the argument lists repeat by design
#[derive(Interface)]
#[graphql(
    name = "Entity",
    field(name = "id", ty = "ID"),
    field(
        name = "slug",
        ty = "String",
        desc = "stable key: lowercase ASCII words joined by hyphens (nato, south-ossetia)"
    ),
    field(name = "kind", ty = "EntityKind"),
    field(
        name = "category",
        ty = "String",
        desc = "finer class from a documented vocabulary (state, person, alliance, council, breakaway-region, city, ...)"
    ),
    field(name = "name", ty = "String"),
    field(
        name = "aliases",
        ty = "Vec<String>",
        desc = "other names it goes by in sources (Nato, Moscow for the Russian government, ...)"
    ),
    field(name = "description", ty = "Option<String>"),
    field(
        name = "external_ids",
        ty = "Vec<ExternalId>",
        desc = "identifiers in other systems (wikidata Q7184, iso-3166 GE, ...)"
    ),
    field(
        name = "relations",
        ty = "RelationConnection",
        desc = "relations with this entity at either end that hold at asOf, as recorded at knownAt",
        arg(name = "as_of", ty = "Option<Date>"),
        arg(name = "known_at", ty = "Option<DateTime>"),
        arg(name = "type", ty = "Option<String>"),
        arg(name = "status", ty = "Option<RelationStatus>"),
        arg(name = "certainty", ty = "Certainty", default_with = "Certainty::Possible"),
        arg(name = "first", ty = "Option<i32>", default = 20),
        arg(name = "after", ty = "Option<String>")
    ),
    field(
        name = "events",
        ty = "EventConnection",
        desc = "events it took part in, oldest first",
        arg(name = "from", ty = "Option<Date>"),
        arg(name = "to", ty = "Option<Date>"),
        arg(name = "first", ty = "Option<i32>", default = 20),
        arg(name = "after", ty = "Option<String>")
    ),
    field(
        name = "statements",
        ty = "StatementConnection",
        desc = "statements it made, oldest first",
        arg(name = "first", ty = "Option<i32>", default = 20),
        arg(name = "after", ty = "Option<String>")
    ),
    field(
        name = "timeline",
        ty = "Vec<TimelineEntry>",
        desc = "status changes of its relations, its events and its statements, oldest first (the first 100 unless first says otherwise)",
        arg(name = "from", ty = "Option<Date>"),
        arg(name = "to", ty = "Option<Date>"),
        arg(name = "known_at", ty = "Option<DateTime>"),
        arg(name = "first", ty = "Option<i32>", default = 100)
    ),
    field(
        name = "revisions",
        ty = "Vec<Revision>",
        desc = "record-time log of changes to this entity, oldest first (the first 100 unless first says otherwise)",
        arg(name = "first", ty = "Option<i32>", default = 100)
    ),
    field(
        name = "citations",
        ty = "Vec<super::common::Citation>",
        arg(name = "first", ty = "Option<i32>", default = 20)
    )
)]
#[derive(Clone)]
pub enum Entity {
    Actor(Actor),
    Organisation(Organisation),
    Region(Region),
}

impl Entity {
    /// The entity of a stored row; a stored kind that is not one of the
    /// three is a fault in the store.
    pub fn from_model(model: ent::Model) -> AppResult<Entity> {
        let kind = domain::EntityKind::parse(&model.kind)
            .map_err(|e| AppError::Internal(format!("entity row {} holds {e}", model.id)))?;
        let data = EntityData(Arc::new(model));
        Ok(match kind {
            domain::EntityKind::Actor => Entity::Actor(Actor(data)),
            domain::EntityKind::Organisation => Entity::Organisation(Organisation(data)),
            domain::EntityKind::Region => Entity::Region(Region(data)),
        })
    }

    /// The kind, as the variant says.
    pub fn entity_kind(&self) -> domain::EntityKind {
        match self {
            Entity::Actor(_) => domain::EntityKind::Actor,
            Entity::Organisation(_) => domain::EntityKind::Organisation,
            Entity::Region(_) => domain::EntityKind::Region,
        }
    }

    /// Loads the entity with this slug through the request's DataLoader.
    pub async fn load(ctx: &Context<'_>, slug: &str) -> AppResult<Option<Entity>> {
        load(ctx, EntityBySlug(slug.to_owned())).await?.map(Entity::from_model).transpose()
    }

    /// Like [`Entity::load`], for a slug a stored fact refers to.
    pub async fn load_required(ctx: &Context<'_>, slug: &str) -> AppResult<Entity> {
        Entity::load(ctx, slug)
            .await?
            .ok_or_else(|| AppError::Internal(format!("a stored fact refers to missing entity {slug}")))
    }

    /// Loads many slugs, keeping order and skipping any that are gone.
    pub async fn load_many(ctx: &Context<'_>, slugs: &[String]) -> AppResult<Vec<Entity>> {
        let mut found = super::common::loaders(ctx).load_many(slugs.iter().cloned().map(EntityBySlug)).await?;
        slugs.iter().filter_map(|s| found.remove(&EntityBySlug(s.clone())).map(Entity::from_model)).collect()
    }
}

impl EntityData {
    fn slug(&self) -> &str {
        &self.0.slug
    }

    #[allow(clippy::too_many_arguments)]
    async fn related(
        &self,
        ctx: &Context<'_>,
        rel_type: &str,
        slug_is_source: bool,
        as_of: Option<Date>,
        known: Option<DateTime>,
        kind: Option<domain::EntityKind>,
        first: Option<i32>,
    ) -> AppResult<Vec<Entity>> {
        let day = as_of_day(as_of.as_ref())?;
        let known = known_at(known.as_ref())?;
        let limit = super::common::PageSize::or(first, super::common::LONG_LIST)?.0;
        let rows = store_of(ctx).relations_at_end(rel_type, self.slug(), slug_is_source, day, known, limit).await?;
        let mut others: Vec<String> =
            rows.into_iter().map(|r| if slug_is_source { r.target } else { r.source }).collect();
        others.dedup();
        let entities = Entity::load_many(ctx, &others).await?;
        Ok(entities.into_iter().filter(|e| kind.is_none_or(|k| e.entity_kind() == k)).collect())
    }
}

impl Entity {
    pub fn data(&self) -> &EntityData {
        match self {
            Entity::Actor(a) => &a.0,
            Entity::Organisation(o) => &o.0,
            Entity::Region(r) => &r.0,
        }
    }
}

/// Generates an entity type: the fields every entity has, plus `$extra`.
macro_rules! entity_type {
    ($(#[$meta:meta])* $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name(pub EntityData);

        #[Object]
        impl $name {
            pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
                Ok(encode(IdKind::Entity, &self.0 .0.slug))
            }
            /// stable key: lowercase ASCII words joined by hyphens (nato, south-ossetia)
            async fn slug(&self, _ctx: &Context<'_>) -> async_graphql::Result<String> {
                Ok(self.0 .0.slug.clone())
            }
            async fn kind(&self, _ctx: &Context<'_>) -> async_graphql::Result<EntityKind> {
                Ok(EntityKind::$name)
            }
            /// finer class from a documented vocabulary (state, person, alliance, council, breakaway-region, city, ...)
            async fn category(&self, _ctx: &Context<'_>) -> async_graphql::Result<String> {
                Ok(self.0 .0.category.clone())
            }
            async fn name(&self, _ctx: &Context<'_>) -> async_graphql::Result<String> {
                Ok(self.0 .0.name.clone())
            }
            /// other names it goes by in sources (Nato, Moscow for the Russian government, ...); at most 50 per article
            #[graphql(directive = crate::protect::directives::listSize::apply(Some(100), None, None, None))]
            async fn aliases(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
                let rows = load(ctx, OwnedBy::<entity::alias::Entity>::new(self.0 .0.id)).await?;
                Ok(rows.unwrap_or_default().into_iter().map(|a| a.name).collect())
            }
            async fn description(&self, _ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
                Ok(self.0 .0.description.clone())
            }
            /// identifiers in other systems (wikidata Q7184, iso-3166 GE, ...); at most 50 per article
            #[graphql(directive = crate::protect::directives::listSize::apply(Some(100), None, None, None))]
            async fn external_ids(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ExternalId>> {
                let rows = load(ctx, OwnedBy::<entity::external_id::Entity>::new(self.0 .0.id)).await?.unwrap_or_default();
                Ok(rows.into_iter().map(|x| ExternalId { scheme: x.scheme, value: x.value, url: x.url }).collect())
            }
            /// relations with this entity at either end that hold at asOf, as recorded at knownAt
            #[allow(clippy::too_many_arguments)]
            #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), Some(vec!["edges".into()]), Some(false)))]
            async fn relations(
                &self,
                ctx: &Context<'_>,
                as_of: Option<Date>,
                known_at: Option<DateTime>,
                #[graphql(name = "type")] rel_type: Option<String>,
                status: Option<RelationStatus>,
                #[graphql(default_with = "Certainty::Possible")] certainty: Certainty,
                #[graphql(default = 20)] first: Option<i32>,
                after: Option<String>,
            ) -> async_graphql::Result<RelationConnection> {
                let (day, known) = super::relation::time_args(&as_of, &known_at)?;
                let filter = RelationFilter {
                    entity: Some(self.0 .0.slug.clone()),
                    between: None,
                    rel_type,
                    status: status.map(Into::into),
                    certainty: certainty.into(),
                    day,
                    known,
                };
                Ok(list_relations(ctx, filter, first, after).await?)
            }
            /// events it took part in, oldest first
            #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), Some(vec!["edges".into()]), Some(false)))]
            async fn events(
                &self,
                ctx: &Context<'_>,
                from: Option<Date>,
                to: Option<Date>,
                #[graphql(default = 20)] first: Option<i32>,
                after: Option<String>,
            ) -> async_graphql::Result<EventConnection> {
                let span = crate::time::span(from.as_ref(), to.as_ref())?;
                let filter = EventFilter { entity: Some(self.0 .0.slug.clone()), region: None, event_type: None, span };
                Ok(list_events(ctx, filter, first, after).await?)
            }
            /// statements it made, oldest first
            #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), Some(vec!["edges".into()]), Some(false)))]
            async fn statements(
                &self,
                ctx: &Context<'_>,
                #[graphql(default = 20)] first: Option<i32>,
                after: Option<String>,
            ) -> async_graphql::Result<StatementConnection> {
                let filter = StatementFilter { speaker: Some(self.0 .0.slug.clone()), about: None };
                Ok(list_statements(ctx, filter, first, after).await?)
            }
            /// status changes of its relations, its events and its statements, oldest first (the first 100 unless first says otherwise)
            #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
            async fn timeline(
                &self,
                ctx: &Context<'_>,
                from: Option<Date>,
                to: Option<Date>,
                known_at: Option<DateTime>,
                #[graphql(default = 100)] first: Option<i32>,
            ) -> async_graphql::Result<Vec<TimelineEntry>> {
                Ok(timeline(ctx, std::slice::from_ref(&self.0 .0.slug), from, to, known_at, first).await?)
            }
            /// record-time log of changes to this entity, oldest first (the first 100 unless first says otherwise)
            #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
            async fn revisions(
                &self,
                ctx: &Context<'_>,
                #[graphql(default = 100)] first: Option<i32>,
            ) -> async_graphql::Result<Vec<Revision>> {
                Ok(super::common::revisions_of(ctx, domain::FactKind::Entity, &self.0 .0.slug, first).await?)
            }
            #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
            async fn citations(
                &self,
                ctx: &Context<'_>,
                #[graphql(default = 20)] first: Option<i32>,
            ) -> async_graphql::Result<Vec<super::common::Citation>> {
                Ok(super::common::citations_of(ctx, domain::FactKind::Entity, &self.0 .0.slug, crate::time::Known::Now, first).await?)
            }
            $($extra)*
        }
    };
}

entity_type! {
    /// A state, person, armed force or other party that acts.
    Actor {
        /// for a state: the regions that lie in it at asOf (the first 100 unless first says otherwise)
        #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
        async fn regions(&self, ctx: &Context<'_>, as_of: Option<Date>, known_at: Option<DateTime>, #[graphql(default = 100)] first: Option<i32>) -> async_graphql::Result<Vec<Region>> {
            let found = self.0.related(ctx, "part-of", false, as_of, known_at, Some(domain::EntityKind::Region), first).await?;
            Ok(found.into_iter().filter_map(|e| match e { Entity::Region(r) => Some(r), _ => None }).collect())
        }
    }
}

entity_type! {
    /// An alliance, intergovernmental organisation, council, commission or other body.
    Organisation {
        /// entities in a membership relation with it at asOf (the first 100 unless first says otherwise)
        #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
        async fn members(&self, ctx: &Context<'_>, as_of: Option<Date>, known_at: Option<DateTime>, #[graphql(default = 100)] first: Option<i32>) -> async_graphql::Result<Vec<Entity>> {
            Ok(self.0.related(ctx, "membership", false, as_of, known_at, None, first).await?)
        }
    }
}

entity_type! {
    /// A place that is not a state: a breakaway region, province, city, port.
    Region {
        /// the states or regions it lies in at asOf (a disputed region may have several; the first 100 unless first says otherwise)
        #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
        async fn part_of(&self, ctx: &Context<'_>, as_of: Option<Date>, known_at: Option<DateTime>, #[graphql(default = 100)] first: Option<i32>) -> async_graphql::Result<Vec<Entity>> {
            Ok(self.0.related(ctx, "part-of", true, as_of, known_at, None, first).await?)
        }
        /// regions that lie in it at asOf (the first 100 unless first says otherwise)
        #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
        async fn parts(&self, ctx: &Context<'_>, as_of: Option<Date>, known_at: Option<DateTime>, #[graphql(default = 100)] first: Option<i32>) -> async_graphql::Result<Vec<Region>> {
            let found = self.0.related(ctx, "part-of", false, as_of, known_at, Some(domain::EntityKind::Region), first).await?;
            Ok(found.into_iter().filter_map(|e| match e { Entity::Region(r) => Some(r), _ => None }).collect())
        }
    }
}

impl super::common::FromRow<ent::Model> for Entity {
    fn from_row(row: ent::Model) -> AppResult<Self> {
        Entity::from_model(row)
    }
}

super::common::connection!(EntityConnection, EntityEdge, ent::Model => Entity, store::read::entities::EntityFilter, |store, filter| store.entity_count(filter));

/// One page of current entities in slug order.
pub async fn list_entities(
    ctx: &Context<'_>,
    filter: store::read::entities::EntityFilter,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<EntityConnection> {
    let size = super::common::PageSize::new(first)?;
    let position = super::common::after_position::<ent::Model>(&after, 1)?;
    let page = store_of(ctx).entity_page(&filter, size.0, position.as_deref()).await?;
    Ok(EntityConnection::new(page, after.is_some(), filter))
}
