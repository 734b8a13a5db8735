//! The first schema: entities, articles, relations with their status
//! periods, events, statements, citations and the revision log.
//!
//! Enumerations are stored as strings (SQLite has no enum types), instants as
//! microseconds since the Unix epoch and days as days since 1970-01-01, so
//! that comparisons mean the same on both backends.

use sea_orm_migration::prelude::*;

pub struct Migration;

/// Classes of period starts by width (last day minus first day): name,
/// partial-index predicate, indexed columns. Queries repeat the predicates
/// word for word so that both backends use these indexes.
pub const START_CLASSES: [(&str, &str, &str); 3] = [
    ("narrow", "from_latest - from_earliest <= 31", "{end}, from_earliest"),
    ("broad", "from_latest - from_earliest > 31 AND from_latest - from_earliest <= 3660", "{end}, from_earliest"),
    ("wide", "from_latest - from_earliest > 3660", "{end}"),
];

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20260101_000001_create_tables"
    }
}

fn id() -> ColumnDef {
    ColumnDef::new("id").big_integer().not_null().auto_increment().primary_key().to_owned()
}
fn text(name: &str) -> ColumnDef {
    ColumnDef::new(name.to_owned()).string().not_null().to_owned()
}
fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(name.to_owned()).string().null().to_owned()
}
fn bigint(name: &str) -> ColumnDef {
    ColumnDef::new(name.to_owned()).big_integer().not_null().to_owned()
}
fn int(name: &str) -> ColumnDef {
    ColumnDef::new(name.to_owned()).integer().not_null().to_owned()
}
fn boolean(name: &str) -> ColumnDef {
    ColumnDef::new(name.to_owned()).boolean().not_null().to_owned()
}

/// A fact table: `id`, the given columns, then the two record-time columns.
fn fact_table(name: &str, columns: Vec<ColumnDef>) -> TableCreateStatement {
    let mut table = Table::create();
    table.table(name.to_owned()).col(id());
    for mut column in columns {
        table.col(&mut column);
    }
    table
        .col(bigint("recorded_at"))
        .col(ColumnDef::new("superseded_at").big_integer().null())
        .to_owned()
}

/// A table of rows owned by one version row of another table.
fn child_table(name: &str, columns: Vec<ColumnDef>) -> TableCreateStatement {
    let mut table = Table::create();
    table.table(name.to_owned()).col(id());
    for mut column in columns {
        table.col(&mut column);
    }
    table.to_owned()
}

