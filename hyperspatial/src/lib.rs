//! hyperspatial: a database that places entities in hyperbolic space.
//!
//! - [`Database`]: a directory of collections; each collection is one or more
//!   manifold files (shards) with column families for entities, properties (one
//!   encoded document record per entity, table `docs`, vector fields left out),
//!   edges (manifold-graph), named vectors (manifold-vectors), positions,
//!   trajectories and time series (manifold-timeseries). Writes go through a
//!   [`WriteBatch`]: checked against declared schemas, cascaded fields propagated,
//!   entities placed in hyperbolic space, then committed per shard. An in-memory type
//!   index, LRU entity and property caches, secondary indexes on `INDEXED` fields, a
//!   change feed.
//! - [`positioning`]: every entity's place in hyperbolic space (graph, embedding and
//!   property components, weighted), incremental placement and full re-layout,
//!   trajectories; the reconstruction metric (mean rank, MAP); a reader of WordNet's
//!   noun hierarchy ([`positioning::wordnet`]).
//! - [`cascade`]: schema-declared aggregate fields kept up to date on every write.
//! - HyperQL (module `datasource`): `impl hyperql::DataSource for Database` (k-NN on
//!   HNSW, `NEAR` on the position index, `TRAVERSE` on the graph tables, time ranges
//!   on time series, transactional writes) plus the functions [`HyperbolicDistance`],
//!   [`CombinedDistance`] and [`Embed`].
//! - [`geometry`](crate::Hyperboloid): the hyperboloid model in f64 (distances,
//!   exp/log maps, parallel transport, Frechet mean), conversions to the Poincare
//!   ball and the Klein disk, and f32 distances on manifold-vectors' SIMD kernels.
//! - [`streams`]: ephemeral coordination, not storage: named in-memory streams of
//!   JSON messages with producers (the change feed, ticks, publishers), filtered
//!   routes, subscribers, processors and database writers, bounded queues with a
//!   stated slow-consumer policy.
//! - [`transfer`]: import of CSV, JSON and JSONL rows by a mapping (ids, types, edges
//!   by external id, vectors), with refused rows reported and failed imports taken
//!   back; export in the same shapes.
//! - [`ChangeFilter`]: which change events a `SUBSCRIBE collection [WHERE ..]` wants.
//! - Not here: the HTTP / WebSocket server (crate `hyperspatial-server`) and the
//!   `hyperspatial` binary (crate `hyperspatial-cli`); this crate links no server
//!   or terminal crate.
//! - [`demo`]: a demo data set generated from a fixed seed (topics, authors, papers
//!   with embeddings and citations, a time series), its loader and showcase queries.
//! - [`Hnsw`]: an HNSW index generic over a [`Metric`] (L2, cosine, dot, Lorentz,
//!   Poincare), configured by [`HnswParams`], with parallel builds, concurrent inserts
//!   and searches, deletes, filtered search, optional i8 quantization and rkyv
//!   snapshots.
//!
//! ```
//! use hyperql::{Engine, Params, Value};
//! # let dir = tempfile::tempdir().unwrap();
//! let db = hyperspatial::Database::open(dir.path())?;
//! let engine = Engine::new(db.clone());
//! engine.query("INSERT INTO users (id, name) VALUES ('ada', 'Ada'), ('bob', 'Bob')", &Params::new())?;
//! engine.query("RELATE 'ada' -[:knows]-> 'bob'", &Params::new())?;
//! let r = engine.query(
//!     "SELECT f.name FROM users TRAVERSE (u)-[:knows]->(f) WHERE u._key = 'ada'",
//!     &Params::new(),
//! )?;
//! assert_eq!(r.rows, vec![vec![Value::str("Bob")]]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What it is not (yet): a distributed database.

pub mod cascade;
mod change_filter;
mod compiled_schema;
mod datasource;
pub mod demo;
mod geometry;
mod index;
mod kernels;
pub mod positioning;
mod rng;
mod schema;
mod store;
pub mod streams;
pub mod transfer;

pub use change_filter::{ChangeFilter, ChangeFilterError};
pub use compiled_schema::{CompiledSchemaError, compiled_schemas};
pub use datasource::{CombinedDistance, Embed, HyperbolicDistance};
pub use geometry::{
    GeometryError, Hyperboloid, hyperboloid_to_klein, hyperboloid_to_poincare,
    klein_to_hyperboloid, lorentz_distance_f32, minkowski_dot, poincare_distance,
    poincare_distance_f32, poincare_to_hyperboloid,
};
pub use index::{
    Cosine, Dot, Hnsw, HnswParams, IndexError, L2, Lorentz, Metric, MetricKind, Neighbour,
    Poincare, Poincare64, SNAPSHOT_TABLE,
};
pub use kernels::{dot as dot_f32, l2sq as l2sq_f32, minkowski_dot as minkowski_dot_f32};
pub use schema::{SchemaViolation, type_accepts, validate as validate_document};
pub use store::{
    AutoEmbed, AutoRefine, CacheStats, ChangeEvent, ChangeKind, CodecError, CollectionConfig,
    DEFAULT_IGNORE, Database, EdgeChange, EffectivePositions, EntityMeta, MAX_DEPTH, Options,
    PathError, Placement, PositionSettings, RelayoutOptions, RelayoutPhase, RelayoutReport, Scan,
    StoreError, StoreStats, StoredEdge, Subscription, TimeSeriesConfig, TrajectorySnapshot,
    VectorField, VectorMetric, WriteBatch, WriteSummary, decode_value, encode_value, fields,
    flatten, is_reserved, path_matches, relayout_options, to_ball, unflatten,
};
