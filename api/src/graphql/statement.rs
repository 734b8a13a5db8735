//! Attributed statements and statement listings.

use super::common::{citations_of, connection, load, store_of, Citation, FuzzyDate, PageSize};
use super::entity::Entity;
use super::event::Quantity;
use super::ids::{encode, IdKind};
use super::loaders::OwnedBy;
use crate::error::AppResult;
use crate::time::Known;
use async_graphql::{Context, Object, ID};
use domain::FactKind;
use entity::statement;
use store::read::statements::StatementFilter;

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
    /// the entities it concerns (at most 50)
    #[graphql(directive = crate::protect::directives::listSize::apply(Some(50), None, None, None))]
    async fn about(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Entity>> {
        let rows = load(ctx, OwnedBy::<entity::statement_about::Entity>::new(self.0.id)).await?.unwrap_or_default();
        let slugs: Vec<String> = rows.into_iter().map(|a| a.entity_slug).collect();
        Ok(Entity::load_many(ctx, &slugs).await?)
    }
    /// figures the statement gives (up to 100 monitors); at most 50
    #[graphql(directive = crate::protect::directives::listSize::apply(Some(50), None, None, None))]
    async fn quantities(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Quantity>> {
        let rows = load(ctx, OwnedBy::<entity::statement_quantity::Entity>::new(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(Quantity::from).collect())
    }
    #[graphql(directive = crate::protect::directives::listSize::apply(None, Some(vec!["first".into()]), None, Some(false)))]
    async fn citations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Citation>> {
        Ok(citations_of(ctx, FactKind::Statement, &self.0.key, Known::Now, first).await?)
    }
}

impl From<statement::Model> for Statement {
    fn from(row: statement::Model) -> Self {
        Statement(row)
    }
}

connection!(StatementConnection, StatementEdge, statement::Model => Statement, StatementFilter, |store, filter| store.statement_count(filter));

pub async fn list_statements(
    ctx: &Context<'_>,
    filter: StatementFilter,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<StatementConnection> {
    let size = PageSize::new(first)?;
    let position = super::common::after_position::<statement::Model>(&after, 2)?;
    let page = store_of(ctx).statement_page(&filter, size.0, position.as_ref()).await?;
    Ok(StatementConnection::new(page, after.is_some(), filter))
}