fn index(table: &str, name: &str, columns: &[&str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name.to_owned()).table(table.to_owned());
    for column in columns {
        index.col((*column).to_owned());
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            fact_table(
                "article",
                vec![text("key"), text("title"), text("publisher"), text_null("url"), bigint("published_at")],
            ),
            fact_table(
                "entity",
                vec![
                    text("slug"),
                    text("kind"),
                    text("category"),
                    text("name"),
                    text("search_name"),
                    text_null("description"),
                ],
            ),
            child_table("alias", vec![bigint("entity_id"), text("name"), text("search_name")]),
            child_table(
                "external_id",
                vec![bigint("entity_id"), text("scheme"), text("value"), text_null("url")],
            ),
            fact_table(
                "relation",
                vec![
                    text("key"),
                    text("type"),
                    text("label"),
                    text("source"),
                    text("target"),
                    boolean("symmetric"),
                    text_null("body"),
                ],
            ),
            fact_table(
                "status_period",
                vec![
                    text("relation_key"),
                    text("source"),
                    text("target"),
                    text("status"),
                    text_null("from_edtf"),
                    int("from_earliest"),
                    int("from_latest"),
                    text_null("to_edtf"),
                    int("to_latest"),
                    text_null("note"),
                ],
            ),
            fact_table(
                "event",
                vec![
                    text("key"),
                    text("type"),
                    text_null("cameo_code"),
                    text("title"),
                    text_null("summary"),
                    text("date_edtf"),
                    int("date_earliest"),
                    int("date_latest"),
                    text_null("location"),
                ],
            ),
            child_table("participant", vec![bigint("event_id"), text("entity_slug"), text("role")]),
            child_table(
                "quantity",
                vec![
                    bigint("event_id"),
                    text("what"),
                    ColumnDef::new("value").double().not_null().to_owned(),
                    text_null("unit"),
                    boolean("approximate"),
                ],
            ),
            fact_table(
                "statement",
                vec![
                    text("key"),
                    text("speaker"),
                    text("date_edtf"),
                    int("date_earliest"),
                    int("date_latest"),
                    text_null("quote"),
                    text("summary"),
                ],
            ),
            child_table("statement_about", vec![bigint("statement_id"), text("entity_slug")]),
            fact_table(
                "citation",
                vec![text("subject_kind"), text("subject_key"), text("article_key"), text_null("quote")],
            ),
            child_table(
                "revision",
                vec![
                    text("subject_kind"),
                    text("subject_key"),
                    text("action"),
                    text("author"),
                    text_null("summary"),
                    bigint("recorded_at"),
                ],
            ),
        ];
        for table in tables {
            manager.create_table(table).await?;
        }

        let indexes = vec![
            index("article", "ix_article_key", &["key", "superseded_at"]),
            index("article", "ix_article_published", &["published_at", "key"]),
            index("entity", "ix_entity_slug", &["slug", "superseded_at"]),
            index("entity", "ix_entity_kind_slug", &["kind", "slug"]),
            index("entity", "ix_entity_search", &["search_name"]),
            index("alias", "ix_alias_entity", &["entity_id"]),
            index("alias", "ix_alias_search", &["search_name"]),
            index("external_id", "ix_external_id_entity", &["entity_id"]),
            index("relation", "ix_relation_key", &["key", "superseded_at"]),
            index("relation", "ix_relation_source", &["source", "key"]),
            index("relation", "ix_relation_target", &["target", "key"]),
            index("status_period", "ix_period_relation", &["relation_key", "from_earliest", "to_latest"]),
            index("event", "ix_event_key", &["key", "superseded_at"]),
            index("event", "ix_event_date", &["date_earliest", "key"]),
            index("participant", "ix_participant_event", &["event_id"]),
            index("participant", "ix_participant_entity", &["entity_slug", "event_id"]),
            index("quantity", "ix_quantity_event", &["event_id"]),
            index("statement", "ix_statement_key", &["key", "superseded_at"]),
            index("statement", "ix_statement_speaker", &["speaker", "date_earliest"]),
            index("statement", "ix_statement_date", &["date_earliest", "key"]),
            index("statement_about", "ix_statement_about_statement", &["statement_id"]),
            index("statement_about", "ix_statement_about_entity", &["entity_slug", "statement_id"]),
            index("citation", "ix_citation_subject", &["subject_kind", "subject_key"]),
            index("citation", "ix_citation_article", &["article_key"]),
            index("revision", "ix_revision_subject", &["subject_kind", "subject_key", "recorded_at"]),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }

        // One current row per stable key: partial unique indexes, written the
        // same way on both backends.
        let db = manager.get_connection();
        for (table, column) in [
            ("article", "key"),
            ("entity", "slug"),
            ("relation", "key"),
            ("event", "key"),
            ("statement", "key"),
        ] {
            db.execute_unprepared(&format!(
                "CREATE UNIQUE INDEX ux_{table}_current ON {table} ({column}) WHERE superseded_at IS NULL"
            ))
            .await?;
        }
        // Timelines find an entity's status changes by the ends copied onto
        // periods and by start day. Starts are indexed by how fuzzy they are
        // (to a day or month; to a year or decade; wider), so that a range
        // query looks back only as far as a start of that class can reach.
        for end in ["source", "target"] {
            for (class, predicate, columns) in START_CLASSES {
                let columns = columns.replace("{end}", end);
                db.execute_unprepared(&format!(
                    "CREATE INDEX ix_period_{end}_{class} ON status_period ({columns}) WHERE {predicate}"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "revision",
            "citation",
            "statement_about",
            "statement",
            "quantity",
            "participant",
            "event",
            "status_period",
            "relation",
            "external_id",
            "alias",
            "entity",
            "article",
        ] {
            manager.drop_table(Table::drop().table(table.to_owned()).to_owned()).await?;
        }
        Ok(())
    }
}
