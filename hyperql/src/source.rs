//! The [`DataSource`] trait: what a storage backend gives hyperql.
//!
//! hyperql plans a query, then asks the source for data through the requests below.
//! Every pushed-down request is a *hint* the source may only partly honour: it answers
//! with what it could not apply and the executor applies the rest, so a source that
//! implements nothing but [`DataSource::scan`] still answers every query correctly.
//! [`Capabilities`] tells the optimizer what is worth pushing.

mod endpoints;
mod memory;
mod predicate;

pub use endpoints::{
    Endpoint, EndpointPattern, EndpointStream, EndpointsRequest, MAX_PATTERN_SEGMENTS,
    PatternError, key_text, leaves, scan_endpoints, segments_match,
};
pub use memory::MemorySource;
pub use predicate::{CmpOp, Predicate};

use crate::ast::Direction;
use crate::request::{Interrupt, Interrupted};
use crate::types::Type;
use crate::value::{Document, Value};
use serde::Serialize;
use std::sync::Arc;

/// One entity as a source returns it: a document holding at least its `id`.
pub type Record = Arc<Document>;

/// A stream of records; each item may fail (I/O, corruption).
pub type RecordStream<'a> = Box<dyn Iterator<Item = Result<Record, SourceError>> + 'a>;

/// Errors a source reports. `Unsupported` makes the executor fall back where it can.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The source does not implement this request.
    #[error("the source does not support {0}")]
    Unsupported(&'static str),
    /// No such collection.
    #[error("unknown collection `{0}`")]
    UnknownCollection(String),
    /// No entity with this id.
    #[error("not found: {0}")]
    NotFound(String),
    /// A write broke a rule of the source that depends on what is stored
    /// (uniqueness of an id, a schema that already exists, ...).
    #[error("constraint violated: {0}")]
    Constraint(String),
    /// The write's input is wrong whatever is stored: a document that does not fit
    /// its schema, a bad name, a bad value.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// A concurrent transaction committed a change to something this one read or
    /// wrote; nothing of this one was written, and running it again may succeed.
    #[error("write conflict: {0}")]
    Conflict(String),
    /// A transaction could not commit (conflict, I/O).
    #[error("commit failed: {0}")]
    Commit(String),
    /// Anything else the backend reports.
    #[error("{0}")]
    Backend(String),
    /// The request was cancelled or ran past its deadline ([`ScanRequest::interrupt`]).
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
}

/// What a source can do, so the optimizer knows what to push down.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Capabilities {
    /// `scan` applies [`Predicate`]s (it still reports the ones it did not).
    pub filter_pushdown: bool,
    /// `scan` can return only the requested top-level fields.
    pub projection_pushdown: bool,
    /// `scan` can stop after `limit` records (only when it applied every filter).
    pub limit_pushdown: bool,
    /// Vector indexes: `knn` answers for these (collection, field, metric).
    pub vector_indexes: Vec<VectorIndex>,
    /// `knn` applies [`KnnRequest::filters`] during the search (pre-filter). Without
    /// it the executor post-filters and widens the search until k rows survive.
    pub knn_prefilter: bool,
    /// `near` answers radius queries in the source's geometric space.
    pub geo_near: bool,
    /// `traverse` expands edges.
    pub traverse: bool,
    /// Collections stored as time series, with their time field.
    pub time_series: Vec<TimeSeries>,
    /// `begin` returns transactions.
    pub transactions: bool,
    /// `count` answers the number of records of a collection without a scan.
    pub count: bool,
}

/// A vector index of a source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VectorIndex {
    /// Collection.
    pub collection: String,
    /// Vector field.
    pub field: String,
    /// Metric the index is built for (`cosine`, `euclidean`, ...).
    pub metric: String,
}

/// A time-series collection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimeSeries {
    /// Collection.
    pub collection: String,
    /// Its time field (Timestamp).
    pub time_field: String,
}

/// A collection declared a time series by `CREATE SCHEMA .. WITH TIME SERIES (time
/// [, SERIES series])`: its documents are points of the series named by the `series`
/// field's value (one series without it), ordered by the `time` field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimeSeriesDecl {
    /// Collection.
    pub collection: String,
    /// Its time field (Timestamp or Int, REQUIRED).
    pub time_field: String,
    /// The field naming each point's series (String, REQUIRED), if any.
    pub series_field: Option<String>,
    /// Every field of the schema, in order (the time and series fields included).
    pub fields: Vec<FieldSchema>,
}

