//! Types and helpers shared by every domain: fuzzy dates, citations,
//! revisions, page sizes, cursors and access to the per-request loaders.

use super::article::Article;
use super::loaders::{ArticleByKey, Batch, Loaders};
use super::scalars::{Date, DateTime};
use crate::error::{AppError, AppResult};
use async_graphql::dataloader::Loader;
use async_graphql::{Context, Enum, Object, SimpleObject};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::edtf::FuzzyDate as Parsed;
use entity::{citation, revision};
use store::Store;

pub fn store_of<'a>(ctx: &Context<'a>) -> &'a Store {
    &loaders(ctx).loader().store
}

/// The request's loaders (added to every request by the server).
pub fn loaders<'a>(ctx: &Context<'a>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

/// Loads one value through the request's DataLoader.
pub async fn load<K>(ctx: &Context<'_>, key: K) -> AppResult<Option<<Batch as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    Batch: Loader<K, Error = AppError>,
{
    loaders(ctx).load_one(key).await
}

/// Loads these keys at once, without the batching delay, and keeps the
/// results in the request's cache so that the resolvers that ask for them
/// one by one find them there.
pub async fn prefetch<K>(
    ctx: &Context<'_>,
    keys: Vec<K>,
) -> AppResult<std::collections::HashMap<K, <Batch as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    Batch: Loader<K, Error = AppError>,
{
    let keys: Vec<K> = keys.into_iter().collect::<std::collections::HashSet<K>>().into_iter().collect();
    if keys.is_empty() {
        return Ok(Default::default());
    }
    let loaders = loaders(ctx);
    let found = loaders.loader().load(&keys).await?;
    loaders.feed_many(found.clone()).await;
    Ok(found)
}

/// A validated `first` argument: 0 to 100.
#[derive(Debug, Clone, Copy)]
pub struct PageSize(pub usize);

pub const MAX_PAGE: i32 = 100;

impl PageSize {
    /// From a `first` argument; null means the default page of 20.
    pub fn new(first: Option<i32>) -> AppResult<PageSize> {
        Self::or(first, 20)
    }

    /// From a `first` argument with its own default.
    pub fn or(first: Option<i32>, default: i32) -> AppResult<PageSize> {
        let first = first.unwrap_or(default);
        if !(0..=MAX_PAGE).contains(&first) {
            return Err(AppError::bad_input(format!("first: must be between 0 and {MAX_PAGE}, got {first}")));
        }
        Ok(PageSize(first as usize))
    }
}

/// The first `first` items of a list that is not a connection (`first`
/// defaults to `default`, at most 100), so that no list is unbounded.
pub fn bounded<T>(mut items: Vec<T>, first: Option<i32>, default: i32) -> AppResult<Vec<T>> {
    items.truncate(PageSize::or(first, default)?.0);
    Ok(items)
}

/// Default size of the lists of a fact: its periods, citations, revisions.
pub const FACT_LIST: i32 = 20;
/// Default size of revision lists, timelines and lists of related entities.
pub const LONG_LIST: i32 = 100;

/// Opaque cursors: a tag and the keyset position, base64-encoded.
pub fn encode_cursor(parts: &[&str]) -> String {
    URL_SAFE_NO_PAD.encode(parts.join("\u{1f}"))
}

/// Longest cursor or ID accepted, in bytes.
pub const MAX_TOKEN: usize = 512;

/// Input as error messages show it: its first 40 characters.
pub fn shown(input: &str) -> String {
    let mut out: String = input.chars().take(40).collect();
    if out.len() < input.len() {
        out.push('…');
    }
    out
}

/// Decodes a cursor with the given tag into its parts after the tag.
pub fn decode_cursor(after: &str, tag: &str, parts: usize) -> AppResult<Vec<String>> {
    if after.len() > MAX_TOKEN {
        return Err(AppError::too_large("after", "bytes", after.len(), MAX_TOKEN));
    }
    let bad = || AppError::bad_input(format!("after: `{}` is not a cursor from this list", shown(after)));
    let bytes = URL_SAFE_NO_PAD.decode(after).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut fields: Vec<String> = text.split('\u{1f}').map(str::to_owned).collect();
    if fields.len() != parts + 1 || fields[0] != tag {
        return Err(bad());
    }
    fields.remove(0);
    Ok(fields)
}

pub fn parse_cursor_number<T: std::str::FromStr>(after: &str, text: &str) -> AppResult<T> {
    text.parse().map_err(|_| AppError::bad_input(format!("after: `{}` is not a cursor from this list", shown(after))))
}

/// How the rows of a list are ordered and found again: each row's keyset
/// position, written into an opaque cursor under the list's tag. Every
/// connection pages this one way, so a cursor from one list is refused by
/// another.
pub trait Keyset {
    const TAG: &'static str;
    /// What the store pages after.
    type Position;
    /// The row's position as text parts.
    fn parts(&self) -> Vec<String>;
    /// A position back from its parts (`after` names the cursor in errors).
    fn position(parts: Vec<String>, after: &str) -> AppResult<Self::Position>;
}

/// The cursor of a row.
pub fn cursor_of<R: Keyset>(row: &R) -> String {
    let parts = row.parts();
    let mut all: Vec<&str> = vec![R::TAG];
    all.extend(parts.iter().map(String::as_str));
    encode_cursor(&all)
}

/// The position an `after` argument names, for rows of `R`.
pub fn after_position<R: Keyset>(after: &Option<String>, parts: usize) -> AppResult<Option<R::Position>> {
    let Some(a) = after else { return Ok(None) };
    R::position(decode_cursor(a, R::TAG, parts)?, a).map(Some)
}

/// Rows paged by a key alone.
macro_rules! keyset_by_key {
    ($row:ty, $tag:literal, $field:ident) => {
        impl $crate::graphql::common::Keyset for $row {
            const TAG: &'static str = $tag;
            type Position = String;
            fn parts(&self) -> Vec<String> {
                vec![self.$field.clone()]
            }
            fn position(mut parts: Vec<String>, _: &str) -> $crate::error::AppResult<String> {
                Ok(parts.remove(0))
            }
        }
    };
}

/// Rows paged by a number (a day, an instant), then a key.
macro_rules! keyset_by_number {
    ($row:ty, $tag:literal, $number:ident: $n:ty, $key:ident) => {
        impl $crate::graphql::common::Keyset for $row {
            const TAG: &'static str = $tag;
            type Position = ($n, String);
            fn parts(&self) -> Vec<String> {
                vec![self.$number.to_string(), self.$key.clone()]
            }
            fn position(mut parts: Vec<String>, after: &str) -> $crate::error::AppResult<($n, String)> {
                let key = parts.pop().unwrap_or_default();
                Ok(($crate::graphql::common::parse_cursor_number(after, &parts[0])?, key))
            }
        }
    };
}

keyset_by_key!(entity::relation::Model, "rel", key);
keyset_by_key!(entity::entity::Model, "ent", slug);
keyset_by_number!(entity::event::Model, "ev", date_earliest: i32, key);
keyset_by_number!(entity::statement::Model, "st", date_earliest: i32, key);
keyset_by_number!(entity::article::Model, "art", published_at: i64, key);

#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

impl PageInfo {
    pub fn new(cursors: &[String], has_next: bool, after: bool) -> PageInfo {
        PageInfo {
            has_next_page: has_next,
            has_previous_page: after,
            start_cursor: cursors.first().cloned(),
            end_cursor: cursors.last().cloned(),
        }
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum DatePrecision {
    Day,
    Month,
    Year,
    Decade,
}

/// A date known only to some precision (EDTF).
pub struct FuzzyDate(pub Parsed);

impl FuzzyDate {
    /// From stored EDTF text. Stored text was validated on the way in;
    /// should it ever fail to parse, the error is internal.
    pub fn from_stored(text: &str) -> AppResult<FuzzyDate> {
        Parsed::parse(text)
            .map(FuzzyDate)
            .map_err(|e| AppError::Internal(format!("stored EDTF date does not parse: {e}")))
    }
}

#[Object]
impl FuzzyDate {
    async fn edtf(&self) -> &str {
        &self.0.edtf
    }
    async fn precision(&self) -> DatePrecision {
        use domain::edtf::Precision as P;
        match self.0.precision {
            P::Day => DatePrecision::Day,
            P::Month => DatePrecision::Month,
            P::Year => DatePrecision::Year,
            P::Decade => DatePrecision::Decade,
        }
    }
    /// first day the date can denote
    async fn earliest(&self) -> Date {
        Date::from_naive(self.0.earliest)
    }
    /// last day the date can denote
    async fn latest(&self) -> Date {
        Date::from_naive(self.0.latest)
    }
    /// the source hedges it (~)
    async fn approximate(&self) -> bool {
        self.0.approximate
    }
    /// the source is unsure of it (?)
    async fn uncertain(&self) -> bool {
        self.0.uncertain
    }
}

pub struct Citation(pub citation::Model);

#[Object]
impl Citation {
    async fn article(&self, ctx: &Context<'_>) -> async_graphql::Result<Article> {
        let key = &self.0.article_key;
        let found = load(ctx, ArticleByKey::new(key.clone())).await?;
        Ok(Article(found.ok_or_else(|| AppError::Internal(format!("citation names missing article {key}")))?))
    }
    /// the words in the article that support the fact
    async fn quote(&self) -> Option<&str> {
        self.0.quote.as_deref()
    }
}

pub struct Revision(pub revision::Model);

#[Object]
impl Revision {
    /// opaque; names this revision in expectedRevision
    async fn id(&self) -> async_graphql::ID {
        super::ids::encode(super::ids::IdKind::Revision, &self.0.id.to_string())
    }
    /// the fact it changed, as it stands now (null where it is no longer current)
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<super::Node>> {
        let kind = domain::FactKind::parse(&self.0.subject_kind)
            .map_err(|e| AppError::Internal(format!("revision {} names {e}", self.0.id)))?;
        Ok(super::node_of(ctx, kind, self.0.subject_key.clone()).await?)
    }
    async fn recorded_at(&self) -> async_graphql::Result<DateTime> {
        Ok(DateTime::from_micros(self.0.recorded_at)?)
    }
    /// create, update, retract, ...
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// who made it: a token's name, or seed
    async fn author(&self) -> &str {
        &self.0.author
    }
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
}

/// The GraphQL object of a stored row; an error where the row holds what
/// no object can show (a fault in the store).
pub trait FromRow<R>: Sized {
    fn from_row(row: R) -> AppResult<Self>;
}

impl<R, T: From<R>> FromRow<R> for T {
    fn from_row(row: R) -> AppResult<Self> {
        Ok(T::from(row))
    }
}

/// The citations of a fact as recorded at `known`, the first `first`
/// (default 20).
pub async fn citations_of(
    ctx: &Context<'_>,
    kind: domain::FactKind,
    key: &str,
    known: crate::time::Known,
    first: Option<i32>,
) -> AppResult<Vec<Citation>> {
    let rows = load(ctx, super::loaders::CitationsOf(kind, key.to_owned(), known)).await?.unwrap_or_default();
    Ok(citations(Some(bounded(rows, first, FACT_LIST)?)))
}

/// The record-time log of a fact, oldest first, the first `first` (default 100).
pub async fn revisions_of(
    ctx: &Context<'_>,
    kind: domain::FactKind,
    key: &str,
    first: Option<i32>,
) -> AppResult<Vec<Revision>> {
    let rows = load(ctx, super::loaders::RevisionsOf(kind, key.to_owned())).await?.unwrap_or_default();
    Ok(bounded(rows, first, LONG_LIST)?.into_iter().map(Revision).collect())
}

/// Wraps loaded citations for output.
pub fn citations(rows: Option<Vec<citation::Model>>) -> Vec<Citation> {
    rows.unwrap_or_default().into_iter().map(Citation).collect()
}

/// Declares a Relay connection type and its edge type over rows of a
/// store query. Nodes are made from rows with `From`; `totalCount` runs
/// the given count only when a client asks for it.
macro_rules! connection {
    ($conn:ident, $edge:ident, $row:ty => $node:ty, $filter:ty, |$store:ident, $f:ident| $count:expr) => {
        pub struct $edge {
            cursor: String,
            node: $row,
        }

        #[async_graphql::Object]
        impl $edge {
            async fn cursor(&self) -> &str {
                &self.cursor
            }
            async fn node(&self) -> async_graphql::Result<$node> {
                Ok(<$node as $crate::graphql::common::FromRow<$row>>::from_row(self.node.clone())?)
            }
        }

        pub struct $conn {
            edges: Vec<$edge>,
            page_info: $crate::graphql::common::PageInfo,
            filter: $filter,
        }

        #[async_graphql::Object]
        impl $conn {
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }
            async fn page_info(&self) -> &$crate::graphql::common::PageInfo {
                &self.page_info
            }
            async fn total_count(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<u64> {
                let $store = $crate::graphql::common::store_of(ctx);
                let $f = &self.filter;
                Ok($count.await?)
            }
        }

        impl $conn {
            /// Whether the page holds no item.
            pub fn is_empty(&self) -> bool {
                self.edges.is_empty()
            }

            /// A page of rows, each with its cursor; `after` tells whether the page starts past the beginning.
            pub fn new(page: store::Page<$row>, after: bool, filter: $filter) -> Self {
                let edges: Vec<$edge> = page
                    .rows
                    .into_iter()
                    .map(|row| $edge { cursor: $crate::graphql::common::cursor_of(&row), node: row })
                    .collect();
                let cursors: Vec<String> = edges.iter().map(|e| e.cursor.clone()).collect();
                $conn {
                    page_info: $crate::graphql::common::PageInfo::new(&cursors, page.has_next, after),
                    edges,
                    filter,
                }
            }
        }
    };
}
pub(crate) use connection;
