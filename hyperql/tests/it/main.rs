//! The integration tests of hyperql, one binary.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cases;
mod ddl;
mod docs;
mod engine;
mod fixture;
mod limits;
mod metrics;
mod optimizer;
mod parse_errors;
mod roundtrip;
mod window;
