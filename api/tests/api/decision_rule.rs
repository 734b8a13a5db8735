//! One rule, two forms: which period decides a relation's status on a day
//! is computed in Rust for `Relation.status` / `statusOn`, and in SQL for
//! the `status:` and `certainty:` filters of `relations`. This property test
//! draws random relations with random fuzzy periods (ties of start and
//! record time included), random days and record times, and checks on the
//! configured backend (SQLite, or PostgreSQL with `TEST_DATABASE_URL`) that
//!
//! - for every relation, `relations(status: S, asOf: D)` returns it exactly
//!   when its `status(asOf: D)` is S, and with `certainty: CERTAIN` exactly
//!   when `statusOn(asOf: D)` says S and certain;
//! - both agree with `domain::period::matches` run on the stored rows.

use domain::period::{matches, Certainty};
use domain::{FuzzyDate, Status};
use entity::{relation, status_period};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use store::read::relations::period;
use store::Store;

/// A fuzzy date of random precision around 2000–2003, where overlaps are likely.
fn edtf() -> impl Strategy<Value = String> {
    (2000i32..2004, 1u32..13, 1u32..29, 0u8..6).prop_map(|(y, m, d, shape)| match shape {
        0 => format!("{y:04}"),
        1 | 2 => format!("{y:04}-{m:02}"),
        3 => format!("{y:04}-{m:02}-{d:02}"),
        4 => format!("{y:04}-{m:02}/{:04}-{m:02}", y + 1),
        _ => "200X".to_owned(),
    })
}

#[derive(Debug, Clone)]
struct GenPeriod {
    status: Status,
    from: Option<String>,
    to: Option<String>,
    /// Record time, from a few values so that ties happen.
    recorded_at: i64,
    /// Superseded some micros later, or still current.
    superseded_after: Option<i64>,
}

fn gen_period() -> impl Strategy<Value = GenPeriod> {
    (
        prop::sample::select(Status::ALL.to_vec()),
        prop::option::weighted(0.85, edtf()),
        prop::option::weighted(0.6, edtf()),
        1_000i64..1_004,
        prop::option::weighted(0.2, 1i64..4),
    )
        .prop_map(|(status, from, to, recorded_at, superseded_after)| GenPeriod {
            status,
            from,
            to,
            recorded_at,
            superseded_after,
        })
}

#[derive(Debug, Clone)]
struct Case {
    relations: Vec<Vec<GenPeriod>>,
    /// Days to ask about, as YYYY-MM-DD.
    days: Vec<String>,
    /// Record times to ask about (micros), `None` for now.
    known: Vec<Option<i64>>,
}

fn gen_case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(prop::collection::vec(gen_period(), 0..5), 1..7),
        prop::collection::vec((1999i32..2005, 1u32..13, 1u32..29), 2..4),
        prop::collection::vec(prop::option::weighted(0.5, 999i64..1_008), 1..3),
    )
        .prop_map(|(relations, days, known)| Case {
            relations,
            days: days.into_iter().map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")).collect(),
            known,
        })
}

fn known_at_text(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .expect("a valid instant")
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Replaces the relations and periods of the database with the case's.
async fn store_case(db: &sea_orm::DatabaseConnection, case: &Case) {
    db.execute_unprepared("DELETE FROM status_period").await.expect("clear periods");
    db.execute_unprepared("DELETE FROM relation").await.expect("clear relations");
    for (i, periods) in case.relations.iter().enumerate() {
        let key = format!("r{i}");
        relation::Entity::insert(relation::ActiveModel {
            key: Set(key.clone()),
            rel_type: Set("council".into()),
            label: Set(key.clone()),
            source: Set(format!("a{i}")),
            target: Set(format!("b{i}")),
            symmetric: Set(false),
            body: Set(None),
            recorded_at: Set(0),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("insert relation");
        for p in periods {
            let from = p.from.as_deref().map(|f| FuzzyDate::parse(f).expect("generated dates parse"));
            let to = p.to.as_deref().map(|t| FuzzyDate::parse(t).expect("generated dates parse"));
            let b = domain::Bounds::of(from.as_ref(), to.as_ref());
            status_period::Entity::insert(status_period::ActiveModel {
                relation_key: Set(key.clone()),
                source: Set(format!("a{i}")),
                target: Set(format!("b{i}")),
                status: Set(p.status.as_str().into()),
                from_edtf: Set(p.from.clone()),
                from_earliest: Set(b.from_earliest.column()),
                from_latest: Set(b.from_latest.column()),
                to_edtf: Set(p.to.clone()),
                to_earliest: Set(b.to_earliest.column()),
                to_latest: Set(b.to_latest.column()),
                note: Set(None),
                recorded_at: Set(p.recorded_at),
                superseded_at: Set(p.superseded_after.map(|d| p.recorded_at + d)),
                ..Default::default()
            })
            .exec(db)
            .await
            .expect("insert period");
        }
    }
}

async fn run(store: &Store, query: &str, variables: Value) -> Value {
    let schema = api::graphql::build_schema();
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables))
        .data(api::graphql::request_loader(store.clone()));
    let response = schema.execute(request).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    response.data.into_json().expect("JSON data")
}

const EVERY: &str = r#"query($ids: [ID!]!, $d: Date, $k: DateTime) {
  nodes(ids: $ids) { ... on Relation { label
    status(asOf: $d, knownAt: $k) statusOn(asOf: $d, knownAt: $k) { status certain } } }
}"#;

