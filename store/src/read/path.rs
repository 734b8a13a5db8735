//! Shortest chains of relations between two entities.
//!
//! Breadth-first over the relation graph, one query per depth for the whole
//! frontier (not one per node), so a path of length L costs L queries.

use super::relations::REL_COLUMNS;
use crate::Result;
use crate::Store;
use domain::period::Certainty;
use domain::{Day, Known};
use entity::relation;
use std::collections::HashMap;

/// Frontier slugs per query; keeps bound parameters well under every backend's limit.
const CHUNK: usize = 500;

impl Store {
    /// Relations holding at `day` that link `from` to `to` in at most
    /// `max_depth` steps, in order from `from`; `None` where there is none.
    pub async fn path(&self, from: &str, to: &str, day: Day, max_depth: usize) -> Result<Option<Vec<relation::Model>>> {
        if from == to {
            return Ok(Some(Vec::new()));
        }
        let mut reached: HashMap<String, Option<(String, relation::Model)>> = HashMap::new();
        reached.insert(from.to_owned(), None);
        let mut frontier = vec![from.to_owned()];
        for _ in 0..max_depth {
            let mut next = Vec::new();
            for chunk in frontier.chunks(CHUNK) {
                let mut sql = self.sql();
                sql.push("SELECT ")
                    .push(&REL_COLUMNS)
                    .push(" FROM relation r WHERE (r.source IN ")
                    .bind_list(chunk)
                    .push(" OR r.target IN ")
                    .bind_list(chunk)
                    .push(") AND ")
                    .visible("r", Known::Now)
                    .push(" AND ")
                    .expr(&entity::rules::relation_matches("r", day, Known::Now, None, Certainty::Possible))
                    .push(" ORDER BY r.key");
                for r in self.all::<relation::Model>(sql).await? {
                    for (near, far) in [(&r.source, &r.target), (&r.target, &r.source)] {
                        if chunk.contains(near) && !reached.contains_key(far) {
                            reached.insert(far.clone(), Some((near.clone(), r.clone())));
                            next.push(far.clone());
                        }
                    }
                }
            }
            if reached.contains_key(to) {
                let mut chain = Vec::new();
                let mut at = to.to_owned();
                while let Some(Some((prev, r))) = reached.get(&at) {
                    chain.push(r.clone());
                    at = prev.clone();
                }
                chain.reverse();
                return Ok(Some(chain));
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        Ok(None)
    }
}