/// `scan`: read a collection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScanRequest {
    /// Collection.
    pub collection: String,
    /// Entity type within the collection, when given.
    pub entity: Option<String>,
    /// Conjunctive filters (all must hold).
    pub filters: Vec<Predicate>,
    /// Top-level fields needed (`None`: all). `id` is always returned.
    pub projection: Option<Vec<String>>,
    /// Stop after this many records, if every filter was applied.
    pub limit: Option<usize>,
    /// The request's cancellation handle: a source whose scan reads many records
    /// without returning one (filtering) checks it every few hundred records and
    /// ends the stream with [`SourceError::Interrupted`].
    #[serde(skip)]
    pub interrupt: Interrupt,
}

/// The answer to a scan.
pub struct ScanResponse<'a> {
    /// The records.
    pub records: RecordStream<'a>,
    /// Indexes into [`ScanRequest::filters`] of the filters *not* applied.
    pub unapplied: Vec<usize>,
}

/// `knn`: the k nearest records to a query vector.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KnnRequest {
    /// Collection.
    pub collection: String,
    /// Entity type, when given.
    pub entity: Option<String>,
    /// Vector field.
    pub field: String,
    /// Query vector.
    pub query: Vec<f32>,
    /// Metric name.
    pub metric: String,
    /// How many.
    pub k: usize,
    /// Filters to apply during the search (only with `knn_prefilter`).
    pub filters: Vec<Predicate>,
}

/// A record with its score (similarity or distance, as the request says).
#[derive(Clone, Debug)]
pub struct Scored {
    /// The record.
    pub record: Record,
    /// Distance (smaller is closer).
    pub distance: f64,
}

/// `near`: records within `radius` of `anchor` in the source's geometric space.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NearRequest {
    /// Collection.
    pub collection: String,
    /// Entity type, when given.
    pub entity: Option<String>,
    /// Position field.
    pub field: String,
    /// The anchor point, in f64 (see [`Value::as_point`](crate::Value::as_point)).
    pub anchor: Vec<f64>,
    /// Largest distance.
    pub radius: f64,
    /// Return at most this many, closest first (`None`: all within the radius).
    pub limit: Option<usize>,
}

/// `traverse`: one hop of edges from a set of nodes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraverseRequest {
    /// Node ids to expand from.
    pub from: Vec<Value>,
    /// Relationship type, when given.
    pub label: Option<String>,
    /// Direction relative to `from`.
    pub direction: Direction,
    /// Skip edges whose `active` property is false.
    pub active_only: bool,
}

/// An edge.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRecord {
    /// Edge id (unique in the source).
    pub id: Value,
    /// Tail node id.
    pub from: Value,
    /// Head node id.
    pub to: Value,
    /// Relationship type.
    pub label: String,
    /// Properties (`weight`, `active`, ...).
    pub props: Arc<Document>,
}

/// `relayout`: lay out the positions of a collection's entities again.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelayoutRequest {
    /// Collection.
    pub collection: String,
    /// Options as written (`RELAYOUT c WITH (name = value, ..)`), evaluated; what
    /// they mean is the source's.
    pub options: Vec<(String, Value)>,
}

/// `time_range`: records of a time series in `[start, end)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimeRangeRequest {
    /// The scan it narrows (filters, projection, limit as in `scan`).
    pub scan: ScanRequest,
    /// Time field.
    pub time_field: String,
    /// Inclusive start (µs), if any.
    pub start: Option<i64>,
    /// Exclusive end (µs), if any.
    pub end: Option<i64>,
}

impl TimeRangeRequest {
    /// The same request as a plain scan, with the time range as filters.
    pub fn to_scan(&self) -> ScanRequest {
        let mut scan = self.scan.clone();
        let path = vec![self.time_field.clone()];
        if let Some(s) = self.start {
            scan.filters.push(Predicate::Compare {
                path: path.clone(),
                op: CmpOp::GtEq,
                value: Value::Timestamp(s),
            });
        }
        if let Some(e) = self.end {
            scan.filters.push(Predicate::Compare {
                path,
                op: CmpOp::Lt,
                value: Value::Timestamp(e),
            });
        }
        scan
    }
}

/// A declared or observed schema of a collection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Schema {
    /// Collection name.
    pub name: String,
    /// Fields in order.
    pub fields: Vec<FieldSchema>,
    /// A closed schema rejects unknown fields (in queries and writes).
    pub closed: bool,
    /// Declared with `CREATE SCHEMA` (types are checked), or only observed from data.
    pub declared: bool,
}

