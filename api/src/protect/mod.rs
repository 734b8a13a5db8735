//! Protection, computed before execution: what a request may cost.
//!
//! [`cost`] computes a document's static cost from the schema's own
//! `@cost`/`@listSize` declarations; [`CostLimit`] is the strategy that
//! enforces it (or only measures it, to roll out a lower limit) as an
//! extension of the schema, so it applies to every request over HTTP and
//! WebSocket alike, before validation and before any SQL runs. Every
//! response carries `extensions.cost`, so scripts see what they spend.

pub mod cost;
pub mod directives;
pub mod hygiene;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, Value, Variables};
use cost::CostModel;
use std::sync::{Arc, Mutex};

/// What to do with a request over the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostMode {
    /// Refuse it with `QUERY_TOO_COSTLY`.
    Enforce,
    /// Run it, and report that it would have been refused.
    Measure,
}

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

impl ExtensionFactory for CostLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostCheck { limit: self.clone(), cost: Mutex::new(None) })
    }
}

/// The check of one request.
struct CostCheck {
    limit: CostLimit,
    cost: Mutex<Option<u64>>,
}

impl CostCheck {
    fn report(&self) -> Option<Value> {
        let cost = (*self.cost.lock().ok()?)?;
        let mut out = async_graphql::indexmap::IndexMap::new();
        out.insert(async_graphql::Name::new("requested"), Value::from(cost));
        out.insert(async_graphql::Name::new("limit"), Value::from(self.limit.limit));
        if self.limit.mode == CostMode::Measure && cost > self.limit.limit {
            out.insert(async_graphql::Name::new("wouldBeRefused"), Value::from(true));
        }
        Some(Value::Object(out))
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for CostCheck {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        match self.report() {
            Some(cost) => response.extension("cost", cost),
            None => response,
        }
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let fields = cost::fields_in(&doc);
        if fields > cost::MAX_FIELDS {
            let mut error = ServerError::new(
                format!("the query selects {fields} fields, over the limit of {}; ask for fewer", cost::MAX_FIELDS),
                None,
            );
            let mut extensions = async_graphql::ErrorExtensionValues::default();
            extensions.set("code", "QUERY_TOO_LARGE");
            error.extensions = Some(extensions);
            return Err(error);
        }
        let cost = self.limit.model.cost(&doc, variables);
        if let Ok(mut slot) = self.cost.lock() {
            *slot = Some(cost);
        }
        if cost > self.limit.limit && self.limit.mode == CostMode::Enforce {
            let limit = self.limit.limit;
            let shown = if cost == u64::MAX { "beyond counting".to_owned() } else { cost.to_string() };
            let mut error = ServerError::new(
                format!(
                    "the query costs {shown}, over the limit of {limit}; ask for fewer items (first) or fewer fields"
                ),
                None,
            );
            let mut extensions = async_graphql::ErrorExtensionValues::default();
            extensions.set("code", "QUERY_TOO_COSTLY");
            extensions.set("cost", cost);
            extensions.set("limit", limit);
            error.extensions = Some(extensions);
            return Err(error);
        }
        Ok(doc)
    }
}
