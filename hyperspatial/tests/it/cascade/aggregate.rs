//! Aggregates and decays against hand-computed values.

use hyperql::Value;
use hyperspatial::cascade::{Aggregate, Decay, DecayKind, SourceValue};
use uuid::Uuid;

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;
const NOW: i64 = 1_700_000_000_000_000;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

fn src(n: u128, value: Value, age_us: i64) -> SourceValue {
    SourceValue {
        id: Uuid::from_u128(n),
        value,
        written_us: NOW - age_us,
    }
}

fn decay(kind: DecayKind) -> Decay {
    Decay::new(kind).unwrap()
}

#[test]
fn decay_weights() {
    let exp = decay(DecayKind::Exponential { rate_per_hour: 0.5 });
    assert!(close(exp.weight(0), 1.0));
    assert!(close(exp.weight(2 * HOUR), (-1.0f64).exp()));
    let half = decay(DecayKind::HalfLife { half_life_us: DAY });
    assert!(close(half.weight(DAY), 0.5));
    assert!(close(half.weight(3 * DAY), 0.125));
    let lin = decay(DecayKind::Linear {
        window_us: 10 * HOUR,
    });
    assert!(close(lin.weight(5 * HOUR), 0.5));
    assert_eq!(lin.weight(10 * HOUR), 0.0);
    assert_eq!(lin.weight(12 * HOUR), 0.0);
    let win = decay(DecayKind::Window { window_us: 7 * DAY });
    assert_eq!(win.weight(7 * DAY), 1.0);
    assert_eq!(win.weight(7 * DAY + 1), 0.0);
    // A value from the future counts as fresh.
    for d in [exp, half, lin, win] {
        assert_eq!(d.weight(-HOUR), 1.0, "{d}");
    }
    assert!(
        Decay::new(DecayKind::Exponential {
            rate_per_hour: f64::NAN
        })
        .is_err()
    );
    assert!(Decay::new(DecayKind::Window { window_us: 0 }).is_err());
    assert!(Decay::new(DecayKind::HalfLife { half_life_us: -1 }).is_err());
    assert!(Decay::new(DecayKind::Linear { window_us: -5 }).is_err());
}

#[test]
fn names_are_case_insensitive_with_aliases() {
    for (name, agg) in [
        ("sum", Aggregate::Sum),
        ("AVG", Aggregate::Average),
        ("Average", Aggregate::Average),
        ("mean", Aggregate::Average),
        ("Count", Aggregate::Count),
        ("MIN", Aggregate::Min),
        ("max", Aggregate::Max),
        ("lAtEsT", Aggregate::Latest),
    ] {
        assert_eq!(Aggregate::from_name(name), Some(agg), "{name}");
        assert_eq!(Aggregate::from_name(agg.name()), Some(agg));
    }
    assert_eq!(Aggregate::from_name("median"), Some(Aggregate::Median));
    assert_eq!(Aggregate::from_name("StdDev"), Some(Aggregate::StdDev));
    assert_eq!(Aggregate::from_name("mode"), None);
    // Aggregates with arguments, and arguments that do not fit.
    assert_eq!(
        Aggregate::with_args("movingmean", &[3.0]),
        Ok(Some(Aggregate::MovingMean(3)))
    );
    assert_eq!(
        Aggregate::with_args("PERCENTILE", &[90.0]),
        Ok(Some(Aggregate::Percentile(90.0)))
    );
    assert_eq!(
        Aggregate::with_args("Median", &[]),
        Ok(Some(Aggregate::Median))
    );
    assert_eq!(Aggregate::with_args("Mode", &[]), Ok(None));
    for (name, args) in [
        ("MovingMean", &[0.0][..]),
        ("MovingMean", &[2.5][..]),
        ("MovingMean", &[][..]),
        ("Percentile", &[100.5][..]),
        ("Percentile", &[-1.0][..]),
        ("Percentile", &[][..]),
        ("Median", &[50.0][..]),
    ] {
        assert!(
            Aggregate::with_args(name, args).is_err(),
            "{name}({args:?})"
        );
    }
}

