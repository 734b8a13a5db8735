//! Relations and their status periods.

use super::{corrupt, stored_date, Fact, Merge};
use domain::edtf::FuzzyDate;
use domain::period::Bounds;
use domain::Status;
use entity::{relation, status_period};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde::{Deserialize, Serialize};

/// A lasting tie between two entities (its status history is in periods).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationFact {
    /// A relation type code of the vocabulary.
    pub rel_type: String,
    pub label: String,
    pub source: String,
    pub target: String,
    /// Given, or the relation type's default.
    pub symmetric: bool,
    pub body: Option<String>,
}

merge_whole!(RelationFact, |parts, first| first.clone());

impl Fact for RelationFact {
    type Table = relation::Entity;

    async fn read(_db: &impl ConnectionTrait, row: &relation::Model) -> Result<Self, DbErr> {
        Ok(RelationFact {
            rel_type: row.rel_type.clone(),
            label: row.label.clone(),
            source: row.source.clone(),
            target: row.target.clone(),
            symmetric: row.symmetric,
            body: row.body.clone(),
        })
    }

    async fn write(&self, db: &impl ConnectionTrait, key: &str, now: i64) -> Result<(), DbErr> {
        relation::Entity::insert(relation::ActiveModel {
            key: Set(key.to_owned()),
            rel_type: Set(self.rel_type.clone()),
            label: Set(self.label.clone()),
            source: Set(self.source.clone()),
            target: Set(self.target.clone()),
            symmetric: Set(self.symmetric),
            body: Set(self.body.clone()),
            recorded_at: Set(now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
        Ok(())
    }

    fn summary(&self) -> String {
        format!("{} ({} {} → {})", self.label, self.rel_type, self.source, self.target)
    }
}

/// One status period of a relation, as one article tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodFact {
    pub status: Status,
    /// `None`: the source gives no start.
    pub from: Option<FuzzyDate>,
    /// `None`: still open.
    pub to: Option<FuzzyDate>,
    pub note: Option<String>,
}

impl PeriodFact {
    /// The content of a stored period.
    pub fn read(row: &status_period::Model) -> Result<PeriodFact, DbErr> {
        Ok(PeriodFact {
            status: Status::parse(&row.status).map_err(corrupt)?,
            from: row.from_edtf.as_deref().map(stored_date).transpose()?,
            to: row.to_edtf.as_deref().map(stored_date).transpose()?,
            note: row.note.clone(),
        })
    }

    /// A new current row of this period for `relation_key`, whose ends are
    /// copied onto it.
    pub fn row(&self, relation_key: &str, ends: (&str, &str), now: i64) -> status_period::ActiveModel {
        let b = Bounds::of(self.from.as_ref(), self.to.as_ref());
        status_period::ActiveModel {
            relation_key: Set(relation_key.to_owned()),
            source: Set(ends.0.to_owned()),
            target: Set(ends.1.to_owned()),
            status: Set(self.status.as_str().to_owned()),
            from_edtf: Set(self.from.as_ref().map(|d| d.edtf.clone())),
            from_earliest: Set(b.from_earliest.column()),
            from_latest: Set(b.from_latest.column()),
            to_edtf: Set(self.to.as_ref().map(|d| d.edtf.clone())),
            to_earliest: Set(b.to_earliest.column()),
            to_latest: Set(b.to_latest.column()),
            note: Set(self.note.clone()),
            recorded_at: Set(now),
            superseded_at: Set(None),
            ..Default::default()
        }
    }
}
