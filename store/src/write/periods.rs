//! A relation's status periods as one source gives them: written,
//! corrected, moved with the relation's ends, and a change of status.

use super::{close, current, invalid, Cited, RelationEntry, Warning, Writer};
use crate::facts::{PeriodFact, RelationFact};
use domain::{Action, FactKind, Known};
use entity::rules::visible;
use entity::{citation, relation, status_period};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

impl<C: ConnectionTrait> Writer<'_, C> {
    /// A relation, its periods as this article gives them, and its citation.
    pub(super) async fn relation(&mut self, r: &RelationEntry, place: &str) -> Result<(), DbErr> {
        let rel = &r.relation;
        let existed = current::<relation::Entity>(self.db, &rel.key).await?.is_some();
        if !existed {
            self.warn_duplicate(&rel.key, &rel.fact, place).await?;
        }
        let logged = self.report.revisions.len();
        let (before, after) = self.contribute::<RelationFact>(rel).await?;
        self.follow_ends(&rel.key, before.as_ref(), after.as_ref()).await?;
        let Some(after) = after else { return Ok(()) };
        let ends = (after.source.as_str(), after.target.as_str());
        // A relation this write created or corrected has its revision already.
        if self.periods(&rel.key, ends, &r.periods).await? && self.report.revisions.len() == logged {
            let summary = format!("{}: {}: status history corrected", self.article_key, after.label);
            self.log(FactKind::Relation, &rel.key, Action::Update, summary).await?;
        }
        self.cite(FactKind::Relation, &rel.key, &rel.cite).await?;
        Ok(())
    }

    /// A new relation key with the type and ends of a current relation is
    /// probably the same tie under another key: said, not refused.
    pub(super) async fn warn_duplicate(&mut self, key: &str, fact: &RelationFact, place: &str) -> Result<(), DbErr> {
        let ends = |a: &str, b: &str| {
            sea_orm::Condition::all().add(relation::Column::Source.eq(a)).add(relation::Column::Target.eq(b))
        };
        let same_ends =
            sea_orm::Condition::any().add(ends(&fact.source, &fact.target)).add(ends(&fact.target, &fact.source));
        let twins = relation::Entity::find()
            .filter(relation::Column::RelType.eq(fact.rel_type.as_str()))
            .filter(same_ends)
            .filter(relation::Column::Key.ne(key))
            .filter(visible(relation::Entity, Known::Now))
            .order_by_asc(relation::Column::Key)
            .all(self.db)
            .await?;
        for twin in twins {
            self.report.warnings.push(Warning {
                place: place.to_owned(),
                message: format!(
                    "possible duplicate: `{key}` has the type and ends of the existing relation `{}` ({}); use its key if it is the same tie",
                    twin.key, twin.label
                ),
            });
        }
        Ok(())
    }

    /// Keeps the ends copied onto a relation's periods true after the merged
    /// relation's ends changed.
    pub(super) async fn follow_ends(
        &mut self,
        key: &str,
        before: Option<&RelationFact>,
        after: Option<&RelationFact>,
    ) -> Result<(), DbErr> {
        if let (Some(b), Some(a)) = (before, after) {
            if (&b.source, &b.target) != (&a.source, &a.target) {
                self.move_periods(key, (&a.source, &a.target)).await?;
            }
        }
        Ok(())
    }

    /// The current periods of a relation, oldest first.
    pub(super) async fn current_periods(&self, relation_key: &str) -> Result<Vec<status_period::Model>, DbErr> {
        status_period::Entity::find()
            .filter(status_period::Column::RelationKey.eq(relation_key))
            .filter(visible(status_period::Entity, Known::Now))
            .order_by_asc(status_period::Column::Id)
            .all(self.db)
            .await
    }

    /// The current citations of these periods, in one query.
    pub(super) async fn period_citations(
        &self,
        periods: &[status_period::Model],
    ) -> Result<Vec<citation::Model>, DbErr> {
        citation::Entity::find()
            .filter(citation::Column::SubjectKind.eq(FactKind::Period.as_str()))
            .filter(citation::Column::SubjectKey.is_in(periods.iter().map(|p| p.id.to_string())))
            .filter(visible(citation::Entity, Known::Now))
            .order_by_asc(citation::Column::Id)
            .all(self.db)
            .await
    }

    /// The current periods of a relation that this article asserts (cited
    /// by it, or by no article), oldest first, with this article's citation.
    pub(super) async fn asserted_periods(
        &self,
        relation_key: &str,
    ) -> Result<Vec<(status_period::Model, Option<citation::Model>)>, DbErr> {
        let periods = self.current_periods(relation_key).await?;
        let cites = self.period_citations(&periods).await?;
        let mut out = Vec::new();
        for p in periods {
            let key = p.id.to_string();
            let of_period: Vec<&citation::Model> = cites.iter().filter(|c| c.subject_key == key).collect();
            let mine = of_period.iter().find(|c| c.article_key == self.article_key).map(|c| (*c).clone());
            if mine.is_some() || of_period.is_empty() {
                out.push((p, mine));
            }
        }
        Ok(out)
    }

    /// Writes a new version of a period (same relation, new content or
    /// ends), carrying over every current citation of the old one.
    pub(super) async fn rewrite_period(
        &mut self,
        old: &status_period::Model,
        new: status_period::ActiveModel,
        cites: &[citation::Model],
    ) -> Result<i64, DbErr> {
        close::<status_period::Entity>(self.db, old.id, self.now).await?;
        let row = status_period::Entity::insert(new).exec(self.db).await?;
        let (old_key, new_key) = (old.id.to_string(), row.last_insert_id.to_string());
        for c in cites.iter().filter(|c| c.subject_key == old_key) {
            close::<citation::Entity>(self.db, c.id, self.now).await?;
            self.insert_citation(&c.article_key, FactKind::Period, &new_key, c.quote.as_deref()).await?;
        }
        Ok(row.last_insert_id)
    }

    /// Rewrites every current period of a relation whose ends were
    /// corrected, so the copies of the ends kept on periods stay true; each
    /// period keeps its citations.
    pub(super) async fn move_periods(&mut self, relation_key: &str, ends: (&str, &str)) -> Result<(), DbErr> {
        let periods = self.current_periods(relation_key).await?;
        let cites = self.period_citations(&periods).await?;
        for p in &periods {
            let moved = PeriodFact::read(p)?.row(relation_key, ends, self.now);
            self.rewrite_period(p, moved, &cites).await?;
        }
        Ok(())
    }

    /// Replaces this article's periods of a relation when they differ from
    /// the bundle's; returns whether anything changed. `ends` are the
    /// relation's source and target, copied onto each period.
    pub(super) async fn periods(
        &mut self,
        relation_key: &str,
        ends: (&str, &str),
        specs: &[Cited<PeriodFact>],
    ) -> Result<bool, DbErr> {
        let current = self.asserted_periods(relation_key).await?;
        let mut same = current.len() == specs.len();
        for ((p, c), s) in current.iter().zip(specs) {
            same =
                same && PeriodFact::read(p)? == s.fact && c.as_ref().and_then(|c| c.quote.as_deref()) == Some(&s.cite);
        }
        if same {
            return Ok(false);
        }
        for (p, c) in &current {
            close::<status_period::Entity>(self.db, p.id, self.now).await?;
            if let Some(c) = c {
                close::<citation::Entity>(self.db, c.id, self.now).await?;
            }
        }
        for s in specs {
            let row = status_period::Entity::insert(s.fact.row(relation_key, ends, self.now)).exec(self.db).await?;
            let key = row.last_insert_id.to_string();
            self.insert_citation(self.article_key, FactKind::Period, &key, Some(&s.cite)).await?;
        }
        Ok(true)
    }

    /// A curator's status change: every open period of the relation that
    /// starts no later than the new one ends where it starts, and the new
    /// period, cited to the edit's article, is open.
    pub(super) async fn status_change(&mut self, relation_key: &str, period: &Cited<PeriodFact>) -> crate::Result<()> {
        let Some(rel) = current::<relation::Entity>(self.db, relation_key).await? else {
            return Err(invalid("edit", "relation", format!("no current relation has the key `{relation_key}`")));
        };
        let Some(start) = &period.fact.from else {
            return Err(invalid("edit", "from", "a status change needs the date it happened"));
        };
        let ends = (rel.source.as_str(), rel.target.as_str());
        let open = self.current_periods(relation_key).await?;
        let cites = self.period_citations(&open).await?;
        // The ended periods keep their own articles' citations: they are
        // still those articles' periods, and a reload of one restores it.
        for p in open.iter().filter(|p| p.to_edtf.is_none() && p.from_earliest <= start.earliest_day().number()) {
            let mut ended = PeriodFact::read(p)?;
            ended.to = Some(start.clone());
            self.rewrite_period(p, ended.row(relation_key, ends, self.now), &cites).await?;
        }
        let row = status_period::Entity::insert(period.fact.row(relation_key, ends, self.now)).exec(self.db).await?;
        self.insert_citation(self.article_key, FactKind::Period, &row.last_insert_id.to_string(), Some(&period.cite))
            .await?;
        let summary = format!("{}: {} from {}", self.article_key, period.fact.status, start.edtf);
        self.log(FactKind::Relation, relation_key, Action::Update, summary).await?;
        Ok(())
    }
}
