//! The database handle: collections, the type index, external ids, caches.

use super::cache::{Cache, CacheStats};
use super::codec::EntityMeta;
use super::collection::{Collection, CollectionConfig, VectorField};
use super::config::Options;
use super::shard::{EXTERNAL, META};
use super::vindex::{IndexKind, VectorIndex};
use crate::cascade::CascadeSet;
use crate::store::{StoreError, check_name};
use dashmap::DashMap;
use hyperql::{Record, Value};
use parking_lot::{Mutex, RwLock};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tessera_bridge::Embedder;
use uuid::Uuid;

/// Where an entity lives (the in-memory type index).
#[derive(Clone, Debug)]
pub(crate) struct Loc {
    pub(crate) collection: Arc<str>,
    pub(crate) shard: u32,
    pub(crate) entity_type: Option<Arc<str>>,
    /// The write sequence number of the batch that last wrote the entity (0: not
    /// written since the database was opened). Batches compare it with the version
    /// they read to find concurrent writes (see `WriteBatch::check_concurrent`).
    pub(crate) version: u64,
}

/// Counters of a database.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct StoreStats {
    /// Collections.
    pub collections: usize,
    /// Entities (all collections).
    pub entities: usize,
    /// The entity cache.
    pub entity_cache: CacheStats,
    /// The property cache.
    pub property_cache: CacheStats,
    /// Statements committed since open.
    pub commits: u64,
    /// Damaged records (that do not decode) scans skipped since open.
    pub damaged_skipped: u64,
    /// Vectors and positions committed but not yet linked into their HNSW graphs
    /// (searches scan them exactly; the indexer thread links them).
    pub index_staged: usize,
    /// Bytes (estimated) held by the collections' column caches.
    pub column_cache_bytes: usize,
}

pub(crate) struct Inner {
    pub(crate) dir: PathBuf,
    pub(crate) options: Options,
    pub(crate) collections: RwLock<BTreeMap<String, Arc<Collection>>>,
    pub(crate) locs: DashMap<Uuid, Loc, foldhash::fast::RandomState>,
    pub(crate) external: DashMap<String, Uuid, foldhash::fast::RandomState>,
    pub(crate) entity_cache: Cache<Uuid, Record>,
    pub(crate) property_cache: Cache<(Uuid, String), Value>,
    pub(crate) cascades: RwLock<CascadeSet>,
    /// Held while a batch is checked and written: batches apply one at a time, so
    /// cascades and positions always see a consistent committed state.
    pub(crate) commit_lock: Mutex<()>,
    pub(crate) commits: std::sync::atomic::AtomicU64,
    /// Saved redo records of batches over several shards (see `batch_log`).
    pub(crate) batch_log: super::batch_log::BatchLog,
    /// Damaged records skipped by scans since open (see `Database::scan`).
    pub(crate) damaged: Arc<std::sync::atomic::AtomicU64>,
    /// Why writes are refused until the database is reopened, if they are.
    pub(crate) broken: Mutex<Option<String>>,
    /// The write sequence number of the last committed batch (see `Loc::version`).
    pub(crate) write_seq: std::sync::atomic::AtomicU64,
    /// Bumped by every commit before it evicts cache entries (see `Cache::put_if`).
    pub(crate) cache_epoch: std::sync::atomic::AtomicU64,
    /// The time of the last batch started, in µs since the Unix epoch (see
    /// `Database::batch_time`).
    pub(crate) last_batch_us: std::sync::atomic::AtomicI64,
    /// Registered embedders; the first is the default of `EMBED()`.
    pub(crate) embedders: RwLock<Vec<Arc<dyn Embedder>>>,
    /// The change feed.
    pub(crate) feed: super::feed::Feed,
    /// Serializes the creation of collections.
    pub(crate) create_lock: Mutex<()>,
    /// Links staged index entries in the background.
    pub(crate) indexer: super::indexer::Indexer,
    /// Lays collections out again in the background (see `refiner`).
    pub(crate) refiner: super::refiner::Refiner,
}

