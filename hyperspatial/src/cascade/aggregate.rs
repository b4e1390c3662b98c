//! Aggregate functions over the (possibly decayed) values of a target's sources.

use super::decay::Decay;
use hyperql::Value;
use std::cmp::Ordering;
use uuid::Uuid;

/// An aggregate function of a cascade rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Aggregate {
    /// `Sum`: Σ w·v over numeric values.
    Sum,
    /// `Average` (also `Avg`, `Mean`): Σ w·v / Σ w over numeric values; NULL when Σ w = 0.
    Average,
    /// `Count`: Σ w over non-NULL values (an `Int` without decay).
    Count,
    /// `Min`: the smallest numeric value of weight > 0.
    Min,
    /// `Max`: the largest numeric value of weight > 0.
    Max,
    /// `Latest`: the non-NULL value of weight > 0 written most recently.
    Latest,
    /// `MovingMean(n)`: Σ w·v / Σ w over the n numeric values of weight > 0 written
    /// most recently (ties in time go to the smallest id); NULL when there are none.
    MovingMean(u32),
    /// `Percentile(p)`, p in [0, 100]: the p-th percentile of the numeric values of
    /// weight > 0, interpolated linearly between the closest ranks (weights other
    /// than 0 do not count); NULL when there are none.
    Percentile(f64),
    /// `Median`: `Percentile(50)`.
    Median,
    /// `StdDev`: the (weighted) population standard deviation
    /// √(Σ w·(v − m)² / Σ w), m the weighted mean, of the numeric values; NULL when
    /// Σ w = 0.
    StdDev,
}

/// One source of a target: the neighbour, the value of the source field, and when
/// that value was written (µs).
#[derive(Clone, Debug, PartialEq)]
pub struct SourceValue {
    /// The neighbour entity.
    pub id: Uuid,
    /// Its value of the source field.
    pub value: Value,
    /// When that value was last written (µs since the epoch).
    pub written_us: i64,
}

impl Aggregate {
    /// The aggregate named `name` (case-insensitive), if any.
    pub fn from_name(name: &str) -> Option<Aggregate> {
        Some(match name.to_ascii_uppercase().as_str() {
            "SUM" => Aggregate::Sum,
            "AVG" | "AVERAGE" | "MEAN" => Aggregate::Average,
            "COUNT" => Aggregate::Count,
            "MIN" => Aggregate::Min,
            "MAX" => Aggregate::Max,
            "LATEST" => Aggregate::Latest,
            "MEDIAN" => Aggregate::Median,
            "STDDEV" | "STD_DEV" => Aggregate::StdDev,
            _ => return None,
        })
    }

    /// The aggregate named `name` (case-insensitive) with its numeric arguments:
    /// `MovingMean(n)` (an integer n ≥ 1), `Percentile(p)` (p in [0, 100]), the
    /// others without any. `Ok(None)`: no aggregate has that name; `Err`: the
    /// arguments do not fit it.
    pub fn with_args(name: &str, args: &[f64]) -> Result<Option<Aggregate>, String> {
        let upper = name.to_ascii_uppercase();
        match upper.as_str() {
            "MOVINGMEAN" | "MOVING_MEAN" => match args {
                [n] if n.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(n) => {
                    Ok(Some(Aggregate::MovingMean(*n as u32)))
                }
                _ => Err("MovingMean(n) takes one integer n >= 1".to_string()),
            },
            "PERCENTILE" => match args {
                [p] if (0.0..=100.0).contains(p) => Ok(Some(Aggregate::Percentile(*p))),
                _ => Err("Percentile(p) takes one number p in [0, 100]".to_string()),
            },
            _ => match Aggregate::from_name(name) {
                Some(a) if args.is_empty() => Ok(Some(a)),
                Some(a) => Err(format!("{} takes no arguments", a.name())),
                None => Ok(None),
            },
        }
    }

    /// The arguments, as printed after the name (`MovingMean(10)`).
    pub fn args(self) -> Vec<f64> {
        match self {
            Aggregate::MovingMean(n) => vec![f64::from(n)],
            Aggregate::Percentile(p) => vec![p],
            _ => Vec::new(),
        }
    }

