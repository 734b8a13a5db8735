//! The domain's time rules as SQL, generated from their definitions.
//!
//! `domain` says when a row is visible at a record time
//! ([`domain::record::Known::visible`]), when a status period holds on a day
//! ([`domain::period::Certainty::rule`]) and which period decides a status
//! ([`domain::period::PRECEDENCE`]). The conditions here are built from
//! those definitions, not written again, and property tests run both forms
//! on the same rows. They are sea-query expressions, so the same condition
//! serves a query built with sea-orm and one assembled as SQL text.

use crate::{relation, status_period};
use domain::period::{Certainty, Cmp, Field, PRECEDENCE};
use domain::{Day, Known, Status};
use sea_orm::sea_query::{Expr, ExprTrait, IntoIden, Query};

/// A column of table (or alias) `table`.
fn col(table: impl IntoIden, column: impl IntoIden) -> Expr {
    Expr::col((table.into_iden(), column.into_iden()))
}

/// Rows of `table` (a fact table such as `entity::Entity`, or an alias in
/// SQL text) visible at record time `known`.
pub fn visible(table: impl IntoIden + Clone, known: Known) -> Expr {
    let superseded = || col(table.clone(), "superseded_at");
    match known {
        Known::Now => superseded().is_null(),
        Known::At(k) => col(table.clone(), "recorded_at").lte(k).and(superseded().is_null().or(superseded().gt(k))),
    }
}

fn period_column(field: Field) -> status_period::Column {
    match field {
        Field::FromEarliest => status_period::Column::FromEarliest,
        Field::FromLatest => status_period::Column::FromLatest,
        Field::ToEarliest => status_period::Column::ToEarliest,
        Field::ToLatest => status_period::Column::ToLatest,
        Field::RecordedAt => status_period::Column::RecordedAt,
        Field::Id => status_period::Column::Id,
    }
}

/// Periods (alias `p` of `status_period`) that hold on `day` with `certainty`.
pub fn holds(p: &'static str, day: Day, certainty: Certainty) -> Expr {
    let mut out: Option<Expr> = None;
    for (field, cmp) in certainty.rule() {
        let c = col(p, period_column(*field));
        let term = match cmp {
            Cmp::AtMost => c.lte(day.number()),
            Cmp::AtLeast => c.gte(day.number()),
        };
        out = Some(match out {
            Some(acc) => acc.and(term),
            None => term,
        });
    }
    out.unwrap_or_else(|| Expr::val(true))
}

/// Period `q` comes before period `p` in the order that decides a status.
pub fn precedes(q: &'static str, p: &'static str) -> Expr {
    let mut fields = PRECEDENCE.iter().rev();
    let last = fields.next().map(|f| col(q, period_column(*f)).gt(col(p, period_column(*f))));
    let mut out = last.unwrap_or_else(|| Expr::val(false));
    for f in fields {
        let (qc, pc) = (col(q, period_column(*f)), col(p, period_column(*f)));
        out = qc.clone().gt(pc.clone()).or(qc.eq(pc).and(out));
    }
    out
}

/// Relations (alias `r`) that a listing filter keeps on `day` as known at
/// `known`: [`domain::period::matches`] in SQL.
pub fn relation_matches(r: &'static str, day: Day, known: Known, status: Option<Status>, certainty: Certainty) -> Expr {
    let same_relation = |p: &'static str| col(p, status_period::Column::RelationKey).equals((r, relation::Column::Key));
    let mut period = Query::select();
    period
        .expr(Expr::val(1))
        .from_as(status_period::Entity, "p")
        .and_where(same_relation("p"))
        .and_where(visible("p", known));
    let Some(status) = status else {
        period.and_where(holds("p", day, certainty));
        return Expr::exists(period);
    };
    period
        .and_where(holds("p", day, Certainty::Possible))
        .and_where(col("p", status_period::Column::Status).eq(status.as_str()));
    if certainty == Certainty::Certain {
        period.and_where(holds("p", day, Certainty::Certain));
    }
    let mut before = Query::select();
    before
        .expr(Expr::val(1))
        .from_as(status_period::Entity, "q")
        .and_where(col("q", status_period::Column::RelationKey).equals(("p", status_period::Column::RelationKey)))
        .and_where(visible("q", known))
        .and_where(holds("q", day, Certainty::Possible))
        .and_where(precedes("q", "p"));
    period.and_where(Expr::exists(before).not());
    Expr::exists(period)
}