#[test]
fn statistics_without_and_with_decay() {
    let s = mixed();
    let none = None;
    let float = |v: Value| match v {
        Value::Float(x) => x,
        v => panic!("not a float: {v:?}"),
    };
    // The numeric values are 4 (2 h old), 1.5 (new) and -3 (30 h old).
    assert_eq!(
        Aggregate::MovingMean(2).apply(none, &s, NOW),
        Value::Float(2.75)
    );
    assert_eq!(
        Aggregate::MovingMean(1).apply(none, &s, NOW),
        Value::Float(1.5)
    );
    assert!(close(
        float(Aggregate::MovingMean(10).apply(none, &s, NOW)),
        2.5 / 3.0
    ));
    assert_eq!(Aggregate::Median.apply(none, &s, NOW), Value::Float(1.5));
    assert_eq!(
        Aggregate::Percentile(0.0).apply(none, &s, NOW),
        Value::Float(-3.0)
    );
    assert_eq!(
        Aggregate::Percentile(100.0).apply(none, &s, NOW),
        Value::Float(4.0)
    );
    assert_eq!(
        Aggregate::Percentile(25.0).apply(none, &s, NOW),
        Value::Float(-0.75)
    );
    assert!(close(
        float(Aggregate::Percentile(90.0).apply(none, &s, NOW)),
        3.5
    ));
    let m: f64 = 2.5 / 3.0;
    let sd =
        (((4.0 - m) * (4.0 - m) + (1.5 - m) * (1.5 - m) + (-3.0 - m) * (-3.0 - m)) / 3.0).sqrt();
    assert!(close(float(Aggregate::StdDev.apply(none, &s, NOW)), sd));
    let one = [src(1, Value::Int(7), 0)];
    assert_eq!(Aggregate::StdDev.apply(none, &one, NOW), Value::Float(0.0));
    assert_eq!(Aggregate::Median.apply(none, &one, NOW), Value::Float(7.0));
    for a in [
        Aggregate::MovingMean(3),
        Aggregate::Percentile(50.0),
        Aggregate::Median,
        Aggregate::StdDev,
    ] {
        assert_eq!(a.apply(none, &[], NOW), Value::Null, "{a:?}");
    }
    // A one-day window drops the 30-hour-old -3.
    let w = Some(decay(DecayKind::Window { window_us: DAY }));
    let w = w.as_ref();
    assert_eq!(Aggregate::Median.apply(w, &s, NOW), Value::Float(2.75));
    assert_eq!(Aggregate::StdDev.apply(w, &s, NOW), Value::Float(1.25));
    assert_eq!(
        Aggregate::MovingMean(3).apply(w, &s, NOW),
        Value::Float(2.75)
    );
}

/// Ints, a float, and values every numeric aggregate ignores.
fn mixed() -> Vec<SourceValue> {
    vec![
        src(1, Value::Int(4), 2 * HOUR),
        src(2, Value::Float(1.5), 0),
        src(3, Value::Null, 0),
        src(4, Value::str("many"), HOUR),
        src(5, Value::Float(f64::NAN), 0),
        src(6, Value::Int(-3), 30 * HOUR),
    ]
}

