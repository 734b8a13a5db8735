//! Events and event listings.

use super::common::{citations_of, connection, load, store_of, Citation, FuzzyDate, PageSize};
use super::entity::{Entity, Region};
use super::ids::{encode, IdKind};
use super::loaders::OwnedBy;
use crate::error::AppResult;
use crate::time::Known;
use async_graphql::{Context, Object, SimpleObject, ID};
use domain::FactKind;
use entity::event;
use store::read::events::EventFilter;

/// Something that happened at a time: a ceasefire, a prisoner exchange, a deployment, a meeting.
pub struct Event(pub event::Model);

#[Object]
impl Event {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(encode(IdKind::Event, &self.0.key))
    }
    /// code from a documented vocabulary
    #[graphql(name = "type")]
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// the CAMEO event code, where one fits
    async fn cameo_code(&self) -> Option<&str> {
        self.0.cameo_code.as_deref()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    async fn date(&self) -> async_graphql::Result<FuzzyDate> {
        Ok(FuzzyDate::from_stored(&self.0.date_edtf)?)
    }
    async fn location(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let Some(slug) = &self.0.location else { return Ok(None) };
        Ok(match Entity::load(ctx, slug).await? {
            Some(Entity::Region(r)) => Some(r),
            _ => None,
        })
    }
    /// everyone who took part, with their roles (at most 50: a bundle gives no more)
    #[graphql(directive = crate::protect::directives::listSize::apply(Some(50), None, None, None))]
    async fn participants(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Participant>> {
        let rows = load(ctx, OwnedBy::<entity::participant::Entity>::new(self.0.id)).await?.unwrap_or_default();
        let slugs: Vec<String> = rows.iter().map(|p| p.entity_slug.clone()).collect();
        let entities = Entity::load_many(ctx, &slugs).await?;
        let mut out = Vec::new();
        for (p, e) in rows.into_iter().zip(slugs) {
            if let Some(entity) = entities.iter().find(|x| x.data().0.slug == e) {
                out.push(Participant { entity: entity.clone(), role: p.role });
            }
        }
        Ok(out)
    }
    /// figures the source gives (prisoners released: 15, observers: 20); at most 50
    #[graphql(directive = crate::protect::directives::listSize::apply(Some(50), None, None, None))]
    async fn quantities(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Quantity>> {
        let rows = load(ctx, OwnedBy::<entity::quantity::Entity>::new(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(Quantity::from).collect())
    }
    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
    async fn citations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Citation>> {
        Ok(citations_of(ctx, FactKind::Event, &self.0.key, Known::Now, first).await?)
    }
}

#[derive(SimpleObject, Clone)]
pub struct Participant {
    pub entity: Entity,
    /// source, target, mediator, observer, ...
    pub role: String,
}

#[derive(SimpleObject, Clone)]
pub struct Quantity {
    pub what: String,
    pub value: f64,
    pub unit: Option<String>,
    /// the source gives it as a bound or an estimate (up to 100, about 35 km)
    pub approximate: bool,
}

/// Figures read from either table of figures.
macro_rules! quantity_from {
    ($($table:ident),+) => {
        $(impl From<entity::$table::Model> for Quantity {
            fn from(q: entity::$table::Model) -> Quantity {
                Quantity { what: q.what, value: q.value, unit: q.unit, approximate: q.approximate }
            }
        })+
    };
}

quantity_from!(quantity, statement_quantity);

impl From<event::Model> for Event {
    fn from(row: event::Model) -> Self {
        Event(row)
    }
}

connection!(EventConnection, EventEdge, event::Model => Event, EventFilter, |store, filter| store.event_count(filter));

pub async fn list_events(
    ctx: &Context<'_>,
    filter: EventFilter,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<EventConnection> {
    let size = PageSize::new(first)?;
    let position = super::common::after_position::<event::Model>(&after, 2)?;
    let page = store_of(ctx).event_page(&filter, size.0, position.as_ref()).await?;
    Ok(EventConnection::new(page, after.is_some(), filter))
}
