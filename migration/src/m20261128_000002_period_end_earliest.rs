//! Status periods gain the earliest day their end can denote, so that a
//! period can be asked whether it *certainly* holds on a day (the day lies
//! past its start's uncertainty and before its end's), not only whether it
//! possibly does.
//!
//! The column is filled for new rows by the loader. Rows written before it
//! existed get the open-end sentinel as their default; the application
//! fills the true value from the stored EDTF text when it opens the
//! database (a migration describes tables and never reads data).

use sea_orm_migration::prelude::*;

pub struct Migration;

/// The default of `to_earliest`: the open-end day number of `domain::edtf`.
pub const OPEN_END_DEFAULT: i32 = 100_000_000;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000002_period_end_earliest"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("status_period")
                    .add_column(ColumnDef::new("to_earliest").integer().not_null().default(OPEN_END_DEFAULT))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("status_period").drop_column("to_earliest").to_owned()).await
    }
}
