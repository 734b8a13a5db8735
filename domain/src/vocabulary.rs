//! The controlled vocabularies of the knowledge base.
//!
//! Entity categories, relation types, event types and participant roles are
//! stored and served as plain strings, so that the set can grow without a
//! schema migration. Left free, those strings drift: one bundle writes
//! `member-of`, the next `membership`, and a dashboard filtering on either
//! silently misses half the facts. This module is the single list the seed
//! loader checks every bundle against, and `docs/vocabulary.md` is its
//! published form; a test keeps the two in step.
//!
//! Adding a code is a deliberate act: add it here with its meaning, add it
//! to the documentation, and existing data stays valid. Renaming or removing
//! a code changes the public meaning of stored facts and needs a data
//! migration.

use crate::kinds::EntityKind;

/// A finer class of entity within one of the three kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    /// The entity kind it refines.
    pub kind: EntityKind,
    /// Stable code, lowercase ASCII words joined by hyphens.
    pub code: &'static str,
    /// What an entity of this category is.
    pub meaning: &'static str,
}

/// Every entity category, grouped by kind.
pub const ENTITY_CATEGORIES: &[Category] = &[
    Category {
        kind: EntityKind::Actor,
        code: "state",
        meaning: "A sovereign state acting as a whole; its territory is not a separate entity.",
    },
    Category { kind: EntityKind::Actor, code: "person", meaning: "A named individual." },
    Category {
        kind: EntityKind::Actor,
        code: "armed-forces",
        meaning: "The regular armed forces of a state, where the source speaks of them acting.",
    },
    Category {
        kind: EntityKind::Actor,
        code: "government-body",
        meaning: "A ministry, agency or other organ of a government acting in its own name.",
    },
    Category {
        kind: EntityKind::Actor,
        code: "de-facto-authority",
        meaning: "The authorities of a breakaway region, where they act; the place is a region.",
    },
    Category {
        kind: EntityKind::Actor,
        code: "non-state-armed-group",
        meaning: "An armed group that is not the regular force of a state.",
    },
    Category {
        kind: EntityKind::Actor,
        code: "peacekeeping-force",
        meaning: "A national or multinational force deployed to keep a ceasefire.",
    },
    Category { kind: EntityKind::Actor, code: "political-party", meaning: "A political party." },
    Category {
        kind: EntityKind::Organisation,
        code: "alliance",
        meaning: "A military or political alliance of states.",
    },
    Category {
        kind: EntityKind::Organisation,
        code: "intergovernmental-organisation",
        meaning: "An organisation whose members are states.",
    },
    Category {
        kind: EntityKind::Organisation,
        code: "supranational-union",
        meaning: "A union of states whose institutions act above them (the EU).",
    },
    Category {
        kind: EntityKind::Organisation,
        code: "council",
        meaning: "A standing body in which its parties meet, such as the NATO–Russia Council.",
    },
    Category {
        kind: EntityKind::Organisation,
        code: "commission",
        meaning: "A joint body set up for a purpose, such as the NATO–Georgia Commission.",
    },
    Category {
        kind: EntityKind::Organisation,
        code: "mission",
        meaning: "A field, monitoring or observer mission of an organisation.",
    },
    Category {
        kind: EntityKind::Organisation,
        code: "international-court",
        meaning: "A court or tribunal established between states.",
    },
    Category {
        kind: EntityKind::Organisation,
        code: "non-governmental-organisation",
        meaning: "A non-governmental organisation.",
    },
    Category {
        kind: EntityKind::Region,
        code: "breakaway-region",
        meaning: "A region broken away from a state, or seeking to, without general recognition.",
    },
    Category {
        kind: EntityKind::Region,
        code: "province",
        meaning: "A first-level administrative division of a state.",
    },
    Category {
        kind: EntityKind::Region,
        code: "disputed-territory",
        meaning: "Territory claimed by more than one party.",
    },
    Category {
        kind: EntityKind::Region,
        code: "buffer-zone",
        meaning: "A zone one side declares or holds between opposing forces.",
    },
    Category { kind: EntityKind::Region, code: "city", meaning: "A city, including a capital." },
    Category { kind: EntityKind::Region, code: "town", meaning: "A town." },
    Category { kind: EntityKind::Region, code: "village", meaning: "A village." },
    Category {
        kind: EntityKind::Region,
        code: "settlement",
        meaning: "A populated place the source does not class as city, town or village.",
    },
    Category { kind: EntityKind::Region, code: "port", meaning: "A seaport or river port, or the place known for it." },
];

