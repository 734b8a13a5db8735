//! Bulk exports: each table of the knowledge base as of a day and as known
//! at an instant, in CSV or JSON Lines, produced in keyset batches so that
//! memory stays flat however large the table.
//!
//! The columns of every table are declared once, in [`Table::columns`]: the
//! CSV header, the JSON keys, `docs/exports.md` (checked by a test) and the
//! rows built here all follow that list.
//!
//! An export reads every batch as known at one instant (`knownAt`, or the
//! moment the export began), so a write landing while it streams cannot
//! tear it: the same URL with the same `knownAt` gives the same bytes.

use crate::error::{AppError, AppResult};
use crate::time::Known;
use domain::period::{decide, possible};
use domain::{Since, Until};
use entity::{alias, external_id, participant, quantity, statement_about, statement_quantity};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use store::read::export::Window;
use store::Store;

/// Rows per batch: one statement (and one per owned table) each.
pub const BATCH: u64 = 1000;

/// The tables one can export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Entities,
    Relations,
    Periods,
    Events,
    Statements,
    Citations,
}

/// The file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Boolean,
    /// A day, `YYYY-MM-DD`.
    Day,
    /// EDTF text as the source gives it (`2008-08`, `199X`, `2008-08-19~`).
    Edtf,
    /// An instant, RFC 3339 in UTC.
    Instant,
    /// A JSON array or object; in CSV, its JSON text.
    Json,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Integer => "integer",
            Kind::Boolean => "boolean",
            Kind::Day => "day",
            Kind::Edtf => "EDTF",
            Kind::Instant => "instant",
            Kind::Json => "JSON",
        }
    }
}

/// One column: its name, what it holds, whether it may be empty, and what it means.
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    pub nullable: bool,
    pub about: &'static str,
}

const fn col(name: &'static str, kind: Kind, nullable: bool, about: &'static str) -> Column {
    Column { name, kind, nullable, about }
}

use Kind::{Boolean, Day, Edtf, Instant, Integer, Json, Text};

const RECORDED: Column = col("recorded_at", Instant, false, "when the knowledge base recorded this version");

const ENTITIES: &[Column] = &[
    col("slug", Text, false, "the entity's stable identifier"),
    col("kind", Text, false, "`actor`, `organisation` or `region`"),
    col("category", Text, false, "category code from docs/vocabulary.md"),
    col("name", Text, false, "display name"),
    col("description", Text, true, "short description"),
    col("aliases", Json, false, "other names, an array of strings"),
    col("external_ids", Json, false, "identifiers elsewhere: an array of {scheme, value, url}"),
    RECORDED,
];

const RELATIONS: &[Column] = &[
    col("key", Text, false, "the relation's stable key"),
    col("type", Text, false, "relation type code from docs/vocabulary.md"),
    col("label", Text, false, "human label"),
    col("source", Text, false, "slug of the source entity"),
    col("target", Text, false, "slug of the target entity"),
    col("symmetric", Boolean, false, "true where the tie has no direction"),
    col("body", Text, true, "slug of the organisation that embodies the tie"),
    col("status_on", Day, false, "the day `status` is for: `asOf`, or the day of the export"),
    col("status", Text, true, "status on `status_on` (empty where no period holds)"),
    col("status_certain", Boolean, true, "whether every reading of the fuzzy dates gives `status`"),
    col("status_possible", Json, true, "every status some reading of the fuzzy dates gives, `status` first"),
    RECORDED,
];

const PERIODS: &[Column] = &[
    col("id", Integer, false, "the period's row; citations of kind `period` name it"),
    col("relation", Text, false, "key of its relation"),
    col("source", Text, false, "slug of the relation's source"),
    col("target", Text, false, "slug of the relation's target"),
    col("status", Text, false, "`proposed`, `active`, `suspended` or `ended`"),
    col("from", Edtf, true, "start as the source gives it; empty when unknown"),
    col("from_earliest", Day, true, "first day the start can denote"),
    col("from_latest", Day, true, "last day the start can denote"),
    col("to", Edtf, true, "end as the source gives it; empty while open"),
    col("to_earliest", Day, true, "first day the end can denote"),
    col("to_latest", Day, true, "last day the end can denote"),
    col("note", Text, true, "note"),
    RECORDED,
];

