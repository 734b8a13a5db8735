//! The closed sets of the model as enums.
//!
//! Rust code speaks of kinds, statuses and actions only through these enums;
//! their lowercase codes are what the database stores and bundles write, and
//! the only place a code becomes an enum is [`parse`](EntityKind::parse),
//! which refuses anything it does not know. A stored code that does not
//! parse is a fault in the store, never quietly read as a default.

use std::fmt;

/// A code that names no member of a closed set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    /// What was expected: `entity kind`, `status`, ...
    pub what: &'static str,
    pub found: String,
    /// The codes that would have been accepted.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short: String = self.found.chars().take(40).collect();
        let ellipsis = if short.len() < self.found.len() { "…" } else { "" };
        write!(f, "unknown {} `{short}{ellipsis}`: use {}", self.what, self.expected.join(", "))
    }
}

impl std::error::Error for UnknownCode {}

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every code, in declaration order.
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The stored and written code.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The member with this code; anything else is refused.
            pub fn parse(code: &str) -> Result<$name, UnknownCode> {
                match code {
                    $($code => Ok($name::$variant),)+
                    other => Err(UnknownCode { what: $what, found: other.to_owned(), expected: Self::CODES }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Written as its code.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        /// Read from its code; any other text is refused.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::parse(&code).map_err(serde::de::Error::custom)
            }
        }
    };
}

code_enum! {
    /// The three kinds of entity. A state is an actor; its territory is not a
    /// separate entity. A region is a place that is not a state.
    EntityKind, "entity kind" {
        /// A state, person, armed force or other party that acts.
        Actor = "actor",
        /// An alliance, council, commission or other body.
        Organisation = "organisation",
        /// A breakaway region, province, city, port.
        Region = "region",
    }
}

code_enum! {
    /// The status of a relation over a period.
    Status, "status" {
        /// Agreed or announced, not yet in force.
        Proposed = "proposed",
        Active = "active",
        Suspended = "suspended",
        Ended = "ended",
    }
}

code_enum! {
    /// The kinds of fact that citations and revisions name.
    FactKind, "fact kind" {
        Article = "article",
        Entity = "entity",
        Relation = "relation",
        /// One status period of a relation; named by its row id.
        Period = "period",
        Event = "event",
        Statement = "statement",
    }
}

code_enum! {
    /// What a revision did to a fact.
    Action, "revision action" {
        Create = "create",
        Update = "update",
        Retract = "retract",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for kind in EntityKind::ALL {
            assert_eq!(EntityKind::parse(kind.as_str()), Ok(*kind));
        }
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Ok(*status));
        }
        for kind in FactKind::ALL {
            assert_eq!(FactKind::parse(kind.as_str()), Ok(*kind));
        }
        let e = Status::parse("Active").unwrap_err();
        assert_eq!(e.to_string(), "unknown status `Active`: use proposed, active, suspended, ended");
        assert!(EntityKind::parse("").is_err());
        let long = "x".repeat(1000);
        assert!(EntityKind::parse(&long).unwrap_err().to_string().len() < 120, "messages never echo long input");
    }
}
