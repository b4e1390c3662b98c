//! `ORDER BY ... LIMIT n OFFSET m` over one collection without reading every row
//! into a sorted vector: when the access path already yields documents in the
//! `ORDER BY` order (an index range on the first key, or id order for a scan, an
//! equality index or no `ORDER BY`), the walk stops after the `n + m`-th row the
//! `WHERE` keeps; otherwise a bounded heap keeps the first `n + m` rows.
//!
//! Rows are those of a stable sort of the documents in id order, as the
//! interpreted engine sorts its scan: keys that tie are ordered by id. The heap ends
//! its comparison with the id for that reason, and an index range matches only an
//! `ORDER BY` of its field (then `id`) ascending, on a type whose index order is
//! the comparison's order (integers, timestamps, text; not floats, whose index puts
//! `-0.0` before `0.0`).

use super::access::{Order, Path};
use super::expr::{CExpr, Exprs, R};
use super::types::RTy;
use hyperql::{BExpr, SortKey};
use proc_macro2::TokenStream;
use quote::quote;

/// A limited SELECT: its access path, the select list (with hidden ORDER BY
/// columns) and the clauses.
pub(crate) struct Limited<'a, 'p> {
    pub x: &'a Exprs<'a>,
    pub path: &'a Path,
    pub pexprs: &'p [BExpr],
    pub projected: &'a [CExpr],
    pub sort: Option<&'p [SortKey]>,
    pub limit: Option<&'p BExpr>,
    pub offset: Option<&'p BExpr>,
}

/// The code of a limited walk: statements before it, the order it walks in, the
/// label its loop gets, what it does with a row the WHERE keeps, and the statements
/// after it that leave the rows in `rows`.
pub(crate) type Plan = (
    TokenStream,
    Order,
    Option<syn::Lifetime>,
    TokenStream,
    TokenStream,
);

impl Limited<'_, '_> {
    /// Whether the path's own order is the `ORDER BY` order.
    fn in_path_order(&self) -> bool {
        if matches!(self.path, Path::Point(_)) {
            return true;
        }
        let mut keys: Vec<(&str, bool)> = Vec::new();
        for k in self.sort.unwrap_or_default() {
            let BExpr::Col(i) = k.expr else { return false };
            let Some(BExpr::Field(0, f)) = self.pexprs.get(i) else {
                return false;
            };
            let [f] = f.as_slice() else { return false };
            // An equality index fixes its field: that key ties on every row.
            if Some(f.as_str()) == self.path.fixed_field() {
                continue;
            }
            keys.push((f, k.desc));
            if f == "id" {
                break;
            }
        }
        if keys.last().is_none_or(|(f, _)| *f != "id") {
            keys.push(("id", false));
        }
        let native: Vec<(&str, bool)> = match self.path.native_field() {
            None => vec![("id", false)],
            Some((f, RTy::Int | RTy::Ts | RTy::Str)) => vec![(f, false), ("id", false)],
            Some(_) => return false,
        };
        keys == native
    }

    /// The walk, its handling of a row `tv` the WHERE keeps and its ending.
    pub(crate) fn plan(&self, tv: &TokenStream) -> R<Plan> {
        let rt = &self.x.rt;
        let (l, o) = (
            count_arg(self.x, self.limit)?,
            count_arg(self.x, self.offset)?,
        );
        let counts = quote! { let (row_limit, row_offset) = #rt::limit_counts(#l, #o)?; };
        if self.in_path_order() {
            let label = syn::Lifetime::new("'docs", proc_macro2::Span::call_site());
            let setup = quote! {
                #counts
                // Documents come in ORDER BY order: stop after the last row needed.
                let mut to_skip = row_offset;
            };
            let push = quote! {
                if row_limit == 0 {
                    break #label;
                }
                if to_skip > 0 {
                    to_skip -= 1;
                    continue;
                }
                rows.push(#tv);
                if rows.len() >= row_limit {
                    break #label;
                }
            };
            return Ok((setup, Order::Native, Some(label), push, quote!()));
        }
        let keys = self.sort.unwrap_or_default();
        let cmps = comparisons(rt, keys, self.projected, &quote!(a.0), &quote!(b.0))?;
        let tys: Vec<TokenStream> = self
            .projected
            .iter()
            .map(|c| c.ty.owned(c.nullable))
            .collect();
        let tt = quote!((#(#tys,)*));
        let setup = quote! {
            #counts
            // The first `limit + offset` rows by (ORDER BY, id), in a bounded heap.
            let mut top = #rt::TopN::new(
                row_limit.saturating_add(row_offset),
                |a: &(#tt, i64), b: &(#tt, i64)| {
                    ::std::cmp::Ordering::Equal
                        #(.then_with(|| #cmps))*
                        .then_with(|| ::std::cmp::Ord::cmp(&a.1, &b.1))
                },
            );
        };
        let push = quote! { top.push((#tv, d.id)); };
        let finish = quote! {
            rows.extend(top.into_sorted().into_iter().skip(row_offset).map(|(r, _)| r));
        };
        Ok((setup, Order::Native, None, push, finish))
    }
}

/// The comparisons of `ORDER BY` over two rows `a`, `b` of projected columns (an
/// `Ordering` each, to chain).
pub(crate) fn comparisons(
    rt: &TokenStream,
    keys: &[SortKey],
    projected: &[CExpr],
    a: &TokenStream,
    b: &TokenStream,
) -> R<Vec<TokenStream>> {
    let mut cmps = Vec::new();
    for k in keys {
        let BExpr::Col(i) = k.expr else {
            return Err("an ORDER BY on a computed key".into());
        };
        let c = projected.get(i).ok_or("an ORDER BY column")?;
        let slot = syn::Index::from(i);
        let cmp = if c.nullable {
            let inner = c.ty.cmp_refs(rt, quote!(x), quote!(y));
            quote!(#rt::cmp_nulls_last(#a.#slot.as_ref(), #b.#slot.as_ref(), |x, y| #inner))
        } else if c.ty == RTy::Float {
            quote!(#rt::cmp_f64(#a.#slot, #b.#slot))
        } else {
            quote!(::std::cmp::Ord::cmp(&#a.#slot, &#b.#slot))
        };
        cmps.push(if k.desc { quote!(#cmp.reverse()) } else { cmp });
    }
    Ok(cmps)
}

/// A `LIMIT` or `OFFSET` argument as an `Option<i64>` expression.
pub(crate) fn count_arg(x: &Exprs<'_>, e: Option<&BExpr>) -> R<TokenStream> {
    match e {
        None => Ok(quote!(::std::option::Option::None)),
        Some(e) => {
            let c = x.expr(e, &[])?;
            if c.ty != RTy::Int {
                return Err("a LIMIT or OFFSET that is not an integer".into());
            }
            let ts = c.ts;
            Ok(quote!(::std::option::Option::Some(#ts)))
        }
    }
}
