//! Who may write. Reads are public; every mutation needs
//! `Authorization: Bearer <token>` (over WebSocket, in `connection_init`'s
//! payload). Tokens are made, listed and revoked with the binary's `token`
//! command and checked by the store ([`store::tokens`]).

use crate::error::{AppError, AppResult};
use store::tokens::Refusal;
pub use store::tokens::{Principal, Scope};
use store::Store;

/// What a request presented: the bearer token, if any header was sent.
#[derive(Debug, Clone, Default)]
pub struct Credentials(pub Option<String>);

impl Credentials {
    /// From the `Authorization` header's value.
    pub fn from_header(value: Option<&str>) -> Credentials {
        Credentials(value.map(|v| v.strip_prefix("Bearer ").unwrap_or("").trim().to_owned()))
    }
}

/// The holder of the presented token, who must have `needed`.
pub async fn require(store: &Store, credentials: &Credentials, needed: Scope) -> AppResult<Principal> {
    match store.check_token(credentials.0.as_deref(), needed).await? {
        Ok(principal) => Ok(principal),
        Err(Refusal::Unknown) => {
            Err(AppError::Unauthenticated("send a valid token: Authorization: Bearer <token>".into()))
        }
        Err(Refusal::Scope { name, has, needs }) => Err(AppError::Forbidden(format!(
            "the token `{name}` has scope {}; this needs {}",
            has.as_str(),
            needs.as_str()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_from_the_header() {
        assert_eq!(Credentials::from_header(Some("Bearer kb_x")).0.as_deref(), Some("kb_x"));
        assert_eq!(Credentials::from_header(Some("Basic abc")).0.as_deref(), Some(""));
        assert_eq!(Credentials::from_header(None).0, None);
    }
}
