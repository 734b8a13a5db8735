//! Entities: lookup by slug, listing, aliases, external ids and search.

use super::{Page, Store};
use crate::error::AppResult;
use entity::{alias, entity as ent, external_id};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Filters of `Query.entities`.
#[derive(Debug, Clone, Default)]
pub struct EntityFilter {
    pub kind: Option<String>,
    pub category: Option<String>,
}

impl Store {
    /// The current version of each slug; a retracted entity's last version
    /// where there is no current one, so that old facts still show their ends.
    pub async fn entities_by_slug(&self, slugs: &[String]) -> AppResult<HashMap<String, ent::Model>> {
        let mut out: HashMap<String, ent::Model> = ent::Entity::find()
            .filter(ent::Column::Slug.is_in(slugs.iter().cloned()))
            .filter(ent::Column::SupersededAt.is_null())
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.slug.clone(), m))
            .collect();
        let missing: Vec<String> = slugs.iter().filter(|s| !out.contains_key(*s)).cloned().collect();
        if !missing.is_empty() {
            for m in ent::Entity::find()
                .filter(ent::Column::Slug.is_in(missing))
                .order_by_asc(ent::Column::Id)
                .all(&self.db)
                .await?
            {
                out.insert(m.slug.clone(), m);
            }
        }
        Ok(out)
    }

    pub async fn aliases(&self, entity_ids: &[i64]) -> AppResult<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for a in alias::Entity::find()
            .filter(alias::Column::EntityId.is_in(entity_ids.iter().copied()))
            .order_by_asc(alias::Column::Id)
            .all(&self.db)
            .await?
        {
            out.entry(a.entity_id).or_default().push(a.name);
        }
        Ok(out)
    }

    pub async fn external_ids(&self, entity_ids: &[i64]) -> AppResult<HashMap<i64, Vec<external_id::Model>>> {
        let mut out: HashMap<i64, Vec<external_id::Model>> = HashMap::new();
        for x in external_id::Entity::find()
            .filter(external_id::Column::EntityId.is_in(entity_ids.iter().copied()))
            .order_by_asc(external_id::Column::Id)
            .all(&self.db)
            .await?
        {
            out.entry(x.entity_id).or_default().push(x);
        }
        Ok(out)
    }

    fn entity_query(filter: &EntityFilter) -> sea_orm::Select<ent::Entity> {
        let mut q = ent::Entity::find().filter(ent::Column::SupersededAt.is_null());
        if let Some(kind) = &filter.kind {
            q = q.filter(ent::Column::Kind.eq(kind.as_str()));
        }
        if let Some(category) = &filter.category {
            q = q.filter(ent::Column::Category.eq(category.as_str()));
        }
        q
    }

    /// Current entities in slug order, after the slug `after`.
    pub async fn entity_page(&self, filter: &EntityFilter, first: usize, after: Option<&str>) -> AppResult<Page<ent::Model>> {
        let mut q = Self::entity_query(filter);
        if let Some(after) = after {
            q = q.filter(ent::Column::Slug.gt(after));
        }
        let rows = q.order_by_asc(ent::Column::Slug).limit(first as u64 + 1).all(&self.db).await?;
        Ok(Page::from_overfetch(rows, first))
    }

    pub async fn entity_count(&self, filter: &EntityFilter) -> AppResult<u64> {
        Ok(Self::entity_query(filter).count(&self.db).await?)
    }

    /// Entities whose folded name or alias contains the folded text: exact
    /// matches first, then prefixes, then other substrings; ties by name.
    pub async fn search(&self, folded: &str, kind: Option<&str>, first: usize) -> AppResult<Vec<ent::Model>> {
        let pattern = format!("%{}%", escape_like(folded));
        let by_name = {
            let mut q = ent::Entity::find()
                .filter(ent::Column::SupersededAt.is_null())
                .filter(sea_orm::sea_query::Expr::col(ent::Column::SearchName).like(sea_orm::sea_query::LikeExpr::new(&pattern).escape('\\')));
            if let Some(kind) = kind {
                q = q.filter(ent::Column::Kind.eq(kind));
            }
            q.limit(500).all(&self.db).await?
        };
        let alias_hits: Vec<(i64, String)> = alias::Entity::find()
            .select_only()
            .column(alias::Column::EntityId)
            .column(alias::Column::SearchName)
            .filter(sea_orm::sea_query::Expr::col(alias::Column::SearchName).like(sea_orm::sea_query::LikeExpr::new(&pattern).escape('\\')))
            .limit(500)
            .into_tuple()
            .all(&self.db)
            .await?;
        let rank = |s: &str| -> u8 {
            if s == folded {
                0
            } else if s.starts_with(folded) {
                1
            } else {
                2
            }
        };
        let mut best: HashMap<i64, (u8, ent::Model)> = HashMap::new();
        for m in by_name {
            best.insert(m.id, (rank(&m.search_name), m));
        }
        let alias_ids: Vec<i64> = alias_hits.iter().map(|(id, _)| *id).filter(|id| !best.contains_key(id)).collect();
        if !alias_ids.is_empty() {
            let mut q = ent::Entity::find()
                .filter(ent::Column::Id.is_in(alias_ids))
                .filter(ent::Column::SupersededAt.is_null());
            if let Some(kind) = kind {
                q = q.filter(ent::Column::Kind.eq(kind));
            }
            for m in q.all(&self.db).await? {
                best.insert(m.id, (u8::MAX, m));
            }
        }
        for (id, name) in alias_hits {
            if let Some(entry) = best.get_mut(&id) {
                entry.0 = Ord::min(entry.0, rank(&name));
            }
        }
        let mut ranked: Vec<(u8, ent::Model)> = best.into_values().collect();
        ranked.sort_by(|a, b| (a.0, &a.1.search_name, &a.1.slug).cmp(&(b.0, &b.1.search_name, &b.1.slug)));
        Ok(ranked.into_iter().take(first).map(|(_, m)| m).collect())
    }
}

/// Escapes `\`, `%` and `_` for a `LIKE ... ESCAPE '\'` pattern.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(super::escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
