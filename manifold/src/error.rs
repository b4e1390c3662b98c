//! Errors. `DecodeError` belongs to the codec layer; everything else is an [`Error`].

use std::io;

/// A stored or supplied byte string that does not decode as the expected type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes end before the value does.
    #[error("encoded {what} ends early")]
    Truncated {
        /// The type being decoded.
        what: &'static str,
    },
    /// Bytes remain after a complete value.
    #[error("{extra} trailing bytes after an encoded {what}")]
    Trailing {
        /// The type being decoded.
        what: &'static str,
        /// How many bytes were left.
        extra: usize,
    },
    /// The bytes are not a valid encoding.
    #[error("invalid encoded {what}: {detail}")]
    Invalid {
        /// The type being decoded.
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
}

/// Everything that can go wrong in manifold.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An operating-system I/O call failed.
    #[error("I/O error while {context}: {source}")]
    Io {
        /// What manifold was doing.
        context: &'static str,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// File contents fail their checksums or contradict each other.
    #[error("corrupted {what}: {detail}")]
    Corrupted {
        /// Which structure (directory, log, ...).
        what: &'static str,
        /// What was found.
        detail: String,
    },
    /// Another process (or another `Database` in this one) has the file open.
    #[error("database file {0} is locked by another process or handle")]
    Locked(String),
    /// The directory no longer fits in its slot.
    #[error("directory needs {bytes} bytes but a slot holds {capacity}: use a larger segment size")]
    DirectoryFull {
        /// Bytes needed.
        bytes: usize,
        /// Bytes available.
        capacity: usize,
    },
    /// `create_column_family` on a name that exists.
    #[error("column family `{0}` already exists")]
    FamilyExists(String),
    /// A column family name that is not in the directory.
    #[error("column family `{0}` does not exist")]
    FamilyNotFound(String),
    /// The column family was deleted while a handle to it was still in use.
    #[error("column family was deleted")]
    FamilyGone,
    /// A column family or table name that cannot be used.
    #[error("invalid name `{name}`: {reason}")]
    InvalidName {
        /// The name given.
        name: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A write transaction was used with a column family it was not opened on.
    #[error("column family `{0}` is not part of this transaction")]
    NotInTransaction(String),
    /// An earlier `fsync` failed; the database refuses writes until reopened, because
    /// the operating system may have dropped the unsynced pages.
    #[error("database is poisoned by an earlier failed sync ({0}); reopen it")]
    Poisoned(String),
    /// An invalid configuration value.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A key or value failed to decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// An error from the redb database underneath a column family.
    #[error("storage engine: {0}")]
    Redb(#[from] redb::Error),
}

impl Error {
    /// A mapper for `map_err` that wraps an I/O error with `context`.
    pub(crate) fn io(context: &'static str) -> impl FnOnce(io::Error) -> Error {
        move |source| Error::Io { context, source }
    }
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Error::Redb(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);

/// The database's poisoned state: set by the first failed sync (of the log or of the data
/// file), after which nothing may be acknowledged or checkpointed, because the kernel may
/// have dropped dirty pages that a later, successful sync would not write.
#[derive(Debug, Default)]
pub(crate) struct Poison(parking_lot::Mutex<Option<String>>);

impl Poison {
    /// Records `err` as the cause, unless a cause is already recorded.
    pub(crate) fn set(&self, err: &Error) {
        let mut p = self.0.lock();
        if p.is_none() {
            *p = Some(err.to_string());
        }
    }

    /// Fails with [`Error::Poisoned`] once set.
    pub(crate) fn check(&self) -> Result<()> {
        match &*self.0.lock() {
            Some(msg) => Err(Error::Poisoned(msg.clone())),
            None => Ok(()),
        }
    }

    /// Whether it is set.
    pub(crate) fn is_set(&self) -> bool {
        self.0.lock().is_some()
    }
}

/// Shorthand for manifold results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Runs a call into redb, turning a panic into [`Error::Corrupted`]. redb trusts the
/// pages it reads (it verifies checksums only when repairing), so a damaged page can make
/// it index out of bounds; manifold reports that as corruption instead of unwinding
/// through the caller. The panic message still goes to the panic hook (stderr).
pub(crate) fn caught<T>(f: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "storage engine panicked".to_string());
        Error::Corrupted {
            what: "database page",
            detail,
        }
    })
}
