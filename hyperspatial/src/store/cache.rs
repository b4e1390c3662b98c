//! A bounded LRU cache with hit and miss counters.

use lru::LruCache;
use parking_lot::Mutex;
use std::hash::Hash;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Hit and miss counts of a cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct CacheStats {
    /// Lookups that found the entry.
    pub hits: u64,
    /// Lookups that did not.
    pub misses: u64,
    /// Entries held now.
    pub len: usize,
    /// Most entries held.
    pub capacity: usize,
}

impl CacheStats {
    /// `hits / (hits + misses)`, 0 before any lookup.
    pub fn hit_rate(&self) -> f64 {
        let n = self.hits + self.misses;
        if n == 0 {
            0.0
        } else {
            self.hits as f64 / n as f64
        }
    }
}

/// Least-recently-used eviction; a capacity of 0 disables the cache.
pub(crate) struct Cache<K: Hash + Eq, V: Clone> {
    map: Option<Mutex<LruCache<K, V>>>,
    capacity: usize,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl<K: Hash + Eq, V: Clone> Cache<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Cache {
            map: NonZeroUsize::new(capacity).map(|c| Mutex::new(LruCache::new(c))),
            capacity,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub(crate) fn get(&self, k: &K) -> Option<V> {
        let found = self.map.as_ref().and_then(|m| m.lock().get(k).cloned());
        if found.is_some() {
            self.hits.fetch_add(1, Relaxed);
        } else {
            self.misses.fetch_add(1, Relaxed);
        }
        found
    }

    /// Inserts only if `still_valid()` holds, checked under the cache's lock: a
    /// reader passes "no commit happened since I started reading", so a value read
    /// before a commit can never land in the cache after that commit evicted it.
    pub(crate) fn put_if(&self, k: K, v: V, still_valid: impl FnOnce() -> bool) {
        if let Some(m) = &self.map {
            let mut m = m.lock();
            if still_valid() {
                m.put(k, v);
            }
        }
    }

    pub(crate) fn remove(&self, k: &K) {
        if let Some(m) = &self.map {
            m.lock().pop(k);
        }
    }

    /// Empties the cache (counters are kept).
    pub(crate) fn clear(&self) {
        if let Some(m) = &self.map {
            m.lock().clear();
        }
    }

    pub(crate) fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Relaxed),
            misses: self.misses.load(Relaxed),
            len: self.map.as_ref().map_or(0, |m| m.lock().len()),
            capacity: self.capacity,
        }
    }
}
