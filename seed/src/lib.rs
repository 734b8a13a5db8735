//! Seed bundles and their loader.
//!
//! The knowledge base is built from articles: each article is one bundle
//! file in `seed/bundles/` holding the article and every fact it supports.
//! This crate parses and validates bundles ([`bundle`]), writes them
//! append-only ([`load`]), opens and migrates databases ([`db`]), and
//! generates synthetic data for benchmarks ([`synth`]). The rules it
//! applies (dates, vocabularies, kinds) come from the `domain` crate.

pub mod bundle;
pub mod db;
pub mod facts;
pub mod load;
pub mod synth;

pub use bundle::{Problem, Problems, ValidBundle};
pub use load::{apply, ingest, load_bundle, Edit, LoadError, LoadReport, Warning};

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

/// Loads every shipped bundle when the database holds no article yet.
/// Returns how many bundles were loaded (0 when it was not empty).
pub async fn seed_if_empty(db: &sea_orm::DatabaseConnection) -> Result<usize, LoadError> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    if entity::article::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let mut loaded = 0;
    for (name, text) in bundled() {
        let valid = parse_bundled(name, text).map_err(LoadError::Invalid)?;
        load_bundle(db, &valid, "seed").await?;
        loaded += 1;
    }
    Ok(loaded)
}
