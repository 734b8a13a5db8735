//! The served schema: the committed SDL is current, and every type, field
//! and argument of the public contract exists with a compatible type.

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{FieldDefinition, ServiceDocument, TypeDefinition, TypeKind, TypeSystemDefinition};
use std::collections::HashMap;

const CONTRACT: &str = include_str!("../contract/core.graphql");
const COMMITTED: &str = include_str!("../../schema.graphql");

fn types(doc: &ServiceDocument) -> HashMap<String, TypeDefinition> {
    doc.definitions
        .iter()
        .filter_map(|d| match d {
            TypeSystemDefinition::Type(t) => Some((t.node.name.node.to_string(), t.node.clone())),
            _ => None,
        })
        .collect()
}

fn fields(kind: &TypeKind) -> Option<(Vec<FieldDefinition>, Vec<String>)> {
    match kind {
        TypeKind::Object(o) => Some((
            o.fields.iter().map(|f| f.node.clone()).collect(),
            o.implements.iter().map(|i| i.node.to_string()).collect(),
        )),
        TypeKind::Interface(i) => Some((
            i.fields.iter().map(|f| f.node.clone()).collect(),
            i.implements.iter().map(|i| i.node.to_string()).collect(),
        )),
        _ => None,
    }
}

#[test]
fn the_committed_sdl_is_current() {
    let served = api::graphql::build_schema().sdl();
    assert!(
        served == COMMITTED,
        "api/schema.graphql is stale: run `cargo run -p api -- schema > api/schema.graphql` and commit it"
    );
}

#[test]
fn every_type_field_and_argument_of_the_contract_is_served_compatibly() {
    let contract = types(&parse_schema(CONTRACT).expect("the contract parses"));
    let served = types(&parse_schema(api::graphql::build_schema().sdl()).expect("the served SDL parses"));
    let mut problems = Vec::new();
    for (name, want) in &contract {
        let Some(have) = served.get(name) else {
            problems.push(format!("type {name} is missing"));
            continue;
        };
        match (&want.kind, &have.kind) {
            (TypeKind::Scalar, TypeKind::Scalar) => {}
            (TypeKind::Enum(w), TypeKind::Enum(h)) => {
                for v in &w.values {
                    if !h.values.iter().any(|x| x.node.value.node == v.node.value.node) {
                        problems.push(format!("enum {name} lacks {}", v.node.value.node));
                    }
                }
            }
            (w, h) if std::mem::discriminant(w) == std::mem::discriminant(h) => {
                let (want_fields, want_impl) = fields(w).unwrap_or_default();
                let (have_fields, have_impl) = fields(h).unwrap_or_default();
                for i in want_impl {
                    // async-graphql cannot declare an interface implementing an
                    // interface; every implementation of Entity implements Node.
                    let documented = name == "Entity" && i == "Node";
                    if !have_impl.contains(&i) && !documented {
                        problems.push(format!("{name} does not implement {i}"));
                    }
                }
                for wf in &want_fields {
                    let fname = wf.name.node.as_str();
                    let Some(hf) = have_fields.iter().find(|f| f.name.node == wf.name.node) else {
                        problems.push(format!("{name}.{fname} is missing"));
                        continue;
                    };
                    if wf.ty.node.to_string() != hf.ty.node.to_string() {
                        problems.push(format!("{name}.{fname}: {} in the contract, {} served", wf.ty.node, hf.ty.node));
                    }
                    for wa in &wf.arguments {
                        let aname = wa.node.name.node.as_str();
                        let Some(ha) = hf.arguments.iter().find(|a| a.node.name.node == wa.node.name.node) else {
                            problems.push(format!("{name}.{fname}({aname}) is missing"));
                            continue;
                        };
                        if wa.node.ty.node.to_string() != ha.node.ty.node.to_string() {
                            problems.push(format!(
                                "{name}.{fname}({aname}): {} in the contract, {} served",
                                wa.node.ty.node, ha.node.ty.node
                            ));
                        }
                        let default = |d: &Option<async_graphql::Positioned<async_graphql::Value>>| {
                            d.as_ref().map(|v| v.node.to_string())
                        };
                        if default(&wa.node.default_value) != default(&ha.node.default_value) {
                            problems.push(format!("{name}.{fname}({aname}) has another default"));
                        }
                    }
                    for ha in &hf.arguments {
                        let extra = !wf.arguments.iter().any(|a| a.node.name.node == ha.node.name.node);
                        if extra && !ha.node.ty.node.nullable && ha.node.default_value.is_none() {
                            problems.push(format!("{name}.{fname}({}) is a new required argument", ha.node.name.node));
                        }
                    }
                }
            }
            _ => problems.push(format!("{name} is served as another kind of type")),
        }
    }
    assert!(problems.is_empty(), "the served schema breaks the contract:\n{}", problems.join("\n"));
    for implementation in ["Actor", "Organisation", "Region"] {
        let (_, implements) = fields(&served[implementation].kind).expect("an object type");
        assert!(
            implements.contains(&"Node".to_owned()) && implements.contains(&"Entity".to_owned()),
            "{implementation}"
        );
    }
}
