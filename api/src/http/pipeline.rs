//! One GraphQL request, whatever carried it (a POST or GET, an item of a
//! batch, a WebSocket `subscribe`), through the same steps:
//!
//! 1. [`resolve`]: the text sent, or the one a persisted query's hash names;
//! 2. [`prepare`]: bounded before anything recursive touches it — the
//!    document's nesting on its raw text, the variables' nesting — then
//!    parsed (once per distinct text), and the field, depth and cost limits
//!    checked on the parsed document, all before validation and before any
//!    SQL;
//! 3. [`run`]: executed with a time limit, shaped as the specification says
//!    (`graphql::complete`), errors tidied (`protect::hygiene`) and counted.

use super::AppState;
use crate::documents::{Parsed, PersistError};
use crate::protect::nesting;
use crate::protect::Refusal as CostRefusal;
use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response, ServerError, Variables};
use axum::http::StatusCode;
use serde::Deserialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// The parts of a GraphQL request, from a JSON body, a URL query string or
/// a WebSocket `subscribe` payload.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    pub query: Option<String>,
    pub operation_name: Option<String>,
    pub variables: Option<serde_json::Value>,
    pub extensions: Option<serde_json::Value>,
}

/// A request refused before it ran: its errors (each with a code), the
/// status to answer with, and its cost when it got as far as being costed.
#[derive(Debug)]
pub struct Refusal {
    /// For a client that accepts `application/graphql-response+json`.
    pub status: StatusCode,
    /// For a client that accepts only `application/json`: 200 for a
    /// document that does not parse or validate, as that media type's
    /// clients expect; the same as `status` for a malformed request.
    pub json_status: StatusCode,
    pub errors: Vec<ServerError>,
    pub cost: Option<async_graphql::Value>,
}

impl Refusal {
    /// A request that is not a GraphQL request at all, or is too large.
    pub fn request(status: StatusCode, code: &str, message: impl Into<String>) -> Refusal {
        Refusal { status, json_status: status, errors: vec![coded(code, message)], cost: None }
    }

    /// A document that does not parse, validate or fit the limits.
    pub fn document(code: &str, mut errors: Vec<ServerError>, cost: Option<async_graphql::Value>) -> Refusal {
        crate::protect::hygiene::clean(&mut errors);
        for e in &mut errors {
            let extensions = e.extensions.get_or_insert_with(Default::default);
            if extensions.get("code").is_none_or(|c| *c == async_graphql::Value::from("GRAPHQL_VALIDATION_FAILED")) {
                extensions.set("code", code);
            }
        }
        Refusal { status: StatusCode::BAD_REQUEST, json_status: StatusCode::OK, errors, cost }
    }

    /// The answer's body: `errors` and, where known, `extensions.cost`; no
    /// `data`, as nothing ran.
    pub fn body(&self) -> serde_json::Value {
        let mut body = serde_json::json!({ "errors": self.errors });
        if let Some(cost) = &self.cost {
            body["extensions"] = serde_json::json!({ "cost": cost });
        }
        body
    }
}

