//! Decays: how much a source value counts, given how old it is.

use super::error::CascadeError;
use hyperql::{Expr, ExprKind, Ident, Literal, Span, UnaryOp};
use std::fmt;

/// Microseconds in an hour: numeric decay arguments are in hours.
const HOUR_US: f64 = 3_600_000_000.0;

/// The largest window or half-life accepted (about 285 000 years), so that every
/// conversion between hours and microseconds stays exact enough and finite.
const MAX_SPAN_US: f64 = 9.0e18;

/// The shape of a decay, with its parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DecayKind {
    /// `Exponential(rate)`: weight = exp(−rate · age in hours).
    Exponential {
        /// Decay rate per hour (finite, ≥ 0).
        rate_per_hour: f64,
    },
    /// `Exponential('1d')`: weight = 0.5^(age / half-life).
    HalfLife {
        /// Half-life in microseconds (> 0).
        half_life_us: i64,
    },
    /// `Linear(window)`: weight = max(0, 1 − age / window).
    Linear {
        /// Window in microseconds (> 0).
        window_us: i64,
    },
    /// `Window(window)`: weight 1 when age ≤ window, else 0.
    Window {
        /// Window in microseconds (> 0).
        window_us: i64,
    },
}

/// A validated decay: the weight of a source value as a function of its age.
///
/// The age of a value is `now − time it was written`, clamped at 0 (a value written
/// "in the future" counts as fresh).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decay {
    kind: DecayKind,
}

impl Decay {
    /// A decay of this kind, or [`CascadeError::BadDecay`] when its parameter is out of
    /// range (negative or non-finite rate, non-positive window or half-life).
    pub fn new(kind: DecayKind) -> Result<Decay, CascadeError> {
        let bad = |name: &str, reason: &str| CascadeError::BadDecay {
            context: String::new(),
            kind: name.to_string(),
            reason: reason.to_string(),
        };
        match kind {
            DecayKind::Exponential { rate_per_hour } => {
                if !(rate_per_hour.is_finite() && rate_per_hour >= 0.0) {
                    return Err(bad("Exponential", "the rate must be a finite number ≥ 0"));
                }
            }
            DecayKind::HalfLife { half_life_us } => {
                if half_life_us <= 0 {
                    return Err(bad("Exponential", "the half-life must be positive"));
                }
            }
            DecayKind::Linear { window_us } => {
                if window_us <= 0 {
                    return Err(bad("Linear", "the window must be positive"));
                }
            }
            DecayKind::Window { window_us } => {
                if window_us <= 0 {
                    return Err(bad("Window", "the window must be positive"));
                }
            }
        }
        Ok(Decay { kind })
    }

    /// The kind and parameter of this decay.
    pub fn kind(&self) -> DecayKind {
        self.kind
    }

