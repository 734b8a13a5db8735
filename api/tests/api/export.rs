//! Bulk exports: what they hold agrees with the GraphQL API, they are
//! reproducible at their `knownAt`, paging in batches loses and repeats
//! nothing, bad input is refused before the file starts, and the number
//! streaming at once is capped.

use api::export::{Export, Format, Table};
use serde_json::{json, Value};
use testkit::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn lines(body: &str) -> Vec<Value> {
    body.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
}

#[tokio::test]
async fn relations_as_of_a_day_are_those_the_api_lists_with_the_same_status() {
    let s = TestServer::seeded().await;
    let day = "2008-08-19";
    let got = s.request("GET", &format!("/export/relations.jsonl?asOf={day}"), &[], "").await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.header("content-type"), Some("application/jsonl; charset=utf-8"));
    assert!(got.header("x-known-at").is_some_and(|t| t.ends_with('Z')), "{:?}", got.headers);
    let rows = lines(&got.body);

    let data = s
        .data(
            r#"query($d: Date!) { relations(asOf: $d, first: 100) { totalCount edges { node {
                 label source { slug } target { slug } statusOn(asOf: $d) { status certain possible } } } } }"#,
            json!({ "d": day }),
        )
        .await;
    let edges = data["relations"]["edges"].as_array().unwrap();
    assert_eq!(rows.len() as u64, data["relations"]["totalCount"].as_u64().unwrap(), "the same relations hold");
    assert!(rows.len() >= 10, "the seeded articles give many relations: {}", rows.len());
    for (row, edge) in rows.iter().zip(edges) {
        let node = &edge["node"];
        assert_eq!(row["label"], node["label"]);
        assert_eq!(row["source"], node["source"]["slug"]);
        assert_eq!(row["target"], node["target"]["slug"]);
        assert_eq!(row["status_on"], day);
        let lower = |v: &Value| v.as_str().map(str::to_lowercase);
        assert_eq!(lower(&row["status"]), lower(&node["statusOn"]["status"]), "{row}");
        assert_eq!(row["status_certain"], node["statusOn"]["certain"], "{row}");
        let possible: Vec<Option<String>> =
            node["statusOn"]["possible"].as_array().unwrap().iter().map(lower).collect();
        let exported: Vec<Option<String>> = row["status_possible"].as_array().unwrap().iter().map(lower).collect();
        assert_eq!(exported, possible, "{row}");
    }
    let council = rows.iter().find(|r| r["label"] == "NATO–Russia Council").expect("the council is exported");
    assert_eq!(council["status"], "suspended");
    assert_eq!(council["status_certain"], false, "the suspension is dated only to August 2008");
    assert_eq!(council["status_possible"], json!(["suspended", "active"]));

    let csv = s.request("GET", &format!("/export/relations.csv?asOf={day}"), &[], "").await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8; header=present"));
    let mut csv_lines = csv.body.split("\r\n");
    assert_eq!(
        csv_lines.next(),
        Some("key,type,label,source,target,symmetric,body,status_on,status,status_certain,status_possible,recorded_at")
    );
    assert_eq!(csv.body.matches("\r\n").count(), rows.len() + 1, "a header and one line per relation");
    assert!(
        csv.body.contains(",2008-08-19,suspended,false,\"[\"\"suspended\"\",\"\"active\"\"]\","),
        "the council's status cells: {}",
        csv.body
    );
    s.stop().await;
}

