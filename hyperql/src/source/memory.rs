//! An in-memory [`DataSource`]: documents, edges, vectors and series, for tests,
//! examples and benchmarks. k-NN and NEAR are exact (brute force).

use super::*;
use crate::functions::vector_distance;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{RwLock, RwLockReadGuard};
use time_slots::TimeSlots;

mod fit;
mod time_slots;

use fit::{element_words, fits_elements};

/// An in-memory data source. Cheap to share behind `&`; writes go through
/// transactions that apply atomically on commit.
#[derive(Default)]
pub struct MemorySource {
    state: RwLock<State>,
    knn_prefilter: AtomicBool,
    functions: Vec<Arc<dyn ScalarFunction>>,
    geometry: Option<Arc<dyn ScalarFunction>>,
}

#[derive(Default)]
struct State {
    collections: IndexMap<String, Collection>,
    edges: Vec<Option<EdgeRecord>>,
    out_adj: HashMap<Value, Vec<usize>>,
    in_adj: HashMap<Value, Vec<usize>>,
    next_id: i64,
}

#[derive(Default)]
struct Collection {
    rows: Vec<Option<(Option<Arc<str>>, Record)>>,
    by_id: HashMap<Value, usize>,
    declared: Option<Schema>,
    observed: IndexMap<String, Type>,
    vector_indexes: Vec<(String, String)>,
    time_field: Option<String>,
    /// Declared `WITH TIME SERIES`: one document per instant of each series.
    slots: Option<TimeSlots>,
}

fn type_of(v: &Value) -> Type {
    match v {
        Value::Null => Type::Null,
        Value::Bool(_) => Type::Bool,
        Value::Int(_) => Type::Int,
        Value::Float(_) => Type::Float,
        Value::String(_) => Type::String,
        Value::Timestamp(_) => Type::Timestamp,
        Value::Interval(_) => Type::Interval,
        Value::Vector(v) => Type::Vector(Some(v.len())),
        Value::Array(_) => Type::Array,
        Value::Object(_) => Type::Object,
    }
}

impl MemorySource {
    /// An empty source.
    pub fn new() -> Self {
        let s = MemorySource::default();
        s.knn_prefilter.store(true, Ordering::Relaxed);
        s
    }

    /// Adds a backend function (e.g. a hyperbolic distance).
    pub fn with_function(mut self, f: Arc<dyn ScalarFunction>) -> Self {
        self.functions.push(f);
        self
    }

    /// Sets the geometric metric used by `NEAR`/`DISTANCE FROM` (and exposes it as a
    /// function too).
    pub fn with_geometry(mut self, f: Arc<dyn ScalarFunction>) -> Self {
        self.functions.push(f.clone());
        self.geometry = Some(f);
        self
    }

