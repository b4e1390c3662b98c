//! SELECT over one collection, in the order of hyperql's unoptimized plan:
//! scan (or index, or point lookup) and WHERE, GROUP BY with aggregates, HAVING, the
//! select list, DISTINCT, ORDER BY, LIMIT/OFFSET, and the visible columns.

use super::access::{Decode, Order, choose, view_scope, view_struct};
use super::expr::{CExpr, Col, Exprs, R};
use super::names::column_ident;
use super::types::RTy;
use crate::schema::Model;
use hyperql::{AggCall, AggFunc, BExpr, Column, Plan, SortKey};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The clauses of a SELECT, peeled off its plan.
#[derive(Default)]
struct Pipeline<'p> {
    visible: Option<usize>,
    limit: Option<(Option<&'p BExpr>, Option<&'p BExpr>)>,
    sort: Option<&'p [SortKey]>,
    distinct: bool,
    project: Option<(&'p [BExpr], &'p [Column])>,
    having: Option<&'p BExpr>,
    aggregate: Option<(&'p [BExpr], &'p [AggCall])>,
    filter: Option<&'p BExpr>,
    traverse: Option<&'p [hyperql::TraverseStep]>,
    collection: &'p str,
}

fn node_name(p: &Plan) -> &'static str {
    match p {
        Plan::Join { .. } => "JOIN",
        Plan::Traverse { .. } => "TRAVERSE",
        Plan::Knn { .. } => "k-NN (ORDER BY SIMILARITY/DISTANCE LIMIT k)",
        Plan::GeoNear { .. } => "NEAR ... WITHIN",
        Plan::Window { .. } => "a window function (OVER, MOVING_AVG)",
        Plan::DistinctOn { .. } => "DISTINCT ON",
        Plan::Unit => "SELECT without FROM",
        Plan::Empty { .. } => "a query that can return no rows",
        Plan::Subscribe { .. } => "SUBSCRIBE",
        Plan::Explain { .. } => "EXPLAIN",
        Plan::SetOp { .. } => "UNION, INTERSECT or EXCEPT",
        Plan::RecursiveCte { .. } | Plan::WorkTable { .. } => "WITH RECURSIVE",
        Plan::Endpoints { .. } => "ENDPOINTS(..)",
        Plan::SetEndpoints { .. } => "SET of endpoints",
        _ => "this plan shape",
    }
}

fn peel(plan: &Plan) -> R<Pipeline<'_>> {
    let mut p = Pipeline::default();
    let mut at = plan;
    // The last projection that drops hidden ORDER BY columns.
    if let Plan::Project { input, exprs, .. } = at
        && matches!(
            &**input,
            Plan::Limit { .. } | Plan::Sort { .. } | Plan::Distinct { .. }
        )
    {
        p.visible = Some(exprs.len());
        at = input;
    }
    if let Plan::Limit {
        input,
        limit,
        offset,
    } = at
    {
        p.limit = Some((limit.as_ref(), offset.as_ref()));
        at = input;
    }
    if let Plan::Sort { input, keys, .. } = at {
        p.sort = Some(keys);
        at = input;
    }
    if let Plan::Distinct { input } = at {
        p.distinct = true;
        at = input;
    }
    let Plan::Project {
        input,
        exprs,
        columns,
    } = at
    else {
        return Err(node_name(at).into());
    };
    p.project = Some((exprs, columns));
    at = input;
    if let Plan::Filter { input, predicate } = at
        && matches!(&**input, Plan::Aggregate { .. })
    {
        p.having = Some(predicate);
        at = input;
    }
    if let Plan::Aggregate {
        input, group, aggs, ..
    } = at
    {
        p.aggregate = Some((group, aggs));
        at = input;
    }
    if let Plan::Filter { input, predicate } = at {
        p.filter = Some(predicate);
        at = input;
    }
    if let Plan::Traverse { input, steps, .. } = at {
        p.traverse = Some(steps);
        at = input;
    }
    match at {
        Plan::Scan {
            collection,
            entity: None,
            time_field: None,
            ..
        } => p.collection = collection,
        Plan::Scan {
            entity: Some(e), ..
        } => return Err(format!("an entity type (`.{e}`)")),
        Plan::Scan { .. } => return Err("a time-series scan".into()),
        other => return Err(node_name(other).into()),
    }
    Ok(p)
}