    /// The weight (in `[0, 1]`) of a value `age_us` microseconds old.
    pub fn weight(&self, age_us: i64) -> f64 {
        let age = age_us.max(0) as f64;
        match self.kind {
            DecayKind::Exponential { rate_per_hour } => (-rate_per_hour * age / HOUR_US).exp(),
            DecayKind::HalfLife { half_life_us } => (-age / half_life_us as f64).exp2(),
            DecayKind::Linear { window_us } => (1.0 - age / window_us as f64).max(0.0),
            DecayKind::Window { window_us } => {
                if age_us <= window_us {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    /// Reads `Kind(args)` of a `WITH DECAY` clause (kind case-insensitive); the
    /// collection and field name the rule in errors.
    pub(crate) fn from_ast(
        collection: &str,
        field: &str,
        kind: &str,
        args: &[Expr],
    ) -> Result<Decay, CascadeError> {
        let name = match kind.to_ascii_uppercase().as_str() {
            "EXPONENTIAL" => "Exponential",
            "LINEAR" => "Linear",
            "WINDOW" => "Window",
            _ => {
                return Err(CascadeError::UnknownDecay {
                    collection: collection.to_string(),
                    field: field.to_string(),
                    name: kind.to_string(),
                });
            }
        };
        let bad = |reason: String| CascadeError::BadDecay {
            context: format!("cascaded field `{collection}.{field}`: "),
            kind: name.to_string(),
            reason,
        };
        let [arg] = args else {
            return Err(bad(format!(
                "expected one argument (a number of hours or an interval like '1d'), found {}",
                args.len()
            )));
        };
        let kind = match (name, DecayArg::read(arg).map_err(bad)?) {
            ("Exponential", DecayArg::Number(rate_per_hour)) => {
                DecayKind::Exponential { rate_per_hour }
            }
            ("Exponential", DecayArg::Span(half_life_us)) => DecayKind::HalfLife { half_life_us },
            (_, arg) => {
                let window_us = arg.as_span().map_err(bad)?;
                if name == "Linear" {
                    DecayKind::Linear { window_us }
                } else {
                    DecayKind::Window { window_us }
                }
            }
        };
        Decay::new(kind).map_err(|e| match e {
            CascadeError::BadDecay { reason, .. } => bad(reason),
            other => other,
        })
    }

    /// The `Kind(args)` of a `WITH DECAY` clause that reads back as this decay.
    pub(crate) fn to_ast(self) -> (Ident, Vec<Expr>) {
        let lit = |l: Literal| Expr {
            kind: ExprKind::Literal(l),
            span: Span::default(),
        };
        let (name, arg) = match self.kind {
            DecayKind::Exponential { rate_per_hour } => {
                ("Exponential", Literal::Float(rate_per_hour))
            }
            DecayKind::HalfLife { half_life_us } => {
                ("Exponential", Literal::String(interval_text(half_life_us)))
            }
            DecayKind::Linear { window_us } => {
                ("Linear", Literal::String(interval_text(window_us)))
            }
            DecayKind::Window { window_us } => {
                ("Window", Literal::String(interval_text(window_us)))
            }
        };
        (Ident::new(name), vec![lit(arg)])
    }
}

impl fmt::Display for Decay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, args) = self.to_ast();
        write!(f, "{name}(")?;
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{a}")?;
        }
        f.write_str(")")
    }
}

/// A decay argument: a bare number (hours, or a rate per hour) or a time span.
enum DecayArg {
    Number(f64),
    Span(i64),
}

impl DecayArg {
    /// Reads a literal number, `'1d'` or `INTERVAL '1d'`.
    fn read(e: &Expr) -> Result<DecayArg, String> {
        match &e.kind {
            ExprKind::Literal(Literal::Int(n)) => Ok(DecayArg::Number(*n as f64)),
            ExprKind::Literal(Literal::Float(x)) => Ok(DecayArg::Number(*x)),
            ExprKind::Literal(Literal::String(s) | Literal::Interval(s)) => {
                hyperql::parse_interval(s)
                    .map(DecayArg::Span)
                    .ok_or_else(|| format!("`{s}` is not an interval (try '12h' or '7 days')"))
            }
            ExprKind::Unary {
                op: UnaryOp::Neg,
                expr,
            } => match DecayArg::read(expr)? {
                DecayArg::Number(x) => Ok(DecayArg::Number(-x)),
                DecayArg::Span(_) => Err(format!("`{e}` is a negative interval")),
            },
            _ => Err(format!(
                "expected a number or an interval like '1d', found `{e}`"
            )),
        }
    }

    /// The argument as a span: a number counts hours.
    fn as_span(&self) -> Result<i64, String> {
        match *self {
            DecayArg::Span(us) => Ok(us),
            DecayArg::Number(hours) => {
                let us = (hours * HOUR_US).round();
                if !(us.is_finite() && us.abs() < MAX_SPAN_US) {
                    return Err(format!("{hours} hours is out of range"));
                }
                Ok(us as i64)
            }
        }
    }
}

/// A span as the shortest exact interval text (`'1d'`, `'90m'`, `'1500us'`).
fn interval_text(us: i64) -> String {
    const UNITS: [(i64, &str); 6] = [
        (604_800_000_000, "w"),
        (86_400_000_000, "d"),
        (3_600_000_000, "h"),
        (60_000_000, "m"),
        (1_000_000, "s"),
        (1_000, "ms"),
    ];
    for (size, unit) in UNITS {
        if us % size == 0 {
            return format!("{}{unit}", us / size);
        }
    }
    format!("{us}us")
}
