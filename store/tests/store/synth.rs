//! Synthetic data: it loads on both backends at a size past SQLite's bound
//! on parameters per statement, and every code it writes is one a bundle
//! could write (the same vocabulary and kinds validation checks).

use domain::{vocabulary, EntityKind, FactKind, Status};
use entity::{citation, entity as ent, event, participant, relation, status_period};
use sea_orm::{EntityTrait, PaginatorTrait, QuerySelect};
use std::collections::BTreeSet;
use store::synth::{generate, SynthSpec};

async fn distinct<E: EntityTrait>(db: &sea_orm::DatabaseConnection, column: E::Column) -> BTreeSet<String> {
    E::find()
        .select_only()
        .column(column)
        .distinct()
        .into_tuple::<String>()
        .all(db)
        .await
        .expect("query")
        .into_iter()
        .collect()
}

#[tokio::test]
async fn synthetic_data_loads_past_the_parameter_bound_and_speaks_the_vocabulary() {
    let t = testkit::TestDb::new().await.expect("test database");
    // 3,000 relations carry up to 12,000 periods: far more bound values
    // than one SQLite statement may take.
    let report = generate(&t.store, SynthSpec::new(120, 3_000)).await.expect("synthetic data loads");
    assert_eq!((report.entities, report.relations), (120, 3_000));
    assert_eq!(relation::Entity::find().count(t.raw()).await.expect("count"), 3_000);
    assert_eq!(status_period::Entity::find().count(t.raw()).await.expect("count"), report.periods);
    assert!(report.periods > 3_000);

    let pairs: Vec<(String, String)> = ent::Entity::find()
        .select_only()
        .column(ent::Column::Kind)
        .column(ent::Column::Category)
        .distinct()
        .into_tuple()
        .all(t.raw())
        .await
        .expect("query");
    for (kind, category) in &pairs {
        let kind = EntityKind::parse(kind).expect("a known kind");
        assert!(vocabulary::entity_category(kind, category).is_some(), "category {category} of kind {kind}");
    }
    for code in distinct::<relation::Entity>(t.raw(), relation::Column::RelType).await {
        assert!(vocabulary::relation_type(&code).is_some(), "relation type {code}");
    }
    for code in distinct::<event::Entity>(t.raw(), event::Column::EventType).await {
        assert!(vocabulary::event_type(&code).is_some(), "event type {code}");
    }
    for code in distinct::<participant::Entity>(t.raw(), participant::Column::Role).await {
        assert!(vocabulary::participant_role(&code).is_some(), "role {code}");
    }
    for code in distinct::<status_period::Entity>(t.raw(), status_period::Column::Status).await {
        Status::parse(&code).expect("a known status");
    }
    for code in distinct::<citation::Entity>(t.raw(), citation::Column::SubjectKind).await {
        FactKind::parse(&code).expect("a known fact kind");
    }
}
