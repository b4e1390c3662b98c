//! The integration tests of hyperql, one binary.
#![allow(missing_docs)]

mod docs;
mod parse_errors;
mod roundtrip;
