//! Typed tables over byte-ordered keys.
//!
//! Underneath, every table is a redb table from encoded key bytes to encoded value bytes,
//! so redb's byte order is the keys' natural order (see `codec::key`). Writes go to
//! redb and, at the same time, into the transaction's log record.

use crate::codec::key::{Key, decode_key, encode_key, prefix_successor};
use crate::codec::value::Value;
use crate::error::{Error, Result, caught};
use crate::wal::record::{Op, RecordBuilder};
use redb::{ReadableTable as _, ReadableTableMetadata as _};
use std::cell::RefCell;
use std::marker::PhantomData;
use std::ops::{Bound, RangeBounds};

pub(crate) type RawDef<'a> = redb::TableDefinition<'a, &'static [u8], &'static [u8]>;
type RawTable<'t> = redb::Table<'t, &'static [u8], &'static [u8]>;
type RawReadTable = redb::ReadOnlyTable<&'static [u8], &'static [u8]>;
/// Marks the key and value types without owning or borrowing them.
type Types<K, V> = PhantomData<(fn(&K), fn(&V))>;

/// Names a table and its key and value types.
pub struct TableDefinition<'a, K: Key + ?Sized, V: Value + ?Sized> {
    name: &'a str,
    _types: Types<K, V>,
}

impl<'a, K: Key + ?Sized, V: Value + ?Sized> TableDefinition<'a, K, V> {
    /// A table called `name`. Names starting with `__manifold` are reserved.
    pub const fn new(name: &'a str) -> Self {
        TableDefinition {
            name,
            _types: PhantomData,
        }
    }

    /// The table's name.
    pub fn name(&self) -> &'a str {
        self.name
    }
}

impl<K: Key + ?Sized, V: Value + ?Sized> Clone for TableDefinition<'_, K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: Key + ?Sized, V: Value + ?Sized> Copy for TableDefinition<'_, K, V> {}

impl<K: Key + ?Sized, V: Value + ?Sized> std::fmt::Debug for TableDefinition<'_, K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TableDefinition({})", self.name)
    }
}

/// Refuses reserved and empty table names.
pub(crate) fn check_table_name(name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        "empty"
    } else if name.starts_with("__manifold") {
        "names starting with `__manifold` are reserved"
    } else if name.len() > u16::MAX as usize {
        "longer than 65535 bytes"
    } else {
        return Ok(());
    };
    Err(Error::InvalidName {
        name: name.to_string(),
        reason,
    })
}

/// A stored value, borrowed from the page cache: no copy until you ask for one.
pub struct ValueGuard<'a>(redb::AccessGuard<'a, &'static [u8]>);

impl ValueGuard<'_> {
    /// The stored bytes.
    pub fn bytes(&self) -> &[u8] {
        self.0.value()
    }
    /// Decodes the value.
    pub fn decode<V: Value + ?Sized>(&self) -> Result<V::Owned> {
        Ok(V::decode_value(self.bytes())?)
    }
}

/// One entry of a range, borrowed from the page cache.
pub struct RawEntry<'a> {
    key: redb::AccessGuard<'a, &'static [u8]>,
    value: redb::AccessGuard<'a, &'static [u8]>,
}

impl RawEntry<'_> {
    /// The encoded key.
    pub fn key_bytes(&self) -> &[u8] {
        self.key.value()
    }
    /// The stored value bytes.
    pub fn value_bytes(&self) -> &[u8] {
        self.value.value()
    }
}

/// Iterates a range of a table in key order, decoding entries.
pub struct RangeIter<'a, K: Key + ?Sized, V: Value + ?Sized> {
    /// `None` for a range known to be empty (missing table, inverted bounds).
    inner: Option<RawRange<'a>>,
    _types: Types<K, V>,
}

impl<'a, K: Key + ?Sized, V: Value + ?Sized> RangeIter<'a, K, V> {
    /// The same range, without decoding: entries borrow the stored bytes.
    pub fn raw(self) -> RawRangeIter<'a> {
        RawRangeIter(self.inner)
    }
}

