//! Integration tests of tessera-bridge. The model tests need the all-MiniLM-L6-v2 files
//! that `scripts/setup` installs; without them they fail and say so.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

#[cfg(feature = "model")]
mod sentence;
mod trait_objects;
