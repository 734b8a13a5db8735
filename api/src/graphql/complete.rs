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
    BaseType, Directive, DocumentOperations, ExecutableDocument, Field, OperationDefinition, OperationType, Selection,
    SelectionSet, ServiceDocument, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, PathSegment, Pos, Positioned, Response, ServerError, Value, Variables};
use async_graphql_value::ConstValue;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// The response key of the hidden `__typename` on abstract selection sets.
pub const TYPE_KEY: &str = "__kb_type";

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
        let mut walk = Walk {
            shapes: self,
            doc,
            op,
            variables,
            errors: &mut response.errors,
            collected: HashMap::new(),
            path: Vec::new(),
        };
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

/// Whether a position is a field's own or one of its arguments'.
fn at(field: &Positioned<Field>, pos: &Pos) -> bool {
    field.pos == *pos || field.node.arguments.iter().any(|(name, value)| name.pos == *pos || value.pos == *pos)
}

/// The operation a request runs: the named one, or the only one.
fn selected<'a>(doc: &'a ExecutableDocument, operation: Option<&str>) -> Option<&'a OperationDefinition> {
    match (&doc.operations, operation) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next().map(|op| &op.node),
        _ => None,
    }
}

/// The fields of one response key, merged from every place that selects
/// it, with their selection sets and the field's type on the object.
struct Group<'a> {
    key: Name,
    fields: Vec<&'a Positioned<Field>>,
    sets: Vec<&'a SelectionSet>,
    ty: Option<&'a Type>,
}

/// A step of the path to the value being completed.
enum Step {
    Key(Name),
    Index(usize),
}

impl Step {
    fn is(&self, segment: &PathSegment) -> bool {
        match (self, segment) {
            (Step::Key(k), PathSegment::Field(f)) => k.as_str() == f,
            (Step::Index(i), PathSegment::Index(j)) => i == j,
            _ => false,
        }
    }
}

/// Collected fields, by the selection sets (first, last, how many) and the
/// object type (the schema's copy of its name): a list's items share them.
type GroupsKey = (usize, usize, usize, usize);

/// One walk over one answer, changing it in place.
struct Walk<'a, 'e> {
    shapes: &'a Shapes,
    doc: &'a ExecutableDocument,
    op: &'a OperationDefinition,
    variables: &'a Variables,
    errors: &'e mut Vec<ServerError>,
    collected: HashMap<GroupsKey, Rc<Vec<Group<'a>>>>,
    path: Vec<Step>,
}

/// Fragments spread inside fragments deeper than this are not followed
/// (validation refuses cycles; this bounds the walk regardless).
const MAX_SPREADS: usize = 64;

