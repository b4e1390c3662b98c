//! UTC calendar arithmetic on timestamps (microseconds since the epoch, proleptic
//! Gregorian): `DATE_TRUNC` and the month / quarter / year buckets of `TIME_BUCKET`.

const DAY: i64 = 86_400_000_000;

/// The units `DATE_TRUNC` knows, smallest first.
pub const DATE_TRUNC_UNITS: &[&str] = &[
    "microsecond",
    "millisecond",
    "second",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "quarter",
    "year",
];

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month 1-12, day 1-31) of a day since 1970-01-01
/// (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Microseconds of midnight on the first day of month `index` (months since 1970-01).
fn month_start(index: i64) -> Option<i64> {
    let y = 1970 + index.div_euclid(12);
    let m = index.rem_euclid(12) + 1;
    days_from_civil(y, m, 1).checked_mul(DAY)
}

/// Months since 1970-01 of the month `us` falls in.
fn month_index(us: i64) -> i64 {
    let (y, m, _) = civil_from_days(us.div_euclid(DAY));
    (y - 1970) * 12 + m - 1
}

/// The unit named `unit` (singular or plural, any case), as a `DATE_TRUNC_UNITS` entry.
pub fn trunc_unit(unit: &str) -> Option<&'static str> {
    let u = unit.trim().to_ascii_lowercase();
    let u = u.strip_suffix('s').unwrap_or(&u);
    DATE_TRUNC_UNITS.iter().copied().find(|k| *k == u)
}

/// `DATE_TRUNC(unit, us)`: the start of the unit `us` falls in (weeks start on
/// Monday). `Err` for an unknown unit or a result out of range.
pub fn date_trunc(unit: &str, us: i64) -> Result<i64, String> {
    let Some(unit) = trunc_unit(unit) else {
        return Err(format!(
            "unknown DATE_TRUNC unit `{unit}`; expected one of {}",
            DATE_TRUNC_UNITS.join(", ")
        ));
    };
    let floor = |w: i64| us.div_euclid(w) * w;
    let range = || "timestamp out of range".to_string();
    Ok(match unit {
        "microsecond" => us,
        "millisecond" => floor(1_000),
        "second" => floor(1_000_000),
        "minute" => floor(60_000_000),
        "hour" => floor(3_600_000_000),
        "day" => floor(DAY),
        "week" => {
            // 1970-01-01 was a Thursday: 3 days after a Monday.
            let days = us.div_euclid(DAY);
            (days - (days + 3).rem_euclid(7))
                .checked_mul(DAY)
                .ok_or_else(range)?
        }
        "month" => month_start(month_index(us)).ok_or_else(range)?,
        "quarter" => month_start(month_index(us).div_euclid(3) * 3).ok_or_else(range)?,
        _ => month_start(month_index(us).div_euclid(12) * 12).ok_or_else(range)?,
    })
}

/// The number of months of a calendar bucket width: `'1 month'`, `'3 months'`,
/// `'quarter'`, `'2 years'` (the count defaults to 1); `None` for anything else.
pub fn bucket_months(width: &str) -> Option<i64> {
    let w = width.trim().to_ascii_lowercase();
    let split = w.find(|c: char| !c.is_ascii_digit()).unwrap_or(w.len());
    let (num, unit) = w.split_at(split);
    let n: i64 = if num.is_empty() { 1 } else { num.parse().ok()? };
    let per = match unit.trim() {
        "mon" | "mons" | "month" | "months" => 1,
        "quarter" | "quarters" => 3,
        "y" | "year" | "years" => 12,
        _ => return None,
    };
    let months = n.checked_mul(per)?;
    (months > 0).then_some(months)
}

/// The start of the bucket of `months` months that `us` falls in, buckets counted
/// from 1970-01-01 (so a year bucket starts on January 1st, a quarter bucket on the
/// first of January, April, July or October).
pub fn month_bucket(months: i64, us: i64) -> Result<i64, String> {
    month_start(month_index(us).div_euclid(months) * months)
        .ok_or_else(|| "timestamp out of range".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::format_timestamp;

    fn at(y: i64, m: i64, d: i64, h: i64, mi: i64, s: i64, us: i64) -> i64 {
        days_from_civil(y, m, d) * DAY + ((h * 60 + mi) * 60 + s) * 1_000_000 + us
    }

    #[test]
    fn civil_days_round_trip() {
        for days in [-800_000, -1, 0, 1, 59, 60, 11_016, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn truncation_by_unit() {
        let t = at(2024, 5, 15, 13, 45, 30, 123_456); // a Wednesday
        let f = |u: &str| format_timestamp(date_trunc(u, t).unwrap());
        assert_eq!(f("microseconds"), "2024-05-15T13:45:30.123456Z");
        assert_eq!(f("millisecond"), "2024-05-15T13:45:30.123000Z");
        assert_eq!(f("SECOND"), "2024-05-15T13:45:30.000000Z");
        assert_eq!(f("minute"), "2024-05-15T13:45:00.000000Z");
        assert_eq!(f("hour"), "2024-05-15T13:00:00.000000Z");
        assert_eq!(f("day"), "2024-05-15T00:00:00.000000Z");
        assert_eq!(f("week"), "2024-05-13T00:00:00.000000Z");
        assert_eq!(f("month"), "2024-05-01T00:00:00.000000Z");
        assert_eq!(f("quarter"), "2024-04-01T00:00:00.000000Z");
        assert_eq!(f("year"), "2024-01-01T00:00:00.000000Z");
        assert!(date_trunc("fortnight", t).is_err());
        // Before the epoch, and a Monday is its own week.
        let old = at(1969, 12, 31, 23, 59, 59, 999_999);
        assert_eq!(
            format_timestamp(date_trunc("week", old).unwrap()),
            "1969-12-29T00:00:00.000000Z"
        );
        assert_eq!(
            format_timestamp(date_trunc("year", old).unwrap()),
            "1969-01-01T00:00:00.000000Z"
        );
        let monday = at(2024, 5, 13, 0, 0, 0, 0);
        assert_eq!(date_trunc("week", monday).unwrap(), monday);
    }

    #[test]
    fn month_buckets() {
        assert_eq!(bucket_months("1 month"), Some(1));
        assert_eq!(bucket_months("3 months"), Some(3));
        assert_eq!(bucket_months("quarter"), Some(3));
        assert_eq!(bucket_months("2 years"), Some(24));
        assert_eq!(bucket_months("0 months"), None);
        assert_eq!(bucket_months("1 day"), None);
        let t = at(2024, 8, 20, 10, 0, 0, 0);
        let f = |m: i64| format_timestamp(month_bucket(m, t).unwrap());
        assert_eq!(f(1), "2024-08-01T00:00:00.000000Z");
        assert_eq!(f(3), "2024-07-01T00:00:00.000000Z");
        assert_eq!(f(12), "2024-01-01T00:00:00.000000Z");
        assert_eq!(f(24), "2024-01-01T00:00:00.000000Z");
        assert_eq!(
            format_timestamp(month_bucket(12, at(1969, 3, 1, 0, 0, 0, 0)).unwrap()),
            "1969-01-01T00:00:00.000000Z"
        );
    }
}
