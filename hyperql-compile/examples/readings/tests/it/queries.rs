//! Version 1 data opened by the newest code: the compiled time-range queries answer
//! like a scan of the migrated documents, and the rebuilt points refuse a second
//! reading of a site at one instant.

use super::{R, db_path, fresh_at};
use readings::Db;
use readings::versions::{v1, v4};

/// Readings of three sensors on two sites, some at the same instant on different
/// sites, written by version 1 (a plain collection there).
fn write_v1(path: &std::path::Path) -> R {
    fresh_at(path, 1, |tx, _| {
        let mut id = 0;
        for at in 0..40_i64 {
            for (sensor, site) in [("s1", "north"), ("s2", "south"), ("s3", "east")] {
                // s3 reports every third instant only.
                if sensor == "s3" && at % 3 != 0 {
                    continue;
                }
                id += 1;
                v1::Readings {
                    id,
                    sensor: sensor.into(),
                    site: site.into(),
                    at: at * 10 - 100,
                    value: (at % 4 != 0).then_some(at as f64 / 2.0),
                }
                .insert(tx)?;
            }
        }
        Ok(())
    })
}

#[test]
fn compiled_ranges_match_a_scan_of_the_migrated_documents() -> R {
    let (_d, path) = db_path();
    write_v1(&path)?;
    let db = Db::open(&path)?;
    let steps: Vec<&str> = db.migrated().iter().map(|s| s.name).collect();
    assert_eq!(
        steps,
        ["upgrade_v1_to_v2", "upgrade_v2_to_v3", "upgrade_v3_to_v4"]
    );
    let cf = db.database().column_family_or_create("hyperql")?;
    let docs = v4::Readings::all(&cf)?;
    assert_eq!(docs.len(), 40 + 40 + 14);
    for (from, to) in [(-100, 300), (-1000, 1000), (0, 1), (-55, 125), (300, 200)] {
        let got: Vec<(i64, String, String, i64, Option<f64>)> = db
            .readings_between(from, to)?
            .into_iter()
            .map(|r| (r.id, r.sensor, r.site, r.at, r.reading))
            .collect();
        let mut want: Vec<&v4::Readings> =
            docs.iter().filter(|d| d.at >= from && d.at < to).collect();
        want.sort_by_key(|d| (d.at, d.id));
        let want: Vec<(i64, String, String, i64, Option<f64>)> = want
            .into_iter()
            .map(|d| (d.id, d.sensor.clone(), d.site.clone(), d.at, d.reading))
            .collect();
        assert_eq!(got, want, "readings_between({from}, {to})");
        for site in ["north", "south", "east", "west"] {
            let got: Vec<(i64, i64, Option<f64>)> = db
                .site_readings(site, from, to)?
                .into_iter()
                .map(|r| (r.id, r.at, r.reading))
                .collect();
            let mut want: Vec<&v4::Readings> = docs
                .iter()
                .filter(|d| d.site == site && d.at >= from && d.at < to)
                .collect();
            want.sort_by_key(|d| d.at);
            let want: Vec<(i64, i64, Option<f64>)> =
                want.into_iter().map(|d| (d.id, d.at, d.reading)).collect();
            assert_eq!(got, want, "site_readings({site}, {from}, {to})");
        }
    }
    Ok(())
}

#[test]
fn a_migrated_point_refuses_a_second_reading_of_its_site_at_that_instant() -> R {
    let (_d, path) = db_path();
    write_v1(&path)?;
    let db = Db::open(&path)?;
    let before = db.readings_between(-1000, 1000)?.len();
    let mut tx = db.begin()?;
    let err = tx
        .add_reading("s9", "north", 0, 1.0, "C", 1)
        .map(|_| ())
        .and_then(|()| tx.commit());
    assert!(
        matches!(&err, Err(readings::Error::Constraint(m)) if m.contains("time 0 of series `north`")),
        "{err:?}"
    );
    assert_eq!(db.readings_between(-1000, 1000)?.len(), before);
    let mut tx = db.begin()?;
    tx.add_reading("s9", "west", 0, 1.0, "C", 2)?;
    tx.commit()?;
    assert_eq!(db.site_readings("west", 0, 1)?.len(), 1);
    Ok(())
}
