//! No N+1: the number of SQL statements behind one request does not grow
//! with the page size.

use serde_json::json;
use std::sync::atomic::Ordering;
use testkit::TestServer;

const PAGE: &str = r#"query($n: Int!) {
  relations(first: $n, asOf: "2030-01-01") {
    edges { node {
      label
      source { slug name aliases kind }
      target { slug name externalIds { value } }
      status(asOf: "2030-01-01")
      history { status from { edtf } to { edtf } citations { quote article { title } } }
      citations { quote article { title } }
    } }
  }
}"#;

#[tokio::test]
async fn a_page_of_100_relations_with_ends_history_and_citations_is_a_handful_of_queries() {
    let db = testkit::TestDb::new().await.expect("test database");
    let made = store::synth::generate(&db.store, store::synth::SynthSpec::new(40, 600)).await.expect("synthetic data");
    assert_eq!((made.entities, made.relations), (40, 600));
    assert!(made.periods >= 600);
    let s = TestServer::start(db).await;

    let mut counts = Vec::new();
    let mut logs = Vec::new();
    for n in [10, 100] {
        let before = s.statements.load(Ordering::SeqCst);
        let logged = s.log.lock().map(|l| l.len()).unwrap_or(0);
        let data = s.data(PAGE, json!({ "n": n })).await;
        let used = s.statements.load(Ordering::SeqCst) - before;
        let edges = data["relations"]["edges"].as_array().expect("edges");
        assert_eq!(edges.len(), n as usize, "a full page of {n}");
        for e in edges {
            let node = &e["node"];
            assert!(node["source"]["slug"].as_str().is_some_and(|s| s.starts_with("synth-e")));
            assert!(node["target"]["name"].is_string());
            assert!(!node["history"].as_array().expect("history").is_empty());
            assert_eq!(node["history"][0]["citations"][0]["article"]["title"], "Synthetic benchmark data");
            assert_eq!(node["citations"][0]["quote"], "synthetic relation");
        }
        counts.push(used);
        if let Ok(log) = s.log.lock() {
            logs.push(format!("first: {n}\n  {}", log[logged..].join("\n  ")));
        }
    }
    assert_eq!(counts[0], counts[1], "statements for 10 and for 100 relations: {counts:?}\n{}", logs.join("\n"));
    assert!(
        counts[1] <= 8,
        "one page, entities, aliases, external ids, periods, two citation kinds, articles: {counts:?}\n{}",
        logs.join("\n")
    );
    s.stop().await;
}
