//! A property graph on [manifold](manifold): vertices and typed, weighted edges in
//! byte-ordered tables, with traversals that read adjacency straight from storage.
//!
//! - Vertex table: id -> type label and an optional small payload ([`Vertex`]).
//! - Edge tables: forward `(src, type, dst)` and reverse `(dst, type, src)`, 36-byte
//!   fixed-width keys with edge type names interned to u32 ([`EdgeTypeId`]); the value
//!   is an active flag, an f32 weight and a creation time ([`EdgeProps`]). The edges of
//!   one vertex (of one type) are one contiguous key range in either direction.
//! - Writes ([`Graph::write`], [`GraphWriter`]): add, update, soft-delete (inactive)
//!   and hard-delete edges, in batches as one transaction.
//! - Reads ([`GraphReader`]): outgoing and incoming edges by type or for all types,
//!   degree, k-hop BFS with direction, type filter and depth range, Dijkstra shortest
//!   paths; whole-graph connected components and PageRank on an in-memory
//!   [`Snapshot`].
//!
//! What it is not: a query language (see `hyperql`), a distributed graph, or a store
//! for large vertex properties (payloads are capped at [`MAX_PAYLOAD`] bytes). Edges
//! do not require vertex records.
//!
//! ```
//! use manifold_graph::{Bfs, Direction, Graph, TypeFilter};
//! use uuid::Uuid;
//! # let dir = tempfile::tempdir().unwrap();
//! let db = manifold::Database::open(dir.path().join("g.manifold"))?;
//! let g = Graph::open(&db.column_family_or_create("social")?, "people")?;
//! let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
//! g.add_edges([(a, "follows", b, 1.0), (b, "follows", c, 1.0)])?;
//! let r = g.reader()?;
//! assert_eq!(r.neighbors(a, Direction::Outgoing, &TypeFilter::All)?, vec![b]);
//! assert_eq!(r.bfs(a, &Bfs::hops(2))?.len(), 2);
//! # Ok::<(), manifold_graph::GraphError>(())
//! ```

mod analytics;
mod codec;
mod error;
mod graph;
mod read;
mod traverse;
mod types;
mod write;

pub use analytics::{Components, PageRank, Snapshot};
pub use codec::{EdgeProps, MAX_PAYLOAD, Vertex};
pub use error::{GraphError, Result};
pub use graph::Graph;
pub use read::GraphReader;
pub use traverse::{Bfs, Path, PathOptions, Visit};
pub use types::{Direction, Edge, EdgeTypeId, TypeFilter};
pub use write::GraphWriter;
