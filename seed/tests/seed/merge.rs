//! Many articles, one knowledge base: facts are the merge of what each
//! article says, whatever the order articles are loaded in, and no article
//! can erase what another gave. On SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`.

use entity::{alias, entity as ent, external_id, revision};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};
use seed::parse_bundled;
use store::LoadReport;
use testkit::TestDb;

async fn load(t: &TestDb, name: &str, text: &str) -> Result<LoadReport, store::Error> {
    let valid = parse_bundled(name, text).map_err(store::Error::Invalid)?;
    t.store.load(&valid, "test").await
}

/// Loads the shipped bundles in this order; a bundle that names an entity
/// only a later one defines is refused and tried again after the others,
/// as a curator would.
async fn load_all_in(t: &TestDb, order: &[usize]) {
    let bundles = seed::bundled();
    let mut pending: Vec<usize> = order.to_vec();
    while !pending.is_empty() {
        let mut refused = Vec::new();
        for &i in &pending {
            let (name, text) = bundles[i];
            match load(t, name, text).await {
                Ok(_) => {}
                Err(store::Error::Invalid(p)) if p.0.iter().all(|p| p.message.starts_with("unknown slug")) => {
                    refused.push(i)
                }
                Err(e) => panic!("{name}: {e}"),
            }
        }
        assert!(refused.len() < pending.len(), "no progress loading {refused:?}");
        pending = refused;
    }
}

/// Everything current, as text rows that can be compared between databases.
async fn current_state(t: &TestDb) -> Vec<String> {
    let queries = [
        "SELECT 'entity', slug, kind, category, name, COALESCE(description, '') FROM entity WHERE superseded_at IS NULL",
        "SELECT 'alias', e.slug, a.name, '', '', '' FROM alias a JOIN entity e ON e.id = a.entity_id WHERE e.superseded_at IS NULL",
        "SELECT 'id', e.slug, x.scheme, x.value, '', '' FROM external_id x JOIN entity e ON e.id = x.entity_id WHERE e.superseded_at IS NULL",
        "SELECT 'relation', key, type, label, source, target FROM relation WHERE superseded_at IS NULL",
        "SELECT 'period', relation_key, status, COALESCE(from_edtf, ''), COALESCE(to_edtf, ''), COALESCE(note, '') FROM status_period WHERE superseded_at IS NULL",
        "SELECT 'event', key, type, title, date_edtf, COALESCE(location, '') FROM event WHERE superseded_at IS NULL",
        "SELECT 'participant', e.key, p.entity_slug, p.role, '', '' FROM participant p JOIN event e ON e.id = p.event_id WHERE e.superseded_at IS NULL",
        "SELECT 'statement', key, speaker, date_edtf, summary, COALESCE(quote, '') FROM statement WHERE superseded_at IS NULL",
        "SELECT 'citation', subject_kind, CASE WHEN subject_kind = 'period' THEN '' ELSE subject_key END, article_key, COALESCE(quote, ''), '' FROM citation WHERE superseded_at IS NULL",
    ];
    let mut out = Vec::new();
    for q in queries {
        let rows = t
            .raw()
            .query_all_raw(Statement::from_string(t.raw().get_database_backend(), q))
            .await
            .expect("state query");
        for r in rows {
            let cols: Vec<String> = (0..6).map(|i| r.try_get_by_index::<String>(i).unwrap_or_default()).collect();
            out.push(cols.join(" | "));
        }
    }
    out.sort();
    out
}

async fn russia(t: &TestDb) -> (ent::Model, Vec<String>, Vec<(String, String)>) {
    let row = ent::Entity::find()
        .filter(ent::Column::Slug.eq("russia"))
        .filter(ent::Column::SupersededAt.is_null())
        .one(t.raw())
        .await
        .expect("query")
        .expect("russia is current");
    let aliases = alias::Entity::find().filter(alias::Column::EntityId.eq(row.id)).all(t.raw()).await.expect("query");
    let ids =
        external_id::Entity::find().filter(external_id::Column::EntityId.eq(row.id)).all(t.raw()).await.expect("query");
    (row, aliases.into_iter().map(|a| a.name).collect(), ids.into_iter().map(|x| (x.scheme, x.value)).collect())
}