    /// Whether k-NN applies filters during the search (default true). With false,
    /// the executor's post-filter policy is exercised.
    pub fn set_knn_prefilter(&self, on: bool) {
        self.knn_prefilter.store(on, Ordering::Relaxed);
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Declares a (brute-force) vector index on `collection.field` for `metric`.
    pub fn create_vector_index(&self, collection: &str, field: &str, metric: &str) {
        let mut st = self.state.write().unwrap_or_else(|e| e.into_inner());
        let c = st.collections.entry(collection.to_string()).or_default();
        c.vector_indexes
            .push((field.to_string(), metric.to_ascii_lowercase()));
    }

    /// Marks `collection` as a time series ordered by `time_field` (a capability
    /// only: unlike `CREATE SCHEMA ... WITH TIME SERIES`, it keeps no
    /// one-point-per-instant rule).
    pub fn create_time_series(&self, collection: &str, time_field: &str) {
        let mut st = self.state.write().unwrap_or_else(|e| e.into_inner());
        st.collections
            .entry(collection.to_string())
            .or_default()
            .time_field = Some(time_field.to_string());
    }

    /// Inserts documents directly (no transaction); returns their ids.
    pub fn insert_many(
        &self,
        collection: &str,
        entity: Option<&str>,
        docs: impl IntoIterator<Item = Document>,
    ) -> Vec<Value> {
        let mut st = self.state.write().unwrap_or_else(|e| e.into_inner());
        docs.into_iter()
            .map(|d| st.insert(collection, entity, d))
            .collect()
    }

    /// Inserts JSON objects (anything else is skipped); returns their ids.
    pub fn insert_json(
        &self,
        collection: &str,
        entity: Option<&str>,
        docs: &serde_json::Value,
    ) -> Vec<Value> {
        let items: Vec<Document> = match docs {
            serde_json::Value::Array(a) => a.iter().filter_map(json_doc).collect(),
            d => json_doc(d).into_iter().collect(),
        };
        self.insert_many(collection, entity, items)
    }

    /// Adds an edge directly; returns its id.
    pub fn relate(&self, from: Value, to: Value, label: &str, props: Document) -> Value {
        let mut st = self.state.write().unwrap_or_else(|e| e.into_inner());
        st.relate(from, to, label, props)
    }
}

fn json_doc(j: &serde_json::Value) -> Option<Document> {
    match Value::from_json(j) {
        Value::Object(d) => Some((*d).clone()),
        _ => None,
    }
}

impl State {
    fn insert(&mut self, collection: &str, entity: Option<&str>, mut doc: Document) -> Value {
        let id = match doc.get("id") {
            Some(v) if !v.is_null() => v.clone(),
            _ => {
                self.next_id += 1;
                let id = Value::Int(self.next_id);
                doc.shift_insert(0, "id".to_string(), id.clone());
                id
            }
        };
        if let Value::Int(n) = id {
            self.next_id = self.next_id.max(n);
        }
        let c = self.collections.entry(collection.to_string()).or_default();
        for (k, v) in &doc {
            let t = type_of(v);
            c.observed
                .entry(k.clone())
                .and_modify(|old| {
                    if *old == Type::Null {
                        *old = t;
                    } else if *old != t && t != Type::Null {
                        *old = Type::Any;
                    }
                })
                .or_insert(t);
        }
        if let Some(slots) = &mut c.slots {
            let old = c.by_id.get(&id).and_then(|&i| c.rows[i].as_ref());
            slots.moved(&id, old.map(|(_, d)| &**d), Some(&doc));
        }
        let entry = Some((entity.map(Arc::from), Arc::new(doc)));
        match c.by_id.get(&id) {
            Some(&i) => c.rows[i] = entry,
            None => {
                c.by_id.insert(id.clone(), c.rows.len());
                c.rows.push(entry);
            }
        }
        id
    }

    fn relate(&mut self, from: Value, to: Value, label: &str, mut props: Document) -> Value {
        let id = Value::Int(self.edges.len() as i64 + 1);
        props
            .entry("weight".to_string())
            .or_insert(Value::Float(1.0));
        props
            .entry("active".to_string())
            .or_insert(Value::Bool(true));
        let idx = self.edges.len();
        self.out_adj.entry(from.clone()).or_default().push(idx);
        self.in_adj.entry(to.clone()).or_default().push(idx);
        self.edges.push(Some(EdgeRecord {
            id: id.clone(),
            from,
            to,
            label: label.to_string(),
            props: Arc::new(props),
        }));
        id
    }

    fn delete(&mut self, collection: &str, id: &Value) -> bool {
        let Some(c) = self.collections.get_mut(collection) else {
            return false;
        };
        let Some(i) = c.by_id.remove(id) else {
            return false;
        };
        if let (Some(slots), Some((_, old))) = (&mut c.slots, &c.rows[i]) {
            slots.moved(id, Some(old), None);
        }
        c.rows[i] = None;
        for adj in [self.out_adj.remove(id), self.in_adj.remove(id)]
            .into_iter()
            .flatten()
        {
            for e in adj {
                self.edges[e] = None;
            }
        }
        true
    }
}

/// Streams the rows of one collection while holding the read lock.
struct MemScan<'a> {
    guard: RwLockReadGuard<'a, State>,
    coll: usize,
    pos: usize,
    entity: Option<String>,
    filters: Vec<Predicate>,
    left: usize,
    /// `Some` when a filter is `id = constant`: the row index, if any.
    only: Option<Option<usize>>,
    interrupt: Interrupt,
    read: u32,
}

