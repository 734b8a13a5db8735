//! Entities: what they are, and the names and identifiers each source adds.

use super::{children, corrupt, union, Fact, Merge};
use domain::text::fold;
use domain::EntityKind;
use entity::{alias, entity as ent, external_id};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde::{Deserialize, Serialize};

/// An identifier of an entity in another system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalId {
    pub scheme: String,
    pub value: String,
    pub url: Option<String>,
}

/// An actor, organisation or region.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityFact {
    pub kind: EntityKind,
    /// A category code of the vocabulary, checked against the kind.
    pub category: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub external_ids: Vec<ExternalId>,
}

/// What one article says of an entity: what it is (kind, category and
/// name, together) or only more names, identifiers or a description of an
/// entity another article defines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityPart {
    /// Kind, category code and name, given together or not at all.
    pub what: Option<(EntityKind, String, String)>,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub external_ids: Vec<ExternalId>,
}

impl Merge for EntityFact {
    type Part = EntityPart;

    fn merge(parts: &[EntityPart]) -> Option<Self> {
        let (kind, category, name) = parts.iter().find_map(|p| p.what.clone())?;
        Some(EntityFact {
            kind,
            category,
            name,
            aliases: union(parts.iter().map(|p| p.aliases.clone())),
            description: parts.iter().find_map(|p| p.description.clone()),
            external_ids: union(parts.iter().map(|p| p.external_ids.clone())),
        })
    }

    fn part_of(fact: &Self) -> EntityPart {
        EntityPart {
            what: Some((fact.kind, fact.category.clone(), fact.name.clone())),
            aliases: fact.aliases.clone(),
            description: fact.description.clone(),
            external_ids: fact.external_ids.clone(),
        }
    }

    fn describe(part: &EntityPart) -> String {
        let mut out = match &part.what {
            Some((kind, category, name)) => format!("{name} ({kind} {category})"),
            None => "more on it".to_owned(),
        };
        if !part.aliases.is_empty() {
            out.push_str(&format!("; also called {}", part.aliases.join(", ")));
        }
        out
    }
}

impl Fact for EntityFact {
    type Table = ent::Entity;

    async fn read(db: &impl ConnectionTrait, row: &ent::Model) -> Result<Self, DbErr> {
        let kind = EntityKind::parse(&row.kind).map_err(corrupt)?;
        let aliases = children::<alias::Entity>(db, row.id).await?;
        let ids = children::<external_id::Entity>(db, row.id).await?;
        Ok(EntityFact {
            kind,
            category: row.category.clone(),
            name: row.name.clone(),
            aliases: aliases.into_iter().map(|a| a.name).collect(),
            description: row.description.clone(),
            external_ids: ids
                .into_iter()
                .map(|x| ExternalId { scheme: x.scheme, value: x.value, url: x.url })
                .collect(),
        })
    }

    async fn write(&self, db: &impl ConnectionTrait, key: &str, now: i64) -> Result<(), DbErr> {
        let row = ent::Entity::insert(ent::ActiveModel {
            slug: Set(key.to_owned()),
            kind: Set(self.kind.as_str().to_owned()),
            category: Set(self.category.clone()),
            name: Set(self.name.clone()),
            search_name: Set(fold(&self.name)),
            description: Set(self.description.clone()),
            recorded_at: Set(now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
        let id = row.last_insert_id;
        if !self.aliases.is_empty() {
            alias::Entity::insert_many(self.aliases.iter().map(|a| alias::ActiveModel {
                entity_id: Set(id),
                name: Set(a.clone()),
                search_name: Set(fold(a)),
                ..Default::default()
            }))
            .exec(db)
            .await?;
        }
        if !self.external_ids.is_empty() {
            external_id::Entity::insert_many(self.external_ids.iter().map(|x| external_id::ActiveModel {
                entity_id: Set(id),
                scheme: Set(x.scheme.clone()),
                value: Set(x.value.clone()),
                url: Set(x.url.clone()),
                ..Default::default()
            }))
            .exec(db)
            .await?;
        }
        Ok(())
    }

    fn summary(&self) -> String {
        format!("{} ({} {})", self.name, self.kind, self.category)
    }
}
