//! The API over real HTTP against a seeded database, on SQLite or (with
//! `TEST_DATABASE_URL`) PostgreSQL: every root field of the contract, both
//! time axes, pagination, global IDs, search, paths and error codes.

use serde_json::{json, Value};
use testkit::{node_strings, TestServer};

const NRC_STATUS: &str = r#"query($asOf: Date, $knownAt: DateTime) {
  relations(between: ["nato", "russia"], type: "council", asOf: $asOf, knownAt: $knownAt) {
    totalCount
    edges { node { label status(asOf: $asOf, knownAt: $knownAt) } }
  }
}"#;

#[tokio::test]
async fn nato_russia_council_status_before_and_after_its_suspension() {
    let s = TestServer::first_article().await;
    for (as_of, expected) in [
        ("2001-12-31", None),
        ("2002-01-01", Some("ACTIVE")),
        ("2008-07-31", Some("ACTIVE")),
        ("2008-08-01", Some("SUSPENDED")),
        ("2008-09-01", Some("SUSPENDED")),
    ] {
        let data = s.data(NRC_STATUS, json!({ "asOf": as_of })).await;
        let rel = &data["relations"];
        match expected {
            None => assert_eq!(rel["totalCount"], 0, "the council did not exist on {as_of}"),
            Some(status) => {
                assert_eq!(rel["totalCount"], 1, "on {as_of}");
                assert_eq!(rel["edges"][0]["node"]["label"], "NATO–Russia Council");
                assert_eq!(rel["edges"][0]["node"]["status"], status, "on {as_of}");
            }
        }
    }
    let history = s
        .data(
            r#"{ relations(between: ["russia", "nato"], asOf: "2008-09-01") { edges { node {
                history { status from { edtf precision earliest latest } to { edtf latest }
                          citations { quote article { title publisher publishedAt } } } } } } }"#,
            json!({}),
        )
        .await;
    let periods = &history["relations"]["edges"][0]["node"]["history"];
    assert_eq!(periods[0]["status"], "ACTIVE");
    assert_eq!(
        periods[0]["from"],
        json!({ "edtf": "2002", "precision": "YEAR", "earliest": "2002-01-01", "latest": "2002-12-31" })
    );
    assert_eq!(periods[0]["to"], json!({ "edtf": "2008-08", "latest": "2008-08-31" }));
    assert_eq!(periods[1]["status"], "SUSPENDED");
    assert_eq!(periods[1]["from"]["edtf"], "2008-08");
    assert_eq!(periods[1]["to"], Value::Null);
    for p in periods.as_array().expect("history is a list") {
        assert_eq!(p["citations"][0]["article"]["title"], "Nato cools relations with Russia");
        assert_eq!(p["citations"][0]["article"]["publishedAt"], "2008-08-19T16:07:00Z");
    }
    s.stop().await;
}

#[tokio::test]
async fn known_at_before_a_correction_sees_what_was_known_then() {
    let s = TestServer::first_article().await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let before = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    // A correction: the suspension is dated to the day, and the council is
    // now said to have been suspended only from 2008-08-19.
    let (name, text) = seed::bundled()[0];
    let corrected =
        text.replacen("status = \"suspended\"\nfrom = \"2008-08\"", "status = \"suspended\"\nfrom = \"2008-08-19\"", 1);
    let corrected = corrected.replacen("from = \"2002\"\nto = \"2008-08\"", "from = \"2002\"\nto = \"2008-08-19\"", 1);
    let valid = seed::parse_bundled(name, &corrected).expect("the correction is valid");
    let report = s.db.store.load(&valid, "editor").await.expect("the correction loads");
    assert_eq!(report.updated, 1);

    let q = r#"query($k: DateTime) { relations(between: ["nato", "russia"], asOf: "2008-08-10", knownAt: $k) {
        edges { node { status(asOf: "2008-08-10", knownAt: $k) history(knownAt: $k) { from { edtf } recordedAt } revisions { action author } } } } }"#;
    let then = s.data(q, json!({ "k": before })).await;
    let node = &then["relations"]["edges"][0]["node"];
    assert_eq!(node["status"], "SUSPENDED", "as first recorded, August 2008 counts as suspended");
    assert_eq!(node["history"][1]["from"]["edtf"], "2008-08");

    let now = s.data(q, json!({ "k": null })).await;
    let node = &now["relations"]["edges"][0]["node"];
    assert_eq!(node["status"], "ACTIVE", "after the correction, 10 August is before the suspension");
    assert_eq!(node["history"][1]["from"]["edtf"], "2008-08-19");
    assert_eq!(
        node["revisions"],
        json!([{ "action": "create", "author": "seed" }, { "action": "update", "author": "editor" }])
    );
    s.stop().await;
}

