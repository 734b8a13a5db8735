//! Articles, the sources every fact cites.

use super::common::{connection, store_of, PageSize};
use super::ids::{encode, IdKind};
use super::scalars::DateTime;
use crate::error::AppResult;
use async_graphql::{Context, Object, ID};
use entity::article;

/// A published source that facts are drawn from.
pub struct Article(pub article::Model);

#[Object]
impl Article {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(encode(IdKind::Article, &self.0.key))
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn publisher(&self) -> &str {
        &self.0.publisher
    }
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    async fn published_at(&self) -> async_graphql::Result<DateTime> {
        Ok(DateTime::from_micros(self.0.published_at)?)
    }
    /// the stable key of the article's seed bundle
    async fn key(&self) -> &str {
        &self.0.key
    }
}

impl From<article::Model> for Article {
    fn from(row: article::Model) -> Self {
        Article(row)
    }
}

connection!(ArticleConnection, ArticleEdge, article::Model => Article, (), |store, _none| store.article_count());

pub async fn list_articles(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<ArticleConnection> {
    let size = PageSize::new(first)?;
    let position = super::common::after_position::<article::Model>(&after, 2)?;
    let page = store_of(ctx).article_page(size.0, position.as_ref()).await?;
    Ok(ArticleConnection::new(page, after.is_some(), ()))
}
