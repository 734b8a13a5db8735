//! Citations of facts, as known at a record time.

use crate::sql::column_list;
use crate::Result;
use crate::Store;
use domain::{FactKind, Known};
use entity::citation;
use std::collections::HashMap;

column_list!(CITATION_COLUMNS, citation::Entity, "c");

impl Store {
    /// Citations of `kind` facts with these keys, oldest first.
    pub async fn citations(
        &self,
        kind: FactKind,
        keys: &[String],
        known: Known,
    ) -> Result<HashMap<String, Vec<citation::Model>>> {
        let mut sql = self.sql();
        sql.push("SELECT ")
            .push(&CITATION_COLUMNS)
            .push(" FROM citation c WHERE c.subject_kind = ")
            .bind(kind.as_str())
            .push(" AND c.subject_key IN ")
            .bind_list(keys)
            .push(" AND ")
            .visible("c", known)
            .push(" ORDER BY c.id");
        let mut out: HashMap<String, Vec<citation::Model>> = HashMap::new();
        for c in self.all::<citation::Model>(sql).await? {
            out.entry(c.subject_key.clone()).or_default().push(c);
        }
        Ok(out)
    }
}