const FILTERED: &str = r#"query($d: Date, $k: DateTime, $s: RelationStatus, $c: Certainty!) {
  relations(asOf: $d, knownAt: $k, status: $s, certainty: $c, first: 100) { totalCount edges { node { label } } }
}"#;

fn labels(connection: &Value) -> BTreeSet<String> {
    connection["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["label"].as_str().expect("label").to_owned())
        .collect()
}

async fn check(store: &Store, case: &Case) -> Result<(), TestCaseError> {
    store_case(store::testing::connection(store), case).await;
    let rows = status_period::Entity::find()
        .order_by_asc(status_period::Column::Id)
        .all(store::testing::connection(store))
        .await
        .expect("read back");
    let ids: Vec<String> = (0..case.relations.len())
        .map(|i| api::graphql::ids::encode(api::graphql::ids::IdKind::Relation, &format!("r{i}")).to_string())
        .collect();
    for known in &case.known {
        let k = known.map(known_at_text);
        let visible: BTreeMap<String, Vec<domain::Period>> = case
            .relations
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let key = format!("r{i}");
                let mine = rows
                    .iter()
                    .filter(|r| r.relation_key == key)
                    .filter(|r| {
                        known.map_or(domain::Known::Now, domain::Known::At).visible(r.recorded_at, r.superseded_at)
                    })
                    .map(|r| period(r).expect("stored statuses parse"))
                    .collect();
                (key, mine)
            })
            .collect();
        for day in &case.days {
            let day_number = domain::Day::parse(day).expect("generated days parse");
            let every = run(store, EVERY, json!({ "ids": ids, "d": day, "k": k })).await;
            let mut decided: BTreeMap<String, (Option<String>, Option<bool>)> = BTreeMap::new();
            for n in every["nodes"].as_array().expect("nodes") {
                let status = n["status"].as_str().map(str::to_owned);
                prop_assert_eq!(status.as_deref(), n["statusOn"]["status"].as_str(), "status and statusOn agree");
                decided.insert(
                    n["label"].as_str().expect("label").to_owned(),
                    (status, n["statusOn"]["certain"].as_bool()),
                );
            }
            for status in std::iter::once(None).chain(Status::ALL.iter().copied().map(Some)) {
                for (certainty, name) in [(Certainty::Possible, "POSSIBLE"), (Certainty::Certain, "CERTAIN")] {
                    let s = status.map(|s| s.as_str().to_uppercase());
                    let found = run(store, FILTERED, json!({ "d": day, "k": k, "s": s, "c": name })).await;
                    let sql: BTreeSet<String> = labels(&found["relations"]);
                    prop_assert_eq!(found["relations"]["totalCount"].as_u64(), Some(sql.len() as u64));
                    let model: BTreeSet<String> = visible
                        .iter()
                        .filter(|(_, periods)| matches(periods, day_number, status, certainty))
                        .map(|(key, _)| key.clone())
                        .collect();
                    prop_assert_eq!(
                        &sql,
                        &model,
                        "SQL filter and domain rule on {} {:?} {:?} known {:?}",
                        day,
                        status,
                        certainty,
                        known
                    );
                    if let Some(s) = &s {
                        let rust: BTreeSet<String> = decided
                            .iter()
                            .filter(|(_, (st, certain))| {
                                st.as_deref() == Some(s.as_str())
                                    && (certainty == Certainty::Possible || *certain == Some(true))
                            })
                            .map(|(key, _)| key.clone())
                            .collect();
                        prop_assert_eq!(
                            &sql,
                            &rust,
                            "filter and field on {} {} {:?} known {:?}",
                            day,
                            s,
                            certainty,
                            known
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

#[test]
fn status_and_the_status_filter_follow_one_rule() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let db = runtime.block_on(testkit::TestDb::new()).expect("test database");
    let store = db.store.clone();
    let mut runner = TestRunner::new(Config { cases: 24, failure_persistence: None, ..Config::default() });
    let result = runner.run(&gen_case(), |case| runtime.block_on(check(&store, &case)));
    if let Err(e) = result {
        panic!("on {}: {e}", db.backend());
    }
}