impl<K: Key + ?Sized, V: Value + ?Sized> Iterator for RangeIter<'_, K, V> {
    type Item = Result<(K::Owned, V::Owned)>;
    fn next(&mut self) -> Option<Self::Item> {
        step(&mut self.inner, false).map(decode_entry::<K, V>)
    }
}

impl<K: Key + ?Sized, V: Value + ?Sized> DoubleEndedIterator for RangeIter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        step(&mut self.inner, true).map(decode_entry::<K, V>)
    }
}

/// Iterates a range without decoding.
pub struct RawRangeIter<'a>(Option<RawRange<'a>>);

impl<'a> Iterator for RawRangeIter<'a> {
    type Item = Result<RawEntry<'a>>;
    fn next(&mut self) -> Option<Self::Item> {
        step(&mut self.0, false).map(|r| r.map(|(key, value)| RawEntry { key, value }))
    }
}

impl DoubleEndedIterator for RawRangeIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        step(&mut self.0, true).map(|r| r.map(|(key, value)| RawEntry { key, value }))
    }
}

type RawRange<'a> = redb::Range<'a, &'static [u8], &'static [u8]>;
type Guards<'a> = (
    redb::AccessGuard<'a, &'static [u8]>,
    redb::AccessGuard<'a, &'static [u8]>,
);

/// One step of a range, from the front or the back. The entry's key and value are sliced
/// once inside `caught`: a damaged page panics there (reported as corruption, and the
/// range ends), and later accesses to the same guards compute the same, valid slices.
fn step<'a>(range: &mut Option<RawRange<'a>>, back: bool) -> Option<Result<Guards<'a>>> {
    let inner = range.as_mut()?;
    let stepped = caught(|| {
        let item = if back {
            inner.next_back()
        } else {
            inner.next()
        };
        if let Some(Ok((k, v))) = &item {
            let _ = (k.value().len(), v.value().len());
        }
        item
    });
    match stepped {
        Ok(item) => Some(item?.map_err(Error::from)),
        Err(e) => {
            *range = None;
            Some(Err(e))
        }
    }
}

fn decode_entry<K: Key + ?Sized, V: Value + ?Sized>(
    entry: Result<Guards<'_>>,
) -> Result<(K::Owned, V::Owned)> {
    let (k, v) = entry?;
    Ok((decode_key::<K>(k.value())?, V::decode_value(v.value())?))
}

thread_local! {
    /// Reused for encoding lookup keys, so a point read allocates nothing.
    static KEY_BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Calls `f` with the encoding of `key`, in a reused per-thread buffer.
fn with_encoded<K: Key + ?Sized, R>(key: &K, f: impl FnOnce(&[u8]) -> R) -> R {
    KEY_BUF.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            key.encode_key(&mut buf);
            f(&buf)
        }
        Err(_) => f(&encode_key(key)),
    })
}

fn encode_bound<K: Key + ?Sized>(b: Bound<&&K>) -> Bound<Vec<u8>> {
    match b {
        Bound::Included(k) => Bound::Included(encode_key(*k)),
        Bound::Excluded(k) => Bound::Excluded(encode_key(*k)),
        Bound::Unbounded => Bound::Unbounded,
    }
}

