//! Live updates: `changes`, each revision as its write commits, over
//! graphql-transport-ws.

use super::super::common::Revision;
use super::MAX_FOLLOWED;
use crate::error::AppError;
use async_graphql::futures_util::Stream;
use async_graphql::{Context, ErrorExtensions, Subscription};
use store::feed::ChangeFeed;
use tokio::sync::broadcast::error::RecvError;

pub struct Subscription;

#[Subscription]
impl Subscription {
    /// each revision as it commits (graphql-transport-ws on /graphql); with entities, only those touching any of them
    async fn changes(
        &self,
        ctx: &Context<'_>,
        entities: Option<Vec<String>>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Revision>>> {
        if let Some(e) = entities.as_ref().filter(|e| e.len() > MAX_FOLLOWED) {
            return Err(AppError::too_large("entities", "slugs", e.len(), MAX_FOLLOWED).into());
        }
        if let Some(slugs) = &entities {
            crate::graphql::known_slugs(ctx, "entities", slugs).await?;
        }
        let feed = ctx
            .data_opt::<ChangeFeed>()
            .ok_or_else(|| AppError::Internal("no change feed on this connection".into()))?;
        let receiver = feed.subscribe();
        Ok(async_graphql::futures_util::stream::unfold((receiver, entities), |(mut receiver, entities)| async move {
            loop {
                match receiver.recv().await {
                    Ok(change) => {
                        let wanted = entities.as_ref().is_none_or(|e| change.touches.iter().any(|t| e.contains(t)));
                        if wanted {
                            return Some((Ok(Revision(change.revision.clone())), (receiver, entities)));
                        }
                    }
                    Err(RecvError::Lagged(missed)) => {
                        let error = async_graphql::Error::new(format!(
                            "this subscription fell behind and missed {missed} changes; read the revisions since the last one received"
                        ))
                        .extend_with(|_, ext| {
                            ext.set("code", "SUBSCRIBER_LAGGED");
                            ext.set("missed", missed);
                        });
                        return Some((Err(error), (receiver, entities)));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        }))
    }
}
