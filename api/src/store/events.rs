//! Events: listing oldest first, participants and quantities.

use super::{column_list, Page, Sql, Store};
use crate::error::AppResult;
use crate::time::Known;
use entity::{event, participant, quantity};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// Filters of an event listing; `from`/`to` are day numbers (inclusive).
#[derive(Debug, Clone)]
pub struct EventFilter {
    pub entity: Option<String>,
    pub region: Option<String>,
    pub event_type: Option<String>,
    pub from: i32,
    pub to: i32,
}

/// Keyset position in date order.
pub type DateCursor = (i32, String);

column_list!(EVENT_COLUMNS, event::Entity, "e");

impl Sql {
    fn event_conditions(&mut self, f: &EventFilter) -> &mut Self {
        self.push(" WHERE ").visible("e", Known::Now);
        if let Some(entity) = &f.entity {
            self.push(" AND EXISTS (SELECT 1 FROM participant pa WHERE pa.event_id = e.id AND pa.entity_slug = ")
                .bind(entity.clone())
                .push(")");
        }
        if let Some(region) = &f.region {
            self.push(" AND e.location = ").bind(region.clone());
        }
        if let Some(t) = &f.event_type {
            self.push(" AND e.type = ").bind(t.clone());
        }
        if f.from > i32::MIN {
            self.push(" AND e.date_latest >= ").bind(f.from);
        }
        if f.to < i32::MAX {
            self.push(" AND e.date_earliest <= ").bind(f.to);
        }
        self
    }

    /// `AND (date, key) > cursor` for table alias `t` with a date column `date_earliest`.
    pub fn after_date_cursor(&mut self, t: &'static str, after: Option<&DateCursor>) -> &mut Self {
        if let Some((day, key)) = after {
            self.push(" AND (").push(t).push(".date_earliest > ").bind(*day);
            self.push(" OR (").push(t).push(".date_earliest = ").bind(*day);
            self.push(" AND ").push(t).push(".key > ").bind(key.clone()).push("))");
        }
        self
    }
}

impl Store {
    pub async fn event_page(
        &self,
        f: &EventFilter,
        first: usize,
        after: Option<&DateCursor>,
    ) -> AppResult<Page<event::Model>> {
        let mut sql = self.sql();
        sql.push("SELECT ").push(&EVENT_COLUMNS).push(" FROM event e").event_conditions(f);
        sql.after_date_cursor("e", after).push(" ORDER BY e.date_earliest, e.key LIMIT ").bind(first as i64 + 1);
        Ok(Page::from_overfetch(self.all(sql).await?, first))
    }

    pub async fn event_count(&self, f: &EventFilter) -> AppResult<u64> {
        let mut sql = self.sql();
        sql.push("SELECT COUNT(*) AS n FROM event e").event_conditions(f);
        self.count(sql).await
    }

    pub async fn participants(&self, event_ids: &[i64]) -> AppResult<HashMap<i64, Vec<participant::Model>>> {
        let mut out: HashMap<i64, Vec<participant::Model>> = HashMap::new();
        for p in participant::Entity::find()
            .filter(participant::Column::EventId.is_in(event_ids.iter().copied()))
            .order_by_asc(participant::Column::Id)
            .all(&self.db)
            .await?
        {
            out.entry(p.event_id).or_default().push(p);
        }
        Ok(out)
    }

    pub async fn quantities(&self, event_ids: &[i64]) -> AppResult<HashMap<i64, Vec<quantity::Model>>> {
        let mut out: HashMap<i64, Vec<quantity::Model>> = HashMap::new();
        for q in quantity::Entity::find()
            .filter(quantity::Column::EventId.is_in(event_ids.iter().copied()))
            .order_by_asc(quantity::Column::Id)
            .all(&self.db)
            .await?
        {
            out.entry(q.event_id).or_default().push(q);
        }
        Ok(out)
    }
}
