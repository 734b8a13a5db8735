//! Write tokens: made, listed, revoked, and checked. A secret reads
//! `kb_<lookup>_<random>`: the lookup part finds the row, and the whole
//! secret's hash is then compared in constant time. Only the SHA-256 hash
//! is stored; the secret is shown once, when the token is made.

use crate::{Error, Result, Store};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::problem::{Problem, Problems};
use domain::record::now_micros;
use entity::api_token;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
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

/// A token just made: its row and the secret, which is never shown again.
pub struct NewToken {
    pub row: api_token::Model,
    pub secret: String,
}

/// Why a token does not let its holder do something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No token, or one that is malformed, unknown or revoked.
    Unknown,
    /// A valid token whose scope is too small.
    Scope { name: String, has: Scope, needs: Scope },
}

fn invalid(message: String) -> Error {
    Error::Invalid(Problems(vec![Problem { file: "token".into(), place: "name".into(), message }]))
}

impl Store {
    /// Makes a token. A name is 1 to 100 characters and names one valid token.
    pub async fn create_token(&self, name: &str, scope: Scope) -> Result<NewToken> {
        if name.trim().is_empty() || name.chars().count() > 100 {
            return Err(invalid("give 1 to 100 characters".into()));
        }
        let taken = api_token::Entity::find()
            .filter(api_token::Column::Name.eq(name))
            .filter(api_token::Column::RevokedAt.is_null())
            .one(&self.db)
            .await?;
        if taken.is_some() {
            return Err(invalid(format!("a valid token is already called `{name}`; revoke it first")));
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
        .exec_with_returning(&self.db)
        .await?;
        Ok(NewToken { row, secret })
    }

    /// Every token, oldest first.
    pub async fn tokens(&self) -> Result<Vec<api_token::Model>> {
        Ok(api_token::Entity::find().order_by_asc(api_token::Column::Id).all(&self.db).await?)
    }

    /// Revokes the valid token with this name; returns whether there was one.
    pub async fn revoke_token(&self, name: &str) -> Result<bool> {
        let res = api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(now_micros()))
            .filter(api_token::Column::Name.eq(name))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected > 0)
    }

    /// The holder of this secret, if it is a valid token with `needed`.
    pub async fn check_token(
        &self,
        secret: Option<&str>,
        needed: Scope,
    ) -> Result<std::result::Result<Principal, Refusal>> {
        let Some(secret) = secret.filter(|s| !s.is_empty()) else { return Ok(Err(Refusal::Unknown)) };
        let lookup = secret
            .strip_prefix("kb_")
            .and_then(|rest| rest.split_once('_'))
            .map(|(lookup, _)| lookup)
            .filter(|l| l.len() == 16 && l.bytes().all(|b| b.is_ascii_hexdigit()));
        let Some(lookup) = lookup else { return Ok(Err(Refusal::Unknown)) };
        let row = api_token::Entity::find().filter(api_token::Column::Lookup.eq(lookup)).one(&self.db).await?;
        let Some(row) = row else { return Ok(Err(Refusal::Unknown)) };
        if !same(hash(secret).as_bytes(), row.secret_hash.as_bytes()) || row.revoked_at.is_some() {
            return Ok(Err(Refusal::Unknown));
        }
        let scope = Scope::parse(&row.scope)
            .ok_or_else(|| Error::Internal(format!("token {} holds unknown scope {}", row.id, row.scope)))?;
        if scope < needed {
            return Ok(Err(Refusal::Scope { name: row.name, has: scope, needs: needed }));
        }
        Ok(Ok(Principal { name: row.name, scope }))
    }
}

fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Equal bytes, compared in time that depends only on the length.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn random(bytes: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(buf)
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
    }
}
