//! The IBM GraphQL Cost Directives, declared in the served schema so that
//! clients and tools can estimate a query's cost themselves, and the cost
//! calculator reads the same declarations.

#![allow(non_snake_case)]

use async_graphql::TypeDirective;

/// The cost of resolving a field, where it differs from the default (1 for
/// a field of object type, 0 for a scalar).
#[TypeDirective(location = "FieldDefinition")]
pub fn cost(weight: String) {}

/// How many items a list field holds: its `slicingArguments` (the
/// request's `first`), else `assumedSize`; `sizedFields` names the list
/// below a connection that the size applies to.
#[TypeDirective(location = "FieldDefinition")]
pub fn listSize(
    assumedSize: Option<i32>,
    slicingArguments: Option<Vec<String>>,
    sizedFields: Option<Vec<String>>,
    requireOneSlicingArgument: Option<bool>,
) {
}
