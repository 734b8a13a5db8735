//! Record time stays exact: after any sequence of writes (ingesting and
//! correcting articles, retractions, status changes), a query with
//! `knownAt` = T answers exactly what the knowledge base held at T. Random
//! sequences are applied through the API and to a small in-memory model of
//! the documented rules; after each write the time is noted, and at the end
//! every noted time is asked about and compared with the model's state then.
//! On SQLite, or PostgreSQL with `TEST_DATABASE_URL`.

use api::auth::Credentials;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use store::tokens::Scope;
use store::Store;

/// Two articles; the first is published earlier, so its label wins.
const ARTICLES: [(&str, &str); 2] = [("test-alpha", "2001-01-01T00:00:00Z"), ("test-beta", "2002-01-01T00:00:00Z")];
const ENDS: [(&str, &str); 3] = [("ruritania", "borduria"), ("borduria", "syldavia"), ("ruritania", "syldavia")];
const STATUSES: [&str; 4] = ["proposed", "active", "suspended", "ended"];

const BASE: &str = r#"
[article]
key = "test-base"
title = "Base"
publisher = "Test"
published_at = "2000-01-01T00:00:00Z"

[[entities]]
slug = "ruritania"
kind = "actor"
category = "state"
name = "Ruritania"
cite = "Ruritania"

[[entities]]
slug = "borduria"
kind = "actor"
category = "state"
name = "Borduria"
cite = "Borduria"

[[entities]]
slug = "syldavia"
kind = "actor"
category = "state"
name = "Syldavia"
cite = "Syldavia"
"#;

/// The article status changes are cited to (not one of `ARTICLES`).
const BASE_ARTICLE: usize = usize::MAX;

/// A period as a bundle or the API states it: status, start year, end year.
type Period = (&'static str, i32, Option<i32>);

#[derive(Debug, Clone)]
enum Op {
    /// An article's bundle with these relations (by index): label variant, periods.
    Ingest {
        article: usize,
        relations: BTreeMap<usize, (u8, Vec<Period>)>,
    },
    Retract {
        relation: usize,
    },
    StatusChange {
        relation: usize,
        status: &'static str,
        from: i32,
    },
}

fn period() -> impl Strategy<Value = Period> {
    (prop::sample::select(STATUSES.to_vec()), 2001i32..2005, prop::option::weighted(0.3, 0i32..3))
        .prop_map(|(status, from, span)| (status, from, span.map(|s| from + s)))
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..2, prop::collection::btree_map(0usize..3, (0u8..2, prop::collection::vec(period(), 1..3)), 0..3))
            .prop_map(|(article, relations)| Op::Ingest { article, relations }),
        1 => (0usize..3).prop_map(|relation| Op::Retract { relation }),
        1 => (0usize..3, prop::sample::select(STATUSES.to_vec()), 2001i32..2006)
            .prop_map(|(relation, status, from)| Op::StatusChange { relation, status, from }),
    ]
}

fn key(relation: usize) -> String {
    format!("test-relation-{relation}")
}

fn label(relation: usize, variant: u8, article: usize) -> String {
    format!("relation {relation} variant {variant} by {}", ARTICLES[article].0)
}

/// What the documented rules say the knowledge base holds.
#[derive(Debug, Clone, Default)]
struct Model {
    /// Each article's label of each relation it describes.
    labels: BTreeMap<(usize, usize), String>,
    /// Current periods of each relation, with the article that states them.
    periods: BTreeMap<usize, Vec<(usize, Period)>>,
}

impl Model {
    fn exists(&self, relation: usize) -> bool {
        self.labels.keys().any(|(_, r)| *r == relation)
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Ingest { article, relations } => {
                let before: Vec<usize> = self.labels.keys().filter(|(a, _)| a == article).map(|(_, r)| *r).collect();
                for r in before.iter().filter(|r| !relations.contains_key(r)) {
                    self.labels.remove(&(*article, *r));
                    self.periods.entry(*r).or_default().retain(|(a, _)| a != article);
                }
                for (r, (variant, periods)) in relations {
                    self.labels.insert((*article, *r), label(*r, *variant, *article));
                    let list = self.periods.entry(*r).or_default();
                    let mine: Vec<Period> = list.iter().filter(|(a, _)| a == article).map(|(_, p)| *p).collect();
                    if mine != *periods {
                        list.retain(|(a, _)| a != article);
                        list.extend(periods.iter().map(|p| (*article, *p)));
                    }
                }
            }
            Op::Retract { relation } => {
                if self.exists(*relation) {
                    self.labels.retain(|(_, r), _| r != relation);
                    self.periods.remove(relation);
                }
            }
            Op::StatusChange { relation, status, from } => {
                if self.exists(*relation) {
                    let list = self.periods.entry(*relation).or_default();
                    for (_, p) in list.iter_mut() {
                        if p.2.is_none() && p.1 <= *from {
                            p.2 = Some(*from);
                        }
                    }
                    list.push((BASE_ARTICLE, (status, *from, None)));
                }
            }
        }
    }

    /// Label and sorted periods of every current relation, by key.
    fn snapshot(&self) -> BTreeMap<String, (String, Vec<String>)> {
        let mut out = BTreeMap::new();
        for r in 0..ENDS.len() {
            let Some(label) = (0..ARTICLES.len()).find_map(|a| self.labels.get(&(a, r))) else { continue };
            let mut periods: Vec<String> = self
                .periods
                .get(&r)
                .map(|l| {
                    l.iter()
                        .map(|(_, (s, f, t))| format!("{s} {f} {}", t.map_or(String::new(), |t| t.to_string())))
                        .collect()
                })
                .unwrap_or_default();
            periods.sort();
            out.insert(key(r), (label.clone(), periods));
        }
        out
    }
}

