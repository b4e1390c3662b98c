//! Schema versions in a database: the version its data has (in the metadata table
//! `hql.meta`), and the walk through generated steps that moves it to another
//! version, one write transaction per step.

use crate::error::Error;
use crate::series::SeriesStore;
use manifold::{ColumnFamily, TableDefinition, WriteTransaction};

/// The metadata table: `schema_version` holds the version of the stored data.
pub const META_TABLE: TableDefinition<'static, str, u64> = TableDefinition::new("hql.meta");

const VERSION_KEY: &str = "schema_version";

/// One step applied to a database: from one version to the next (or the previous).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The version before the step.
    pub from: u64,
    /// The version after it.
    pub to: u64,
    /// The generated function that ran (`upgrade_v1_to_v2`).
    pub name: &'static str,
}

/// A generated step: its versions, its name and its body, which runs inside the
/// step's write transaction with the family's time-series points (which it rebuilds
/// when a time-series collection changes) and the user's migration hooks `M`.
pub struct StepFn<M: ?Sized> {
    /// The version before the step.
    pub from: u64,
    /// The version after it.
    pub to: u64,
    /// The function's name.
    pub name: &'static str,
    /// The body.
    pub run: fn(&WriteTransaction, &SeriesStore, &M) -> Result<(), Error>,
}

/// The version stored in the family, if any.
pub fn stored_version(cf: &ColumnFamily) -> Result<Option<u64>, Error> {
    Ok(cf.begin_read()?.open_table(META_TABLE)?.get(VERSION_KEY)?)
}

/// Records `version` as the version of the data, inside `tx`.
pub fn set_version(tx: &WriteTransaction, version: u64) -> Result<(), Error> {
    tx.open_table(META_TABLE)?.insert(VERSION_KEY, &version)?;
    Ok(())
}

/// Moves the data of `cf` to version `target` and returns the steps applied.
///
/// A family with no stored version is new when `fresh` (it gets `target` directly)
/// and else holds data written before versions were kept, taken as version 1. A
/// stored version above `latest` is [`Error::Version`]. Each step runs in its own
/// write transaction that also records the step's target version, so a failing step
/// leaves the data at the version before it. `upgrades[i]` goes from `i + 1` to
/// `i + 2`, `downgrades[i]` from `i + 2` to `i + 1`.
pub fn migrate_to<M: ?Sized>(
    cf: &ColumnFamily,
    fresh: bool,
    latest: u64,
    target: u64,
    upgrades: &[StepFn<M>],
    downgrades: &[StepFn<M>],
    hooks: &M,
) -> Result<Vec<Step>, Error> {
    if target == 0 || target > latest {
        return Err(Error::Migration {
            step: "migrate_to",
            reason: format!("version {target} is not one this code knows (1 to {latest})"),
        });
    }
    let mut at = match stored_version(cf)? {
        Some(v) => v,
        None if fresh => {
            let tx = cf.begin_write()?;
            set_version(&tx, target)?;
            tx.commit()?;
            return Ok(Vec::new());
        }
        None => 1,
    };
    if at == 0 || at > latest {
        return Err(Error::Version {
            found: at,
            known: latest,
        });
    }
    let mut applied = Vec::new();
    if at == target {
        return Ok(applied);
    }
    // Opened before the first step: opening writes the store's settings in a write
    // transaction of its own.
    let series = SeriesStore::open(cf)?;
    while at != target {
        let step = if at < target {
            upgrades.iter().find(|s| s.from == at)
        } else {
            downgrades.iter().find(|s| s.from == at)
        };
        let Some(step) = step else {
            return Err(Error::Version {
                found: at,
                known: latest,
            });
        };
        let tx = cf.begin_write()?;
        (step.run)(&tx, &series, hooks)?;
        set_version(&tx, step.to)?;
        tx.commit()?;
        applied.push(Step {
            from: step.from,
            to: step.to,
            name: step.name,
        });
        at = step.to;
    }
    Ok(applied)
}