/// An error with a code and no position.
pub fn coded(code: &str, message: impl Into<String>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// A request's text and variables, before parsing.
pub struct Incoming {
    pub query: String,
    pub operation_name: Option<String>,
    pub variables: Option<serde_json::Value>,
}

/// The text of a request: the one sent, or the one its persisted-query
/// hash names (Apollo's protocol: `extensions.persistedQuery.sha256Hash`).
pub fn resolve(state: &AppState, params: Params) -> Result<Incoming, Refusal> {
    if params.extensions.as_ref().is_some_and(|e| !e.is_object() && !e.is_null()) {
        let message = "`extensions` must be a JSON object";
        return Err(Refusal::request(StatusCode::BAD_REQUEST, "BAD_REQUEST", message));
    }
    let persisted = params
        .extensions
        .as_ref()
        .and_then(|e| e.get("persistedQuery"))
        .and_then(|p| p.get("sha256Hash"))
        .and_then(|h| h.as_str());
    let query = match (persisted, params.query.filter(|q| !q.trim().is_empty())) {
        (Some(hash), text) => match state.documents.persisted(hash, text.as_deref()) {
            Ok(text) => text,
            Err(PersistError::NotFound) => {
                return Err(Refusal::request(StatusCode::OK, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound"))
            }
            Err(PersistError::Mismatch) => {
                let message = "the query's SHA-256 is not the persistedQuery.sha256Hash sent";
                return Err(Refusal::request(StatusCode::BAD_REQUEST, "BAD_REQUEST", message));
            }
        },
        (None, Some(text)) => text,
        (None, None) => {
            return Err(Refusal::request(StatusCode::BAD_REQUEST, "BAD_REQUEST", "the request has no `query`"))
        }
    };
    Ok(Incoming { query, operation_name: params.operation_name, variables: params.variables })
}

/// A request ready to run.
pub struct Prepared {
    pub request: Request,
    pub parsed: Arc<Parsed>,
    pub operation_name: Option<String>,
    /// The metrics label of the operation (a name the document defines).
    pub label: String,
    pub kind: OperationType,
    pub cost: u64,
}

/// Bounds, parses and costs a request.
pub fn prepare(state: &AppState, incoming: Incoming) -> Result<Prepared, Refusal> {
    let variables = match incoming.variables {
        None | Some(serde_json::Value::Null) => Variables::default(),
        Some(v @ serde_json::Value::Object(_)) => {
            if let Err(deep) = nesting::check_json("`variables`", &v) {
                return Err(Refusal::request(StatusCode::BAD_REQUEST, "INPUT_TOO_LARGE", deep.message()));
            }
            Variables::from_json(v)
        }
        Some(_) => {
            return Err(Refusal::request(StatusCode::BAD_REQUEST, "BAD_REQUEST", "`variables` must be a JSON object"))
        }
    };
    if let Err(deep) = nesting::check_document(&incoming.query) {
        return Err(Refusal::document("INPUT_TOO_LARGE", vec![coded("INPUT_TOO_LARGE", deep.message())], None));
    }
    let parsed = state
        .documents
        .parse(&incoming.query, &state.shapes)
        .map_err(|e| Refusal::document("GRAPHQL_PARSE_FAILED", vec![e], None))?;
    let wanted = incoming.operation_name;
    let selected = parsed.doc.operations.iter().find(|(name, _)| match &wanted {
        Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
        None => true,
    });
    // The label: a name the document itself defines, never one the client
    // merely sent (execution refuses an undefined one anyway).
    let name = selected.and_then(|(name, _)| name).map(|n| n.as_str());
    let label = state.metrics.operation_label(name);
    let kind = selected.map_or(OperationType::Query, |(_, op)| op.node.ty);
    let cost = match state.cost.check(&parsed.doc, &variables) {
        Ok(cost) => cost,
        Err(refusal) => {
            let CostRefusal { error, cost } = *refusal;
            record(state, &label, "refused", 0.0, std::slice::from_ref(&error));
            let cost = cost.map(|c| state.cost.report(c));
            return Err(Refusal::document("GRAPHQL_VALIDATION_FAILED", vec![error], cost));
        }
    };
    let mut request = Request::new(incoming.query).variables(variables);
    if let Some(name) = &wanted {
        request = request.operation_name(name.clone());
    }
    request.set_parsed_query(parsed.doc.clone());
    Ok(Prepared { request, parsed, operation_name: wanted, label, kind, cost })
}

/// How a run ended.
pub enum Ran {
    /// Executed: the answer, shaped and tidied.
    Answered(Response),
    /// Refused by validation before execution.
    Refused(Refusal),
    /// Over the time limit.
    TimedOut(Refusal),
}

/// Runs a prepared request on the schema, within `timeout`.
pub async fn run(state: &AppState, prepared: Prepared, data: async_graphql::Data, timeout: Duration) -> Ran {
    let Prepared { mut request, parsed, operation_name, label, cost, .. } = prepared;
    request.data = data;
    let variables = request.variables.clone();
    let span = tracing::info_span!("graphql", operation = %label);
    let started = Instant::now();
    let executed = tokio::time::timeout(timeout, state.schema.execute(request).instrument(span.clone())).await;
    let elapsed = started.elapsed().as_secs_f64();
    let Ok(mut response) = executed else {
        span.in_scope(|| tracing::warn!(timeout_ms = timeout.as_millis() as u64, "request timed out"));
        record(state, &label, "timeout", elapsed, &[]);
        let message = format!("the request took longer than its limit of {} ms; ask for less", timeout.as_millis());
        let mut refusal = Refusal::request(StatusCode::SERVICE_UNAVAILABLE, "TIMEOUT", message);
        refusal.json_status = StatusCode::OK;
        return Ran::TimedOut(refusal);
    };
    let ran = crate::graphql::complete::executed(&response);
    if ran {
        response = complete(state, response, &parsed, operation_name, variables, cost).await;
        response.extensions.insert("cost".to_owned(), state.cost.report(cost));
    }
    crate::protect::hygiene::tidy(&mut response);
    let outcome = match (ran, response.errors.is_empty()) {
        (false, _) => "refused",
        (true, true) => "ok",
        (true, false) => "errors",
    };
    record(state, &label, outcome, elapsed, &response.errors);
    if ran {
        state.metrics.record(|| metrics::histogram!("graphql_query_cost").record(cost as f64));
    }
    span.in_scope(|| tracing::debug!(elapsed_ms = elapsed * 1e3, errors = response.errors.len(), "executed"));
    if ran {
        Ran::Answered(response)
    } else {
        // Validation failed (including variables that do not fit their types).
        Ran::Refused(Refusal::document("GRAPHQL_VALIDATION_FAILED", response.errors, Some(state.cost.report(cost))))
    }
}

/// Costs from which completion runs on the blocking pool rather than on a
/// worker: walking a large answer takes long enough without a pause to
/// hold up the small requests queued behind it.
const COMPLETE_APART: u64 = 5_000;

/// Shapes an executed answer as the specification says (on the blocking
/// pool when it is large).
async fn complete(
    state: &AppState,
    mut response: Response,
    parsed: &Arc<Parsed>,
    operation: Option<String>,
    variables: Variables,
    cost: u64,
) -> Response {
    if cost < COMPLETE_APART {
        state.shapes.complete(&mut response, &parsed.doc, operation.as_deref(), &variables);
        return response;
    }
    let (shapes, parsed) = (state.shapes.clone(), parsed.clone());
    let apart = tokio::task::spawn_blocking(move || {
        shapes.complete(&mut response, &parsed.doc, operation.as_deref(), &variables);
        response
    });
    match apart.await {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(error = %e, "completing an answer failed");
            Response::from_errors(vec![coded("INTERNAL", "internal error")])
        }
    }
}

/// Counts a GraphQL request by operation and outcome, its time, and its
/// errors by code.
pub fn record(state: &AppState, label: &str, outcome: &'static str, elapsed: f64, errors: &[ServerError]) {
    let label = label.to_owned();
    state.metrics.record(|| {
        metrics::counter!("graphql_requests_total", "operation" => label.clone(), "outcome" => outcome).increment(1);
        metrics::histogram!("graphql_request_duration_seconds", "operation" => label.clone()).record(elapsed);
        for e in errors {
            let code = match e.extensions.as_ref().and_then(|x| x.get("code")) {
                Some(async_graphql::Value::String(code)) => code.clone(),
                _ => "UNKNOWN".to_owned(),
            };
            metrics::counter!("graphql_errors_total", "code" => code).increment(1);
        }
    });
}