impl Iterator for MemScan<'_> {
    type Item = Result<Record, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (_, c) = self.guard.collections.get_index(self.coll)?;
        while self.left > 0 {
            let row = match self.only {
                // A primary-key lookup: at most the one row.
                Some(i) => {
                    if self.pos > 0 {
                        return None;
                    }
                    i.and_then(|i| c.rows.get(i))?
                }
                None => c.rows.get(self.pos)?,
            };
            self.pos += 1;
            if let Err(e) = self.interrupt.check_every(&mut self.read) {
                self.left = 0;
                return Some(Err(e.into()));
            }
            let Some((entity, doc)) = row else { continue };
            if !entity_matches(entity.as_deref(), self.entity.as_deref()) {
                continue;
            }
            if self.filters.iter().all(|p| p.matches(doc)) {
                self.left -= 1;
                return Some(Ok(doc.clone()));
            }
        }
        None
    }
}

impl DataSource for MemorySource {
    fn capabilities(&self) -> Capabilities {
        let st = self.read();
        let mut vector_indexes = Vec::new();
        let mut time_series = Vec::new();
        for (name, c) in &st.collections {
            for (field, metric) in &c.vector_indexes {
                vector_indexes.push(VectorIndex {
                    collection: name.clone(),
                    field: field.clone(),
                    metric: metric.clone(),
                });
            }
            if let Some(schema) = &c.declared {
                for f in schema
                    .fields
                    .iter()
                    .filter(|f| f.indexed && matches!(f.ty, Type::Vector(_)))
                {
                    if !c.vector_indexes.iter().any(|(x, _)| *x == f.name) {
                        vector_indexes.push(VectorIndex {
                            collection: name.clone(),
                            field: f.name.clone(),
                            metric: "cosine".into(),
                        });
                    }
                }
            }
            if let Some(t) = &c.time_field {
                time_series.push(TimeSeries {
                    collection: name.clone(),
                    time_field: t.clone(),
                });
            }
        }
        Capabilities {
            filter_pushdown: true,
            projection_pushdown: false,
            limit_pushdown: true,
            vector_indexes,
            knn_prefilter: self.knn_prefilter.load(Ordering::Relaxed),
            geo_near: self.geometry.is_some(),
            traverse: true,
            time_series,
            transactions: true,
            count: true,
        }
    }

    fn schema(&self, collection: &str) -> Option<Schema> {
        let st = self.read();
        let c = st.collections.get(collection)?;
        if let Some(s) = &c.declared {
            return Some(s.clone());
        }
        let fields = c
            .observed
            .iter()
            .map(|(name, ty)| {
                FieldSchema::new(
                    name.clone(),
                    if *ty == Type::Null { Type::Any } else { *ty },
                )
            })
            .collect();
        Some(Schema {
            name: collection.to_string(),
            fields,
            closed: false,
            declared: false,
        })
    }

