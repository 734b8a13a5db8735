//! Relay global IDs: opaque, stable across corrections (they name a fact by
//! its stable key, not by a row), and refetchable through `Query.node`.

use crate::error::{AppError, AppResult};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// What a global ID names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Entity,
    Relation,
    Event,
    Statement,
    Article,
    /// A revision: names the state a change was based on (`expectedRevision`).
    Revision,
}

impl IdKind {
    fn tag(self) -> &'static str {
        match self {
            IdKind::Entity => "Entity",
            IdKind::Relation => "Relation",
            IdKind::Event => "Event",
            IdKind::Statement => "Statement",
            IdKind::Article => "Article",
            IdKind::Revision => "Revision",
        }
    }
}

/// The fact kind an ID of this kind names, if it names a fact.
pub fn fact_kind(kind: IdKind) -> Option<domain::FactKind> {
    match kind {
        IdKind::Entity => Some(domain::FactKind::Entity),
        IdKind::Relation => Some(domain::FactKind::Relation),
        IdKind::Event => Some(domain::FactKind::Event),
        IdKind::Statement => Some(domain::FactKind::Statement),
        IdKind::Article => Some(domain::FactKind::Article),
        IdKind::Revision => None,
    }
}

/// Decodes an ID that must name a revision; its number.
pub fn decode_revision(argument: &str, id: &str) -> AppResult<i64> {
    match decode(id)? {
        (IdKind::Revision, number) => {
            number.parse().map_err(|_| AppError::bad_input(format!("{argument}: not a revision ID issued by this API")))
        }
        _ => Err(AppError::bad_input(format!("{argument}: not a revision ID issued by this API"))),
    }
}

pub fn encode(kind: IdKind, key: &str) -> async_graphql::ID {
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!("{}:{key}", kind.tag())))
}

/// Decodes an ID; a malformed one is a `BAD_USER_INPUT` error.
pub fn decode(id: &str) -> AppResult<(IdKind, String)> {
    if id.len() > super::common::MAX_TOKEN {
        return Err(AppError::too_large("id", "bytes", id.len(), super::common::MAX_TOKEN));
    }
    let shown = super::common::shown(id);
    let bad = || AppError::bad_input(format!("id: `{shown}` is not an ID issued by this API"));
    let bytes = URL_SAFE_NO_PAD.decode(id).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (tag, key) = text.split_once(':').ok_or_else(bad)?;
    let kind = [IdKind::Entity, IdKind::Relation, IdKind::Event, IdKind::Statement, IdKind::Article, IdKind::Revision]
        .into_iter()
        .find(|k| k.tag() == tag)
        .ok_or_else(bad)?;
    if key.is_empty() {
        return Err(bad());
    }
    Ok((kind, key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_garbage_is_refused() {
        let id = encode(IdKind::Relation, "nato-russia-council");
        assert_eq!(decode(&id).unwrap(), (IdKind::Relation, "nato-russia-council".to_owned()));
        assert!(decode("not base64 !").is_err());
        assert!(decode(&URL_SAFE_NO_PAD.encode("Planet:mars")).is_err());
        assert!(decode(&URL_SAFE_NO_PAD.encode("Entity:")).is_err());
        assert_eq!(decode("%%").unwrap_err().code(), "BAD_USER_INPUT");
    }
}
