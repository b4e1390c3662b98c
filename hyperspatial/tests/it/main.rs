//! Integration tests of `hyperspatial`: one binary, one module per area.

mod data;
mod geometry;
mod index;
mod snapshot;
