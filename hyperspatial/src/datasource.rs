//! HyperQL over the store: `impl hyperql::DataSource for Database`.
//!
//! - `scan` applies every filter itself; `id = x` and `id IN (..)` (UUIDs or external
//!   ids) become point reads through the entity cache instead of a scan; a filter on
//!   a field the schema declares `INDEXED` reads its secondary index; the entity
//!   type of `FROM c.Type` is checked on metadata; `limit` stops the scan early.
//! - `knn` answers from the HNSW index of a vector field (under the metric the field
//!   was declared with) or, for `position`, from the hyperbolic position index;
//!   filters are applied during the search (pre-filter).
//! - `near` (`NEAR .. WITHIN`, `DISTANCE FROM`) searches the position index with a
//!   growing k until the radius is passed.
//! - `traverse` reads adjacency from the graph tables.
//! - `endpoints` reads the leaves of the stored documents shard by shard.
//! - Time-series collections (see `store::measures`) are read from manifold-timeseries;
//!   `time_range` reads only the requested range of each series.
//! - Writes run in a [`WriteBatch`]: a statement that fails changes nothing.
//! - Functions: `HYPERBOLIC_DISTANCE(a, b)` on hyperboloid coordinates (also the
//!   source's geometric distance), `COMBINED_DISTANCE(id_a, id_b)` (the weighted
//!   distance of the position components), `EMBED(text [, model])`.

mod endpoints;
mod functions;
mod one;
mod txn;

use crate::store::{Database, StoreError, VectorMetric, fields};
use hyperql::{
    Capabilities, CmpOp, DataSource, EdgeRecord, KnnRequest, NearRequest, Predicate, Record,
    RelayoutRequest, ScalarFunction, ScanRequest, ScanResponse, Schema, Scored, SourceError,
    TimeRangeRequest, TimeSeries, TimeSeriesDecl, Transaction, TraverseRequest, Value, VectorIndex,
};
use std::sync::Arc;
use uuid::Uuid;

pub use functions::{CombinedDistance, Embed, HyperbolicDistance};
pub(crate) use one::matches_one;

impl From<StoreError> for SourceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UnknownCollection(c) => SourceError::UnknownCollection(c),
            StoreError::NotFound(x) => SourceError::NotFound(x),
            StoreError::Constraint(m) => SourceError::Constraint(m),
            e @ StoreError::TooManyCollections { .. } => SourceError::Constraint(e.to_string()),
            StoreError::Conflict(m) => SourceError::Conflict(m),
            StoreError::Interrupted(i) => SourceError::Interrupted(i),
            StoreError::Invalid(m) => SourceError::Invalid(m),
            e @ StoreError::Positioning(crate::positioning::PositioningError::InvalidOption {
                ..
            }) => SourceError::Invalid(e.to_string()),
            e @ (StoreError::Path(_)
            | StoreError::InvalidName { .. }
            | StoreError::Schema(_)
            | StoreError::Cascade(_)) => SourceError::Invalid(e.to_string()),
            e @ StoreError::SchemaExisting { .. } => SourceError::Constraint(e.to_string()),
            e => SourceError::Backend(e.to_string()),
        }
    }
}

impl Database {
    /// Rows of a time-series collection in `[start, end)` passing `req`'s filters.
    fn time_scan(
        &self,
        req: &ScanRequest,
        start: Option<i64>,
        end: Option<i64>,
    ) -> Result<ScanResponse<'_>, SourceError> {
        let rows = self.time_rows(&req.collection, start, end)?;
        let filters = req.filters.clone();
        let limit = req.limit.unwrap_or(usize::MAX);
        let records = rows
            .into_iter()
            .filter(move |r| filters.iter().all(|p| p.matches(r)))
            .take(limit)
            .map(Ok);
        Ok(ScanResponse {
            records: Box::new(records),
            unapplied: Vec::new(),
        })
    }
}

/// The ids a filter list pins down (`id = x`, `id IN (..)`, `_key = x`), if any.
fn pinned_ids(db: &Database, filters: &[Predicate]) -> Option<(usize, Vec<Uuid>)> {
    for (i, p) in filters.iter().enumerate() {
        let is_id =
            |path: &[String]| path.len() == 1 && (path[0] == fields::ID || path[0] == fields::KEY);
        match p {
            Predicate::Compare {
                path,
                op: CmpOp::Eq,
                value,
            } if is_id(path) => return Some((i, db.resolve(value).into_iter().collect())),
            Predicate::In { path, values } if is_id(path) => {
                let mut ids: Vec<Uuid> = values.iter().filter_map(|v| db.resolve(v)).collect();
                ids.dedup();
                return Some((i, ids));
            }
            _ => {}
        }
    }
    None
}

