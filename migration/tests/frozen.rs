//! A migration that has landed is never edited: databases out there have
//! applied it, and an edit would leave them with a schema no migration
//! describes. Each landed migration's source is fingerprinted here; a new
//! migration adds its line when it lands.

use migration::MigratorTrait;

/// (migration name, FNV-1a 64 of its source file).
const LANDED: &[(&str, u64)] = &[
    ("m20260101_000001_create_tables", 5325253368604084403),
    ("m20261128_000002_period_end_earliest", 16934105358949043533),
    ("m20261128_000003_curation", 18243348618862415332),
];

fn source(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(format!("{name}.rs"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[test]
fn landed_migrations_are_unchanged() {
    for (name, fingerprint) in LANDED {
        assert_eq!(
            fnv1a(&source(name)),
            *fingerprint,
            "{name} has changed since it landed: restore it and put the change in a new migration"
        );
    }
}

#[test]
fn every_migration_is_fingerprinted_in_order() {
    let names: Vec<String> = migration::Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let landed: Vec<&str> = LANDED.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, landed, "add the new migration's name and fingerprint to LANDED");
}