/// One generated read function and its row struct.
pub(crate) struct Read {
    pub row: TokenStream,
    pub body: TokenStream,
    pub row_ty: Ident,
    pub access: String,
    /// The documents table it reads.
    pub table: Ident,
}

fn tuple(items: &[TokenStream]) -> TokenStream {
    if items.is_empty() {
        quote!(())
    } else {
        quote!((#(#items,)*))
    }
}

/// Value columns over the places `base.0`, `base.1`, ... (or the given places).
fn val_cols(places: Vec<TokenStream>, cs: &[CExpr]) -> Vec<Col> {
    places
        .into_iter()
        .zip(cs)
        .map(|(place, c)| Col::Val {
            place,
            ty: c.ty,
            nullable: c.nullable,
        })
        .collect()
}

fn fields(base: &TokenStream, n: usize) -> Vec<TokenStream> {
    (0..n)
        .map(|i| {
            let i = syn::Index::from(i);
            quote!(#base.#i)
        })
        .collect()
}

/// Compiles a SELECT plan; `row_ty` names its row struct.
pub(crate) fn read(x: &Exprs<'_>, model: &Model, plan: &Plan, row_ty: Ident) -> R<Read> {
    let rt = x.rt.clone();
    let p = peel(plan)?;
    let coll = model
        .collection(p.collection)
        .ok_or_else(|| format!("collection `{}` with no known schema", p.collection))?;
    let step = p
        .traverse
        .map(|s| super::traverse::step(model, s))
        .transpose()?;
    let (pexprs, pcols) = p.project.ok_or("a SELECT without a select list")?;
    let knn = if p.aggregate.is_some() || p.distinct || step.is_some() {
        None
    } else {
        super::knn::plan(x, coll, pexprs, p.sort, p.limit)?
    };
    // The fields each document column is read for: only those are decoded (a k-NN
    // query decodes the documents it returns whole).
    let used = |col: usize| {
        let mut out = Vec::new();
        let mut add = |e: &BExpr| {
            e.walk(&mut |x| {
                if let BExpr::Field(i, path) = x
                    && *i == col
                    && let Some(f) = path.first()
                    && !out.contains(f)
                {
                    out.push(f.clone());
                }
            })
        };
        p.filter.iter().for_each(|e| add(e));
        pexprs.iter().for_each(&mut add);
        if let Some((g, aggs)) = p.aggregate {
            g.iter().for_each(&mut add);
            aggs.iter()
                .filter_map(|a| a.arg.as_ref())
                .for_each(&mut add);
        }
        out
    };
    let used_d = used(0);
    let decode = if knn.is_some() {
        Decode::Whole
    } else {
        Decode::Fields(&used_d)
    };
    let mut structs = Vec::new();
    if knn.is_none() {
        structs.push(view_struct(coll, &used_d, &format_ident!("d"))?);
    }
    let scope = match &step {
        Some(s) => s.scope(coll),
        None if knn.is_some() => super::access::doc_scope(coll),
        None => view_scope(coll),
    };
    let wrap = |inner: TokenStream| -> R<TokenStream> {
        match &step {
            None => Ok(inner),
            Some(s) => s.wrap(&rt, inner, &used(2)),
        }
    };
    let trav_open = step.as_ref().map(|s| s.open()).unwrap_or_default();
    if let Some(s) = &step {
        structs.push(s.view_struct(&used(2))?);
    }
    let walk = |order: Order, label: Option<&syn::Lifetime>, body: TokenStream| -> R<_> {
        let path = choose(x, coll, p.filter)?;
        let code = path.walk(
            &rt,
            coll,
            super::access::At::Read,
            order,
            decode,
            label,
            body,
        )?;
        Ok((code, path.describe()))
    };
    let where_ = match p.filter {
        Some(f) => {
            let c = x.expr(f, &scope)?;
            let t = c.is_not_true();
            quote!(if #t { continue; })
        }
        None => quote!(),
    };
    let r = quote!(r);
    let (mut code, projected, access);
    // Sort and LIMIT already applied (a walk in ORDER BY order, or a top-k).
    let mut limited = false;
    match p.aggregate {
        None => {
            let skip = knn.as_ref().map(|k| k.col);
            let (open, load) = load_vectors(x, coll, &p, skip)?;
            let cs: Vec<CExpr> = pexprs
                .iter()
                .enumerate()
                .map(|(i, e)| match &knn {
                    Some(k) if k.col == i => Ok(k.key_expr(&rt)),
                    _ => x.expr(e, &scope),
                })
                .collect::<R<_>>()?;
            let owned: Vec<TokenStream> = cs.iter().map(CExpr::owned).collect();
            let tys: Vec<TokenStream> = cs.iter().map(|c| c.ty.owned(c.nullable)).collect();
            let (tt, tv) = (tuple(&tys), tuple(&owned));
            let (lp, how) = match &knn {
                Some(k) => k.rows(
                    x,
                    coll,
                    p.filter,
                    where_.clone(),
                    load,
                    quote! { rows.push(#tv); },
                )?,
                None => match (p.limit, &step, p.distinct) {
                    (Some((limit, offset)), None, false) => {
                        let path = choose(x, coll, p.filter)?;
                        let l = super::limit::Limited {
                            x,
                            path: &path,
                            pexprs,
                            projected: &cs,
                            sort: p.sort,
                            limit,
                            offset,
                        };
                        let (setup, order, label, push, finish) = l.plan(&tv)?;
                        let (lp, how) =
                            walk(order, label.as_ref(), quote! { #load #where_ #push })?;
                        limited = true;
                        (quote! { #setup #lp #finish }, how)
                    }
                    _ => {
                        let inner = wrap(quote! { #where_ rows.push(#tv); })?;
                        walk(Order::Id, None, quote! { #load #inner })?
                    }
                },
            };
            code = quote! { #open #trav_open let mut rows: ::std::vec::Vec<#tt> = ::std::vec::Vec::new(); #lp };
            projected = cs;
            access = how;
        }
        Some((group, aggs)) => {
            let keys: Vec<CExpr> = group.iter().map(|e| x.expr(e, &scope)).collect::<R<_>>()?;
            let e = quote!(kb);
            let key_enc: Vec<TokenStream> = keys
                .iter()
                .map(|k| k.ty.encode_any(&e, k.ts.clone(), k.nullable))
                .collect();
            let key_owned: Vec<TokenStream> = keys.iter().map(CExpr::owned).collect();
            let key_tys: Vec<TokenStream> = keys.iter().map(|k| k.ty.owned(k.nullable)).collect();
            let mut inits = Vec::new();
            let mut acc_tys = Vec::new();
            let mut adds = Vec::new();
            let mut outs: Vec<CExpr> = Vec::new();
            for (i, a) in aggs.iter().enumerate() {
                let slot = syn::Index::from(i);
                let arg = a.arg.as_ref().map(|e| x.expr(e, &scope)).transpose()?;
                if a.distinct {
                    return Err(format!("{}(DISTINCT ...)", a.func.name()));
                }
                let (init, ty, add, out_ty, nullable) = agg(&rt, a.func, arg.as_ref(), &slot)?;
                inits.push(init);
                acc_tys.push(ty);
                adds.push(add);
                outs.push(CExpr {
                    ts: quote!(),
                    ty: out_ty,
                    nullable,
                });
            }
            let (kt, at, it, ko) = (
                tuple(&key_tys),
                tuple(&acc_tys),
                tuple(&inits),
                tuple(&key_owned),
            );
            let (open, load) = load_vectors(x, coll, &p, None)?;
            let inner = wrap(quote! {
                #where_
                kb.0.clear();
                #(#key_enc)*
                let acc = groups.try_entry(&kb.0, || ::std::result::Result::Ok((#ko, #it)))?;
                #(#adds)*
            })?;
            let body = quote! { #load #inner };
            let (lp, how) = walk(Order::Id, None, body)?;
            access = how;
            let empty_group = if group.is_empty() {
                quote! { if groups.groups.is_empty() { groups.groups.push(((), #it)); } }
            } else {
                quote!()
            };
            // Group output: keys, then finished aggregates (as locals a0, a1, ...).
            let mut places = fields(&quote!(k), keys.len());
            let finish: Vec<TokenStream> = (0..aggs.len())
                .map(|i| {
                    let (a, slot) = (format_ident!("a{}", i), syn::Index::from(i));
                    quote!(let #a = acc.#slot.finish();)
                })
                .collect();
            places.extend((0..aggs.len()).map(|i| {
                let a = format_ident!("a{}", i);
                quote!(#a)
            }));
            let mut all = keys.clone();
            all.extend(outs);
            let gscope = val_cols(places, &all);
            let having = match p.having {
                Some(h) => {
                    let t = x.expr(h, &gscope)?.is_not_true();
                    quote!(if #t { continue; })
                }
                None => quote!(),
            };
            let cs: Vec<CExpr> = pexprs
                .iter()
                .map(|e| x.expr(e, &gscope))
                .collect::<R<_>>()?;
            let owned: Vec<TokenStream> = cs.iter().map(CExpr::owned).collect();
            let tys: Vec<TokenStream> = cs.iter().map(|c| c.ty.owned(c.nullable)).collect();
            let (tt, tv) = (tuple(&tys), tuple(&owned));
            code = quote! {
                #open
                #trav_open
                let mut groups: #rt::GroupMap<#kt, #at> = #rt::GroupMap::default();
                // The encoded key of each row's group, in one buffer.
                #[allow(unused_mut)]
                let mut kb = #rt::Enc::new();
                #lp
                #empty_group
                let mut rows: ::std::vec::Vec<#tt> = ::std::vec::Vec::new();
                for (k, acc) in &groups.groups {
                    let _ = k;
                    #(#finish)*
                    #having
                    rows.push(#tv);
                }
            };
            projected = cs;
        }
    }
    let rscope = val_cols(fields(&r, projected.len()), &projected);
    if p.distinct {
        let e = quote!(e);
        let enc: Vec<TokenStream> = rscope
            .iter()
            .zip(&projected)
            .map(|(c, pc)| match c {
                Col::Val {
                    place,
                    ty,
                    nullable,
                } => ty.encode_any(&e, ty.view(place.clone(), *nullable), pc.nullable),
                Col::Doc { .. } | Col::Edge { .. } => quote!(),
            })
            .collect();
        code.extend(quote! {
            let mut seen = ::std::collections::HashSet::new();
            rows.retain(|r| {
                let mut e = #rt::Enc::new();
                #(#enc)*
                seen.insert(e.0)
            });
        });
    }
    if let Some(keys) = p.sort.filter(|_| !limited) {
        let cmps = super::limit::comparisons(&rt, keys, &projected, &quote!(a), &quote!(b))?;
        code.extend(quote! {
            rows.sort_by(|a, b| ::std::cmp::Ordering::Equal #(.then_with(|| #cmps))*);
        });
    }
    if let Some((limit, offset)) = p.limit.filter(|_| !limited) {
        let (l, o) = (
            super::limit::count_arg(x, limit)?,
            super::limit::count_arg(x, offset)?,
        );
        code.extend(quote! { let rows = #rt::limit_offset(rows, #l, #o)?; });
    }
    let visible = p.visible.unwrap_or(pcols.len()).min(pcols.len());
    let mut taken = Vec::new();
    let mut fdefs = Vec::new();
    let mut inits = Vec::new();
    for (i, col) in pcols.iter().take(visible).enumerate() {
        let id = column_ident(&col.name, i, &mut taken);
        let c = &projected[i];
        let ty = c.ty.owned(c.nullable);
        let doc = format!("Column `{}`.", col.name);
        fdefs.push(quote!(#[doc = #doc] pub #id: #ty,));
        let slot = syn::Index::from(i);
        inits.push(quote!(#id: r.#slot,));
    }
    code.extend(quote! {
        ::std::result::Result::Ok(rows.into_iter().map(|r| #row_ty { #(#inits)* }).collect())
    });
    let rdoc = format!("A row of `{}`.", p.collection);
    let row = quote! {
        #[doc = #rdoc]
        #[derive(Clone, Debug, PartialEq)]
        pub struct #row_ty { #(#fdefs)* }
    };
    Ok(Read {
        row,
        body: quote! { #(#structs)* #code },
        row_ty,
        access,
        table: super::tables::names(coll).table,
    })
}

/// Loading of the vector fields the query reads (except in projected column `skip`,
/// a k-NN key computed from the vector table): statements before the loop and per
/// document.
fn load_vectors(
    x: &Exprs<'_>,
    coll: &crate::schema::Collection,
    p: &Pipeline<'_>,
    skip: Option<usize>,
) -> R<(TokenStream, TokenStream)> {
    let mut used = Vec::new();
    let used_in = |e: &BExpr, used: &mut Vec<String>| super::vectors::used_fields(e, used);
    p.filter.iter().for_each(|e| used_in(e, &mut used));
    if let Some((exprs, _)) = p.project {
        for (i, e) in exprs.iter().enumerate() {
            if Some(i) != skip {
                used_in(e, &mut used);
            }
        }
    }
    if let Some((group, aggs)) = p.aggregate {
        group.iter().for_each(|e| used_in(e, &mut used));
        aggs.iter()
            .filter_map(|a| a.arg.as_ref())
            .for_each(|e| used_in(e, &mut used));
    }
    super::vectors::load_read(coll, &used, &x.rt)
}

/// An aggregate's accumulator: (init, type, add statement, output type, nullable).
fn agg(
    rt: &TokenStream,
    func: AggFunc,
    arg: Option<&CExpr>,
    slot: &syn::Index,
) -> R<(TokenStream, TokenStream, TokenStream, RTy, bool)> {
    let opt = |c: &CExpr| {
        let ts = &c.ts;
        if c.nullable {
            ts.clone()
        } else {
            quote!(::std::option::Option::Some(#ts))
        }
    };
    Ok(match (func, arg) {
        (AggFunc::Count, None) => (
            quote!(#rt::Count::default()),
            quote!(#rt::Count),
            quote!(acc.#slot.add(::std::option::Option::Some(()));),
            RTy::Int,
            false,
        ),
        (AggFunc::Count, Some(c)) => {
            let v = opt(c);
            (
                quote!(#rt::Count::default()),
                quote!(#rt::Count),
                quote!(acc.#slot.add(#v);),
                RTy::Int,
                false,
            )
        }
        (AggFunc::Sum, Some(c)) if c.ty == RTy::Int => {
            let v = opt(c);
            (
                quote!(#rt::SumInt::default()),
                quote!(#rt::SumInt),
                quote!(acc.#slot.add(#v)?;),
                RTy::Int,
                true,
            )
        }
        (AggFunc::Sum | AggFunc::Avg, Some(c)) if c.ty.numeric() => {
            let v = opt(c);
            let v = if c.ty == RTy::Int {
                quote!(#v.map(|n: i64| n as f64))
            } else {
                v
            };
            let t = if func == AggFunc::Sum {
                quote!(#rt::SumFloat)
            } else {
                quote!(#rt::Avg)
            };
            (
                quote!(#t::default()),
                t,
                quote!(acc.#slot.add(#v);),
                RTy::Float,
                true,
            )
        }
        (AggFunc::Min | AggFunc::Max, Some(c)) if !matches!(c.ty, RTy::Vector(_) | RTy::Null) => {
            let owned = if c.nullable {
                c.ty.to_owned(c.ts.clone(), true)
            } else {
                let o = c.owned();
                quote!(::std::option::Option::Some(#o))
            };
            let t = c.ty.owned(false);
            let max = func == AggFunc::Max;
            let cmp = c.ty.cmp_refs(rt, quote!(x), quote!(y));
            (
                quote!(#rt::MinMax::<#t>::new(#max)),
                quote!(#rt::MinMax<#t>),
                quote!(acc.#slot.add(#owned, |x, y| #cmp);),
                c.ty,
                true,
            )
        }
        (f, _) => return Err(format!("{} over this argument", f.name())),
    })
}
