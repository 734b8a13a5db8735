//! The static cost of a GraphQL document, computed before anything runs.
//!
//! It follows the IBM GraphQL Cost Directives specification as the served
//! schema declares it: a field's `@cost(weight:)` (by default 1 for a field
//! of object, interface or union type, 0 for a scalar or enum), and a list's
//! `@listSize`. A list's size is its slicing argument (`first`, `maxDepth`)
//! as the request gives it, or that argument's default, or the list's
//! `assumedSize`; a connection names `edges` in `sizedFields`, so the size
//! multiplies what is selected under `edges`. So a connection's `first`
//! multiplies everything below it, as GitHub counts nodes:
//! `entities(first: 100) { edges { node { relations(first: 100) { ... } } } }`
//! costs about 100 × 100 times what one relation does.
//!
//! The model is read from the schema's own SDL, so the bounds the resolvers
//! declare are the bounds the cost counts; a test checks that every list
//! field declares one. Introspection counts as a fixed amount per field
//! (`__schema` a thousand), so copies of it under aliases add up.

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Selection, SelectionSet, ServiceDocument, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Variables};
use async_graphql_value::{ConstValue, Value};
use std::collections::HashMap;

/// The cost of one `__schema` selection, whatever it selects below.
pub const INTROSPECTION_SCHEMA_COST: f64 = 1_000.0;
/// The cost of one `__type` selection.
pub const INTROSPECTION_TYPE_COST: f64 = 50.0;
/// The largest size any list may have (no `first` above 100 is served).
pub const MAX_LIST_SIZE: f64 = 100.0;
/// Deepest query accepted: deep enough for timelines of relations of entities.
pub const MAX_DEPTH: usize = 16;
/// Most field selections a document may hold, counted as written (each
/// alias and each field in a fragment once): a bound on parsing and
/// validation work that no cost counts.
pub const MAX_FIELDS: usize = 2_000;

/// The field selections of a document, as written.
pub fn fields_in(doc: &ExecutableDocument) -> usize {
    fn count(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) => 1 + count(&f.node.selection_set.node),
                Selection::InlineFragment(i) => count(&i.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let operations: usize = doc.operations.iter().map(|(_, op)| count(&op.node.selection_set.node)).sum();
    let fragments: usize = doc.fragments.values().map(|f| count(&f.node.selection_set.node)).sum();
    operations + fragments
}

/// How deep a document nests its fields (through fragments of either kind;
/// a fragment cycle counts as deeper than any limit).
pub fn depth_of(doc: &ExecutableDocument) -> usize {
    fn depth(doc: &ExecutableDocument, set: &SelectionSet, level: usize) -> usize {
        if level > MAX_NESTING {
            return usize::MAX;
        }
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) => {
                    let inner = &f.node.selection_set.node;
                    if inner.items.is_empty() {
                        1
                    } else {
                        depth(doc, inner, level + 1).saturating_add(1)
                    }
                }
                Selection::InlineFragment(i) => depth(doc, &i.node.selection_set.node, level + 1),
                Selection::FragmentSpread(spread) => doc
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .map_or(0, |f| depth(doc, &f.node.selection_set.node, level + 1)),
            })
            .max()
            .unwrap_or(0)
    }
    doc.operations.iter().map(|(_, op)| depth(doc, &op.node.selection_set.node, 0)).max().unwrap_or(0)
}

/// Nesting deeper than this (through fragments) costs as much as possible.
const MAX_NESTING: usize = 64;

/// How large a list field is, as `@listSize` declares it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListSize {
    pub assumed_size: Option<f64>,
    pub slicing_arguments: Vec<String>,
    pub sized_fields: Vec<String>,
}

#[derive(Debug, Clone)]
struct FieldInfo {
    /// The named type at the bottom of the field's type.
    ty: String,
    list: bool,
    weight: Option<f64>,
    list_size: Option<ListSize>,
    defaults: HashMap<String, ConstValue>,
}

#[derive(Debug, Clone, Default)]
struct TypeInfo {
    composite: bool,
    fields: HashMap<String, FieldInfo>,
    /// For an interface: the object types that implement it.
    implementers: Vec<String>,
}

/// The schema as the cost calculator needs it.
#[derive(Debug, Clone, Default)]
pub struct CostModel {
    types: HashMap<String, TypeInfo>,
    query: String,
    mutation: String,
    subscription: String,
}

