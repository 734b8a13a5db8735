//! Events and statements, with their participants, subjects and figures.

use super::{children, stored_date, union, Fact, Merge};
use domain::edtf::FuzzyDate;
use entity::{event, participant, quantity, statement, statement_about, statement_quantity};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde::{Deserialize, Serialize};

/// An entity's part in an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub entity: String,
    /// A participant role code of the vocabulary.
    pub role: String,
}

/// A figure a source gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    pub what: String,
    pub value: f64,
    pub unit: Option<String>,
    pub approximate: bool,
}

/// Figures read back from either table of figures.
macro_rules! quantity_from {
    ($($table:ident),+) => {
        $(impl From<$table::Model> for Quantity {
            fn from(q: $table::Model) -> Quantity {
                Quantity { what: q.what, value: q.value, unit: q.unit, approximate: q.approximate }
            }
        })+
    };
}

quantity_from!(quantity, statement_quantity);

/// Something that happened at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventFact {
    /// An event type code of the vocabulary.
    pub event_type: String,
    /// Given, or the event type's.
    pub cameo: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub date: FuzzyDate,
    pub location: Option<String>,
    pub participants: Vec<Participant>,
    pub quantities: Vec<Quantity>,
}

merge_whole!(EventFact, |parts, first| EventFact {
    summary: parts.iter().find_map(|p| p.summary.clone()),
    cameo: parts.iter().find_map(|p| p.cameo.clone()),
    location: parts.iter().find_map(|p| p.location.clone()),
    participants: union(parts.iter().map(|p| p.participants.clone())),
    quantities: union(parts.iter().map(|p| p.quantities.clone())),
    ..first.clone()
});

impl Fact for EventFact {
    type Table = event::Entity;

    async fn read(db: &impl ConnectionTrait, row: &event::Model) -> Result<Self, DbErr> {
        let parts = children::<participant::Entity>(db, row.id).await?;
        let qs = children::<quantity::Entity>(db, row.id).await?;
        Ok(EventFact {
            event_type: row.event_type.clone(),
            cameo: row.cameo_code.clone(),
            title: row.title.clone(),
            summary: row.summary.clone(),
            date: stored_date(&row.date_edtf)?,
            location: row.location.clone(),
            participants: parts.into_iter().map(|p| Participant { entity: p.entity_slug, role: p.role }).collect(),
            quantities: qs.into_iter().map(Quantity::from).collect(),
        })
    }

    async fn write(&self, db: &impl ConnectionTrait, key: &str, now: i64) -> Result<(), DbErr> {
        let row = event::Entity::insert(event::ActiveModel {
            key: Set(key.to_owned()),
            event_type: Set(self.event_type.clone()),
            cameo_code: Set(self.cameo.clone()),
            title: Set(self.title.clone()),
            summary: Set(self.summary.clone()),
            date_edtf: Set(self.date.edtf.clone()),
            date_earliest: Set(self.date.earliest_day().number()),
            date_latest: Set(self.date.latest_day().number()),
            location: Set(self.location.clone()),
            recorded_at: Set(now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
        let id = row.last_insert_id;
        if !self.participants.is_empty() {
            participant::Entity::insert_many(self.participants.iter().map(|p| participant::ActiveModel {
                event_id: Set(id),
                entity_slug: Set(p.entity.clone()),
                role: Set(p.role.clone()),
                ..Default::default()
            }))
            .exec(db)
            .await?;
        }
        quantities!(quantity, event_id, id, &self.quantities, db);
        Ok(())
    }

    fn summary(&self) -> String {
        format!("{} ({})", self.title, self.date.edtf)
    }
}

/// Something an entity said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementFact {
    pub speaker: String,
    pub date: FuzzyDate,
    pub quote: Option<String>,
    pub summary: String,
    pub about: Vec<String>,
    /// Figures the statement gives ("up to 100 monitors").
    pub quantities: Vec<Quantity>,
}

merge_whole!(StatementFact, |parts, first| StatementFact {
    quote: parts.iter().find_map(|p| p.quote.clone()),
    about: union(parts.iter().map(|p| p.about.clone())),
    quantities: union(parts.iter().map(|p| p.quantities.clone())),
    ..first.clone()
});

impl Fact for StatementFact {
    type Table = statement::Entity;

    async fn read(db: &impl ConnectionTrait, row: &statement::Model) -> Result<Self, DbErr> {
        let about = children::<statement_about::Entity>(db, row.id).await?;
        let qs = children::<statement_quantity::Entity>(db, row.id).await?;
        Ok(StatementFact {
            speaker: row.speaker.clone(),
            date: stored_date(&row.date_edtf)?,
            quote: row.quote.clone(),
            summary: row.summary.clone(),
            about: about.into_iter().map(|a| a.entity_slug).collect(),
            quantities: qs.into_iter().map(Quantity::from).collect(),
        })
    }

    async fn write(&self, db: &impl ConnectionTrait, key: &str, now: i64) -> Result<(), DbErr> {
        let row = statement::Entity::insert(statement::ActiveModel {
            key: Set(key.to_owned()),
            speaker: Set(self.speaker.clone()),
            date_edtf: Set(self.date.edtf.clone()),
            date_earliest: Set(self.date.earliest_day().number()),
            date_latest: Set(self.date.latest_day().number()),
            quote: Set(self.quote.clone()),
            summary: Set(self.summary.clone()),
            recorded_at: Set(now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
        if !self.about.is_empty() {
            statement_about::Entity::insert_many(self.about.iter().map(|a| statement_about::ActiveModel {
                statement_id: Set(row.last_insert_id),
                entity_slug: Set(a.clone()),
                ..Default::default()
            }))
            .exec(db)
            .await?;
        }
        quantities!(statement_quantity, statement_id, row.last_insert_id, &self.quantities, db);
        Ok(())
    }

    fn summary(&self) -> String {
        self.summary.clone()
    }
}
