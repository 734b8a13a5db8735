//! SQL text built from fixed fragments with every value bound ([`Sql`]),
//! the column lists of queries written as text, and pages of rows.

use domain::Known;
use sea_orm::sea_query::{Expr, PostgresQueryBuilder, QueryBuilder, SqlWriter, SqliteQueryBuilder};
use sea_orm::{DatabaseBackend, EntityTrait, IdenStatic, Iterable, Statement, Value};

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
            std::sync::LazyLock::new(|| $crate::sql::columns::<$entity>($alias));
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
