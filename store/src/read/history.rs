//! The record-time log (revisions) and merged timelines.

use super::events::EVENT_COLUMNS;
use super::statements::STATEMENT_COLUMNS;
use crate::Result;
use crate::Store;
use domain::{FactKind, Known, Span};
use entity::{event, revision, statement};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};

/// The classes of period-start width, as the migration's partial indexes
/// define them (word for word, so the planner uses those indexes), each
/// with how many days before its last day a start of the class can begin.
const START_CLASS_QUERIES: [(&str, Option<i32>); 3] = [
    ("p.from_latest - p.from_earliest <= 31", Some(31)),
    ("p.from_latest - p.from_earliest > 31 AND p.from_latest - p.from_earliest <= 3660", Some(3660)),
    ("p.from_latest - p.from_earliest > 3660", None),
];

/// A status period start, with the relation it belongs to.
#[derive(Debug, Clone, FromQueryResult)]
pub struct StatusChange {
    pub relation_key: String,
    pub label: String,
    pub period_id: i64,
    pub status: String,
    pub from_edtf: Option<String>,
    pub from_earliest: i32,
}

/// One timeline entry before it becomes a GraphQL object.
#[derive(Debug, Clone)]
pub enum TimelineItem {
    StatusChange(StatusChange),
    Event(event::Model),
    Statement(statement::Model),
}

impl TimelineItem {
    fn sort_key(&self) -> (i32, u8, String) {
        match self {
            TimelineItem::StatusChange(s) => (s.from_earliest, 0, s.relation_key.clone()),
            TimelineItem::Event(e) => (e.date_earliest, 1, e.key.clone()),
            TimelineItem::Statement(s) => (s.date_earliest, 2, s.key.clone()),
        }
    }
}

