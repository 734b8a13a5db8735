//! Writes over HTTP, on SQLite or (with `TEST_DATABASE_URL`) PostgreSQL:
//! tokens and scopes, ingesting bundles, curators' edits, retractions,
//! conflicts between curators, and record time kept exact throughout.

use serde_json::{json, Value};
use store::tokens::Scope;
use testkit::TestServer;

async fn token(s: &TestServer, name: &str, scope: Scope) -> String {
    s.db.store.create_token(name, scope).await.expect("a token").secret
}

/// POSTs a query with a bearer token (or none); returns the JSON answer.
async fn post_as(s: &TestServer, token: Option<&str>, query: &str, variables: Value) -> Value {
    let body = json!({ "query": query, "variables": variables }).to_string();
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(auth) = &auth {
        headers.push(("Authorization", auth.as_str()));
    }
    let response = s.request("POST", "/graphql", &headers, &body).await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.json()
}

async fn count(s: &TestServer, table: &str) -> i64 {
    store::testing::count_rows(&s.db.store, table).await
}

const NEW_ARTICLE: &str = r#"
[article]
key = "test-2008-11-20-observers"
title = "Observers report calm"
publisher = "Test Wire"
published_at = "2008-11-20T09:00:00Z"

[[entities]]
slug = "osce"
aliases = ["the Vienna-based OSCE"]
cite = "the Vienna-based OSCE"

[[relations]]
key = "osce-presence-in-abkhazia"
type = "presence"
label = "OSCE presence in Abkhazia"
source = "osce"
target = "abkhazia"
cite = "OSCE observers in Abkhazia"

[[relations.periods]]
status = "active"
from = "2008-11"
cite = "observers arrived this month"
"#;

const INGEST: &str = r#"mutation($toml: String!, $dry: Boolean) {
  ingestBundle(toml: $toml, dryRun: $dry) { article { key title } created updated retracted unchanged dryRun
    revisions { id action author subject { id } } warnings { place message } } }"#;

