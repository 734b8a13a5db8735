//! Curation: what each article contributes to a fact, figures that
//! statements give, and the tokens that may write.
//!
//! - `contribution`: one row per article and fact (entity, relation, event,
//!   statement) holding what that article says of it, as JSON, in record
//!   time like every fact. The fact's own row is the merge of its current
//!   contributions, so no article's load can erase what another gave.
//! - `statement_quantity`: figures a statement states, owned by one version
//!   row of `statement` as `quantity` rows are by `event`.
//! - `api_token`: write tokens, stored only as a SHA-256 hash of the secret.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000003_curation"
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("contribution")
                    .col(id())
                    .col(text("subject_kind"))
                    .col(text("subject_key"))
                    .col(text("article_key"))
                    .col(ColumnDef::new("content").text().not_null())
                    .col(bigint("recorded_at"))
                    .col(ColumnDef::new("superseded_at").big_integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_contribution_subject")
                    .table("contribution")
                    .col("subject_kind")
                    .col("subject_key")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_contribution_article").table("contribution").col("article_key").to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_contribution_current ON contribution (subject_kind, subject_key, article_key) WHERE superseded_at IS NULL",
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("statement_quantity")
                    .col(id())
                    .col(bigint("statement_id"))
                    .col(text("what"))
                    .col(ColumnDef::new("value").double().not_null())
                    .col(text_null("unit"))
                    .col(ColumnDef::new("approximate").boolean().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_statement_quantity_statement")
                    .table("statement_quantity")
                    .col("statement_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("api_token")
                    .col(id())
                    .col(text("name"))
                    .col(text("scope"))
                    .col(ColumnDef::new("lookup").string().not_null().unique_key())
                    .col(text("secret_hash"))
                    .col(bigint("created_at"))
                    .col(ColumnDef::new("revoked_at").big_integer().null())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["api_token", "statement_quantity", "contribution"] {
            manager.drop_table(Table::drop().table(table.to_owned()).to_owned()).await?;
        }
        Ok(())
    }
}
