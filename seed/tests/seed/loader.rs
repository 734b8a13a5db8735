//! The loader against a real database (SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`): the seed article loads, reloads change nothing,
//! bad bundles write nothing, and corrections keep history.

use entity::{citation, revision, status_period};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};

use testkit::TestDb;

const TABLES: [&str; 13] = [
    "article",
    "entity",
    "alias",
    "external_id",
    "relation",
    "status_period",
    "event",
    "participant",
    "quantity",
    "statement",
    "statement_about",
    "citation",
    "revision",
];

fn seed_text() -> &'static str {
    seed::bundled()
        .iter()
        .find(|(name, _)| name.contains("nato-cools-relations-with-russia"))
        .map(|(_, text)| *text)
        .expect("the first article's bundle is shipped")
}

async fn row_counts(t: &TestDb) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = t
            .raw()
            .query_one_raw(Statement::from_string(t.raw().get_database_backend(), sql))
            .await
            .expect("count query runs")
            .expect("count returns a row");
        out.push((table.to_owned(), row.try_get::<i64>("", "n").expect("count is a number")));
    }
    out
}

async fn load_text(t: &TestDb, file: &str, text: &str) -> Result<store::LoadReport, store::Error> {
    let valid = seed::parse_bundled(file, text).map_err(store::Error::Invalid)?;
    t.store.load(&valid, "test").await
}

async fn nrc_periods(t: &TestDb) -> Vec<status_period::Model> {
    status_period::Entity::find()
        .filter(status_period::Column::RelationKey.eq("nato-russia-council"))
        .order_by_asc(status_period::Column::Id)
        .all(t.raw())
        .await
        .expect("periods query runs")
}

#[tokio::test]
async fn seed_article_loads_once_and_reloading_changes_nothing() {
    let t = TestDb::new().await.expect("test database");
    let empty = row_counts(&t).await;
    assert!(empty.iter().all(|(_, n)| *n == 0), "{} starts empty: {empty:?}", t.backend());

    let first = load_text(&t, "first.toml", seed_text()).await.expect("the seed bundle loads");
    assert!(first.created >= 60, "every fact is created: {first:?}");
    assert_eq!((first.updated, first.retracted), (0, 0));
    let after_first = row_counts(&t).await;
    let count = |name: &str| after_first.iter().find(|(t, _)| t == name).map(|(_, n)| *n).unwrap_or(-1);
    assert_eq!(count("article"), 1);
    assert_eq!(count("entity"), 20);
    assert_eq!(count("relation"), 20);
    assert_eq!(count("revision") as usize, first.created);

    let second = load_text(&t, "first.toml", seed_text()).await.expect("the seed bundle loads again");
    assert!(second.is_unchanged(), "a reload changes nothing: {second:?}");
    assert_eq!(row_counts(&t).await, after_first, "a reload adds no row and no revision");
}

#[tokio::test]
async fn nato_russia_council_is_active_from_2002_and_suspended_from_august_2008_with_citations() {
    let t = TestDb::new().await.expect("test database");
    load_text(&t, "first.toml", seed_text()).await.expect("the seed bundle loads");
    let periods = nrc_periods(&t).await;
    let shape: Vec<(&str, Option<&str>, Option<&str>)> =
        periods.iter().map(|p| (p.status.as_str(), p.from_edtf.as_deref(), p.to_edtf.as_deref())).collect();
    assert_eq!(shape, vec![("active", Some("2002"), Some("2008-08")), ("suspended", Some("2008-08"), None)]);
    for p in &periods {
        let cites = citation::Entity::find()
            .filter(citation::Column::SubjectKind.eq("period"))
            .filter(citation::Column::SubjectKey.eq(p.id.to_string()))
            .all(t.raw())
            .await
            .expect("citations query runs");
        assert_eq!(cites.len(), 1, "period {} is cited once", p.status);
        assert_eq!(cites[0].article_key, "bbc-2008-08-19-nato-cools-relations-with-russia");
        assert!(cites[0].quote.as_deref().is_some_and(|q| !q.is_empty()));
    }
    let active_from = domain::FuzzyDate::parse("2002").expect("valid");
    assert_eq!(periods[0].from_earliest, active_from.earliest_day().number(), "a year denotes from its first day");
}

#[tokio::test]
async fn bad_dates_and_unknown_slugs_are_refused_by_file_and_place_and_write_nothing() {
    let t = TestDb::new().await.expect("test database");
    load_text(&t, "first.toml", seed_text()).await.expect("the seed bundle loads");
    let before = row_counts(&t).await;

    let bad_date = seed_text().replacen("from = \"2002\"", "from = \"2002-13\"", 1);
    let err = load_text(&t, "bad-date.toml", &bad_date).await.expect_err("a bad date is refused");
    let text = err.to_string();
    assert!(text.contains("bad-date.toml: relations[0].periods[0].from"), "{text}");
    assert!(text.contains("month 13 does not exist"), "{text}");

    let unknown = seed_text().replacen("target = \"russia\"", "target = \"rusia\"", 1);
    let err = load_text(&t, "unknown.toml", &unknown).await.expect_err("an unknown slug is refused");
    let text = err.to_string();
    assert!(text.contains("unknown.toml: relations[0].target: unknown slug `rusia`"), "{text}");

    assert_eq!(row_counts(&t).await, before, "a refused bundle leaves the database as it was");
}

