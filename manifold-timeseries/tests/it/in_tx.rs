//! Writes and reads inside a transaction the caller owns: points commit and roll back
//! with the caller's other tables, the checks of the store's own writes apply, and
//! rollups stay equal to the raw points.

use crate::{assert_aggs, buckets, store};
use manifold::TableDefinition;
use manifold_timeseries::{Config, Error, Granularity, TimeUnit, TxRef};
use std::collections::BTreeMap;

const OTHER: TableDefinition<'static, i64, i64> = TableDefinition::new("other");

fn seconds(window: Option<i64>) -> Config {
    Config {
        unit: TimeUnit::Seconds,
        chunk_points: 16,
        out_of_order_window: window,
        ..Config::default()
    }
}

#[test]
fn points_commit_with_the_callers_tables_and_rollups_match() {
    let (_d, db, ts) = store(seconds(None));
    let cf = db.column_family("series").unwrap();
    let mut model: BTreeMap<i64, f64> = BTreeMap::new();
    // Out of order, across chunk and bucket edges, with an overwrite.
    let times = [120, 0, 59, 60, 61, 3599, 3600, 7, 60, 86_399, 86_400, 30];
    let tx = cf.begin_write().unwrap();
    for (i, &t) in times.iter().enumerate() {
        let v = i as f64 * 1.5 - 3.0;
        ts.append_named_in(&tx, &[("a", t, v)]).unwrap();
        model.insert(t, v);
        tx.open_table(OTHER)
            .unwrap()
            .insert(&t, &(i as i64))
            .unwrap();
    }
    // The transaction sees its own points; a snapshot taken before does not.
    let before = cf.begin_read().unwrap();
    let mine: Vec<(i64, f64)> = ts.range_in(TxRef::from(&tx), "a", ..).unwrap();
    assert_eq!(
        mine,
        model.iter().map(|(&t, &v)| (t, v)).collect::<Vec<_>>()
    );
    assert!(
        ts.range_in::<f64>((&before).into(), "a", ..)
            .unwrap()
            .is_empty()
    );
    tx.commit().unwrap();
    let s = ts.find_series::<f64>("a").unwrap().unwrap();
    let stored = ts.range(&s, ..).unwrap();
    assert_eq!(
        stored,
        model.iter().map(|(&t, &v)| (t, v)).collect::<Vec<_>>()
    );
    assert_eq!(
        db.column_family("series")
            .unwrap()
            .begin_read()
            .unwrap()
            .open_table(OTHER)
            .unwrap()
            .len()
            .unwrap(),
        11
    );
    for g in Granularity::ALL {
        let got = ts.aggregate(&s, g, ..).unwrap();
        assert_aggs(
            &got,
            &buckets(&model, ts.config().width(g)),
            &format!("{g:?}"),
        );
    }
}

#[test]
fn a_rolled_back_transaction_leaves_no_series_and_no_points() {
    let (_d, db, ts) = store(seconds(None));
    let cf = db.column_family("series").unwrap();
    let tx = cf.begin_write().unwrap();
    ts.append_named_in(&tx, &[("gone", 5, 1.0), ("gone", 6, 2.0)])
        .unwrap();
    tx.abort().unwrap();
    assert!(ts.find_series::<f64>("gone").unwrap().is_none());
    let rtx = cf.begin_read().unwrap();
    assert!(ts.series_names_in((&rtx).into(), "").unwrap().is_empty());
}

#[test]
fn the_out_of_order_window_applies_inside_the_callers_transaction() {
    let (_d, db, ts) = store(seconds(Some(100)));
    let cf = db.column_family("series").unwrap();
    let tx = cf.begin_write().unwrap();
    ts.append_named_in(&tx, &[("w", 1000, 1.0)]).unwrap();
    ts.append_named_in(&tx, &[("w", 950, 2.0)]).unwrap();
    let err = ts.append_named_in(&tx, &[("w", 800, 3.0)]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooOld {
                oldest_accepted: 900,
                ..
            }
        ),
        "{err}"
    );
    drop(tx);
    assert!(ts.find_series::<f64>("w").unwrap().is_none());
}

#[test]
fn delete_in_a_transaction_recomputes_the_cut_buckets() {
    let (_d, db, ts) = store(seconds(None));
    let cf = db.column_family("series").unwrap();
    let mut model: BTreeMap<i64, f64> = (0..200).map(|t| (t * 7, t as f64)).collect();
    let pts: Vec<(&str, i64, f64)> = model.iter().map(|(&t, &v)| ("d", t, v)).collect();
    ts.append_named(&pts, manifold::Durability::Immediate)
        .unwrap();
    let tx = cf.begin_write().unwrap();
    assert_eq!(ts.delete_range_in::<f64>(&tx, "d", 100..=700).unwrap(), 86);
    assert_eq!(ts.delete_range_in::<f64>(&tx, "missing", ..).unwrap(), 0);
    tx.commit().unwrap();
    model.retain(|&t, _| !(100..=700).contains(&t));
    let s = ts.find_series::<f64>("d").unwrap().unwrap();
    assert_eq!(ts.range(&s, ..).unwrap().len(), model.len());
    for g in Granularity::ALL {
        let got = ts.aggregate(&s, g, ..).unwrap();
        assert_aggs(
            &got,
            &buckets(&model, ts.config().width(g)),
            &format!("{g:?}"),
        );
    }
}

#[test]
fn series_names_are_listed_by_prefix() {
    let (_d, db, ts) = store(seconds(None));
    let cf = db.column_family("series").unwrap();
    let tx = cf.begin_write().unwrap();
    for n in ["t:b", "t:a", "u:a", "t", "s:z"] {
        ts.append_named_in(&tx, &[(n, 1, 1.0)]).unwrap();
    }
    assert_eq!(
        ts.series_names_in((&tx).into(), "t:").unwrap(),
        ["t:a", "t:b"]
    );
    tx.commit().unwrap();
    let rtx = cf.begin_read().unwrap();
    assert_eq!(ts.series_names_in((&rtx).into(), "").unwrap().len(), 5);
}