fn as_slice(b: &Bound<Vec<u8>>) -> Bound<&[u8]> {
    match b {
        Bound::Included(v) => Bound::Included(v.as_slice()),
        Bound::Excluded(v) => Bound::Excluded(v.as_slice()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

/// Encoded bounds of every key that starts with the encoding of `prefix`.
fn prefix_bounds<P: Key + ?Sized>(prefix: &P) -> (Bound<Vec<u8>>, Bound<Vec<u8>>) {
    let start = encode_key(prefix);
    let end = match prefix_successor(&start) {
        Some(e) => Bound::Excluded(e),
        None => Bound::Unbounded,
    };
    (Bound::Included(start), end)
}

/// Read operations shared by [`TableMut`] and [`ReadTable`].
macro_rules! read_methods {
    () => {
        /// The value under `key`, decoded.
        pub fn get(&self, key: &K) -> Result<Option<V::Owned>> {
            match self.get_raw(key)? {
                Some(g) => Ok(Some(g.decode::<V>()?)),
                None => Ok(None),
            }
        }

        /// The value under `key`, borrowed (no copy).
        pub fn get_raw(&self, key: &K) -> Result<Option<ValueGuard<'_>>> {
            with_encoded(key, |k| self.get_encoded(k))
        }

        /// The value under an already-encoded key.
        pub fn get_encoded(&self, key: &[u8]) -> Result<Option<ValueGuard<'_>>> {
            match self.raw_table() {
                Some(t) => Ok(caught(|| {
                    let g = t.get(key);
                    // Slicing the guard is where a damaged page would panic: do it here.
                    if let Ok(Some(g)) = &g {
                        let _ = g.value().len();
                    }
                    g
                })??
                .map(ValueGuard)),
                None => Ok(None),
            }
        }

        /// Whether `key` is present.
        pub fn contains(&self, key: &K) -> Result<bool> {
            Ok(self.get_raw(key)?.is_some())
        }

        /// Entries whose keys fall in `range`, in key order (reversible).
        pub fn range<'k>(&self, range: impl RangeBounds<&'k K>) -> Result<RangeIter<'_, K, V>>
        where
            K: 'k,
        {
            let start = encode_bound(range.start_bound());
            let end = encode_bound(range.end_bound());
            self.range_encoded(start, end)
        }

        /// Entries whose keys start with the encoding of `prefix` (for a tuple key, a
        /// shorter tuple or its first element).
        pub fn prefix<P: Key + ?Sized>(&self, prefix: &P) -> Result<RangeIter<'_, K, V>> {
            let (start, end) = prefix_bounds(prefix);
            self.range_encoded(start, end)
        }

        /// Every entry, in key order.
        pub fn iter(&self) -> Result<RangeIter<'_, K, V>> {
            self.range_encoded(Bound::Unbounded, Bound::Unbounded)
        }

        /// Entries between encoded bounds.
        pub fn range_encoded(
            &self,
            start: Bound<Vec<u8>>,
            end: Bound<Vec<u8>>,
        ) -> Result<RangeIter<'_, K, V>> {
            let empty = match (&start, &end) {
                (Bound::Included(s), Bound::Included(e)) => s > e,
                (
                    Bound::Included(s) | Bound::Excluded(s),
                    Bound::Included(e) | Bound::Excluded(e),
                ) => s >= e,
                _ => false,
            };
            let inner = match self.raw_table() {
                // An inverted or empty range is simply empty (redb would refuse it).
                Some(t) if !empty => Some(caught(|| {
                    t.range::<&[u8]>((as_slice(&start), as_slice(&end)))
                })??),
                _ => None,
            };
            Ok(RangeIter {
                inner,
                _types: PhantomData,
            })
        }

        /// Number of entries.
        pub fn len(&self) -> Result<u64> {
            match self.raw_table() {
                Some(t) => Ok(caught(|| t.len())??),
                None => Ok(0),
            }
        }

        /// Whether the table has no entries.
        pub fn is_empty(&self) -> Result<bool> {
            Ok(self.len()? == 0)
        }

        /// The first entry in key order.
        pub fn first(&self) -> Result<Option<(K::Owned, V::Owned)>> {
            self.iter()?.next().transpose()
        }

        /// The last entry in key order.
        pub fn last(&self) -> Result<Option<(K::Owned, V::Owned)>> {
            self.iter()?.next_back().transpose()
        }
    };
}

/// A table opened in a write transaction. Changes are visible to later reads in the same
/// transaction and to everyone once the transaction commits.
pub struct TableMut<'t, K: Key + ?Sized, V: Value + ?Sized> {
    table: RawTable<'t>,
    log: &'t RefCell<RecordBuilder>,
    family: u32,
    name: String,
    key_buf: Vec<u8>,
    value_buf: Vec<u8>,
    _types: Types<K, V>,
}