const EVENTS: &[Column] = &[
    col("key", Text, false, "the event's stable key"),
    col("type", Text, false, "event type code from docs/vocabulary.md"),
    col("cameo_code", Text, true, "CAMEO code"),
    col("title", Text, false, "title"),
    col("summary", Text, true, "summary"),
    col("date", Edtf, false, "date as the source gives it"),
    col("date_earliest", Day, false, "first day the date can denote"),
    col("date_latest", Day, false, "last day the date can denote"),
    col("location", Text, true, "slug of the region where it happened"),
    col("participants", Json, false, "an array of {entity, role}"),
    col("quantities", Json, false, "an array of {what, value, unit, approximate}"),
    RECORDED,
];

const STATEMENTS: &[Column] = &[
    col("key", Text, false, "the statement's stable key"),
    col("speaker", Text, false, "slug of the entity that said it"),
    col("date", Edtf, false, "date as the source gives it"),
    col("date_earliest", Day, false, "first day the date can denote"),
    col("date_latest", Day, false, "last day the date can denote"),
    col("quote", Text, true, "the words as quoted"),
    col("summary", Text, false, "what was said, in brief"),
    col("about", Json, false, "slugs of the entities it is about, an array"),
    col("quantities", Json, false, "an array of {what, value, unit, approximate}"),
    RECORDED,
];

const CITATIONS: &[Column] = &[
    col("id", Integer, false, "the citation's row"),
    col("subject_kind", Text, false, "`entity`, `relation`, `period`, `event` or `statement`"),
    col("subject", Text, false, "slug or key of what it cites (a period's id for `period`)"),
    col("quote", Text, true, "the article's words it rests on"),
    col("article", Text, false, "key of the article"),
    col("article_title", Text, true, "title"),
    col("article_publisher", Text, true, "publisher"),
    col("article_url", Text, true, "address"),
    col("article_published_at", Instant, true, "publication instant"),
    RECORDED,
];

impl Table {
    pub const ALL: [Table; 6] =
        [Table::Entities, Table::Relations, Table::Periods, Table::Events, Table::Statements, Table::Citations];

    pub fn name(self) -> &'static str {
        match self {
            Table::Entities => "entities",
            Table::Relations => "relations",
            Table::Periods => "periods",
            Table::Events => "events",
            Table::Statements => "statements",
            Table::Citations => "citations",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Table::Entities => ENTITIES,
            Table::Relations => RELATIONS,
            Table::Periods => PERIODS,
            Table::Events => EVENTS,
            Table::Statements => STATEMENTS,
            Table::Citations => CITATIONS,
        }
    }

    /// What a row is and which rows an export as of a day keeps.
    fn about(self) -> &'static str {
        match self {
            Table::Entities => "One row per entity. `asOf` keeps every entity (entities have no valid time).",
            Table::Relations => "One row per relation. `asOf` keeps the relations that possibly hold that day.",
            Table::Periods => {
                "One row per status period. `asOf` keeps the periods whose start can fall on or before that day."
            }
            Table::Events => "One row per event. `asOf` keeps the events whose date can fall on or before that day.",
            Table::Statements => {
                "One row per statement. `asOf` keeps the statements whose date can fall on or before that day."
            }
            Table::Citations => {
                "One row per citation, with its article. `asOf` keeps every citation (citations have no valid time)."
            }
        }
    }
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::Jsonl => "application/jsonl; charset=utf-8",
        }
    }
}

