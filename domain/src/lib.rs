//! The rules every crate of the knowledge base shares.
//!
//! Nothing here touches a database or the network: these are the types and
//! rules that the loader, the store and the API must all read the same way.
//!
//! - [`day`]: days of valid time, and the open bounds of periods and
//!   windows, typed (no sentinel numbers above the store's columns);
//! - [`edtf`]: dates at the precision a source gives (`2002`, `2008-08`,
//!   `199X`), with the first and last day each can denote;
//! - [`period`]: when a status period holds on a day, possibly or certainly,
//!   and which of several periods decides a relation's status;
//! - [`record`]: record time (`knownAt`) and what is visible at an instant;
//! - [`kinds`]: the closed sets (entity kinds, statuses, fact kinds,
//!   revision actions) as enums, strings only at the edges;
//! - [`vocabulary`]: the open, documented code lists (categories, relation
//!   and event types, participant roles);
//! - [`text`]: folding names into search keys; [`slug`]: stable keys;
//! - [`problem`]: what is wrong with a source, and where.
//!
//! Where another layer must agree with a rule here (SQL that filters by it),
//! that layer is generated from the definitions here and checked against
//! them by property tests.

pub mod day;
pub mod edtf;
pub mod kinds;
pub mod period;
pub mod problem;
pub mod record;
pub mod slug;
pub mod text;
pub mod vocabulary;

pub use day::{Day, Since, Span, Until};
pub use edtf::{EdtfError, FuzzyDate, Precision};
pub use kinds::{Action, EntityKind, FactKind, Status, UnknownCode};
pub use period::{Bounds, Certainty, Decision, Period};
pub use record::Known;
