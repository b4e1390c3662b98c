//! The hash maps of the write path (a batch's entities, placements, external ids;
//! the in-memory type index): foldhash, seeded per process, instead of SipHash. Keys
//! are entity ids and external ids; a per-process random seed keeps crafted keys
//! from colliding on purpose, at a fraction of SipHash's cost per lookup.

/// A `HashMap` with the write path's hasher.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A `HashSet` with the write path's hasher.
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