impl Schema {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// One field of a schema.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldSchema {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: Type,
    /// Must be present and non-NULL.
    pub required: bool,
    /// Indexed (for vectors: a k-NN index).
    pub indexed: bool,
    /// The cascade rule, as canonical text, when the field is derived.
    pub cascade: Option<String>,
    /// The element type of an `Array(T)` field (`ty` is `Array`) or a `Map(T)` field
    /// (`ty` is `Object`); `None` for other and for untyped containers.
    pub of: Option<crate::types::FieldType>,
    /// The declared scope (a label: see [`FieldScope`](crate::FieldScope)).
    pub scope: Option<crate::types::FieldScope>,
}

impl FieldSchema {
    /// A field of type `ty`, not required, not indexed, not derived, no scope.
    pub fn new(name: impl Into<String>, ty: Type) -> FieldSchema {
        FieldSchema {
            name: name.into(),
            ty,
            required: false,
            indexed: false,
            cascade: None,
            of: None,
            scope: None,
        }
    }

    /// The declared type, element types included (`Array(Vector(3))`).
    pub fn field_type(&self) -> crate::types::FieldType {
        crate::types::FieldType::of(self.ty, self.of.as_ref())
    }

    /// Sets the declared type (`ty` and `of`).
    pub fn set_field_type(&mut self, t: crate::types::FieldType) {
        self.ty = t.ty();
        self.of = t.element().cloned();
    }

    /// Whether `v` is a value of the declared type (NULL aside: see
    /// [`FieldType::accepts`](crate::FieldType::accepts)).
    pub fn accepts(&self, v: &Value) -> bool {
        self.field_type().accepts(v)
    }
}

/// Whether an entity tagged `tag` is one of type `want` (`FROM collection.Type`):
/// any entity for no `want`, a tagged entity when the tags are equal, and an
/// untagged entity always (its collection's data declares no types to filter by).
pub fn entity_matches(tag: Option<&str>, want: Option<&str>) -> bool {
    match (want, tag) {
        (None, _) | (Some(_), None) => true,
        (Some(w), Some(t)) => w == t,
    }
}

/// A function or metric a backend adds (e.g. `HYPERBOLIC_DISTANCE`).
pub trait ScalarFunction: Send + Sync {
    /// Name, matched case-insensitively.
    fn name(&self) -> &str;
    /// Argument types (`Type::Any` accepts everything); the arity is its length.
    fn arg_types(&self) -> Vec<Type>;
    /// Result type.
    fn return_type(&self) -> Type;
    /// Evaluates the function; NULL in usually means NULL out.
    fn call(&self, args: &[Value]) -> Result<Value, SourceError>;
    /// Whether the result depends only on the arguments (not on stored data, time or
    /// chance). A deterministic call on constant arguments is evaluated once per
    /// statement, before optimizing, so its value can be used like a literal (for
    /// example as the query vector of an index search). Defaults to `false`.
    fn deterministic(&self) -> bool {
        false
    }
}

/// A write transaction. Dropping it without [`Transaction::commit`] rolls it back.
pub trait Transaction {
    /// Inserts a document (its `id` is generated when absent); returns the id.
    fn insert(
        &mut self,
        collection: &str,
        entity: Option<&str>,
        doc: Document,
    ) -> Result<Value, SourceError>;
    /// Replaces the document with this id.
    fn update(&mut self, collection: &str, id: &Value, doc: Document) -> Result<(), SourceError>;
    /// [`update`](Self::update) of a document the statement computed from `seen`, the
    /// record it read. A source that checks for concurrent writes refuses with
    /// [`SourceError::Conflict`] when what it stores is no longer `seen`, or when it
    /// changes before [`commit`](Self::commit) (so no update is computed from a
    /// stale read). By default the check is left out.
    fn update_seen(
        &mut self,
        collection: &str,
        id: &Value,
        seen: &Document,
        doc: Document,
    ) -> Result<(), SourceError> {
        let _ = seen;
        self.update(collection, id, doc)
    }
    /// Deletes the document with this id (and its edges).
    fn delete(&mut self, collection: &str, id: &Value) -> Result<(), SourceError>;
    /// [`delete`](Self::delete) of a record the statement chose from `seen`, checked
    /// as [`update_seen`](Self::update_seen) checks.
    fn delete_seen(
        &mut self,
        collection: &str,
        id: &Value,
        seen: &Document,
    ) -> Result<(), SourceError> {
        let _ = seen;
        self.delete(collection, id)
    }
    /// Adds an edge; returns its id.
    fn relate(
        &mut self,
        from: &Value,
        to: &Value,
        label: &str,
        props: Document,
    ) -> Result<Value, SourceError>;
    /// Creates or replaces a declared schema.
    fn put_schema(&mut self, schema: Schema) -> Result<(), SourceError>;
    /// Drops a declared schema; whether it existed.
    fn drop_schema(&mut self, name: &str) -> Result<bool, SourceError>;
    /// Makes every change visible at once.
    fn commit(self: Box<Self>) -> Result<(), SourceError>;
}