/// `relations.csv` and the like.
pub fn parse_file(file: &str) -> AppResult<(Table, Format)> {
    let known = || {
        let names: Vec<String> = Table::ALL.iter().map(|t| format!("{}.csv|jsonl", t.name())).collect();
        AppError::not_found(format!("no such export; there are {}", names.join(", ")))
    };
    let (name, extension) = file.rsplit_once('.').ok_or_else(known)?;
    let table = Table::ALL.into_iter().find(|t| t.name() == name).ok_or_else(known)?;
    let format = match extension {
        "csv" => Format::Csv,
        "jsonl" => Format::Jsonl,
        _ => return Err(known()),
    };
    Ok((table, format))
}

/// The part of docs/exports.md that lists every table's columns.
pub fn columns_markdown() -> String {
    let mut out = String::new();
    for table in Table::ALL {
        let _ = writeln!(out, "### {}\n\n{}\n", table.name(), table.about());
        out.push_str("| column | type | empty | meaning |\n|---|---|---|---|\n");
        for c in table.columns() {
            let empty = if c.nullable { "may be" } else { "never" };
            let _ = writeln!(out, "| `{}` | {} | {} | {} |", c.name, c.kind.name(), empty, c.about);
        }
        out.push('\n');
    }
    out
}

/// One value of a row, in its column's kind.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Text(String),
    Integer(i64),
    Boolean(bool),
    Json(Value),
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

fn optional(s: &Option<String>) -> Cell {
    s.as_deref().map_or(Cell::Null, text)
}

/// A stored day column as `YYYY-MM-DD`; an unknown start or open end is empty.
fn day(column: i32) -> Cell {
    match (Since::from_column(column), Until::from_column(column)) {
        (Since::Day(d), Until::Day(_)) => Cell::Text(d.to_string()),
        _ => Cell::Null,
    }
}

/// Microseconds since the epoch as an RFC 3339 instant in UTC.
fn instant(micros: i64) -> Cell {
    chrono::DateTime::from_timestamp_micros(micros)
        .map_or(Cell::Null, |t| Cell::Text(t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)))
}

/// Where an export stands: the next batch starts after this cursor.
enum Cursor {
    Key(String),
    Id(i64),
}

/// One export in progress: pulls batches from the store and encodes them.
pub struct Export {
    store: Store,
    table: Table,
    format: Format,
    window: Window,
    /// The day relation statuses are for.
    status_day: domain::Day,
    cursor: Cursor,
    header_written: bool,
    done: bool,
    batch: u64,
}

impl Export {
    /// An export of `table` as of `day` (every row when `None`; relation
    /// statuses then are for `today`) as known at instant `known` (micros).
    pub fn new(store: Store, table: Table, format: Format, scope: Scope) -> Export {
        let Scope { day, today, known } = scope;
        let cursor = match table {
            Table::Periods | Table::Citations => Cursor::Id(0),
            _ => Cursor::Key(String::new()),
        };
        Export {
            store,
            table,
            format,
            window: Window { day, known: Known::At(known) },
            status_day: day.unwrap_or(today),
            cursor,
            header_written: false,
            done: false,
            batch: BATCH,
        }
    }

    /// Smaller batches (tests use them to cross batch boundaries).
    pub fn with_batch(mut self, rows: u64) -> Export {
        self.batch = rows.max(1);
        self
    }