#[tokio::test]
async fn every_order_and_every_reload_gives_the_same_knowledge_base() {
    let n = seed::bundled().len();
    assert!(n >= 6, "the first article and five more are shipped");
    let forward: Vec<usize> = (0..n).collect();
    let backward: Vec<usize> = (0..n).rev().collect();
    let shuffled: Vec<usize> = (0..n).map(|i| (i * 3 + 2) % n).collect();
    let mut states = Vec::new();
    for order in [&forward, &backward, &shuffled] {
        let t = TestDb::new().await.expect("test database");
        load_all_in(&t, order).await;
        load_all_in(&t, &backward).await;
        let state = current_state(&t).await;
        let (row, aliases, ids) = russia(&t).await;
        assert_eq!(row.name, "Russia");
        assert!(
            aliases.contains(&"Moscow".to_owned()) && aliases.contains(&"Russian Federation".to_owned()),
            "{aliases:?}"
        );
        assert!(
            ids.contains(&("wikidata".into(), "Q159".into())) && ids.contains(&("iso-3166".into(), "RU".into())),
            "{ids:?}"
        );
        states.push(state);
    }
    assert!(states.iter().all(|s| *s == states[0]), "the order of loading changes nothing");
}

const FIRST: &str = r#"
[article]
key = "test-first"
title = "First"
publisher = "Test"
published_at = "2001-01-01T00:00:00Z"

[[entities]]
slug = "ruritania"
kind = "actor"
category = "state"
name = "Ruritania"
aliases = ["Kingdom of Ruritania"]
external_ids = [{ scheme = "wikidata", value = "Q1" }]
cite = "Ruritania"

[[entities]]
slug = "borduria"
kind = "actor"
category = "state"
name = "Borduria"
cite = "Borduria"

[[relations]]
key = "ruritania-borduria-alliance"
type = "alliance"
label = "Ruritanian–Bordurian alliance"
source = "ruritania"
target = "borduria"
cite = "allied"
"#;

const SECOND: &str = r#"
[article]
key = "test-second"
title = "Second"
publisher = "Test"
published_at = "2002-01-01T00:00:00Z"

[[entities]]
slug = "ruritania"
kind = "actor"
category = "state"
name = "Ruritanian Kingdom"
aliases = ["Strelsau"]
description = "A kingdom."
cite = "the Ruritanian Kingdom"

[[entities]]
slug = "borduria"
aliases = ["Bordurian Republic"]
cite = "the Bordurian Republic"

[[relations]]
key = "borduria-ruritania-pact"
type = "alliance"
label = "Bordurian–Ruritanian pact"
source = "borduria"
target = "ruritania"
cite = "pact"
"#;

