//! Answers shaped as the GraphQL specification shapes them.
//!
//! The executor in use (async-graphql 7.2) leaves the key of a field whose
//! resolver failed out of `data`, writes the keys of sibling fields in the
//! order their resolvers finish, and reports an argument error of a nested
//! field without its `path`. Clients that follow the specification (Apollo's
//! `errorPolicy: "all"`, urql's graphcache) then read fields that are not
//! there. [`Shapes::complete`] walks the answer beside the document once,
//! after execution, and puts it right (spec §6.3.2 CollectFields, §6.4.4
//! Handling Field Errors):
//! - keys come in the order of the selection set, fragments merged in place;
//! - a field that failed is present and null; when its type is non-null its
//!   parent is null instead, and so on up to the nearest nullable field, or
//!   `data` itself;
//! - an error a field raised without a path gets that field's path.
//!
//! Fragments on interfaces need to know which object each value is, so
//! [`Shapes::mark`] adds a hidden `__typename` under [`TYPE_KEY`] to every
//! selection set of an abstract type before execution; completion reads it
//! and removes it. The walk follows the document, whose nesting is bounded
//! before parsing (`protect::nesting`), so it recurses a bounded number of
//! times.

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, OperationType, Selection, SelectionSet, ServiceDocument,
    Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Pos, Positioned, Response, Value, Variables};
use std::collections::{HashMap, HashSet};

/// The response key of the hidden `__typename` on abstract selection sets.
pub const TYPE_KEY: &str = "__kb_type";

mod walk;
use walk::{selected, Walk};

/// The introspection types (spec §4.2), which the printed SDL leaves out:
/// only their fields' types matter here.
const INTROSPECTION_SDL: &str = "
type __Schema { description: String types: [__Type!]! queryType: __Type! mutationType: __Type
  subscriptionType: __Type directives: [__Directive!]! }
type __Type { kind: __TypeKind! name: String description: String specifiedByURL: String fields: [__Field!]
  interfaces: [__Type!] possibleTypes: [__Type!] enumValues: [__EnumValue!] inputFields: [__InputValue!]
  ofType: __Type isOneOf: Boolean }
type __Field { name: String! description: String args: [__InputValue!]! type: __Type! isDeprecated: Boolean!
  deprecationReason: String }
type __InputValue { name: String! description: String type: __Type! defaultValue: String isDeprecated: Boolean
  deprecationReason: String }
type __EnumValue { name: String! description: String isDeprecated: Boolean! deprecationReason: String }
type __Directive { name: String! description: String locations: [__DirectiveLocation!]! args: [__InputValue!]!
  isRepeatable: Boolean! }
enum __TypeKind { SCALAR }
enum __DirectiveLocation { QUERY }
";

#[derive(Debug, Default)]
struct Shape {
    composite: bool,
    is_abstract: bool,
    fields: HashMap<String, Type>,
    /// For an interface or union: the object types it may be.
    possible: HashSet<String>,
}

/// What completion needs of the schema: each type's fields and their types,
/// and which objects each interface or union may be.
#[derive(Debug, Default)]
pub struct Shapes {
    types: HashMap<String, Shape>,
    roots: [String; 3],
    typename: Option<Type>,
    schema_field: Option<Type>,
    type_field: Option<Type>,
}

impl Shapes {
    /// Reads the shapes from the schema's SDL (with the introspection types).
    pub fn from_sdl(sdl: &str) -> Shapes {
        let mut shapes = Shapes {
            roots: ["Query".into(), "Mutation".into(), "Subscription".into()],
            typename: Type::new("String!"),
            schema_field: Type::new("__Schema!"),
            type_field: Type::new("__Type"),
            ..Default::default()
        };
        for text in [sdl, INTROSPECTION_SDL] {
            match async_graphql::parser::parse_schema(text) {
                Ok(doc) => shapes.read(&doc),
                Err(e) => tracing::error!(error = %e, "the schema's SDL does not parse; answers are not reshaped"),
            }
        }
        shapes
    }

