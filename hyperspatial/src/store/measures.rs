//! Time-series collections: rows of (series key, time, numeric values) stored in
//! manifold-timeseries (Gorilla-compressed chunks, minute/hour/day rollups) instead of
//! as entities.
//!
//! A collection becomes a time series with [`Database::define_time_series`] (while it
//! holds no entities). Each row must carry the time field (a timestamp, or integer
//! microseconds) and numeric value fields, and may carry the series field; any other
//! field is refused. Each (series key, value field) pair is one stored series
//! `<key>\x1f<field>` in the `measures` family of the shard chosen by the series key.
//! Rows are append-only: a row with the time of an existing one replaces its values
//! (last write wins); rows cannot be updated or deleted one by one. Reads rebuild rows
//! as documents `{id: "<key>@<µs>", <series field>: key, <time field>: timestamp,
//! values..}`, series by series in time order, reading only the requested time range.

use super::database::Database;
use crate::store::{StoreError, check_name};
use hyperql::{Document, FieldSchema, Record, Type, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How a collection's rows map onto time series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeSeriesConfig {
    /// The time field (timestamp).
    pub time_field: String,
    /// The field naming the series (rows without it go to series `default`).
    pub series_field: Option<String>,
    /// Numeric value fields.
    pub value_fields: Vec<String>,
}

const SEP: char = '\u{1f}';

impl TimeSeriesConfig {
    /// The configuration of a schema declared `WITH TIME SERIES (time [, SERIES
    /// series])` with `fields`: every field but the time and series fields is a value
    /// field, and must be a `Float` (values are stored, and read back, as floats).
    pub fn of_schema(
        collection: &str,
        fields: &[FieldSchema],
        time: &str,
        series: Option<&str>,
    ) -> Result<TimeSeriesConfig, StoreError> {
        let mut value_fields = Vec::new();
        for f in fields {
            if f.name == time || Some(f.name.as_str()) == series {
                continue;
            }
            if f.ty != Type::Float {
                return Err(StoreError::Invalid(format!(
                    "`{collection}.{}` is {}: the value fields of a time series are Float (hyperspatial stores numeric series only)",
                    f.name, f.ty
                )));
            }
            value_fields.push(f.name.clone());
        }
        Ok(TimeSeriesConfig {
            time_field: time.to_string(),
            series_field: series.map(str::to_string),
            value_fields,
        })
    }
}

impl Database {
    /// Makes `collection` (created if new, and holding no entities) a time series.
    pub fn define_time_series(
        &self,
        collection: &str,
        cfg: TimeSeriesConfig,
    ) -> Result<(), StoreError> {
        for f in std::iter::once(&cfg.time_field)
            .chain(cfg.series_field.iter())
            .chain(cfg.value_fields.iter())
        {
            check_name(f)?;
        }
        if cfg.value_fields.is_empty() {
            return Err(StoreError::Invalid(
                "a time series needs at least one value field".into(),
            ));
        }
        let c = self.collection_or_create(collection)?;
        if self.count(Some(collection)) > 0 {
            return Err(StoreError::Constraint(format!(
                "collection `{collection}` holds entities; a time series must start empty"
            )));
        }
        let w = c.config_writer();
        let mut conf = w.current();
        match &conf.time_series {
            Some(old) if *old == cfg => return Ok(()),
            Some(_) => {
                return Err(StoreError::Constraint(format!(
                    "collection `{collection}` is already a time series with other fields"
                )));
            }
            None => {}
        }
        conf.time_series = Some(cfg);
        w.save(&conf)
    }

    /// The time-series configuration of a collection, if it is one.
    pub fn time_series_of(&self, collection: &str) -> Option<TimeSeriesConfig> {
        self.collection(collection)?
            .config
            .read()
            .time_series
            .clone()
    }