/// A type of lasting tie between two entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationType {
    /// Stable code, lowercase ASCII words joined by hyphens.
    pub code: &'static str,
    /// True where the tie has no direction; the default for the relation's
    /// `symmetric` flag.
    pub symmetric: bool,
    /// What the tie is, and which end is the source and which the target.
    pub meaning: &'static str,
}

/// Every relation type.
pub const RELATION_TYPES: &[RelationType] = &[
    RelationType {
        code: "membership",
        symmetric: false,
        meaning: "The source is a member of the target organisation.",
    },
    RelationType { code: "alliance", symmetric: true, meaning: "The two are allies by treaty or declaration." },
    RelationType {
        code: "council",
        symmetric: false,
        meaning: "The source organisation and the target meet in a joint council (the body).",
    },
    RelationType {
        code: "commission",
        symmetric: false,
        meaning: "The source organisation and the target work in a joint commission (the body).",
    },
    RelationType {
        code: "partnership",
        symmetric: true,
        meaning: "The two cooperate under a formal partnership short of membership.",
    },
    RelationType { code: "diplomatic-relations", symmetric: true, meaning: "The two maintain diplomatic relations." },
    RelationType {
        code: "treaty",
        symmetric: true,
        meaning: "The two are bound by a bilateral treaty; the label names it.",
    },
    RelationType { code: "armed-conflict", symmetric: true, meaning: "The two are in armed conflict with each other." },
    RelationType {
        code: "territorial-dispute",
        symmetric: true,
        meaning: "The two dispute a territory; the label names it.",
    },
    RelationType {
        code: "backs",
        symmetric: false,
        meaning: "The source gives political or military backing to the target.",
    },
    RelationType {
        code: "supports",
        symmetric: false,
        meaning: "The source supports an effort the target leads; the label names the effort.",
    },
    RelationType {
        code: "mediates",
        symmetric: false,
        meaning: "The source mediates, or leads a peace process, concerning the target.",
    },
    RelationType {
        code: "presence",
        symmetric: false,
        meaning: "The source keeps a civilian, monitoring or observer presence in the target.",
    },
    RelationType { code: "military-presence", symmetric: false, meaning: "Troops of the source are in the target." },
    RelationType { code: "occupation", symmetric: false, meaning: "The source occupies the target." },
    RelationType { code: "sanctions", symmetric: false, meaning: "The source maintains sanctions against the target." },
    RelationType { code: "recognition", symmetric: false, meaning: "The source recognises the target as a state." },
    RelationType {
        code: "part-of",
        symmetric: false,
        meaning: "The source region lies in the target state or region.",
    },
    RelationType {
        code: "capital-of",
        symmetric: false,
        meaning: "The source city is the capital of the target; record part-of as well.",
    },
    RelationType {
        code: "office-holder",
        symmetric: false,
        meaning: "The source person holds an office of the target; the label names the office.",
    },
    RelationType {
        code: "armed-forces-of",
        symmetric: false,
        meaning: "The source is the armed force of the target state.",
    },
];

/// A type of event, with its CAMEO code where one fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventType {
    /// Stable code, lowercase ASCII words joined by hyphens.
    pub code: &'static str,
    /// The CAMEO event code (2 to 4 digits) that fits, where one does.
    pub cameo: Option<&'static str>,
    /// What happened.
    pub meaning: &'static str,
}

