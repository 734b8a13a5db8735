//! The walk over one answer beside its document: CollectFields for each
//! object, keys put in order, failed fields nulled and nulls propagated,
//! errors given their paths.

use super::{Shapes, TYPE_KEY};
use async_graphql::parser::types::{
    BaseType, Directive, DocumentOperations, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet,
    Type,
};
use async_graphql::{Name, PathSegment, Pos, Positioned, ServerError, Value, Variables};
use async_graphql_value::ConstValue;
use std::collections::HashMap;
use std::rc::Rc;

/// Whether a position is a field's own or one of its arguments'.
fn at(field: &Positioned<Field>, pos: &Pos) -> bool {
    field.pos == *pos || field.node.arguments.iter().any(|(name, value)| name.pos == *pos || value.pos == *pos)
}

/// The operation a request runs: the named one, or the only one.
pub(super) fn selected<'a>(doc: &'a ExecutableDocument, operation: Option<&str>) -> Option<&'a OperationDefinition> {
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
pub(super) struct Walk<'a, 'e> {
    shapes: &'a Shapes,
    doc: &'a ExecutableDocument,
    op: &'a OperationDefinition,
    variables: &'a Variables,
    errors: &'e mut Vec<ServerError>,
    collected: HashMap<GroupsKey, Rc<Vec<Group<'a>>>>,
    path: Vec<Step>,
}

impl<'a, 'e> Walk<'a, 'e> {
    pub(super) fn new(
        shapes: &'a Shapes,
        doc: &'a ExecutableDocument,
        op: &'a OperationDefinition,
        variables: &'a Variables,
        errors: &'e mut Vec<ServerError>,
    ) -> Self {
        Walk { shapes, doc, op, variables, errors, collected: HashMap::new(), path: Vec::new() }
    }
}

/// Fragments spread inside fragments deeper than this are not followed
/// (validation refuses cycles; this bounds the walk regardless).
const MAX_SPREADS: usize = 64;

impl<'a> Walk<'a, '_> {
    /// Completes an object in place; `false` when it must be null instead.
    /// The usual answer already has every key in order: then nothing moves.
    pub(super) fn object(
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
