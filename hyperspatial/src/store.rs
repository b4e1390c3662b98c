//! Storage: a database is a directory of collections; a collection is a set of
//! shards; a shard is one manifold file with column families for entities,
//! properties (one encoded document record per entity, table `docs`), edges, named
//! vectors, positions, trajectories and system records (see `shard`).
//!
//! - [`Database`] opens the directory, keeps the in-memory type index (entity id ->
//!   collection, shard and type, a `DashMap`), the external-id map, the entity and
//!   property caches (LRU, with hit-rate counters) and the HNSW indexes.
//! - Writes go through [`WriteBatch`]: every change of a batch is buffered, checked
//!   (schemas, cascades, positions) and then written as one manifold transaction per
//!   touched shard. A batch that fails before that point writes nothing.
//! - Reads decode an entity's document record and add its vector fields from their
//!   vector tables; dotted paths (see `paths`) address fields inside a document
//!   (`profile.bio`) for single-property reads, wildcard path queries and placement.

mod batch_log;
mod batch_vectors;
mod batch_view;
mod cache;
mod codec;
mod collection;
mod columns;
mod commit;
mod config;
mod database;
mod edges;
mod endpoints;
pub(crate) mod fault;
mod feed;
mod hashing;
mod import_journal;
mod indexer;
mod isolation;
mod measures;
mod paths;
mod place_batch;
mod place_components;
mod place_graph;
mod placement;
mod position_settings;
mod publish;
mod read;
mod refiner;
mod relayout;
mod scan;
mod shard;
mod shard_write;
mod sindex;
mod trajectory;
mod vindex;
mod write;

pub use cache::CacheStats;
pub use codec::{CodecError, EntityMeta, decode_value, encode_value};
pub use collection::{AutoEmbed, CollectionConfig, VectorField, to_ball};
pub use config::Options;
pub use database::{Database, StoreStats};
pub use edges::StoredEdge;
pub use endpoints::EndpointRow;
pub use feed::{ChangeEvent, ChangeKind, Subscription};
pub(crate) use hashing::{FastMap, FastSet};
pub use measures::TimeSeriesConfig;
pub use paths::{MAX_DEPTH, PathError, flatten, matches as path_matches, unflatten};
pub use placement::Placement;
pub use position_settings::{DEFAULT_IGNORE, EffectivePositions, PositionSettings};
pub use refiner::AutoRefine;
pub use relayout::{RelayoutOptions, RelayoutPhase, RelayoutReport, relayout_options};
pub use scan::Scan;
pub use trajectory::TrajectorySnapshot;
pub use vindex::VectorMetric;
pub(crate) use vindex::position_lanes;
pub use write::{EdgeChange, WriteBatch, WriteSummary};

/// Reserved field names in records.
pub mod fields {
    /// The entity's UUID (text).
    pub const ID: &str = "id";
    /// The external id given at insert, if any.
    pub const KEY: &str = "_key";
    /// The entity type within the collection, if any.
    pub const TYPE: &str = "_type";
    /// The combined position: hyperboloid coordinates.
    pub const POSITION: &str = "position";
}