fn type_ok(r: &Record, entity: Option<&str>) -> bool {
    let tag = match r.get(fields::TYPE) {
        Some(Value::String(s)) => Some(&**s),
        _ => None,
    };
    hyperql::entity_matches(tag, entity)
}

fn in_collection(db: &Database, id: Uuid, collection: &str) -> bool {
    db.loc(id).is_some_and(|l| &*l.collection == collection)
}

impl DataSource for Database {
    fn capabilities(&self) -> Capabilities {
        let mut vector_indexes = Vec::new();
        let mut time_series = Vec::new();
        for name in self.collections() {
            if let Some(cfg) = self.collection_config(&name) {
                if let Some(ts) = &cfg.time_series {
                    time_series.push(TimeSeries {
                        collection: name.clone(),
                        time_field: ts.time_field.clone(),
                    });
                }
                for (field, vf) in &cfg.vectors {
                    vector_indexes.push(VectorIndex {
                        collection: name.clone(),
                        field: field.clone(),
                        metric: vf.metric.name().to_string(),
                    });
                }
            }
        }
        Capabilities {
            filter_pushdown: true,
            projection_pushdown: true,
            limit_pushdown: true,
            vector_indexes,
            knn_prefilter: true,
            geo_near: true,
            traverse: true,
            time_series,
            transactions: true,
            count: true,
        }
    }

    fn system_fields(&self) -> &[&str] {
        &[
            crate::fields::ID,
            crate::fields::KEY,
            crate::fields::TYPE,
            crate::fields::POSITION,
        ]
    }

    fn schema(&self, collection: &str) -> Option<Schema> {
        let c = self.collection(collection)?;
        if let Some(s) = c.schema.read().clone() {
            return Some(s);
        }
        Some(Schema {
            name: collection.to_string(),
            fields: Vec::new(),
            closed: false,
            declared: false,
        })
    }