    /// The canonical name, as printed in rules.
    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Sum => "Sum",
            Aggregate::Average => "Average",
            Aggregate::Count => "Count",
            Aggregate::Min => "Min",
            Aggregate::Max => "Max",
            Aggregate::Latest => "Latest",
            Aggregate::MovingMean(_) => "MovingMean",
            Aggregate::Percentile(_) => "Percentile",
            Aggregate::Median => "Median",
            Aggregate::StdDev => "StdDev",
        }
    }

    /// The aggregate of `sources` at time `now_us`.
    ///
    /// NULL values are ignored by every aggregate; `Sum`, `Average`, `Min` and `Max`
    /// also ignore values that are not numbers (`Int`, or a finite `Float`). Each
    /// value has weight `decay.weight(now_us − written_us)`, 1 without decay.
    ///
    /// Results: `Sum` is an `Int` without decay when every value is an `Int` (and the
    /// sum fits), else a `Float` (0 with no values); `Count` is an `Int` without decay,
    /// else a `Float`; `Average` is a `Float`, NULL when the weights sum to 0; `Min`,
    /// `Max` and `Latest` return a source value unchanged, NULL when none has
    /// weight > 0. Ties go to the source with the smallest id, so the result does
    /// not depend on the order of `sources`, except for the rounding of float sums.
    pub fn apply(self, decay: Option<&Decay>, sources: &[SourceValue], now_us: i64) -> Value {
        let weight =
            |s: &SourceValue| decay.map_or(1.0, |d| d.weight(now_us.saturating_sub(s.written_us)));
        let present = sources.iter().filter(|s| !s.value.is_null());
        match self {
            Aggregate::Count => match decay {
                None => Value::Int(present.count() as i64),
                Some(_) => Value::Float(present.map(weight).fold(0.0, |a, w| a + w)),
            },
            Aggregate::Sum => {
                if decay.is_none()
                    && let Some(n) = int_sum(sources)
                {
                    return Value::Int(n);
                }
                let total = numeric(sources).fold(0.0, |a, (s, v)| a + weight(s) * v);
                Value::Float(total)
            }
            Aggregate::Average => {
                let (mut num, mut den) = (0.0, 0.0);
                for (s, v) in numeric(sources) {
                    let w = weight(s);
                    num += w * v;
                    den += w;
                }
                if den > 0.0 {
                    Value::Float(num / den)
                } else {
                    Value::Null
                }
            }
            Aggregate::Min | Aggregate::Max => {
                let better = |a: (f64, Uuid), b: (f64, Uuid)| {
                    let by_value = if self == Aggregate::Min {
                        a.0.total_cmp(&b.0)
                    } else {
                        b.0.total_cmp(&a.0)
                    };
                    by_value.then(a.1.cmp(&b.1)) == Ordering::Less
                };
                let mut best: Option<(f64, &SourceValue)> = None;
                for (s, v) in numeric(sources).filter(|(s, _)| weight(s) > 0.0) {
                    if best.is_none_or(|(bv, b)| better((v, s.id), (bv, b.id))) {
                        best = Some((v, s));
                    }
                }
                best.map_or(Value::Null, |(_, s)| s.value.clone())
            }
            Aggregate::Latest => {
                let mut best: Option<&SourceValue> = None;
                for s in present.filter(|s| weight(s) > 0.0) {
                    let newer = best.is_none_or(|b| {
                        (s.written_us, std::cmp::Reverse(s.id))
                            > (b.written_us, std::cmp::Reverse(b.id))
                    });
                    if newer {
                        best = Some(s);
                    }
                }
                best.map_or(Value::Null, |s| s.value.clone())
            }
            Aggregate::MovingMean(n) => {
                let mut recent: Vec<(&SourceValue, f64, f64)> = numeric(sources)
                    .map(|(s, v)| (s, v, weight(s)))
                    .filter(|&(_, _, w)| w > 0.0)
                    .collect();
                recent.sort_by(|a, b| {
                    (b.0.written_us, std::cmp::Reverse(b.0.id))
                        .cmp(&(a.0.written_us, std::cmp::Reverse(a.0.id)))
                });
                recent.truncate(n as usize);
                let (num, den) = recent
                    .iter()
                    .fold((0.0, 0.0), |(n, d), &(_, v, w)| (n + w * v, d + w));
                if den > 0.0 {
                    Value::Float(num / den)
                } else {
                    Value::Null
                }
            }
            Aggregate::Percentile(p) => percentile(sources, &weight, p),
            Aggregate::Median => percentile(sources, &weight, 50.0),
            Aggregate::StdDev => {
                let values: Vec<(f64, f64)> =
                    numeric(sources).map(|(s, v)| (v, weight(s))).collect();
                let den: f64 = values.iter().map(|&(_, w)| w).sum();
                if den <= 0.0 {
                    return Value::Null;
                }
                let mean = values.iter().map(|&(v, w)| w * v).sum::<f64>() / den;
                let var = values
                    .iter()
                    .map(|&(v, w)| w * (v - mean) * (v - mean))
                    .sum::<f64>()
                    / den;
                Value::Float(var.max(0.0).sqrt())
            }
        }
    }
}

/// The `p`-th percentile (p in [0, 100]) of the numeric values of weight > 0: with
/// the k values sorted, rank r = p/100 · (k − 1), interpolated between the values at
/// ⌊r⌋ and ⌈r⌉.
fn percentile(sources: &[SourceValue], weight: &dyn Fn(&SourceValue) -> f64, p: f64) -> Value {
    let mut xs: Vec<f64> = numeric(sources)
        .filter(|(s, _)| weight(s) > 0.0)
        .map(|(_, v)| v)
        .collect();
    if xs.is_empty() {
        return Value::Null;
    }
    xs.sort_by(f64::total_cmp);
    let rank = p.clamp(0.0, 100.0) / 100.0 * (xs.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    let (a, b) = (xs[lo], xs[hi.min(xs.len() - 1)]);
    Value::Float(a + (b - a) * (rank - lo as f64))
}

/// The numeric sources with their value as f64: `Int`s and finite `Float`s.
fn numeric(sources: &[SourceValue]) -> impl Iterator<Item = (&SourceValue, f64)> {
    sources.iter().filter_map(|s| match s.value {
        Value::Int(n) => Some((s, n as f64)),
        Value::Float(x) if x.is_finite() => Some((s, x)),
        _ => None,
    })
}

/// The exact sum when every numeric source is an `Int` and it fits in an i64.
fn int_sum(sources: &[SourceValue]) -> Option<i64> {
    let mut total: i64 = 0;
    for s in sources {
        match s.value {
            Value::Int(n) => total = total.checked_add(n)?,
            Value::Float(x) if x.is_finite() => return None,
            _ => {}
        }
    }
    Some(total)
}