    /// The next piece of the file (the CSV header comes with the first),
    /// or `None` once the table is done.
    pub async fn next_chunk(&mut self) -> AppResult<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        let rows = self.next_rows().await?;
        if (rows.len() as u64) < self.batch {
            self.done = true;
        }
        let mut out = String::new();
        if !self.header_written {
            self.header_written = true;
            if self.format == Format::Csv {
                let names: Vec<&str> = self.table.columns().iter().map(|c| c.name).collect();
                write_csv_line(&mut out, names.iter().map(|n| Cell::Text((*n).to_owned())));
            }
        }
        for row in rows {
            match self.format {
                Format::Csv => write_csv_line(&mut out, row.into_iter()),
                Format::Jsonl => write_json_line(&mut out, self.table.columns(), row),
            }
        }
        if out.is_empty() && self.done {
            return Ok(None);
        }
        Ok(Some(out.into_bytes()))
    }

    async fn next_rows(&mut self) -> AppResult<Vec<Vec<Cell>>> {
        let (store, w, n) = (&self.store, self.window, self.batch);
        let rows = match (&mut self.cursor, self.table) {
            (Cursor::Key(after), Table::Entities) => {
                let batch = store.export_entities(w, after, n).await?;
                if let Some(last) = batch.last() {
                    *after = last.slug.clone();
                }
                entity_rows(store, batch).await?
            }
            (Cursor::Key(after), Table::Relations) => {
                let batch = store.export_relations(w, after, n).await?;
                if let Some(last) = batch.last() {
                    *after = last.key.clone();
                }
                relation_rows(store, batch, w.known, self.status_day).await?
            }
            (Cursor::Id(after), Table::Periods) => {
                let batch = store.export_periods(w, *after, n).await?;
                if let Some(last) = batch.last() {
                    *after = last.id;
                }
                batch.into_iter().map(period_row).collect()
            }
            (Cursor::Key(after), Table::Events) => {
                let batch = store.export_events(w, after, n).await?;
                if let Some(last) = batch.last() {
                    *after = last.key.clone();
                }
                event_rows(store, batch).await?
            }
            (Cursor::Key(after), Table::Statements) => {
                let batch = store.export_statements(w, after, n).await?;
                if let Some(last) = batch.last() {
                    *after = last.key.clone();
                }
                statement_rows(store, batch).await?
            }
            (Cursor::Id(after), Table::Citations) => {
                let batch = store.export_citations(w, *after, n).await?;
                if let Some(last) = batch.last() {
                    *after = last.id;
                }
                citation_rows(store, batch, w.known).await?
            }
            _ => return Err(AppError::Internal(format!("export of {} with the wrong cursor", self.table.name()))),
        };
        Ok(rows)
    }
}

async fn entity_rows(store: &Store, batch: Vec<entity::entity::Model>) -> AppResult<Vec<Vec<Cell>>> {
    let ids: Vec<i64> = batch.iter().map(|e| e.id).collect();
    let mut aliases = store.owned::<alias::Entity>(&ids).await?;
    let mut external = store.owned::<external_id::Entity>(&ids).await?;
    Ok(batch
        .into_iter()
        .map(|e| {
            let names: Vec<String> = aliases.remove(&e.id).unwrap_or_default().into_iter().map(|a| a.name).collect();
            let ids: Vec<Value> = external
                .remove(&e.id)
                .unwrap_or_default()
                .into_iter()
                .map(|x| json!({ "scheme": x.scheme, "value": x.value, "url": x.url }))
                .collect();
            vec![
                Cell::Text(e.slug),
                Cell::Text(e.kind),
                Cell::Text(e.category),
                Cell::Text(e.name),
                optional(&e.description),
                Cell::Json(json!(names)),
                Cell::Json(Value::Array(ids)),
                instant(e.recorded_at),
            ]
        })
        .collect())
}

