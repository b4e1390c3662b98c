//! Transfer of entities in and out of a database: [`import`] and [`export`] of CSV,
//! JSON (an array of objects) and JSONL (one object per line).
//!
//! An import reads rows, turns each into an entity by a [`Mapping`] (which column is
//! the external id, the entity type, edges that reference other rows by external id,
//! vector columns) and writes them in batches. Edges are created after every entity
//! was written, so a row may reference rows after it, or entities already stored.
//!
//! Bad rows never fail silently: each rejected row is reported with its number and
//! the reason. By default ([`ImportOptions::keep_going`] off) the first rejected row
//! fails the import, and the import then deletes every entity it had inserted (their
//! edges go with them), so a failed import leaves the database as it found it. With
//! `keep_going`, rejected rows are skipped and reported, and the rest is kept. A
//! batch that the database refuses (a schema violation, a bad vector) is split in
//! halves until the refused rows are found, so one bad row never costs its batch.
//! Rows of time-series collections are appended and cannot be taken back: a failed
//! import into a time series keeps the batches written before the failure.
//!
//! [`export`] writes a collection in the same formats: `id` holds the external id
//! (or the UUID when there is none), `_type` the entity type, `_edges` the outgoing
//! edges by label, so exporting and importing again rebuilds the same entities and
//! edges (positions are computed again).

mod convert;
mod export;
mod format;
mod import;
mod mapping;

pub use export::{ExportError, export};
pub use format::Format;
pub use import::{ImportError, ImportOptions, ImportSummary, Progress, Rejection, import};
pub use mapping::{EdgeMapping, Mapping, MappingError};