#[tokio::test]
async fn every_table_carries_its_nested_parts_and_dates_in_three_forms() {
    let s = TestServer::seeded().await;
    let entities = lines(&s.request("GET", "/export/entities.jsonl", &[], "").await.body);
    let russia = entities.iter().find(|e| e["slug"] == "russia").expect("Russia");
    assert_eq!(russia["kind"], "actor");
    assert!(russia["aliases"].as_array().unwrap().contains(&json!("Russian Federation")), "{russia}");
    assert!(
        russia["external_ids"]
            .as_array()
            .unwrap()
            .contains(&json!({ "scheme": "wikidata", "value": "Q159", "url": null })),
        "{russia}"
    );
    let slugs: Vec<&str> = entities.iter().map(|e| e["slug"].as_str().unwrap()).collect();
    let mut sorted = slugs.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(slugs, sorted, "one row per entity, in slug order");

    let periods = lines(&s.request("GET", "/export/periods.jsonl", &[], "").await.body);
    let suspended = periods
        .iter()
        .find(|p| {
            p["status"] == "suspended" && p["from"] == "2008-08" && p["relation"].as_str().unwrap().contains("council")
        })
        .unwrap_or_else(|| panic!("the council's suspension among {periods:?}"));
    assert_eq!((&suspended["from_earliest"], &suspended["from_latest"]), (&json!("2008-08-01"), &json!("2008-08-31")));
    let council_id = suspended["id"].as_i64().unwrap().to_string();
    let active = periods
        .iter()
        .find(|p| p["relation"] == suspended["relation"] && p["status"] == "active")
        .expect("the council was active before");
    assert_eq!(active["from"], "2002");
    assert_eq!(active["from_earliest"], "2002-01-01");

    let before = lines(&s.request("GET", "/export/periods.jsonl?asOf=2008-07-31", &[], "").await.body);
    assert!(before.iter().all(|p| p["from_earliest"].as_str().is_none_or(|d| d <= "2008-07-31")), "{before:?}");
    assert!(!before.iter().any(|p| p["id"] == suspended["id"]), "the suspension had not begun by 31 July");
    assert!(before.iter().any(|p| p["id"] == active["id"]));

    let events = lines(&s.request("GET", "/export/events.jsonl", &[], "").await.body);
    assert!(!events.is_empty());
    for e in &events {
        assert!(e["date"].is_string() && e["date_earliest"].is_string() && e["date_latest"].is_string(), "{e}");
        assert!(e["date_earliest"].as_str() <= e["date_latest"].as_str(), "{e}");
        assert!(e["participants"].is_array() && e["quantities"].is_array(), "{e}");
    }
    assert!(events.iter().any(|e| !e["participants"].as_array().unwrap().is_empty()), "some event has participants");

    let statements = lines(&s.request("GET", "/export/statements.jsonl", &[], "").await.body);
    assert!(statements.iter().any(|st| !st["about"].as_array().unwrap().is_empty()), "{statements:?}");

    let citations = lines(&s.request("GET", "/export/citations.jsonl", &[], "").await.body);
    let of_suspension = citations
        .iter()
        .find(|c| c["subject_kind"] == "period" && c["subject"] == council_id)
        .expect("the suspension is cited");
    assert_eq!(of_suspension["article_title"], "Nato cools relations with Russia");
    assert_eq!(of_suspension["article_publisher"], "BBC News");
    assert!(of_suspension["quote"].as_str().is_some_and(|q| !q.is_empty()));
    s.stop().await;
}

#[tokio::test]
async fn an_export_at_its_known_at_is_the_same_file_after_a_write() {
    let s = TestServer::first_article().await;
    let first = s.request("GET", "/export/entities.csv", &[], "").await;
    assert_eq!(first.status, 200);
    let known = first.header("x-known-at").expect("X-Known-At").to_owned();

    // A second article adds entities and merges into existing ones.
    let (name, text) = seed::bundled()[1];
    let valid = seed::parse_bundled(name, text).expect("valid");
    s.db.store.load(&valid, "seed").await.expect("loads");

    let now = s.request("GET", "/export/entities.csv", &[], "").await;
    assert_ne!(now.body, first.body, "the write shows in a fresh export");
    let replay =
        s.request("GET", &format!("/export/entities.csv?knownAt={}", known.replace('+', "%2B")), &[], "").await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body, first.body, "the same knownAt gives the same file");

    let empty = s.request("GET", "/export/relations.csv?knownAt=1999-01-01T00:00:00Z", &[], "").await;
    assert_eq!(empty.body.matches("\r\n").count(), 1, "before anything was recorded, only the header: {}", empty.body);
    s.stop().await;
}