fn bundle(article: usize, relations: &BTreeMap<usize, (u8, Vec<Period>)>) -> String {
    let (key_, published) = ARTICLES[article];
    let mut out =
        format!("[article]\nkey = \"{key_}\"\ntitle = \"T\"\npublisher = \"Test\"\npublished_at = \"{published}\"\n");
    for (r, (variant, periods)) in relations {
        let (source, target) = ENDS[*r];
        out.push_str(&format!(
            "\n[[relations]]\nkey = \"{}\"\ntype = \"alliance\"\nlabel = \"{}\"\nsource = \"{source}\"\ntarget = \"{target}\"\ncite = \"allied\"\n",
            key(*r),
            label(*r, *variant, article)
        ));
        for (status, from, to) in periods {
            out.push_str(&format!("\n[[relations.periods]]\nstatus = \"{status}\"\nfrom = \"{from}\"\n"));
            if let Some(to) = to {
                out.push_str(&format!("to = \"{to}\"\n"));
            }
            out.push_str("cite = \"so\"\n");
        }
    }
    out
}

struct Api {
    store: Store,
    schema: api::graphql::AppSchema,
    token: String,
}

impl Api {
    async fn run(&self, query: &str, variables: Value) -> Value {
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(api::graphql::request_loader(self.store.clone()))
            .data(Credentials(Some(self.token.clone())));
        let response = self.schema.execute(request).await;
        serde_json::to_value(&response).expect("JSON")
    }

    async fn apply(&self, op: &Op) {
        let answer = match op {
            Op::Ingest { article, relations } => {
                let q = "mutation($t: String!) { ingestBundle(toml: $t) { created } }";
                self.run(q, json!({ "t": bundle(*article, relations) })).await
            }
            Op::Retract { relation } => {
                let id = api::graphql::ids::encode(api::graphql::ids::IdKind::Relation, &key(*relation));
                let q = r#"mutation($id: ID!) { retract(id: $id, reason: "test") { revision { action } } }"#;
                self.run(q, json!({ "id": id })).await
            }
            Op::StatusChange { relation, status, from } => {
                let id = api::graphql::ids::encode(api::graphql::ids::IdKind::Relation, &key(*relation));
                let q = format!(
                    r#"mutation($id: ID!) {{ recordStatusChange(relation: $id, status: {}, from: "{from}", article: "test-base", cite: "so") {{ revisions {{ action }} }} }}"#,
                    status.to_uppercase()
                );
                self.run(&q, json!({ "id": id })).await
            }
        };
        // A retraction or status change of a relation that is not current is
        // refused; anything else must succeed.
        if let Some(errors) = answer.get("errors") {
            assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT", "{op:?}: {answer}");
        }
    }

    /// Every relation held at `known`: those holding on some day of the
    /// years periods are drawn from (every period holds in some June).
    async fn snapshot(&self, known: Option<&str>) -> BTreeMap<String, (String, Vec<String>)> {
        let q = r#"query($k: DateTime, $d: Date) { relations(asOf: $d, knownAt: $k, first: 100) { edges { node { id label
            history(knownAt: $k) { status from { edtf } to { edtf } } } } } }"#;
        let mut edges = Vec::new();
        for year in 2001..=2008 {
            let answer = self.run(q, json!({ "k": known, "d": format!("{year}-06-01") })).await;
            assert!(answer.get("errors").is_none(), "{answer}");
            edges.extend(answer["data"]["relations"]["edges"].as_array().expect("edges").iter().cloned());
        }
        let mut out = BTreeMap::new();
        for e in &edges {
            let n = &e["node"];
            let (_, key) = api::graphql::ids::decode(n["id"].as_str().expect("id")).expect("an id");
            let mut periods: Vec<String> = n["history"]
                .as_array()
                .expect("history")
                .iter()
                .map(|p| {
                    format!(
                        "{} {} {}",
                        p["status"].as_str().expect("status").to_lowercase(),
                        p["from"]["edtf"].as_str().unwrap_or(""),
                        p["to"]["edtf"].as_str().unwrap_or("")
                    )
                })
                .collect();
            periods.sort();
            out.insert(key, (n["label"].as_str().expect("label").to_owned(), periods));
        }
        out
    }
}

async fn check(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let db = testkit::TestDb::new().await.expect("test database");
    let base = seed::parse_bundled("base.toml", BASE).expect("valid");
    db.store.load(&base, "test").await.expect("base loads");
    let token = db.store.create_token("prop", Scope::Write).await.expect("token").secret;
    let api = Api { store: db.store.clone(), schema: api::graphql::build_schema(), token };
    let mut model = Model::default();
    let mut noted = Vec::new();
    for op in &ops {
        api.apply(op).await;
        model.apply(op);
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        let t = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        noted.push((t, model.snapshot()));
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    for (i, (t, expected)) in noted.iter().enumerate() {
        let held = api.snapshot(Some(t)).await;
        prop_assert_eq!(&held, expected, "known at step {} of {:?} on {}", i, ops, db.backend());
    }
    let now = api.snapshot(None).await;
    prop_assert_eq!(&now, &model.snapshot(), "now, on {}", db.backend());
    Ok(())
}

#[test]
fn known_at_answers_exactly_what_was_held_then() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let mut runner = TestRunner::new(Config { cases: 16, failure_persistence: None, ..Config::default() });
    let result = runner.run(&prop::collection::vec(op(), 1..8), |ops| runtime.block_on(check(ops)));
    if let Err(e) = result {
        panic!("{e}");
    }
}
