//! Exact k-NN: `ORDER BY SIMILARITY(v, $q[, metric]) DESC LIMIT k` or `ORDER BY
//! DISTANCE(v, $q[, metric]) LIMIT k` (one sort key, optionally with OFFSET) over a
//! vector field reads the field's manifold-vectors table instead of sorting every
//! document. The query vector is a parameter or `EMBED(text)` (see `embed`).
//!
//! Without WHERE it is manifold-vectors' exact top-k (`search`, its SIMD kernels on
//! the stored bytes); with WHERE every document the access path yields is checked
//! and its distance computed on the stored vector, kept in the runtime's `TopK`. Both
//! keep the `k + offset` first rows of the order a stable sort over documents in id
//! order gives (ties by id, NULL vectors first for `SIMILARITY DESC` and last for
//! `DISTANCE`, as `ORDER BY` puts NULL); the sort, OFFSET and LIMIT then run on those
//! rows as on any other query, so they return the same rows.

use super::access::each_doc;
use super::expr::{CExpr, Exprs, R};
use super::names::ident;
use super::tables::names;
use super::types::RTy;
use super::vectors::{column, fields};
use crate::schema::Collection;
use hyperql::{BExpr, Builtin, SortKey, Value};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// A k-NN the compiler answers from a vector table.
pub(crate) struct Knn {
    /// The projected column of the sort key.
    pub col: usize,
    field: String,
    metric: TokenStream,
    similarity: bool,
    query: TokenStream,
    limit: TokenStream,
    offset: TokenStream,
}

/// The metric of a literal metric name (`None` for one the kernels do not have).
pub(crate) fn metric(name: &str) -> Option<TokenStream> {
    Some(match name {
        "cosine" => quote!(Cosine),
        "dot" => quote!(Dot),
        "euclidean" | "l2" => quote!(L2),
        "manhattan" | "l1" => quote!(L1),
        _ => return None,
    })
}

