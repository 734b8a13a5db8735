//! Queries through sea-orm, one module per domain. Everything SQL-shaped
//! lives here, so it can be tested without HTTP.
//!
//! Lookups and simple listings use sea-orm's query builder. Queries whose
//! shape matters to the planner (unions of index ranges, the timeline's
//! partial-index predicates, ranked search) are written as SQL text from
//! fixed fragments through [`Sql`], with every value bound as a parameter;
//! each says why next to it. Both kinds take the time rules from
//! [`entity::rules`] and their column lists from the entity definitions.

pub mod articles;
pub mod citations;
pub mod entities;
pub mod events;
pub mod export;
pub mod history;
pub mod path;
pub mod relations;
pub mod statements;

use crate::error::AppResult;
use crate::time::Known;
use entity::{Owned, Versioned};
use sea_orm::sea_query::{Expr, PostgresQueryBuilder, QueryBuilder, SqlWriter, SqliteQueryBuilder};
use sea_orm::{
    ColumnTrait, DatabaseBackend, DatabaseConnection, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryFilter,
    QueryOrder, Statement, Value,
};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Handle on the database, cheap to clone. A request's store may hold only
/// so many pool connections at once (its gate), so one request cannot take
/// the pool from the others.
#[derive(Clone)]
pub struct Store {
    pub db: DatabaseConnection,
    gate: Option<Arc<Semaphore>>,
}

impl Store {
    pub fn new(db: DatabaseConnection) -> Self {
        Store { db, gate: None }
    }

    /// The store of one request, holding at most `connections` pool
    /// connections at once.
    pub fn for_request(&self, connections: usize) -> Store {
        Store { db: self.db.clone(), gate: Some(Arc::new(Semaphore::new(connections.max(1)))) }
    }

    /// Waits for the request's turn to use a connection; held while it does.
    pub async fn turn(&self) -> Option<OwnedSemaphorePermit> {
        match &self.gate {
            Some(gate) => gate.clone().acquire_owned().await.ok(),
            None => None,
        }
    }

    /// The newest revision's id (0 for none): every write adds one, so
    /// anything read may differ only once this changes.
    pub async fn latest_revision(&self) -> AppResult<i64> {
        let mut sql = self.sql();
        sql.push("SELECT COALESCE(MAX(id), 0) AS n FROM revision");
        Ok(self.count(sql).await? as i64)
    }

    /// Runs a query built with sea-orm, in the request's turn.
    async fn fetch<E: EntityTrait>(&self, query: sea_orm::Select<E>) -> AppResult<Vec<E::Model>> {
        let _turn = self.turn().await;
        Ok(query.all(&self.db).await?)
    }

    /// Counts the rows of a query built with sea-orm, in the request's turn.
    async fn tally<E: EntityTrait>(&self, query: sea_orm::Select<E>) -> AppResult<u64>
    where
        E::Model: Sync,
    {
        use sea_orm::PaginatorTrait;
        let _turn = self.turn().await;
        Ok(query.count(&self.db).await?)
    }

    /// The rows owned by each of these version rows, in insertion order.
    pub async fn owned<E: Owned>(&self, parents: &[i64]) -> AppResult<HashMap<i64, Vec<E::Model>>> {
        let mut out: HashMap<i64, Vec<E::Model>> = HashMap::new();
        for row in self.fetch(E::find().filter(E::PARENT.is_in(parents.iter().copied())).order_by_asc(E::ID)).await? {
            out.entry(E::parent(&row)).or_default().push(row);
        }
        Ok(out)
    }

    /// The current version of each of these keys.
    pub async fn current_by_key<T: Versioned>(&self, keys: &[String]) -> AppResult<HashMap<String, T::Model>> {
        let query = T::find()
            .filter(T::KEY.is_in(keys.iter().cloned()))
            .filter(entity::rules::visible(T::default(), Known::Now));
        let rows = self.fetch(query).await?;
        Ok(rows.into_iter().map(|r| (T::key(&r).to_owned(), r)).collect())
    }

    fn sql(&self) -> Sql {
        Sql::new(self.db.get_database_backend())
    }

    async fn all<T: FromQueryResult>(&self, sql: Sql) -> AppResult<Vec<T>> {
        use sea_orm::ConnectionTrait;
        let _turn = self.turn().await;
        let rows = self.db.query_all_raw(sql.statement()).await?;
        rows.iter().map(|r| T::from_query_result(r, "").map_err(Into::into)).collect()
    }

