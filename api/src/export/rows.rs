//! The rows of each table, built from the store's batches in the order of
//! the table's columns, each value as a [`Cell`] of its column's kind.

use crate::error::AppResult;
use crate::time::Known;
use domain::period::{decide, possible};
use domain::{Since, Until};
use entity::{alias, external_id, participant, quantity, statement_about, statement_quantity};
use serde_json::{json, Value};
use std::collections::HashMap;
use store::Store;

/// One value of a row, in its column's kind.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Null,
    Text(String),
    Integer(i64),
    Boolean(bool),
    Json(Value),
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

fn optional(s: &Option<String>) -> Cell {
    s.as_deref().map_or(Cell::Null, text)
}

/// A stored day column as `YYYY-MM-DD`; an unknown start or open end is empty.
fn day(column: i32) -> Cell {
    match (Since::from_column(column), Until::from_column(column)) {
        (Since::Day(d), Until::Day(_)) => Cell::Text(d.to_string()),
        _ => Cell::Null,
    }
}

/// Microseconds since the epoch as an RFC 3339 instant in UTC.
pub(super) fn instant(micros: i64) -> Cell {
    chrono::DateTime::from_timestamp_micros(micros)
        .map_or(Cell::Null, |t| Cell::Text(t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)))
}

pub(super) async fn entity_rows(store: &Store, batch: Vec<entity::entity::Model>) -> AppResult<Vec<Vec<Cell>>> {
    let ids: Vec<i64> = batch.iter().map(|e| e.id).collect();
    let mut aliases = store.owned::<alias::Entity>(&ids).await?;
    let mut external = store.owned::<external_id::Entity>(&ids).await?;
    Ok(batch
        .into_iter()
        .map(|e| {
            let names: Vec<String> = aliases.remove(&e.id).unwrap_or_default().into_iter().map(|a| a.name).collect();
            let ids: Vec<Value> = external
                .remove(&e.id)
                .unwrap_or_default()
                .into_iter()
                .map(|x| json!({ "scheme": x.scheme, "value": x.value, "url": x.url }))
                .collect();
            vec![
                Cell::Text(e.slug),
                Cell::Text(e.kind),
                Cell::Text(e.category),
                Cell::Text(e.name),
                optional(&e.description),
                Cell::Json(json!(names)),
                Cell::Json(Value::Array(ids)),
                instant(e.recorded_at),
            ]
        })
        .collect())
}

pub(super) async fn relation_rows(
    store: &Store,
    batch: Vec<entity::relation::Model>,
    known: Known,
    status_day: domain::Day,
) -> AppResult<Vec<Vec<Cell>>> {
    let keys: Vec<String> = batch.iter().map(|r| r.key.clone()).collect();
    let mut periods = if keys.is_empty() { HashMap::new() } else { store.periods(&keys, known).await? };
    let mut out = Vec::with_capacity(batch.len());
    for r in batch {
        let rows = periods.remove(&r.key).unwrap_or_default();
        let rules = rows.iter().map(store::read::relations::period).collect::<store::Result<Vec<_>>>()?;
        let decision = decide(&rules, status_day);
        let statuses: Vec<&str> = possible(&rules, status_day).into_iter().map(|s| s.as_str()).collect();
        out.push(vec![
            Cell::Text(r.key),
            Cell::Text(r.rel_type),
            Cell::Text(r.label),
            Cell::Text(r.source),
            Cell::Text(r.target),
            Cell::Boolean(r.symmetric),
            optional(&r.body),
            Cell::Text(status_day.to_string()),
            decision.map_or(Cell::Null, |d| text(d.status.as_str())),
            decision.map_or(Cell::Null, |d| Cell::Boolean(d.certain)),
            if decision.is_some() { Cell::Json(json!(statuses)) } else { Cell::Null },
            instant(r.recorded_at),
        ]);
    }
    Ok(out)
}

pub(super) fn period_row(p: entity::status_period::Model) -> Vec<Cell> {
    let from_known = p.from_edtf.is_some();
    let to_known = p.to_edtf.is_some();
    vec![
        Cell::Integer(p.id),
        Cell::Text(p.relation_key),
        Cell::Text(p.source),
        Cell::Text(p.target),
        Cell::Text(p.status),
        optional(&p.from_edtf),
        if from_known { day(p.from_earliest) } else { Cell::Null },
        if from_known { day(p.from_latest) } else { Cell::Null },
        optional(&p.to_edtf),
        if to_known { day(p.to_earliest) } else { Cell::Null },
        if to_known { day(p.to_latest) } else { Cell::Null },
        optional(&p.note),
        instant(p.recorded_at),
    ]
}

