//! The single data file: directory, segments, and the per-family redb backend.

pub(crate) mod backend;
pub(crate) mod directory;
pub(crate) mod file;
pub mod io;
pub mod sim;
