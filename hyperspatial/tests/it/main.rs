//! Integration tests of `hyperspatial`: one binary, one module per area.

// Test helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cascade;
mod data;
mod demo;
mod features;
mod geometry;
mod hql;
mod import;
mod index;
mod positioning;
mod snapshot;
mod store;
mod streams;
