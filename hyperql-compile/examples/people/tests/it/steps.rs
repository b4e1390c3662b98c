//! The generated test skeletons of steps 1 -> 2 and 2 -> 1
//! (`OUT_DIR/hyperql.migration_tests.rs`), filled in.

use hyperql_compile_runtime::manifold::Database;
use people::{Db, DefaultMigrations, versions};

type R = Result<(), Box<dyn std::error::Error>>;

fn person1(id: i64, name: &str, age: Option<i64>, score: i64) -> versions::v1::People {
    versions::v1::People {
        id,
        name: name.into(),
        surname: "X".into(),
        age,
        score,
    }
}

fn person2(id: i64, name: &str, years: Option<i64>, score: f64) -> versions::v2::People {
    versions::v2::People {
        id,
        name: name.into(),
        surname: "X".into(),
        years,
        score,
        email: None,
    }
}

/// Writes `f`'s documents into a fresh file at version `at`.
fn fresh_at(
    path: &std::path::Path,
    at: u64,
    f: impl FnOnce(&hyperql_compile_runtime::manifold::WriteTransaction) -> Result<(), people::Error>,
) -> R {
    Db::migrate_to(path, at, &DefaultMigrations)?;
    let db = Database::open(path)?;
    let cf = db.column_family_or_create("hyperql")?;
    let tx = cf.begin_write()?;
    f(&tx)?;
    tx.commit()?;
    Ok(())
}

/// `upgrade_v1_to_v2`: `age` renamed to `years` (indexed), `score` widened to
/// Float, `email` added as NULL, `teams` dropped.
#[test]
fn upgrade_v1_to_v2() -> R {
    let (_d, path) = super::db_path();
    fresh_at(&path, 1, |tx| {
        person1(1, "a", Some(30), 5).insert(tx)?;
        person1(2, "b", None, -2).insert(tx)?;
        versions::v1::Teams {
            id: 1,
            title: "t".into(),
        }
        .insert(tx)
    })?;
    let steps = Db::migrate_to(&path, 2, &DefaultMigrations)?;
    assert_eq!(steps.len(), 1);
    let db = Database::open(&path)?;
    let cf = db.column_family_or_create("hyperql")?;
    let expected = vec![person2(1, "a", Some(30), 5.0), person2(2, "b", None, -2.0)];
    assert_eq!(versions::v2::People::all(&cf)?, expected);
    assert!(versions::v1::Teams::all(&cf)?.is_empty());
    Ok(())
}

/// `downgrade_v2_to_v1`: `score` narrows from Float to Int, so the generated step
/// is a stub that says so; nothing changes.
#[test]
fn downgrade_v2_to_v1() -> R {
    let (_d, path) = super::db_path();
    fresh_at(&path, 2, |tx| person2(1, "a", Some(30), 5.5).insert(tx))?;
    let err = Db::migrate_to(&path, 1, &DefaultMigrations)
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        err,
        Err("migration downgrade_v2_to_v1 failed: `people.score` narrows Float to Int; implement `Migrations::downgrade_v2_to_v1_people`".into())
    );
    let db = Database::open(&path)?;
    let cf = db.column_family_or_create("hyperql")?;
    assert_eq!(hyperql_compile_runtime::stored_version(&cf)?, Some(2));
    assert_eq!(
        versions::v2::People::all(&cf)?,
        vec![person2(1, "a", Some(30), 5.5)]
    );
    Ok(())
}
