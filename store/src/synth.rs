//! Deterministic synthetic data for benchmarks.
//!
//! The shape follows the real data: a few major actors take part in most
//! relations (endpoints are drawn with a heavy skew towards low entity
//! numbers), every relation has one to four status periods in sequence,
//! every period and fact is cited, and there are events with participants
//! and statements about entities. The same arguments always produce the
//! same rows, so figures from two runs describe the same database.
//!
//! Synthetic facts use slugs and keys starting with `synth-`, and cite one
//! synthetic article, so they never mix with seeded facts.

use chrono::NaiveDate;
use domain::record::now_micros;
use domain::text::fold;
use domain::{Action, EntityKind, FactKind, Status};
use domain::{Day, Until};
use entity::{
    article, citation, entity as ent, event, participant, relation, revision, statement, statement_about, status_period,
};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Iterable, TransactionTrait};

/// Sizes of a synthetic data set.
#[derive(Debug, Clone, Copy)]
pub struct SynthSpec {
    pub entities: u64,
    pub relations: u64,
    pub events: u64,
    pub statements: u64,
}

impl SynthSpec {
    /// Events and statements scale with relations: one of each per ten.
    pub fn new(entities: u64, relations: u64) -> SynthSpec {
        SynthSpec { entities, relations, events: relations / 10, statements: relations / 10 }
    }
}

/// Counts of rows written.
#[derive(Debug, Default, Clone, Copy)]
pub struct SynthReport {
    pub entities: u64,
    pub relations: u64,
    pub periods: u64,
    pub events: u64,
    pub statements: u64,
}

/// splitmix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Skewed towards 0: a tenth of draws land in the first 0.1% of `n`.
    fn skewed(&mut self, n: u64) -> u64 {
        let u = self.unit();
        ((u * u * u) * n as f64) as u64 % n.max(1)
    }
}

pub const SYNTH_ARTICLE: &str = "synth-article";
const BATCH: usize = 1000;
/// Bound parameters per statement: under SQLite's limit (32,766) and
/// PostgreSQL's (65,535), so a batch is split to fit.
const MAX_PARAMETERS: usize = 32_000;
/// Entity kinds and categories, from the vocabulary (a test checks them).
const KINDS: [(EntityKind, &str); 6] = [
    (EntityKind::Actor, "state"),
    (EntityKind::Actor, "state"),
    (EntityKind::Actor, "person"),
    (EntityKind::Actor, "armed-forces"),
    (EntityKind::Organisation, "intergovernmental-organisation"),
    (EntityKind::Region, "city"),
];
const REL_TYPES: [(&str, bool); 6] = [
    ("alliance", true),
    ("backs", false),
    ("armed-conflict", true),
    ("membership", false),
    ("council", false),
    ("office-holder", false),
];
const STATUS_RUNS: [&[Status]; 4] = [
    &[Status::Active],
    &[Status::Proposed, Status::Active],
    &[Status::Active, Status::Suspended, Status::Active],
    &[Status::Proposed, Status::Active, Status::Suspended, Status::Ended],
];
const EVENT_TYPES: [&str; 4] = ["meeting", "ceasefire", "military-deployment", "prisoner-exchange"];

pub fn entity_slug(i: u64) -> String {
    format!("synth-e{i}")
}

pub fn relation_key(i: u64) -> String {
    format!("synth-r{i}")
}

fn date(year: i32, day_of_year: u32) -> NaiveDate {
    NaiveDate::from_yo_opt(year, day_of_year.clamp(1, 365)).unwrap_or_default()
}

/// Inserts the rows, as many per statement as the parameter bound allows.
async fn flush<E, A, C>(db: &C, rows: &mut Vec<A>) -> Result<(), DbErr>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E>,
    C: ConnectionTrait,
{
    let per_statement = (MAX_PARAMETERS / E::Column::iter().count().max(1)).max(1);
    let mut rest = std::mem::take(rows);
    while !rest.is_empty() {
        let tail = rest.split_off(per_statement.min(rest.len()));
        E::insert_many(rest).exec_without_returning(db).await?;
        rest = tail;
    }
    Ok(())
}

/// Writes a synthetic data set. Refuses to write twice into one database.
pub async fn generate(store: &crate::Store, spec: SynthSpec) -> crate::Result<SynthReport> {
    Ok(generate_on(&store.db, spec).await?)
}

