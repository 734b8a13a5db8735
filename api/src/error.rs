//! One error type for the whole API.
//!
//! Client errors carry a stable `extensions.code` and a message a person can
//! act on. Internal errors (database, I/O) are logged with their detail and
//! reach the client only as an opaque `INTERNAL` error, so no SQL or driver
//! text ever leaks.

use async_graphql::ErrorExtensions;

///
/// It deliberately does not implement `Display`: async-graphql converts any
/// `Display` type into an error without a code, and every `AppError` must
/// go through the conversion below, which adds one.
#[derive(Debug, Clone)]
pub enum AppError {
    /// An argument is malformed or out of range (`BAD_USER_INPUT`).
    BadInput(String),
    /// A named thing does not exist (`NOT_FOUND`).
    NotFound(String),
    /// An argument is larger than its limit (`INPUT_TOO_LARGE`); the
    /// message states the limit and the size found.
    TooLarge(String),
    /// A bundle or edit with every problem found, each with its place
    /// (`BAD_USER_INPUT`, the problems in `extensions.problems`).
    Invalid(Vec<(String, String)>),
    /// No token, or one that is wrong or revoked (`UNAUTHENTICATED`).
    Unauthenticated(String),
    /// The token lacks the scope (`FORBIDDEN`).
    Forbidden(String),
    /// The change was based on a revision that is no longer the latest
    /// (`CONFLICT`, the latest revision's ID in `extensions.latestRevision`).
    Conflict { message: String, latest: Option<String> },
    /// The database cannot be reached now (`DATABASE_UNAVAILABLE`); trying
    /// again shortly may work.
    Unavailable(String),
    /// The request took more than its share of time (`TIMEOUT`).
    Timeout(String),
    /// Anything that is the server's fault (`INTERNAL`).
    Internal(String),
}

/// Where an internal error's detail travels, inside the server only: the
/// error hygiene of [`crate::protect`] logs it and removes it before the
/// answer leaves.
pub const INTERNAL_DETAIL: &str = "internalDetail";

impl AppError {
    pub fn bad_input(message: impl Into<String>) -> Self {
        AppError::BadInput(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        AppError::NotFound(message.into())
    }

    /// `argument` has `found` items (or characters), over `limit`.
    pub fn too_large(argument: &str, what: &str, found: usize, limit: usize) -> Self {
        AppError::TooLarge(format!("{argument}: at most {limit} {what}, got {found}"))
    }

    /// What the client is told.
    pub fn message(&self) -> String {
        match self {
            AppError::BadInput(m)
            | AppError::NotFound(m)
            | AppError::TooLarge(m)
            | AppError::Unauthenticated(m)
            | AppError::Forbidden(m)
            | AppError::Conflict { message: m, .. } => m.clone(),
            AppError::Invalid(problems) => match problems.as_slice() {
                [(place, message)] if place.is_empty() => message.clone(),
                [(place, message)] => format!("{place}: {message}"),
                many => format!("{} problems; each is in extensions.problems", many.len()),
            },
            AppError::Unavailable(_) => "the database is unavailable; try again shortly".to_owned(),
            AppError::Timeout(m) => m.clone(),
            AppError::Internal(_) => "internal error".to_owned(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadInput(_) | AppError::Invalid(_) => "BAD_USER_INPUT",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::TooLarge(_) => "INPUT_TOO_LARGE",
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::Conflict { .. } => "CONFLICT",
            AppError::Unavailable(_) => "DATABASE_UNAVAILABLE",
            AppError::Timeout(_) => "TIMEOUT",
            AppError::Internal(_) => "INTERNAL",
        }
    }
}

impl From<store::Error> for AppError {
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::Invalid(problems) => {
                AppError::Invalid(problems.0.into_iter().map(|p| (p.place, p.message)).collect())
            }
            store::Error::Conflict { latest } => AppError::Conflict {
                message:
                    "another write changed this fact first; read it again and base the change on its latest revision"
                        .into(),
                latest: latest.map(|id| {
                    crate::graphql::ids::encode(crate::graphql::ids::IdKind::Revision, &id.to_string()).to_string()
                }),
            },
            store::Error::Unavailable(detail) => AppError::Unavailable(detail),
            store::Error::Timeout => AppError::Timeout("a database statement took too long; ask for less".into()),
            store::Error::Internal(detail) => AppError::Internal(detail),
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(e: AppError) -> Self {
        let code = e.code();
        async_graphql::Error::new(e.message()).extend_with(|_, ext| {
            ext.set("code", code);
            if let AppError::Internal(detail) | AppError::Unavailable(detail) = &e {
                ext.set(INTERNAL_DETAIL, detail.as_str());
            }
            match &e {
                AppError::Invalid(problems) => {
                    let list: Vec<async_graphql::Value> = problems
                        .iter()
                        .map(|(place, message)| {
                            let mut item = async_graphql::indexmap::IndexMap::new();
                            item.insert(async_graphql::Name::new("place"), async_graphql::Value::from(place.as_str()));
                            item.insert(
                                async_graphql::Name::new("message"),
                                async_graphql::Value::from(message.as_str()),
                            );
                            async_graphql::Value::Object(item)
                        })
                        .collect();
                    ext.set("problems", list);
                }
                AppError::Conflict { latest: Some(latest), .. } => ext.set("latestRevision", latest.as_str()),
                _ => {}
            }
        })
    }
}

/// Result of store and resolver functions.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_detail_in_a_field_the_server_removes() {
        let e: async_graphql::Error = AppError::Internal("relation \"x\" does not exist".into()).into();
        assert_eq!(e.message, "internal error");
        let ext = e.extensions.expect("extensions set");
        assert_eq!(ext.get("code"), Some(&async_graphql::Value::from("INTERNAL")));
        assert_eq!(ext.get(INTERNAL_DETAIL), Some(&async_graphql::Value::from("relation \"x\" does not exist")));
    }

    #[test]
    fn client_errors_keep_their_message_and_code() {
        let e: async_graphql::Error = AppError::bad_input("first: at most 100").into();
        assert_eq!(e.message, "first: at most 100");
        let ext = e.extensions.expect("extensions set");
        assert_eq!(ext.get("code"), Some(&async_graphql::Value::from("BAD_USER_INPUT")));
    }
}
