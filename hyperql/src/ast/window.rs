//! Window clauses: `f(..) OVER ([PARTITION BY ..] [ORDER BY ..] [frame])`.

use super::display::list;
use super::expr::{Expr, ExprKind};
use super::stmt::OrderItem;
use std::fmt::{self, Display, Formatter};

/// The inside of `OVER (...)`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct WindowSpec {
    /// `PARTITION BY e, ...`: rows with equal values form one partition.
    pub partition_by: Vec<Expr>,
    /// `ORDER BY e [ASC|DESC], ...`: the order of the rows in a partition.
    pub order_by: Vec<OrderItem>,
    /// `ROWS ..` / `RANGE ..`: the rows an aggregate sees for each row.
    pub frame: Option<WindowFrame>,
}

/// `ROWS start`, `RANGE BETWEEN start AND end`, ...
#[derive(Clone, Debug, PartialEq)]
pub struct WindowFrame {
    /// `ROWS` (offsets count rows) or `RANGE` (offsets are distances in the order key).
    pub units: FrameUnits,
    /// Where the frame starts.
    pub start: FrameBound,
    /// Where it ends (`BETWEEN .. AND end`); without it, the current row.
    pub end: Option<FrameBound>,
}

/// How frame offsets are measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameUnits {
    /// `ROWS`: a number of rows.
    Rows,
    /// `RANGE`: a distance in the value of the single ORDER BY key.
    Range,
}

/// One end of a frame.
#[derive(Clone, Debug, PartialEq)]
pub enum FrameBound {
    /// `UNBOUNDED PRECEDING`: the partition's first row.
    UnboundedPreceding,
    /// `n PRECEDING`.
    Preceding(Box<Expr>),
    /// `CURRENT ROW` (with `RANGE`, the current row's first or last peer).
    CurrentRow,
    /// `n FOLLOWING`.
    Following(Box<Expr>),
    /// `UNBOUNDED FOLLOWING`: the partition's last row.
    UnboundedFollowing,
}

impl Display for WindowSpec {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if !self.partition_by.is_empty() {
            f.write_str("PARTITION BY ")?;
            list(f, &self.partition_by)?;
            sep = " ";
        }
        if !self.order_by.is_empty() {
            write!(f, "{sep}ORDER BY ")?;
            list(f, &self.order_by)?;
            sep = " ";
        }
        if let Some(fr) = &self.frame {
            write!(f, "{sep}{fr}")?;
        }
        Ok(())
    }
}

impl Display for WindowFrame {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self.units {
            FrameUnits::Rows => "ROWS ",
            FrameUnits::Range => "RANGE ",
        })?;
        match &self.end {
            Some(end) => write!(f, "BETWEEN {} AND {end}", self.start),
            None => write!(f, "{}", self.start),
        }
    }
}

/// A frame offset: a lone `unbounded` name is parenthesized (bare, it would read back
/// as `UNBOUNDED PRECEDING`).
struct Offset<'a>(&'a Expr);

impl Display for Offset<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            ExprKind::Path(p) if p.len() == 1 && p[0].name.eq_ignore_ascii_case("UNBOUNDED") => {
                write!(f, "({})", self.0)
            }
            _ => write!(f, "{}", self.0),
        }
    }
}

impl Display for FrameBound {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            FrameBound::UnboundedPreceding => f.write_str("UNBOUNDED PRECEDING"),
            FrameBound::Preceding(e) => write!(f, "{} PRECEDING", Offset(e)),
            FrameBound::CurrentRow => f.write_str("CURRENT ROW"),
            FrameBound::Following(e) => write!(f, "{} FOLLOWING", Offset(e)),
            FrameBound::UnboundedFollowing => f.write_str("UNBOUNDED FOLLOWING"),
        }
    }
}
