//! Behaviour that only shows with many rows: ranking among many weak
//! matches, and paging through a long list of relations.

use serde_json::json;
use testkit::{node_strings, TestServer};

#[tokio::test]
async fn the_exact_match_wins_among_hundreds_of_partial_ones() {
    let db = testkit::TestDb::new().await.expect("test database");
    store::synth::generate(&db.store, store::synth::SynthSpec::new(700, 50)).await.expect("synthetic data");
    let s = TestServer::start(db).await;
    let data = s.data(r#"{ search(text: "Synthland 1", first: 4) { slug } }"#, json!({})).await;
    let slugs: Vec<&str> = data["search"].as_array().expect("list").iter().filter_map(|e| e["slug"].as_str()).collect();
    assert_eq!(slugs, ["synth-e1", "synth-e10", "synth-e100", "synth-e101"], "exact, then prefixes in name order");
    s.stop().await;
}

#[tokio::test]
async fn paging_through_a_major_actors_relations_sees_each_once() {
    let db = testkit::TestDb::new().await.expect("test database");
    store::synth::generate(&db.store, store::synth::SynthSpec::new(30, 400)).await.expect("synthetic data");
    let s = TestServer::start(db).await;
    let q = r#"query($after: String) { entity(slug: "synth-e0") {
        relations(asOf: "2030-01-01", first: 7, after: $after) {
          totalCount edges { node { id source { slug } target { slug } } } pageInfo { hasNextPage endCursor } } } }"#;
    let mut seen: Vec<String> = Vec::new();
    let mut after = serde_json::Value::Null;
    let mut total: u64;
    loop {
        let data = s.data(q, json!({ "after": after })).await;
        let conn = &data["entity"]["relations"];
        total = conn["totalCount"].as_u64().expect("count");
        for edge in conn["edges"].as_array().expect("edges") {
            let node = &edge["node"];
            assert!(node["source"]["slug"] == "synth-e0" || node["target"]["slug"] == "synth-e0", "{node}");
        }
        seen.extend(node_strings(conn, "id"));
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    assert!(total > 20, "synth-e0 is a major actor: {total}");
    assert_eq!(seen.len() as u64, total, "every relation once");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no duplicates");
    s.stop().await;
}

#[tokio::test]
async fn a_short_timeline_is_the_start_of_a_longer_one() {
    let db = testkit::TestDb::new().await.expect("test database");
    store::synth::generate(&db.store, store::synth::SynthSpec::new(30, 400)).await.expect("synthetic data");
    let s = TestServer::start(db).await;
    let q = r#"query($n: Int, $from: Date, $to: Date) { timeline(entities: ["synth-e0", "synth-e1"], from: $from, to: $to, first: $n) {
        kind title date { edtf } } }"#;
    let entries = |data: serde_json::Value| -> Vec<String> {
        data["timeline"].as_array().expect("list").iter().map(|e| e.to_string()).collect()
    };
    let mut checked = 0;
    for (from, to) in [("1960-01-01", "2020-12-31"), ("1990-01-01", "1999-12-31"), ("2005-06-01", "2006-06-01")] {
        let whole = entries(s.data(q, json!({ "n": 100, "from": from, "to": to })).await);
        for n in [1, 2, 5, 13, 40] {
            let page = entries(s.data(q, json!({ "n": n, "from": from, "to": to })).await);
            assert_eq!(page, whole[..n.min(whole.len())], "first {n} of {from}..{to}");
            checked += usize::from(n < whole.len());
        }
    }
    assert!(checked >= 8, "the windows hold more entries than most pages: {checked}");
    s.stop().await;
}
