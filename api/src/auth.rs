//! Who may write.
//!
//! Reads are public. Every mutation needs `Authorization: Bearer <token>`.
//! A token has a name (the author of the revisions it writes) and a scope:
//! `read` (may not write), `write` (may curate), `admin` (everything
//! `write` may). Tokens are made, listed and revoked with the binary's
//! `token` command; the secret is shown once, when it is made, and only its
//! SHA-256 hash is stored. A secret reads `kb_<lookup>_<random>`: the
//! lookup part finds the row, and the whole secret's hash is then compared
//! in constant time.

use crate::error::{AppError, AppResult};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::record::now_micros;
use entity::api_token;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};

/// What a token may do; each scope may do what the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Read,
    Write,
    Admin,
}

impl Scope {
    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        [Scope::Read, Scope::Write, Scope::Admin].into_iter().find(|s| s.as_str() == text)
    }
}

/// The holder of a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub scope: Scope,
}

/// What a request presented: the bearer token, if any header was sent.
#[derive(Debug, Clone, Default)]
pub struct Credentials(pub Option<String>);

impl Credentials {
    /// From the `Authorization` header's value.
    pub fn from_header(value: Option<&str>) -> Credentials {
        Credentials(value.map(|v| v.strip_prefix("Bearer ").unwrap_or("").trim().to_owned()))
    }
}

/// A token just made: its row and the secret, which is never shown again.
pub struct NewToken {
    pub row: api_token::Model,
    pub secret: String,
}

fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Equal bytes, compared in time that depends only on the length.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn random(bytes: usize) -> AppResult<Vec<u8>> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(buf)
}

/// Makes a token. A name is 1 to 100 characters and names one valid token.
pub async fn create(db: &DatabaseConnection, name: &str, scope: Scope) -> AppResult<NewToken> {
    if name.trim().is_empty() || name.chars().count() > 100 {
        return Err(AppError::bad_input("name: give 1 to 100 characters"));
    }
    let taken = api_token::Entity::find()
        .filter(api_token::Column::Name.eq(name))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(AppError::bad_input(format!("name: a valid token is already called `{name}`; revoke it first")));
    }
    let lookup: String = random(8)?.iter().map(|b| format!("{b:02x}")).collect();
    let secret = format!("kb_{lookup}_{}", URL_SAFE_NO_PAD.encode(random(32)?));
    let row = api_token::Entity::insert(api_token::ActiveModel {
        name: Set(name.to_owned()),
        scope: Set(scope.as_str().to_owned()),
        lookup: Set(lookup),
        secret_hash: Set(hash(&secret)),
        created_at: Set(now_micros()),
        revoked_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await?;
    Ok(NewToken { row, secret })
}

/// Every token, oldest first.
pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<api_token::Model>> {
    Ok(api_token::Entity::find().order_by_asc(api_token::Column::Id).all(db).await?)
}

/// Revokes the valid token with this name; returns whether there was one.
pub async fn revoke(db: &DatabaseConnection, name: &str) -> AppResult<bool> {
    let res = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now_micros()))
        .filter(api_token::Column::Name.eq(name))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// The holder of the presented token, who must have `needed`.
pub async fn require(db: &DatabaseConnection, credentials: &Credentials, needed: Scope) -> AppResult<Principal> {
    let unauthenticated = || AppError::Unauthenticated("send a valid token: Authorization: Bearer <token>".into());
    let Some(secret) = credentials.0.as_deref().filter(|s| !s.is_empty()) else {
        return Err(unauthenticated());
    };
    let lookup = secret
        .strip_prefix("kb_")
        .and_then(|rest| rest.split_once('_'))
        .map(|(lookup, _)| lookup)
        .filter(|l| l.len() == 16 && l.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(unauthenticated)?;
    let row = api_token::Entity::find().filter(api_token::Column::Lookup.eq(lookup)).one(db).await?;
    let Some(row) = row else { return Err(unauthenticated()) };
    if !same(hash(secret).as_bytes(), row.secret_hash.as_bytes()) || row.revoked_at.is_some() {
        return Err(unauthenticated());
    }
    let scope = Scope::parse(&row.scope)
        .ok_or_else(|| AppError::Internal(format!("token {} holds unknown scope {}", row.id, row.scope)))?;
    if scope < needed {
        return Err(AppError::Forbidden(format!(
            "the token `{}` has scope {}; this needs {}",
            row.name,
            scope.as_str(),
            needed.as_str()
        )));
    }
    Ok(Principal { name: row.name, scope })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_ordered_and_hashes_compare_exactly() {
        assert!(Scope::Admin > Scope::Write && Scope::Write > Scope::Read);
        assert_eq!(Scope::parse("write"), Some(Scope::Write));
        assert_eq!(Scope::parse("root"), None);
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
        assert_eq!(hash("x").len(), 64);
        assert_eq!(Credentials::from_header(Some("Bearer kb_x")).0.as_deref(), Some("kb_x"));
        assert_eq!(Credentials::from_header(Some("Basic abc")).0.as_deref(), Some(""));
        assert_eq!(Credentials::from_header(None).0, None);
    }
}
