//! Rule 3, predicate pushdown: each `Filter` is split into its conjuncts, and each
//! conjunct is placed as low as it can go; a conjunct a source can evaluate becomes a
//! [`Predicate`] of the scan when the source filters (`Capabilities::filter_pushdown`).
//!
//! Invariants this rule relies on:
//! - a conjunct moves below a node only when that node keeps or drops whole rows
//!   without looking at them: a `Project` (the conjunct is rewritten into its input's
//!   terms, or stays above when it reads a computed column), a `Sort` without a limit,
//!   `Distinct`, and a `Traverse` for conjuncts that read only the input's columns
//!   (a traversal appends columns after them); never below a sorted top-k, an
//!   aggregate, a window (which reads its whole partition), a `DistinctOn` (which
//!   keeps the first row of each group) or a limit, where it would change which rows
//!   are kept or what they hold;
//! - joins: a conjunct on the left side's columns only goes left for inner, cross,
//!   comma and LEFT joins, one on the right's only goes right (its columns renumbered
//!   from 0) for inner, cross, comma and RIGHT joins; any other conjunct joins the ON
//!   condition of an inner-like join (turning a cross join into an inner one, which
//!   the executor can hash) and stays above an outer join, where filtering early
//!   would turn dropped rows into NULL-padded ones;
//! - a scan has one column, its document (`Field(0, ..)`); only `field op literal`
//!   shapes with non-NULL literals become predicates, and a source that does not
//!   apply one reports it unapplied, so the executor still filters those rows.

use super::walk::{and_all, conjuncts, map_children, with_filter};
use crate::ast::{BinaryOp, JoinKind};
use crate::plan::{BExpr, Plan};
use crate::source::{Capabilities, CmpOp, Predicate};

/// Rewrites references to a projection's outputs into its input's terms; `None` when
/// a reference cannot be expressed there.
fn through_project(e: &BExpr, exprs: &[BExpr]) -> Option<BExpr> {
    Some(match e {
        BExpr::Col(i) => exprs.get(*i)?.clone(),
        BExpr::Field(i, p) => match exprs.get(*i)? {
            BExpr::Col(j) => BExpr::Field(*j, p.clone()),
            BExpr::Field(j, q) => BExpr::Field(*j, q.iter().chain(p).cloned().collect()),
            _ => return None,
        },
        _ => {
            let mut out = e.clone();
            let kids: Vec<BExpr> = e
                .children()
                .into_iter()
                .map(|c| through_project(c, exprs))
                .collect::<Option<_>>()?;
            for (slot, k) in out.children_mut().into_iter().zip(kids) {
                *slot = k;
            }
            out
        }
    })
}

/// A conjunct a source can apply: `field op constant`, `field IN (constants)`,
/// `field IS [NOT] NULL`, `field BETWEEN a AND b`.
fn to_predicates(e: &BExpr) -> Option<Vec<Predicate>> {
    let cmp = |op: BinaryOp| match op {
        BinaryOp::Eq => Some(CmpOp::Eq),
        BinaryOp::NotEq => Some(CmpOp::NotEq),
        BinaryOp::Lt => Some(CmpOp::Lt),
        BinaryOp::LtEq => Some(CmpOp::LtEq),
        BinaryOp::Gt => Some(CmpOp::Gt),
        BinaryOp::GtEq => Some(CmpOp::GtEq),
        _ => None,
    };
    let field = |x: &BExpr| match x {
        BExpr::Field(0, p) if !p.is_empty() => Some(p.clone()),
        _ => None,
    };
    let lit = |x: &BExpr| match x {
        BExpr::Lit(v) if !v.is_null() => Some(v.clone()),
        _ => None,
    };
    Some(match e {
        BExpr::Binary(op, a, b) => {
            let op = cmp(*op)?;
            match (field(a), lit(b), field(b), lit(a)) {
                (Some(path), Some(value), _, _) => vec![Predicate::Compare { path, op, value }],
                (_, _, Some(path), Some(value)) => vec![Predicate::Compare {
                    path,
                    op: op.flip(),
                    value,
                }],
                _ => return None,
            }
        }
        BExpr::InList(x, list, false) => vec![Predicate::In {
            path: field(x)?,
            values: list.iter().map(lit).collect::<Option<_>>()?,
        }],
        BExpr::IsNull(x, negated) => vec![Predicate::IsNull {
            path: field(x)?,
            negated: *negated,
        }],
        BExpr::Between(x, lo, hi, false) => {
            let path = field(x)?;
            vec![
                Predicate::Compare {
                    path: path.clone(),
                    op: CmpOp::GtEq,
                    value: lit(lo)?,
                },
                Predicate::Compare {
                    path,
                    op: CmpOp::LtEq,
                    value: lit(hi)?,
                },
            ]
        }
        _ => return None,
    })
}

