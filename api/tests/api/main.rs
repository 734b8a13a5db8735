//! The API's integration tests, one binary: each module starts the real
//! server (or binary) over a fresh database through `testkit`.

mod at_scale;
mod clients;
mod cost;
mod curation;
mod db_faults;
mod decision_rule;
mod export;
mod fuzz;
mod graphql;
mod hostile;
mod http;
mod isolation;
mod live;
mod ops;
mod parsers;
mod record_time;
mod schema;
mod sql_count;