/// A hyperspatial database: a directory of collections.
///
/// Cheap to clone; clones share everything. Dropping the last clone saves index
/// snapshots and checkpoints every shard.
#[derive(Clone)]
pub struct Database {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Database({})", self.inner.dir.display())
    }
}

impl Database {
    /// Opens (creating if needed) the database in directory `dir` with default options.
    pub fn open(dir: impl AsRef<Path>) -> Result<Database, StoreError> {
        Self::open_with(dir, Options::default())
    }

    /// Opens with explicit options. Replays each shard's log, rebuilds the type index
    /// and loads (or rebuilds) the HNSW indexes.
    pub fn open_with(dir: impl AsRef<Path>, options: Options) -> Result<Database, StoreError> {
        let dir = dir.as_ref().to_path_buf();
        let root = dir.join("collections");
        // `collections/` becomes durable in `dir` when the batch log opens: manifold
        // syncs the directory of every file it opens.
        std::fs::create_dir_all(&root)?;
        let batch_log = super::batch_log::BatchLog::open(&dir, &options.manifold)?;
        let saved = batch_log.saved()?;
        let inner = Inner {
            dir,
            entity_cache: Cache::new(options.entity_cache),
            property_cache: Cache::new(options.property_cache),
            options,
            collections: RwLock::new(BTreeMap::new()),
            locs: DashMap::default(),
            external: DashMap::default(),
            cascades: RwLock::new(CascadeSet::default()),
            commit_lock: Mutex::new(()),
            commits: std::sync::atomic::AtomicU64::new(0),
            write_seq: std::sync::atomic::AtomicU64::new(0),
            batch_log,
            broken: Mutex::new(None),
            damaged: Arc::default(),
            cache_epoch: std::sync::atomic::AtomicU64::new(0),
            last_batch_us: std::sync::atomic::AtomicI64::new(i64::MIN),
            embedders: RwLock::new(Vec::new()),
            create_lock: Mutex::new(()),
            feed: super::feed::Feed::default(),
            indexer: super::indexer::Indexer::start(),
            refiner: super::refiner::Refiner::default(),
        };
        let db = Database {
            inner: Arc::new(inner),
        };
        if let Some(r) = db.inner.options.refine {
            db.inner.refiner.start(Arc::downgrade(&db.inner), r);
        }
        let mut names: Vec<String> = std::fs::read_dir(&root)?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| check_name(n).is_ok())
            .collect();
        names.sort();
        for name in names {
            db.load_collection_replaying(&name, &saved)?;
        }
        for (number, _) in &saved {
            db.inner.batch_log.forget(*number)?;
        }
        db.rebuild_cascades()?;
        db.undo_interrupted_imports()?;
        Ok(db)
    }

    /// The directory of the database.
    pub fn path(&self) -> &Path {
        &self.inner.dir
    }

    /// The options it was opened with.
    pub fn options(&self) -> &Options {
        &self.inner.options
    }

    fn load_collection(&self, name: &str) -> Result<Arc<Collection>, StoreError> {
        self.load_collection_replaying(name, &[])
    }

    /// Opens collection `name`, first applying to its shards what `saved` batches
    /// (from the batch log) they lack.
    fn load_collection_replaying(
        &self,
        name: &str,
        saved: &[(u64, Vec<super::batch_log::Part>)],
    ) -> Result<Arc<Collection>, StoreError> {
        let o = &self.inner.options;
        let dir = self.inner.dir.join("collections").join(name);
        let mut c = Collection::open(name, &dir, o.shards, &o.manifold, o.position_dim)?;
        for (n, shard) in c.shards.iter().enumerate() {
            super::batch_log::replay(saved, name, n as u32, shard)?;
        }
        c.restore_indexes(o.position_dim)?;
        for (n, shard) in c.shards.iter().enumerate() {
            let rtx = shard.entities.begin_read()?;
            for e in rtx.open_table(META)?.iter()? {
                let (id, bytes) = e?;
                let meta = EntityMeta::decode(&bytes)?;
                c.count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                self.inner.locs.insert(
                    id,
                    Loc {
                        collection: c.name.clone(),
                        shard: n as u32,
                        entity_type: meta.entity_type.as_deref().map(Arc::from),
                        version: 0,
                    },
                );
            }
            for e in rtx.open_table(EXTERNAL)?.iter()? {
                let (k, id) = e?;
                self.inner.external.insert(k, id);
            }
        }
        let c = Arc::new(c);
        for idx in c.all_indexes() {
            if idx.staged() > 0 {
                self.index_later(&idx);
            }
        }
        self.inner
            .collections
            .write()
            .insert(name.to_string(), c.clone());
        Ok(c)
    }

    /// The collection called `name`, if it exists.
    pub(crate) fn collection(&self, name: &str) -> Option<Arc<Collection>> {
        self.inner.collections.read().get(name).cloned()
    }

    /// The collection called `name`, created (with default settings) if new.
    pub(crate) fn collection_or_create(&self, name: &str) -> Result<Arc<Collection>, StoreError> {
        if let Some(c) = self.collection(name) {
            return Ok(c);
        }
        check_name(name)?;
        let _guard = self.inner.create_lock.lock();
        if let Some(c) = self.collection(name) {
            return Ok(c);
        }
        let limit = self.inner.options.max_collections;
        if self.inner.collections.read().len() >= limit {
            return Err(StoreError::TooManyCollections { limit });
        }
        self.load_collection(name)
    }

    /// Creates a collection (no error if it exists).
    pub fn create_collection(&self, name: &str) -> Result<(), StoreError> {
        self.collection_or_create(name).map(|_| ())
    }

    /// Names of all collections, sorted.
    pub fn collections(&self) -> Vec<String> {
        self.inner.collections.read().keys().cloned().collect()
    }

    /// The declared schema of a collection, if it has one.
    pub fn schema_of(&self, name: &str) -> Option<hyperql::Schema> {
        self.collection(name).and_then(|c| c.schema.read().clone())
    }

    /// The configuration of a collection.
    pub fn collection_config(&self, name: &str) -> Option<CollectionConfig> {
        self.collection(name).map(|c| c.config.read().clone())
    }

    /// Declares a vector field (creating the collection if needed): values of `field`
    /// are stored in a vector table of dimension `dim` and indexed for k-NN under
    /// `metric`. Declaring an existing field again with the same settings is a no-op;
    /// other settings are refused.
    pub fn define_vector_field(
        &self,
        collection: &str,
        field: &str,
        vf: VectorField,
    ) -> Result<(), StoreError> {
        if vf.dim == 0 || vf.dim > 65_536 {
            return Err(StoreError::Invalid(format!(
                "vector field `{field}`: dimension {} is not in 1..=65536",
                vf.dim
            )));
        }
        for seg in field.split('.') {
            check_name(seg)?;
        }
        let c = self.collection_or_create(collection)?;
        // The index is added before the writer is dropped, so whoever finds the
        // field declared finds its index too.
        let w = c.config_writer();
        let mut cfg = w.current();
        if let Some(old) = cfg.vectors.get(field) {
            if *old == vf {
                return Ok(());
            }
            return Err(StoreError::Constraint(format!(
                "vector field `{collection}.{field}` exists as {}-d {}",
                old.dim,
                old.metric.name()
            )));
        }
        let index = Arc::new(VectorIndex::new(IndexKind::Vector(vf.metric), vf.dim)?);
        cfg.vectors.insert(field.to_string(), vf);
        w.save(&cfg)?;
        c.indexes.write().insert(field.to_string(), index);
        Ok(())
    }

    /// Most beam width [`Database::set_vector_search_width`] accepts.
    pub const MAX_SEARCH_WIDTH: usize = 10_000;

    /// Sets the beam width (HNSW `ef_search`, default 100) of later k-NN searches on
    /// vector field `collection.field`: wider finds more of the true neighbours and
    /// costs more time. Searches for `k` neighbours use at least `k`. Holds until the
    /// database closes (it is not stored); `1..=`[`Database::MAX_SEARCH_WIDTH`].
    pub fn set_vector_search_width(
        &self,
        collection: &str,
        field: &str,
        ef: usize,
    ) -> Result<(), StoreError> {
        if !(1..=Self::MAX_SEARCH_WIDTH).contains(&ef) {
            return Err(StoreError::Constraint(format!(
                "search width {ef} is not in 1..={}",
                Self::MAX_SEARCH_WIDTH
            )));
        }
        self.vector_index(collection, field)?.set_ef_search(ef);
        Ok(())
    }

    /// The beam width of k-NN searches on vector field `collection.field`.
    pub fn vector_search_width(&self, collection: &str, field: &str) -> Result<usize, StoreError> {
        Ok(self.vector_index(collection, field)?.ef_search())
    }

    fn vector_index(
        &self,
        collection: &str,
        field: &str,
    ) -> Result<Arc<crate::store::vindex::VectorIndex>, StoreError> {
        self.collection(collection)
            .and_then(|c| c.index(field))
            .ok_or_else(|| StoreError::NotFound(format!("no vector field `{collection}.{field}`")))
    }

    /// Configures auto-embedding of text field `source` into vector field `target`
    /// (which must be declared with the embedder's dimension). Needs an embedder
    /// ([`Database::set_embedder`]). Applies to later inserts and updates.
    pub fn define_auto_embed(
        &self,
        collection: &str,
        source: &str,
        target: &str,
    ) -> Result<(), StoreError> {
        let c = self.collection_or_create(collection)?;
        let w = c.config_writer();
        let mut cfg = w.current();
        let Some(vf) = cfg.vectors.get(target) else {
            return Err(StoreError::Invalid(format!(
                "auto-embedding needs the vector field `{collection}.{target}` declared first"
            )));
        };
        if let Some(e) = self.embedder(None) {
            let info = e.info();
            if info.dimension != vf.dim {
                return Err(StoreError::Invalid(format!(
                    "embedder `{}` gives {}-d vectors, field `{target}` is {}-d",
                    info.name, info.dimension, vf.dim
                )));
            }
        }
        let rule = super::collection::AutoEmbed {
            source: source.to_string(),
            target: target.to_string(),
        };
        if !cfg.auto_embed.contains(&rule) {
            cfg.auto_embed.push(rule);
            w.save(&cfg)?;
        }
        Ok(())
    }

    /// Registers an embedder under its model name; the first one registered is the
    /// default of auto-embedding and of `EMBED(text)` without a model name.
    pub fn register_embedder(&self, e: Arc<dyn Embedder>) {
        let mut all = self.inner.embedders.write();
        all.retain(|x| x.info().name != e.info().name);
        all.push(e);
    }

    /// The embedder called `name` (case-insensitive), or the default with `None`.
    pub fn embedder(&self, name: Option<&str>) -> Option<Arc<dyn Embedder>> {
        let all = self.inner.embedders.read();
        match name {
            None => all.first().cloned(),
            Some(n) => all
                .iter()
                .find(|e| e.info().name.eq_ignore_ascii_case(n))
                .cloned(),
        }
    }

    /// Subscribes to the change feed with a buffer of `capacity` events (see
    /// [`Subscription`](super::Subscription) for the policy when it is full).
    pub fn subscribe(&self, capacity: usize) -> super::Subscription {
        self.subscribe_with(capacity, super::feed::MAX_BUFFERED_BYTES)
    }

    /// [`subscribe`](Self::subscribe) with a buffer of at most `max_bytes` of records
    /// besides `capacity` events (`subscribe` allows 64 MiB).
    pub fn subscribe_with(&self, capacity: usize, max_bytes: usize) -> super::Subscription {
        self.inner.feed.subscribe(capacity, max_bytes)
    }

    /// Resolves an id as written by a user: a UUID, or an external id.
    pub fn resolve(&self, id: &Value) -> Option<Uuid> {
        let Value::String(s) = id else {
            return None;
        };
        if let Some(u) = self.inner.external.get(&**s) {
            return Some(*u);
        }
        Uuid::parse_str(s)
            .ok()
            .filter(|u| self.inner.locs.contains_key(u))
    }

    /// The external id of entity `id`, if it has one (read from its metadata alone).
    pub fn external_id(&self, id: Uuid) -> Result<Option<String>, StoreError> {
        let Some(loc) = self.loc(id) else {
            return Ok(None);
        };
        let Some(c) = self.collection(&loc.collection) else {
            return Ok(None);
        };
        Ok(c.shards[loc.shard as usize]
            .meta(id)?
            .and_then(|m| m.external_id))
    }

    /// The cache epoch (see `Cache::put_if`).
    pub(crate) fn epoch(&self) -> u64 {
        self.inner
            .cache_epoch
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Where an entity lives.
    pub(crate) fn loc(&self, id: Uuid) -> Option<Loc> {
        self.inner.locs.get(&id).map(|l| l.clone())
    }

    /// Number of entities in a collection (all when `None`).
    pub fn count(&self, collection: Option<&str>) -> usize {
        match collection {
            None => self.inner.locs.len(),
            Some(c) => self
                .collection(c)
                .map_or(0, |c| c.count.load(std::sync::atomic::Ordering::Relaxed)),
        }
    }

    /// Ids of every entity of a collection (from the type index), in no order.
    pub(crate) fn ids_in(&self, collection: &str) -> Vec<Uuid> {
        self.inner
            .locs
            .iter()
            .filter(|e| &*e.value().collection == collection)
            .map(|e| *e.key())
            .collect()
    }

    /// Counters: entities, caches, commits.
    pub fn stats(&self) -> StoreStats {
        StoreStats {
            collections: self.inner.collections.read().len(),
            entities: self.inner.locs.len(),
            entity_cache: self.inner.entity_cache.stats(),
            property_cache: self.inner.property_cache.stats(),
            commits: self
                .inner
                .commits
                .load(std::sync::atomic::Ordering::Relaxed),
            damaged_skipped: self
                .inner
                .damaged
                .load(std::sync::atomic::Ordering::Relaxed),
            index_staged: self
                .inner
                .collections
                .read()
                .values()
                .flat_map(|c| c.all_indexes())
                .map(|i| i.staged())
                .sum(),
            column_cache_bytes: self
                .inner
                .collections
                .read()
                .values()
                .map(|c| c.columns.bytes())
                .sum(),
        }
    }

    /// Links every staged vector and position into its HNSW graph, on the calling
    /// thread (alongside the indexer), and returns when none is left. Searches are
    /// exact either way; this makes them fast again after a large load.
    pub fn wait_for_indexes(&self) {
        let cols: Vec<_> = self.inner.collections.read().values().cloned().collect();
        for c in cols {
            for idx in c.all_indexes() {
                while idx.drain(4096, true) > 0 {}
            }
        }
    }

    /// Queues `idx` for the indexer thread.
    pub(crate) fn index_later(&self, idx: &Arc<VectorIndex>) {
        self.inner.indexer.enqueue(idx);
    }

    /// Saves index snapshots and checkpoints every shard (the log is emptied).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let cols: Vec<_> = self.inner.collections.read().values().cloned().collect();
        for c in cols {
            c.save_indexes()?;
            for s in &c.shards {
                s.db.checkpoint()?;
            }
        }
        Ok(())
    }

    /// Rebuilds the cascade rules from every declared schema.
    pub(crate) fn rebuild_cascades(&self) -> Result<(), StoreError> {
        let mut set = CascadeSet::default();
        for c in self.inner.collections.read().values() {
            if let Some(s) = c.schema.read().as_ref() {
                set.set_schema(s)?;
            }
        }
        *self.inner.cascades.write() = set;
        Ok(())
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        for c in self.collections.read().values() {
            let _ = c.save_indexes();
            for s in &c.shards {
                let _ = s.db.checkpoint();
            }
        }
    }
}

/// Makes a directory's entries (files and directories created in it) durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}
