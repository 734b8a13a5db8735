//! Statements: listing oldest first, and the entities they are about.

use super::events::DateCursor;
use super::{column_list, Page, Sql, Store};
use crate::error::AppResult;
use crate::time::Known;
use entity::{statement, statement_about};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct StatementFilter {
    pub speaker: Option<String>,
    pub about: Option<String>,
}

column_list!(STATEMENT_COLUMNS, statement::Entity, "s");

impl Sql {
    fn statement_conditions(&mut self, f: &StatementFilter) -> &mut Self {
        self.push(" WHERE ").visible("s", Known::Now);
        if let Some(speaker) = &f.speaker {
            self.push(" AND s.speaker = ").bind(speaker.clone());
        }
        if let Some(about) = &f.about {
            self.push(
                " AND EXISTS (SELECT 1 FROM statement_about sa WHERE sa.statement_id = s.id AND sa.entity_slug = ",
            )
            .bind(about.clone())
            .push(")");
        }
        self
    }
}

impl Store {
    pub async fn statement_page(
        &self,
        f: &StatementFilter,
        first: usize,
        after: Option<&DateCursor>,
    ) -> AppResult<Page<statement::Model>> {
        let mut sql = self.sql();
        sql.push("SELECT ").push(&STATEMENT_COLUMNS).push(" FROM statement s").statement_conditions(f);
        sql.after_date_cursor("s", after).push(" ORDER BY s.date_earliest, s.key LIMIT ").bind(first as i64 + 1);
        Ok(Page::from_overfetch(self.all(sql).await?, first))
    }

    pub async fn statement_count(&self, f: &StatementFilter) -> AppResult<u64> {
        let mut sql = self.sql();
        sql.push("SELECT COUNT(*) AS n FROM statement s").statement_conditions(f);
        self.count(sql).await
    }

    pub async fn statement_about(&self, statement_ids: &[i64]) -> AppResult<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for a in statement_about::Entity::find()
            .filter(statement_about::Column::StatementId.is_in(statement_ids.iter().copied()))
            .order_by_asc(statement_about::Column::Id)
            .all(&self.db)
            .await?
        {
            out.entry(a.statement_id).or_default().push(a.entity_slug);
        }
        Ok(out)
    }
}
