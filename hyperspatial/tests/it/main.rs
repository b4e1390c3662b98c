//! Integration tests of `hyperspatial`: one binary, one module per area.

// Test helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cascade;
mod change_feed;
mod columns;
mod compiled_schema;
mod config_writes;
mod damage;
mod data;
mod ddl;
mod demo;
mod embedding;
mod endpoints;
mod farout;
mod geometry;
mod hql;
mod hql_compound;
mod import;
mod index;
mod interrupt;
mod isolation;
mod placement;
mod position_settings;
mod positioning;
mod power_loss;
mod relayout;
mod scan;
mod schema_change;
mod secondary_index;
mod snapshot;
mod store;
mod streams;
mod trajectory;

/// Runs `text` on `e`; a failing query fails the test with the query and the error.
pub fn q(e: &hyperql::Engine<hyperspatial::Database>, text: &str) -> hyperql::QueryResult {
    e.query(text, &hyperql::Params::new())
        .unwrap_or_else(|err| panic!("{text}: {err}"))
}
