//! Version 1 data opened by the newest code, and back.

use super::{db_path, v1};
use hyperql_compile_runtime::{Error, Step};
use people::versions::{v1 as h1, v2 as h2, v3 as h3};

/// The lossy steps of this history, filled in: `full_name` is `name surname`, and
/// back it splits at the first space; a Float score goes back to Int rounded.
struct Merge;

impl people::Migrations for Merge {
    fn upgrade_v2_to_v3_people(&self, old: h2::People) -> Result<h3::People, Error> {
        Ok(h3::People {
            id: old.id,
            full_name: format!("{} {}", old.name, old.surname),
            years: old.years,
            score: old.score,
            email: old.email,
        })
    }

    fn downgrade_v3_to_v2_people(&self, old: h3::People) -> Result<h2::People, Error> {
        let (name, surname) = old
            .full_name
            .split_once(' ')
            .ok_or_else(|| Error::Migration {
                step: "downgrade_v3_to_v2",
                reason: format!("`{}` has no space to split at", old.full_name),
            })?;
        Ok(h2::People {
            id: old.id,
            name: name.into(),
            surname: surname.into(),
            years: old.years,
            score: old.score,
            email: old.email,
        })
    }

    fn downgrade_v2_to_v1_people(&self, old: h2::People) -> Result<h1::People, Error> {
        Ok(h1::People {
            id: old.id,
            name: old.name,
            surname: old.surname,
            age: old.years,
            score: old.score.round() as i64,
        })
    }
}

/// Three people written by version 1's code; Alan's age is NULL unless given.
fn write_v1(path: &std::path::Path, alan_age: Option<i64>) -> Result<(), Error> {
    let db = v1::Db::open(path)?;
    assert!(db.migrated().is_empty());
    let mut tx = db.begin()?;
    tx.add_person("Ada", "Lovelace", 36, 9)?;
    tx.insert_people(v1::NewPeople {
        id: None,
        name: "Alan".into(),
        surname: "Turing".into(),
        age: alan_age,
        score: 7,
    })?;
    tx.add_person("Grace", "Hopper", 85, 8)?;
    tx.add_team("engines")?;
    tx.commit()
}

fn step(from: u64, to: u64, name: &'static str) -> Step {
    Step { from, to, name }
}

#[test]
fn version_1_data_is_upgraded_by_the_newest_code() -> Result<(), Error> {
    let (_d, path) = db_path();
    write_v1(&path, Some(41))?;
    let db = people::Db::open_with(&path, &Merge)?;
    assert_eq!(
        db.migrated(),
        [
            step(1, 2, "upgrade_v1_to_v2"),
            step(2, 3, "upgrade_v2_to_v3"),
            step(3, 4, "upgrade_v3_to_v4")
        ]
    );
    let ada = db.person_named("Ada Lovelace")?;
    assert_eq!(ada.len(), 1);
    assert_eq!(
        (ada[0].years, ada[0].score, ada[0].email.as_deref()),
        (36, 9.0, None)
    );
    // `years` was renamed from `age` and indexed in version 2: the index was built.
    let names: Vec<String> = db.at_least(40)?.into_iter().map(|r| r.full_name).collect();
    assert_eq!(names, ["Alan Turing", "Grace Hopper"]);
    let all: Vec<String> = db.at_least(0)?.into_iter().map(|r| r.full_name).collect();
    assert_eq!(all, ["Ada Lovelace", "Alan Turing", "Grace Hopper"]);
    // New writes go on with the ids of version 1.
    let mut tx = db.begin()?;
    let id = tx.add_person("Edsger Dijkstra", 72, 6.5)?;
    tx.commit()?;
    assert_eq!(id, 4);
    drop(db);
    // Opening again applies nothing.
    let db = people::Db::open_with(&path, &Merge)?;
    assert!(db.migrated().is_empty());
    // The team collection was dropped with version 2.
    let cf = db.database().column_family_or_create("hyperql")?;
    assert!(h1::Teams::all(&cf)?.is_empty());
    Ok(())
}

