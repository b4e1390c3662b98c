//! A collection: its shards, configuration, declared schema and in-memory indexes.
//!
//! Layout on disk: `<db>/collections/<name>/shard-<n>.manifold`. Shard 0's `system`
//! family holds the configuration (JSON) and the declared schema. An entity lives in
//! shard `hash(id) % shards`.

use super::shard::{CONFIG, SCHEMA, Shard};
use super::vindex::{IndexKind, VectorIndex, VectorMetric, position_lanes};
use crate::store::StoreError;
use hyperql::{FieldSchema, FieldScope, FieldType, Schema, Type};
use parking_lot::{Mutex, MutexGuard, RwLock};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

/// A named vector field: stored in a manifold-vectors table and indexed by HNSW.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VectorField {
    /// Dimension.
    pub dim: usize,
    /// Metric of its index.
    pub metric: VectorMetric,
}

/// Auto-embedding: on insert and update, the text of `source` is embedded into the
/// vector field `target` (synchronously, inside the write).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AutoEmbed {
    /// Text field (dotted path).
    pub source: String,
    /// Vector field to fill.
    pub target: String,
}

/// Settings of a collection, stored with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CollectionConfig {
    /// Number of shards (fixed at creation).
    pub shards: u32,
    /// Vector fields by dotted path.
    #[serde(default)]
    pub vectors: BTreeMap<String, VectorField>,
    /// Auto-embedding rules.
    #[serde(default)]
    pub auto_embed: Vec<AutoEmbed>,
    /// Set when the collection is a time series (see `measures`).
    #[serde(default)]
    pub time_series: Option<super::measures::TimeSeriesConfig>,
    /// The options of the last explicit re-layout (`RELAYOUT .. WITH (..)`), which
    /// the background refinement runs; empty: the defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub layout: BTreeMap<String, serde_json::Value>,
    /// How positions are made from their components (see `position_settings`);
    /// default: the database's options and the default ignore list.
    #[serde(default, skip_serializing_if = "is_default")]
    pub positions: super::position_settings::PositionSettings,
}

fn is_default(p: &super::position_settings::PositionSettings) -> bool {
    *p == Default::default()
}

/// Invariant: the configuration changes only through a [`ConfigWriter`], so
/// changes are serialized: each one reads the configuration the previous one saved,
/// and none is lost between a read and a save. `config` is what is stored; readers
/// take it without waiting for writers.
pub(crate) struct Collection {
    pub(crate) name: Arc<str>,
    pub(crate) shards: Vec<Shard>,
    pub(crate) config: RwLock<CollectionConfig>,
    /// Held by a [`ConfigWriter`] from its read to its last save.
    config_lock: Mutex<()>,
    /// Held through a whole change of the position settings (save and re-placement),
    /// so two changes do not interleave (see `position_settings`).
    pub(crate) settings_lock: Mutex<()>,
    pub(crate) schema: RwLock<Option<Schema>>,
    pub(crate) indexes: RwLock<HashMap<String, Arc<VectorIndex>>>,
    pub(crate) positions: Arc<VectorIndex>,
    /// Entities stored (kept with the type index: counted at open, changed when a
    /// batch publishes).
    pub(crate) count: std::sync::atomic::AtomicUsize,
    /// Columns of hot fields for scans (see `columns`).
    pub(crate) columns: super::columns::ColumnSlot,
    /// Edge changes, for the background refinement (see `refiner`).
    pub(crate) graph: Arc<super::refiner::GraphState>,
}

const CONFIG_KEY: &str = "collection";
const POSITION_INDEX: &str = "position";

pub(crate) fn shard_path(dir: &Path, n: u32) -> PathBuf {
    dir.join(format!("shard-{n:03}.manifold"))
}