    fn scan(&self, req: &ScanRequest) -> Result<ScanResponse<'_>, SourceError> {
        if self.collection(&req.collection).is_none() {
            return Err(SourceError::UnknownCollection(req.collection.clone()));
        }
        if self.time_series_of(&req.collection).is_some() {
            return self.time_scan(req, None, None);
        }
        let filters = req.filters.clone();
        let entity = req.entity.clone();
        let limit = req.limit.unwrap_or(usize::MAX);
        if let Some((pin, ids)) = pinned_ids(self, &req.filters) {
            // The pinning filter is answered by id resolution (it may name an
            // external id, which the record's `id` field does not hold).
            let filters: Vec<Predicate> = filters
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != pin)
                .map(|(_, p)| p.clone())
                .collect();
            let mut out = Vec::new();
            for id in ids {
                if !in_collection(self, id, &req.collection) {
                    continue;
                }
                if let Some(r) = self.get_entity(id)?
                    && type_ok(&r, entity.as_deref())
                    && filters.iter().all(|p| p.matches(&r))
                {
                    out.push(Ok(r));
                }
            }
            out.truncate(limit);
            return Ok(ScanResponse {
                records: Box::new(out.into_iter()),
                unapplied: Vec::new(),
            });
        }
        if let Some(ids) = self.index_candidates(&req.collection, &filters)? {
            // An index narrows the candidates; every filter is still applied.
            let mut out = Vec::new();
            for id in ids {
                if out.len() >= limit {
                    break;
                }
                if let Some(r) = self.get_entity(id)?
                    && type_ok(&r, entity.as_deref())
                    && filters.iter().all(|p| p.matches(&r))
                {
                    out.push(Ok(r));
                }
            }
            return Ok(ScanResponse {
                records: Box::new(out.into_iter()),
                unapplied: Vec::new(),
            });
        }
        // Entities failing a filter on their stored fields are dropped while they
        // are decoded; every filter is still checked below on what comes back.
        let scan = self.scan_interruptible(
            &req.collection,
            entity.as_deref(),
            req.projection.as_deref(),
            &filters,
            Some(req.interrupt.clone()),
        )?;
        // A scan whose filters drop most records may read long without yielding: it
        // checks the request's interrupt itself and ends with the error.
        let interrupt = req.interrupt.clone();
        let mut read = 0u32;
        let records = scan
            .map(move |r| {
                interrupt.check_every(&mut read)?;
                r.map_err(SourceError::from)
            })
            .filter(move |r| match r {
                Ok(r) => filters.iter().all(|p| p.matches(r)),
                Err(_) => true,
            })
            .take(limit);
        Ok(ScanResponse {
            records: Box::new(records),
            unapplied: Vec::new(),
        })
    }

    /// Makes the collection a time series of its Float fields (see
    /// [`TimeSeriesConfig::of_schema`](crate::store::TimeSeriesConfig::of_schema)).
    fn declare_time_series(&self, decl: &TimeSeriesDecl) -> Result<(), SourceError> {
        let cfg = crate::store::TimeSeriesConfig::of_schema(
            &decl.collection,
            &decl.fields,
            &decl.time_field,
            decl.series_field.as_deref(),
        )?;
        Ok(self.define_time_series(&decl.collection, cfg)?)
    }

    fn relayout(&self, req: &RelayoutRequest) -> Result<Vec<(String, Value)>, SourceError> {
        let opts = crate::store::relayout_options(&req.options)?;
        let r = self.relayout_collection(&req.collection, &opts, &mut |_| {})?;
        Ok(r.measures())
    }

    fn time_range(&self, req: &TimeRangeRequest) -> Result<ScanResponse<'_>, SourceError> {
        if self.time_series_of(&req.scan.collection).is_none() {
            return DataSource::scan(self, &req.to_scan());
        }
        self.time_scan(&req.scan, req.start, req.end)
    }

    fn get(&self, collection: Option<&str>, ids: &[Value]) -> Result<Vec<Record>, SourceError> {
        let mut out = Vec::new();
        for v in ids {
            let Some(id) = self.resolve(v) else { continue };
            if collection.is_some_and(|c| !in_collection(self, id, c)) {
                continue;
            }
            if let Some(r) = self.get_entity(id)? {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Entity collections keep their count in memory (changed when a batch
    /// publishes); time-series rows and counts of one entity type are not kept.
    fn count(&self, collection: &str, entity: Option<&str>) -> Result<Option<u64>, SourceError> {
        if self.collection(collection).is_none() {
            return Err(SourceError::UnknownCollection(collection.to_string()));
        }
        if entity.is_some() || self.time_series_of(collection).is_some() {
            return Ok(None);
        }
        Ok(Some(self.count(Some(collection)) as u64))
    }

    fn knn(&self, req: &KnnRequest) -> Result<Vec<Scored>, SourceError> {
        let c = self
            .collection(&req.collection)
            .ok_or_else(|| SourceError::UnknownCollection(req.collection.clone()))?;
        let keep = |id: Uuid| -> bool {
            if req.filters.is_empty() {
                // The type index answers without reading the entity.
                return self.loc(id).is_some_and(|l| {
                    hyperql::entity_matches(l.entity_type.as_deref(), req.entity.as_deref())
                });
            }
            match self.get_entity(id) {
                Ok(Some(r)) => {
                    type_ok(&r, req.entity.as_deref()) && req.filters.iter().all(|p| p.matches(&r))
                }
                _ => false,
            }
        };
        let filtered = !req.filters.is_empty() || req.entity.is_some();
        let keep: Option<&(dyn Fn(Uuid) -> bool + Sync)> =
            if filtered { Some(&keep) } else { None };
        let hits = if req.field == fields::POSITION {
            let point: Vec<f64> = req.query.iter().map(|&x| f64::from(x)).collect();
            let lanes = crate::store::position_lanes(&point).ok_or_else(|| {
                SourceError::Constraint("the position is not a point of the hyperboloid".into())
            })?;
            // Exact up to NEAR_EXACT positions (far-out hierarchies are hard on the
            // graph search), the HNSW beyond.
            let total = c.positions.len();
            let width = (total <= NEAR_EXACT).then_some(usize::MAX);
            c.positions.search(&lanes, req.k, width, keep)?
        } else {
            let idx = c.index(&req.field).ok_or(SourceError::Unsupported(
                "k-NN on a field without a vector index",
            ))?;
            let declared = c.config.read().vectors.get(&req.field).map(|v| v.metric);
            if declared != VectorMetric::parse(&req.metric) {
                return Err(SourceError::Unsupported(
                    "k-NN under another metric than the index's",
                ));
            }
            idx.search(&req.query, req.k, None, keep)?
        };
        let ids: Vec<Uuid> = hits.iter().map(|h| h.0).collect();
        let records = self.get_entities(&ids)?;
        Ok(hits
            .into_iter()
            .zip(records)
            .filter_map(|((_, d), r)| {
                r.map(|record| Scored {
                    record,
                    distance: f64::from(d),
                })
            })
            .collect())
    }

    fn near(&self, req: &NearRequest) -> Result<Vec<Scored>, SourceError> {
        if req.field != fields::POSITION {
            return Err(SourceError::Unsupported(
                "NEAR on a field other than `position`",
            ));
        }
        let c = self
            .collection(&req.collection)
            .ok_or_else(|| SourceError::UnknownCollection(req.collection.clone()))?;
        let lanes = crate::store::position_lanes(&req.anchor).ok_or_else(|| {
            SourceError::Constraint("the anchor is not a point of the hyperboloid".into())
        })?;
        let keep = |id: Uuid| -> bool {
            req.entity.is_none()
                || matches!(self.get_entity(id), Ok(Some(r)) if type_ok(&r, req.entity.as_deref()))
        };
        let total = c.positions.len();
        let mut k = req.limit.unwrap_or(64).clamp(1, total.max(1));
        let hits = loop {
            let hits = c
                .positions
                // A range query must miss nothing inside its radius: an exact scan
                // up to NEAR_EXACT entries, a wide beam beyond.
                .search(&lanes, k, Some(near_width(k, total)), Some(&keep))?;
            let past = hits.last().is_some_and(|h| f64::from(h.1) > req.radius);
            if past || hits.len() < k || k >= total || req.limit.is_some_and(|l| hits.len() >= l) {
                break hits;
            }
            k = (k * 4).min(total);
        };
        let mut out = Vec::new();
        for (id, d) in hits {
            if f64::from(d) > req.radius {
                break;
            }
            if let Some(r) = self.get_entity(id)? {
                out.push(Scored {
                    record: r,
                    distance: f64::from(d),
                });
            }
            if req.limit.is_some_and(|l| out.len() >= l) {
                break;
            }
        }
        Ok(out)
    }

    fn traverse(&self, req: &TraverseRequest) -> Result<Vec<EdgeRecord>, SourceError> {
        let dir = match req.direction {
            hyperql::Direction::Out => manifold_graph::Direction::Outgoing,
            hyperql::Direction::In => manifold_graph::Direction::Incoming,
            hyperql::Direction::Both => manifold_graph::Direction::Both,
        };
        let mut out = Vec::new();
        for v in &req.from {
            let Some(id) = self.resolve(v) else { continue };
            for e in self.edges(id, dir, req.label.as_deref())? {
                let mut props = (*e.props).clone();
                props.insert("weight".into(), Value::Float(f64::from(e.weight)));
                props.insert("active".into(), Value::Bool(e.active));
                out.push(EdgeRecord {
                    id: Value::str(&format!("{}-{}-{}", e.from, e.label, e.to)),
                    from: Value::str(&e.from.to_string()),
                    to: Value::str(&e.to.to_string()),
                    label: e.label,
                    props: Arc::new(props),
                });
            }
        }
        Ok(out)
    }

    fn geometric_distance(&self) -> Option<Arc<dyn ScalarFunction>> {
        Some(Arc::new(HyperbolicDistance))
    }

    fn functions(&self) -> Vec<Arc<dyn ScalarFunction>> {
        vec![
            Arc::new(HyperbolicDistance),
            Arc::new(CombinedDistance(self.clone())),
            Arc::new(Embed {
                db: self.clone(),
                with_model: false,
            }),
            Arc::new(Embed {
                db: self.clone(),
                with_model: true,
            }),
        ]
    }

    fn endpoints(
        &self,
        req: &hyperql::EndpointsRequest,
    ) -> Result<hyperql::EndpointStream<'_>, SourceError> {
        endpoints::endpoints(self, req)
    }

    fn begin(&self) -> Result<Box<dyn Transaction + '_>, SourceError> {
        Ok(Box::new(txn::Tx(self.batch())))
    }
}

/// Position indexes up to this size answer `NEAR .. WITHIN` and k-NN by position by
/// an exact scan.
const NEAR_EXACT: usize = 50_000;

/// The beam width of a `NEAR` search for `k` of `total` entries (`total` or more: the
/// exact scan).
fn near_width(k: usize, total: usize) -> usize {
    if total <= NEAR_EXACT {
        usize::MAX
    } else {
        (4 * k).max(256)
    }
}
