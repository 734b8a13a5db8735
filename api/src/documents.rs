//! GraphQL documents the server has seen: each distinct text is parsed once
//! (dashboards send the same few queries again and again), and persisted
//! queries (Apollo's protocol) are remembered by their SHA-256, so a client
//! can send the hash instead of the text, over GET too.
//!
//! A document is kept as the schema's [`Shapes`] marked it (a hidden
//! `__typename` on abstract selection sets), the form it runs in and the
//! form its answer is completed against.

use crate::graphql::complete::Shapes;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::ServerError;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Distinct documents kept; when full, the store starts afresh.
const KEPT: usize = 512;
/// Longest text kept as a persisted query, in bytes.
const LONGEST_PERSISTED: usize = 64 * 1024;

/// The documents of one server.
#[derive(Default)]
pub struct Documents {
    parsed: Mutex<HashMap<String, Arc<Parsed>>>,
    persisted: Mutex<HashMap<String, String>>,
}

/// A parsed document, marked for completion.
#[derive(Debug)]
pub struct Parsed {
    pub doc: ExecutableDocument,
}

/// Why a persisted query could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersistError {
    /// The hash names no query this server knows; send the text with it.
    NotFound,
    /// The text sent does not have the hash sent.
    Mismatch,
}

/// The SHA-256 of a text, hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

impl Documents {
    /// The parsed document of a text, parsed (and marked) only the first
    /// time. Its nesting must have been checked (`protect::nesting`).
    pub fn parse(&self, query: &str, shapes: &Shapes) -> Result<Arc<Parsed>, ServerError> {
        if let Some(doc) = self.parsed.lock().ok().and_then(|m| m.get(query).cloned()) {
            return Ok(doc);
        }
        let mut doc = async_graphql::parser::parse_query(query).map_err(ServerError::from)?;
        shapes.mark(&mut doc);
        let parsed = Arc::new(Parsed { doc });
        if let Ok(mut kept) = self.parsed.lock() {
            if kept.len() >= KEPT {
                kept.clear();
            }
            kept.insert(query.to_owned(), parsed.clone());
        }
        Ok(parsed)
    }

    /// The text of a persisted query: the one sent (checked against its
    /// hash, and remembered), or the one remembered for the hash.
    pub fn persisted(&self, hash: &str, text: Option<&str>) -> Result<String, PersistError> {
        let hash = hash.to_ascii_lowercase();
        match text {
            Some(text) if sha256_hex(text) != hash => Err(PersistError::Mismatch),
            Some(text) => {
                if text.len() <= LONGEST_PERSISTED {
                    if let Ok(mut persisted) = self.persisted.lock() {
                        if persisted.len() >= KEPT {
                            persisted.clear();
                        }
                        persisted.insert(hash, text.to_owned());
                    }
                }
                Ok(text.to_owned())
            }
            None => self.persisted.lock().ok().and_then(|p| p.get(&hash).cloned()).ok_or(PersistError::NotFound),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persisted_queries_are_checked_and_remembered() {
        let docs = Documents::default();
        let q = "{ __typename }";
        let hash = sha256_hex(q);
        assert_eq!(docs.persisted(&hash, None), Err(PersistError::NotFound));
        assert_eq!(docs.persisted(&hash, Some("{ other }")), Err(PersistError::Mismatch));
        assert_eq!(docs.persisted(&hash, Some(q)).as_deref(), Ok(q));
        assert_eq!(docs.persisted(&hash.to_uppercase(), None).as_deref(), Ok(q));
    }

    #[test]
    fn a_document_is_parsed_once_and_errors_are_not_kept() {
        let docs = Documents::default();
        let shapes = Shapes::default();
        let a = docs.parse("{ __typename }", &shapes).expect("parses");
        let b = docs.parse("{ __typename }", &shapes).expect("parses");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(docs.parse("{ broken", &shapes).is_err());
        assert!(docs.parse("{ broken", &shapes).is_err());
    }
}