#[tokio::test]
async fn a_correction_supersedes_and_the_old_row_answers_as_known_before() {
    let t = TestDb::new().await.expect("test database");
    load_text(&t, "first.toml", seed_text()).await.expect("the seed bundle loads");
    let before_correction = store::write::now_micros();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    let corrected = seed_text().replacen(
        "status = \"suspended\"\nfrom = \"2008-08\"",
        "status = \"suspended\"\nfrom = \"2008-08-19\"",
        1,
    );
    assert_ne!(corrected, seed_text(), "the test edits the suspension date");
    let report = load_text(&t, "first.toml", &corrected).await.expect("the correction loads");
    assert_eq!(report.updated, 1, "one relation's history changed: {report:?}");

    let all = nrc_periods(&t).await;
    assert_eq!(all.len(), 4, "two superseded rows and two current ones");
    let visible_at = |k: i64| -> Vec<Option<String>> {
        all.iter()
            .filter(|p| p.recorded_at <= k && p.superseded_at.is_none_or(|s| s > k))
            .filter(|p| p.status == "suspended")
            .map(|p| p.from_edtf.clone())
            .collect()
    };
    assert_eq!(visible_at(before_correction), vec![Some("2008-08".to_owned())], "as known before the correction");
    assert_eq!(visible_at(i64::MAX), vec![Some("2008-08-19".to_owned())], "as known now");
    let superseded: Vec<_> = all.iter().filter(|p| p.superseded_at.is_some()).collect();
    assert_eq!(superseded.len(), 2, "the old rows are kept, closed in record time");

    let log = revision::Entity::find()
        .filter(revision::Column::SubjectKey.eq("nato-russia-council"))
        .filter(revision::Column::SubjectKind.eq("relation"))
        .order_by_asc(revision::Column::Id)
        .all(t.raw())
        .await
        .expect("revisions query runs");
    let actions: Vec<&str> = log.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, vec!["create", "update"]);
    assert_eq!(log[1].author, "test");
}

#[tokio::test]
async fn removing_a_fact_from_its_bundle_retracts_it_without_deleting() {
    let t = TestDb::new().await.expect("test database");
    load_text(&t, "first.toml", seed_text()).await.expect("the seed bundle loads");
    let start = seed_text().find("[[statements]]").expect("the bundle has statements");
    let end = seed_text()[start + 1..].find("[[statements]]").map(|i| i + start + 1).expect("more than one statement");
    let removed = format!("{}{}", &seed_text()[..start], &seed_text()[end..]);
    let key_line = seed_text()[start..end].lines().find(|l| l.starts_with("key = ")).expect("statement has a key");
    let key = key_line.trim_start_matches("key = ").trim_matches('"').to_owned();

    let report = load_text(&t, "first.toml", &removed).await.expect("the shorter bundle loads");
    assert_eq!((report.created, report.updated, report.retracted), (0, 0, 1), "{report:?}");
    let rows = entity::statement::Entity::find()
        .filter(entity::statement::Column::Key.eq(key.as_str()))
        .all(t.raw())
        .await
        .expect("statement query runs");
    assert_eq!(rows.len(), 1, "the row is kept");
    assert!(rows[0].superseded_at.is_some(), "and closed in record time");
}

#[tokio::test]
async fn correcting_a_relations_ends_moves_its_periods_and_keeps_their_citations() {
    let t = TestDb::new().await.expect("test database");
    load_text(&t, "first.toml", seed_text()).await.expect("the seed bundle loads");
    let swapped =
        seed_text().replacen("source = \"nato\"\ntarget = \"russia\"", "source = \"russia\"\ntarget = \"nato\"", 1);
    assert_ne!(swapped, seed_text(), "the test swaps the council's ends");
    load_text(&t, "first.toml", &swapped).await.expect("the correction loads");

    let current: Vec<status_period::Model> =
        nrc_periods(&t).await.into_iter().filter(|p| p.superseded_at.is_none()).collect();
    assert_eq!(current.len(), 2);
    for p in &current {
        assert_eq!((p.source.as_str(), p.target.as_str()), ("russia", "nato"));
        let cites = citation::Entity::find()
            .filter(citation::Column::SubjectKind.eq("period"))
            .filter(citation::Column::SubjectKey.eq(p.id.to_string()))
            .filter(citation::Column::SupersededAt.is_null())
            .all(t.raw())
            .await
            .expect("citations query runs");
        assert_eq!(cites.len(), 1, "the moved {} period keeps its citation", p.status);
    }
}
