//! sea-orm models of the knowledge base's tables, one module per table, and
//! what every reader and writer of those tables shares: which tables hold
//! versioned facts ([`versioned`]) and the domain's time rules as SQL
//! ([`rules`]).
//!
//! Facts are never updated in place: every fact table carries `recorded_at`
//! and `superseded_at` (record time), and a correction writes a new row.
//! Rows refer to entities by slug and to relations, events and statements by
//! their stable key, so a reference survives any number of corrections.

pub mod alias;
pub mod api_token;
pub mod article;
pub mod citation;
pub mod contribution;
pub mod entity;
pub mod event;
pub mod external_id;
pub mod participant;
pub mod quantity;
pub mod relation;
pub mod revision;
pub mod rules;
pub mod statement;
pub mod statement_about;
pub mod statement_quantity;
pub mod status_period;
pub mod versioned;

pub use versioned::{Owned, Recorded, Versioned};
