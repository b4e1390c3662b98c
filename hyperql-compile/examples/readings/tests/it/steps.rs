//! The steps of the history, each checked against the documents it leaves: the
//! points of a time series are exactly the ones its migrated documents call for.

use super::{R, db_path, expected, family, fresh_at, points, version};
use readings::versions::{v1, v2, v3, v4};
use readings::{Db, DefaultMigrations};

fn r1(id: i64, sensor: &str, site: &str, at: i64, value: Option<f64>) -> v1::Readings {
    v1::Readings {
        id,
        sensor: sensor.into(),
        site: site.into(),
        at,
        value,
    }
}

fn r2(id: i64, sensor: &str, site: &str, at: i64, value: Option<f64>) -> v2::Readings {
    v2::Readings {
        id,
        sensor: sensor.into(),
        site: site.into(),
        at,
        value,
    }
}

fn r3(id: i64, sensor: &str, site: &str, at: i64, reading: Option<f64>) -> v3::Readings {
    v3::Readings {
        id,
        sensor: sensor.into(),
        site: site.into(),
        at,
        reading,
        unit: None,
    }
}

/// The oracle's input for version 2 documents: series by sensor.
fn by_sensor(docs: &[v2::Readings]) -> Vec<(i64, i64)> {
    expected(
        docs.iter()
            .map(|d| (d.sensor.clone(), d.at, d.id))
            .collect(),
    )
}

/// The oracle's input for version 3 documents: series by site.
fn by_site(docs: &[v3::Readings]) -> Vec<(i64, i64)> {
    expected(docs.iter().map(|d| (d.site.clone(), d.at, d.id)).collect())
}

fn some_v1() -> Vec<v1::Readings> {
    vec![
        r1(1, "s1", "north", 10, Some(1.0)),
        r1(2, "s2", "south", 10, Some(2.0)),
        r1(3, "s1", "south", 20, None),
        r1(4, "s3", "south", -5, Some(-0.5)),
    ]
}

/// `upgrade_v1_to_v2`: readings become a time series by sensor (one point per
/// document, built from the documents), events and their points are dropped.
#[test]
fn upgrade_v1_to_v2_builds_the_points_by_sensor() -> R {
    let (_d, path) = db_path();
    fresh_at(&path, 1, |tx, series| {
        for d in some_v1() {
            d.insert(tx)?;
        }
        for (id, at) in [(1, 5), (2, 6)] {
            v1::Events { id, at, kind: None }.insert(tx, series)?;
        }
        Ok(())
    })?;
    {
        let (_db, cf) = family(&path)?;
        assert_eq!(points(&cf, "events")?, vec![(5, 1), (6, 2)]);
        assert!(points(&cf, "readings")?.is_empty());
    }
    Db::migrate_to(&path, 2, &DefaultMigrations)?;
    let (_db, cf) = family(&path)?;
    let docs = v2::Readings::all(&cf)?;
    let want: Vec<v2::Readings> = some_v1()
        .into_iter()
        .map(|d| r2(d.id, &d.sensor, &d.site, d.at, d.value))
        .collect();
    assert_eq!(docs, want);
    assert_eq!(points(&cf, "readings")?, by_sensor(&docs));
    assert!(points(&cf, "events")?.is_empty());
    assert!(v1::Events::all(&cf)?.is_empty());
    Ok(())
}

/// Two readings of one sensor at one instant cannot both be points of its series:
/// the step fails, names itself, and leaves version 1 as it was.
#[test]
fn a_collision_in_the_new_series_fails_the_step_and_keeps_version_1() -> R {
    let (_d, path) = db_path();
    fresh_at(&path, 1, |tx, series| {
        r1(1, "s1", "north", 10, None).insert(tx)?;
        r1(2, "s1", "south", 10, None).insert(tx)?;
        v1::Events {
            id: 1,
            at: 7,
            kind: Some("boot".into()),
        }
        .insert(tx, series)
    })?;
    let err = Db::migrate_to(&path, 2, &DefaultMigrations)
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        err,
        Err("migration upgrade_v1_to_v2 failed: constraint violated: a document of readings is already at time 10 of series `s1`".into())
    );
    assert_eq!(version(&path)?, Some(1));
    let (_db, cf) = family(&path)?;
    assert_eq!(v1::Readings::all(&cf)?.len(), 2);
    assert!(points(&cf, "readings")?.is_empty());
    assert_eq!(points(&cf, "events")?, vec![(7, 1)]);
    Ok(())
}

fn some_v2() -> Vec<v2::Readings> {
    vec![
        r2(1, "s1", "north", 10, Some(1.0)),
        r2(2, "s2", "south", 10, Some(2.0)),
        r2(3, "s1", "north", 20, None),
        r2(4, "s3", "south", 30, Some(4.0)),
    ]
}

