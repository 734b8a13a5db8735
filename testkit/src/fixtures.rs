//! The bundles and requests tests write, written once.

/// The `[article]` table of a test bundle.
pub fn article(key: &str, published_at: &str) -> String {
    format!("[article]\nkey = \"{key}\"\ntitle = \"A test article\"\npublisher = \"Test\"\npublished_at = \"{published_at}\"\n")
}

/// A test article (1 November 2008) stating an OSCE presence in `target`
/// under the relation key `relation`: a small write that touches `target`.
pub fn presence(article_key: &str, relation: &str, target: &str) -> String {
    format!(
        "{}\n[[relations]]\nkey = \"{relation}\"\ntype = \"presence\"\nlabel = \"{relation}\"\nsource = \"osce\"\ntarget = \"{target}\"\ncite = \"observers\"\n",
        article(article_key, "2008-11-01T00:00:00Z")
    )
}

/// The mutation that ingests a bundle given as `$t`.
pub const INGEST: &str = "mutation($t: String!) { ingestBundle(toml: $t) { created revisions { id } } }";
