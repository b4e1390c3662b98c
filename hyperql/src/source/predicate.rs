//! Filters in a form a backend can apply without knowing hyperql's expressions.

use crate::value::{Document, Value};
use serde::Serialize;
use std::cmp::Ordering;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CmpOp {
    /// `=`.
    Eq,
    /// `<>`.
    NotEq,
    /// `<`.
    Lt,
    /// `<=`.
    LtEq,
    /// `>`.
    Gt,
    /// `>=`.
    GtEq,
}

impl CmpOp {
    /// Whether `ord` satisfies this operator.
    pub fn holds(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::NotEq => ord != Ordering::Equal,
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::LtEq => ord != Ordering::Greater,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::GtEq => ord != Ordering::Less,
        }
    }

    /// The operator with its sides swapped (`a < b` is `b > a`).
    pub fn flip(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::LtEq => CmpOp::GtEq,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::GtEq => CmpOp::LtEq,
            o => o,
        }
    }

    /// As written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::NotEq => "<>",
            CmpOp::Lt => "<",
            CmpOp::LtEq => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtEq => ">=",
        }
    }
}

/// One condition on a field of a record. A record passes only when the condition is
/// TRUE (SQL: a comparison with NULL or a missing field is not TRUE).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Predicate {
    /// `path op value`.
    Compare {
        /// Dotted path into the record.
        path: Vec<String>,
        /// Operator.
        op: CmpOp,
        /// Constant (never NULL).
        value: Value,
    },
    /// `path IN (values)`.
    In {
        /// Dotted path.
        path: Vec<String>,
        /// Constants.
        values: Vec<Value>,
    },
    /// `path IS [NOT] NULL`.
    IsNull {
        /// Dotted path.
        path: Vec<String>,
        /// `IS NOT NULL`.
        negated: bool,
    },
}

impl Predicate {
    /// Whether `doc` satisfies the predicate (a reference implementation for sources).
    pub fn matches(&self, doc: &Document) -> bool {
        let head = self
            .path()
            .first()
            .and_then(|h| crate::value::doc_get(doc, h));
        self.matches_head(head)
    }

    /// Whether a record whose top-level field `path()[0]` holds `head` (`None`: the
    /// field is absent) satisfies the predicate: [`Predicate::matches`] for a source
    /// that keeps fields apart (in columns) rather than in a document.
    pub fn matches_head(&self, head: Option<&Value>) -> bool {
        let tail = self.path().get(1..).unwrap_or(&[]);
        let v = head.map_or(&Value::Null, |v| v.get_path(tail));
        match self {
            Predicate::Compare { op, value, .. } => match v.sql_cmp(value) {
                Some(o) => op.holds(o),
                // Non-NULL values of types that do not compare are unequal.
                None => *op == CmpOp::NotEq && !v.is_null() && !value.is_null(),
            },
            Predicate::In { values, .. } => {
                values.iter().any(|c| v.sql_cmp(c) == Some(Ordering::Equal))
            }
            Predicate::IsNull { negated, .. } => v.is_null() != *negated,
        }
    }

    /// The dotted path the predicate reads.
    pub fn path(&self) -> &[String] {
        match self {
            Predicate::Compare { path, .. }
            | Predicate::In { path, .. }
            | Predicate::IsNull { path, .. } => path,
        }
    }
}

impl std::fmt::Display for Predicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Predicate::Compare { path, op, value } => {
                write!(f, "{} {} {value}", path.join("."), op.symbol())
            }
            Predicate::In { path, values } => {
                let v: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                write!(f, "{} IN ({})", path.join("."), v.join(", "))
            }
            Predicate::IsNull { path, negated } => {
                write!(
                    f,
                    "{} IS {}NULL",
                    path.join("."),
                    if *negated { "NOT " } else { "" }
                )
            }
        }
    }
}