impl Collection {
    /// Opens the collection in `dir`, creating it with `default_shards` if new.
    pub(crate) fn open(
        name: &str,
        dir: &Path,
        default_shards: u32,
        manifold: &manifold::Config,
        position_dim: usize,
    ) -> Result<Collection, StoreError> {
        let fresh = !dir.exists();
        std::fs::create_dir_all(dir)?;
        let first = Shard::open(&shard_path(dir, 0), manifold.clone())?;
        let config = match first.system_get(CONFIG, CONFIG_KEY)? {
            Some(b) => serde_json::from_slice::<CollectionConfig>(&b).map_err(|source| {
                StoreError::CorruptJson {
                    what: format!("collection `{name}` config"),
                    source,
                }
            })?,
            None => {
                let c = CollectionConfig {
                    shards: default_shards.max(1),
                    vectors: BTreeMap::new(),
                    auto_embed: Vec::new(),
                    time_series: None,
                    layout: BTreeMap::new(),
                    positions: Default::default(),
                };
                first.system_put(CONFIG, CONFIG_KEY, Some(&config_bytes(&c)?))?;
                c
            }
        };
        let schema = match first.system_get(SCHEMA, CONFIG_KEY)? {
            Some(b) => Some(decode_schema(&b)?),
            None => None,
        };
        let mut shards = vec![first];
        for n in 1..config.shards {
            shards.push(Shard::open(&shard_path(dir, n), manifold.clone())?);
        }
        if fresh {
            // manifold synced `dir` (the shard files' entries) when it opened them;
            // `dir`'s own entry lives in its parent.
            if let Some(parent) = dir.parent() {
                super::database::sync_dir(parent)?;
            }
        }
        // Filled from its snapshot and the stored positions by `restore_indexes`.
        let positions = Arc::new(VectorIndex::new(IndexKind::Position, position_dim)?);
        let c = Collection {
            name: Arc::from(name),
            shards,
            config: RwLock::new(config),
            config_lock: Mutex::new(()),
            settings_lock: Mutex::new(()),
            schema: RwLock::new(schema),
            indexes: RwLock::new(HashMap::new()),
            positions,
            count: std::sync::atomic::AtomicUsize::new(0),
            columns: Default::default(),
            graph: Default::default(),
        };
        Ok(c)
    }

    /// The shard that holds `id`.
    pub(crate) fn shard_of(&self, id: Uuid) -> usize {
        let (a, b) = id.as_u64_pair();
        ((a ^ b.rotate_left(17)) % self.shards.len() as u64) as usize
    }

    /// Starts a change of the configuration; other changes wait until the writer is
    /// dropped. Never held across a batch commit (a commit may declare a vector
    /// field, which takes a writer under the commit lock).
    pub(crate) fn config_writer(&self) -> ConfigWriter<'_> {
        ConfigWriter {
            collection: self,
            _guard: self.config_lock.lock(),
        }
    }

    /// Changes the configuration with `f` (saved only if it changed it); returns
    /// what `f` returns. Nothing is saved when `f` fails.
    pub(crate) fn update_config<R>(
        &self,
        f: impl FnOnce(&mut CollectionConfig) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let w = self.config_writer();
        let mut cfg = w.current();
        let r = f(&mut cfg)?;
        w.save(&cfg)?;
        Ok(r)
    }

    /// Saves (or with `None` removes) the declared schema.
    pub(crate) fn save_schema(&self, s: Option<&Schema>) -> Result<(), StoreError> {
        let bytes = s.map(encode_schema).transpose()?;
        self.shards[0].system_put(SCHEMA, CONFIG_KEY, bytes.as_deref())?;
        *self.schema.write() = s.cloned();
        Ok(())
    }

    /// Index of vector field `field`, if the collection has one.
    pub(crate) fn index(&self, field: &str) -> Option<Arc<VectorIndex>> {
        self.indexes.read().get(field).cloned()
    }

    /// Every index: the vector fields' and the position index.
    pub(crate) fn all_indexes(&self) -> Vec<Arc<VectorIndex>> {
        let mut all: Vec<_> = self.indexes.read().values().cloned().collect();
        all.push(self.positions.clone());
        all
    }

    /// Saves HNSW snapshots of every index (linking staged entries first).
    pub(crate) fn save_indexes(&self) -> Result<(), StoreError> {
        let sys = &self.shards[0].system;
        for (field, idx) in self.indexes.read().iter() {
            idx.save(sys, &format!("vector:{field}"))?;
        }
        self.positions.save(sys, POSITION_INDEX)
    }

    /// Loads or builds the index of each vector field and the position index, then
    /// reconciles them with the stored vectors and positions.
    pub(crate) fn restore_indexes(&mut self, position_dim: usize) -> Result<(), StoreError> {
        let fields = self.config.read().vectors.clone();
        let sys = self.shards[0].system.clone();
        let mut map = HashMap::new();
        for (field, vf) in fields {
            let mut stored = Vec::new();
            for s in &self.shards {
                let t = s.vector_table(&field, vf.dim)?;
                let r = t.reader()?;
                for item in r.iter()? {
                    let item = item?;
                    stored.push((item.id(), item.vector().to_vec()));
                }
            }
            let idx = VectorIndex::restore(
                IndexKind::Vector(vf.metric),
                vf.dim,
                &sys,
                &format!("vector:{field}"),
                stored,
            )?;
            map.insert(field, Arc::new(idx));
        }
        *self.indexes.write() = map;
        let mut points = Vec::new();
        for s in &self.shards {
            let rtx = s.positions.begin_read()?;
            let t = rtx.open_table(super::shard::POS)?;
            for e in t.iter()? {
                let (id, bytes) = e?;
                let p = super::placement::Placement::decode(&bytes)?;
                if let Some(lanes) = position_lanes(&p.combined) {
                    points.push((id, lanes));
                }
            }
        }
        self.positions = Arc::new(VectorIndex::restore(
            IndexKind::Position,
            position_dim,
            &sys,
            POSITION_INDEX,
            points,
        )?);
        Ok(())
    }
}