#[tokio::test]
async fn paging_through_all_entities_has_no_duplicate_and_no_gap() {
    let s = TestServer::first_article().await;
    let all = s.data("{ entities(first: 100) { totalCount edges { node { slug } } } }", json!({})).await;
    let expected = node_strings(&all["entities"], "slug");
    assert_eq!(all["entities"]["totalCount"], 20);
    assert_eq!(expected.len(), 20);

    let mut seen = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let page = s
            .data(
                "query($after: String) { entities(first: 3, after: $after) { edges { cursor node { slug } } pageInfo { hasNextPage hasPreviousPage endCursor } } }",
                json!({ "after": after }),
            )
            .await;
        let conn = &page["entities"];
        seen.extend(node_strings(conn, "slug"));
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], pages > 0);
        pages += 1;
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
        assert!(pages < 20, "paging terminates");
    }
    assert_eq!(pages, 7);
    assert_eq!(seen, expected, "every entity once, in slug order");

    let regions = s.data("{ entities(kind: REGION) { totalCount edges { node { slug kind } } } }", json!({})).await;
    assert_eq!(regions["entities"]["totalCount"], 7);
    assert!(regions["entities"]["edges"].as_array().expect("edges").iter().all(|e| e["node"]["kind"] == "REGION"));
    let persons = s.data(r#"{ entities(category: "person") { edges { node { slug } } } }"#, json!({})).await;
    assert_eq!(
        node_strings(&persons["entities"], "slug"),
        ["dmitry-medvedev", "jaap-de-hoop-scheffer", "sergei-lavrov"]
    );
    s.stop().await;
}