    /// Rows of a time-series collection with time in `[start, end)`.
    pub fn time_rows(
        &self,
        collection: &str,
        start: Option<i64>,
        end: Option<i64>,
    ) -> Result<Vec<Record>, StoreError> {
        let c = self
            .collection(collection)
            .ok_or_else(|| StoreError::UnknownCollection(collection.to_string()))?;
        let Some(cfg) = c.config.read().time_series.clone() else {
            return Err(StoreError::Invalid(format!(
                "`{collection}` is not a time series"
            )));
        };
        let lo = start.unwrap_or(i64::MIN);
        let hi = end.unwrap_or(i64::MAX);
        let mut out = Vec::new();
        for shard in &c.shards {
            let ts = &shard.measures;
            // series key -> time -> row
            let mut rows: BTreeMap<String, BTreeMap<i64, Document>> = BTreeMap::new();
            for name in ts.series_names()? {
                let Some((key, field)) = name.split_once(SEP) else {
                    continue;
                };
                let Some(series) = ts.find_series::<f64>(&name)? else {
                    continue;
                };
                for (t, v) in ts.range(&series, lo..hi)? {
                    rows.entry(key.to_string())
                        .or_default()
                        .entry(t)
                        .or_default()
                        .insert(field.to_string(), Value::Float(v));
                }
            }
            for (key, by_time) in rows {
                for (t, values) in by_time {
                    let mut d = Document::default();
                    d.insert("id".into(), Value::str(&format!("{key}@{t}")));
                    if let Some(sf) = &cfg.series_field {
                        d.insert(sf.clone(), Value::str(&key));
                    }
                    d.insert(cfg.time_field.clone(), Value::Timestamp(t));
                    for (k, v) in values {
                        d.insert(k, v);
                    }
                    out.push(Arc::new(d));
                }
            }
        }
        Ok(out)
    }
}

/// One row to append: (series key, time, values).
pub(crate) type Point = (String, i64, Vec<(String, f64)>);

/// Checks a row of a time-series collection and splits it into a point.
pub(crate) fn to_point(cfg: &TimeSeriesConfig, doc: &Document) -> Result<Point, StoreError> {
    let bad = |m: String| StoreError::Invalid(m);
    let t = match doc.get(&cfg.time_field) {
        Some(Value::Timestamp(t) | Value::Int(t)) => *t,
        Some(v) => {
            return Err(bad(format!(
                "time field `{}` must be a timestamp, not {}",
                cfg.time_field,
                v.type_name()
            )));
        }
        None => return Err(bad(format!("time field `{}` is missing", cfg.time_field))),
    };
    let key = match cfg.series_field.as_ref().and_then(|f| doc.get(f)) {
        None | Some(Value::Null) => "default".to_string(),
        Some(Value::String(s)) if !s.contains(SEP) => s.to_string(),
        Some(Value::Int(n)) => n.to_string(),
        Some(v) => return Err(bad(format!("series key {v} is not a plain string"))),
    };
    let mut values = Vec::new();
    for (k, v) in doc {
        if *k == cfg.time_field || Some(k) == cfg.series_field.as_ref() || k == "id" {
            continue;
        }
        if !cfg.value_fields.contains(k) {
            return Err(bad(format!(
                "field `{k}` is not a value field of this time series ({})",
                cfg.value_fields.join(", ")
            )));
        }
        match v {
            Value::Null => {}
            v => match v.as_f64() {
                Some(x) => values.push((k.clone(), x)),
                None => return Err(bad(format!("value field `{k}` must be a number"))),
            },
        }
    }
    Ok((key, t, values))
}

/// The shard a series key lives in.
pub(crate) fn shard_for(key: &str, shards: usize) -> usize {
    let h = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    (h % shards.max(1) as u64) as usize
}

/// Appends points to their shards (one manifold-timeseries transaction per shard).
pub(crate) fn append(
    c: &super::collection::Collection,
    points: &[Point],
) -> Result<(), StoreError> {
    let mut per_shard: BTreeMap<usize, manifold_timeseries::WriteBatch> = BTreeMap::new();
    for (key, t, values) in points {
        let n = shard_for(key, c.shards.len());
        let ts = &c.shards[n].measures;
        for (field, x) in values {
            let series = ts.series::<f64>(&format!("{key}{SEP}{field}"))?;
            per_shard.entry(n).or_default().push(&series, *t, x);
        }
    }
    for (n, batch) in per_shard {
        c.shards[n].measures.write(batch)?;
    }
    Ok(())
}
