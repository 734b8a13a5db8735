//! Entities: lookup by slug, listing, aliases, external ids and search.

use crate::Result;
use crate::{Page, Store};
use domain::Known;
use entity::entity as ent;
use entity::rules::visible;
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Filters of `Query.entities`.
#[derive(Debug, Clone, Default)]
pub struct EntityFilter {
    pub kind: Option<domain::EntityKind>,
    pub category: Option<String>,
}

impl Store {
    /// The current version of each slug; a retracted entity's last version
    /// where there is no current one, so that old facts still show their ends.
    pub async fn entities_by_slug(&self, slugs: &[String]) -> Result<HashMap<String, ent::Model>> {
        let mut out = self.current_by_key::<ent::Entity>(slugs).await?;
        let missing: Vec<String> = slugs.iter().filter(|s| !out.contains_key(*s)).cloned().collect();
        if !missing.is_empty() {
            for m in self
                .fetch(ent::Entity::find().filter(ent::Column::Slug.is_in(missing)).order_by_asc(ent::Column::Id))
                .await?
            {
                out.insert(m.slug.clone(), m);
            }
        }
        Ok(out)
    }

    fn entity_query(filter: &EntityFilter) -> sea_orm::Select<ent::Entity> {
        let mut q = ent::Entity::find().filter(visible(ent::Entity, Known::Now));
        if let Some(kind) = &filter.kind {
            q = q.filter(ent::Column::Kind.eq(kind.as_str()));
        }
        if let Some(category) = &filter.category {
            q = q.filter(ent::Column::Category.eq(category.as_str()));
        }
        q
    }

    /// Current entities in slug order, after the slug `after`.
    pub async fn entity_page(
        &self,
        filter: &EntityFilter,
        first: usize,
        after: Option<&str>,
    ) -> Result<Page<ent::Model>> {
        let mut q = Self::entity_query(filter);
        if let Some(after) = after {
            q = q.filter(ent::Column::Slug.gt(after));
        }
        let rows = self.fetch(q.order_by_asc(ent::Column::Slug).limit(first as u64 + 1)).await?;
        Ok(Page::from_overfetch(rows, first))
    }

    pub async fn entity_count(&self, filter: &EntityFilter) -> Result<u64> {
        self.tally(Self::entity_query(filter)).await
    }

    /// Entities whose folded name or alias contains the folded text: exact
    /// matches first, then prefixes, then other substrings; ties by name.
    /// Ranking happens in SQL, so the best matches are found however many
    /// weaker ones there are; it is SQL text because the rank is a `CASE`
    /// over `LIKE ... ESCAPE` that the builder renders differently per backend.
    pub async fn search(
        &self,
        folded: &str,
        kind: Option<domain::EntityKind>,
        first: usize,
    ) -> Result<Vec<ent::Model>> {
        #[derive(FromQueryResult)]
        struct Hit {
            id: i64,
            rank: i32,
        }
        let escaped = escape_like(folded);
        let query = |table_name: &'static str| {
            let mut sql = self.sql();
            sql.push("SELECT e.id AS id, CASE WHEN ")
                .push(table_name)
                .push(".search_name = ")
                .bind(folded.to_owned())
                .push(" THEN 0 WHEN ")
                .push(table_name)
                .push(".search_name LIKE ")
                .bind(format!("{escaped}%"))
                .push(" ESCAPE '\\' THEN 1 ELSE 2 END AS rank FROM entity e");
            if table_name == "a" {
                sql.push(" JOIN alias a ON a.entity_id = e.id");
            }
            sql.push(" WHERE ")
                .visible("e", Known::Now)
                .push(" AND ")
                .push(table_name)
                .push(".search_name LIKE ")
                .bind(format!("%{escaped}%"))
                .push(" ESCAPE '\\'");
            if let Some(kind) = kind {
                sql.push(" AND e.kind = ").bind(kind.as_str());
            }
            sql.push(" ORDER BY rank, ").push(table_name).push(".search_name, e.slug LIMIT ").bind(first as i64);
            sql
        };
        let mut best: HashMap<i64, i32> = HashMap::new();
        for table_name in ["e", "a"] {
            for hit in self.all::<Hit>(query(table_name)).await? {
                let rank = best.entry(hit.id).or_insert(hit.rank);
                *rank = Ord::min(*rank, hit.rank);
            }
        }
        let rows = self.fetch(ent::Entity::find().filter(ent::Column::Id.is_in(best.keys().copied()))).await?;
        let mut ranked: Vec<(i32, ent::Model)> = rows.into_iter().map(|m| (best[&m.id], m)).collect();
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
