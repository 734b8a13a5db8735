//! Articles, the sources every fact cites.

use super::common::{decode_cursor, encode_cursor, parse_cursor_number, store, PageInfo, PageSize};
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
    async fn published_at(&self) -> DateTime {
        DateTime::from_micros(self.0.published_at)
    }
    /// the stable key of the article's seed bundle
    async fn key(&self) -> &str {
        &self.0.key
    }
}

pub struct ArticleEdge {
    cursor: String,
    node: article::Model,
}

#[Object]
impl ArticleEdge {
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    async fn node(&self) -> Article {
        Article(self.node.clone())
    }
}

pub struct ArticleConnection {
    edges: Vec<ArticleEdge>,
    page_info: PageInfo,
}

#[Object]
impl ArticleConnection {
    async fn edges(&self) -> &[ArticleEdge] {
        &self.edges
    }
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(store(ctx).article_count().await?)
    }
}

pub async fn list_articles(ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> AppResult<ArticleConnection> {
    let size = PageSize::new(first)?;
    let cursor = match &after {
        Some(a) => {
            let mut parts = decode_cursor(a, "art", 2)?;
            let key = parts.pop().unwrap_or_default();
            Some((parse_cursor_number::<i64>(a, &parts[0])?, key))
        }
        None => None,
    };
    let page = store(ctx).article_page(size.0, cursor.as_ref()).await?;
    let edges: Vec<ArticleEdge> = page
        .rows
        .into_iter()
        .map(|a| ArticleEdge { cursor: encode_cursor(&["art", &a.published_at.to_string(), &a.key]), node: a })
        .collect();
    let cursors: Vec<String> = edges.iter().map(|e| e.cursor.clone()).collect();
    Ok(ArticleConnection { page_info: PageInfo::new(&cursors, page.has_next, after.is_some()), edges })
}
