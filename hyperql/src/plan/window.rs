//! The functions of a [`Plan::Window`](super::Plan::Window): what each computes, over
//! which partitions, in which order, and over which frame.

use super::{BExpr, SortKey};
use crate::ast::FrameUnits;
use crate::functions::AggFunc;
use crate::types::Type;

/// What a window function computes for each row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowKind {
    /// An aggregate over the row's frame (`COUNT(*)` has no argument).
    Agg(AggFunc),
    /// `ROW_NUMBER()`: 1, 2, 3, ... in the partition's order.
    RowNumber,
    /// `RANK()`: 1 + the number of rows before the row's first peer.
    Rank,
    /// `DENSE_RANK()`: 1 + the number of distinct peer groups before the row's.
    DenseRank,
    /// `LAG(e [, offset [, default]])`: `e` of the row `offset` rows before.
    Lag,
    /// `LEAD(e [, offset [, default]])`: `e` of the row `offset` rows after.
    Lead,
    /// `MOVING_AVG(e, n)`: the mean of the last `n` non-NULL values of `e`, in the order
    /// rows arrive (NULL where `e` is NULL).
    MovingAvg(usize),
}

impl WindowKind {
    /// The window function called `name` (aggregates included), if it is one.
    pub fn from_name(name: &str) -> Option<WindowKind> {
        if let Some(a) = AggFunc::from_name(name) {
            return Some(WindowKind::Agg(a));
        }
        Some(match name.to_ascii_uppercase().as_str() {
            "ROW_NUMBER" => WindowKind::RowNumber,
            "RANK" => WindowKind::Rank,
            "DENSE_RANK" => WindowKind::DenseRank,
            "LAG" => WindowKind::Lag,
            "LEAD" => WindowKind::Lead,
            _ => return None,
        })
    }

    /// Upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            WindowKind::Agg(a) => a.name(),
            WindowKind::RowNumber => "ROW_NUMBER",
            WindowKind::Rank => "RANK",
            WindowKind::DenseRank => "DENSE_RANK",
            WindowKind::Lag => "LAG",
            WindowKind::Lead => "LEAD",
            WindowKind::MovingAvg(_) => "MOVING_AVG",
        }
    }
}

/// One end of a [`Frame`]; offsets are constant expressions (evaluated once).
#[derive(Clone, Debug)]
pub enum FrameEdge {
    /// The partition's first row.
    UnboundedPreceding,
    /// `n` rows (ROWS) or a distance `n` in the order key (RANGE) before.
    Preceding(BExpr),
    /// The current row (RANGE: its first peer as a start, its last as an end).
    CurrentRow,
    /// `n` rows or a distance `n` after.
    Following(BExpr),
    /// The partition's last row.
    UnboundedFollowing,
}

/// The rows an aggregate window function sees for each row.
#[derive(Clone, Debug)]
pub struct Frame {
    /// How offsets are measured.
    pub units: FrameUnits,
    /// First row.
    pub start: FrameEdge,
    /// Last row.
    pub end: FrameEdge,
}

impl Frame {
    /// The SQL default: with ORDER BY, the partition's start to the current row and
    /// its peers; without, every row is a peer, so the whole partition.
    pub fn default_frame() -> Frame {
        Frame {
            units: FrameUnits::Range,
            start: FrameEdge::UnboundedPreceding,
            end: FrameEdge::CurrentRow,
        }
    }
}

/// One window function of a [`Plan::Window`](super::Plan::Window): appends one column.
#[derive(Clone, Debug)]
pub struct WindowFunc {
    /// What it computes.
    pub kind: WindowKind,
    /// Arguments over the input (none for `COUNT(*)`, `ROW_NUMBER()`, ...; LAG/LEAD:
    /// value, offset, default).
    pub args: Vec<BExpr>,
    /// `PARTITION BY` keys over the input.
    pub partition: Vec<BExpr>,
    /// `ORDER BY` keys over the input.
    pub order: Vec<SortKey>,
    /// The frame (used by aggregates only).
    pub frame: Frame,
    /// The column's name (the call as written).
    pub name: String,
    /// The column's type.
    pub ty: Type,
}

