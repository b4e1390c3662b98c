//! Expressions.

use super::endpoint::EndpointRef;
use super::stmt::{Ident, Select};
use super::window::WindowSpec;
use crate::span::Span;

/// An expression and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// Literal values.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `NULL`.
    Null,
    /// `TRUE` / `FALSE`.
    Bool(bool),
    /// An integer (a leading `-` belongs to the literal).
    Int(i64),
    /// A float (finite).
    Float(f64),
    /// `'text'`.
    String(String),
    /// `INTERVAL '1 day'`.
    Interval(String),
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `NOT`.
    Not,
    /// `-`.
    Neg,
}

/// Binary operators, by precedence group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `OR`.
    Or,
    /// `AND`.
    And,
    /// `=`.
    Eq,
    /// `<>` (also written `!=`).
    NotEq,
    /// `<`.
    Lt,
    /// `<=`.
    LtEq,
    /// `>`.
    Gt,
    /// `>=`.
    GtEq,
    /// `||` (string concatenation).
    Concat,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Mod,
}

/// Expression kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// A column or a dotted path into a document: `age`, `p.age`, `profile.bio`.
    Path(Vec<Ident>),
    /// `$name`.
    Param(String),
    /// `NOT e`, `-e`.
    Unary {
        /// Operator.
        op: UnaryOp,
        /// Operand.
        expr: Box<Expr>,
    },
    /// `l op r`.
    Binary {
        /// Operator.
        op: BinaryOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `e IS [NOT] NULL`.
    IsNull {
        /// Operand.
        expr: Box<Expr>,
        /// `IS NOT NULL`.
        negated: bool,
    },
    /// `e [NOT] BETWEEN low AND high`.
    Between {
        /// Operand.
        expr: Box<Expr>,
        /// Lower bound (inclusive).
        low: Box<Expr>,
        /// Upper bound (inclusive).
        high: Box<Expr>,
        /// `NOT BETWEEN`.
        negated: bool,
    },
    /// `e [NOT] IN (a, b, ...)`.
    InList {
        /// Operand.
        expr: Box<Expr>,
        /// Candidates (at least one).
        list: Vec<Expr>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `e [NOT] IN (SELECT ..)`: the subquery's one column as the list.
    InSubquery {
        /// Operand.
        expr: Box<Expr>,
        /// The subquery (it may refer to the query around it).
        query: Box<super::stmt::Select>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `EXISTS (SELECT ..)`: whether the subquery returns a row.
    Exists(Box<super::stmt::Select>),
    /// `e [NOT] LIKE pattern` (`%` any run, `_` one character).
    Like {
        /// Operand.
        expr: Box<Expr>,
        /// Pattern.
        pattern: Box<Expr>,
        /// `NOT LIKE`.
        negated: bool,
    },
    /// `field SIMILAR TO $q THRESHOLD t`: cosine similarity at least `t`.
    SimilarTo {
        /// The vector field.
        expr: Box<Expr>,
        /// The query vector.
        target: Box<Expr>,
        /// Minimum similarity.
        threshold: Box<Expr>,
    },
    /// `position NEAR $anchor WITHIN r`: geometric distance (the source's metric) at most `r`.
    /// Without `WITHIN` (`position NEAR $anchor`): no radius (every entity with a
    /// position), nearest first when the query has no `ORDER BY`.
    Near {
        /// The position field.
        expr: Box<Expr>,
        /// An entity id or a point.
        anchor: Box<Expr>,
        /// Maximum distance, if any.
        radius: Option<Box<Expr>>,
    },
    /// `position DISTANCE FROM $anchor`: geometric distance (the source's metric).
    DistanceFrom {
        /// The position field.
        expr: Box<Expr>,
        /// An entity id or a point.
        anchor: Box<Expr>,
    },
    /// A function call: `f(a, b)`, `COUNT(*)`, `COUNT(DISTINCT x)`.
    Function {
        /// Name, as written (matched case-insensitively).
        name: Ident,
        /// Arguments (empty for `COUNT(*)`).
        args: Vec<Expr>,
        /// `f(DISTINCT ...)`.
        distinct: bool,
        /// `f(*)`.
        star: bool,
    },
    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`.
    Case {
        /// The value compared against each `WHEN` (simple form).
        operand: Option<Box<Expr>>,
        /// `(WHEN, THEN)` pairs, at least one.
        whens: Vec<(Expr, Expr)>,
        /// `ELSE` value.
        else_: Option<Box<Expr>>,
    },
    /// `[a, b, c]`.
    Array(Vec<Expr>),
    /// `{key: value, "key": value}`.
    Object(Vec<(String, Expr)>),
    /// `(SELECT ...)` returning one value.
    Subquery(Box<Select>),
    /// `f(..) OVER (..)`: a window function call (`call` is a [`ExprKind::Function`]).
    Over {
        /// The function called.
        call: Box<Expr>,
        /// Its window.
        window: WindowSpec,
    },
    /// `collection[key].path`: the value at one endpoint (NULL when missing).
    Endpoint(EndpointRef),
}

impl Expr {
    /// An expression with a default span (for building trees in code).
    pub fn new(kind: ExprKind) -> Self {
        Expr {
            kind,
            span: Span::default(),
        }
    }

    /// A literal expression.
    pub fn lit(l: Literal) -> Self {
        Expr::new(ExprKind::Literal(l))
    }
}
