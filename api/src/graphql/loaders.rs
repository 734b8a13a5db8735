//! Per-request DataLoaders: every lookup a list can trigger is batched, so
//! a page of 100 relations with their ends, history and citations costs a
//! handful of queries, not hundreds.

use crate::error::AppError;
use crate::time::Known;
use async_graphql::dataloader::{CacheFactory, CacheStorage, HashMapCache, Loader, NoCache};
use domain::FactKind;
use entity::{article, citation, entity as ent, event, relation, revision, statement, status_period, Owned, Versioned};
use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;
use store::Store;

/// The per-request loader: batches, and caches what one request has loaded.
pub type Loaders = async_graphql::dataloader::DataLoader<Batch, RequestCache>;

/// A request keeps what it loaded; a subscription, whose answers stream over
/// a long time, keeps nothing, so every change is read as it stands.
pub struct RequestCache {
    pub keep: bool,
}

impl CacheFactory for RequestCache {
    fn create<K, V>(&self) -> Box<dyn CacheStorage<Key = K, Value = V>>
    where
        K: Send + Sync + Clone + Eq + Hash + 'static,
        V: Send + Sync + Clone + 'static,
    {
        if self.keep {
            HashMapCache::default().create()
        } else {
            NoCache.create()
        }
    }
}

/// The batch loader behind every per-request `DataLoader`.
pub struct Batch {
    pub store: Store,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EntityBySlug(pub String);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RelationByKey(pub String, pub Known);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PeriodsOf(pub String, pub Known);
/// Citations of a fact: its kind, its key (a period's: its row id), record time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CitationsOf(pub FactKind, pub String, pub Known);
/// The record-time log of a fact: its kind and key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RevisionsOf(pub FactKind, pub String);

/// The current version of a fact of table `T` by its stable key.
pub struct ByKey<T>(pub String, PhantomData<T>);

impl<T> ByKey<T> {
    pub fn new(key: impl Into<String>) -> Self {
        ByKey(key.into(), PhantomData)
    }
}

impl<T> Clone for ByKey<T> {
    fn clone(&self) -> Self {
        ByKey::new(self.0.clone())
    }
}

impl<T> PartialEq for ByKey<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T> Eq for ByKey<T> {}

impl<T> Hash for ByKey<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state)
    }
}

pub type ArticleByKey = ByKey<article::Entity>;
pub type EventByKey = ByKey<event::Entity>;
pub type StatementByKey = ByKey<statement::Entity>;

/// The rows of table `E` owned by one version row (an entity's aliases, an
/// event's participants, ...), loaded for many rows at once.
pub struct OwnedBy<E>(pub i64, PhantomData<E>);

impl<E> OwnedBy<E> {
    pub fn new(parent: i64) -> Self {
        OwnedBy(parent, PhantomData)
    }
}

impl<E> Clone for OwnedBy<E> {
    fn clone(&self) -> Self {
        OwnedBy::new(self.0)
    }
}

impl<E> PartialEq for OwnedBy<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<E> Eq for OwnedBy<E> {}

impl<E> Hash for OwnedBy<E> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// Groups keys by a part they share (record time, fact kind) so each group is one query.
fn groups<K: Clone, G: Hash + Eq>(keys: &[K], group: impl Fn(&K) -> G) -> HashMap<G, Vec<K>> {
    let mut out: HashMap<G, Vec<K>> = HashMap::new();
    for k in keys {
        out.entry(group(k)).or_default().push(k.clone());
    }
    out
}

/// Re-keys a map of lists by the loader's key type, with an empty list for
/// keys that have none (so the request cache remembers "none" too).
fn rekey_lists<K: Hash + Eq, Q: Hash + Eq, V>(
    keys: Vec<K>,
    found: &mut HashMap<Q, Vec<V>>,
    inner: impl Fn(&K) -> Q,
) -> HashMap<K, Vec<V>> {
    keys.into_iter()
        .map(|k| {
            let v = found.remove(&inner(&k)).unwrap_or_default();
            (k, v)
        })
        .collect()
}

/// Re-keys a map of results by the loader's key type.
fn rekey<K: Hash + Eq, Q: Hash + Eq, V>(
    keys: Vec<K>,
    found: &mut HashMap<Q, V>,
    inner: impl Fn(&K) -> Q,
) -> Vec<(K, V)> {
    keys.into_iter().filter_map(|k| found.remove(&inner(&k)).map(|v| (k, v))).collect()
}