    fn scan(&self, req: &ScanRequest) -> Result<ScanResponse<'_>, SourceError> {
        let guard = self.read();
        let coll = guard
            .collections
            .get_index_of(&req.collection)
            .ok_or_else(|| SourceError::UnknownCollection(req.collection.clone()))?;
        let only = req.filters.iter().find_map(|f| match f {
            Predicate::Compare {
                path,
                op: CmpOp::Eq,
                value,
            } if path.len() == 1 && path[0] == "id" => Some(
                guard
                    .collections
                    .get_index(coll)
                    .and_then(|(_, c)| c.by_id.get(value).copied()),
            ),
            _ => None,
        });
        let scan = MemScan {
            guard,
            coll,
            pos: 0,
            entity: req.entity.clone(),
            filters: req.filters.clone(),
            left: req.limit.unwrap_or(usize::MAX),
            only,
            interrupt: req.interrupt.clone(),
            read: 0,
        };
        Ok(ScanResponse {
            records: Box::new(scan),
            unapplied: Vec::new(),
        })
    }

    fn get(&self, collection: Option<&str>, ids: &[Value]) -> Result<Vec<Record>, SourceError> {
        let st = self.read();
        let mut out = Vec::new();
        for id in ids {
            let found = st
                .collections
                .iter()
                .filter(|(n, _)| collection.is_none_or(|c| c == n.as_str()))
                .find_map(|(_, c)| {
                    c.by_id
                        .get(id)
                        .and_then(|&i| c.rows[i].as_ref())
                        .map(|(_, d)| d.clone())
                });
            out.extend(found);
        }
        Ok(out)
    }

    /// Counts the live rows (of the entity type) in memory.
    fn count(&self, collection: &str, entity: Option<&str>) -> Result<Option<u64>, SourceError> {
        let st = self.read();
        let c = st
            .collections
            .get(collection)
            .ok_or_else(|| SourceError::UnknownCollection(collection.to_string()))?;
        let n = c
            .rows
            .iter()
            .flatten()
            .filter(|(e, _)| entity_matches(e.as_deref(), entity))
            .count();
        Ok(Some(n as u64))
    }

    fn knn(&self, req: &KnnRequest) -> Result<Vec<Scored>, SourceError> {
        let st = self.read();
        let c = st
            .collections
            .get(&req.collection)
            .ok_or_else(|| SourceError::UnknownCollection(req.collection.clone()))?;
        let prefilter = self.knn_prefilter.load(Ordering::Relaxed);
        let mut hits: Vec<Scored> = c
            .rows
            .iter()
            .flatten()
            .filter(|(e, _)| entity_matches(e.as_deref(), req.entity.as_deref()))
            .filter(|(_, d)| !prefilter || req.filters.iter().all(|p| p.matches(d)))
            .filter_map(|(_, d)| {
                let v = d.get(&req.field)?.as_vector()?;
                let distance = vector_distance(&req.metric, &v, &req.query)?;
                Some(Scored {
                    record: d.clone(),
                    distance,
                })
            })
            .collect();
        hits.sort_by(|a, b| a.distance.total_cmp(&b.distance));
        hits.truncate(req.k);
        Ok(hits)
    }

    fn near(&self, req: &NearRequest) -> Result<Vec<Scored>, SourceError> {
        let metric = self
            .geometry
            .as_ref()
            .ok_or(SourceError::Unsupported("near"))?;
        let st = self.read();
        let c = st
            .collections
            .get(&req.collection)
            .ok_or_else(|| SourceError::UnknownCollection(req.collection.clone()))?;
        let anchor = Value::Array(std::sync::Arc::new(
            req.anchor.iter().map(|&x| Value::Float(x)).collect(),
        ));
        let mut hits = Vec::new();
        for (e, d) in c.rows.iter().flatten() {
            if !entity_matches(e.as_deref(), req.entity.as_deref()) {
                continue;
            }
            let Some(p) = d.get(&req.field) else { continue };
            if let Some(distance) = metric.call(&[p.clone(), anchor.clone()])?.as_f64()
                && distance <= req.radius
            {
                hits.push(Scored {
                    record: d.clone(),
                    distance,
                });
            }
        }
        hits.sort_by(|a, b| a.distance.total_cmp(&b.distance));
        if let Some(l) = req.limit {
            hits.truncate(l);
        }
        Ok(hits)
    }

    fn traverse(&self, req: &TraverseRequest) -> Result<Vec<EdgeRecord>, SourceError> {
        let st = self.read();
        let mut out = Vec::new();
        for id in &req.from {
            let mut push = |adj: &HashMap<Value, Vec<usize>>| {
                for &e in adj.get(id).into_iter().flatten() {
                    let Some(edge) = &st.edges[e] else { continue };
                    if req.label.as_deref().is_some_and(|l| l != edge.label) {
                        continue;
                    }
                    if req.active_only
                        && matches!(edge.props.get("active"), Some(Value::Bool(false)))
                    {
                        continue;
                    }
                    out.push(edge.clone());
                }
            };
            if matches!(req.direction, Direction::Out | Direction::Both) {
                push(&st.out_adj);
            }
            if matches!(req.direction, Direction::In | Direction::Both) {
                push(&st.in_adj);
            }
        }
        Ok(out)
    }

    fn geometric_distance(&self) -> Option<Arc<dyn ScalarFunction>> {
        self.geometry.clone()
    }

    fn functions(&self) -> Vec<Arc<dyn ScalarFunction>> {
        self.functions.clone()
    }

    /// Marks the collection a time series ordered by its time field, with at most
    /// one document per instant of each series (the series field's value); stored
    /// documents that break the rule make the declaration fail.
    fn declare_time_series(&self, decl: &TimeSeriesDecl) -> Result<(), SourceError> {
        let mut st = self.state.write().unwrap_or_else(|e| e.into_inner());
        let c = st.collections.entry(decl.collection.clone()).or_default();
        let rows = c
            .by_id
            .iter()
            .filter_map(|(id, &i)| c.rows[i].as_ref().map(|(_, d)| (id, &**d)));
        let slots = TimeSlots::build(
            &decl.collection,
            &decl.time_field,
            decl.series_field.as_deref(),
            rows,
        )?;
        c.time_field = Some(decl.time_field.clone());
        c.slots = Some(slots);
        Ok(())
    }

    fn begin(&self) -> Result<Box<dyn Transaction + '_>, SourceError> {
        Ok(Box::new(MemTransaction {
            source: self,
            ops: Vec::new(),
            next_id: self.read().next_id,
        }))
    }
}