/// `upgrade_v2_to_v3`: the series moves from the sensor to the site, `value` is
/// renamed `reading` and `unit` is added as NULL.
#[test]
fn upgrade_v2_to_v3_moves_the_points_to_the_site() -> R {
    let (_d, path) = db_path();
    fresh_at(&path, 2, |tx, series| {
        some_v2().iter().try_for_each(|d| d.insert(tx, series))
    })?;
    {
        let (_db, cf) = family(&path)?;
        assert_eq!(points(&cf, "readings")?, by_sensor(&some_v2()));
    }
    Db::migrate_to(&path, 3, &DefaultMigrations)?;
    let (_db, cf) = family(&path)?;
    let docs = v3::Readings::all(&cf)?;
    let want: Vec<v3::Readings> = some_v2()
        .into_iter()
        .map(|d| r3(d.id, &d.sensor, &d.site, d.at, d.value))
        .collect();
    assert_eq!(docs, want);
    assert_eq!(points(&cf, "readings")?, by_site(&docs));
    Ok(())
}

/// Two sensors of one site at one instant collide in the site's series: the step
/// fails and the points by sensor stay as they were.
#[test]
fn a_collision_by_site_fails_and_keeps_the_points_by_sensor() -> R {
    let (_d, path) = db_path();
    let docs = vec![
        r2(1, "s1", "north", 10, None),
        r2(2, "s2", "north", 10, None),
    ];
    fresh_at(&path, 2, |tx, series| {
        docs.iter().try_for_each(|d| d.insert(tx, series))
    })?;
    let err = Db::migrate_to(&path, 3, &DefaultMigrations).map(|_| ());
    assert!(
        matches!(
            &err,
            Err(readings::Error::Migration {
                step: "upgrade_v2_to_v3",
                ..
            })
        ),
        "{err:?}"
    );
    assert_eq!(version(&path)?, Some(2));
    let (_db, cf) = family(&path)?;
    assert_eq!(v2::Readings::all(&cf)?, docs);
    assert_eq!(points(&cf, "readings")?, by_sensor(&docs));
    Ok(())
}

/// `upgrade_v3_to_v4` adds `quality` and keeps every point; `downgrade_v4_to_v3`
/// drops it and keeps them too.
#[test]
fn adding_a_field_keeps_the_points() -> R {
    let (_d, path) = db_path();
    let docs: Vec<v3::Readings> = some_v2()
        .into_iter()
        .map(|d| r3(d.id, &d.sensor, &d.site, d.at, d.value))
        .collect();
    fresh_at(&path, 3, |tx, series| {
        docs.iter().try_for_each(|d| d.insert(tx, series))
    })?;
    Db::migrate_to(&path, 4, &DefaultMigrations)?;
    {
        let (_db, cf) = family(&path)?;
        let now = v4::Readings::all(&cf)?;
        assert_eq!(now.len(), docs.len());
        assert!(now.iter().all(|d| d.quality.is_none()));
        assert_eq!(points(&cf, "readings")?, by_site(&docs));
    }
    Db::migrate_to(&path, 3, &DefaultMigrations)?;
    let (_db, cf) = family(&path)?;
    assert_eq!(v3::Readings::all(&cf)?, docs);
    assert_eq!(points(&cf, "readings")?, by_site(&docs));
    Ok(())
}

/// Down the whole history: version 4 data back at version 1 has its documents as
/// version 1 stores them and no points (readings is plain there, events is empty);
/// back up again, the points by site are rebuilt.
#[test]
fn down_to_version_1_and_back_up() -> R {
    let (_d, path) = db_path();
    fresh_at(&path, 1, |tx, _| {
        some_v1().iter().try_for_each(|d| d.insert(tx))
    })?;
    let up = Db::migrate_to(&path, 4, &DefaultMigrations)?;
    assert_eq!(up.len(), 3);
    let down = Db::migrate_to(&path, 1, &DefaultMigrations)?;
    let names: Vec<&str> = down.iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        [
            "downgrade_v4_to_v3",
            "downgrade_v3_to_v2",
            "downgrade_v2_to_v1"
        ]
    );
    {
        let (_db, cf) = family(&path)?;
        assert_eq!(v1::Readings::all(&cf)?, some_v1());
        assert!(points(&cf, "readings")?.is_empty());
        assert!(v1::Events::all(&cf)?.is_empty());
        assert!(points(&cf, "events")?.is_empty());
    }
    Db::migrate_to(&path, 3, &DefaultMigrations)?;
    let (_db, cf) = family(&path)?;
    let docs = v3::Readings::all(&cf)?;
    assert_eq!(docs.len(), some_v1().len());
    assert_eq!(points(&cf, "readings")?, by_site(&docs));
    Ok(())
}

/// `downgrade_v3_to_v2` moves the points back to the sensor.
#[test]
fn downgrade_v3_to_v2_moves_the_points_back_to_the_sensor() -> R {
    let (_d, path) = db_path();
    let docs: Vec<v3::Readings> = some_v2()
        .into_iter()
        .map(|d| r3(d.id, &d.sensor, &d.site, d.at, d.value))
        .collect();
    fresh_at(&path, 3, |tx, series| {
        docs.iter().try_for_each(|d| d.insert(tx, series))
    })?;
    Db::migrate_to(&path, 2, &DefaultMigrations)?;
    let (_db, cf) = family(&path)?;
    assert_eq!(v2::Readings::all(&cf)?, some_v2());
    assert_eq!(points(&cf, "readings")?, by_sensor(&some_v2()));
    Ok(())
}
