//! The demo data set bundled in the binary, and the showcase queries that run on it.
//!
//! A small bibliography generated from a fixed seed (no files, no network): a topic
//! hierarchy (`topics`: a root, 8 areas, 32 subtopics, linked by `subtopic` edges),
//! `authors` and `papers` (titles and abstracts made of each subtopic's keywords, a
//! 384-d embedding of each paper's text from the hashing embedder, `about`,
//! `authored` and `cites` edges), cascaded fields of authors (their papers and the
//! citations of those), and a time series `traffic` of daily views and downloads
//! per subtopic over 2024. [`load`] writes it; [`SHOWCASE`] lists the queries
//! `hyperspatial demo` runs.

mod generate;
mod load;
mod showcase;
mod words;

pub use generate::{Author, DemoSet, Paper, Topic, ViewRow, generate};
pub use load::{COLLECTIONS, EMBEDDER, LoadReport, State, load, state};
pub use showcase::{SHOWCASE, Showcase};

/// Loading the demo set failed.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] crate::StoreError),
    /// A statement of the loader failed.
    #[error("{statement}: {source}")]
    Query {
        /// The statement.
        statement: &'static str,
        /// Why it failed.
        #[source]
        source: hyperql::Error,
    },
    /// Embedding the papers failed.
    #[error("embedding the papers: {0}")]
    Embedding(#[from] tessera_bridge::EmbedError),
    /// The database holds other data where the demo set goes.
    #[error("{0}")]
    Conflict(String),
}