impl Loader<EntityBySlug> for Batch {
    type Value = ent::Model;
    type Error = AppError;
    async fn load(&self, keys: &[EntityBySlug]) -> Result<HashMap<EntityBySlug, ent::Model>, AppError> {
        let slugs: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
        let mut found = self.store.entities_by_slug(&slugs).await?;
        Ok(rekey(keys.to_vec(), &mut found, |k| k.0.clone()).into_iter().collect())
    }
}

impl Loader<RelationByKey> for Batch {
    type Value = relation::Model;
    type Error = AppError;
    async fn load(&self, keys: &[RelationByKey]) -> Result<HashMap<RelationByKey, Self::Value>, AppError> {
        let mut out = HashMap::new();
        for (known, group) in groups(keys, |k| k.1) {
            let wanted: Vec<String> = group.iter().map(|k| k.0.clone()).collect();
            let mut found = self.store.relations_by_key(&wanted, known).await?;
            out.extend(rekey(group, &mut found, |k| k.0.clone()));
        }
        Ok(out)
    }
}

impl Loader<PeriodsOf> for Batch {
    type Value = Vec<status_period::Model>;
    type Error = AppError;
    async fn load(&self, keys: &[PeriodsOf]) -> Result<HashMap<PeriodsOf, Self::Value>, AppError> {
        let mut out = HashMap::new();
        for (known, group) in groups(keys, |k| k.1) {
            let wanted: Vec<String> = group.iter().map(|k| k.0.clone()).collect();
            let mut found = self.store.periods(&wanted, known).await?;
            out.extend(rekey_lists(group, &mut found, |k| k.0.clone()));
        }
        Ok(out)
    }
}

impl Loader<CitationsOf> for Batch {
    type Value = Vec<citation::Model>;
    type Error = AppError;
    async fn load(&self, keys: &[CitationsOf]) -> Result<HashMap<CitationsOf, Self::Value>, AppError> {
        let mut out = HashMap::new();
        for ((kind, known), group) in groups(keys, |k| (k.0, k.2)) {
            let wanted: Vec<String> = group.iter().map(|k| k.1.clone()).collect();
            let mut found = self.store.citations(kind, &wanted, known).await?;
            out.extend(rekey_lists(group, &mut found, |k| k.1.clone()));
        }
        Ok(out)
    }
}

impl<T> Loader<ByKey<T>> for Batch
where
    T: Versioned + Send + Sync + 'static,
    T::Model: Send + Sync + Clone + 'static,
{
    type Value = T::Model;
    type Error = AppError;
    async fn load(&self, keys: &[ByKey<T>]) -> Result<HashMap<ByKey<T>, Self::Value>, AppError> {
        let wanted: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
        let mut found = self.store.current_by_key::<T>(&wanted).await?;
        Ok(rekey(keys.to_vec(), &mut found, |k| k.0.clone()).into_iter().collect())
    }
}

impl<E> Loader<OwnedBy<E>> for Batch
where
    E: Owned + Send + Sync + 'static,
    E::Model: Send + Sync + Clone + 'static,
{
    type Value = Vec<E::Model>;
    type Error = AppError;
    async fn load(&self, keys: &[OwnedBy<E>]) -> Result<HashMap<OwnedBy<E>, Self::Value>, AppError> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let mut found = self.store.owned::<E>(&ids).await?;
        Ok(rekey_lists(keys.to_vec(), &mut found, |k| k.0))
    }
}

impl Loader<RevisionsOf> for Batch {
    type Value = Vec<revision::Model>;
    type Error = AppError;
    async fn load(&self, keys: &[RevisionsOf]) -> Result<HashMap<RevisionsOf, Self::Value>, AppError> {
        let mut out = HashMap::new();
        for (kind, group) in groups(keys, |k| k.0) {
            let wanted: Vec<String> = group.iter().map(|k| k.1.clone()).collect();
            let mut found = self.store.revisions(kind, &wanted).await?;
            out.extend(rekey_lists(group, &mut found, |k| k.1.clone()));
        }
        Ok(out)
    }
}
