//! Series handles and the registry that interns names to ids.

use crate::error::{Error, Result};
use crate::tables::{META, MIN_TS, NAMES, SeriesMeta};
use crate::value::{SeriesValue, ValueKind};
use manifold::{ColumnFamily, TableMut};
use std::marker::PhantomData;
use std::sync::Arc;

/// A handle to one series holding values of type `V` (`f64` or a [`crate::Record`]).
/// Cheap to clone; valid for the store that issued it.
pub struct Series<V> {
    pub(crate) id: u32,
    pub(crate) name: Arc<str>,
    _value: PhantomData<fn() -> V>,
}

impl<V> Series<V> {
    /// The series name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The interned id: the first part of every key of this series.
    pub fn id(&self) -> u32 {
        self.id
    }
}

impl<V> Clone for Series<V> {
    fn clone(&self) -> Self {
        Series {
            id: self.id,
            name: self.name.clone(),
            _value: PhantomData,
        }
    }
}

impl<V> std::fmt::Debug for Series<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Series({} = {})", self.name, self.id)
    }
}

const MAX_NAME: usize = 1024;

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::InvalidName("empty"));
    }
    if name.len() > MAX_NAME {
        return Err(Error::InvalidName("longer than 1024 bytes"));
    }
    Ok(())
}

fn handle<V>(id: u32, name: &str) -> Series<V> {
    Series {
        id,
        name: Arc::from(name),
        _value: PhantomData,
    }
}

pub(crate) fn check_kind(name: &str, stored: &ValueKind, requested: &ValueKind) -> Result<()> {
    if stored != requested {
        return Err(Error::WrongValueType {
            name: name.to_string(),
            stored: stored.describe(),
            requested: requested.describe(),
        });
    }
    Ok(())
}

/// Looks a series up by name.
pub(crate) fn find<V: SeriesValue>(cf: &ColumnFamily, name: &str) -> Result<Option<Series<V>>> {
    check_name(name)?;
    let kind = V::kind().0;
    check_record_size(&kind)?;
    let rtx = cf.begin_read()?;
    let Some(id) = rtx.open_table(NAMES)?.get(name)? else {
        return Ok(None);
    };
    let meta = load_meta(&rtx.open_table(META)?, id)?;
    check_kind(name, &meta.kind, &kind)?;
    Ok(Some(handle(id, name)))
}

/// Looks a series up by name, creating it (in its own transaction) if missing.
pub(crate) fn get_or_create<V: SeriesValue>(cf: &ColumnFamily, name: &str) -> Result<Series<V>> {
    if let Some(s) = find::<V>(cf, name)? {
        return Ok(s);
    }
    let tx = cf.begin_write()?;
    let (id, created) = {
        let mut names = tx.open_table(NAMES)?;
        let mut metas = tx.open_table(META)?;
        // Another thread may have created it since the read above.
        let (id, _, created) = intern::<V>(&mut names, &mut metas, name)?;
        (id, created)
    };
    if created {
        tx.commit()?;
    }
    Ok(handle(id, name))
}

/// The id and metadata of series `name` holding `V` in a write transaction's tables,
/// registering it if missing (then the flag is true). Fails if it exists with another
/// value type.
pub(crate) fn intern<V: SeriesValue>(
    names: &mut TableMut<'_, str, u32>,
    metas: &mut TableMut<'_, u32, [u8]>,
    name: &str,
) -> Result<(u32, SeriesMeta, bool)> {
    check_name(name)?;
    let kind = V::kind().0;
    check_record_size(&kind)?;
    if let Some(id) = names.get(name)? {
        let meta = load_meta(metas, id)?;
        check_kind(name, &meta.kind, &kind)?;
        return Ok((id, meta, false));
    }
    let id = match metas.last()? {
        Some((last, _)) => last
            .checked_add(1)
            .ok_or(Error::Config("no series ids left".into()))?,
        None => 0,
    };
    let meta = SeriesMeta {
        name: name.to_string(),
        kind,
        horizon: MIN_TS,
    };
    names.insert(name, &id)?;
    metas.insert(&id, &meta.encode())?;
    Ok((id, meta, true))
}

fn check_record_size(kind: &ValueKind) -> Result<()> {
    let size = kind.size();
    if size == 0 || size > usize::from(u16::MAX) {
        return Err(Error::InvalidRecordSize(size));
    }
    Ok(())
}

/// Reads the metadata of series `id` from `table`.
pub(crate) fn load_meta<T: MetaSource>(table: &T, id: u32) -> Result<SeriesMeta> {
    let bytes = table.meta_bytes(id)?.ok_or(Error::UnknownSeries(id))?;
    SeriesMeta::decode(id, &bytes)
}

/// Reads the metadata of series `id` and checks it holds `V`.
pub(crate) fn load_checked<V: SeriesValue, T: MetaSource>(
    table: &T,
    s: &Series<V>,
) -> Result<SeriesMeta> {
    let meta = load_meta(table, s.id)?;
    check_kind(&meta.name, &meta.kind, &V::kind().0)?;
    Ok(meta)
}

/// The metadata table, in a read or a write transaction.
pub(crate) trait MetaSource {
    fn meta_bytes(&self, id: u32) -> manifold::Result<Option<Vec<u8>>>;
}

impl MetaSource for manifold::ReadTable<u32, [u8]> {
    fn meta_bytes(&self, id: u32) -> manifold::Result<Option<Vec<u8>>> {
        self.get(&id)
    }
}

impl MetaSource for manifold::TableMut<'_, u32, [u8]> {
    fn meta_bytes(&self, id: u32) -> manifold::Result<Option<Vec<u8>>> {
        self.get(&id)
    }
}