#[test]
fn a_lossy_step_without_a_body_fails_and_leaves_the_previous_version() -> Result<(), Error> {
    let (_d, path) = db_path();
    write_v1(&path, None)?;
    let err = match people::Db::open(&path) {
        Ok(_) => panic!("opened without a body for upgrade_v2_to_v3"),
        Err(e) => e.to_string(),
    };
    assert_eq!(
        err,
        "migration upgrade_v2_to_v3 failed: `people.full_name` is REQUIRED and the source version has no value for it; implement `Migrations::upgrade_v2_to_v3_people`"
    );
    // Step 1 -> 2 committed in its own transaction; 2 -> 3 left nothing behind.
    let steps = people::Db::migrate_to(&path, 2, &people::DefaultMigrations)?;
    assert!(steps.is_empty());
    let db = hyperql_compile_runtime::manifold::Database::open(&path)?;
    let cf = db.column_family_or_create("hyperql")?;
    assert_eq!(hyperql_compile_runtime::stored_version(&cf)?, Some(2));
    let rows = h2::People::all(&cf)?;
    assert_eq!(rows.len(), 3);
    assert_eq!(
        (rows[1].name.as_str(), rows[1].years, rows[1].score),
        ("Alan", None, 7.0)
    );
    Ok(())
}

#[test]
fn a_file_of_a_newer_version_is_refused_until_moved_back() -> Result<(), Error> {
    let (_d, path) = db_path();
    {
        let db = people::Db::open(&path)?;
        let mut tx = db.begin()?;
        tx.add_person("Barbara Liskov", 84, 8.6)?;
        tx.commit()?;
    }
    match v1::Db::open(&path) {
        Err(Error::Version { found: 4, known: 1 }) => {}
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("version 1 code opened a version 4 file"),
    }
    // 4 -> 3 is generated and commits; 3 -> 2 (split a name) has no body by default.
    // With the bodies given, the file goes on back to version 1.
    match people::Db::migrate_to(&path, 1, &people::DefaultMigrations) {
        Err(Error::Migration {
            step: "downgrade_v3_to_v2",
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    let steps = people::Db::migrate_to(&path, 1, &Merge)?;
    assert_eq!(
        steps,
        [
            step(3, 2, "downgrade_v3_to_v2"),
            step(2, 1, "downgrade_v2_to_v1")
        ]
    );
    let db = v1::Db::open(&path)?;
    let rows = db.person_named("Barbara")?;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].surname.as_str(), rows[0].age, rows[0].score),
        ("Liskov", Some(84), 9)
    );
    Ok(())
}

#[test]
fn a_new_file_starts_at_the_newest_version() -> Result<(), Error> {
    let (_d, path) = db_path();
    let db = people::Db::open(&path)?;
    assert!(db.migrated().is_empty());
    let cf = db.database().column_family_or_create("hyperql")?;
    assert_eq!(
        hyperql_compile_runtime::stored_version(&cf)?,
        Some(people::versions::LATEST)
    );
    assert_eq!(people::versions::LATEST, 4);
    drop((cf, db));
    let err =
        people::Db::migrate_to(&path, 5, &people::DefaultMigrations).map_err(|e| e.to_string());
    assert_eq!(
        err,
        Err("migration migrate_to failed: version 5 is not one this code knows (1 to 4)".into())
    );
    Ok(())
}

#[test]
fn a_null_in_a_field_that_became_required_fails_its_step() -> Result<(), Error> {
    let (_d, path) = db_path();
    write_v1(&path, None)?;
    match people::Db::open_with(&path, &Merge) {
        Err(Error::Migration { step, reason }) => {
            assert_eq!(step, "upgrade_v3_to_v4");
            assert_eq!(
                reason,
                "`people.years` is NULL in document 2 and version 4 requires it"
            );
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("opened with a NULL in a REQUIRED field"),
    }
    let db = hyperql_compile_runtime::manifold::Database::open(&path)?;
    let cf = db.column_family_or_create("hyperql")?;
    assert_eq!(hyperql_compile_runtime::stored_version(&cf)?, Some(3));
    Ok(())
}
