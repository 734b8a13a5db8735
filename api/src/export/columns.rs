//! The tables one can export and their columns, declared once: the CSV
//! header, the JSON keys, `docs/exports.md` (checked by a test) and the rows
//! of [`super::rows`] all follow these lists.

use crate::error::{AppError, AppResult};
use std::fmt::Write as _;

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

pub(super) const fn col(name: &'static str, kind: Kind, nullable: bool, about: &'static str) -> Column {
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
    fn the_documentation_lists_every_column() {
        let doc = include_str!("../../../docs/exports.md");
        assert!(
            doc.contains(&columns_markdown()),
            "docs/exports.md is out of step with the columns; paste the output of `api export --columns`:\n{}",
            columns_markdown()
        );
    }
}
