//! Edges: `RELATE` as a write of `Tx` and one `TRAVERSE` step (one hop or `*min..max`)
//! over manifold-graph, edges typed by their label.
//!
//! hyperql's DDL declares no edge types: an edge type is a label used by `RELATE` or
//! `TRAVERSE`, and every edge lives in one graph keyed by document ids. A traversal's
//! target must name its collection (`(b:instruments)`), so that its documents have a
//! known type (the interpreted engine looks an unlabelled target up in every
//! collection). The scope of the rows is the `FROM` document (column 0), the edge
//! (column 1: `weight`, `from`, `to`, `label` of a one-hop step) and the target
//! document (column 2).

use super::access::{Decode, bind_doc};
use super::expr::{Col, Exprs, R};
use super::names::ident;
use super::tables::names;
use crate::schema::{Collection, Model};
use hyperql::{BExpr, Direction, Plan, TraverseStep, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Gives the parameters of a `RELATE` their types: the ends are ids (`i64`), the
/// weight a `Float`.
pub(crate) fn refine_params(plan: &Plan, params: &mut BTreeMap<String, Type>) {
    refine_edge_comparisons(plan, params);
    let Plan::Relate {
        from, to, props, ..
    } = plan
    else {
        return;
    };
    let mut set = |e: &BExpr, t: Type| {
        if let BExpr::Param(p) = e
            && params.get(p).is_none_or(|t| *t == Type::Any)
        {
            params.insert(p.clone(), t);
        }
    };
    set(from, Type::Int);
    set(to, Type::Int);
    for (k, v) in props {
        if k == "weight" {
            set(v, Type::Float);
        }
    }
}

/// The body of a RELATE method (returns 1, the edges written).
pub(crate) fn relate(
    x: &Exprs<'_>,
    from: &BExpr,
    to: &BExpr,
    label: &str,
    props: &[(String, BExpr)],
) -> R<TokenStream> {
    let id = |e: &BExpr, what: &str| -> R<TokenStream> {
        let c = x.expr(e, &[])?;
        if c.ty != super::types::RTy::Int || c.nullable {
            return Err(format!("RELATE with a {what} that is not an Int id"));
        }
        Ok(c.ts)
    };
    let (a, b) = (id(from, "source")?, id(to, "target")?);
    let mut weight = quote!(1.0f64);
    for (k, v) in props {
        if k != "weight" {
            return Err(format!(
                "the edge property `{k}` (manifold-graph edges hold a weight only)"
            ));
        }
        let c = x.expr(v, &[])?;
        let ts = &c.ts;
        weight = match (c.ty, c.nullable) {
            (super::types::RTy::Float, false) => quote!(#ts),
            (super::types::RTy::Int, false) => quote!((#ts as f64)),
            _ => return Err("an edge weight that is not a number".into()),
        };
    }
    Ok(quote! {
        let (from, to, weight): (i64, i64, f64) = (#a, #b, #weight);
        self.db.edges.relate(&self.tx, from, #label, to, weight, &mut self.new_edge_types)?;
        ::std::result::Result::Ok(1)
    })
}

/// A compiled `TRAVERSE` step.
pub(crate) struct Step<'m> {
    target: &'m Collection,
    label: String,
    outgoing: bool,
    min: u32,
    max: u32,
}

/// Checks a TRAVERSE the compiler answers: one step, a label, `->` or `<-`, a bounded
/// quantifier, a target labelled with a collection, no edge properties or `?`.
pub(crate) fn step<'m>(model: &'m Model, steps: &[TraverseStep]) -> R<Step<'m>> {
    let [s] = steps else {
        return Err("TRAVERSE with several steps".into());
    };
    let label = s
        .label
        .clone()
        .ok_or("TRAVERSE over an edge without a type")?;
    let outgoing = match s.direction {
        Direction::Out => true,
        Direction::In => false,
        Direction::Both => return Err("TRAVERSE in both directions (`-[..]-`)".into()),
    };
    if s.optional {
        return Err("an optional TRAVERSE step (`?`)".into());
    }
    if !s.props.is_empty() {
        return Err("TRAVERSE with edge property conditions".into());
    }
    if s.bound_target.is_some() {
        return Err("TRAVERSE to a node bound earlier".into());
    }
    if s.max == u32::MAX {
        return Err("TRAVERSE with an unbounded quantifier (write `*min..max`)".into());
    }
    // The interpreted engine's default budget stops a walk at this depth.
    let max_hops = hyperql::Budget::default().max_hops;
    if s.max > max_hops {
        return Err(format!(
            "TRAVERSE of more than {max_hops} hops (the interpreted engine's default hop budget, which would cut it short)"
        ));
    }
    let name = s
        .node_label
        .as_deref()
        .ok_or("TRAVERSE to a node without a collection (write `(b:collection)`)")?;
    let target = model
        .collection(name)
        .ok_or_else(|| format!("collection `{name}` with no known schema"))?;
    let _ = s.variable;
    Ok(Step {
        target,
        label,
        outgoing,
        min: s.min,
        max: s.max,
    })
}

impl Step<'_> {
    /// The scope of the rows: the `FROM` document, the edge, the target.
    pub(crate) fn scope(&self, from: &Collection) -> Vec<Col> {
        vec![
            Col::Doc {
                var: format_ident!("d"),
                coll: from.clone(),
                views: true,
            },
            Col::Edge {
                var: format_ident!("trail"),
                label: self.label.clone(),
                one_hop: self.min == 1 && self.max == 1,
            },
            Col::Doc {
                var: format_ident!("node"),
                coll: self.target.clone(),
                views: true,
            },
        ]
    }

    /// Statements before the loop over `FROM` documents (`rtx` is the read).
    pub(crate) fn open(&self) -> TokenStream {
        let t = &names(self.target).table;
        quote! {
            let edges = self.edges.snapshot(&rtx)?;
            let targets = rtx.open_table(tables::#t)?;
        }
    }

    /// `inner` run once per trail from document `d`, with `trail` and `node` (the
    /// fields of the target in `used`) bound.
    pub(crate) fn wrap(
        &self,
        rt: &TokenStream,
        inner: TokenStream,
        used: &[String],
    ) -> R<TokenStream> {
        for (f, _, _) in super::vectors::fields(self.target) {
            if used.iter().any(|u| u == f) {
                return Err(format!(
                    "the vector field `{}.{f}` of a TRAVERSE target",
                    self.target.name
                ));
            }
        }
        let bind = bind_doc(
            rt,
            self.target,
            Decode::Fields(used),
            &format_ident!("node"),
            &quote!(trail.end),
        )?;
        let (label, outgoing, min, max) = (&self.label, self.outgoing, self.min, self.max);
        Ok(quote! {
            for trail in edges.trails(d.id, #label, #outgoing, #min, #max)? {
                let ::std::option::Option::Some(guard) = targets.get_raw(&trail.end)? else { continue };
                let bytes = guard.bytes();
                #bind
                let _ = &node;
                #inner
            }
        })
    }

    /// The struct of the target's fields a query reads.
    pub(crate) fn view_struct(&self, used: &[String]) -> R<TokenStream> {
        super::access::view_struct(self.target, used, &format_ident!("node"))
    }
}

/// `edge.field` of a one-hop step's edge in `var`.
pub(crate) fn edge_field(
    var: &proc_macro2::Ident,
    label: &str,
    one_hop: bool,
    path: &[String],
) -> R<super::expr::CExpr> {
    use super::types::RTy;
    let [name] = path else {
        return Err(format!("the edge path `{}`", path.join(".")));
    };
    if !one_hop {
        return Err(format!(
            "the edge field `{name}` of a variable-length step (an array of edges)"
        ));
    }
    let _ = ident(name);
    let (ts, ty) = match name.as_str() {
        "weight" => (quote!(#var.weight), RTy::Float),
        "from" => (quote!(#var.from), RTy::Int),
        "to" => (quote!(#var.to), RTy::Int),
        "label" => (quote!(#label), RTy::Str),
        other => {
            return Err(format!(
                "the edge field `{other}` (edges hold weight, from, to and label)"
            ));
        }
    };
    Ok(super::expr::CExpr {
        ts,
        ty,
        nullable: false,
    })
}

/// A parameter compared with an edge field of a TRAVERSE (`e.weight >= $min`) takes
/// the field's type (hyperql leaves it untyped: edges have no schema).
fn refine_edge_comparisons(plan: &Plan, params: &mut BTreeMap<String, Type>) {
    fn has_traverse(p: &Plan) -> bool {
        matches!(p, Plan::Traverse { .. }) || p.children().into_iter().any(has_traverse)
    }
    fn filters<'p>(p: &'p Plan, out: &mut Vec<&'p BExpr>) {
        if let Plan::Filter { predicate, .. } = p {
            out.push(predicate);
        }
        p.children().into_iter().for_each(|c| filters(c, out));
    }
    if !has_traverse(plan) {
        return;
    }
    let mut preds = Vec::new();
    filters(plan, &mut preds);
    for pred in preds {
        pred.walk(&mut |x| {
            let BExpr::Binary(_, a, b) = x else { return };
            for (f, v) in [(&**a, &**b), (&**b, &**a)] {
                if let (BExpr::Field(1, path), BExpr::Param(name)) = (f, v)
                    && params.get(name).is_none_or(|t| *t == Type::Any)
                {
                    let t = match path.as_slice() {
                        [w] if w == "weight" => Type::Float,
                        [w] if w == "from" || w == "to" => Type::Int,
                        _ => continue,
                    };
                    params.insert(name.clone(), t);
                }
            }
        });
    }
}
