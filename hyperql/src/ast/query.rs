//! Compound queries: `WITH` (common table expressions, `RECURSIVE` too) and the set
//! operations `UNION [ALL]`, `INTERSECT [ALL]`, `EXCEPT [ALL]`, with their printing.
//!
//! A plain `SELECT` stays [`StatementKind::Select`](super::StatementKind::Select);
//! a [`Query`] is made only when `WITH` or a set operation is present.
//!
//! Invariant: `Query::order_by`, `limit` and `offset` are set only when the body is
//! a set operation or parenthesized (they apply to its result); a body that is one
//! `SELECT` keeps its own. The operands of a set operation have none of their own unless they are
//! parenthesized ([`SetExpr::Nested`]).

use super::display::list;
use super::expr::Expr;
use super::stmt::{Ident, OrderItem, Select};
use crate::span::Span;
use std::fmt::{self, Display, Formatter};

/// `[WITH ..] body [ORDER BY ..] [LIMIT ..] [OFFSET ..]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// `WITH [RECURSIVE] name AS (..), ..`.
    pub with: Option<With>,
    /// The rows.
    pub body: SetExpr,
    /// `ORDER BY` of a set operation's result.
    pub order_by: Vec<OrderItem>,
    /// `LIMIT` of a set operation's result.
    pub limit: Option<Expr>,
    /// `OFFSET` of a set operation's result.
    pub offset: Option<Expr>,
    /// Where it is.
    pub span: Span,
}

/// `WITH [RECURSIVE] cte, ..`.
#[derive(Clone, Debug, PartialEq)]
pub struct With {
    /// `RECURSIVE`: a table expression may read itself.
    pub recursive: bool,
    /// The table expressions, in order (each sees those before it).
    pub ctes: Vec<Cte>,
}

/// `name [(col, ..)] AS (query)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cte {
    /// The name the query refers to it by.
    pub name: Ident,
    /// Column names; empty: the query's own.
    pub columns: Vec<Ident>,
    /// Its rows.
    pub query: Box<Query>,
}

/// A set operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    /// `UNION`: rows of either side.
    Union,
    /// `INTERSECT`: rows of both sides.
    Intersect,
    /// `EXCEPT`: rows of the left side that the right side lacks.
    Except,
}

impl SetOp {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            SetOp::Union => "UNION",
            SetOp::Intersect => "INTERSECT",
            SetOp::Except => "EXCEPT",
        }
    }
}

/// The body of a query.
#[derive(Clone, Debug, PartialEq)]
pub enum SetExpr {
    /// One `SELECT`.
    Select(Box<Select>),
    /// `(query)`: a parenthesized operand (with its own ORDER BY, LIMIT or WITH).
    Nested(Box<Query>),
    /// `left op [ALL] right`.
    SetOp {
        /// The operator.
        op: SetOp,
        /// `ALL`: keep duplicates (a multiset operation).
        all: bool,
        /// Left operand.
        left: Box<SetExpr>,
        /// Right operand.
        right: Box<SetExpr>,
    },
}

/// Binding strength: INTERSECT binds tighter than UNION and EXCEPT.
fn strength(op: SetOp) -> u8 {
    match op {
        SetOp::Intersect => 2,
        SetOp::Union | SetOp::Except => 1,
    }
}

impl SetExpr {
    /// Prints `self` as an operand of `parent`, parenthesized where the parser
    /// would otherwise group it differently (`right`: the right operand).
    fn fmt_operand(&self, f: &mut Formatter<'_>, parent: SetOp, right: bool) -> fmt::Result {
        let paren = match self {
            SetExpr::SetOp { op, .. } => {
                let (mine, theirs) = (strength(*op), strength(parent));
                mine < theirs || (right && mine == theirs)
            }
            _ => false,
        };
        if paren {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

impl Display for SetExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SetExpr::Select(s) => write!(f, "{s}"),
            SetExpr::Nested(q) => write!(f, "({q})"),
            SetExpr::SetOp {
                op,
                all,
                left,
                right,
            } => {
                left.fmt_operand(f, *op, false)?;
                write!(f, " {}{} ", op.keyword(), if *all { " ALL" } else { "" })?;
                right.fmt_operand(f, *op, true)
            }
        }
    }
}

impl Display for Cte {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        if !self.columns.is_empty() {
            f.write_str(" (")?;
            list(f, &self.columns)?;
            f.write_str(")")?;
        }
        write!(f, " AS ({})", self.query)
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(w) = &self.with {
            f.write_str("WITH ")?;
            if w.recursive {
                f.write_str("RECURSIVE ")?;
            }
            list(f, &w.ctes)?;
            f.write_str(" ")?;
        }
        write!(f, "{}", self.body)?;
        if !self.order_by.is_empty() {
            f.write_str(" ORDER BY ")?;
            list(f, &self.order_by)?;
        }
        if let Some(l) = &self.limit {
            write!(f, " LIMIT {l}")?;
        }
        if let Some(o) = &self.offset {
            write!(f, " OFFSET {o}")?;
        }
        Ok(())
    }
}
