//! GraphQL over HTTP as the specification has it, and the playground.

use testkit::TestServer;

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

#[tokio::test]
async fn polling_with_if_none_match_gets_304_until_a_write_changes_the_answer() {
    let s = TestServer::first_article().await;
    let query = r#"{ entity(slug: "osce") { aliases } }"#;
    let path = format!("/graphql?query={}", encode(query));
    let first = s.request("GET", &path, &[("Accept", "application/json")], "").await;
    assert_eq!(first.status, 200);
    let tag = first.header("etag").expect("a GET answer has an ETag").to_owned();
    assert_eq!(first.header("cache-control"), Some("private, no-cache"));
    let statements = s.statements.load(std::sync::atomic::Ordering::SeqCst);

    let again = s.request("GET", &path, &[("If-None-Match", &tag)], "").await;
    assert_eq!(again.status, 304, "nothing changed: {}", again.body);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(tag.as_str()));
    let used = s.statements.load(std::sync::atomic::Ordering::SeqCst) - statements;
    assert_eq!(used, 1, "a 304 reads only the newest revision, it does not run the query");
    let other = s
        .request(
            "GET",
            &format!("/graphql?query={}", encode("{ articles { totalCount } }")),
            &[("If-None-Match", &tag)],
            "",
        )
        .await;
    assert_eq!(other.status, 200, "another query has another tag");

    // A write changes the answer, and the tag with it.
    let token = s.db.store.create_token("poller", store::tokens::Scope::Write).await.expect("token").secret;
    let toml = "[article]\nkey = \"test-poll\"\ntitle = \"P\"\npublisher = \"Test\"\npublished_at = \"2008-10-01T00:00:00Z\"\n\n[[entities]]\nslug = \"osce\"\naliases = [\"the OSCE mission\"]\ncite = \"x\"\n";
    let body = serde_json::json!({ "query": "mutation($t: String!) { ingestBundle(toml: $t) { created } }", "variables": { "t": toml } }).to_string();
    let auth = format!("Bearer {token}");
    let written =
        s.request("POST", "/graphql", &[("Content-Type", "application/json"), ("Authorization", &auth)], &body).await;
    assert!(written.json()["errors"].is_null(), "{}", written.body);
    let after = s.request("GET", &path, &[("If-None-Match", &tag)], "").await;
    assert_eq!(after.status, 200, "a write changes the tag");
    assert_ne!(after.header("etag"), Some(tag.as_str()));
    assert!(after.json()["data"]["entity"]["aliases"]
        .as_array()
        .expect("aliases")
        .contains(&serde_json::json!("the OSCE mission")));
    s.stop().await;
}

#[tokio::test]
async fn persisted_queries_are_sent_once_then_named_by_their_hash() {
    let s = TestServer::first_article().await;
    let query = r#"{ entity(slug: "georgia") { name } }"#;
    let hash = api::documents::sha256_hex(query);
    let ext = serde_json::json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string();
    let by_hash = format!("/graphql?extensions={}", encode(&ext));
    let unknown = s.request("GET", &by_hash, &[], "").await;
    assert_eq!(unknown.json()["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND");
    let body =
        serde_json::json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } })
            .to_string();
    let sent = s.request("POST", "/graphql", &[("Content-Type", "application/json")], &body).await;
    assert_eq!(sent.json()["data"]["entity"]["name"], "Georgia");
    let known = s.request("GET", &by_hash, &[], "").await;
    assert_eq!(known.json()["data"]["entity"]["name"], "Georgia");
    assert!(known.header("etag").is_some(), "a persisted query over GET is tagged too");
    let wrong = serde_json::json!({ "query": "{ __typename }", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }).to_string();
    let mismatch = s.request("POST", "/graphql", &[("Content-Type", "application/json")], &wrong).await;
    assert_eq!(mismatch.status, 400);
    s.stop().await;
}