/// Errors of the store. Variants that come from another part of the system wrap
/// that part's error (see [`std::error::Error::source`]); the others are messages
/// about what the caller asked for.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The storage engine failed (I/O, corruption detected by manifold).
    #[error("storage: {0}")]
    Storage(#[from] manifold::Error),
    /// The graph tables failed.
    #[error("graph: {0}")]
    Graph(#[from] manifold_graph::GraphError),
    /// A vector table refused or failed.
    #[error("vectors: {0}")]
    Vector(#[from] manifold_vectors::VectorError),
    /// The time-series store failed.
    #[error("time series: {0}")]
    TimeSeries(#[from] manifold_timeseries::Error),
    /// An index refused or failed.
    #[error("index: {0}")]
    Index(#[from] crate::index::IndexError),
    /// A stored record holds something it may not (e.g. an edge type without name).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// The bytes of a stored record could not be decoded.
    #[error(transparent)]
    Codec(#[from] CodecError),
    /// A stored JSON record (collection config, schema) could not be read.
    #[error("corrupt data: {what}: {source}")]
    CorruptJson {
        /// Which record.
        what: String,
        /// Why it did not parse.
        #[source]
        source: serde_json::Error,
    },
    /// A record could not be encoded as JSON.
    #[error("cannot encode {what}: {source}")]
    Encode {
        /// Which record.
        what: &'static str,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// File-system trouble outside manifold (directories, listing).
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The request reading was cancelled or ran past its deadline.
    #[error(transparent)]
    Interrupted(#[from] hyperql::Interrupted),
    /// A bad collection, field or type name.
    #[error("invalid name `{name}`: {reason}")]
    InvalidName {
        /// The name.
        name: String,
        /// Why.
        reason: &'static str,
    },
    /// A bad document (values, vectors, paths).
    #[error("invalid document: {0}")]
    Invalid(String),
    /// A bad field name or nesting in a document.
    #[error("invalid document: {0}")]
    Path(#[from] PathError),
    /// No such collection.
    #[error("unknown collection `{0}`")]
    UnknownCollection(String),
    /// No such entity.
    #[error("not found: {0}")]
    NotFound(String),
    /// A write broke a rule that depends on what is stored (uniqueness of ids and
    /// external ids, declared vector fields).
    #[error("{0}")]
    Constraint(String),
    /// Creating one more collection would pass [`Options::max_collections`].
    #[error(
        "the database holds {limit} collections, the most it may (Options::max_collections; the command line's --max-collections)"
    )]
    TooManyCollections {
        /// The limit.
        limit: usize,
    },
    /// A batch over several shards was saved in the batch log but a shard failed
    /// to take it: the database refuses writes until it is reopened, which completes
    /// the batch from the log.
    #[error("the database must be reopened to complete a batch: {0}")]
    Broken(String),
    /// A concurrent batch committed a change to an entity this batch read; nothing
    /// of this batch was written, and running it again from a fresh read may
    /// succeed (see [`WriteBatch::commit`](crate::store::WriteBatch::commit)).
    #[error("{0}")]
    Conflict(String),
    /// A document does not fit its collection's schema.
    #[error("{0}")]
    Schema(#[from] crate::schema::SchemaViolation),
    /// A new or changed schema does not fit an entity already stored.
    #[error("{violation} (existing entity {entity})")]
    SchemaExisting {
        /// The stored entity's id.
        entity: String,
        /// What does not fit.
        #[source]
        violation: crate::schema::SchemaViolation,
    },
    /// Cascade rules were refused (a cycle, a bad rule) or could not be computed.
    #[error("{0}")]
    Cascade(#[from] crate::cascade::CascadeError),
    /// Computing positions failed.
    #[error("positioning: {0}")]
    Positioning(#[from] crate::positioning::PositioningError),
    /// Auto-embedding is configured but no embedder is registered.
    #[error("embedding: auto-embedding is configured but no embedder is registered")]
    NoEmbedder,
    /// Computing an embedding failed.
    #[error("embedding: {0}")]
    Embedding(#[from] tessera_bridge::EmbedError),
}

/// A new entity id: a UUIDv7 (time-ordered), so entities created one after another
/// have increasing ids and their records append to the end of every id-keyed table
/// (the cheapest B-tree insert) instead of landing at random pages.
pub(crate) fn new_entity_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// Checks a collection or field name: ASCII letters, digits, `_` and `-`, starting
/// with a letter or `_`, at most 64 bytes (collection names are directory names).
pub(crate) fn check_name(name: &str) -> Result<(), StoreError> {
    match name_problem(name, false) {
        Some(reason) => Err(StoreError::InvalidName {
            name: name.to_string(),
            reason,
        }),
        None => Ok(()),
    }
}

/// What is wrong with a name of 1 to 64 bytes of ASCII letters, digits, `_` and `-`
/// (and `.` if `dots`), starting with a letter or `_`; `None` when it is fine.
pub(crate) fn name_problem(name: &str, dots: bool) -> Option<&'static str> {
    if name.is_empty() || name.len() > 64 {
        return Some("must be 1 to 64 bytes");
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return Some("must start with a letter or `_`");
    }
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || (dots && c == '.');
    if !name.chars().all(ok) {
        return Some(if dots {
            "may hold only letters, digits, `_`, `-` and `.`"
        } else {
            "may hold only letters, digits, `_` and `-`"
        });
    }
    None
}

/// Whether `name` is a reserved top-level field of records.
pub fn is_reserved(name: &str) -> bool {
    matches!(
        name,
        fields::ID | fields::KEY | fields::TYPE | fields::POSITION
    )
}