impl WindowFunc {
    /// Whether the function needs no more than the rows before the current one, in
    /// arrival order (so the operator streams it, and a limit may pass it).
    pub fn is_streaming(&self) -> bool {
        matches!(self.kind, WindowKind::MovingAvg(_))
    }

    /// Every expression the function reads (arguments, keys, frame offsets).
    pub fn exprs(&self) -> Vec<&BExpr> {
        let mut v: Vec<&BExpr> = self.args.iter().chain(&self.partition).collect();
        v.extend(self.order.iter().map(|k| &k.expr));
        for e in [&self.frame.start, &self.frame.end] {
            if let FrameEdge::Preceding(x) | FrameEdge::Following(x) = e {
                v.push(x);
            }
        }
        v
    }

    /// Every expression, mutably.
    pub fn exprs_mut(&mut self) -> Vec<&mut BExpr> {
        let mut v: Vec<&mut BExpr> = self.args.iter_mut().chain(&mut self.partition).collect();
        v.extend(self.order.iter_mut().map(|k| &mut k.expr));
        for e in [&mut self.frame.start, &mut self.frame.end] {
            if let FrameEdge::Preceding(x) | FrameEdge::Following(x) = e {
                v.push(x);
            }
        }
        v
    }
}

impl FrameEdge {
    fn text(&self, cols: &[super::Column]) -> String {
        use super::explain::expr_text;
        match self {
            FrameEdge::UnboundedPreceding => "UNBOUNDED PRECEDING".into(),
            FrameEdge::Preceding(x) => format!("{} PRECEDING", expr_text(x, cols)),
            FrameEdge::CurrentRow => "CURRENT ROW".into(),
            FrameEdge::Following(x) => format!("{} FOLLOWING", expr_text(x, cols)),
            FrameEdge::UnboundedFollowing => "UNBOUNDED FOLLOWING".into(),
        }
    }
}

impl WindowFunc {
    /// The function as `EXPLAIN` shows it, expressions named by `cols` (the input's).
    pub(crate) fn explain(&self, cols: &[super::Column]) -> String {
        use super::explain::expr_text;
        let list = |xs: &mut dyn Iterator<Item = String>| xs.collect::<Vec<_>>().join(", ");
        let args = list(&mut self.args.iter().map(|a| expr_text(a, cols)));
        if let WindowKind::MovingAvg(n) = self.kind {
            return format!("MOVING_AVG({args}, {n})");
        }
        let star = self.kind == WindowKind::Agg(AggFunc::Count) && self.args.is_empty();
        let mut parts = Vec::new();
        if !self.partition.is_empty() {
            let p = list(&mut self.partition.iter().map(|e| expr_text(e, cols)));
            parts.push(format!("PARTITION BY {p}"));
        }
        if !self.order.is_empty() {
            let o = list(&mut self.order.iter().map(|k| {
                format!(
                    "{}{}",
                    expr_text(&k.expr, cols),
                    if k.desc { " DESC" } else { "" }
                )
            }));
            parts.push(format!("ORDER BY {o}"));
        }
        let default = matches!(
            (&self.frame.units, &self.frame.start, &self.frame.end),
            (
                FrameUnits::Range,
                FrameEdge::UnboundedPreceding,
                FrameEdge::CurrentRow
            )
        );
        if matches!(self.kind, WindowKind::Agg(_)) && !default {
            parts.push(format!(
                "{} BETWEEN {} AND {}",
                if self.frame.units == FrameUnits::Rows {
                    "ROWS"
                } else {
                    "RANGE"
                },
                self.frame.start.text(cols),
                self.frame.end.text(cols)
            ));
        }
        format!(
            "{}({}) OVER ({})",
            self.kind.name(),
            if star { "*".to_string() } else { args },
            parts.join(" ")
        )
    }
}