/// Every event type.
pub const EVENT_TYPES: &[EventType] = &[
    EventType { code: "meeting", cameo: Some("040"), meaning: "Parties meet or hold talks." },
    EventType { code: "visit", cameo: Some("042"), meaning: "The source visits the target." },
    EventType { code: "mediation", cameo: Some("045"), meaning: "A third party mediates between parties." },
    EventType { code: "negotiation", cameo: Some("046"), meaning: "Parties negotiate." },
    EventType { code: "agreement", cameo: Some("057"), meaning: "Parties sign a formal agreement." },
    EventType {
        code: "recognition",
        cameo: Some("054"),
        meaning: "The source grants diplomatic recognition to the target.",
    },
    EventType { code: "ceasefire", cameo: Some("0871"), meaning: "Parties declare or sign a truce or ceasefire." },
    EventType { code: "withdrawal", cameo: Some("0874"), meaning: "Forces of the source pull back or retreat." },
    EventType { code: "prisoner-exchange", cameo: Some("0841"), meaning: "Parties release prisoners to each other." },
    EventType {
        code: "allow-monitors",
        cameo: Some("086"),
        meaning: "Parties agree to let international observers or monitors in.",
    },
    EventType {
        code: "peacekeeping-deployment",
        cameo: Some("074"),
        meaning: "The source deploys peacekeepers or provides military protection.",
    },
    EventType { code: "humanitarian-aid", cameo: Some("073"), meaning: "The source provides humanitarian aid." },
    EventType {
        code: "break-relations",
        cameo: Some("161"),
        meaning: "The source reduces or breaks diplomatic relations with the target.",
    },
    EventType {
        code: "sanctions",
        cameo: Some("163"),
        meaning: "The source imposes an embargo, boycott or sanctions on the target.",
    },
    EventType {
        code: "military-deployment",
        cameo: None,
        meaning: "Forces of the source placed or seen in position (checkpoints, artillery).",
    },
    EventType {
        code: "assault",
        cameo: Some("190"),
        meaning: "The source attacks the target with conventional military force.",
    },
    EventType {
        code: "counter-offensive",
        cameo: Some("190"),
        meaning: "The source attacks with conventional force in answer to an attack.",
    },
    EventType { code: "blockade", cameo: Some("191"), meaning: "The source imposes a blockade or restricts movement." },
    EventType { code: "occupation", cameo: Some("192"), meaning: "The source occupies territory." },
    EventType { code: "air-strike", cameo: Some("195"), meaning: "The source employs aerial weapons." },
    EventType { code: "ceasefire-violation", cameo: Some("196"), meaning: "The source violates a ceasefire." },
    EventType { code: "conflict-end", cameo: None, meaning: "A war or armed conflict ends." },
    EventType { code: "accession", cameo: None, meaning: "The source joins the target organisation." },
];

/// A role an entity plays in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    /// Stable code, lowercase ASCII words joined by hyphens.
    pub code: &'static str,
    /// What the participant did or was.
    pub meaning: &'static str,
}

/// Every participant role.
pub const PARTICIPANT_ROLES: &[Role] = &[
    Role { code: "source", meaning: "The entity that acted." },
    Role { code: "target", meaning: "The entity acted upon." },
    Role { code: "party", meaning: "One of several taking part on an equal footing (signatories of a ceasefire)." },
    Role { code: "mediator", meaning: "A third party that brokered or mediated." },
    Role { code: "host", meaning: "The entity that hosted the event." },
    Role { code: "observer", meaning: "An entity that watched or monitored without taking part." },
    Role { code: "guarantor", meaning: "An entity that guarantees an agreement." },
    Role { code: "ally", meaning: "An entity that acted alongside a source or target." },
    Role { code: "beneficiary", meaning: "The entity the event grants something to (whose monitors are allowed in)." },
    Role {
        code: "subject",
        meaning: "The entity the event is about, without taking part (states discussed at a meeting).",
    },
];

/// The category with this code within this kind.
pub fn entity_category(kind: EntityKind, code: &str) -> Option<&'static Category> {
    ENTITY_CATEGORIES.iter().find(|c| c.kind == kind && c.code == code)
}

