//! Reading the AST before binding: which calls are aggregates or window calls, collecting them from the clauses that may hold them, and the output name
//! an unaliased select item gets.

use super::*;

/// Whether `e` is a call of an aggregate function.
pub(super) fn is_agg_call(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Function { name, .. } if AggFunc::from_name(&name.name).is_some())
}

/// Whether `e` is a window call: `f(..) OVER (..)` or `MOVING_AVG(..)`.
pub(super) fn is_window_call(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Over { .. })
        || matches!(&e.kind, ExprKind::Function { name, .. } if is_window_name(&name.name))
}

/// Whether a function of this name is the `MOVING_AVG` window.
pub(super) fn is_window_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("MOVING_AVG")
}

/// Sub-expressions of `e` (not descending into subqueries).
pub(super) fn ast_children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Literal(_)
        | ExprKind::Path(_)
        | ExprKind::Param(_)
        | ExprKind::Subquery(_)
        | ExprKind::Exists(_) => Vec::new(),
        ExprKind::InSubquery { expr, .. } => vec![expr],
        ExprKind::Unary { expr, .. } | ExprKind::IsNull { expr, .. } => vec![expr],
        ExprKind::Endpoint(ep) => vec![&ep.key],
        ExprKind::Binary { left, right, .. } => vec![left, right],
        ExprKind::Like { expr, pattern, .. } => vec![expr, pattern],
        ExprKind::DistanceFrom { expr, anchor } => vec![expr, anchor],
        ExprKind::Between {
            expr, low, high, ..
        } => vec![expr, low, high],
        ExprKind::SimilarTo {
            expr,
            target,
            threshold,
        } => vec![expr, target, threshold],
        ExprKind::Near {
            expr,
            anchor,
            radius,
        } => [Some(expr), Some(anchor), radius.as_ref()]
            .into_iter()
            .flatten()
            .map(|e| &**e)
            .collect(),
        ExprKind::InList { expr, list, .. } => {
            std::iter::once(&**expr).chain(list.iter()).collect()
        }
        ExprKind::Function { args, .. } | ExprKind::Array(args) => args.iter().collect(),
        ExprKind::Object(kv) => kv.iter().map(|(_, v)| v).collect(),
        ExprKind::Over { call, window } => {
            let mut v = ast_children(call);
            v.extend(window.partition_by.iter());
            v.extend(window.order_by.iter().map(|o| &o.expr));
            v
        }
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            let mut v: Vec<&Expr> = operand.iter().map(|b| &**b).collect();
            for (a, b) in whens {
                v.push(a);
                v.push(b);
            }
            v.extend(else_.iter().map(|b| &**b));
            v
        }
    }
}

/// Appends to `out` the outermost sub-expressions of `e` that satisfy `pred`, each
/// once.
pub(super) fn collect(e: &Expr, pred: &dyn Fn(&Expr) -> bool, out: &mut Vec<Expr>) {
    if pred(e) {
        if !out.contains(e) {
            out.push(e.clone());
        }
        return;
    }
    for c in ast_children(e) {
        collect(c, pred, out);
    }
}

/// The calls matching `pred` in the expressions of the select list.
pub(super) fn collect_in_items(items: &[SelectItem], pred: &dyn Fn(&Expr) -> bool) -> Vec<Expr> {
    let mut out = Vec::new();
    for it in items {
        if let SelectItem::Expr { expr, .. } = it {
            collect(expr, pred, &mut out);
        }
    }
    out
}

/// The column name of an unaliased select item: a path's last name, else the
/// expression's text.
pub(super) fn output_name(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Path(p) => p.last().map(|i| i.name.clone()).unwrap_or_default(),
        ExprKind::Endpoint(ep) if !ep.path.is_empty() => {
            ep.path.last().map(|i| i.name.clone()).unwrap_or_default()
        }
        _ => e.to_string(),
    }
}
