//! Error hygiene for every answer, over HTTP and WebSocket alike: each error
//! carries an `extensions.code`; no message is longer than a short line, so
//! none can echo a megabyte of input back; no internal detail leaves the
//! server; and each request is logged once, with its error count and the
//! internal details, not once per failing field.

use crate::error::INTERNAL_DETAIL;
use async_graphql::{Response, ServerError, Value};

/// Longest error message sent, in characters.
pub const MAX_MESSAGE: usize = 300;
/// Internal details logged per request at most.
const LOGGED_DETAILS: usize = 3;

/// The code of an error that reached the client without one.
fn code_for(error: &ServerError) -> &'static str {
    let m = error.message.as_str();
    if m.starts_with("Invalid value for argument")
        || m.starts_with("Failed to parse")
        || m.contains("Only integers from")
    {
        "BAD_USER_INPUT"
    } else if error.path.is_empty() {
        "GRAPHQL_VALIDATION_FAILED"
    } else {
        "INTERNAL"
    }
}

/// Makes errors fit to send; returns the internal details they carried.
pub fn clean(errors: &mut [ServerError]) -> Vec<String> {
    let mut details = Vec::new();
    for error in errors {
        let code = code_for(error);
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if let Some(Value::String(detail)) = extensions.get(INTERNAL_DETAIL) {
            details.push(detail.clone());
        }
        extensions.unset(INTERNAL_DETAIL);
        if extensions.get("code").is_none() {
            extensions.set("code", code);
        }
        if error.message.chars().count() > MAX_MESSAGE {
            let mut short: String = error.message.chars().take(MAX_MESSAGE).collect();
            short.push('…');
            error.message = short;
        }
    }
    details
}

/// Makes an answer's errors fit to send and logs them, once per request.
pub fn tidy(response: &mut Response) {
    let details = clean(&mut response.errors);
    log(&response.errors, &details);
}

/// Logs a request's errors in one line.
fn log(errors: &[ServerError], details: &[String]) {
    if errors.is_empty() {
        return;
    }
    let codes: Vec<String> = errors
        .iter()
        .filter_map(|e| e.extensions.as_ref().and_then(|x| x.get("code")).map(|c| c.to_string()))
        .take(5)
        .collect();
    let shown: Vec<&String> = details.iter().take(LOGGED_DETAILS).collect();
    if details.is_empty() {
        tracing::info!(errors = errors.len(), codes = ?codes, "answered with errors");
    } else {
        tracing::error!(errors = errors.len(), internal = details.len(), codes = ?codes, details = ?shown, "answered with internal errors");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_leave_with_a_code_a_short_message_and_no_detail() {
        let mut errors = vec![
            ServerError::new("x".repeat(10_000), None),
            ServerError::new("Invalid value for argument \"first\"", None),
        ];
        let mut inner = async_graphql::ErrorExtensionValues::default();
        inner.set("code", "INTERNAL");
        inner.set(INTERNAL_DETAIL, "relation \"entity\" does not exist");
        let mut internal = ServerError::new("internal error", None);
        internal.extensions = Some(inner);
        errors.push(internal);
        let details = clean(&mut errors);
        assert_eq!(details, ["relation \"entity\" does not exist"]);
        assert_eq!(errors[0].message.chars().count(), MAX_MESSAGE + 1);
        let code = |e: &ServerError| e.extensions.as_ref().and_then(|x| x.get("code")).cloned();
        assert_eq!(code(&errors[0]), Some(Value::from("GRAPHQL_VALIDATION_FAILED")));
        assert_eq!(code(&errors[1]), Some(Value::from("BAD_USER_INPUT")));
        assert_eq!(code(&errors[2]), Some(Value::from("INTERNAL")));
        assert!(errors[2].extensions.as_ref().and_then(|x| x.get(INTERNAL_DETAIL)).is_none());
    }
}
