//! Semantic analysis and planning: binds names (aliases, dotted paths), checks types
//! against schemas, infers parameter types, enforces the GROUP BY / HAVING rules, and
//! builds the logical plan.
//!
//! This file holds the [`Builder`] state, the type checks every clause shares and the
//! dispatch by statement kind. The clauses live beside it in `builder/`:
//! - `select.rs`: the order in which a SELECT's clauses become plan nodes;
//! - `from.rs` (tables and joins), `traverse.rs` (`TRAVERSE` patterns),
//!   `filter.rs` (WHERE, ON, HAVING), `group.rs` (GROUP BY and aggregates),
//!   `window.rs` (window functions), `project.rs` (the select list), `order.rs`
//!   (ORDER BY, DISTINCT), `distinct_on.rs` (DISTINCT ON), `limit.rs` (LIMIT,
//!   OFFSET);
//! - `query.rs`: `WITH` (table expressions, recursive ones too) and set operations;
//!   `subquery.rs`: subqueries in expressions and their outer references;
//! - `write.rs` (INSERT, UPDATE, DELETE, SUBSCRIBE, RELATE) and `schema.rs`
//!   (CREATE / ALTER / DESCRIBE SCHEMA);
//! - `endpoints.rs`: `FROM ENDPOINTS(..)`, `collection[key].path` and `SET`;
//! - expressions: `expr.rs` (dispatch by kind), `binary.rs` (operators),
//!   `call.rs` (function calls), `path.rs` (name resolution), `walk.rs` (finding
//!   aggregate and window calls in the AST).

mod binary;
mod call;
mod distinct_on;
mod endpoints;
mod expr;
mod filter;
mod from;
mod group;
mod limit;
mod near;
mod order;
mod path;
mod project;
mod query;
mod schema;
mod select;
mod subquery;
mod traverse;
mod walk;
mod window;
mod write;

use super::*;
use crate::ast::{self, Expr, ExprKind, Literal, SelectItem, Statement, StatementKind};
use crate::error::SemanticError;
use crate::functions::METRICS;
use crate::source::{DataSource, FieldSchema, ScalarFunction};
use crate::span::Span;
use std::collections::BTreeMap;

type R<T> = Result<T, SemanticError>;

/// The result of analysing one statement.
pub struct Analysis {
    /// The unoptimized plan (parameters still unbound).
    pub plan: Plan,
    /// Inferred parameter types.
    pub params: BTreeMap<String, Type>,
}

/// Analyses and plans one statement.
pub fn plan_statement(stmt: &Statement, source: &dyn DataSource) -> R<Analysis> {
    let mut b = Builder {
        source,
        functions: source.functions(),
        params: BTreeMap::new(),
        windows: Vec::new(),
        ctes: Vec::new(),
        work_tables: 0,
        outer: Default::default(),
    };
    let plan = b.statement(stmt)?;
    Ok(Analysis {
        plan,
        params: b.params,
    })
}

/// The planner's state while one statement is analysed.
struct Builder<'a> {
    source: &'a dyn DataSource,
    functions: Vec<Arc<dyn ScalarFunction>>,
    params: BTreeMap<String, Type>,
    /// Window calls of the current select and the column each lands in.
    windows: Vec<(Expr, usize)>,
    /// Table expressions (`WITH`) in scope, innermost last.
    ctes: Vec<query::CteDef>,
    /// Work tables of recursive table expressions named so far (their names are
    /// made unique with this count).
    work_tables: usize,
    /// The queries around the subquery being planned, outermost first.
    outer: std::cell::RefCell<Vec<subquery::OuterFrame>>,
}

/// How aggregates are treated while binding.
#[derive(Clone, Copy)]
enum Mode<'e> {
    /// Aggregates are errors (`what` says where).
    Row(&'static str),
    /// After aggregation: group keys and aggregates are columns.
    Agg(&'e [Expr], &'e [Expr]),
}

fn err<T>(span: Span, msg: impl Into<String>) -> R<T> {
    Err(SemanticError::new(span, msg))
}

/// The type a parameter (or a CASE result) has when it is used as both `old` and
/// `new`; `None` when the two cannot be reconciled.
fn merge_param(old: Type, new: Type) -> Option<Type> {
    match (old, new) {
        (Type::Any, t) | (t, Type::Any) | (Type::Null, t) | (t, Type::Null) => Some(t),
        (Type::Int, Type::Float) | (Type::Float, Type::Int) => Some(Type::Float),
        (Type::Vector(a), Type::Vector(b)) => Some(Type::Vector(a.or(b))),
        (Type::Vector(a), Type::Array) | (Type::Array, Type::Vector(a)) => Some(Type::Vector(a)),
        (a, b) if a == b => Some(a),
        _ => None,
    }
}

impl Builder<'_> {
    /// Records that parameter-expression `e` is used where `ty` is expected.
    fn expect(&mut self, e: &BExpr, ty: Type, span: Span) -> R<()> {
        if let BExpr::Param(name) = e {
            let old = self.params.get(name).copied().unwrap_or(Type::Any);
            match merge_param(old, ty) {
                Some(t) => {
                    self.params.insert(name.clone(), t);
                }
                None => {
                    return err(
                        span,
                        format!("parameter ${name} is used both as {old} and as {ty}"),
                    );
                }
            }
        }
        Ok(())
    }

    /// Checks that `e`, of type `actual`, may stand where `what` expects `want`.
    fn check_type(&mut self, e: &BExpr, actual: Type, want: Type, span: Span, what: &str) -> R<()> {
        self.expect(e, want, span)?;
        let ok = match want {
            Type::Any => true,
            Type::Float | Type::Int => actual.is_numeric(),
            Type::Vector(_) => matches!(
                actual,
                Type::Vector(_) | Type::Array | Type::Any | Type::Null
            ),
            w => {
                actual.comparable(w)
                    && !(w == Type::Bool
                        && actual.is_numeric()
                        && actual != Type::Any
                        && actual != Type::Null)
            }
        };
        if ok {
            Ok(())
        } else {
            err(
                span,
                format!("type mismatch: {what} expects {want}, found {actual}"),
            )
        }
    }

    fn statement(&mut self, stmt: &Statement) -> R<Plan> {
        match &stmt.kind {
            StatementKind::Select(s) => self.select(s),
            StatementKind::Query(q) => self.query(q),
            StatementKind::Explain(inner) => Ok(Plan::Explain {
                input: Box::new(self.statement(inner)?),
            }),
            StatementKind::Insert(ins) => self.insert(ins),
            StatementKind::Update(u) => self.update(u),
            StatementKind::Delete(d) => self.delete(d),
            StatementKind::Subscribe(s) => self.subscribe(s),
            StatementKind::Relate(r) => self.relate(r),
            StatementKind::CreateSchema(c) => self.create_schema(c),
            StatementKind::AlterSchema(a) => self.alter_schema(a),
            StatementKind::DropSchema(d) => Ok(Plan::DropSchema {
                name: d.name.name.clone(),
                if_exists: d.if_exists,
            }),
            StatementKind::DescribeSchema(d) => self.describe_schema(d),
            StatementKind::Relayout(r) => self.relayout(r),
            StatementKind::Set(s) => self.set_endpoints(s),
        }
    }
}
