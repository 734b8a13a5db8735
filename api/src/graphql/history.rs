//! Timelines: status changes, events and statements merged, oldest first.

use super::common::{store_of, FuzzyDate};
use super::event::Event;
use super::loaders::RelationByKey;
use super::relation::Relation;
use super::scalars::{Date, DateTime};
use super::statement::Statement;
use crate::error::{AppError, AppResult};
use crate::time::{known_at, Known};
use async_graphql::{Context, Enum, Object};
use store::read::history::TimelineItem;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum TimelineKind {
    StatusChange,
    Event,
    Statement,
}

pub struct TimelineEntry {
    item: TimelineItem,
    known: Known,
}

#[Object]
impl TimelineEntry {
    async fn date(&self) -> async_graphql::Result<FuzzyDate> {
        let text = match &self.item {
            TimelineItem::StatusChange(s) => s
                .from_edtf
                .as_deref()
                .ok_or_else(|| AppError::Internal(format!("status change of period {} has no start", s.period_id)))?,
            TimelineItem::Event(e) => &e.date_edtf,
            TimelineItem::Statement(s) => &s.date_edtf,
        };
        Ok(FuzzyDate::from_stored(text)?)
    }
    async fn kind(&self) -> TimelineKind {
        match &self.item {
            TimelineItem::StatusChange(_) => TimelineKind::StatusChange,
            TimelineItem::Event(_) => TimelineKind::Event,
            TimelineItem::Statement(_) => TimelineKind::Statement,
        }
    }
    async fn title(&self) -> String {
        match &self.item {
            TimelineItem::StatusChange(s) => format!("{}: {}", s.label, s.status.to_uppercase()),
            TimelineItem::Event(e) => e.title.clone(),
            TimelineItem::Statement(s) => s.summary.clone(),
        }
    }
    async fn relation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Relation>> {
        let TimelineItem::StatusChange(s) = &self.item else { return Ok(None) };
        Ok(super::common::load(ctx, RelationByKey(s.relation_key.clone(), self.known)).await?.map(Relation))
    }
    async fn event(&self) -> Option<Event> {
        match &self.item {
            TimelineItem::Event(e) => Some(Event(e.clone())),
            _ => None,
        }
    }
    async fn statement(&self) -> Option<Statement> {
        match &self.item {
            TimelineItem::Statement(s) => Some(Statement(s.clone())),
            _ => None,
        }
    }
}

/// The merged timeline of these entities.
pub async fn timeline(
    ctx: &Context<'_>,
    slugs: &[String],
    from: Option<Date>,
    to: Option<Date>,
    known: Option<DateTime>,
    first: Option<i32>,
) -> AppResult<Vec<TimelineEntry>> {
    let span = crate::time::span(from.as_ref(), to.as_ref())?;
    let known = known_at(known.as_ref())?;
    let size = super::common::PageSize::or(first, super::common::LONG_LIST)?;
    let items = store_of(ctx).timeline(slugs, span, known, size.0).await?;
    Ok(items.into_iter().map(|item| TimelineEntry { item, known }).collect())
}
