//! Relations and their status periods under both time axes.
//!
//! "Holds at D as known at K" is one `EXISTS` over `status_period`, written
//! once in [`Sql::holds`] and used by every relation query.

use super::{Page, Sql, Store};
use crate::error::AppResult;
use crate::time::Known;
use entity::{relation, status_period};
use std::collections::HashMap;

/// Filters of a relation listing. `day` is the valid-time day of `asOf`.
#[derive(Debug, Clone)]
pub struct RelationFilter {
    /// Either end is this slug.
    pub entity: Option<String>,
    /// The two ends are these slugs, in either order.
    pub between: Option<(String, String)>,
    pub rel_type: Option<String>,
    /// Status at `day` (`proposed`, `active`, ...).
    pub status: Option<String>,
    pub day: i32,
    pub known: Known,
}

impl Sql {
    /// `EXISTS` a period of relation `r` that holds at `day` as known at
    /// `known` and, with `status`, decides that status (no later-starting
    /// period also holds).
    pub fn holds(&mut self, day: i32, known: Known, status: Option<&str>) -> &mut Self {
        self.push("EXISTS (SELECT 1 FROM status_period p WHERE p.relation_key = r.key AND ")
            .visible("p", known)
            .push(" AND p.from_earliest <= ")
            .bind(day)
            .push(" AND p.to_latest >= ")
            .bind(day);
        if let Some(status) = status {
            self.push(" AND p.status = ")
                .bind(status.to_owned())
                .push(" AND NOT EXISTS (SELECT 1 FROM status_period q WHERE q.relation_key = p.relation_key AND ")
                .visible("q", known)
                .push(" AND q.from_earliest <= ")
                .bind(day)
                .push(" AND q.to_latest >= ")
                .bind(day)
                .push(" AND (q.from_earliest > p.from_earliest OR (q.from_earliest = p.from_earliest AND q.recorded_at > p.recorded_at)))");
        }
        self.push(")")
    }

    /// The conditions every relation listing shares, after `WHERE ...`.
    fn relation_conditions(&mut self, f: &RelationFilter, after: Option<&str>) -> &mut Self {
        self.push(" AND ").visible("r", f.known);
        if let Some(t) = &f.rel_type {
            self.push(" AND r.type = ").bind(t.clone());
        }
        if let Some(after) = after {
            self.push(" AND r.key > ").bind(after.to_owned());
        }
        self.push(" AND ").holds(f.day, f.known, f.status.as_deref())
    }
}

const REL_COLUMNS: &str = "r.id, r.key, r.type, r.label, r.source, r.target, r.symmetric, r.body, r.recorded_at, r.superseded_at";

impl Store {
    /// Relations matching `f`, in key order, after the key `after`.
    pub async fn relation_page(&self, f: &RelationFilter, first: usize, after: Option<&str>) -> AppResult<Page<relation::Model>> {
        let limit = first as i64 + 1;
        let mut sql = self.sql();
        if let (Some(entity), None) = (&f.entity, &f.between) {
            // Two ordered index scans merged, instead of one OR that must sort.
            sql.push("SELECT * FROM (SELECT ").push(REL_COLUMNS).push(" FROM relation r WHERE r.source = ").bind(entity.clone());
            sql.relation_conditions(f, after).push(" ORDER BY r.key LIMIT ").bind(limit);
            sql.push(") a UNION ALL SELECT * FROM (SELECT ").push(REL_COLUMNS).push(" FROM relation r WHERE r.target = ").bind(entity.clone());
            sql.push(" AND r.source <> ").bind(entity.clone());
            sql.relation_conditions(f, after).push(" ORDER BY r.key LIMIT ").bind(limit);
            sql.push(") b ORDER BY key LIMIT ").bind(limit);
        } else {
            sql.push("SELECT ").push(REL_COLUMNS).push(" FROM relation r WHERE ");
            self.restrict(&mut sql, f);
            sql.relation_conditions(f, after).push(" ORDER BY r.key LIMIT ").bind(limit);
        }
        Ok(Page::from_overfetch(self.all(sql).await?, first))
    }

    fn restrict(&self, sql: &mut Sql, f: &RelationFilter) {
        match (&f.entity, &f.between) {
            (_, Some((a, b))) => {
                sql.push("((r.source = ").bind(a.clone()).push(" AND r.target = ").bind(b.clone());
                sql.push(") OR (r.source = ").bind(b.clone()).push(" AND r.target = ").bind(a.clone()).push("))");
                if let Some(e) = &f.entity {
                    sql.push(" AND (r.source = ").bind(e.clone()).push(" OR r.target = ").bind(e.clone()).push(")");
                }
            }
            (Some(e), None) => {
                sql.push("(r.source = ").bind(e.clone()).push(" OR r.target = ").bind(e.clone()).push(")");
            }
            (None, None) => {
                sql.push("1 = 1");
            }
        }
    }

    pub async fn relation_count(&self, f: &RelationFilter) -> AppResult<u64> {
        let mut sql = self.sql();
        sql.push("SELECT COUNT(*) AS n FROM relation r WHERE ");
        self.restrict(&mut sql, f);
        sql.relation_conditions(f, None);
        self.count(sql).await
    }

    /// Relations by key as known at `known` (retracted ones are absent).
    pub async fn relations_by_key(&self, keys: &[String], known: Known) -> AppResult<HashMap<String, relation::Model>> {
        let mut sql = self.sql();
        sql.push("SELECT ").push(REL_COLUMNS).push(" FROM relation r WHERE r.key IN ").bind_list(keys).push(" AND ").visible("r", known);
        let rows: Vec<relation::Model> = self.all(sql).await?;
        Ok(rows.into_iter().map(|r| (r.key.clone(), r)).collect())
    }

    /// Status periods of these relations as known at `known`, oldest first.
    pub async fn periods(&self, keys: &[String], known: Known) -> AppResult<HashMap<String, Vec<status_period::Model>>> {
        let mut sql = self.sql();
        sql.push("SELECT p.id, p.relation_key, p.source, p.target, p.status, p.from_edtf, p.from_earliest, p.from_latest, p.to_edtf, p.to_latest, p.note, p.recorded_at, p.superseded_at FROM status_period p WHERE p.relation_key IN ")
            .bind_list(keys)
            .push(" AND ")
            .visible("p", known)
            .push(" ORDER BY p.relation_key, p.from_earliest, p.id");
        let mut out: HashMap<String, Vec<status_period::Model>> = HashMap::new();
        for p in self.all::<status_period::Model>(sql).await? {
            out.entry(p.relation_key.clone()).or_default().push(p);
        }
        Ok(out)
    }

    /// Relations of `rel_type` holding at `day` with `slug` at the given end;
    /// returns the relations (for the other end).
    pub async fn relations_at_end(
        &self,
        rel_type: &str,
        slug: &str,
        slug_is_source: bool,
        day: i32,
        known: Known,
    ) -> AppResult<Vec<relation::Model>> {
        let mut sql = self.sql();
        sql.push("SELECT ").push(REL_COLUMNS).push(" FROM relation r WHERE r.type = ").bind(rel_type.to_owned());
        sql.push(if slug_is_source { " AND r.source = " } else { " AND r.target = " }).bind(slug.to_owned());
        sql.push(" AND ").visible("r", known).push(" AND ").holds(day, known, None).push(" ORDER BY r.key");
        self.all(sql).await
    }
}
