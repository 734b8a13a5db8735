//! The bundle format: one TOML file per article, holding the article and
//! every fact it supports (`docs/seed-format.md`), parsed and validated
//! whole ([`bundle`]), and the bundles the project ships. The `seed` command
//! loads bundle files and generates synthetic data. All writing, and every
//! SQL statement, is the store's: this crate turns files into a store's
//! [`store::Contribution`] and hands it over.

pub mod bundle;

pub use bundle::ValidBundle;
pub use domain::problem::{Problem, Problems};

/// The bundles shipped in `seed/bundles/`, as (file name, text), in name order.
pub fn bundled() -> &'static [(&'static str, &'static str)] {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"))
}

/// The article texts shipped beside the bundles, as (file name, text).
pub fn bundled_texts() -> &'static [(&'static str, &'static str)] {
    include!(concat!(env!("OUT_DIR"), "/bundled_texts.rs"))
}

/// Parses and validates a shipped bundle, with the article text it names.
pub fn parse_bundled(name: &str, text: &str) -> Result<ValidBundle, Problems> {
    let texts = |wanted: &str| bundled_texts().iter().find(|(n, _)| *n == wanted).map(|(_, t)| (*t).to_owned());
    bundle::parse_with(&format!("seed/bundles/{name}"), text, &texts)
}

/// Loads every shipped bundle when the knowledge base holds no article yet.
/// Returns how many bundles were loaded (0 when it was not empty).
pub async fn seed_if_empty(store: &store::Store) -> store::Result<usize> {
    if store.article_count().await? > 0 {
        return Ok(0);
    }
    let mut loaded = 0;
    for (name, text) in bundled() {
        let valid = parse_bundled(name, text)?;
        store.load(&valid, "seed").await?;
        loaded += 1;
    }
    Ok(loaded)
}