impl<'t, K: Key + ?Sized, V: Value + ?Sized> TableMut<'t, K, V> {
    pub(crate) fn new(
        table: RawTable<'t>,
        log: &'t RefCell<RecordBuilder>,
        family: u32,
        name: &str,
    ) -> Self {
        TableMut {
            table,
            log,
            family,
            name: name.to_string(),
            key_buf: Vec::new(),
            value_buf: Vec::new(),
            _types: PhantomData,
        }
    }

    fn raw_table(&self) -> Option<&RawTable<'t>> {
        Some(&self.table)
    }

    read_methods!();

    /// Inserts or replaces `key`.
    pub fn insert(&mut self, key: &K, value: &V) -> Result<()> {
        self.key_buf.clear();
        key.encode_key(&mut self.key_buf);
        self.value_buf.clear();
        value.encode_value(&mut self.value_buf);
        let (k, v) = (
            std::mem::take(&mut self.key_buf),
            std::mem::take(&mut self.value_buf),
        );
        let r = self.insert_encoded(&k, &v);
        self.key_buf = k;
        self.value_buf = v;
        r
    }

    /// Inserts under an already-encoded key and value.
    pub fn insert_encoded(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        caught(|| self.table.insert(key, value).map(|_| ()))??;
        self.log.borrow_mut().push(
            self.family,
            &Op::Put {
                table: &self.name,
                key,
                value,
            },
        );
        Ok(())
    }

    /// Inserts every pair (a bulk insert: one transaction, one log record).
    pub fn insert_many<'i, I>(&mut self, entries: I) -> Result<u64>
    where
        I: IntoIterator<Item = (&'i K, &'i V)>,
        K: 'i,
        V: 'i,
    {
        let mut n = 0;
        for (k, v) in entries {
            self.insert(k, v)?;
            n += 1;
        }
        Ok(n)
    }

    /// Removes `key`; returns whether it was present.
    pub fn remove(&mut self, key: &K) -> Result<bool> {
        let k = encode_key(key);
        self.remove_encoded(&k)
    }

    /// Removes an already-encoded key; returns whether it was present.
    pub fn remove_encoded(&mut self, key: &[u8]) -> Result<bool> {
        let found = caught(|| self.table.remove(key).map(|v| v.is_some()))??;
        if found {
            self.log.borrow_mut().push(
                self.family,
                &Op::Delete {
                    table: &self.name,
                    key,
                },
            );
        }
        Ok(found)
    }

    /// Removes every key in `range`; returns how many.
    pub fn remove_range<'k>(&mut self, range: impl RangeBounds<&'k K>) -> Result<u64>
    where
        K: 'k,
    {
        let start = encode_bound(range.start_bound());
        let end = encode_bound(range.end_bound());
        self.remove_range_encoded(start, end)
    }

    /// Removes every key that starts with the encoding of `prefix`; returns how many.
    pub fn remove_prefix<P: Key + ?Sized>(&mut self, prefix: &P) -> Result<u64> {
        let (start, end) = prefix_bounds(prefix);
        self.remove_range_encoded(start, end)
    }

    fn remove_range_encoded(&mut self, start: Bound<Vec<u8>>, end: Bound<Vec<u8>>) -> Result<u64> {
        let keys: Vec<Vec<u8>> = self
            .range_encoded(start, end)?
            .raw()
            .map(|e| e.map(|e| e.key_bytes().to_vec()))
            .collect::<Result<_>>()?;
        for k in &keys {
            self.remove_encoded(k)?;
        }
        Ok(keys.len() as u64)
    }
}

/// A table opened in a read transaction: a consistent snapshot. A table that does not
/// exist reads as empty.
pub struct ReadTable<K: Key + ?Sized, V: Value + ?Sized> {
    table: Option<RawReadTable>,
    _types: Types<K, V>,
}

impl<K: Key + ?Sized, V: Value + ?Sized> ReadTable<K, V> {
    pub(crate) fn new(table: Option<RawReadTable>) -> Self {
        ReadTable {
            table,
            _types: PhantomData,
        }
    }

    fn raw_table(&self) -> Option<&RawReadTable> {
        self.table.as_ref()
    }

    read_methods!();
}
