//! Integration tests of `hyperspatial`: one binary, one module per area.

// Test helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cascade;
mod data;
mod geometry;
mod index;
mod positioning;
mod snapshot;
mod hql;
mod store;
mod features;
