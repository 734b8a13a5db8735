//! The reads the API answers from, one module per domain. Lookups and
//! simple listings use sea-orm's query builder. Queries whose shape matters
//! to the planner (unions of index ranges, the timeline's partial-index
//! predicates, ranked search) are written as SQL text from fixed fragments
//! through [`Sql`], with every value bound as a parameter; each says why
//! next to it. Both kinds take the time rules from [`entity::rules`] and
//! their column lists from the entity definitions.

pub mod articles;
pub mod citations;
pub mod entities;
pub mod events;
pub mod export;
pub mod history;
pub mod path;
pub mod relations;
pub mod statements;

use crate::sql::Sql;
use crate::{Result, Store};
use domain::Known;
use entity::{Owned, Versioned};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder};
use std::collections::HashMap;

impl Store {
    /// The newest revision's id (0 for none): every write adds one, so
    /// anything read may differ only once this changes.
    pub async fn latest_revision(&self) -> Result<i64> {
        let mut sql = self.sql();
        sql.push("SELECT COALESCE(MAX(id), 0) AS n FROM revision");
        Ok(self.count(sql).await? as i64)
    }

    /// Runs a query built with sea-orm, in the request's turn.
    async fn fetch<E: EntityTrait>(&self, query: sea_orm::Select<E>) -> Result<Vec<E::Model>> {
        let _turn = self.turn().await;
        Ok(query.all(&self.db).await?)
    }

    /// Counts the rows of a query built with sea-orm, in the request's turn.
    async fn tally<E: EntityTrait>(&self, query: sea_orm::Select<E>) -> Result<u64>
    where
        E::Model: Sync,
    {
        use sea_orm::PaginatorTrait;
        let _turn = self.turn().await;
        Ok(query.count(&self.db).await?)
    }

    /// The rows owned by each of these version rows, in insertion order.
    pub async fn owned<E: Owned>(&self, parents: &[i64]) -> Result<HashMap<i64, Vec<E::Model>>> {
        let mut out: HashMap<i64, Vec<E::Model>> = HashMap::new();
        for row in self.fetch(E::find().filter(E::PARENT.is_in(parents.iter().copied())).order_by_asc(E::ID)).await? {
            out.entry(E::parent(&row)).or_default().push(row);
        }
        Ok(out)
    }

    /// The current version of each of these keys.
    pub async fn current_by_key<T: Versioned>(&self, keys: &[String]) -> Result<HashMap<String, T::Model>> {
        let query = T::find()
            .filter(T::KEY.is_in(keys.iter().cloned()))
            .filter(entity::rules::visible(T::default(), Known::Now));
        let rows = self.fetch(query).await?;
        Ok(rows.into_iter().map(|r| (T::key(&r).to_owned(), r)).collect())
    }

    fn sql(&self) -> Sql {
        Sql::new(self.db.get_database_backend())
    }

    async fn all<T: FromQueryResult>(&self, sql: Sql) -> Result<Vec<T>> {
        use sea_orm::ConnectionTrait;
        let _turn = self.turn().await;
        let rows = self.db.query_all_raw(sql.statement()).await?;
        rows.iter().map(|r| T::from_query_result(r, "").map_err(Into::into)).collect()
    }

    async fn count(&self, sql: Sql) -> Result<u64> {
        #[derive(FromQueryResult)]
        struct N {
            n: i64,
        }
        let rows: Vec<N> = self.all(sql).await?;
        Ok(rows.first().map_or(0, |r| r.n.max(0) as u64))
    }
}
