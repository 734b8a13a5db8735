//! Events: listing oldest first, participants and quantities.

use crate::sql::column_list;
use crate::Result;
use crate::{Page, Store};
use domain::{Known, Span};
use entity::rules::visible;
use entity::{event, participant};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

/// Filters of an event listing: events whose dates overlap `span`.
#[derive(Debug, Clone)]
pub struct EventFilter {
    pub entity: Option<String>,
    pub region: Option<String>,
    pub event_type: Option<String>,
    pub span: Span,
}

/// Keyset position in date order.
pub type DateCursor = (i32, String);

column_list!(EVENT_COLUMNS, event::Entity, "e");

/// `(date_earliest, key) > cursor`: keyset paging in date order, for any
/// table with those columns (events, statements).
pub fn after_date_cursor<C: ColumnTrait>(date: C, key: C, (day, after): &DateCursor) -> Condition {
    Condition::any().add(date.gt(*day)).add(Condition::all().add(date.eq(*day)).add(key.gt(after.as_str())))
}

fn event_query(f: &EventFilter) -> Select<event::Entity> {
    let mut q = event::Entity::find().filter(visible(event::Entity, Known::Now));
    if let Some(entity) = &f.entity {
        let taking_part = Query::select()
            .column(participant::Column::EventId)
            .from(participant::Entity)
            .and_where(participant::Column::EntitySlug.eq(entity.as_str()))
            .to_owned();
        q = q.filter(event::Column::Id.in_subquery(taking_part));
    }
    if let Some(region) = &f.region {
        q = q.filter(event::Column::Location.eq(region.as_str()));
    }
    if let Some(t) = &f.event_type {
        q = q.filter(event::Column::EventType.eq(t.as_str()));
    }
    if let Some(from) = f.span.from.day() {
        q = q.filter(event::Column::DateLatest.gte(from.number()));
    }
    if let Some(to) = f.span.to.day() {
        q = q.filter(event::Column::DateEarliest.lte(to.number()));
    }
    q
}

impl Store {
    pub async fn event_page(
        &self,
        f: &EventFilter,
        first: usize,
        after: Option<&DateCursor>,
    ) -> Result<Page<event::Model>> {
        let mut q = event_query(f);
        if let Some(cursor) = after {
            q = q.filter(after_date_cursor(event::Column::DateEarliest, event::Column::Key, cursor));
        }
        let rows = self
            .fetch(q.order_by_asc(event::Column::DateEarliest).order_by_asc(event::Column::Key).limit(first as u64 + 1))
            .await?;
        Ok(Page::from_overfetch(rows, first))
    }

    pub async fn event_count(&self, f: &EventFilter) -> Result<u64> {
        self.tally(event_query(f)).await
    }
}