#[tokio::test]
async fn writes_need_a_valid_token_with_the_write_scope_and_refusals_write_nothing() {
    let s = TestServer::first_article().await;
    let reader = token(&s, "reader", Scope::Read).await;
    let revoked = token(&s, "gone", Scope::Write).await;
    assert!(s.db.store.revoke_token("gone").await.expect("revoke"));
    let before = (count(&s, "revision").await, count(&s, "relation").await, count(&s, "contribution").await);
    let vars = json!({ "toml": NEW_ARTICLE });
    let garbled = format!("{}x", &revoked[..revoked.len() - 1]);
    for (who, expected) in [
        (None, "UNAUTHENTICATED"),
        (Some("not-a-token"), "UNAUTHENTICATED"),
        (Some(garbled.as_str()), "UNAUTHENTICATED"),
        (Some(revoked.as_str()), "UNAUTHENTICATED"),
        (Some(reader.as_str()), "FORBIDDEN"),
    ] {
        let answer = post_as(&s, who, INGEST, vars.clone()).await;
        assert_eq!(answer["errors"][0]["extensions"]["code"], expected, "{who:?}: {answer}");
        assert_eq!(answer["data"], Value::Null);
    }
    let after = (count(&s, "revision").await, count(&s, "relation").await, count(&s, "contribution").await);
    assert_eq!(before, after, "nothing was written");
    // Reads stay public, token or none.
    let read = post_as(&s, Some("not-a-token"), r#"{ entity(slug: "osce") { name } }"#, json!({})).await;
    assert_eq!(read["data"]["entity"]["name"], "Organisation for Security and Co-operation in Europe");
    s.stop().await;
}

#[tokio::test]
async fn ingesting_an_article_adds_its_facts_and_earlier_record_times_still_answer_as_before() {
    let s = TestServer::first_article().await;
    let writer = token(&s, "curator-ann", Scope::Write).await;
    let q = r#"query($k: DateTime) { entity(slug: "abkhazia") {
        relations(asOf: "2008-12-01", knownAt: $k) { totalCount edges { node { label citations { quote article { key } } } } } }
      osce: entity(slug: "osce") { aliases } }"#;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let before = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let then = s.data(q, json!({ "k": null })).await;

    let dry = post_as(&s, Some(&writer), INGEST, json!({ "toml": NEW_ARTICLE, "dry": true })).await;
    let dry = &dry["data"]["ingestBundle"];
    assert_eq!(dry["dryRun"], true);
    assert_eq!(dry["revisions"], json!([]));
    assert!(dry["created"].as_u64().expect("created") >= 2, "{dry}");
    assert_eq!(s.data(q, json!({ "k": null })).await, then, "a dry run writes nothing");

    let done = post_as(&s, Some(&writer), INGEST, json!({ "toml": NEW_ARTICLE })).await;
    let result = &done["data"]["ingestBundle"];
    assert_eq!(result["article"], json!({ "key": "test-2008-11-20-observers", "title": "Observers report calm" }));
    assert_eq!(result["dryRun"], false);
    let revisions = result["revisions"].as_array().expect("revisions");
    assert!(!revisions.is_empty());
    assert!(revisions.iter().all(|r| r["author"] == "curator-ann"), "revisions are authored by the token's name");

    let now = s.data(q, json!({ "k": null })).await;
    let labels: Vec<&str> = now["entity"]["relations"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| e["node"]["label"].as_str())
        .collect();
    assert!(labels.contains(&"OSCE presence in Abkhazia"), "{now}");
    let osce_aliases = now["osce"]["aliases"].as_array().expect("aliases");
    assert!(osce_aliases.contains(&json!("the Vienna-based OSCE")) && osce_aliases.contains(&json!("OSCE")), "{now}");
    let past = s.data(q, json!({ "k": before })).await;
    assert_eq!(past["entity"], then["entity"], "knownAt before the ingest answers as before");

    let again = post_as(&s, Some(&writer), INGEST, json!({ "toml": NEW_ARTICLE })).await;
    assert_eq!(again["data"]["ingestBundle"]["revisions"], json!([]), "the same bundle again changes nothing");

    let broken = NEW_ARTICLE
        .replace("from = \"2008-11\"", "from = \"2008-13\"")
        .replace("target = \"abkhazia\"", "target = \"atlantis\"");
    let refused = post_as(&s, Some(&writer), INGEST, json!({ "toml": broken })).await;
    let error = &refused["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    let places: Vec<&str> = error["extensions"]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["place"].as_str())
        .collect();
    assert_eq!(places, ["relations[0].periods[0].from"], "syntax and dates first: {refused}");
    s.stop().await;
}