    fn read(&mut self, doc: &ServiceDocument) {
        let mut implementers: Vec<(String, String)> = Vec::new();
        for definition in &doc.definitions {
            match definition {
                TypeSystemDefinition::Schema(s) => {
                    let s = &s.node;
                    for (slot, name) in [(0, &s.query), (1, &s.mutation), (2, &s.subscription)] {
                        if let Some(name) = name {
                            self.roots[slot] = name.node.to_string();
                        }
                    }
                }
                TypeSystemDefinition::Type(t) => {
                    let t = &t.node;
                    let name = t.name.node.to_string();
                    let mut shape = Shape::default();
                    match &t.kind {
                        TypeKind::Object(o) => {
                            shape.composite = true;
                            shape.fields = o
                                .fields
                                .iter()
                                .map(|f| (f.node.name.node.to_string(), f.node.ty.node.clone()))
                                .collect();
                            implementers.extend(o.implements.iter().map(|i| (i.node.to_string(), name.clone())));
                        }
                        TypeKind::Interface(i) => {
                            shape.composite = true;
                            shape.is_abstract = true;
                            shape.fields = i
                                .fields
                                .iter()
                                .map(|f| (f.node.name.node.to_string(), f.node.ty.node.clone()))
                                .collect();
                        }
                        TypeKind::Union(u) => {
                            shape.composite = true;
                            shape.is_abstract = true;
                            shape.possible = u.members.iter().map(|m| m.node.to_string()).collect();
                        }
                        _ => {}
                    }
                    self.types.insert(name, shape);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        for (interface, object) in implementers {
            self.types.entry(interface).or_default().possible.insert(object);
        }
    }

    /// Every interface and union with the object types it may be, sorted:
    /// what Apollo Client's and urql's caches call `possibleTypes`.
    pub fn possible_types(&self) -> std::collections::BTreeMap<String, Vec<String>> {
        self.types
            .iter()
            .filter(|(name, shape)| shape.is_abstract && !name.starts_with("__"))
            .map(|(name, shape)| {
                let mut objects: Vec<String> = shape.possible.iter().cloned().collect();
                objects.sort();
                (name.clone(), objects)
            })
            .collect()
    }

    fn root(&self, ty: OperationType) -> &str {
        match ty {
            OperationType::Query => &self.roots[0],
            OperationType::Mutation => &self.roots[1],
            OperationType::Subscription => &self.roots[2],
        }
    }

    fn is_abstract(&self, ty: &str) -> bool {
        self.types.get(ty).is_some_and(|s| s.is_abstract)
    }

    fn is_composite(&self, ty: &str) -> bool {
        self.types.get(ty).is_some_and(|s| s.composite)
    }

    /// The schema's own copy of a type name.
    fn intern(&self, name: &str) -> Option<&str> {
        self.types.get_key_value(name).map(|(name, _)| name.as_str())
    }

    fn field_type(&self, parent: &str, field: &str) -> Option<&Type> {
        match field {
            "__typename" => self.typename.as_ref(),
            "__schema" if parent == self.roots[0] => self.schema_field.as_ref(),
            "__type" if parent == self.roots[0] => self.type_field.as_ref(),
            _ => self.types.get(parent)?.fields.get(field),
        }
    }

    /// Whether a fragment on `condition` applies to an object of type
    /// `object` (an abstract `object` means the object is not known: then
    /// every fragment applies).
    fn applies(&self, condition: &str, object: &str) -> bool {
        condition == object
            || self.is_abstract(object)
            || self.types.get(condition).is_some_and(|s| s.possible.contains(object))
    }

    /// Adds the hidden `__typename` to each selection set of an abstract
    /// type, so completion knows which fragments apply to each value.
    pub fn mark(&self, doc: &mut ExecutableDocument) {
        match &mut doc.operations {
            DocumentOperations::Single(op) => {
                let root = self.root(op.node.ty).to_owned();
                self.mark_set(&mut op.node.selection_set.node, &root);
            }
            DocumentOperations::Multiple(ops) => {
                for op in ops.values_mut() {
                    let root = self.root(op.node.ty).to_owned();
                    self.mark_set(&mut op.node.selection_set.node, &root);
                }
            }
        }
        for fragment in doc.fragments.values_mut() {
            let on = fragment.node.type_condition.node.on.node.to_string();
            self.mark_set(&mut fragment.node.selection_set.node, &on);
        }
    }

    fn mark_set(&self, set: &mut SelectionSet, parent: &str) {
        for item in &mut set.items {
            match &mut item.node {
                Selection::Field(field) => {
                    let Some(ty) = self.field_type(parent, &field.node.name.node) else { continue };
                    let named = named_type(ty).to_owned();
                    let inner = &mut field.node.selection_set;
                    if inner.node.items.is_empty() {
                        continue;
                    }
                    if self.is_abstract(&named) && !has_type_key(&inner.node) {
                        inner.node.items.push(hidden_typename(inner.pos));
                    }
                    self.mark_set(&mut inner.node, &named);
                }
                Selection::InlineFragment(fragment) => {
                    let on = fragment.node.type_condition.as_ref().map(|c| c.node.on.node.to_string());
                    self.mark_set(&mut fragment.node.selection_set.node, on.as_deref().unwrap_or(parent));
                }
                Selection::FragmentSpread(_) => {}
            }
        }
    }

    /// Shapes an executed answer to the document as the specification says
    /// (call it only on an answer that got as far as execution: see
    /// [`executed`]).
    pub fn complete(
        &self,
        response: &mut Response,
        doc: &ExecutableDocument,
        operation: Option<&str>,
        variables: &Variables,
    ) {
        let Some(op) = selected(doc, operation) else { return };
        let mut map = match std::mem::take(&mut response.data) {
            Value::Object(map) => map,
            Value::Null => Default::default(),
            other => {
                response.data = other;
                return;
            }
        };
        let root = self.types.get_key_value(self.root(op.ty)).map_or("", |(name, _)| name.as_str());
        let mut walk = Walk::new(self, doc, op, variables, &mut response.errors);
        let sets = [&op.selection_set.node];
        let whole = walk.object(&sets, root, &mut map);
        response.data = if whole { Value::Object(map) } else { Value::Null };
    }
}

/// Whether the request got as far as execution. Every operation's root is
/// declared `no_cache`, and only an executed answer carries its cache hint;
/// one refused in parsing or validation has the default.
pub fn executed(response: &Response) -> bool {
    response.cache_control.max_age == -1
}

fn named_type(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named_type(inner),
    }
}

fn has_type_key(set: &SelectionSet) -> bool {
    set.items.iter().any(|i| matches!(&i.node, Selection::Field(f) if f.node.response_key().node == TYPE_KEY))
}

fn hidden_typename(pos: Pos) -> Positioned<Selection> {
    let field = Field {
        alias: Some(Positioned::new(Name::new(TYPE_KEY), pos)),
        name: Positioned::new(Name::new("__typename"), pos),
        arguments: Vec::new(),
        directives: Vec::new(),
        selection_set: Positioned::new(SelectionSet::default(), pos),
    };
    Positioned::new(Selection::Field(Positioned::new(field, pos)), pos)
}