/// Rewrites every document of `table` with `f` (id and old bytes to new bytes).
pub fn rewrite_docs(
    tx: &WriteTransaction,
    table: TableDefinition<'static, i64, [u8]>,
    mut f: impl FnMut(i64, &[u8]) -> Result<Vec<u8>, Error>,
) -> Result<(), Error> {
    let mut t = tx.open_table(table)?;
    let old = t.iter()?.collect::<Result<Vec<_>, _>>()?;
    for (id, bytes) in old {
        let new = f(id, &bytes)?;
        t.insert(&id, new.as_slice())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKS: TableDefinition<'static, str, u64> = TableDefinition::new("marks");

    fn mark(tx: &WriteTransaction, v: u64) -> Result<(), Error> {
        tx.open_table(MARKS)?.insert("last", &v)?;
        Ok(())
    }

    fn steps() -> (Vec<StepFn<()>>, Vec<StepFn<()>>) {
        let up = vec![
            StepFn {
                from: 1,
                to: 2,
                name: "upgrade_v1_to_v2",
                run: |tx, _, _| mark(tx, 2),
            },
            StepFn {
                from: 2,
                to: 3,
                name: "upgrade_v2_to_v3",
                run: |tx, _, _| {
                    mark(tx, 3)?;
                    Err(Error::Migration {
                        step: "upgrade_v2_to_v3",
                        reason: "no".into(),
                    })
                },
            },
        ];
        let down = vec![StepFn {
            from: 2,
            to: 1,
            name: "downgrade_v2_to_v1",
            run: |tx, _, _| mark(tx, 1),
        }];
        (up, down)
    }

    fn last(cf: &ColumnFamily) -> Result<Option<u64>, Error> {
        Ok(cf.begin_read()?.open_table(MARKS)?.get("last")?)
    }

    #[test]
    fn steps_commit_one_by_one_and_a_failing_one_leaves_nothing() -> Result<(), Error> {
        let dir = tempfile::tempdir().map_err(|e| Error::Constraint(e.to_string()))?;
        let db = manifold::Database::open(dir.path().join("db"))?;
        let cf = db.column_family_or_create("hyperql")?;
        let (up, down) = steps();
        // Data without a stored version is version 1.
        match migrate_to(&cf, false, 3, 3, &up, &down, &()) {
            Err(Error::Migration { step, .. }) => assert_eq!(step, "upgrade_v2_to_v3"),
            other => panic!("{other:?}"),
        }
        assert_eq!(stored_version(&cf)?, Some(2));
        assert_eq!(last(&cf)?, Some(2));
        let back = migrate_to(&cf, false, 3, 1, &up, &down, &())?;
        assert_eq!(
            back,
            [Step {
                from: 2,
                to: 1,
                name: "downgrade_v2_to_v1"
            }]
        );
        assert_eq!((stored_version(&cf)?, last(&cf)?), (Some(1), Some(1)));
        // A newer version than the code knows is refused.
        let tx = cf.begin_write()?;
        set_version(&tx, 7)?;
        tx.commit()?;
        assert!(matches!(
            migrate_to(&cf, false, 3, 3, &up, &down, &()),
            Err(Error::Version { found: 7, known: 3 })
        ));
        Ok(())
    }

    #[test]
    fn a_fresh_family_gets_the_target_version() -> Result<(), Error> {
        let dir = tempfile::tempdir().map_err(|e| Error::Constraint(e.to_string()))?;
        let db = manifold::Database::open(dir.path().join("db"))?;
        let cf = db.column_family_or_create("hyperql")?;
        let (up, down) = steps();
        assert!(migrate_to(&cf, true, 3, 3, &up, &down, &())?.is_empty());
        assert_eq!((stored_version(&cf)?, last(&cf)?), (Some(3), None));
        Ok(())
    }
}