#[tokio::test]
async fn bad_requests_are_refused_before_the_file_starts() {
    let s = TestServer::first_article().await;
    for (path, status, code) in [
        ("/export/users.csv", 404, "NOT_FOUND"),
        ("/export/relations.xlsx", 404, "NOT_FOUND"),
        ("/export/relations.csv?asOf=2008-13-01", 400, "BAD_USER_INPUT"),
        ("/export/relations.csv?knownAt=yesterday", 400, "BAD_USER_INPUT"),
        ("/export/relations.csv?limit=5", 400, "BAD_USER_INPUT"),
    ] {
        let got = s.request("GET", path, &[], "").await;
        assert_eq!(got.status, status, "{path}: {}", got.body);
        assert_eq!(got.json()["errors"][0]["extensions"]["code"], code, "{path}");
    }
    let bad = s.request("GET", "/export/relations.csv?asOf=2008-13-01", &[], "").await;
    assert!(bad.json()["errors"][0]["message"].as_str().unwrap().contains("month 13"), "{}", bad.body);
    s.stop().await;
}

#[tokio::test]
async fn batches_of_any_size_give_the_same_file() {
    let db = testkit::TestDb::new().await.expect("test database");
    seed::seed_if_empty(&db.store).await.expect("seeded");
    store::synth::generate(&db.store, store::synth::SynthSpec::new(40, 120)).await.expect("synthetic data");
    let store = db.store.clone();
    let day = api::export::scope(Some("2008-08-19"), None).unwrap();
    let all = api::export::scope(None, None).unwrap();
    for table in Table::ALL {
        for scope in [day, all] {
            let mut whole = Vec::new();
            let mut big = Export::new(store.clone(), table, Format::Jsonl, scope);
            while let Some(chunk) = big.next_chunk().await.unwrap() {
                whole.extend(chunk);
            }
            let mut pieces = Vec::new();
            let mut chunks = 0;
            let mut small = Export::new(store.clone(), table, Format::Jsonl, scope).with_batch(7);
            while let Some(chunk) = small.next_chunk().await.unwrap() {
                pieces.extend(chunk);
                chunks += 1;
            }
            let rows = whole.iter().filter(|b| **b == b'\n').count();
            assert!(rows > 0, "{} has rows", table.name());
            assert_eq!(chunks, rows.div_ceil(7), "{}: batches of 7 rows", table.name());
            assert_eq!(String::from_utf8(pieces).unwrap(), String::from_utf8(whole).unwrap(), "{}", table.name());
        }
    }
}

#[tokio::test]
async fn exports_streaming_at_once_are_capped() {
    let db = testkit::TestDb::new().await.expect("test database");
    store::synth::generate(&db.store, store::synth::SynthSpec::new(500, 6000)).await.expect("synthetic data");
    let limits = api::config::Limits { max_exports: 1, ..Default::default() };
    let s = TestServer::with_limits(db, limits).await;
    // A client that asks for a large export and does not read it holds its slot.
    let mut stalled = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let head = format!("GET /export/relations.jsonl HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr);
    stalled.write_all(head.as_bytes()).await.unwrap();
    let mut start = [0u8; 12];
    stalled.read_exact(&mut start).await.unwrap();
    assert_eq!(&start, b"HTTP/1.1 200");
    let busy = s.request("GET", "/export/entities.csv", &[], "").await;
    assert_eq!(busy.status, 429, "{}", busy.body);
    assert_eq!(busy.json()["errors"][0]["extensions"]["code"], "TOO_MANY_EXPORTS");
    assert_eq!(busy.header("retry-after"), Some("5"));
    // The API itself is not held up.
    let answer = s.data(r#"{ entity(slug: "synth-e0") { slug } }"#, json!({})).await;
    assert_eq!(answer["entity"]["slug"], "synth-e0");
    drop(stalled);
    // Once the stalled client is gone its slot frees (the stream notices on its next write).
    let mut freed = false;
    for _ in 0..150 {
        if s.request("GET", "/export/entities.csv", &[], "").await.status == 200 {
            freed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(freed, "the slot of a client that left is given back");
    s.stop().await;
}
