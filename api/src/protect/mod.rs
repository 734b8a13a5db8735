//! Protection, computed before execution: what a request may cost.
//!
//! [`nesting`] bounds how deep the raw input nests before anything parses
//! it; [`cost`] computes a document's static cost from the schema's own
//! `@cost`/`@listSize` declarations; [`CostLimit`] is the strategy that
//! enforces it (or only measures it, to roll out a lower limit). The HTTP
//! and WebSocket pipeline applies both to every request, before validation
//! and before any SQL runs. Every response carries `extensions.cost`, so
//! scripts see what they spend. [`hygiene`] makes every error fit to send.

pub mod cost;
pub mod directives;
pub mod hygiene;
pub mod nesting;

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerError, Value, Variables};
use cost::CostModel;
use std::sync::Arc;

/// What to do with a request over the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostMode {
    /// Refuse it with `QUERY_TOO_COSTLY`.
    Enforce,
    /// Run it, and report that it would have been refused.
    Measure,
}

/// What a request may cost, and whether a costlier one is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostPolicy {
    pub limit: u64,
    pub mode: CostMode,
}

impl Default for CostPolicy {
    fn default() -> Self {
        CostPolicy { limit: DEFAULT_COST_LIMIT, mode: CostMode::Enforce }
    }
}

/// The default cost limit: every README example and GraphiQL's
/// introspection pass; a page of 100 relations with their ends, history and
/// citations passes; pages of 100 nested three deep do not.
pub const DEFAULT_COST_LIMIT: u64 = 200_000;

/// The cost limit of a schema.
#[derive(Clone)]
pub struct CostLimit {
    model: Arc<CostModel>,
    limit: u64,
    mode: CostMode,
}

impl CostLimit {
    pub fn new(model: CostModel, limit: u64, mode: CostMode) -> CostLimit {
        CostLimit { model: Arc::new(model), limit, mode }
    }
}

/// Why a request was refused before it ran, with its cost when it got as
/// far as being costed.
pub struct Refusal {
    pub error: ServerError,
    pub cost: Option<u64>,
}

fn refusal(code: &str, message: String, cost: Option<u64>, limit: Option<u64>) -> Box<Refusal> {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    if let (Some(cost), Some(limit)) = (cost, limit) {
        extensions.set("cost", cost);
        extensions.set("limit", limit);
    }
    error.extensions = Some(extensions);
    Box::new(Refusal { error, cost })
}

impl CostLimit {
    /// The cost of a parsed request, or why it is refused: more fields than
    /// anyone needs, nesting past the depth limit, or a cost over the limit
    /// while enforcing.
    pub fn check(&self, doc: &ExecutableDocument, variables: &Variables) -> Result<u64, Box<Refusal>> {
        let fields = cost::fields_in(doc);
        if fields > cost::MAX_FIELDS {
            let message =
                format!("the query selects {fields} fields, over the limit of {}; ask for fewer", cost::MAX_FIELDS);
            return Err(refusal("QUERY_TOO_LARGE", message, None, None));
        }
        let depth = cost::depth_of(doc);
        if depth > cost::MAX_DEPTH {
            let shown = if depth == usize::MAX { "without end".to_owned() } else { format!("{depth} deep") };
            let message = format!("the query nests its fields {shown}, over the limit of {}", cost::MAX_DEPTH);
            return Err(refusal("GRAPHQL_VALIDATION_FAILED", message, None, None));
        }
        let cost = self.model.cost(doc, variables);
        if cost > self.limit && self.mode == CostMode::Enforce {
            let limit = self.limit;
            let shown = if cost == u64::MAX { "beyond counting".to_owned() } else { cost.to_string() };
            let message = format!(
                "the query costs {shown}, over the limit of {limit}; ask for fewer items (first) or fewer fields"
            );
            return Err(refusal("QUERY_TOO_COSTLY", message, Some(cost), Some(limit)));
        }
        Ok(cost)
    }

    /// The largest cost a request may have.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Whether a costlier request is refused (rather than only marked).
    pub fn enforcing(&self) -> bool {
        self.mode == CostMode::Enforce
    }

    /// What `extensions.cost` of an answer says.
    pub fn report(&self, cost: u64) -> Value {
        let mut out = async_graphql::indexmap::IndexMap::new();
        out.insert(async_graphql::Name::new("requested"), Value::from(cost));
        out.insert(async_graphql::Name::new("limit"), Value::from(self.limit));
        if self.mode == CostMode::Measure && cost > self.limit {
            out.insert(async_graphql::Name::new("wouldBeRefused"), Value::from(true));
        }
        Value::Object(out)
    }
}
