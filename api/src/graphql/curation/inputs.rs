//! What curation mutations take (inputs written like a bundle's entries)
//! and what they answer.

use super::super::article::Article;
use super::super::common::Revision;
use super::super::entity::EntityKind;
use async_graphql::{InputObject, Object, SimpleObject};
use entity::{article, revision};
use store::LoadReport;

/// Something a load did that a curator should look at; nothing was refused.
#[derive(SimpleObject)]
pub struct IngestWarning {
    /// where in the bundle, e.g. relations[3]
    pub place: String,
    pub message: String,
}

/// What ingesting one article's bundle did.
pub struct IngestResult {
    pub(super) article: article::Model,
    pub(super) report: LoadReport,
    pub(super) dry_run: bool,
    pub(super) revisions: Vec<revision::Model>,
}

#[Object]
impl IngestResult {
    async fn article(&self) -> Article {
        Article(self.article.clone())
    }
    async fn created(&self) -> usize {
        self.report.created
    }
    async fn updated(&self) -> usize {
        self.report.updated
    }
    async fn retracted(&self) -> usize {
        self.report.retracted
    }
    async fn unchanged(&self) -> usize {
        self.report.unchanged
    }
    /// true when nothing was written (dryRun)
    async fn dry_run(&self) -> bool {
        self.dry_run
    }
    /// the revisions written, oldest first; none on a dry run (one per fact the bundle changed: never more than its facts)
    #[graphql(directive = crate::protect::directives::listSize::apply(Some(100), None, None, None))]
    async fn revisions(&self) -> Vec<Revision> {
        self.revisions.iter().cloned().map(Revision).collect()
    }
    /// possible duplicates and other things to look at; nothing was refused for them
    #[graphql(directive = crate::protect::directives::listSize::apply(Some(100), None, None, None))]
    async fn warnings(&self) -> Vec<IngestWarning> {
        self.report
            .warnings
            .iter()
            .map(|w| IngestWarning { place: w.place.clone(), message: w.message.clone() })
            .collect()
    }
}

#[derive(SimpleObject)]
pub struct RetractResult {
    pub revision: Revision,
}

/// What a curator's change did.
#[derive(SimpleObject)]
pub struct ChangeResult {
    /// the revisions written, oldest first (none when the change was already recorded)
    #[graphql(directive = crate::protect::directives::listSize::apply(Some(10), None, None, None))]
    pub revisions: Vec<Revision>,
}

#[derive(InputObject)]
pub struct ExternalIdInput {
    pub scheme: String,
    pub value: String,
    pub url: Option<String>,
}

/// An article's part of an entity. kind, category and name come together; leave all three out to add names, identifiers or a description to an entity another article defines.
#[derive(InputObject)]
pub struct EntityInput {
    pub slug: String,
    pub kind: Option<EntityKind>,
    pub category: Option<String>,
    pub name: Option<String>,
    #[graphql(default)]
    pub aliases: Vec<String>,
    pub description: Option<String>,
    #[graphql(default)]
    pub external_ids: Vec<ExternalIdInput>,
}

/// An article's part of a relation (its status periods are changed with recordStatusChange).
#[derive(InputObject)]
pub struct RelationInput {
    pub key: String,
    #[graphql(name = "type")]
    pub rel_type: String,
    pub label: String,
    pub source: String,
    pub target: String,
    pub symmetric: Option<bool>,
    pub body: Option<String>,
}

#[derive(InputObject)]
pub struct ParticipantInput {
    pub entity: String,
    pub role: String,
}

#[derive(InputObject)]
pub struct QuantityInput {
    pub what: String,
    pub value: f64,
    pub unit: Option<String>,
    #[graphql(default)]
    pub approximate: bool,
}

/// An article's part of an event; date is EDTF (2008-08, 2008-08-16/2008-08-17).
#[derive(InputObject)]
pub struct EventInput {
    pub key: String,
    #[graphql(name = "type")]
    pub event_type: String,
    pub cameo: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub date: String,
    pub location: Option<String>,
    #[graphql(default)]
    pub participants: Vec<ParticipantInput>,
    #[graphql(default)]
    pub quantities: Vec<QuantityInput>,
}

/// An article's part of a statement; date is EDTF.
#[derive(InputObject)]
pub struct StatementInput {
    pub key: String,
    pub speaker: String,
    pub date: String,
    pub quote: Option<String>,
    pub summary: String,
    #[graphql(default)]
    pub about: Vec<String>,
    #[graphql(default)]
    pub quantities: Vec<QuantityInput>,
}