#[tokio::test]
async fn a_retracted_fact_leaves_current_answers_and_stays_in_the_past() {
    let s = TestServer::first_article().await;
    let writer = token(&s, "curator-bo", Scope::Write).await;
    let rel_id = s.data(r#"{ relations(between: ["osce", "south-ossetia"], asOf: "2008-08-19") { edges { node { id revisions { id } } } } }"#, json!({})).await;
    let node = &rel_id["relations"]["edges"][0]["node"];
    let id = node["id"].as_str().expect("id").to_owned();
    let latest = node["revisions"].as_array().expect("revisions").last().expect("a revision")["id"].clone();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let before = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);

    let q = r#"mutation($id: ID!, $r: ID) { retract(id: $id, reason: "not in the article after all", expectedRevision: $r) {
        revision { action author summary subject { id } } } }"#;
    let done = post_as(&s, Some(&writer), q, json!({ "id": id, "r": latest })).await;
    let revision = &done["data"]["retract"]["revision"];
    assert_eq!(revision["action"], "retract", "{done}");
    assert_eq!(revision["author"], "curator-bo");
    assert_eq!(revision["summary"], "not in the article after all");
    assert_eq!(revision["subject"], Value::Null, "the fact is no longer current");

    let look = r#"query($k: DateTime) { relations(between: ["osce", "south-ossetia"], asOf: "2008-08-19", knownAt: $k) { totalCount } }"#;
    assert_eq!(s.data(look, json!({ "k": null })).await["relations"]["totalCount"], 0);
    assert_eq!(s.data(look, json!({ "k": before })).await["relations"]["totalCount"], 1);
    let again = post_as(&s, Some(&writer), q, json!({ "id": id, "r": null })).await;
    assert_eq!(again["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "nothing current to retract: {again}");
    s.stop().await;
}

#[tokio::test]
async fn two_curators_racing_from_one_revision_get_one_success_and_one_conflict() {
    let s = TestServer::first_article().await;
    let ann = token(&s, "ann", Scope::Write).await;
    let bo = token(&s, "bo", Scope::Admin).await;
    let found = s
        .data(r#"{ relations(between: ["nato", "georgia"], type: "commission", asOf: "2008-09-01") { edges { node { id revisions { id } } } } }"#, json!({}))
        .await;
    let node = &found["relations"]["edges"][0]["node"];
    let id = node["id"].clone();
    let base = node["revisions"].as_array().expect("revisions").last().expect("one")["id"].clone();
    let change = r#"mutation($id: ID!, $r: ID, $from: String!) {
      recordStatusChange(relation: $id, status: ACTIVE, from: $from, article: "bbc-2008-08-19-nato-cools-relations-with-russia",
        cite: "agreed to set up a Nato-Georgia commission", expectedRevision: $r) { revisions { id action } } }"#;
    let (a, b) = tokio::join!(
        post_as(&s, Some(&ann), change, json!({ "id": id, "r": base, "from": "2008-09-15" })),
        post_as(&s, Some(&bo), change, json!({ "id": id, "r": base, "from": "2008-09-16" })),
    );
    let codes: Vec<Value> = [&a, &b].iter().map(|r| r["errors"][0]["extensions"]["code"].clone()).collect();
    let wins = [&a, &b].iter().filter(|r| r["errors"].is_null()).count();
    assert_eq!(wins, 1, "exactly one succeeds: {a} {b}");
    assert!(codes.contains(&json!("CONFLICT")), "the other is told: {a} {b}");
    let loser = if a["errors"].is_null() { &b } else { &a };
    let latest = loser["errors"][0]["extensions"]["latestRevision"].clone();
    assert!(latest.is_string(), "the conflict names the latest revision: {loser}");

    // The winner's change holds: PROPOSED until the change, ACTIVE after.
    let status = |day: &'static str| {
        let s = &s;
        async move {
            let q = format!(
                r#"{{ relations(between: ["nato", "georgia"], type: "commission", asOf: "{day}") {{ edges {{ node {{ status(asOf: "{day}") history {{ status from {{ edtf }} to {{ edtf }} }} }} }} }} }}"#
            );
            s.data(&q, json!({})).await["relations"]["edges"][0]["node"].clone()
        }
    };
    assert_eq!(status("2008-09-01").await["status"], "PROPOSED");
    let later = status("2008-10-01").await;
    assert_eq!(later["status"], "ACTIVE");
    assert_eq!(later["history"].as_array().expect("history").len(), 2, "the open period was closed: {later}");
    // Based on the latest revision, the loser may try again.
    let retry = post_as(&s, Some(&ann), change, json!({ "id": id, "r": latest, "from": "2008-09-15" })).await;
    assert!(retry["errors"].is_null(), "{retry}");
    s.stop().await;
}