    async fn count(&self, sql: Sql) -> AppResult<u64> {
        #[derive(FromQueryResult)]
        struct N {
            n: i64,
        }
        let rows: Vec<N> = self.all(sql).await?;
        Ok(rows.first().map_or(0, |r| r.n.max(0) as u64))
    }
}

/// SQL text built from fixed fragments, with values bound in order.
pub struct Sql {
    backend: DatabaseBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(backend: DatabaseBackend) -> Self {
        Sql { backend, text: String::new(), values: Vec::new() }
    }

    /// Appends a fixed fragment (never data).
    pub fn push(&mut self, fragment: &'static str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        match self.backend {
            DatabaseBackend::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.values.len().to_string());
            }
            _ => self.text.push('?'),
        }
        self
    }

    /// Appends `(v1, v2, ...)` with every value bound.
    pub fn bind_list<V: Into<Value> + Clone>(&mut self, values: &[V]) -> &mut Self {
        self.push("(");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(v.clone());
        }
        self.push(")")
    }

    /// Appends a condition built with sea-query (the domain's rules in
    /// [`entity::rules`]), its values bound like every other.
    pub fn expr(&mut self, expr: &Expr) -> &mut Self {
        self.text.push('(');
        match self.backend {
            DatabaseBackend::Postgres => PostgresQueryBuilder.prepare_expr(expr, self),
            _ => SqliteQueryBuilder.prepare_expr(expr, self),
        }
        self.text.push(')');
        self
    }

    /// Appends the record-time visibility test for table alias `t`.
    pub fn visible(&mut self, t: &'static str, known: Known) -> &mut Self {
        self.expr(&entity::rules::visible(t, known))
    }

    pub fn statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

impl std::fmt::Write for Sql {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.text.push_str(s);
        Ok(())
    }
}

impl std::fmt::Display for Sql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// sea-query writes the conditions it renders into the same text, with
/// placeholders numbered after those already bound.
impl SqlWriter for Sql {
    fn push_param<T: QueryBuilder>(&mut self, value: Value, _: &T) {
        self.bind(value);
    }

    fn as_writer(&mut self) -> &mut dyn std::fmt::Write {
        self
    }
}

/// `a.c1, a.c2, ...`: every column of table `E` under alias `alias`, as its
/// sea-orm model declares them, for queries written as SQL text.
pub fn columns<E: EntityTrait>(alias: &str) -> String {
    E::Column::iter().map(|c| format!("{alias}.{}", c.as_str())).collect::<Vec<_>>().join(", ")
}

/// Declares a static column list of a table under an alias.
macro_rules! column_list {
    ($name:ident, $entity:ty, $alias:literal) => {
        pub(crate) static $name: std::sync::LazyLock<String> =
            std::sync::LazyLock::new(|| $crate::store::columns::<$entity>($alias));
    };
}
pub(crate) use column_list;

/// A page of rows and whether more follow.
pub struct Page<T> {
    pub rows: Vec<T>,
    pub has_next: bool,
}

impl<T> Page<T> {
    /// Cuts a `LIMIT first + 1` result down to `first`.
    pub fn from_overfetch(mut rows: Vec<T>, first: usize) -> Self {
        let has_next = rows.len() > first;
        rows.truncate(first);
        Page { rows, has_next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_backend() {
        let mut pg = Sql::new(DatabaseBackend::Postgres);
        pg.push("SELECT 1 WHERE a = ").bind(1).push(" AND b IN ").bind_list(&["x", "y"]);
        let s = pg.statement();
        assert_eq!(s.sql, "SELECT 1 WHERE a = $1 AND b IN ($2, $3)");
        let mut lite = Sql::new(DatabaseBackend::Sqlite);
        lite.push("SELECT 1 WHERE a = ").bind(1).push(" AND ").visible("r", Known::At(5));
        let s = lite.statement();
        assert_eq!(
            s.sql,
            r#"SELECT 1 WHERE a = ? AND ("r"."recorded_at" <= ? AND ("r"."superseded_at" IS NULL OR "r"."superseded_at" > ?))"#
        );
        assert_eq!(s.values.map(|v| v.0.len()), Some(3));
        let mut pg = Sql::new(DatabaseBackend::Postgres);
        pg.push("SELECT 1 WHERE a = ").bind(1).push(" AND ").visible("r", Known::At(5));
        assert_eq!(
            pg.statement().sql,
            r#"SELECT 1 WHERE a = $1 AND ("r"."recorded_at" <= $2 AND ("r"."superseded_at" IS NULL OR "r"."superseded_at" > $3))"#
        );
    }
}