async fn relation_rows(
    store: &Store,
    batch: Vec<entity::relation::Model>,
    known: Known,
    status_day: domain::Day,
) -> AppResult<Vec<Vec<Cell>>> {
    let keys: Vec<String> = batch.iter().map(|r| r.key.clone()).collect();
    let mut periods = if keys.is_empty() { HashMap::new() } else { store.periods(&keys, known).await? };
    let mut out = Vec::with_capacity(batch.len());
    for r in batch {
        let rows = periods.remove(&r.key).unwrap_or_default();
        let rules = rows.iter().map(store::read::relations::period).collect::<store::Result<Vec<_>>>()?;
        let decision = decide(&rules, status_day);
        let statuses: Vec<&str> = possible(&rules, status_day).into_iter().map(|s| s.as_str()).collect();
        out.push(vec![
            Cell::Text(r.key),
            Cell::Text(r.rel_type),
            Cell::Text(r.label),
            Cell::Text(r.source),
            Cell::Text(r.target),
            Cell::Boolean(r.symmetric),
            optional(&r.body),
            Cell::Text(status_day.to_string()),
            decision.map_or(Cell::Null, |d| text(d.status.as_str())),
            decision.map_or(Cell::Null, |d| Cell::Boolean(d.certain)),
            if decision.is_some() { Cell::Json(json!(statuses)) } else { Cell::Null },
            instant(r.recorded_at),
        ]);
    }
    Ok(out)
}

fn period_row(p: entity::status_period::Model) -> Vec<Cell> {
    let from_known = p.from_edtf.is_some();
    let to_known = p.to_edtf.is_some();
    vec![
        Cell::Integer(p.id),
        Cell::Text(p.relation_key),
        Cell::Text(p.source),
        Cell::Text(p.target),
        Cell::Text(p.status),
        optional(&p.from_edtf),
        if from_known { day(p.from_earliest) } else { Cell::Null },
        if from_known { day(p.from_latest) } else { Cell::Null },
        optional(&p.to_edtf),
        if to_known { day(p.to_earliest) } else { Cell::Null },
        if to_known { day(p.to_latest) } else { Cell::Null },
        optional(&p.note),
        instant(p.recorded_at),
    ]
}

fn quantity_json(what: String, value: f64, unit: Option<String>, approximate: bool) -> Value {
    json!({ "what": what, "value": value, "unit": unit, "approximate": approximate })
}

async fn event_rows(store: &Store, batch: Vec<entity::event::Model>) -> AppResult<Vec<Vec<Cell>>> {
    let ids: Vec<i64> = batch.iter().map(|e| e.id).collect();
    let mut participants = store.owned::<participant::Entity>(&ids).await?;
    let mut quantities = store.owned::<quantity::Entity>(&ids).await?;
    Ok(batch
        .into_iter()
        .map(|e| {
            let who: Vec<Value> = participants
                .remove(&e.id)
                .unwrap_or_default()
                .into_iter()
                .map(|p| json!({ "entity": p.entity_slug, "role": p.role }))
                .collect();
            let how_many: Vec<Value> = quantities
                .remove(&e.id)
                .unwrap_or_default()
                .into_iter()
                .map(|q| quantity_json(q.what, q.value, q.unit, q.approximate))
                .collect();
            vec![
                Cell::Text(e.key),
                Cell::Text(e.event_type),
                optional(&e.cameo_code),
                Cell::Text(e.title),
                optional(&e.summary),
                Cell::Text(e.date_edtf),
                day(e.date_earliest),
                day(e.date_latest),
                optional(&e.location),
                Cell::Json(Value::Array(who)),
                Cell::Json(Value::Array(how_many)),
                instant(e.recorded_at),
            ]
        })
        .collect())
}

async fn statement_rows(store: &Store, batch: Vec<entity::statement::Model>) -> AppResult<Vec<Vec<Cell>>> {
    let ids: Vec<i64> = batch.iter().map(|s| s.id).collect();
    let mut about = store.owned::<statement_about::Entity>(&ids).await?;
    let mut quantities = store.owned::<statement_quantity::Entity>(&ids).await?;
    Ok(batch
        .into_iter()
        .map(|s| {
            let slugs: Vec<String> =
                about.remove(&s.id).unwrap_or_default().into_iter().map(|a| a.entity_slug).collect();
            let how_many: Vec<Value> = quantities
                .remove(&s.id)
                .unwrap_or_default()
                .into_iter()
                .map(|q| quantity_json(q.what, q.value, q.unit, q.approximate))
                .collect();
            vec![
                Cell::Text(s.key),
                Cell::Text(s.speaker),
                Cell::Text(s.date_edtf),
                day(s.date_earliest),
                day(s.date_latest),
                optional(&s.quote),
                Cell::Text(s.summary),
                Cell::Json(json!(slugs)),
                Cell::Json(Value::Array(how_many)),
                instant(s.recorded_at),
            ]
        })
        .collect())
}