#[tokio::test]
async fn curators_add_and_correct_entities_relations_events_statements_and_citations_without_toml() {
    let s = TestServer::first_article().await;
    let w = token(&s, "cy", Scope::Write).await;
    let bbc = "bbc-2008-08-19-nato-cools-relations-with-russia";
    let put_entity = r#"mutation($a: String!) { putEntity(input: { slug: "helen-fawkes", kind: ACTOR, category: "person", name: "Helen Fawkes" },
        article: $a, cite: "the BBC's Helen Fawkes") { revisions { action subject { ... on Actor { name } } } } }"#;
    let made = post_as(&s, Some(&w), put_entity, json!({ "a": bbc })).await;
    assert_eq!(
        made["data"]["putEntity"]["revisions"],
        json!([{ "action": "create", "subject": { "name": "Helen Fawkes" } }]),
        "{made}"
    );
    // The BBC's part of Georgia says what Georgia is; a part with only an
    // alias would leave no article saying it, and is refused.
    let alias = r#"mutation($a: String!) { putEntity(input: { slug: "georgia", aliases: ["Sakartvelo"] }, article: $a, cite: "Georgia") { revisions { action } } }"#;
    let refused = post_as(&s, Some(&w), alias, json!({ "a": bbc })).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    // Another article may add the alias.
    let other = "[article]\nkey = \"test-other\"\ntitle = \"Other\"\npublisher = \"Test\"\npublished_at = \"2008-09-01T00:00:00Z\"\n";
    let ingested = post_as(&s, Some(&w), INGEST, json!({ "toml": other })).await;
    assert!(ingested["errors"].is_null(), "{ingested}");
    let added = post_as(&s, Some(&w), alias, json!({ "a": "test-other" })).await;
    assert_eq!(added["data"]["putEntity"]["revisions"], json!([{ "action": "update" }]), "{added}");
    let g = s.data(r#"{ entity(slug: "georgia") { name aliases externalIds { value } } }"#, json!({})).await;
    assert_eq!(g["entity"]["name"], "Georgia");
    assert!(g["entity"]["aliases"].as_array().expect("aliases").contains(&json!("Sakartvelo")));
    assert!(
        g["entity"]["externalIds"].as_array().expect("ids").contains(&json!({ "value": "Q230" })),
        "nothing is lost: {g}"
    );

    let statement = r#"mutation($a: String!) { putStatement(input: { key: "fawkes-at-the-scene", speaker: "helen-fawkes", date: "2008-08-19",
        summary: "The reporter was at the prisoner exchange.", about: ["georgia"], quantities: [{ what: "prisoners", value: 20 }] },
        article: $a, cite: "who was at the scene") { revisions { action } } }"#;
    let said = post_as(&s, Some(&w), statement, json!({ "a": bbc })).await;
    assert_eq!(said["data"]["putStatement"]["revisions"][0]["action"], "create", "{said}");
    let bad = post_as(&s, Some(&w), &statement.replace("2008-08-19", "2008-19-08"), json!({ "a": bbc })).await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{bad}");
    let unknown_article = post_as(&s, Some(&w), put_entity, json!({ "a": "no-such-article" })).await;
    assert_eq!(unknown_article["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{unknown_article}");

    let st = s
        .data(
            r#"{ statements(speaker: "helen-fawkes") { edges { node { id summary citations { quote } } } } }"#,
            json!({}),
        )
        .await;
    let st_id = st["statements"]["edges"][0]["node"]["id"].clone();
    let cite = r#"mutation($id: ID!, $a: String!) { cite(id: $id, article: $a, quote: "Helen Fawkes, who was at the scene") { revisions { action } } }"#;
    post_as(&s, Some(&w), cite, json!({ "id": st_id, "a": bbc })).await;
    let st = s
        .data(r#"{ statements(speaker: "helen-fawkes") { edges { node { citations { quote } } } } }"#, json!({}))
        .await;
    assert_eq!(
        st["statements"]["edges"][0]["node"]["citations"],
        json!([{ "quote": "Helen Fawkes, who was at the scene" }])
    );

    let relation = r#"mutation($a: String!) { putRelation(input: { key: "fawkes-reports-for-bbc-test", type: "backs", label: "test", source: "helen-fawkes", target: "atlantis" },
        article: $a, cite: "x") { revisions { action } } }"#;
    let missing = post_as(&s, Some(&w), relation, json!({ "a": bbc })).await;
    assert_eq!(missing["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{missing}");
    assert!(missing["errors"][0]["message"].as_str().expect("message").contains("atlantis"), "{missing}");
    s.stop().await;
}
