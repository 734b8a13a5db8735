//! Articles: listing newest last, lookup by key.

use crate::Result;
use crate::{Page, Store};
use domain::Known;
use entity::article;
use entity::rules::visible;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Keyset position: publication instant and key.
pub type ArticleCursor = (i64, String);

impl Store {
    /// Current articles in publication order.
    pub async fn article_page(&self, first: usize, after: Option<&ArticleCursor>) -> Result<Page<article::Model>> {
        let mut q = article::Entity::find().filter(visible(article::Entity, Known::Now));
        if let Some((published, key)) = after {
            q = q.filter(
                Condition::any().add(article::Column::PublishedAt.gt(*published)).add(
                    Condition::all()
                        .add(article::Column::PublishedAt.eq(*published))
                        .add(article::Column::Key.gt(key.as_str())),
                ),
            );
        }
        let rows = self
            .fetch(
                q.order_by_asc(article::Column::PublishedAt).order_by_asc(article::Column::Key).limit(first as u64 + 1),
            )
            .await?;
        Ok(Page::from_overfetch(rows, first))
    }

    pub async fn article_count(&self) -> Result<u64> {
        self.tally(article::Entity::find().filter(visible(article::Entity, Known::Now))).await
    }
}