enum Op {
    Insert(String, Option<String>, Document),
    Update(String, Value, Document),
    Delete(String, Value),
    Relate(Value, Value, String, Document),
    PutSchema(Schema),
    DropSchema(String),
}

/// Buffers writes; applies them under one write lock at commit.
struct MemTransaction<'a> {
    source: &'a MemorySource,
    ops: Vec<Op>,
    next_id: i64,
}

impl MemTransaction<'_> {
    fn check(&self, collection: &str, doc: &Document) -> Result<(), SourceError> {
        let Some(schema) = self.source.schema(collection).filter(|s| s.declared) else {
            return Ok(());
        };
        for f in &schema.fields {
            let v = doc.get(&f.name).unwrap_or(&Value::Null);
            if f.required && v.is_null() {
                return Err(SourceError::Invalid(format!(
                    "`{collection}.{}` is required",
                    f.name
                )));
            }
            if !v.is_null() && f.ty.comparable(type_of(v)) && !fits_elements(f, v) {
                return Err(SourceError::Invalid(format!(
                    "`{collection}.{}` is {}: {} given does not fit",
                    f.name,
                    f.field_type(),
                    element_words(v)
                )));
            }
            if !v.is_null() && !f.ty.comparable(type_of(v)) {
                return Err(SourceError::Invalid(format!(
                    "`{collection}.{}` is {}, not {}",
                    f.name,
                    f.ty,
                    v.type_name()
                )));
            }
        }
        if schema.closed
            && let Some(k) = doc.keys().find(|k| *k != "id" && schema.field(k).is_none())
        {
            return Err(SourceError::Invalid(format!(
                "`{collection}` has no field `{k}` (closed schema)"
            )));
        }
        Ok(())
    }
}