impl<'a> Walk<'a, '_> {
    /// Completes an object in place; `false` when it must be null instead.
    /// The usual answer already has every key in order: then nothing moves.
    fn object(
        &mut self,
        sets: &[&'a SelectionSet],
        ty: &'a str,
        map: &mut async_graphql::indexmap::IndexMap<Name, Value>,
    ) -> bool {
        let mut object = ty;
        if self.shapes.is_abstract(ty) {
            if let Some(Value::String(name)) = map.get(TYPE_KEY) {
                object = self.shapes.intern(name).unwrap_or(ty);
            }
            map.shift_remove(TYPE_KEY);
        }
        let groups = self.collect(sets, object);
        let in_order = map.len() == groups.len() && map.keys().zip(groups.iter()).all(|(k, g)| *k == g.key);
        if !in_order {
            let mut out = async_graphql::indexmap::IndexMap::with_capacity(groups.len());
            for group in groups.iter() {
                let value = match map.swap_remove(&group.key) {
                    Some(value) => value,
                    None => {
                        self.path.push(Step::Key(group.key.clone()));
                        self.place_errors(&group.fields);
                        self.path.pop();
                        Value::Null
                    }
                };
                out.insert(group.key.clone(), value);
            }
            *map = out;
        }
        // A non-null field that is null nulls this object; the rest are
        // still walked, so that their errors get their paths.
        let mut whole = true;
        for (group, (_, value)) in groups.iter().zip(map.iter_mut()) {
            let Some(ty) = group.ty else { continue };
            self.path.push(Step::Key(group.key.clone()));
            self.value(ty, group, value);
            self.path.pop();
            if *value == Value::Null && !ty.nullable {
                whole = false;
            }
        }
        whole
    }

    /// Completes a value of type `ty` in place (null when it must be).
    fn value(&mut self, ty: &'a Type, group: &Group<'a>, value: &mut Value) {
        match &ty.base {
            BaseType::List(inner) => {
                if let Value::List(items) = value {
                    for (index, item) in items.iter_mut().enumerate() {
                        self.path.push(Step::Index(index));
                        self.value(inner, group, item);
                        self.path.pop();
                        if *item == Value::Null && !inner.nullable {
                            *value = Value::Null;
                            return;
                        }
                    }
                }
            }
            BaseType::Named(name) if self.shapes.is_composite(name) => {
                // The executor answers an object all of whose fields failed
                // with null; where errors lie below, it was an object after all.
                if *value == Value::Null && self.failed_below(&group.fields) {
                    *value = Value::Object(Default::default());
                }
                if let Value::Object(map) = value {
                    let name = self.shapes.intern(name).unwrap_or("");
                    if !self.object(&group.sets, name, map) {
                        *value = Value::Null;
                    }
                }
            }
            BaseType::Named(_) => {}
        }
    }

    fn path_segments(&self) -> Vec<PathSegment> {
        self.path
            .iter()
            .map(|s| match s {
                Step::Key(k) => PathSegment::Field(k.to_string()),
                Step::Index(i) => PathSegment::Index(*i),
            })
            .collect()
    }

    /// Gives errors raised without a path at one of these fields (or at
    /// one of their arguments) the field's path: one error per field, as
    /// each of a list's items raises its own.
    fn place_errors(&mut self, fields: &[&'a Positioned<Field>]) {
        for field in fields {
            let found =
                self.errors.iter().position(|e| e.path.is_empty() && e.locations.first().is_some_and(|p| at(field, p)));
            if let Some(index) = found {
                self.errors[index].path = self.path_segments();
            }
        }
    }

    /// Whether an error lies below these fields: one whose path runs
    /// through the current path, or one without a path at a field selected
    /// below.
    fn failed_below(&self, fields: &[&'a Positioned<Field>]) -> bool {
        let depth = self.path.len();
        let through = self
            .errors
            .iter()
            .any(|e| e.path.len() > depth && self.path.iter().zip(&e.path).all(|(step, segment)| step.is(segment)));
        through || {
            let pathless: Vec<Pos> =
                self.errors.iter().filter(|e| e.path.is_empty()).filter_map(|e| e.locations.first().copied()).collect();
            !pathless.is_empty() && fields.iter().any(|f| self.selects_at(&f.node.selection_set.node, &pathless, 0))
        }
    }

    /// Whether a selection set selects a field (or argument) at one of these
    /// positions, through fragments too.
    fn selects_at(&self, set: &SelectionSet, positions: &[Pos], spreads: usize) -> bool {
        set.items.iter().any(|item| match &item.node {
            Selection::Field(f) => {
                positions.iter().any(|p| at(f, p)) || self.selects_at(&f.node.selection_set.node, positions, spreads)
            }
            Selection::InlineFragment(i) => self.selects_at(&i.node.selection_set.node, positions, spreads),
            Selection::FragmentSpread(s) => {
                spreads < MAX_SPREADS
                    && self
                        .doc
                        .fragments
                        .get(&s.node.fragment_name.node)
                        .is_some_and(|f| self.selects_at(&f.node.selection_set.node, positions, spreads + 1))
            }
        })
    }

    fn collect(&mut self, sets: &[&'a SelectionSet], object: &'a str) -> Rc<Vec<Group<'a>>> {
        let ptr = |s: &&SelectionSet| *s as *const SelectionSet as usize;
        let key = (sets.first().map_or(0, ptr), sets.last().map_or(0, ptr), sets.len(), object.as_ptr() as usize);
        if let Some(found) = self.collected.get(&key) {
            return found.clone();
        }
        let mut fields: Vec<(Name, Vec<&'a Positioned<Field>>)> = Vec::new();
        let mut visited: Vec<&'a str> = Vec::new();
        for set in sets {
            self.gather(set, object, &mut fields, &mut visited, 0);
        }
        let groups: Vec<Group<'a>> = fields
            .into_iter()
            .filter(|(key, _)| key.as_str() != TYPE_KEY)
            .map(|(key, fields)| {
                let name = fields[0].node.name.node.as_str();
                let ty = self.shapes.field_type(object, name);
                let sets = fields.iter().map(|f| &f.node.selection_set.node).collect();
                Group { key, fields, sets, ty }
            })
            .collect();
        let groups = Rc::new(groups);
        self.collected.insert(key, groups.clone());
        groups
    }

    fn gather(
        &self,
        set: &'a SelectionSet,
        object: &str,
        groups: &mut Vec<(Name, Vec<&'a Positioned<Field>>)>,
        visited: &mut Vec<&'a str>,
        spreads: usize,
    ) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    if !self.included(&field.node.directives) {
                        continue;
                    }
                    let key = &field.node.response_key().node;
                    match groups.iter_mut().find(|(k, _)| k == key) {
                        Some((_, fields)) => fields.push(field),
                        None => groups.push((key.clone(), vec![field])),
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let applies = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .is_none_or(|c| self.shapes.applies(&c.node.on.node, object));
                    if applies && self.included(&fragment.node.directives) {
                        self.gather(&fragment.node.selection_set.node, object, groups, visited, spreads);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if spreads >= MAX_SPREADS || visited.contains(&name) || !self.included(&spread.node.directives) {
                        continue;
                    }
                    visited.push(name);
                    let Some(fragment) = self.doc.fragments.get(name) else { continue };
                    if self.shapes.applies(&fragment.node.type_condition.node.on.node, object) {
                        self.gather(&fragment.node.selection_set.node, object, groups, visited, spreads + 1);
                    }
                }
            }
        }
    }

    /// `@skip(if:)` and `@include(if:)`, with the request's variables.
    fn included(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().all(|d| {
            let flag = || d.node.get_argument("if").and_then(|v| self.boolean(&v.node));
            match d.node.name.node.as_str() {
                "skip" => flag() != Some(true),
                "include" => flag() != Some(false),
                _ => true,
            }
        })
    }

    fn boolean(&self, value: &async_graphql_value::Value) -> Option<bool> {
        match value {
            async_graphql_value::Value::Boolean(b) => Some(*b),
            async_graphql_value::Value::Variable(name) => {
                let given = self.variables.get(name).cloned();
                let default = || {
                    self.op
                        .variable_definitions
                        .iter()
                        .find(|v| v.node.name.node == *name)
                        .and_then(|v| v.node.default_value.as_ref().map(|d| d.node.clone()))
                };
                match given.or_else(default) {
                    Some(ConstValue::Boolean(b)) => Some(b),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}
