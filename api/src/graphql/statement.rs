//! Attributed statements and statement listings.

use super::common::{citations, encode_cursor, load, store, Citation, FuzzyDate, PageInfo, PageSize};
use super::entity::Entity;
use super::event::date_cursor;
use super::ids::{encode, IdKind};
use super::loaders::{AboutOf, CitationsOf};
use crate::error::AppResult;
use crate::store::statements::StatementFilter;
use crate::time::Known;
use async_graphql::{Context, Object, ID};
use entity::statement;

/// Something an entity said: a claim, a demand, an accusation.
pub struct Statement(pub statement::Model);

#[Object]
impl Statement {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(encode(IdKind::Statement, &self.0.key))
    }
    async fn speaker(&self, ctx: &Context<'_>) -> async_graphql::Result<Entity> {
        Ok(Entity::load_required(ctx, &self.0.speaker).await?)
    }
    async fn date(&self) -> async_graphql::Result<FuzzyDate> {
        Ok(FuzzyDate::from_stored(&self.0.date_edtf)?)
    }
    /// the words as the source quotes them, where it does
    async fn quote(&self) -> Option<&str> {
        self.0.quote.as_deref()
    }
    /// what was said, in the knowledge base's own words
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    async fn about(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Entity>> {
        let slugs = load(ctx, AboutOf(self.0.id)).await?.unwrap_or_default();
        Ok(Entity::load_many(ctx, &slugs).await?)
    }
    async fn citations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Citation>> {
        Ok(citations(load(ctx, CitationsOf("statement", self.0.key.clone(), Known::Now)).await?))
    }
}

pub struct StatementEdge {
    cursor: String,
    node: statement::Model,
}

#[Object]
impl StatementEdge {
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    async fn node(&self) -> Statement {
        Statement(self.node.clone())
    }
}

pub struct StatementConnection {
    edges: Vec<StatementEdge>,
    page_info: PageInfo,
    filter: StatementFilter,
}

#[Object]
impl StatementConnection {
    async fn edges(&self) -> &[StatementEdge] {
        &self.edges
    }
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(store(ctx).statement_count(&self.filter).await?)
    }
}

pub async fn list_statements(ctx: &Context<'_>, filter: StatementFilter, first: Option<i32>, after: Option<String>) -> AppResult<StatementConnection> {
    let size = PageSize::new(first)?;
    let cursor = date_cursor(&after, "st")?;
    let page = store(ctx).statement_page(&filter, size.0, cursor.as_ref()).await?;
    let edges: Vec<StatementEdge> = page
        .rows
        .into_iter()
        .map(|s| StatementEdge { cursor: encode_cursor(&["st", &s.date_earliest.to_string(), &s.key]), node: s })
        .collect();
    let cursors: Vec<String> = edges.iter().map(|e| e.cursor.clone()).collect();
    Ok(StatementConnection { page_info: PageInfo::new(&cursors, page.has_next, after.is_some()), edges, filter })
}
