//! Each vector table records its layout (kind, dimension, quantization) in a small
//! `<name>.meta` table, checked every time a handle opens it.

use crate::error::{Result, VectorError};
use manifold::{ColumnFamily, TableDefinition};

/// The kind of a vector table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Dense,
    Sparse,
    Multi,
}

/// What a table was created as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    pub(crate) kind: Kind,
    pub(crate) dim: u32,
    pub(crate) quantized: bool,
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            Kind::Dense => write!(f, "dense {}-d", self.dim)?,
            Kind::Sparse => write!(f, "sparse")?,
            Kind::Multi => write!(f, "multi-vector {}-d", self.dim)?,
        }
        if self.quantized {
            write!(f, " with i8 quantization")?;
        }
        Ok(())
    }
}

impl Layout {
    fn encode(self) -> [u8; 6] {
        let kind = match self.kind {
            Kind::Dense => 1,
            Kind::Sparse => 2,
            Kind::Multi => 3,
        };
        let d = self.dim.to_le_bytes();
        [kind, d[0], d[1], d[2], d[3], u8::from(self.quantized)]
    }

    fn decode(b: &[u8]) -> Result<Layout> {
        let bad = || VectorError::Corrupt(format!("layout record of {} bytes", b.len()));
        if b.len() != 6 {
            return Err(bad());
        }
        let kind = match b[0] {
            1 => Kind::Dense,
            2 => Kind::Sparse,
            3 => Kind::Multi,
            _ => return Err(bad()),
        };
        Ok(Layout {
            kind,
            dim: u32::from_le_bytes([b[1], b[2], b[3], b[4]]),
            quantized: b[5] == 1,
        })
    }
}

const LAYOUT_KEY: &str = "layout";

/// The name of the table holding `table`'s layout.
pub(crate) fn meta_name(table: &str) -> String {
    format!("{table}.meta")
}

/// Refuses the names this crate reserves for companion tables.
pub(crate) fn check_name(table: &str) -> Result<()> {
    if table.ends_with(".meta") || table.ends_with(".q8") {
        return Err(VectorError::InvalidName {
            name: table.to_string(),
            reason: "names ending in `.meta` or `.q8` are reserved for companion tables",
        });
    }
    Ok(())
}

/// `table`'s recorded layout, or `None` if no table of that name was ever opened.
pub(crate) fn read(cf: &ColumnFamily, table: &str) -> Result<Option<Layout>> {
    check_name(table)?;
    let meta = meta_name(table);
    let def: TableDefinition<str, [u8]> = TableDefinition::new(&meta);
    match cf.begin_read()?.open_table(def)?.get(LAYOUT_KEY)? {
        Some(bytes) => Ok(Some(Layout::decode(&bytes)?)),
        None => Ok(None),
    }
}

/// Reads `table`'s layout, recording `requested` if the table is new. `quantized: None`
/// accepts whatever is stored (false for a new table).
pub(crate) fn ensure(
    cf: &ColumnFamily,
    table: &str,
    kind: Kind,
    dim: u32,
    quantized: Option<bool>,
) -> Result<Layout> {
    let requested = Layout {
        kind,
        dim,
        quantized: quantized.unwrap_or(false),
    };
    let stored = match read(cf, table)? {
        Some(stored) => stored,
        None => {
            let meta = meta_name(table);
            let def: TableDefinition<str, [u8]> = TableDefinition::new(&meta);
            let tx = cf.begin_write()?;
            // Another handle may have created it since the read above.
            let found = {
                let mut t = tx.open_table(def)?;
                match t.get(LAYOUT_KEY)? {
                    Some(bytes) => Some(Layout::decode(&bytes)?),
                    None => {
                        t.insert(LAYOUT_KEY, &requested.encode())?;
                        None
                    }
                }
            };
            tx.commit()?;
            found.unwrap_or(requested)
        }
    };
    let compatible =
        stored.kind == kind && stored.dim == dim && quantized.is_none_or(|q| q == stored.quantized);
    if !compatible {
        return Err(VectorError::LayoutMismatch {
            table: table.to_string(),
            stored: stored.to_string(),
            requested: requested.to_string(),
        });
    }
    Ok(stored)
}