async fn generate_on(db: &DatabaseConnection, spec: SynthSpec) -> Result<SynthReport, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    if article::Entity::find().filter(article::Column::Key.eq(SYNTH_ARTICLE)).one(db).await?.is_some() {
        return Err(DbErr::Custom("this database already holds synthetic data".into()));
    }
    let now = now_micros();
    let mut rng = Rng(0x5EED);
    let mut report = SynthReport::default();
    let txn = db.begin().await?;
    article::Entity::insert(article::ActiveModel {
        key: Set(SYNTH_ARTICLE.into()),
        title: Set("Synthetic benchmark data".into()),
        publisher: Set("synth".into()),
        url: Set(None),
        published_at: Set(now),
        recorded_at: Set(now),
        superseded_at: Set(None),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    txn.commit().await?;

    let n = spec.entities.max(2);
    let kind_of = |i: u64| KINDS[(i % KINDS.len() as u64) as usize];
    let cite = |kind: FactKind, key: String| citation::ActiveModel {
        subject_kind: Set(kind.as_str().into()),
        subject_key: Set(key),
        article_key: Set(SYNTH_ARTICLE.into()),
        quote: Set(Some(format!("synthetic {kind}"))),
        recorded_at: Set(now),
        superseded_at: Set(None),
        ..Default::default()
    };
    let rev = |kind: FactKind, key: String| revision::ActiveModel {
        subject_kind: Set(kind.as_str().into()),
        subject_key: Set(key),
        action: Set(Action::Create.as_str().into()),
        author: Set("synth".into()),
        summary: Set(None),
        recorded_at: Set(now),
        ..Default::default()
    };

    let mut i = 0;
    while i < n {
        let txn = db.begin().await?;
        let (mut rows, mut cites, mut revs) = (Vec::new(), Vec::new(), Vec::new());
        for j in i..(i + BATCH as u64).min(n) {
            let (kind, category) = kind_of(j);
            let name = format!("Synthland {j}");
            rows.push(ent::ActiveModel {
                slug: Set(entity_slug(j)),
                kind: Set(kind.as_str().into()),
                category: Set(category.into()),
                search_name: Set(fold(&name)),
                name: Set(name),
                description: Set(None),
                recorded_at: Set(now),
                superseded_at: Set(None),
                ..Default::default()
            });
            cites.push(cite(FactKind::Entity, entity_slug(j)));
            revs.push(rev(FactKind::Entity, entity_slug(j)));
        }
        report.entities += rows.len() as u64;
        flush(&txn, &mut rows).await?;
        flush(&txn, &mut cites).await?;
        flush(&txn, &mut revs).await?;
        txn.commit().await?;
        i += BATCH as u64;
    }

    let mut next_period_id = next_id(db, "status_period").await?;
    let mut i = 0;
    while i < spec.relations {
        let txn = db.begin().await?;
        let (mut rows, mut periods, mut cites, mut revs) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for j in i..(i + BATCH as u64).min(spec.relations) {
            let source = rng.skewed(n);
            let mut target = rng.below(n);
            if target == source {
                target = (target + 1) % n;
            }
            let (rel_type, symmetric) = REL_TYPES[rng.below(REL_TYPES.len() as u64) as usize];
            rows.push(relation::ActiveModel {
                key: Set(relation_key(j)),
                rel_type: Set(rel_type.into()),
                label: Set(format!("{rel_type} of Synthland {source} and Synthland {target}")),
                source: Set(entity_slug(source)),
                target: Set(entity_slug(target)),
                symmetric: Set(symmetric),
                body: Set(None),
                recorded_at: Set(now),
                superseded_at: Set(None),
                ..Default::default()
            });
            cites.push(cite(FactKind::Relation, relation_key(j)));
            revs.push(rev(FactKind::Relation, relation_key(j)));
            let run = STATUS_RUNS[rng.below(STATUS_RUNS.len() as u64) as usize];
            let mut year = 1950 + rng.below(60) as i32;
            for (k, status) in run.iter().enumerate() {
                let from = date(year, 1 + rng.below(365) as u32);
                let last = k + 1 == run.len();
                let next_year = year + 1 + rng.below(8) as i32;
                let (to_edtf, to_latest) = if last && *status != Status::Ended {
                    (None, Until::Ever.column())
                } else {
                    let to = date(next_year, 1 + rng.below(365) as u32);
                    (Some(to.format("%Y-%m-%d").to_string()), Day::of(to).number())
                };
                periods.push(status_period::ActiveModel {
                    id: Set(next_period_id),
                    relation_key: Set(relation_key(j)),
                    source: Set(entity_slug(source)),
                    target: Set(entity_slug(target)),
                    status: Set(status.as_str().into()),
                    from_edtf: Set(Some(from.format("%Y-%m-%d").to_string())),
                    from_earliest: Set(Day::of(from).number()),
                    from_latest: Set(Day::of(from).number()),
                    to_edtf: Set(to_edtf),
                    to_earliest: Set(to_latest),
                    to_latest: Set(to_latest),
                    note: Set(None),
                    recorded_at: Set(now),
                    superseded_at: Set(None),
                });
                cites.push(cite(FactKind::Period, next_period_id.to_string()));
                next_period_id += 1;
                year = next_year;
            }
        }
        report.relations += rows.len() as u64;
        report.periods += periods.len() as u64;
        flush(&txn, &mut rows).await?;
        flush(&txn, &mut periods).await?;
        flush(&txn, &mut cites).await?;
        flush(&txn, &mut revs).await?;
        txn.commit().await?;
        i += BATCH as u64;
    }

    let mut i = 0;
    while i < spec.events {
        let txn = db.begin().await?;
        let (mut rows, mut parts, mut cites) = (Vec::new(), Vec::new(), Vec::new());
        let first_id = next_id(&txn, "event").await?;
        for (offset, j) in (i..(i + BATCH as u64).min(spec.events)).enumerate() {
            let id = first_id + offset as i64;
            let day = date(1950 + rng.below(75) as i32, 1 + rng.below(365) as u32);
            let a = rng.skewed(n);
            let b = rng.below(n);
            let event_type = EVENT_TYPES[rng.below(EVENT_TYPES.len() as u64) as usize];
            rows.push(event::ActiveModel {
                id: Set(id),
                key: Set(format!("synth-ev{j}")),
                event_type: Set(event_type.into()),
                cameo_code: Set(None),
                title: Set(format!("{event_type} of Synthland {a} and Synthland {b}")),
                summary: Set(None),
                date_edtf: Set(day.format("%Y-%m-%d").to_string()),
                date_earliest: Set(Day::of(day).number()),
                date_latest: Set(Day::of(day).number()),
                location: Set(None),
                recorded_at: Set(now),
                superseded_at: Set(None),
            });
            for (slug, role) in [(a, "source"), (b, "target")] {
                parts.push(participant::ActiveModel {
                    event_id: Set(id),
                    entity_slug: Set(entity_slug(slug)),
                    role: Set(role.into()),
                    ..Default::default()
                });
            }
            cites.push(cite(FactKind::Event, format!("synth-ev{j}")));
        }
        report.events += rows.len() as u64;
        flush(&txn, &mut rows).await?;
        flush(&txn, &mut parts).await?;
        flush(&txn, &mut cites).await?;
        txn.commit().await?;
        i += BATCH as u64;
    }

    let mut i = 0;
    while i < spec.statements {
        let txn = db.begin().await?;
        let (mut rows, mut about, mut cites) = (Vec::new(), Vec::new(), Vec::new());
        let first_id = next_id(&txn, "statement").await?;
        for (offset, j) in (i..(i + BATCH as u64).min(spec.statements)).enumerate() {
            let id = first_id + offset as i64;
            let day = date(1950 + rng.below(75) as i32, 1 + rng.below(365) as u32);
            let speaker = rng.skewed(n);
            let subject = rng.below(n);
            rows.push(statement::ActiveModel {
                id: Set(id),
                key: Set(format!("synth-st{j}")),
                speaker: Set(entity_slug(speaker)),
                date_edtf: Set(day.format("%Y-%m-%d").to_string()),
                date_earliest: Set(Day::of(day).number()),
                date_latest: Set(Day::of(day).number()),
                quote: Set(None),
                summary: Set(format!("Synthland {speaker} on Synthland {subject}")),
                recorded_at: Set(now),
                superseded_at: Set(None),
            });
            about.push(statement_about::ActiveModel {
                statement_id: Set(id),
                entity_slug: Set(entity_slug(subject)),
                ..Default::default()
            });
            cites.push(cite(FactKind::Statement, format!("synth-st{j}")));
        }
        report.statements += rows.len() as u64;
        flush(&txn, &mut rows).await?;
        flush(&txn, &mut about).await?;
        flush(&txn, &mut cites).await?;
        txn.commit().await?;
        i += BATCH as u64;
    }

    // Rows were written with explicit ids; move PostgreSQL's sequences past them.
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        for table in ["status_period", "event", "statement"] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .await?;
        }
    }
    Ok(report)
}

/// One past the largest id in `table` (a fixed table name, never user input).
async fn next_id(db: &impl ConnectionTrait, table: &str) -> Result<i64, DbErr> {
    let stmt = sea_orm::Statement::from_string(
        db.get_database_backend(),
        format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}"),
    );
    let row = db.query_one_raw(stmt).await?;
    Ok(row.map(|r| r.try_get::<i64>("", "m")).transpose()?.unwrap_or(0) + 1)
}
