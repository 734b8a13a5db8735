//! GraphQL over HTTP as the specification has it, and the playground.

mod common;

use common::TestServer;

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test]
async fn status_codes_and_media_types_follow_graphql_over_http() {
    let s = TestServer::first_article().await;
    let post = |body: &'static str, accept: &'static str| {
        let s = &s;
        async move { s.request("POST", "/graphql", &[("Content-Type", "application/json"), ("Accept", accept)], body).await }
    };

    let ok = post(r#"{"query":"{ articles { totalCount } }"}"#, GRAPHQL_RESPONSE).await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.header("content-type"), Some(GRAPHQL_RESPONSE));
    assert_eq!(ok.json()["data"]["articles"]["totalCount"], 1);

    let parse = post(r#"{"query":"{ articles { "}"#, GRAPHQL_RESPONSE).await;
    assert_eq!(parse.status, 400, "a parse error is a bad request: {}", parse.body);
    assert!(parse.json().get("data").is_none(), "no data entry when execution never started");
    assert_eq!(parse.json()["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED");

    let invalid = post(r#"{"query":"{ articles { nonsense } }"}"#, GRAPHQL_RESPONSE).await;
    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.json()["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");

    let legacy = post(r#"{"query":"{ articles { nonsense } }"}"#, "application/json").await;
    assert_eq!(legacy.status, 200, "application/json keeps 200 for GraphQL errors");
    assert_eq!(legacy.header("content-type"), Some("application/json"));

    let field_error = post(r#"{"query":"{ entities(first: 1000) { totalCount } }"}"#, GRAPHQL_RESPONSE).await;
    assert_eq!(field_error.status, 200, "an error during execution is still a 200");
    assert_eq!(field_error.json()["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");

    let not_json = post("query=hello", "application/json").await;
    assert_eq!(not_json.status, 400);
    let wrong_type = s
        .request("POST", "/graphql", &[("Content-Type", "text/plain")], r#"{"query":"{ articles { totalCount } }"}"#)
        .await;
    assert_eq!(wrong_type.status, 415);
    let unacceptable = post(r#"{"query":"{ articles { totalCount } }"}"#, "text/csv").await;
    assert_eq!(unacceptable.status, 406);
    s.stop().await;
}

#[tokio::test]
async fn get_runs_queries_with_variables_and_operation_name_but_not_mutations() {
    let s = TestServer::first_article().await;
    let doc = "query A($s: String!) { entity(slug: $s) { name } } query B { articles { totalCount } }";
    let path = format!("/graphql?query={}&variables={}&operationName=A", encode(doc), encode(r#"{"s":"georgia"}"#));
    let got = s.request("GET", &path, &[("Accept", "application/json")], "").await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json()["data"], serde_json::json!({ "entity": { "name": "Georgia" } }));

    let b = s.request("GET", &format!("/graphql?query={}&operationName=B", encode(doc)), &[], "").await;
    assert_eq!(b.json()["data"]["articles"]["totalCount"], 1);

    let mutation = s.request("GET", &format!("/graphql?query={}", encode("mutation { x }")), &[], "").await;
    assert_eq!(mutation.status, 405);
    assert_eq!(mutation.header("allow"), Some("POST"));

    let bad_vars = s.request("GET", &format!("/graphql?query={}&variables=%7Bnope", encode(doc)), &[], "").await;
    assert_eq!(bad_vars.status, 400);
    s.stop().await;
}

#[tokio::test]
async fn the_playground_and_its_assets_are_served_from_the_binary() {
    let s = TestServer::first_article().await;
    for path in ["/", "/graphql"] {
        let page = s.request("GET", path, &[("Accept", "text/html,application/xhtml+xml")], "").await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.header("content-type").is_some_and(|t| t.starts_with("text/html")), "{path}");
        assert!(page.body.contains("/playground/graphiql.min.js"), "{path}");
        assert!(!page.body.contains("https://"), "{path} loads nothing from another origin");
    }
    for (file, mime) in [
        ("graphiql.min.js", "text/javascript"),
        ("graphiql.min.css", "text/css"),
        ("react.production.min.js", "text/javascript"),
        ("react-dom.production.min.js", "text/javascript"),
    ] {
        let asset = s.request("GET", &format!("/playground/{file}"), &[], "").await;
        assert_eq!(asset.status, 200, "{file}");
        assert!(asset.header("content-type").is_some_and(|t| t.starts_with(mime)), "{file}");
        assert!(asset.body.len() > 5_000, "{file} is the real file");
    }
    assert_eq!(s.request("GET", "/playground/nothing.js", &[], "").await.status, 404);
    let health = s.request("GET", "/health", &[], "").await;
    assert_eq!((health.status, health.body.as_str()), (200, r#"{"status":"ok"}"#));
    s.stop().await;
}
