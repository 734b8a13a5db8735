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

mod columns;
mod encode;
mod rows;

pub use columns::{columns_markdown, parse_file, Column, Format, Kind, Table};

use crate::error::{AppError, AppResult};
use crate::time::Known;
use rows::{citation_rows, entity_rows, event_rows, instant, period_row, relation_rows, statement_rows, Cell};
use store::read::export::Window;
use store::Store;

/// Rows per batch: one statement (and one per owned table) each.
pub const BATCH: u64 = 1000;

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
        let columns = self.table.columns();
        let out = match self.format {
            Format::Csv => {
                let mut csv = encode::Csv::new();
                if !self.header_written {
                    csv.record(columns.len(), columns.iter().map(|c| Cell::Text(c.name.to_owned())).collect())?;
                }
                for row in rows {
                    csv.record(columns.len(), row)?;
                }
                csv.into_bytes()?
            }
            Format::Jsonl => {
                let mut out = Vec::new();
                for row in rows {
                    encode::json_line(&mut out, columns, row)?;
                }
                out
            }
        };
        self.header_written = true;
        if out.is_empty() && self.done {
            return Ok(None);
        }
        Ok(Some(out))
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