/// The relation type with this code.
pub fn relation_type(code: &str) -> Option<&'static RelationType> {
    RELATION_TYPES.iter().find(|t| t.code == code)
}

/// The event type with this code.
pub fn event_type(code: &str) -> Option<&'static EventType> {
    EVENT_TYPES.iter().find(|t| t.code == code)
}

/// The participant role with this code.
pub fn participant_role(code: &str) -> Option<&'static Role> {
    PARTICIPANT_ROLES.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const DOC: &str = include_str!("../../docs/vocabulary.md");

    fn is_code(s: &str) -> bool {
        !s.is_empty()
            && s.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
    }

    fn check_table(name: &str, codes: &[&str]) {
        let mut seen = HashSet::new();
        for code in codes {
            assert!(is_code(code), "{name}: `{code}` is not lowercase words joined by hyphens");
            assert!(seen.insert(*code), "{name}: `{code}` appears twice");
            assert!(DOC.contains(&format!("`{code}`")), "{name}: `{code}` is missing from docs/vocabulary.md");
        }
    }

    #[test]
    fn entity_categories_are_unique_well_formed_and_documented() {
        let codes: Vec<_> = ENTITY_CATEGORIES.iter().map(|c| c.code).collect();
        check_table("ENTITY_CATEGORIES", &codes);
        for kind in EntityKind::ALL {
            assert!(ENTITY_CATEGORIES.iter().any(|c| c.kind == *kind), "kind {kind} has no category");
        }
    }

    #[test]
    fn relation_types_are_unique_well_formed_and_documented() {
        let codes: Vec<_> = RELATION_TYPES.iter().map(|t| t.code).collect();
        check_table("RELATION_TYPES", &codes);
    }

    #[test]
    fn event_types_are_unique_well_formed_and_documented() {
        let codes: Vec<_> = EVENT_TYPES.iter().map(|t| t.code).collect();
        check_table("EVENT_TYPES", &codes);
        for t in EVENT_TYPES {
            if let Some(cameo) = t.cameo {
                assert!(
                    (2..=4).contains(&cameo.len()) && cameo.bytes().all(|b| b.is_ascii_digit()),
                    "event type `{}` has malformed CAMEO code `{cameo}`",
                    t.code
                );
                assert!(DOC.contains(&format!("`{cameo}`")), "CAMEO `{cameo}` is undocumented");
            }
        }
    }

    #[test]
    fn participant_roles_are_unique_well_formed_and_documented() {
        let codes: Vec<_> = PARTICIPANT_ROLES.iter().map(|r| r.code).collect();
        check_table("PARTICIPANT_ROLES", &codes);
    }

    #[test]
    fn the_codes_the_contract_names_exist() {
        for code in ["council", "commission", "membership", "armed-conflict", "office-holder", "part-of", "backs"] {
            assert!(relation_type(code).is_some(), "relation type `{code}` is missing");
        }
        assert!(relation_type("armed-conflict").unwrap().symmetric);
        assert!(!relation_type("membership").unwrap().symmetric);
        for (kind, code) in [
            (EntityKind::Actor, "state"),
            (EntityKind::Actor, "person"),
            (EntityKind::Actor, "armed-forces"),
            (EntityKind::Organisation, "alliance"),
            (EntityKind::Region, "breakaway-region"),
            (EntityKind::Region, "city"),
        ] {
            assert!(entity_category(kind, code).is_some(), "category {kind}/{code} is missing");
        }
        for code in ["source", "target", "mediator", "observer"] {
            assert!(participant_role(code).is_some(), "role `{code}` is missing");
        }
    }

    #[test]
    fn lookups_match_exactly() {
        assert_eq!(entity_category(EntityKind::Actor, "state").map(|c| c.code), Some("state"));
        assert!(entity_category(EntityKind::Region, "state").is_none(), "kind must match as well as code");
        assert!(relation_type("Council").is_none());
        assert_eq!(event_type("ceasefire").and_then(|t| t.cameo), Some("0871"));
        assert!(event_type("military-deployment").unwrap().cameo.is_none());
        assert!(participant_role("").is_none());
    }
}