fn named(ty: &Type) -> (String, bool) {
    match &ty.base {
        BaseType::Named(name) => (name.to_string(), false),
        BaseType::List(inner) => (named(inner).0, true),
    }
}

fn number(value: &ConstValue) -> Option<f64> {
    match value {
        ConstValue::Number(n) => n.as_f64(),
        _ => None,
    }
}

fn strings(value: &ConstValue) -> Vec<String> {
    match value {
        ConstValue::List(items) => items
            .iter()
            .filter_map(|v| match v {
                ConstValue::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl CostModel {
    /// Reads the model from the schema's SDL; `None` if it does not parse.
    pub fn from_sdl(sdl: &str) -> Option<CostModel> {
        let doc: ServiceDocument = async_graphql::parser::parse_schema(sdl).ok()?;
        let mut model = CostModel {
            query: "Query".into(),
            mutation: "Mutation".into(),
            subscription: "Subscription".into(),
            ..Default::default()
        };
        for definition in &doc.definitions {
            let TypeSystemDefinition::Type(t) = definition else { continue };
            let t = &t.node;
            let (fields, implements, composite) = match &t.kind {
                TypeKind::Object(o) => (o.fields.as_slice(), o.implements.as_slice(), true),
                TypeKind::Interface(i) => (i.fields.as_slice(), i.implements.as_slice(), true),
                TypeKind::Union(_) => (&[][..], &[][..], true),
                _ => (&[][..], &[][..], false),
            };
            let mut info = TypeInfo { composite, ..Default::default() };
            for f in fields {
                let f = &f.node;
                let (ty, list) = named(&f.ty.node);
                let mut field = FieldInfo { ty, list, weight: None, list_size: None, defaults: HashMap::new() };
                for arg in &f.arguments {
                    if let Some(default) = &arg.node.default_value {
                        field.defaults.insert(arg.node.name.node.to_string(), default.node.clone());
                    }
                }
                for d in &f.directives {
                    let args: HashMap<&str, &ConstValue> =
                        d.node.arguments.iter().map(|(n, v)| (n.node.as_str(), &v.node)).collect();
                    match d.node.name.node.as_str() {
                        "cost" => {
                            field.weight = args.get("weight").and_then(|v| match v {
                                ConstValue::String(s) => s.parse().ok(),
                                other => number(other),
                            })
                        }
                        "listSize" => {
                            field.list_size = Some(ListSize {
                                assumed_size: args.get("assumedSize").and_then(|v| number(v)),
                                slicing_arguments: args.get("slicingArguments").map(|v| strings(v)).unwrap_or_default(),
                                sized_fields: args.get("sizedFields").map(|v| strings(v)).unwrap_or_default(),
                            })
                        }
                        _ => {}
                    }
                }
                info.fields.insert(f.name.node.to_string(), field);
            }
            let name = t.name.node.to_string();
            for interface in implements {
                model.types.entry(interface.node.to_string()).or_default().implementers.push(name.clone());
            }
            let entry = model.types.entry(name).or_default();
            entry.composite = info.composite;
            entry.fields = info.fields;
        }
        Some(model)
    }

    /// A field of a type; for an interface whose own declaration lacks the
    /// cost directives, the first implementing object's field that has them.
    fn field(&self, ty: &str, name: &str) -> Option<&FieldInfo> {
        let t = self.types.get(ty)?;
        let own = t.fields.get(name);
        let declares = |f: &&FieldInfo| f.list_size.is_some() || f.weight.is_some();
        if own.filter(declares).is_some() {
            return own;
        }
        t.implementers.iter().find_map(|i| self.types.get(i)?.fields.get(name).filter(declares)).or(own)
    }

    /// Every list field that declares no size and is not sized by a parent
    /// (`Type.field`), for the test that keeps the schema complete.
    pub fn unsized_lists(&self) -> Vec<String> {
        let sized: Vec<(&str, &str)> = self
            .types
            .values()
            .flat_map(|t| t.fields.values())
            .filter_map(|f| f.list_size.as_ref().map(|l| (f.ty.as_str(), l)))
            .flat_map(|(ty, l)| l.sized_fields.iter().map(move |s| (ty, s.as_str())))
            .collect();
        let mut out: Vec<String> = self
            .types
            .iter()
            .filter(|(name, _)| !name.starts_with("__"))
            .flat_map(|(name, t)| t.fields.iter().map(move |(f, info)| (name, f, info)))
            .filter(|(name, f, info)| {
                info.list
                    && self.field(name, f).is_none_or(|found| found.list_size.is_none())
                    && !sized.contains(&(name.as_str(), f.as_str()))
            })
            .map(|(name, f, _)| format!("{name}.{f}"))
            .collect();
        out.sort();
        out
    }

    /// The cost of the document: the most costly of its operations.
    pub fn cost(&self, doc: &ExecutableDocument, variables: &Variables) -> u64 {
        use async_graphql::parser::types::OperationType;
        let walker = Walker { model: self, doc, variables };
        let worst = doc
            .operations
            .iter()
            .map(|(_, op)| {
                let root = match op.node.ty {
                    OperationType::Query => &self.query,
                    OperationType::Mutation => &self.mutation,
                    OperationType::Subscription => &self.subscription,
                };
                walker.selection(&op.node.selection_set.node, root, 0)
            })
            .fold(0.0, f64::max);
        if worst.is_finite() {
            worst.ceil().min(u64::MAX as f64) as u64
        } else {
            u64::MAX
        }
    }
}

struct Walker<'a> {
    model: &'a CostModel,
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
}

impl Walker<'_> {
    fn argument(&self, field: &async_graphql::parser::types::Field, info: &FieldInfo, name: &str) -> Option<f64> {
        let given = field.arguments.iter().find(|(n, _)| n.node.as_str() == name).map(|(_, v)| &v.node);
        let value = match given {
            Some(Value::Variable(var)) => self.variables.get(&Name::new(var.as_str())).cloned(),
            Some(v) => v.clone().into_const(),
            None => None,
        };
        match value {
            Some(ConstValue::Null) | None => info.defaults.get(name).and_then(number),
            Some(v) => number(&v),
        }
    }

    /// The size of a list field: its slicing argument, else its assumed size.
    fn size(&self, field: &async_graphql::parser::types::Field, info: &FieldInfo, list: &ListSize) -> f64 {
        let sliced = list.slicing_arguments.iter().find_map(|a| self.argument(field, info, a));
        sliced.or(list.assumed_size).unwrap_or(MAX_LIST_SIZE).clamp(0.0, MAX_LIST_SIZE)
    }

    fn selection(&self, set: &SelectionSet, ty: &str, depth: usize) -> f64 {
        self.sized_selection(set, ty, depth, &[], 1.0)
    }

    /// The cost of a selection set on `ty`; fields named in `sized` are
    /// lists of `size` items (a connection's `edges`).
    fn sized_selection(&self, set: &SelectionSet, ty: &str, depth: usize, sized: &[String], size: f64) -> f64 {
        if depth > MAX_NESTING {
            return f64::INFINITY;
        }
        let mut total = 0.0;
        for item in &set.items {
            total += match &item.node {
                Selection::Field(f) => {
                    let field = &f.node;
                    let given = sized.iter().any(|s| s == field.name.node.as_str()).then_some(size);
                    self.field(field, ty, depth, given)
                }
                Selection::FragmentSpread(spread) => match self.doc.fragments.get(&spread.node.fragment_name.node) {
                    Some(fragment) => {
                        let on = fragment.node.type_condition.node.on.node.as_str();
                        self.sized_selection(&fragment.node.selection_set.node, on, depth + 1, sized, size)
                    }
                    None => 0.0,
                },
                Selection::InlineFragment(inline) => {
                    let on = inline.node.type_condition.as_ref().map_or(ty, |c| c.node.on.node.as_str());
                    self.sized_selection(&inline.node.selection_set.node, on, depth + 1, sized, size)
                }
            };
        }
        total
    }

    /// A field's cost: its weight and what is selected below it, once per
    /// item where it is a list (of `given` items when its parent sizes it).
    fn field(
        &self,
        field: &async_graphql::parser::types::Field,
        parent: &str,
        depth: usize,
        given: Option<f64>,
    ) -> f64 {
        match field.name.node.as_str() {
            "__typename" => return 0.0,
            "__schema" => return INTROSPECTION_SCHEMA_COST,
            "__type" => return INTROSPECTION_TYPE_COST,
            _ => {}
        }
        let Some(info) = self.model.field(parent, field.name.node.as_str()) else { return 0.0 };
        let composite = self.model.types.get(&info.ty).is_some_and(|t| t.composite);
        let weight = info.weight.unwrap_or(if composite { 1.0 } else { 0.0 });
        let children = &field.selection_set.node;
        let below = match &info.list_size {
            Some(list) if !list.sized_fields.is_empty() => {
                let size = self.size(field, info, list);
                self.sized_selection(children, &info.ty, depth + 1, &list.sized_fields, size)
            }
            _ => self.selection(children, &info.ty, depth + 1),
        };
        if !info.list {
            return weight + below;
        }
        let size = match (given, &info.list_size) {
            (Some(size), _) => size,
            (None, Some(list)) => self.size(field, info, list),
            (None, None) => MAX_LIST_SIZE,
        };
        size * (weight + below)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDL: &str = r#"
        directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!]) on FIELD_DEFINITION
        directive @cost(weight: String!) on FIELD_DEFINITION
        type Query {
          things(first: Int = 20): ThingConnection! @listSize(slicingArguments: ["first"], sizedFields: ["edges"])
          tags: [String!]! @listSize(assumedSize: 5)
          heavy: Int! @cost(weight: "7")
        }
        type ThingConnection { edges: [ThingEdge!]! total: Int! }
        type ThingEdge { node: Thing! }
        type Thing { name: String! friends(first: Int = 20): ThingConnection! @listSize(slicingArguments: ["first"], sizedFields: ["edges"]) }
    "#;

    fn cost(query: &str, variables: serde_json::Value) -> u64 {
        let model = CostModel::from_sdl(SDL).expect("the SDL parses");
        let doc = async_graphql::parser::parse_query(query).expect("the query parses");
        model.cost(&doc, &Variables::from_json(variables))
    }

    #[test]
    fn first_multiplies_what_is_selected_under_edges() {
        // connection 1 + 10 × (edge 1 + node 1)
        assert_eq!(cost("{ things(first: 10) { edges { node { name } } } }", serde_json::json!({})), 21);
        // the default of first applies when it is not given
        assert_eq!(cost("{ things { edges { node { name } } } }", serde_json::json!({})), 41);
        // variables are read; nested connections multiply
        let nested = "query($n: Int) { things(first: $n) { edges { node { friends(first: 100) { edges { node { name } } } } } } }";
        assert_eq!(cost(nested, serde_json::json!({ "n": 100 })), 1 + 100 * (1 + 1 + (1 + 100 * 2)));
        // what is not under edges is not multiplied
        assert_eq!(cost("{ things(first: 100) { total } }", serde_json::json!({})), 1);
    }

    #[test]
    fn weights_aliases_fragments_and_introspection_add_up() {
        assert_eq!(cost("{ heavy tags }", serde_json::json!({})), 7);
        assert_eq!(cost("{ a: heavy b: heavy }", serde_json::json!({})), 14);
        let fragment = "{ things(first: 3) { ...e } } fragment e on ThingConnection { edges { node { name } } }";
        assert_eq!(cost(fragment, serde_json::json!({})), 7);
        assert_eq!(
            cost("{ a: __schema { types { name } } b: __schema { types { name } } }", serde_json::json!({})),
            2_000
        );
        // first above the largest page counts as the largest page
        assert_eq!(cost("{ things(first: 1000000) { edges { node { name } } } }", serde_json::json!({})), 201);
    }

    #[test]
    fn a_fragment_cycle_costs_as_much_as_possible() {
        let cycle = "{ things { ...a } } fragment a on ThingConnection { edges { node { friends { ...a } } } }";
        assert_eq!(cost(cycle, serde_json::json!({})), u64::MAX);
    }

    #[test]
    fn depth_counts_nested_fields_through_fragments() {
        let depth = |q: &str| depth_of(&async_graphql::parser::parse_query(q).unwrap());
        assert_eq!(depth("{ a }"), 1);
        assert_eq!(depth("{ a { b { c } } d }"), 3);
        assert_eq!(depth("{ a { ... on T { b { c } } } }"), 3);
        assert_eq!(depth("query { a { ...F } } fragment F on T { b { c { d } } }"), 4);
        assert_eq!(depth("query { a { ...F } } fragment F on T { b { ...F } }"), usize::MAX, "a cycle never ends");
    }
}
