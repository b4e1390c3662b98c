//! Index snapshots kept in a manifold column family: one row per named index in
//! the table [`SNAPSHOT_TABLE`], value = the bytes of [`Hnsw::to_bytes`].

use manifold::{ColumnFamily, TableDefinition};

use super::metric::Metric;
use super::{Hnsw, IndexError};

/// The table that holds snapshots: index name -> snapshot bytes.
pub const SNAPSHOT_TABLE: TableDefinition<'static, str, [u8]> =
    TableDefinition::new("hnsw_snapshots");

fn storage(e: manifold::Error) -> IndexError {
    IndexError::Storage(std::sync::Arc::new(e))
}

impl<M: Metric> Hnsw<M> {
    /// Saves a snapshot of the index under `name` in `cf`, in one committed
    /// transaction (replacing an older snapshot of that name).
    pub fn save_to(&self, cf: &ColumnFamily, name: &str) -> Result<(), IndexError> {
        let bytes = self.to_bytes()?;
        let tx = cf.begin_write().map_err(storage)?;
        {
            let mut table = tx.open_table(SNAPSHOT_TABLE).map_err(storage)?;
            table.insert(name, &bytes).map_err(storage)?;
        }
        tx.commit().map_err(storage)
    }

    /// Reopens the snapshot saved under `name` in `cf`; `None` if there is none.
    pub fn load_from(cf: &ColumnFamily, name: &str) -> Result<Option<Self>, IndexError> {
        let tx = cf.begin_read().map_err(storage)?;
        let table = tx.open_table(SNAPSHOT_TABLE).map_err(storage)?;
        match table.get(name).map_err(storage)? {
            Some(bytes) => Self::from_bytes(&bytes).map(Some),
            None => Ok(None),
        }
    }
}