fn quantity_json(what: String, value: f64, unit: Option<String>, approximate: bool) -> Value {
    json!({ "what": what, "value": value, "unit": unit, "approximate": approximate })
}

pub(super) async fn event_rows(store: &Store, batch: Vec<entity::event::Model>) -> AppResult<Vec<Vec<Cell>>> {
    let ids: Vec<i64> = batch.iter().map(|e| e.id).collect();
    let mut participants = store.owned::<participant::Entity>(&ids).await?;
    let mut quantities = store.owned::<quantity::Entity>(&ids).await?;
    Ok(batch
        .into_iter()
        .map(|e| {
            let who: Vec<Value> = participants
                .remove(&e.id)
                .unwrap_or_default()
                .into_iter()
                .map(|p| json!({ "entity": p.entity_slug, "role": p.role }))
                .collect();
            let how_many: Vec<Value> = quantities
                .remove(&e.id)
                .unwrap_or_default()
                .into_iter()
                .map(|q| quantity_json(q.what, q.value, q.unit, q.approximate))
                .collect();
            vec![
                Cell::Text(e.key),
                Cell::Text(e.event_type),
                optional(&e.cameo_code),
                Cell::Text(e.title),
                optional(&e.summary),
                Cell::Text(e.date_edtf),
                day(e.date_earliest),
                day(e.date_latest),
                optional(&e.location),
                Cell::Json(Value::Array(who)),
                Cell::Json(Value::Array(how_many)),
                instant(e.recorded_at),
            ]
        })
        .collect())
}

pub(super) async fn statement_rows(store: &Store, batch: Vec<entity::statement::Model>) -> AppResult<Vec<Vec<Cell>>> {
    let ids: Vec<i64> = batch.iter().map(|s| s.id).collect();
    let mut about = store.owned::<statement_about::Entity>(&ids).await?;
    let mut quantities = store.owned::<statement_quantity::Entity>(&ids).await?;
    Ok(batch
        .into_iter()
        .map(|s| {
            let slugs: Vec<String> =
                about.remove(&s.id).unwrap_or_default().into_iter().map(|a| a.entity_slug).collect();
            let how_many: Vec<Value> = quantities
                .remove(&s.id)
                .unwrap_or_default()
                .into_iter()
                .map(|q| quantity_json(q.what, q.value, q.unit, q.approximate))
                .collect();
            vec![
                Cell::Text(s.key),
                Cell::Text(s.speaker),
                Cell::Text(s.date_edtf),
                day(s.date_earliest),
                day(s.date_latest),
                optional(&s.quote),
                Cell::Text(s.summary),
                Cell::Json(json!(slugs)),
                Cell::Json(Value::Array(how_many)),
                instant(s.recorded_at),
            ]
        })
        .collect())
}

pub(super) async fn citation_rows(
    store: &Store,
    batch: Vec<entity::citation::Model>,
    known: Known,
) -> AppResult<Vec<Vec<Cell>>> {
    let mut keys: Vec<String> = batch.iter().map(|c| c.article_key.clone()).collect();
    keys.sort();
    keys.dedup();
    let articles = if keys.is_empty() { HashMap::new() } else { store.articles_known_at(&keys, known).await? };
    Ok(batch
        .into_iter()
        .map(|c| {
            let a = articles.get(&c.article_key);
            vec![
                Cell::Integer(c.id),
                Cell::Text(c.subject_kind),
                Cell::Text(c.subject_key),
                optional(&c.quote),
                Cell::Text(c.article_key),
                a.map_or(Cell::Null, |a| text(&a.title)),
                a.map_or(Cell::Null, |a| text(&a.publisher)),
                a.map_or(Cell::Null, |a| optional(&a.url)),
                a.map_or(Cell::Null, |a| instant(a.published_at)),
                instant(c.recorded_at),
            ]
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentinel_days_are_empty_and_real_days_are_iso() {
        assert_eq!(day(domain::Since::Ever.column()), Cell::Null);
        assert_eq!(day(domain::Until::Ever.column()), Cell::Null);
        let d = domain::Day::parse("2008-08-19").unwrap();
        assert_eq!(day(d.number()), text("2008-08-19"));
        assert_eq!(instant(0), text("1970-01-01T00:00:00.000000Z"));
    }
}