async fn citation_rows(store: &Store, batch: Vec<entity::citation::Model>, known: Known) -> AppResult<Vec<Vec<Cell>>> {
    let mut keys: Vec<String> = batch.iter().map(|c| c.article_key.clone()).collect();
    keys.sort();
    keys.dedup();
    let articles = if keys.is_empty() { HashMap::new() } else { store.articles_known_at(&keys, known).await? };
    Ok(batch
        .into_iter()
        .map(|c| {
            let a = articles.get(&c.article_key);
            vec![
                Cell::Integer(c.id),
                Cell::Text(c.subject_kind),
                Cell::Text(c.subject_key),
                optional(&c.quote),
                Cell::Text(c.article_key),
                a.map_or(Cell::Null, |a| text(&a.title)),
                a.map_or(Cell::Null, |a| text(&a.publisher)),
                a.map_or(Cell::Null, |a| optional(&a.url)),
                a.map_or(Cell::Null, |a| instant(a.published_at)),
                instant(c.recorded_at),
            ]
        })
        .collect())
}

/// The time of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// The valid-time day (none: every row).
    pub day: Option<domain::Day>,
    /// The day relation statuses are for when no day is asked.
    pub today: domain::Day,
    /// The record-time instant every batch is read at (microseconds).
    pub known: i64,
}

/// The scope of an export from its `asOf` and `knownAt` texts (`knownAt`
/// capped at now; now when absent).
pub fn scope(as_of: Option<&str>, known_at: Option<&str>) -> AppResult<Scope> {
    use async_graphql::ScalarType;
    let text = |t: &str| async_graphql::Value::String(t.to_owned());
    let date =
        |t: &str| crate::graphql::scalars::Date::parse(text(t)).map_err(|_| AppError::bad_input("asOf: not a date"));
    let instant = |t: &str| {
        crate::graphql::scalars::DateTime::parse(text(t)).map_err(|_| AppError::bad_input("knownAt: not an instant"))
    };
    let day = as_of.map(|d| date(d)?.day("asOf")).transpose()?;
    let now = domain::record::now_micros();
    let known = match known_at {
        Some(t) => instant(t)?.micros("knownAt")?.min(now),
        None => now,
    };
    Ok(Scope { day, today: domain::Day::today(), known })
}

/// The instant an export was read at, as a `knownAt` value.
pub fn known_at_text(known: i64) -> String {
    match instant(known) {
        Cell::Text(t) => t,
        _ => String::new(),
    }
}

