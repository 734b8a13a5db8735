//! What can go wrong in the store, told apart the way callers need: the
//! input names what is not there, another write came first, the database
//! is out of reach or too slow now, or the store itself is wrong. Driver
//! detail stays in the message of the last three, for logs only.

use domain::problem::Problems;
use sea_orm::DbErr;

/// An error of the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A write names what is not there; every problem with its place.
    #[error("{0}")]
    Invalid(Problems),
    /// A change was based on a revision that is no longer the latest of its
    /// fact; nothing was written.
    #[error("another write came first (latest revision {latest:?})")]
    Conflict { latest: Option<i64> },
    /// The database cannot be reached now; trying again shortly may work.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// A statement ran past its time limit.
    #[error("a database statement took too long")]
    Timeout,
    /// The database or a stored value is not as the store expects.
    #[error("{0}")]
    Internal(String),
}

/// Results of the store.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The driver's error under a database error, if there is one.
fn sqlx_error(e: &DbErr) -> Option<&sqlx::Error> {
    use sea_orm::RuntimeErr;
    match e {
        DbErr::Conn(RuntimeErr::SqlxError(s))
        | DbErr::Exec(RuntimeErr::SqlxError(s))
        | DbErr::Query(RuntimeErr::SqlxError(s)) => Some(s),
        _ => None,
    }
}

impl From<DbErr> for Error {
    fn from(e: DbErr) -> Self {
        if matches!(e, DbErr::ConnectionAcquire(_)) {
            return Error::Unavailable(e.to_string());
        }
        match sqlx_error(&e) {
            Some(
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed,
            ) => Error::Unavailable(e.to_string()),
            Some(sqlx::Error::Database(db)) => match db.code().as_deref() {
                // query_canceled: the statement ran past statement_timeout.
                Some("57014") => Error::Timeout,
                // admin_shutdown, crash_shutdown, cannot_connect_now, and
                // the connection_exception class.
                Some(code) if code.starts_with("57P") || code.starts_with("08") => Error::Unavailable(e.to_string()),
                _ => Error::Internal(e.to_string()),
            },
            _ => Error::Internal(e.to_string()),
        }
    }
}

impl From<Problems> for Error {
    fn from(p: Problems) -> Self {
        Error::Invalid(p)
    }
}
