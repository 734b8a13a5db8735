//! The cost limit: computed from the served schema's own declarations
//! before anything runs; every list declares its size; GraphiQL and the
//! README's examples pass, the nested-pages attack does not, and every
//! answer says what it cost.

use api::protect::cost::CostModel;
use serde_json::{json, Value};
use testkit::TestServer;

fn model() -> CostModel {
    CostModel::from_sdl(&api::graphql::build_schema().sdl()).expect("the served SDL parses")
}

fn cost(query: &str) -> u64 {
    let doc = async_graphql::parser::parse_query(query).expect("parses");
    model().cost(&doc, &async_graphql::Variables::default())
}

const INTROSPECTION: &str = r#"query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
  types { ...FullType } directives { name description locations args { ...InputValue } } } }
  fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description args { ...InputValue }
    type { ...TypeRef } isDeprecated deprecationReason } inputFields { ...InputValue } interfaces { ...TypeRef }
    enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
  fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
  fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"#;

/// The README's first example: the council's history, with sources.
const README_COUNCIL: &str = r#"{ relations(between: ["nato", "russia"], type: "council", asOf: "2008-09-01") { edges { node {
  label status(asOf: "2008-09-01") history { status from { edtf earliest latest } to { edtf }
  citations { quote article { title publisher publishedAt } } } } } } }"#;

/// A dashboard's page: 100 relations with both ends, status, history and citations.
const DASHBOARD_PAGE: &str = r#"{ relations(first: 100, asOf: "2030-01-01") { edges { node {
  label source { slug name aliases kind } target { slug name externalIds { value } } status(asOf: "2030-01-01")
  history { status from { edtf } to { edtf } citations { quote article { title } } } citations { quote article { title } } } } } }"#;

/// The attack of the issue: pages of 100 nested in pages of 100, under aliases.
fn attack(aliases: usize) -> String {
    let inner = "relations(first: 100) { edges { node { label source { relations(first: 100) { edges { node { label target { name } } } } } } } }";
    let one = format!("entities(first: 100) {{ edges {{ node {{ {inner} }} }} }}");
    let body: Vec<String> = (0..aliases).map(|i| format!("a{i}: {one}")).collect();
    format!("{{ {} }}", body.join(" "))
}

#[test]
fn every_list_in_the_schema_declares_its_size() {
    assert_eq!(model().unsized_lists(), Vec::<String>::new(), "give each list a first argument or an assumedSize");
    let sdl = api::graphql::build_schema().sdl();
    assert!(sdl.contains("directive @listSize("), "the SDL declares @listSize");
    assert!(sdl.contains("directive @cost("), "the SDL declares @cost");
    assert!(sdl.contains(r#"@listSize(slicingArguments: ["first"], sizedFields: ["edges"]"#), "{sdl}");
}

#[test]
fn the_default_limit_admits_what_people_send_and_refuses_the_attack() {
    let limit = api::graphql::DEFAULT_COST_LIMIT;
    for (name, query) in
        [("introspection", INTROSPECTION), ("README council", README_COUNCIL), ("dashboard page", DASHBOARD_PAGE)]
    {
        let c = cost(query);
        assert!(c > 0 && c <= limit, "{name} costs {c}, over {limit}");
    }
    // The README's worked example.
    assert_eq!(cost("{ relations(first: 20) { edges { node { label history { citations { quote } } } } } }"), 8_441);
    // 20 relations, each with up to 20 periods of up to 20 citations.
    assert_eq!(cost(README_COUNCIL), 1 + 20 * (1 + 1 + 20 * (1 + 1 + 1 + 20 * (1 + 1))));
    let big = attack(80);
    assert!(big.len() > 10_000, "the attack is tens of kilobytes");
    assert!(cost(&big) > 1_000 * limit, "the attack costs {}", cost(&big));
    assert!(cost(&attack(1)) > limit, "even one copy of pages nested three deep is refused: {}", cost(&attack(1)));
}

#[tokio::test]
async fn a_costly_query_is_refused_before_any_sql_and_every_answer_says_its_cost() {
    let s = TestServer::first_article().await;
    let before = s.statements.load(std::sync::atomic::Ordering::SeqCst);
    let refused = s.post(&attack(80), json!({})).await;
    let error = &refused["errors"][0];
    assert_eq!(error["extensions"]["code"], "QUERY_TOO_COSTLY", "{error}");
    assert_eq!(error["extensions"]["limit"], api::graphql::DEFAULT_COST_LIMIT);
    assert!(error["extensions"]["cost"].as_u64().expect("cost") > api::graphql::DEFAULT_COST_LIMIT);
    assert!(error["message"].as_str().expect("message").contains("over the limit"), "{error}");
    assert_eq!(refused["data"], Value::Null);
    assert_eq!(s.statements.load(std::sync::atomic::Ordering::SeqCst), before, "no SQL ran");

    let ok = s.post(README_COUNCIL, json!({})).await;
    assert!(ok["errors"].is_null(), "{ok}");
    assert_eq!(
        ok["extensions"]["cost"],
        json!({ "requested": cost(README_COUNCIL), "limit": api::graphql::DEFAULT_COST_LIMIT })
    );
    let introspection = s.post(INTROSPECTION, json!({})).await;
    assert!(introspection["data"]["__schema"]["types"].is_array(), "GraphiQL's introspection passes");
    s.stop().await;
}

#[tokio::test]
async fn in_measure_mode_a_costly_query_runs_and_says_it_would_be_refused() {
    let db = testkit::TestDb::new().await.expect("test database");
    let (name, text) = seed::bundled()[0];
    db.store.load(&seed::parse_bundled(name, text).expect("valid"), "seed").await.expect("loads");
    let cost = api::graphql::CostPolicy { limit: 10, mode: api::graphql::CostMode::Measure };
    let s = testkit::TestServer::with_limits(db, api::config::Limits { cost, ..Default::default() }).await;
    let response = s.post(README_COUNCIL, serde_json::json!({})).await;
    assert!(response["errors"].is_null(), "{response}");
    assert_eq!(response["extensions"]["cost"]["wouldBeRefused"], true);
    assert_eq!(response["extensions"]["cost"]["limit"], 10);
    s.stop().await;
}