impl Store {
    /// Revisions by id, oldest first.
    pub async fn revisions_by_id(&self, ids: &[i64]) -> Result<Vec<revision::Model>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.fetch(
            revision::Entity::find()
                .filter(revision::Column::Id.is_in(ids.iter().copied()))
                .order_by_asc(revision::Column::Id),
        )
        .await
    }

    /// Revisions of these facts, oldest first.
    pub async fn revisions(&self, kind: FactKind, keys: &[String]) -> Result<HashMap<String, Vec<revision::Model>>> {
        let mut out: HashMap<String, Vec<revision::Model>> = HashMap::new();
        for r in self
            .fetch(
                revision::Entity::find()
                    .filter(revision::Column::SubjectKind.eq(kind.as_str()))
                    .filter(revision::Column::SubjectKey.is_in(keys.iter().cloned()))
                    .order_by_asc(revision::Column::RecordedAt)
                    .order_by_asc(revision::Column::Id),
            )
            .await?
        {
            out.entry(r.subject_key.clone()).or_default().push(r);
        }
        Ok(out)
    }

    /// The first `first` of the status changes of the entities' relations,
    /// their events and their statements whose dates overlap `[from, to]`,
    /// oldest first.
    ///
    /// Every part of the query stops after `first` rows in that order, so a
    /// page costs the same however many entries the window holds: the first
    /// `first` of the whole are among the first `first` of each part.
    pub async fn timeline(
        &self,
        slugs: &[String],
        span: Span,
        known: Known,
        first: usize,
    ) -> Result<Vec<TimelineItem>> {
        let mut items = Vec::new();
        let limit = first as i64;

        // Status changes are found through the ends copied onto each period,
        // one index range per entity, end and class of start width, read in
        // date order and cut at `first`: a major actor's thousands of
        // relations are never scanned, and a range looks back only as far as
        // a start of its class can reach. The union (which drops a period
        // found through both its ends) is cut again before the relations'
        // labels are joined, so at most `first` labels are looked up. The
        // loader closes a relation's periods when it retracts the relation,
        // so a visible period always has a visible relation.
        let mut sql = self.sql();
        sql.push(
            "SELECT b.relation_key, r.label, b.period_id, b.status, b.from_edtf, b.from_earliest FROM (SELECT * FROM (",
        );
        let mut first_branch = true;
        for slug in slugs {
            for end in ["p.source", "p.target"] {
                for (predicate, reach) in START_CLASS_QUERIES {
                    if !first_branch {
                        sql.push(" UNION ");
                    }
                    first_branch = false;
                    sql.push("SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p WHERE ")
                        .push(end)
                        .push(" = ")
                        .bind(slug.as_str())
                        .push(" AND ")
                        .visible("p", known)
                        .push(" AND p.from_edtf IS NOT NULL AND p.from_latest >= ")
                        .bind(span.from.column())
                        .push(" AND p.from_earliest <= ")
                        .bind(span.to.column())
                        .push(" AND ")
                        .push(predicate);
                    if let Some(reach) = reach {
                        sql.push(" AND p.from_earliest >= ").bind(span.from.column().saturating_sub(reach));
                    }
                    sql.push(" ORDER BY p.from_earliest, p.relation_key, p.id LIMIT ").bind(limit).push(") b");
                }
            }
        }
        sql.push(") u ORDER BY u.from_earliest, u.relation_key, u.period_id LIMIT ")
            .bind(limit)
            .push(") b JOIN relation r ON r.key = b.relation_key AND ")
            .visible("r", known)
            .push(" ORDER BY b.from_earliest, b.relation_key, b.period_id");
        items.extend(self.all::<StatusChange>(sql).await?.into_iter().map(TimelineItem::StatusChange));

        // Events and statements: every match in the window first, then the
        // page. Planned as one query with its LIMIT, PostgreSQL walks the
        // date index from the beginning of time hoping to meet the actors'
        // rows early (80 ms for a major actor's year at 1M relations against
        // 16 ms this way); MATERIALIZED keeps the two steps apart.
        let mut sql = self.sql();
        sql.push("WITH hit AS MATERIALIZED (SELECT ")
            .push(&EVENT_COLUMNS)
            .push(" FROM event e WHERE EXISTS (SELECT 1 FROM participant pa WHERE pa.event_id = e.id AND pa.entity_slug IN ")
            .bind_list(slugs)
            .push(") AND ")
            .visible("e", known)
            .push(" AND e.date_earliest <= ")
            .bind(span.to.column())
            .push(" AND e.date_latest >= ")
            .bind(span.from.column())
            .push(") SELECT * FROM hit ORDER BY date_earliest, key LIMIT ")
            .bind(limit);
        items.extend(self.all::<event::Model>(sql).await?.into_iter().map(TimelineItem::Event));

        let mut sql = self.sql();
        sql.push("WITH hit AS MATERIALIZED (SELECT ")
            .push(&STATEMENT_COLUMNS)
            .push(" FROM statement s WHERE s.speaker IN ")
            .bind_list(slugs)
            .push(" AND ")
            .visible("s", known)
            .push(" AND s.date_earliest <= ")
            .bind(span.to.column())
            .push(" AND s.date_latest >= ")
            .bind(span.from.column())
            .push(") SELECT * FROM hit ORDER BY date_earliest, key LIMIT ")
            .bind(limit);
        items.extend(self.all::<statement::Model>(sql).await?.into_iter().map(TimelineItem::Statement));

        let mut seen = HashSet::new();
        items.retain(|i| {
            seen.insert(match i {
                TimelineItem::StatusChange(s) => (0, s.period_id),
                TimelineItem::Event(e) => (1, e.id),
                TimelineItem::Statement(s) => (2, s.id),
            })
        });
        items.sort_by_cached_key(TimelineItem::sort_key);
        items.truncate(first);
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn start_classes_repeat_the_migrations_index_predicates() {
        for ((_, predicate, _), (query, _)) in migration::START_CLASSES.iter().zip(super::START_CLASS_QUERIES) {
            let qualified =
                predicate.replace("from_latest", "p.from_latest").replace("from_earliest", "p.from_earliest");
            assert_eq!(qualified, query);
        }
    }
}