#[test]
fn aggregates_without_decay() {
    let s = mixed();
    let none = None;
    // COUNT counts every non-NULL value, numeric or not.
    assert_eq!(Aggregate::Count.apply(none, &s, NOW), Value::Int(5));
    assert_eq!(Aggregate::Sum.apply(none, &s, NOW), Value::Float(2.5));
    assert_eq!(
        Aggregate::Average.apply(none, &s, NOW),
        Value::Float(2.5 / 3.0)
    );
    assert_eq!(Aggregate::Min.apply(none, &s, NOW), Value::Int(-3));
    assert_eq!(Aggregate::Max.apply(none, &s, NOW), Value::Int(4));
    // Most recent write; ties go to the smallest id (2 over 5; 3 is NULL).
    assert_eq!(Aggregate::Latest.apply(none, &s, NOW), Value::Float(1.5));
    // Sum of Ints stays an Int; of nothing, Int 0.
    let ints = [src(1, Value::Int(2), 0), src(2, Value::Int(5), 0)];
    assert_eq!(Aggregate::Sum.apply(none, &ints, NOW), Value::Int(7));
    assert_eq!(Aggregate::Sum.apply(none, &[], NOW), Value::Int(0));
    let huge = [src(1, Value::Int(i64::MAX), 0), src(2, Value::Int(1), 0)];
    assert_eq!(
        Aggregate::Sum.apply(none, &huge, NOW),
        Value::Float(i64::MAX as f64 + 1.0)
    );
    // Empty: COUNT 0, the rest NULL.
    assert_eq!(Aggregate::Count.apply(none, &[], NOW), Value::Int(0));
    for a in [
        Aggregate::Average,
        Aggregate::Min,
        Aggregate::Max,
        Aggregate::Latest,
    ] {
        assert_eq!(a.apply(none, &[], NOW), Value::Null, "{a:?}");
    }
    // Ties of MIN/MAX go to the smallest id, whatever the order.
    let tie = [src(9, Value::Float(7.0), 0), src(3, Value::Int(7), 0)];
    assert_eq!(Aggregate::Max.apply(none, &tie, NOW), Value::Int(7));
    assert_eq!(Aggregate::Min.apply(none, &tie, NOW), Value::Int(7));
}

#[test]
fn aggregates_with_decay() {
    let s = mixed();
    let exp = decay(DecayKind::Exponential { rate_per_hour: 0.5 });
    let w1 = (-1.0f64).exp(); // 2h old
    let w6 = (-15.0f64).exp(); // 30h old
    let d = Some(&exp);
    let wstr = (-0.5f64).exp(); // the string, 1h old
    let Value::Float(count) = Aggregate::Count.apply(d, &s, NOW) else {
        panic!("decayed count is a float");
    };
    assert!(close(count, w1 + 1.0 + wstr + 1.0 + w6));
    let Value::Float(sum) = Aggregate::Sum.apply(d, &s, NOW) else {
        panic!("decayed sum is a float");
    };
    assert!(close(sum, 4.0 * w1 + 1.5 - 3.0 * w6));
    let Value::Float(avg) = Aggregate::Average.apply(d, &s, NOW) else {
        panic!("average is a float");
    };
    assert!(close(avg, (4.0 * w1 + 1.5 - 3.0 * w6) / (w1 + 1.0 + w6)));
    // A window drops the old value from MIN/MAX/LATEST and from the average.
    let win = decay(DecayKind::Window { window_us: DAY });
    let w = Some(&win);
    assert_eq!(Aggregate::Min.apply(w, &s, NOW), Value::Float(1.5));
    assert_eq!(Aggregate::Max.apply(w, &s, NOW), Value::Int(4));
    assert_eq!(
        Aggregate::Average.apply(w, &s, NOW),
        Value::Float(5.5 / 2.0)
    );
    assert_eq!(Aggregate::Sum.apply(w, &s, NOW), Value::Float(5.5));
    let old = [src(1, Value::Int(4), 2 * DAY)];
    assert_eq!(Aggregate::Average.apply(w, &old, NOW), Value::Null);
    assert_eq!(Aggregate::Latest.apply(w, &old, NOW), Value::Null);
    assert_eq!(Aggregate::Count.apply(w, &old, NOW), Value::Float(0.0));
    assert_eq!(Aggregate::Sum.apply(w, &old, NOW), Value::Float(0.0));
    // Half-life and linear weights.
    let half = decay(DecayKind::HalfLife { half_life_us: DAY });
    let two = [src(1, Value::Int(8), DAY), src(2, Value::Int(2), 0)];
    assert_eq!(
        Aggregate::Sum.apply(Some(&half), &two, NOW),
        Value::Float(6.0)
    );
    let lin = decay(DecayKind::Linear { window_us: 2 * DAY });
    assert_eq!(
        Aggregate::Sum.apply(Some(&lin), &two, NOW),
        Value::Float(6.0)
    );
    assert_eq!(
        Aggregate::Average.apply(Some(&lin), &two, NOW),
        Value::Float(6.0 / 1.5)
    );
}
