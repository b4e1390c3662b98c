//! Compound queries: `WITH` (common table expressions, `RECURSIVE` too) and the set
//! operations `UNION [ALL]`, `INTERSECT [ALL]`, `EXCEPT [ALL]`, with their printing;
//! and the printing of `INSERT` (whose rows may come from a query).
//!
//! A plain `SELECT` stays [`StatementKind::Select`](super::StatementKind::Select);
//! a [`Query`] is made only when `WITH` or a set operation is present.
//!
//! Invariant: `Query::order_by`, `limit` and `offset` are set only when the body is
//! a set operation or parenthesized (they apply to its result); a body that is one
//! `SELECT` keeps its own. The operands of a set operation have none of their own unless they are
//! parenthesized ([`SetExpr::Nested`]).

use super::display::{list, order_limit, path};
use super::expr::Expr;
use super::stmt::{Ident, Insert, InsertSource, OnConflict, OrderItem, Select};
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
        order_limit(f, &self.order_by, self.limit.as_ref(), self.offset.as_ref())
    }
}

impl Display for Insert {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let verb = match self.on_conflict {
            Some(OnConflict::Merge) => "UPSERT",
            _ => "INSERT",
        };
        write!(f, "{verb} INTO {}", self.target)?;
        let columns = |f: &mut Formatter<'_>, columns: &[Ident]| {
            if columns.is_empty() {
                return Ok(());
            }
            f.write_str(" (")?;
            list(f, columns)?;
            f.write_str(")")
        };
        match &self.source {
            InsertSource::Values { columns: c, rows } => {
                columns(f, c)?;
                f.write_str(" VALUES ")?;
                for (i, r) in rows.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str("(")?;
                    list(f, r)?;
                    f.write_str(")")?;
                }
            }
            InsertSource::Documents(docs) => {
                f.write_str(" ")?;
                list(f, docs)?;
            }
            InsertSource::Query { columns: c, query } => {
                columns(f, c)?;
                write!(f, " {query}")?;
            }
        }
        match &self.on_conflict {
            None | Some(OnConflict::Merge) => Ok(()),
            Some(OnConflict::Nothing) => f.write_str(" ON CONFLICT DO NOTHING"),
            Some(OnConflict::Update(sets)) => {
                f.write_str(" ON CONFLICT DO UPDATE SET ")?;
                for (i, (p, e)) in sets.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    path(f, p)?;
                    write!(f, " = {e}")?;
                }
                Ok(())
            }
        }
    }
}
