//! `/export/<table>.<csv|jsonl>?asOf=&knownAt=`: bulk exports of every
//! table, streamed in batches at one pinned record time, at most
//! `KB_MAX_EXPORTS` at once.

use super::{app_error, request_error, AppState, JSON};
use axum::body::Bytes;
use axum::extract::{Query as UrlQuery, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use std::collections::HashMap;

/// `/export/<table>.<csv|jsonl>?asOf=&knownAt=`: a table streamed in
/// batches. The first batch is read before the answer starts, so bad input
/// and an unavailable database get a proper error; a failure later cuts the
/// transfer short (the client sees an incomplete body, never a silently
/// shortened file). A client that stops reading for longer than the request
/// time limit is dropped. `X-Known-At` names the record-time instant every
/// batch was read at: the same URL with that `knownAt` gives the same file.
pub(crate) async fn export(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    use crate::export::{scope, Export};
    let raw: HashMap<String, String> = match UrlQuery::try_from_uri(&uri) {
        Ok(UrlQuery(raw)) => raw,
        Err(_) => {
            return request_error(StatusCode::BAD_REQUEST, JSON, "BAD_REQUEST", "the query string does not parse")
        }
    };
    if let Some(unknown) = raw.keys().find(|k| !matches!(k.as_str(), "asOf" | "knownAt")) {
        let shown: String = unknown.chars().take(40).collect();
        let message = format!("unknown parameter `{shown}`; an export takes asOf and knownAt");
        return request_error(StatusCode::BAD_REQUEST, JSON, "BAD_USER_INPUT", &message);
    }
    let (table, format) = match crate::export::parse_file(&file) {
        Ok(found) => found,
        Err(e) => return app_error(&e),
    };
    let scope = match scope(raw.get("asOf").map(String::as_str), raw.get("knownAt").map(String::as_str)) {
        Ok(scope) => scope,
        Err(e) => return app_error(&e),
    };
    let Ok(permit) = state.exports.clone().try_acquire_owned() else {
        let mut busy = request_error(
            StatusCode::TOO_MANY_REQUESTS,
            JSON,
            "TOO_MANY_EXPORTS",
            &format!("{} exports are streaming already; try again shortly", state.limits.max_exports),
        );
        busy.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return busy;
    };
    let known = scope.known;
    let mut export = Export::new(state.store.for_request(1), table, format, scope);
    let wait = state.limits.request_timeout;
    let first = match tokio::time::timeout(wait, export.next_chunk()).await {
        Ok(Ok(first)) => first,
        Ok(Err(e)) => return app_error(&e),
        Err(_) => return app_error(&crate::error::AppError::Timeout("the export's first batch took too long".into())),
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let name = table.name();
    tokio::spawn(async move {
        let _permit = permit;
        let mut next = first;
        while let Some(chunk) = next {
            if tokio::time::timeout(wait, tx.send(Ok(Bytes::from(chunk)))).await.map_or(true, |sent| sent.is_err()) {
                tracing::info!(table = name, "export abandoned by its client");
                return;
            }
            next = match tokio::time::timeout(wait, export.next_chunk()).await {
                Ok(Ok(chunk)) => chunk,
                Ok(Err(e)) => {
                    tracing::error!(table = name, code = e.code(), detail = ?e, "export cut short");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
                Err(_) => {
                    tracing::error!(table = name, "export cut short: a batch took too long");
                    let _ = tx.send(Err(std::io::Error::other("export timed out"))).await;
                    return;
                }
            };
        }
    });
    // Fused: a compressing body may poll it once more after its end.
    let body = futures_util::StreamExt::fuse(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }));
    let disposition = format!("inline; filename=\"{}.{}\"", name, format.extension());
    let mut response = axum::body::Body::from_stream(body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&crate::export::known_at_text(known)) {
        h.insert(HeaderName::from_static("x-known-at"), v);
    }
    response
}