impl Transaction for MemTransaction<'_> {
    fn insert(
        &mut self,
        collection: &str,
        entity: Option<&str>,
        mut doc: Document,
    ) -> Result<Value, SourceError> {
        self.check(collection, &doc)?;
        let id = match doc.get("id") {
            Some(v) if !v.is_null() => v.clone(),
            _ => {
                self.next_id += 1;
                let id = Value::Int(self.next_id);
                doc.shift_insert(0, "id".to_string(), id.clone());
                id
            }
        };
        self.ops.push(Op::Insert(
            collection.to_string(),
            entity.map(str::to_string),
            doc,
        ));
        Ok(id)
    }

    fn update(&mut self, collection: &str, id: &Value, doc: Document) -> Result<(), SourceError> {
        self.check(collection, &doc)?;
        self.ops
            .push(Op::Update(collection.to_string(), id.clone(), doc));
        Ok(())
    }

    fn delete(&mut self, collection: &str, id: &Value) -> Result<(), SourceError> {
        self.ops
            .push(Op::Delete(collection.to_string(), id.clone()));
        Ok(())
    }

    fn relate(
        &mut self,
        from: &Value,
        to: &Value,
        label: &str,
        props: Document,
    ) -> Result<Value, SourceError> {
        let n = self.source.read().edges.len()
            + self
                .ops
                .iter()
                .filter(|o| matches!(o, Op::Relate(..)))
                .count();
        self.ops.push(Op::Relate(
            from.clone(),
            to.clone(),
            label.to_string(),
            props,
        ));
        Ok(Value::Int(n as i64 + 1))
    }

    fn put_schema(&mut self, schema: Schema) -> Result<(), SourceError> {
        self.ops.push(Op::PutSchema(schema));
        Ok(())
    }

    fn drop_schema(&mut self, name: &str) -> Result<bool, SourceError> {
        let existed = self
            .source
            .read()
            .collections
            .get(name)
            .is_some_and(|c| c.declared.is_some());
        self.ops.push(Op::DropSchema(name.to_string()));
        Ok(existed)
    }

    fn commit(self: Box<Self>) -> Result<(), SourceError> {
        let mut st = self.source.state.write().unwrap_or_else(|e| e.into_inner());
        for op in &self.ops {
            if let Op::Update(c, id, _) = op
                && !st
                    .collections
                    .get(c)
                    .is_some_and(|c| c.by_id.contains_key(id))
            {
                return Err(SourceError::NotFound(id.to_string()));
            }
        }
        for op in &self.ops {
            if let Op::PutSchema(s) = op {
                fit::check_stored(&st, s)?;
            }
        }
        time_slots::check(&st, &self.ops)?;
        check_unique_ids(&st, &self.ops)?;
        for op in self.ops {
            match op {
                Op::Insert(c, e, d) => {
                    st.insert(&c, e.as_deref(), d);
                }
                Op::Update(c, id, d) => {
                    let entity = st.collections.get(&c).and_then(|col| {
                        col.by_id
                            .get(&id)
                            .and_then(|&i| col.rows[i].as_ref())
                            .and_then(|(e, _)| e.clone())
                    });
                    st.insert(&c, entity.as_deref(), d);
                }
                Op::Delete(c, id) => {
                    st.delete(&c, &id);
                }
                Op::Relate(f, t, l, p) => {
                    st.relate(f, t, &l, p);
                }
                Op::PutSchema(s) => {
                    let name = s.name.clone();
                    st.collections.entry(name).or_default().declared = Some(s);
                }
                Op::DropSchema(n) => {
                    if let Some(c) = st.collections.get_mut(&n) {
                        c.declared = None;
                    }
                }
            }
        }
        Ok(())
    }
}

/// An insert may not take an id that is stored (and not deleted earlier in the
/// transaction) or inserted earlier in it: the same rule as a database's key.
fn check_unique_ids(st: &State, ops: &[Op]) -> Result<(), SourceError> {
    let mut changed: std::collections::HashMap<(&str, &Value), bool> = Default::default();
    for op in ops {
        match op {
            Op::Insert(c, _, d) => {
                let Some(id) = d.get("id").filter(|v| !v.is_null()) else {
                    continue;
                };
                let live = changed.get(&(c.as_str(), id)).copied().unwrap_or_else(|| {
                    st.collections.get(c).is_some_and(|col| {
                        col.by_id.get(id).is_some_and(|&i| col.rows[i].is_some())
                    })
                });
                if live {
                    return Err(SourceError::Constraint(format!(
                        "an entity with id `{id}` already exists in `{c}`"
                    )));
                }
                changed.insert((c.as_str(), id), true);
            }
            Op::Delete(c, id) => {
                changed.insert((c.as_str(), id), false);
            }
            _ => {}
        }
    }
    Ok(())
}
