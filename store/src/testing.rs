//! For tests only (feature `testing`): the raw connection, to write rows no
//! rule would write, or to break them on purpose.

use crate::Store;
pub use sea_orm::DatabaseConnection as Connection;

/// The store's connection.
pub fn connection(store: &Store) -> &Connection {
    &store.db
}

/// The same store, calling `log` with the text of every statement it runs.
pub fn with_statement_log(store: &Store, log: impl Fn(&str) + Send + Sync + 'static) -> Store {
    let mut db = store.db.clone();
    db.set_metric_callback(move |info| log(&info.statement.sql));
    Store::new(db)
}

/// How many rows a table holds, every version counted (`table` is a plain
/// table name).
pub async fn count_rows(store: &Store, table: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    assert!(table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "a plain table name");
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let statement = sea_orm::Statement::from_string(store.db.get_database_backend(), sql);
    let row = store.db.query_one_raw(statement).await.expect("count").expect("a row");
    row.try_get::<i64>("", "n").expect("n")
}