/// The Poincare-ball image (f32) of hyperboloid coordinates (curvature -1); `None`
/// for an empty or invalid point. f32 images collapse nearby points past radius
/// ~16: the position index stores f64 images instead (see `index::Poincare64`).
pub fn to_ball(x: &[f64]) -> Option<Vec<f32>> {
    if x.len() < 2 || !x.iter().all(|v| v.is_finite()) {
        return None;
    }
    let h = crate::Hyperboloid::new(1.0).ok()?;
    let p = crate::hyperboloid_to_poincare(&h, x).ok()?;
    Some(p.iter().map(|&v| v as f32).collect())
}

/// Exclusive right to change a collection's configuration (see [`Collection`]).
pub(crate) struct ConfigWriter<'a> {
    collection: &'a Collection,
    _guard: MutexGuard<'a, ()>,
}

impl ConfigWriter<'_> {
    /// The configuration as stored.
    pub(crate) fn current(&self) -> CollectionConfig {
        self.collection.config.read().clone()
    }

    /// Stores `c` (nothing is written when it equals the stored configuration) and
    /// makes it the one in effect.
    pub(crate) fn save(&self, c: &CollectionConfig) -> Result<(), StoreError> {
        if *c == *self.collection.config.read() {
            return Ok(());
        }
        let bytes = config_bytes(c)?;
        self.collection.shards[0].system_put(CONFIG, CONFIG_KEY, Some(&bytes))?;
        *self.collection.config.write() = c.clone();
        Ok(())
    }
}

fn config_bytes(c: &CollectionConfig) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(c).map_err(|source| StoreError::Encode {
        what: "collection config",
        source,
    })
}

#[derive(Serialize, Deserialize)]
struct StoredField {
    name: String,
    ty: String,
    required: bool,
    indexed: bool,
    cascade: Option<String>,
    /// `METADATA`, `COLLECTION_SPECIFIC` or `DOMAIN_SHARED` (absent in schemas
    /// stored before scopes existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredSchema {
    name: String,
    closed: bool,
    fields: Vec<StoredField>,
}

fn encode_schema(s: &Schema) -> Result<Vec<u8>, StoreError> {
    let stored = StoredSchema {
        name: s.name.clone(),
        closed: s.closed,
        fields: s
            .fields
            .iter()
            .map(|f| StoredField {
                name: f.name.clone(),
                ty: f.field_type().to_string(),
                required: f.required,
                indexed: f.indexed,
                cascade: f.cascade.clone(),
                scope: f.scope.map(|s| s.keyword().to_string()),
            })
            .collect(),
    };
    serde_json::to_vec(&stored).map_err(|source| StoreError::Encode {
        what: "schema",
        source,
    })
}

/// Parses a type as [`FieldType`]'s `Display` prints it (`Int`, `Vector(384)`,
/// `Array(Vector(3))`); `Any` for a text it does not know.
pub(crate) fn parse_type(text: &str) -> FieldType {
    FieldType::parse(text).unwrap_or(FieldType::Plain(Type::Any))
}

fn decode_schema(b: &[u8]) -> Result<Schema, StoreError> {
    let s: StoredSchema = serde_json::from_slice(b).map_err(|source| StoreError::CorruptJson {
        what: "stored schema".into(),
        source,
    })?;
    Ok(Schema {
        name: s.name,
        closed: s.closed,
        declared: true,
        fields: s
            .fields
            .into_iter()
            .map(|f| {
                let mut fs = FieldSchema::new(f.name, Type::Any);
                fs.set_field_type(parse_type(&f.ty));
                fs.required = f.required;
                fs.indexed = f.indexed;
                fs.cascade = f.cascade;
                fs.scope = f.scope.as_deref().and_then(FieldScope::from_keyword);
                fs
            })
            .collect(),
    })
}
