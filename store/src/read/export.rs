//! Batches for bulk exports: each table in key order, from just after a
//! cursor, as known at one record-time instant and (where the table has a
//! valid time) restricted to what held or had happened by a day.
//!
//! Every batch is one statement on an index in key order (keyset paging),
//! so a batch costs the same at the millionth row as at the first.

use crate::Result;
use crate::Store;
use domain::period::Certainty;
use domain::{Day, Known};
use entity::rules::{relation_matches, visible};
use entity::Recorded;
use entity::{article, citation, entity as entity_row, event, relation, statement, status_period};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Where a table's valid time puts its rows, for an export as of `day`.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// `None`: every row as known, whatever its valid time.
    pub day: Option<Day>,
    pub known: Known,
}

impl Store {
    /// Rows of table `E` after `after` in `key` order, visible at the
    /// window's record time, kept by `valid` when exporting as of a day.
    async fn keyset<E: Recorded>(
        &self,
        w: Window,
        key: E::Column,
        after: impl Into<sea_orm::Value>,
        limit: u64,
        valid: impl FnOnce(Day) -> Expr,
    ) -> Result<Vec<E::Model>> {
        let mut query =
            E::find().filter(key.gt(after)).filter(visible(E::default(), w.known)).order_by_asc(key).limit(limit);
        if let Some(day) = w.day {
            query = query.filter(valid(day));
        }
        self.fetch(query).await
    }

    /// Entities after slug `after` (they have no valid time).
    pub async fn export_entities(&self, w: Window, after: &str, limit: u64) -> Result<Vec<entity_row::Model>> {
        self.keyset::<entity_row::Entity>(w, entity_row::Column::Slug, after, limit, |_| Expr::val(true)).await
    }

    /// Relations after key `after`; as of a day, those that possibly hold then.
    pub async fn export_relations(&self, w: Window, after: &str, limit: u64) -> Result<Vec<relation::Model>> {
        let holds = |day| relation_matches("relation", day, w.known, None, Certainty::Possible);
        self.keyset::<relation::Entity>(w, relation::Column::Key, after, limit, holds).await
    }

    /// Status periods after id `after`; as of a day, those that may have
    /// begun by then.
    pub async fn export_periods(&self, w: Window, after: i64, limit: u64) -> Result<Vec<status_period::Model>> {
        let begun = |day: Day| Expr::col(status_period::Column::FromEarliest).lte(day.number());
        self.keyset::<status_period::Entity>(w, status_period::Column::Id, after, limit, begun).await
    }

    /// Events after key `after`; as of a day, those that may have happened by then.
    pub async fn export_events(&self, w: Window, after: &str, limit: u64) -> Result<Vec<event::Model>> {
        let happened = |day: Day| Expr::col(event::Column::DateEarliest).lte(day.number());
        self.keyset::<event::Entity>(w, event::Column::Key, after, limit, happened).await
    }

    /// Statements after key `after`; as of a day, those that may have been made by then.
    pub async fn export_statements(&self, w: Window, after: &str, limit: u64) -> Result<Vec<statement::Model>> {
        let made = |day: Day| Expr::col(statement::Column::DateEarliest).lte(day.number());
        self.keyset::<statement::Entity>(w, statement::Column::Key, after, limit, made).await
    }

    /// Citations after id `after` (a citation has no valid time).
    pub async fn export_citations(&self, w: Window, after: i64, limit: u64) -> Result<Vec<citation::Model>> {
        self.keyset::<citation::Entity>(w, citation::Column::Id, after, limit, |_| Expr::val(true)).await
    }

    /// Articles by key as known at `known`.
    pub async fn articles_known_at(&self, keys: &[String], known: Known) -> Result<HashMap<String, article::Model>> {
        let query = article::Entity::find()
            .filter(article::Column::Key.is_in(keys.iter().cloned()))
            .filter(visible(article::Entity, known));
        Ok(self.fetch(query).await?.into_iter().map(|a| (a.key.clone(), a)).collect())
    }
}
