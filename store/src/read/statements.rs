//! Statements: listing oldest first, and the entities they are about.

use super::events::{after_date_cursor, DateCursor};
use crate::sql::column_list;
use crate::Result;
use crate::{Page, Store};
use domain::Known;
use entity::rules::visible;
use entity::{statement, statement_about};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

#[derive(Debug, Clone, Default)]
pub struct StatementFilter {
    pub speaker: Option<String>,
    pub about: Option<String>,
}

column_list!(STATEMENT_COLUMNS, statement::Entity, "s");

fn statement_query(f: &StatementFilter) -> Select<statement::Entity> {
    let mut q = statement::Entity::find().filter(visible(statement::Entity, Known::Now));
    if let Some(speaker) = &f.speaker {
        q = q.filter(statement::Column::Speaker.eq(speaker.as_str()));
    }
    if let Some(about) = &f.about {
        let about_it = Query::select()
            .column(statement_about::Column::StatementId)
            .from(statement_about::Entity)
            .and_where(statement_about::Column::EntitySlug.eq(about.as_str()))
            .to_owned();
        q = q.filter(statement::Column::Id.in_subquery(about_it));
    }
    q
}

impl Store {
    pub async fn statement_page(
        &self,
        f: &StatementFilter,
        first: usize,
        after: Option<&DateCursor>,
    ) -> Result<Page<statement::Model>> {
        let mut q = statement_query(f);
        if let Some(cursor) = after {
            q = q.filter(after_date_cursor(statement::Column::DateEarliest, statement::Column::Key, cursor));
        }
        let rows = self
            .fetch(
                q.order_by_asc(statement::Column::DateEarliest)
                    .order_by_asc(statement::Column::Key)
                    .limit(first as u64 + 1),
            )
            .await?;
        Ok(Page::from_overfetch(rows, first))
    }

    pub async fn statement_count(&self, f: &StatementFilter) -> Result<u64> {
        self.tally(statement_query(f)).await
    }
}