#[tokio::test]
async fn every_node_type_round_trips_through_node_and_nodes() {
    let s = TestServer::seeded().await;
    let ids = s
        .data(
            r#"{
              actor: entity(slug: "russia") { id __typename }
              organisation: entity(slug: "nato") { id __typename }
              region: entity(slug: "gori") { id __typename }
              relations(between: ["nato", "russia"]) { edges { node { id } } }
              events(region: "igoeti") { edges { node { id } } }
              statements(speaker: "sergei-lavrov") { edges { node { id } } }
              articles { edges { node { id } } }
            }"#,
            json!({}),
        )
        .await;
    let cases = [
        (ids["actor"]["id"].clone(), "Actor"),
        (ids["organisation"]["id"].clone(), "Organisation"),
        (ids["region"]["id"].clone(), "Region"),
        (ids["relations"]["edges"][0]["node"]["id"].clone(), "Relation"),
        (ids["events"]["edges"][0]["node"]["id"].clone(), "Event"),
        (ids["statements"]["edges"][0]["node"]["id"].clone(), "Statement"),
        (ids["articles"]["edges"][0]["node"]["id"].clone(), "Article"),
    ];
    for (id, typename) in &cases {
        assert!(id.is_string(), "{typename} has an id");
        let back = s.data("query($id: ID!) { node(id: $id) { __typename id } }", json!({ "id": id })).await;
        assert_eq!(back["node"]["__typename"], *typename);
        assert_eq!(&back["node"]["id"], id);
    }
    let all: Vec<Value> = cases.iter().map(|(id, _)| id.clone()).collect();
    let many = s.data("query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }", json!({ "ids": all })).await;
    let names: Vec<&str> =
        many["nodes"].as_array().expect("list").iter().map(|n| n["__typename"].as_str().unwrap_or("")).collect();
    assert_eq!(names, ["Actor", "Organisation", "Region", "Relation", "Event", "Statement", "Article"]);

    let specific = s
        .data(
            "query($id: ID!) { node(id: $id) { ... on Relation { label source { slug } target { slug } } } }",
            json!({ "id": cases[3].0 }),
        )
        .await;
    assert_eq!(
        specific["node"],
        json!({ "label": "NATO–Russia Council", "source": { "slug": "nato" }, "target": { "slug": "russia" } })
    );

    // Well-formed but unknown: null. Malformed: a clear error.
    let unknown = s.data(r#"{ node(id: "RW50aXR5OmF0bGFudGlz") { id } }"#, json!({})).await;
    assert_eq!(unknown["node"], Value::Null);
    let (code, message) = s.error(r#"{ node(id: "not-an-id!") { id } }"#, json!({})).await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("not an ID issued by this API"), "{message}");
    s.stop().await;
}

#[tokio::test]
async fn search_ranks_exact_then_prefix_then_substring_ignoring_case_and_accents() {
    let s = TestServer::first_article().await;
    let q = "query($t: String!, $k: EntityKind) { search(text: $t, kind: $k) { slug } }";
    let slugs = |v: &Value| -> Vec<String> {
        v["search"].as_array().expect("list").iter().map(|e| e["slug"].as_str().unwrap_or("").to_owned()).collect()
    };
    let georgia = s.data(q, json!({ "t": "GEORGIA" })).await;
    assert_eq!(slugs(&georgia), ["georgia", "georgian-armed-forces", "nato-georgia-commission"]);
    let by_alias = s.data(q, json!({ "t": "moscow" })).await;
    assert_eq!(slugs(&by_alias), ["russia"], "aliases are searched");
    let accented = s.data(q, json!({ "t": "Tbílisi" })).await;
    assert_eq!(slugs(&accented), ["tbilisi"], "accents are folded");
    let kinds = s.data(q, json!({ "t": "russia", "k": "ORGANISATION" })).await;
    assert_eq!(slugs(&kinds), ["nato-russia-council"], "the kind filter applies");
    let nrc = s.data(q, json!({ "t": "NRC" })).await;
    assert_eq!(slugs(&nrc), ["nato-russia-council"]);
    let (code, _) = s.error(q, json!({ "t": " -- " })).await;
    assert_eq!(code, "BAD_USER_INPUT");
    s.stop().await;
}

#[tokio::test]
async fn path_finds_a_shortest_chain_two_hops_apart() {
    let s = TestServer::seeded().await;
    let q = r#"query($from: String!, $to: String!, $d: Int) { path(from: $from, to: $to, asOf: "2008-09-01", maxDepth: $d) {
        type source { slug } target { slug } } }"#;
    let found = s.data(q, json!({ "from": "gori", "to": "tbilisi", "d": 4 })).await;
    let chain = found["path"].as_array().expect("a path exists");
    assert_eq!(chain.len(), 2, "{found}");
    assert_eq!(chain[0]["source"]["slug"], "gori");
    assert_eq!(chain[0]["target"]["slug"], "georgia");
    assert_eq!(chain[1]["target"]["slug"], "georgia");
    assert_eq!(chain[1]["source"]["slug"], "tbilisi");

    let too_short = s.data(q, json!({ "from": "gori", "to": "tbilisi", "d": 1 })).await;
    assert_eq!(too_short["path"], Value::Null, "no chain within one step");

    // Before the 2008 crisis nothing links the NATO–Georgia Commission's ends through it.
    let early =
        s.data(r#"{ path(from: "nato", to: "georgia", asOf: "2008-07-01", maxDepth: 1) { label } }"#, json!({})).await;
    assert_eq!(early["path"], Value::Null);
    let later =
        s.data(r#"{ path(from: "nato", to: "georgia", asOf: "2008-09-01", maxDepth: 1) { label } }"#, json!({})).await;
    assert_eq!(later["path"], json!([{ "label": "NATO–Georgia Commission" }]));
    let (code, _) = s.error(r#"{ path(from: "nato", to: "georgia", maxDepth: 7) { label } }"#, json!({})).await;
    assert_eq!(code, "BAD_USER_INPUT");
    s.stop().await;
}

#[tokio::test]
async fn errors_carry_codes_and_name_the_argument() {
    let s = TestServer::seeded().await;
    let (code, message) =
        s.error(r#"{ relations(entity: "nato", asOf: "2008-13-45") { totalCount } }"#, json!({})).await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert_eq!(message, "asOf: `2008-13-45` is not a valid date: month 13 does not exist (01 to 12)");

    let (code, message) = s.error(r#"{ relations(entity: "atlantis") { totalCount } }"#, json!({})).await;
    assert_eq!(code, "NOT_FOUND");
    assert!(message.contains("atlantis"), "{message}");

    let (code, message) = s.error(r#"{ entities(first: 1000) { totalCount } }"#, json!({})).await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.starts_with("first:"), "{message}");

    let (code, _) = s.error(r#"{ relations(knownAt: "yesterday") { totalCount } }"#, json!({})).await;
    assert_eq!(code, "BAD_USER_INPUT");
    let (code, _) = s.error(r#"{ events(from: "2008-09-01", to: "2008-08-01") { totalCount } }"#, json!({})).await;
    assert_eq!(code, "BAD_USER_INPUT");
    let (code, _) = s.error(r#"{ entities(after: "bogus") { totalCount } }"#, json!({})).await;
    assert_eq!(code, "BAD_USER_INPUT");
    let (code, _) = s.error(r#"{ relations(between: ["nato"]) { totalCount } }"#, json!({})).await;
    assert_eq!(code, "BAD_USER_INPUT");

    let missing = s.data(r#"{ entity(slug: "atlantis") { name } }"#, json!({})).await;
    assert_eq!(missing["entity"], Value::Null, "an unknown slug in `entity` is null, as the contract allows");
    s.stop().await;
}

#[tokio::test]
async fn entities_expose_their_relations_events_statements_and_places() {
    let s = TestServer::first_article().await;
    let data = s
        .data(
            r#"{
              georgia: entity(slug: "georgia") {
                kind category externalIds { scheme value }
                ... on Actor { regions(asOf: "2008-09-01") { slug } }
                relations(asOf: "2008-09-01", type: "armed-conflict") { totalCount edges { node { label symmetric } } }
                events(from: "2008-08-19", to: "2008-08-19") { totalCount edges { node { title date { edtf } } } }
              }
              ossetia: entity(slug: "south-ossetia") { ... on Region { partOf(asOf: "2008-09-01") { slug } parts { slug } } }
              nato: entity(slug: "nato") {
                aliases
                ... on Organisation { members { slug } }
                statements(first: 2) { totalCount edges { node { summary speaker { slug } } } }
                revisions { action author recordedAt }
                citations { article { title } }
              }
              lavrov: statements(speaker: "sergei-lavrov") { edges { node { quote date { edtf precision } about { slug } citations { quote } } } }
              exchange: events(region: "igoeti") { edges { node { type cameoCode location { slug } date { edtf }
                participants { role entity { slug } } quantities { what value unit approximate } } } }
              suspended: relations(status: SUSPENDED, asOf: "2010-01-01") { edges { node { label } } }
            }"#,
            json!({}),
        )
        .await;
    let g = &data["georgia"];
    assert_eq!(g["kind"], "ACTOR");
    assert_eq!(g["category"], "state");
    assert!(g["externalIds"].as_array().expect("ids").contains(&json!({ "scheme": "iso-3166", "value": "GE" })));
    let mut regions: Vec<&str> =
        g["regions"].as_array().expect("regions").iter().filter_map(|r| r["slug"].as_str()).collect();
    regions.sort();
    assert_eq!(regions, ["abkhazia", "gori", "igoeti", "poti", "south-ossetia", "tbilisi"]);
    assert_eq!(g["relations"]["totalCount"], 1);
    assert_eq!(g["relations"]["edges"][0]["node"]["symmetric"], true);
    assert!(g["events"]["totalCount"].as_u64().expect("count") >= 3);

    assert_eq!(data["ossetia"]["partOf"], json!([{ "slug": "georgia" }]));
    assert_eq!(data["ossetia"]["parts"], json!([]));

    let n = &data["nato"];
    assert!(n["aliases"].as_array().expect("aliases").contains(&json!("Nato")));
    assert_eq!(n["members"], json!([]), "the article names no member state");
    assert_eq!(n["statements"]["edges"].as_array().expect("edges").len(), 2);
    assert_eq!(n["statements"]["totalCount"], 3);
    assert_eq!(n["statements"]["edges"][0]["node"]["speaker"]["slug"], "nato");
    assert_eq!(n["revisions"][0]["action"], "create");
    assert_eq!(n["revisions"][0]["author"], "seed");
    assert_eq!(n["citations"][0]["article"]["title"], "Nato cools relations with Russia");

    let lavrov = &data["lavrov"]["edges"][0]["node"];
    assert!(lavrov["quote"].as_str().expect("quote").contains("permanent bases"));
    assert_eq!(lavrov["date"], json!({ "edtf": "2008-08-19", "precision": "DAY" }));

    let exchange = &data["exchange"]["edges"][0]["node"];
    assert_eq!(exchange["type"], "prisoner-exchange");
    assert_eq!(exchange["location"]["slug"], "igoeti");
    let values: Vec<f64> =
        exchange["quantities"].as_array().expect("quantities").iter().filter_map(|q| q["value"].as_f64()).collect();
    assert!(values.contains(&15.0) && values.contains(&5.0), "{exchange}");

    assert_eq!(data["suspended"]["edges"], json!([{ "node": { "label": "NATO–Russia Council" } }]));
    s.stop().await;
}

#[tokio::test]
async fn timelines_merge_status_changes_events_and_statements_oldest_first() {
    let s = TestServer::seeded().await;
    let data = s
        .data(
            r#"{ timeline(entities: ["nato", "russia"], from: "2008-08-01", to: "2008-08-31") {
                 kind title date { edtf earliest } relation { label } event { title } statement { summary } } }"#,
            json!({}),
        )
        .await;
    let entries = data["timeline"].as_array().expect("timeline");
    assert!(entries.len() >= 10, "{data}");
    let earliest: Vec<&str> = entries.iter().filter_map(|e| e["date"]["earliest"].as_str()).collect();
    let mut sorted = earliest.clone();
    sorted.sort();
    assert_eq!(earliest, sorted, "oldest first");
    let titles: Vec<&str> = entries.iter().filter_map(|e| e["title"].as_str()).collect();
    assert!(titles.contains(&"NATO–Russia Council: SUSPENDED"), "{titles:?}");
    assert!(entries.iter().any(|e| e["kind"] == "EVENT" && e["event"]["title"].is_string()));
    assert!(entries.iter().any(|e| e["kind"] == "STATEMENT" && e["statement"]["summary"].is_string()));
    for e in entries {
        assert_eq!(e["kind"] == "STATUS_CHANGE", e["relation"].is_object());
    }
    let one = s
        .data(
            r#"{ entity(slug: "nato") { timeline(from: "2002-01-01", to: "2002-12-31") { kind title } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(one["entity"]["timeline"], json!([{ "kind": "STATUS_CHANGE", "title": "NATO–Russia Council: ACTIVE" }]));
    s.stop().await;
}

#[tokio::test]
async fn articles_list_the_seeded_source() {
    let s = TestServer::first_article().await;
    let data =
        s.data("{ articles { totalCount edges { node { title publisher url publishedAt } } } }", json!({})).await;
    assert_eq!(data["articles"]["totalCount"], 1);
    assert_eq!(
        data["articles"]["edges"][0]["node"],
        json!({ "title": "Nato cools relations with Russia", "publisher": "BBC News", "url": null, "publishedAt": "2008-08-19T16:07:00Z" })
    );
    s.stop().await;
}

#[tokio::test]
async fn timelines_find_fuzzy_starts_that_overlap_the_range_however_wide() {
    let s = TestServer::seeded().await;
    // The OSCE's presence in South Ossetia starts in the 1990s (199X).
    let q = r#"query($from: Date, $to: Date) { entity(slug: "osce") { timeline(from: $from, to: $to) { kind title date { edtf } } } }"#;
    let nineties = s.data(q, json!({ "from": "1995-06-01", "to": "1995-06-30" })).await;
    let titles: Vec<&str> =
        nineties["entity"]["timeline"].as_array().expect("list").iter().filter_map(|e| e["title"].as_str()).collect();
    assert!(titles.iter().any(|t| t.ends_with(": ACTIVE")), "{nineties}");

    // A start known only as "some time between 1960 and 2000" (wider than a
    // decade) overlaps 1975, and is found.
    let extra = r#"
[article]
key = "test-wide-start"
title = "A test source"
publisher = "Test"
published_at = "2001-01-01T00:00:00Z"

[[relations]]
key = "test-osce-un-contact"
type = "supports"
label = "OSCE–UN contact"
source = "osce"
target = "united-nations"
cite = "contact"

[[relations.periods]]
status = "active"
from = "1960/2000"
cite = "contact"
"#;
    let valid = seed::bundle::parse("wide.toml", extra).expect("a valid test bundle");
    s.db.store.load(&valid, "test").await.expect("it loads");
    let seventies = s.data(q, json!({ "from": "1975-01-01", "to": "1975-12-31" })).await;
    assert_eq!(
        seventies["entity"]["timeline"],
        json!([{ "kind": "STATUS_CHANGE", "title": "OSCE–UN contact: ACTIVE", "date": { "edtf": "1960/2000" } }])
    );
    let before = s.data(q, json!({ "from": "1950-01-01", "to": "1959-12-31" })).await;
    assert_eq!(before["entity"]["timeline"], json!([]));
    s.stop().await;
}

const STATUS_ON: &str = r#"query($pair: [String!], $type: String, $d: Date) {
  relations(between: $pair, type: $type, asOf: $d) { edges { node {
    label status(asOf: $d) statusOn(asOf: $d) { status certain period { from { edtf } to { edtf } } } } } }
}"#;

#[tokio::test]
async fn answers_say_whether_a_day_is_inside_a_fuzzy_bound() {
    let s = TestServer::seeded().await;
    let answer = |pair: [&str; 2], rel_type: &str, day: &str| {
        let vars = json!({ "pair": pair, "type": rel_type, "d": day });
        let s = &s;
        async move { s.data(STATUS_ON, vars).await["relations"]["edges"][0]["node"]["statusOn"].clone() }
    };
    // The NATO–Georgia Commission was agreed "in August 2008", so on 1 August
    // it is only possibly PROPOSED, and certainly so by September.
    let early = answer(["nato", "georgia"], "commission", "2008-08-01").await;
    assert_eq!(early["status"], "PROPOSED");
    assert_eq!(early["certain"], false);
    assert_eq!(early["period"]["from"]["edtf"], "2008-08");
    let later = answer(["nato", "georgia"], "commission", "2008-09-01").await;
    assert_eq!((later["status"].as_str(), later["certain"].as_bool()), (Some("PROPOSED"), Some(true)));
    // The NATO–Russia Council: suspended at some point in August 2008.
    let nrc = answer(["nato", "russia"], "council", "2008-08-05").await;
    assert_eq!((nrc["status"].as_str(), nrc["certain"].as_bool()), (Some("SUSPENDED"), Some(false)));
    let nrc = answer(["nato", "russia"], "council", "2005-01-01").await;
    assert_eq!((nrc["status"].as_str(), nrc["certain"].as_bool()), (Some("ACTIVE"), Some(true)));

    let count = |day: &str, status: &str, certainty: &str| {
        let q = format!(
            r#"{{ relations(between: ["nato", "russia"], type: "council", asOf: "{day}", status: {status}, certainty: {certainty}) {{ totalCount }} }}"#
        );
        let s = &s;
        async move { s.data(&q, json!({})).await["relations"]["totalCount"].as_u64() }
    };
    assert_eq!(count("2008-08-05", "SUSPENDED", "POSSIBLE").await, Some(1));
    assert_eq!(count("2008-08-05", "SUSPENDED", "CERTAIN").await, Some(0));
    assert_eq!(count("2008-09-01", "SUSPENDED", "CERTAIN").await, Some(1));
    assert_eq!(count("2008-08-05", "ACTIVE", "POSSIBLE").await, Some(0), "the later start decides");
    s.stop().await;
}

#[tokio::test]
async fn status_and_the_status_filter_agree_on_a_tie_of_start_and_record_time() {
    let s = TestServer::seeded().await;
    // Two periods of one bundle whose starts, `2008` and `2008-01`, share
    // their earliest day and their record time: the later row decides, in
    // the field and in the filter alike.
    let tie = r#"
[article]
key = "test-tie"
title = "A test source"
publisher = "Test"
published_at = "2009-01-01T00:00:00Z"

[[relations]]
key = "test-tie-council"
type = "council"
label = "Tie council"
source = "nato"
target = "russia"
cite = "council"

[[relations.periods]]
status = "active"
from = "2008"
cite = "active"

[[relations.periods]]
status = "suspended"
from = "2008-01"
cite = "suspended"
"#;
    let valid = seed::bundle::parse("tie.toml", tie).expect("a valid test bundle");
    s.db.store.load(&valid, "test").await.expect("it loads");
    let field = s
        .data(r#"{ relations(between: ["nato", "russia"], asOf: "2008-06-01") { edges { node { label status(asOf: "2008-06-01") } } } }"#, json!({}))
        .await;
    let tie_status = field["relations"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["label"] == "Tie council")
        .map(|e| e["node"]["status"].clone());
    assert_eq!(tie_status, Some(json!("SUSPENDED")));
    for (status, expected) in [("ACTIVE", 0), ("SUSPENDED", 1)] {
        let q = format!(
            r#"{{ relations(between: ["nato", "russia"], type: "council", asOf: "2008-06-01", status: {status}) {{ edges {{ node {{ label }} }} }} }}"#
        );
        let found = s.data(&q, json!({})).await;
        let labels: Vec<&str> = found["relations"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .filter_map(|e| e["node"]["label"].as_str())
            .filter(|l| *l == "Tie council")
            .collect();
        assert_eq!(labels.len(), expected, "{status}: {found}");
    }
    s.stop().await;
}

#[tokio::test]
async fn stored_values_no_rule_knows_are_internal_errors_not_defaults() {
    use sea_orm::ConnectionTrait;
    let s = TestServer::seeded().await;
    let corrupt = |sql: &'static str| {
        let db = store::testing::connection(&s.db.store).clone();
        async move { db.execute_unprepared(sql).await.expect("corrupt a row") }
    };
    // A status no rule knows: the council's status is an error, not ACTIVE.
    corrupt("UPDATE status_period SET status = 'paused' WHERE relation_key = 'nato-russia-council' AND status = 'suspended'").await;
    let response = s
        .post(r#"{ relations(between: ["nato", "russia"], type: "council", asOf: "2009-01-01") { edges { node { status(asOf: "2009-01-01") } } } }"#, json!({}))
        .await;
    assert_eq!(response["errors"][0]["extensions"]["code"], "INTERNAL", "{response}");
    assert_eq!(response["errors"][0]["message"], "internal error", "no detail leaks");
    // A kind no rule knows: not quietly an actor.
    corrupt("UPDATE entity SET kind = 'planet' WHERE slug = 'osce'").await;
    let response = s.post(r#"{ entity(slug: "osce") { name } }"#, json!({})).await;
    assert_eq!(response["errors"][0]["extensions"]["code"], "INTERNAL", "{response}");
    assert_eq!(response["data"]["entity"], Value::Null);
    // An instant out of range: not quietly 1970.
    corrupt("UPDATE article SET published_at = 9223372036854775807").await;
    let response = s.post("{ articles { edges { node { publishedAt } } } }", json!({})).await;
    assert_eq!(response["errors"][0]["extensions"]["code"], "INTERNAL", "{response}");
    s.stop().await;
}

#[tokio::test]
async fn the_shipped_articles_tell_each_councils_history_with_each_change_cited() {
    let s = TestServer::seeded().await;
    let q = r#"query($pair: [String!], $type: String, $d: Date) {
      relations(between: $pair, type: $type, asOf: $d) { edges { node {
        statusOn(asOf: $d) { status period { citations { article { key } } } } } } } }"#;
    let cases = [
        (["nato", "russia"], "council", "2005-01-01", "ACTIVE", "bbc-2008-08-19-nato-cools-relations-with-russia"),
        (["nato", "russia"], "council", "2008-12-01", "SUSPENDED", "bbc-2008-08-19-nato-cools-relations-with-russia"),
        (
            ["nato", "russia"],
            "council",
            "2009-07-01",
            "ACTIVE",
            "nato-2009-06-27-nato-russia-council-foreign-ministers-meet-in-corfu",
        ),
        (
            ["nato", "georgia"],
            "commission",
            "2008-09-01",
            "PROPOSED",
            "bbc-2008-08-19-nato-cools-relations-with-russia",
        ),
        (
            ["nato", "georgia"],
            "commission",
            "2008-10-01",
            "ACTIVE",
            "civil-ge-2008-09-15-nato-georgia-commission-inaugurated",
        ),
    ];
    for (pair, rel_type, day, status, article) in cases {
        let data = s.data(q, json!({ "pair": pair, "type": rel_type, "d": day })).await;
        let edges = data["relations"]["edges"].as_array().expect("edges");
        assert_eq!(edges.len(), 1, "{pair:?} on {day}: {data}");
        let answer = &edges[0]["node"]["statusOn"];
        assert_eq!(answer["status"], status, "{pair:?} on {day}");
        let cited: Vec<&str> = answer["period"]["citations"]
            .as_array()
            .expect("citations")
            .iter()
            .filter_map(|c| c["article"]["key"].as_str())
            .collect();
        assert_eq!(cited, [article], "{pair:?} on {day}");
    }
    let articles = s.data("{ articles(first: 100) { totalCount } }", json!({})).await;
    assert_eq!(articles["articles"]["totalCount"].as_u64(), Some(seed::bundled().len() as u64));
    // Statements carry the figures they state.
    let osce = s.data(r#"{ statements(speaker: "osce", first: 100) { edges { node { quantities { what value unit approximate } } } } }"#, json!({})).await;
    let figures: Vec<&Value> = osce["statements"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .flat_map(|e| e["node"]["quantities"].as_array().expect("quantities"))
        .collect();
    assert_eq!(
        figures,
        [&json!({ "what": "additional monitors", "value": 100.0, "unit": "person", "approximate": true })]
    );
    s.stop().await;
}