#[tokio::test]
async fn articles_merge_and_withdrawing_one_leaves_what_the_others_said() {
    let t = TestDb::new().await.expect("test database");
    load(&t, "first.toml", FIRST).await.expect("first loads");
    let second = load(&t, "second.toml", SECOND).await.expect("second loads");
    assert_eq!(second.warnings.len(), 1, "{second:?}");
    assert_eq!(second.warnings[0].place, "relations[0]");
    assert!(second.warnings[0].message.contains("`ruritania-borduria-alliance`"), "{:?}", second.warnings);

    let row = |slug: &'static str| {
        let db = t.raw().clone();
        async move {
            ent::Entity::find()
                .filter(ent::Column::Slug.eq(slug))
                .filter(ent::Column::SupersededAt.is_null())
                .one(&db)
                .await
                .expect("query")
        }
    };
    let names = |id: i64| {
        let db = t.raw().clone();
        async move {
            alias::Entity::find()
                .filter(alias::Column::EntityId.eq(id))
                .order_by_asc(alias::Column::Id)
                .all(&db)
                .await
                .expect("query")
                .into_iter()
                .map(|a| a.name)
                .collect::<Vec<_>>()
        }
    };
    // The earliest article names it; both give aliases; the only
    // description is the second's.
    let r = row("ruritania").await.expect("current");
    assert_eq!(r.name, "Ruritania", "the earliest-published article's name wins");
    assert_eq!(r.description.as_deref(), Some("A kingdom."));
    assert_eq!(names(r.id).await, vec!["Kingdom of Ruritania", "Strelsau"]);
    let b = row("borduria").await.expect("current");
    assert_eq!(
        names(b.id).await,
        vec!["Bordurian Republic"],
        "an article may add names to an entity it does not define"
    );

    // The revision log shows what each article said, the losing name too.
    let log: Vec<String> = revision::Entity::find()
        .filter(revision::Column::SubjectKind.eq("entity"))
        .filter(revision::Column::SubjectKey.eq("ruritania"))
        .order_by_asc(revision::Column::Id)
        .all(t.raw())
        .await
        .expect("query")
        .into_iter()
        .filter_map(|r| r.summary)
        .collect();
    assert!(log.iter().any(|s| s.contains("test-second") && s.contains("Ruritanian Kingdom")), "{log:?}");

    // Reloading the first changes nothing; withdrawing the second's
    // entities leaves the first's part whole.
    assert!(load(&t, "first.toml", FIRST).await.expect("reload").is_unchanged());
    let without = SECOND.split("[[entities]]").next().expect("the article part").to_owned();
    let report = load(&t, "second.toml", &without).await.expect("the shorter second loads");
    assert_eq!(report.retracted, 1, "only the second's own relation goes: {report:?}");
    let r = row("ruritania").await.expect("still current");
    assert_eq!((r.name.as_str(), r.description.as_deref()), ("Ruritania", None));
    assert_eq!(names(r.id).await, vec!["Kingdom of Ruritania"]);
    let ids =
        external_id::Entity::find().filter(external_id::Column::EntityId.eq(r.id)).all(t.raw()).await.expect("query");
    assert_eq!(ids.len(), 1, "the first's identifier stays");
}

#[tokio::test]
async fn a_cite_that_is_not_in_the_article_is_refused_by_place() {
    let (name, text) = seed::bundled()[0];
    assert!(text.contains("text = \""), "the first bundle names its article's text");
    seed::parse_bundled(name, text).expect("every cite of the first bundle is in its article");
    let forged = text.replacen(
        "cite = \"set up in 2002 as a framework for dialogue\"",
        "cite = \"set up in 2003 as a framework\"",
        1,
    );
    assert_ne!(forged, text);
    let problems = seed::parse_bundled(name, &forged).expect_err("a cite not in the text is refused").0;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].place.starts_with("relations[0].periods[0].cite"), "{problems:?}");
    assert!(problems[0].message.contains("does not occur in the article's text"), "{problems:?}");
    // Curly quotes and line breaks in a cite match the straight, flowing text.
    let curly = text.replacen("cite = \"could convene at this time\"", "cite = \"could   convene\\nat this time\"", 1);
    seed::parse_bundled(name, &curly).expect("white space is normalised");
}

#[tokio::test]
async fn a_dry_run_reports_and_writes_nothing() {
    let t = TestDb::new().await.expect("test database");
    let valid = parse_bundled("first.toml", FIRST).expect("valid");
    let report = t.store.ingest(&valid, "test", true).await.expect("a dry run");
    assert!(report.created >= 3, "{report:?}");
    let count = t
        .raw()
        .query_one_raw(Statement::from_string(t.raw().get_database_backend(), "SELECT COUNT(*) AS n FROM revision"))
        .await
        .expect("count")
        .expect("a row");
    assert_eq!(count.try_get::<i64>("", "n").expect("n"), 0);
}
