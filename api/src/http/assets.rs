//! The pages the binary carries: the GraphiQL playground at `/`, the
//! explorer at `/explore`, their scripts and styles (all embedded, so both
//! work offline), and `/graphql/possible-types.json` for client caches.

use super::{request_error, AppState, JSON};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse};

const PLAYGROUND: &str = include_str!("../../assets/playground/index.html");
const PLAYGROUND_FILES: &[(&str, &str, &[u8])] = &[
    ("graphiql.min.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/playground/graphiql.min.js")),
    ("graphiql.min.css", "text/css; charset=utf-8", include_bytes!("../../assets/playground/graphiql.min.css")),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/playground/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/playground/react-dom.production.min.js"),
    ),
    ("start.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/playground/start.js")),
];

const EXPLORER: &str = include_str!("../../assets/explore/index.html");
const EXPLORER_FILES: &[(&str, &str, &[u8])] = &[
    // The page's ES modules: main.js is the entry, it imports the others.
    ("main.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/main.js")),
    ("api.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/api.js")),
    ("queries.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/queries.js")),
    ("state.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/state.js")),
    ("dates.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/dates.js")),
    ("dom.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/dom.js")),
    ("messages.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/messages.js")),
    ("search.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/search.js")),
    ("entity.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/entity.js")),
    ("relations.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/relations.js")),
    ("network.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/network.js")),
    ("timeline.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/timeline.js")),
    ("citations.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/explore/citations.js")),
    ("explore.css", "text/css; charset=utf-8", include_bytes!("../../assets/explore/explore.css")),
    (
        "vendor/cytoscape.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/explore/vendor/cytoscape.min.js"),
    ),
];

/// The pages' Content-Security-Policy: scripts and connections to this
/// server only (GraphiQL sets inline styles), never framed.
const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

fn page(html: &'static str) -> axum::response::Response {
    (
        [
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, PAGE_CSP),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_FRAME_OPTIONS, "DENY"),
        ],
        Html(html),
    )
        .into_response()
}

pub(crate) async fn playground() -> axum::response::Response {
    page(PLAYGROUND)
}

/// The explorer: a page of its own over the public GraphQL API.
pub(crate) async fn explorer() -> axum::response::Response {
    page(EXPLORER)
}

pub(crate) async fn playground_file(Path(file): Path<String>) -> axum::response::Response {
    embedded(PLAYGROUND_FILES, &file)
}

pub(crate) async fn explorer_file(Path(file): Path<String>) -> axum::response::Response {
    embedded(EXPLORER_FILES, &file)
}

/// One embedded file, by name.
fn embedded(files: &[(&str, &str, &'static [u8])], file: &str) -> axum::response::Response {
    match files.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, body)) => {
            (StatusCode::OK, [(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=86400")], *body)
                .into_response()
        }
        None => request_error(StatusCode::NOT_FOUND, JSON, "NOT_FOUND", "no such file"),
    }
}

/// Every interface with the object types that implement it, as Apollo
/// Client's `InMemoryCache({ possibleTypes })` and urql's graphcache take
/// it; generated from the served schema, so it never goes stale.
pub(crate) async fn possible_types(State(state): State<AppState>) -> axum::response::Response {
    let body = serde_json::to_string_pretty(&state.shapes.possible_types()).unwrap_or_else(|_| "{}".into());
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}

pub(crate) async fn not_found() -> axum::response::Response {
    request_error(StatusCode::NOT_FOUND, JSON, "NOT_FOUND", "no such path: the API is at /graphql")
}