/// Applies the rule bottom-up: every `Filter` is taken apart and pushed.
pub(super) fn push_filters(plan: Plan, caps: &Capabilities) -> Plan {
    let plan = map_children(plan, &|p| push_filters(p, caps));
    let Plan::Filter { input, predicate } = plan else {
        return plan;
    };
    let mut parts = Vec::new();
    conjuncts(predicate, &mut parts);
    // Conjuncts that run a subquery per row stay where they are: only Filter runs
    // them (not a join's ON, a scan or an index search).
    let (stay, parts): (Vec<BExpr>, Vec<BExpr>) =
        parts.into_iter().partition(BExpr::has_correlated);
    with_filter(push_into(*input, parts, caps), stay)
}

/// Places the conjuncts `parts` as low as they can go above/inside `input`.
fn push_into(input: Plan, parts: Vec<BExpr>, caps: &Capabilities) -> Plan {
    if parts.is_empty() {
        return input;
    }
    match input {
        Plan::Filter { input, predicate } => {
            let mut all = parts;
            conjuncts(predicate, &mut all);
            push_into(*input, all, caps)
        }
        Plan::Scan {
            binding,
            collection,
            entity,
            mut filters,
            projection,
            limit,
            schema,
            time_field,
        } if caps.filter_pushdown => {
            let mut rest = Vec::new();
            for p in parts {
                match to_predicates(&p) {
                    Some(ps) => filters.extend(ps),
                    None => rest.push(p),
                }
            }
            with_filter(
                Plan::Scan {
                    binding,
                    collection,
                    entity,
                    filters,
                    projection,
                    limit,
                    schema,
                    time_field,
                },
                rest,
            )
        }
        Plan::Project {
            input,
            exprs,
            columns,
        } => {
            let mut down = Vec::new();
            let mut up = Vec::new();
            for p in parts {
                match through_project(&p, &exprs) {
                    Some(q) => down.push(q),
                    None => up.push(p),
                }
            }
            let inner = push_into(*input, down, caps);
            with_filter(
                Plan::Project {
                    input: Box::new(inner),
                    exprs,
                    columns,
                },
                up,
            )
        }
        Plan::Sort {
            input,
            keys,
            limit: None,
        } => Plan::Sort {
            input: Box::new(push_into(*input, parts, caps)),
            keys,
            limit: None,
        },
        Plan::Distinct { input } => Plan::Distinct {
            input: Box::new(push_into(*input, parts, caps)),
        },
        Plan::Traverse {
            input,
            steps,
            added,
        } => {
            let w = input.width();
            let (down, up): (Vec<BExpr>, Vec<BExpr>) = parts
                .into_iter()
                .partition(|p| p.columns_used().iter().all(|&i| i < w));
            let inner = push_into(*input, down, caps);
            with_filter(
                Plan::Traverse {
                    input: Box::new(inner),
                    steps,
                    added,
                },
                up,
            )
        }
        Plan::Join {
            left,
            right,
            kind,
            on,
        } => {
            let split = split_for_join(parts, kind, left.width());
            let left = push_into(*left, split.left, caps);
            let right = push_into(*right, split.right, caps);
            let (kind, on) = if split.on.is_empty() {
                (kind, on)
            } else {
                let mut all = Vec::new();
                if let Some(o) = on {
                    conjuncts(o, &mut all);
                }
                all.extend(split.on);
                (JoinKind::Inner, and_all(all))
            };
            with_filter(
                Plan::Join {
                    left: Box::new(left),
                    right: Box::new(right),
                    kind,
                    on,
                },
                split.above,
            )
        }
        other => with_filter(other, parts),
    }
}

/// Where the conjuncts over a join go.
struct JoinSplit {
    /// Below, into the left input.
    left: Vec<BExpr>,
    /// Below, into the right input (columns renumbered from 0).
    right: Vec<BExpr>,
    /// Into the ON condition (inner-like joins only).
    on: Vec<BExpr>,
    /// Above the join.
    above: Vec<BExpr>,
}

/// Sorts `parts` by where they may go over a join of kind `kind` whose left side is
/// `lw` columns wide.
fn split_for_join(parts: Vec<BExpr>, kind: JoinKind, lw: usize) -> JoinSplit {
    let inner_like = matches!(kind, JoinKind::Inner | JoinKind::Cross | JoinKind::Comma);
    let mut split = JoinSplit {
        left: Vec::new(),
        right: Vec::new(),
        on: Vec::new(),
        above: Vec::new(),
    };
    for p in parts {
        let used = p.columns_used();
        if !used.is_empty()
            && used.iter().all(|&i| i < lw)
            && (inner_like || kind == JoinKind::Left)
        {
            split.left.push(p);
        } else if !used.is_empty()
            && used.iter().all(|&i| i >= lw)
            && (inner_like || kind == JoinKind::Right)
        {
            let mut q = p;
            q.remap(&|i| i - lw);
            split.right.push(q);
        } else if inner_like {
            split.on.push(p);
        } else {
            split.above.push(p);
        }
    }
    split
}