/// The k-NN of a SELECT without aggregates or DISTINCT, if its ORDER BY and LIMIT
/// have the shape; `None` leaves it to the general sort.
pub(crate) fn plan(
    x: &Exprs<'_>,
    coll: &Collection,
    pexprs: &[BExpr],
    sort: Option<&[SortKey]>,
    limit: Option<(Option<&BExpr>, Option<&BExpr>)>,
) -> R<Option<Knn>> {
    let (Some([key]), Some((Some(limit), offset))) = (sort, limit) else {
        return Ok(None);
    };
    let BExpr::Col(col) = key.expr else {
        return Ok(None);
    };
    let Some(BExpr::Builtin(f @ (Builtin::Similarity | Builtin::Distance), args)) = pexprs.get(col)
    else {
        return Ok(None);
    };
    let similarity = *f == Builtin::Similarity;
    if similarity != key.desc {
        return Ok(None);
    }
    let name = match args.get(2) {
        None => "cosine".to_string(),
        Some(BExpr::Lit(Value::String(m))) => m.to_ascii_lowercase(),
        Some(_) => return Ok(None),
    };
    let Some(metric) = metric(&name) else {
        return Ok(None);
    };
    let (field, q) = match (args.first(), args.get(1)) {
        (Some(BExpr::Field(0, p)), Some(q @ (BExpr::Param(_) | BExpr::External(..))))
        | (Some(q @ (BExpr::Param(_) | BExpr::External(..))), Some(BExpr::Field(0, p)))
            if p.len() == 1 =>
        {
            (p[0].clone(), q)
        }
        _ => return Ok(None),
    };
    let Some((_, dimension, _)) = fields(coll).into_iter().find(|(f, _, _)| *f == field) else {
        return Ok(None);
    };
    let q = match x.embed(q, dimension)? {
        Some(v) => CExpr {
            ts: quote!(&#v),
            ty: RTy::Vector(Some(dimension)),
            nullable: false,
        },
        None => x.expr(q, &[])?,
    };
    if !matches!(q.ty, RTy::Vector(_)) || q.nullable {
        return Ok(None);
    }
    let int = |e: &BExpr| -> R<Option<TokenStream>> {
        let c = x.expr(e, &[])?;
        Ok((c.ty == RTy::Int && !c.nullable).then_some(c.ts))
    };
    let Some(limit) = int(limit)? else {
        return Ok(None);
    };
    let offset = match offset {
        None => quote!(::std::option::Option::None),
        Some(o) => match int(o)? {
            Some(o) => quote!(::std::option::Option::Some(#o)),
            None => return Ok(None),
        },
    };
    Ok(Some(Knn {
        col,
        field,
        metric,
        similarity,
        query: q.ts,
        limit,
        offset,
    }))
}

impl Knn {
    /// The sort key's value for a row, from the candidate's distance `dist`
    /// (`Option<f32>`, `None` for a NULL vector).
    pub(crate) fn key_expr(&self, rt: &TokenStream) -> CExpr {
        let m = &self.metric;
        let ts = if self.similarity {
            quote!(dist.map(|d: f32| #rt::similarity_of(#rt::Metric::#m, d)))
        } else {
            quote!(dist.map(f64::from))
        };
        CExpr {
            ts,
            ty: RTy::Float,
            nullable: true,
        }
    }

    /// The loop filling `rows`: candidates found, then for each the document `d`
    /// decoded, `load` run (the vector fields the row needs) and `push` run (the
    /// row, reading `dist`). `filter` is the WHERE (run as `where_` on the first pass).
    pub(crate) fn rows(
        &self,
        x: &Exprs<'_>,
        coll: &Collection,
        filter: Option<&BExpr>,
        where_: TokenStream,
        load: TokenStream,
        push: TokenStream,
    ) -> R<(TokenStream, String)> {
        let rt = &x.rt;
        let (m, q, limit, offset) = (&self.metric, &self.query, &self.limit, &self.offset);
        let col = column(&coll.name, &self.field);
        let row: &Ident = &names(coll).row;
        let nulls_first = self.similarity;
        let _ = ident(&self.field).ok_or_else(|| format!("field name `{}`", self.field))?;
        let nulls = quote! {
            if nulls {
                add_nulls(&mut hits)?;
            }
        };
        let (before, after) = if nulls_first {
            (nulls, quote!())
        } else {
            (
                quote!(),
                quote!(let nulls = nulls && hits.len() < wanted; #nulls),
            )
        };
        let candidates = match filter {
            None => quote! {
                let mut hits: ::std::vec::Vec<(i64, ::std::option::Option<f32>)> = ::std::vec::Vec::new();
                // Documents without a vector sort first (SIMILARITY .. DESC) or last.
                let nulls = docs.len()? > knn_vectors.len()?;
                let add_nulls = |hits: &mut ::std::vec::Vec<(i64, ::std::option::Option<f32>)>| -> ::std::result::Result<(), #rt::Error> {
                    for entry in docs.iter()? {
                        if hits.len() >= wanted {
                            break;
                        }
                        let (id, _) = entry?;
                        if !knn_vectors.contains(id)? {
                            hits.push((id, ::std::option::Option::None));
                        }
                    }
                    ::std::result::Result::Ok(())
                };
                #before
                let need = wanted.saturating_sub(hits.len());
                if need > 0 {
                    for (id, d) in knn_vectors.nearest(query, need, #rt::Metric::#m)? {
                        hits.push((id, ::std::option::Option::Some(d)));
                    }
                }
                #after
            },
            Some(_) => {
                let body = quote! {
                    #load
                    #where_
                    top.offer(d.id, knn_vectors.distance(d.id, #rt::Metric::#m, query)?);
                };
                let (lp, _) = each_doc(x, coll, filter, super::access::At::Read, body)?;
                quote! {
                    let mut top = #rt::TopK::new(wanted, #nulls_first);
                    #lp
                    let hits = top.into_sorted();
                }
            }
        };
        let how = match filter {
            None => "exact k-NN on the vector table".to_string(),
            Some(_) => "exact k-NN over the documents the WHERE keeps".to_string(),
        };
        let code = quote! {
            let query: &[f32] = #q;
            let wanted = #rt::knn_wanted(#limit, #offset)?;
            let knn_vectors = self.vectors.#col.snapshot(&rtx)?;
            #candidates
            for (id, dist) in hits {
                let ::std::option::Option::Some(bytes) = docs.get(&id)? else { continue };
                #[allow(unused_mut)]
                let mut d = #row::decode(id, bytes.as_slice())?;
                #load
                #push
            }
        };
        Ok((code, how))
    }
}

/// Gives a vector parameter compared with a vector field by `SIMILARITY` or
/// `DISTANCE` the field's dimension (hyperql types it `Vector` without one), so that
/// its argument is `&[f32; n]` and a query vector of another length does not compile.
pub(crate) fn refine_params(
    plan: &hyperql::Plan,
    coll: Option<&Collection>,
    params: &mut std::collections::BTreeMap<String, hyperql::Type>,
) {
    let Some(coll) = coll else { return };
    let mut visit = |e: &BExpr| {
        e.walk(&mut |x| {
            let BExpr::Builtin(Builtin::Similarity | Builtin::Distance, args) = x else {
                return;
            };
            let pair = match (args.first(), args.get(1)) {
                (Some(BExpr::Field(0, p)), Some(BExpr::Param(name)))
                | (Some(BExpr::Param(name)), Some(BExpr::Field(0, p))) => Some((p, name)),
                _ => None,
            };
            let Some((path, name)) = pair else { return };
            let Some(n) = path.first().filter(|_| path.len() == 1).and_then(|f| {
                fields(coll)
                    .into_iter()
                    .find(|(g, _, _)| g == f)
                    .map(|(_, n, _)| n)
            }) else {
                return;
            };
            if params
                .get(name)
                .is_none_or(|t| matches!(t, hyperql::Type::Any | hyperql::Type::Vector(None)))
            {
                params.insert(name.clone(), hyperql::Type::Vector(Some(n)));
            }
        })
    };
    walk_exprs(plan, &mut visit);
}

fn walk_exprs(plan: &hyperql::Plan, f: &mut dyn FnMut(&BExpr)) {
    use hyperql::Plan;
    match plan {
        Plan::Filter { predicate, .. } => f(predicate),
        Plan::Project { exprs, .. } => exprs.iter().for_each(&mut *f),
        Plan::Sort { keys, .. } => keys.iter().for_each(|k| f(&k.expr)),
        _ => {}
    }
    for c in plan.children() {
        walk_exprs(c, f);
    }
}