/// Writes every table in each format into `dir` (made if missing). Each file
/// is written under a temporary name and renamed when whole, so a failed
/// export leaves no partial file behind. Returns each file with its size.
pub async fn write_folder(
    store: &Store,
    dir: &std::path::Path,
    formats: &[Format],
    scope: Scope,
) -> Result<Vec<(std::path::PathBuf, u64)>, String> {
    use std::io::Write;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for table in Table::ALL {
        for format in formats {
            let path = dir.join(format!("{}.{}", table.name(), format.extension()));
            let partial = dir.join(format!(".{}.{}.partial", table.name(), format.extension()));
            let file =
                std::fs::File::create(&partial).map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
            let mut file = std::io::BufWriter::new(file);
            let mut export = Export::new(store.clone(), table, *format, scope);
            let mut size = 0u64;
            let outcome: Result<(), String> = async {
                while let Some(chunk) = export.next_chunk().await.map_err(|e| e.message())? {
                    file.write_all(&chunk).map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
                    size += chunk.len() as u64;
                }
                file.flush().map_err(|e| format!("cannot write {}: {e}", partial.display()))
            }
            .await;
            drop(file);
            if let Err(e) = outcome {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
            std::fs::rename(&partial, &path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            written.push((path, size));
        }
    }
    Ok(written)
}

/// One CSV record (RFC 4180: fields with a comma, quote or line break are
/// quoted, quotes doubled; lines end with CRLF). Empty means null.
fn write_csv_line(out: &mut String, cells: impl Iterator<Item = Cell>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let field = match cell {
            Cell::Null => continue,
            Cell::Text(s) => s,
            Cell::Integer(n) => n.to_string(),
            Cell::Boolean(b) => b.to_string(),
            Cell::Json(v) => v.to_string(),
        };
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

/// One JSON object per line, keys in column order; null where empty.
fn write_json_line(out: &mut String, columns: &[Column], cells: Vec<Cell>) {
    out.push('{');
    for (i, (column, cell)) in columns.iter().zip(cells).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(column.name.to_owned()).to_string());
        out.push(':');
        let value = match cell {
            Cell::Null => Value::Null,
            Cell::Text(s) => Value::String(s),
            Cell::Integer(n) => json!(n),
            Cell::Boolean(b) => Value::Bool(b),
            Cell::Json(v) => v,
        };
        out.push_str(&value.to_string());
    }
    out.push_str("}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_name_a_table_and_a_format() {
        assert_eq!(parse_file("relations.csv").unwrap(), (Table::Relations, Format::Csv));
        assert_eq!(parse_file("citations.jsonl").unwrap(), (Table::Citations, Format::Jsonl));
        for bad in ["relations", "relations.xlsx", "users.csv", ".csv", "relations.csv.gz"] {
            let e = parse_file(bad).unwrap_err();
            assert_eq!(e.code(), "NOT_FOUND", "{bad}");
            assert!(e.message().contains("entities.csv|jsonl"), "{}", e.message());
        }
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_leaves_nulls_empty() {
        let mut out = String::new();
        let cells = vec![
            text("plain"),
            text("a, b"),
            text("say \"no\""),
            text("two\nlines"),
            Cell::Null,
            Cell::Integer(-3),
            Cell::Boolean(true),
            Cell::Json(json!(["x", "y"])),
        ];
        write_csv_line(&mut out, cells.into_iter());
        assert_eq!(out, "plain,\"a, b\",\"say \"\"no\"\"\",\"two\nlines\",,-3,true,\"[\"\"x\"\",\"\"y\"\"]\"\r\n");
    }

    #[test]
    fn json_lines_keep_column_order_and_types() {
        let mut out = String::new();
        let columns = [col("b", Text, true, ""), col("a", Integer, false, ""), col("c", Json, false, "")];
        write_json_line(&mut out, &columns, vec![Cell::Null, Cell::Integer(7), Cell::Json(json!({"k": 1}))]);
        assert_eq!(out, "{\"b\":null,\"a\":7,\"c\":{\"k\":1}}\n");
    }

    #[test]
    fn sentinel_days_are_empty_and_real_days_are_iso() {
        assert_eq!(day(domain::Since::Ever.column()), Cell::Null);
        assert_eq!(day(domain::Until::Ever.column()), Cell::Null);
        let d = domain::Day::parse("2008-08-19").unwrap();
        assert_eq!(day(d.number()), text("2008-08-19"));
        assert_eq!(instant(0), text("1970-01-01T00:00:00.000000Z"));
    }

    #[test]
    fn the_documentation_lists_every_column() {
        let doc = include_str!("../../docs/exports.md");
        assert!(
            doc.contains(&columns_markdown()),
            "docs/exports.md is out of step with the columns; paste the output of `api export --columns`:\n{}",
            columns_markdown()
        );
    }
}
