//! Rule 8, projection pushdown (when `Capabilities::projection_pushdown`): each scan
//! returns only the top-level fields the query reads of its binding, plus `id`.
//!
//! Invariants this rule relies on:
//! - bindings are unique within a plan (the planner rejects a repeated alias), so
//!   uses are collected per binding name; a subquery is optimized, and projected, on
//!   its own;
//! - a use of the whole document (a bare column, or a node that passes documents on
//!   whole: `Traverse`, `Update`, `Delete`, `Subscribe`, `Distinct`) means the scan
//!   keeps every field;
//! - a scan's pushed filters read their fields too: a source that does not apply a
//!   filter returns records that the executor filters itself.

use crate::plan::{BExpr, Column, Plan};
use std::collections::{BTreeMap, BTreeSet};

/// Per binding: `None` when the whole document is needed, else its top-level fields.
type Uses = BTreeMap<String, Option<BTreeSet<String>>>;

/// Restricts every scan to the fields `plan` reads.
pub(super) fn push_projections(plan: &mut Plan) {
    let mut uses = BTreeMap::new();
    if only_known_nodes(plan) {
        // Every node's reads are collected below, so a binding that none of them
        // reads needs no field (its scan's filters add theirs): `COUNT(*) ... WHERE`.
        for_each_scan(plan, &mut |binding| {
            uses.insert(binding.to_string(), Some(BTreeSet::new()));
        });
    }
    collect_uses(plan, &mut uses);
    apply_projection(plan, &uses);
}

/// Whether `plan` has only nodes whose reads [`collect_uses`] records (and no
/// subquery), so that a binding no node reads is truly unread.
fn only_known_nodes(plan: &Plan) -> bool {
    let mut subquery = false;
    let mut exprs_ok = |e: &BExpr| {
        e.walk(&mut |x| subquery |= matches!(x, BExpr::Subquery(_)));
    };
    let known = match plan {
        Plan::Scan { .. } | Plan::Empty { .. } | Plan::Unit | Plan::Limit { .. } => true,
        Plan::Filter { predicate, .. } => {
            exprs_ok(predicate);
            true
        }
        Plan::Project { exprs, .. } => {
            exprs.iter().for_each(&mut exprs_ok);
            true
        }
        Plan::Aggregate { group, aggs, .. } => {
            group
                .iter()
                .chain(aggs.iter().filter_map(|a| a.arg.as_ref()))
                .for_each(&mut exprs_ok);
            true
        }
        Plan::Sort { keys, .. } => {
            keys.iter().for_each(|k| exprs_ok(&k.expr));
            true
        }
        _ => false,
    };
    known && !subquery && plan.children().iter().all(|c| only_known_nodes(c))
}

fn for_each_scan(plan: &Plan, f: &mut impl FnMut(&str)) {
    if let Plan::Scan { binding, .. } = plan {
        f(binding);
    }
    for c in plan.children() {
        for_each_scan(c, f);
    }
}

/// Records in `uses` what `e`, over columns `cols`, reads of each binding.
fn note(uses: &mut Uses, cols: &[Column], e: &BExpr) {
    e.walk(&mut |x| {
        let (i, field) = match x {
            BExpr::Col(i) => (*i, None),
            BExpr::Field(i, p) => (*i, p.first().cloned()),
            _ => return,
        };
        let Some(b) = cols.get(i).and_then(|c| c.binding.clone()) else {
            return;
        };
        let entry = uses.entry(b).or_insert_with(|| Some(BTreeSet::new()));
        match (entry.as_mut(), field) {
            (Some(set), Some(f)) => {
                set.insert(f);
            }
            _ => *entry = None,
        }
    });
}

/// Records in `uses` what every node of `plan` reads of each binding.
fn collect_uses(plan: &Plan, uses: &mut Uses) {
    let input_cols = |p: &Plan| {
        p.children()
            .first()
            .map(|c| c.columns())
            .unwrap_or_default()
    };
    let whole = |uses: &mut Uses, p: &Plan| {
        for c in p.columns() {
            if let Some(b) = c.binding {
                uses.insert(b, None);
            }
        }
    };
    match plan {
        Plan::Filter { predicate, input } => note(uses, &input.columns(), predicate),
        Plan::Project { exprs, .. } => exprs.iter().for_each(|e| note(uses, &input_cols(plan), e)),
        Plan::Aggregate { group, aggs, .. } => {
            let cols = input_cols(plan);
            group
                .iter()
                .chain(aggs.iter().filter_map(|a| a.arg.as_ref()))
                .for_each(|e| note(uses, &cols, e));
        }
        Plan::Window { funcs, .. } => {
            let cols = input_cols(plan);
            for e in funcs.iter().flat_map(|w| w.exprs()) {
                note(uses, &cols, e);
            }
        }
        Plan::DistinctOn { keys, .. } => {
            let cols = input_cols(plan);
            keys.iter().for_each(|e| note(uses, &cols, e));
        }
        Plan::Sort { keys, .. } => keys
            .iter()
            .for_each(|k| note(uses, &input_cols(plan), &k.expr)),
        Plan::Join { on: Some(on), .. } => note(uses, &plan.columns(), on),
        Plan::Knn {
            post_filter: Some(p),
            ..
        } => note(uses, &plan.columns(), p),
        // A source that does not apply its pushed filters returns records the executor
        // filters itself: the filtered fields must come back too.
        Plan::Scan {
            binding, filters, ..
        } => {
            for f in filters {
                if let (Some(Some(set)), Some(head)) =
                    (uses.get_mut(binding.as_str()), f.path().first())
                {
                    set.insert(head.clone());
                }
            }
        }
        Plan::Traverse { input, .. }
        | Plan::Update { input, .. }
        | Plan::Delete { input, .. }
        | Plan::Subscribe { input }
        | Plan::Distinct { input } => whole(uses, input),
        _ => {}
    }
    for c in plan.children() {
        collect_uses(c, uses);
    }
}

/// Sets the projection of every scan whose binding is read field by field.
fn apply_projection(plan: &mut Plan, uses: &Uses) {
    if let Plan::Scan {
        binding,
        projection,
        ..
    } = plan
        && let Some(Some(fields)) = uses.get(binding.as_str())
    {
        let mut f: Vec<String> = fields.iter().cloned().collect();
        if !f.iter().any(|x| x == "id") {
            f.insert(0, "id".to_string());
        }
        *projection = Some(f);
    }
    for c in plan.children_mut() {
        apply_projection(c, uses);
    }
}
