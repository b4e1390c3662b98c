//! The SQLite peer of the scan queries: the users as a table in a file, through
//! `rusqlite` (SQLite compiled in by its `bundled` feature), set up at SQLite's
//! documented best for reads, every query a prepared (cached) statement.

use super::ctx;
use super::entities::UserRow;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::path::Path;

/// Page cache asked for, in KiB (negative `cache_size` counts KiB): far more than the
/// table of 100,000 users (about 10 MiB), so every page stays in it.
const CACHE_KIB: i64 = 256 * 1024;
/// Bytes of the file SQLite may map (`mmap_size`): the whole file.
const MMAP_BYTES: i64 = 1 << 30;

/// One group of the aggregate: city, row count, average age.
pub(crate) type Group = (String, i64, f64);

/// The users in SQLite.
pub(crate) struct Sqlite {
    conn: Connection,
}

/// How the peer is built and set up, for the report's notes.
pub(crate) fn description() -> String {
    format!(
        "SQLite {} through rusqlite {} (feature `bundled`: SQLite compiled into the \
         binary at the release profile's optimization), table `users(id TEXT PRIMARY \
         KEY, name, age INTEGER, city, email, score REAL) WITHOUT ROWID` (SQLite's advice \
         for a text key: one B-tree, rows clustered by id) in a file in the temp dir; \
         `journal_mode=WAL`, `synchronous=NORMAL`, loaded in one transaction through one \
         prepared insert, then `ANALYZE`; reads with `cache_size` {} MiB (the whole \
         table stays in SQLite's page cache), `mmap_size` {} MiB, `temp_store=MEMORY`, \
         every query a prepared statement (`prepare_cached`) on one connection; no \
         secondary index (the scans are scans)",
        rusqlite::version(),
        crate::versions::version("rusqlite"),
        CACHE_KIB / 1024,
        MMAP_BYTES >> 20
    )
}

impl Sqlite {
    /// Creates `users.db` in `dir`, sets it up and loads `rows`.
    pub fn load(dir: &Path, rows: &[UserRow]) -> Result<Self, String> {
        let mut conn = Connection::open(dir.join("users.db")).map_err(ctx("sqlite open"))?;
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA cache_size = -{CACHE_KIB};
             PRAGMA mmap_size = {MMAP_BYTES};
             PRAGMA temp_store = MEMORY;
             CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL, \
                 age INTEGER NOT NULL, city TEXT NOT NULL, email TEXT NOT NULL, \
                 score REAL NOT NULL) WITHOUT ROWID;"
        ))
        .map_err(ctx("sqlite setup"))?;
        let tx = conn.transaction().map_err(ctx("sqlite begin"))?;
        {
            let mut ins = tx
                .prepare("INSERT INTO users VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .map_err(ctx("sqlite prepare insert"))?;
            for r in rows {
                ins.execute(params![r.id, r.name, r.age, r.city, r.email, r.score])
                    .map_err(ctx("sqlite insert"))?;
            }
        }
        tx.commit().map_err(ctx("sqlite commit"))?;
        conn.execute_batch("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(ctx("sqlite analyze"))?;
        Ok(Sqlite { conn })
    }

    /// `SELECT city, COUNT(*), AVG(age) FROM users WHERE age > 30 GROUP BY city`,
    /// ordered by city.
    pub fn aggregate(&self) -> Result<Vec<Group>, String> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT city, COUNT(*), AVG(age) FROM users WHERE age > 30 GROUP BY city \
                 ORDER BY city",
            )
            .map_err(ctx("sqlite prepare aggregate"))?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(ctx("sqlite aggregate"))?;
        rows.collect::<Result<_, _>>()
            .map_err(ctx("sqlite aggregate row"))
    }

    /// `SELECT COUNT(*) FROM users`.
    pub fn count(&self) -> Result<i64, String> {
        let mut st = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM users")
            .map_err(ctx("sqlite prepare count"))?;
        st.query_row([], |r| r.get(0)).map_err(ctx("sqlite count"))
    }

    /// Names of the 10 best-scored users of `city` older than 30.
    pub fn top10(&self, city: &str) -> Result<Vec<String>, String> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT name, score FROM users WHERE age > 30 AND city = ?1 \
                 ORDER BY score DESC LIMIT 10",
            )
            .map_err(ctx("sqlite prepare top10"))?;
        let rows = st
            .query_map([city], |r| r.get(0))
            .map_err(ctx("sqlite top10"))?;
        rows.collect::<Result<_, _>>()
            .map_err(ctx("sqlite top10 row"))
    }

    /// `SELECT * FROM users WHERE id = ?1`: the row, if any.
    pub fn point(&self, id: &str) -> Result<Option<UserRow>, String> {
        let mut st = self
            .conn
            .prepare_cached("SELECT * FROM users WHERE id = ?1")
            .map_err(ctx("sqlite prepare point"))?;
        st.query_row([id], user_of)
            .optional()
            .map_err(ctx("sqlite point"))
    }
}

/// A row of `SELECT *` as a user.
fn user_of(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        name: r.get(1)?,
        age: r.get(2)?,
        city: r.get(3)?,
        email: r.get(4)?,
        score: r.get(5)?,
    })
}