/// A storage backend as hyperql sees it.
///
/// Only [`scan`](DataSource::scan), [`get`](DataSource::get) and
/// [`schema`](DataSource::schema) are required; the other requests have defaults that
/// report [`SourceError::Unsupported`] (and the optimizer does not use them unless
/// [`capabilities`](DataSource::capabilities) says so).
pub trait DataSource: Send + Sync {
    /// What this source can do.
    fn capabilities(&self) -> Capabilities;

    /// The schema of a collection: declared, or observed from its data; `None` when
    /// the collection is unknown.
    fn schema(&self, collection: &str) -> Option<Schema>;

    /// Fields the source gives every record whatever its schema declares (a closed
    /// schema never refuses them in queries). By default only `id`.
    fn system_fields(&self) -> &[&str] {
        &["id"]
    }

    /// Reads a collection, applying what it can of the request.
    fn scan(&self, req: &ScanRequest) -> Result<ScanResponse<'_>, SourceError>;

    /// Fetches entities by id (in any collection when `collection` is `None`), in the
    /// order of `ids`, skipping ids that do not exist.
    fn get(&self, collection: Option<&str>, ids: &[Value]) -> Result<Vec<Record>, SourceError>;

    /// The number of records of a collection (of one entity type when given), when
    /// the source knows it without reading them (`None`: it does not, and the
    /// executor counts a scan). Consulted for `COUNT(*)` without a filter when
    /// [`Capabilities::count`] is set.
    fn count(&self, collection: &str, entity: Option<&str>) -> Result<Option<u64>, SourceError> {
        let _ = (collection, entity);
        Ok(None)
    }

    /// The `k` nearest records, closest first.
    fn knn(&self, req: &KnnRequest) -> Result<Vec<Scored>, SourceError> {
        let _ = req;
        Err(SourceError::Unsupported("knn"))
    }

    /// Records within a radius of a point, closest first, in the source's geometry.
    fn near(&self, req: &NearRequest) -> Result<Vec<Scored>, SourceError> {
        let _ = req;
        Err(SourceError::Unsupported("near"))
    }

    /// One hop of edges.
    fn traverse(&self, req: &TraverseRequest) -> Result<Vec<EdgeRecord>, SourceError> {
        let _ = req;
        Err(SourceError::Unsupported("traverse"))
    }

    /// Lays out the positions of a collection's entities again (`RELAYOUT`) and
    /// reports what it did as `(measure, value)` pairs. By default unsupported.
    fn relayout(&self, req: &RelayoutRequest) -> Result<Vec<(String, Value)>, SourceError> {
        let _ = req;
        Err(SourceError::Unsupported("RELAYOUT"))
    }

    /// Declares a collection a time series (`CREATE SCHEMA .. WITH TIME SERIES`),
    /// before its schema is stored; a source that cannot store one refuses, and the
    /// schema is not created. By default unsupported.
    fn declare_time_series(&self, decl: &TimeSeriesDecl) -> Result<(), SourceError> {
        let _ = decl;
        Err(SourceError::Unsupported(
            "time-series collections (CREATE SCHEMA .. WITH TIME SERIES)",
        ))
    }

    /// A time range of a time series; by default a scan with the range as filters.
    fn time_range(&self, req: &TimeRangeRequest) -> Result<ScanResponse<'_>, SourceError> {
        self.scan(&req.to_scan())
    }

    /// The source's geometric distance (used by `NEAR`, `DISTANCE FROM`), if any.
    fn geometric_distance(&self) -> Option<Arc<dyn ScalarFunction>> {
        None
    }

    /// Functions the source adds to the language.
    fn functions(&self) -> Vec<Arc<dyn ScalarFunction>> {
        Vec::new()
    }

    /// The endpoints (document leaves) matching a path pattern, in any order. By
    /// default read from a scan of the collection ([`scan_endpoints`]).
    fn endpoints(&self, req: &EndpointsRequest) -> Result<EndpointStream<'_>, SourceError> {
        scan_endpoints(self, req)
    }

    /// Starts a write transaction.
    fn begin(&self) -> Result<Box<dyn Transaction + '_>, SourceError> {
        Err(SourceError::Unsupported("transactions"))
    }
}
