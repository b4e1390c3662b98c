//! How a query reads its collection: a point lookup when `WHERE` fixes `id`, a range
//! of a secondary index when it bounds an `INDEXED` field, else a full scan. The
//! whole `WHERE` is checked on every document read, so the access path only narrows.

use super::expr::{Col, Exprs, R};
use super::tables::{field_ident, names};
use super::types::RTy;
use crate::schema::Collection;
use hyperql::{BExpr, BinaryOp};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

fn conjuncts<'e>(e: &'e BExpr, out: &mut Vec<&'e BExpr>) {
    if let BExpr::Binary(BinaryOp::And, a, b) = e {
        conjuncts(a, out);
        conjuncts(b, out);
    } else {
        out.push(e);
    }
}

/// `field op value` with the field of column 0 on the left.
fn bound(e: &BExpr) -> Option<(&str, BinaryOp, &BExpr)> {
    let BExpr::Binary(op, a, b) = e else {
        return None;
    };
    let flip = |op| match op {
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::LtEq => BinaryOp::GtEq,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::GtEq => BinaryOp::LtEq,
        o => o,
    };
    let constant = |x: &BExpr| matches!(x, BExpr::Lit(_) | BExpr::Param(_));
    let op = *op;
    if !matches!(
        op,
        BinaryOp::Eq | BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq
    ) {
        return None;
    }
    match (&**a, &**b) {
        (BExpr::Field(0, p), v) if p.len() == 1 && constant(v) => Some((&p[0], op, v)),
        (v, BExpr::Field(0, p)) if p.len() == 1 && constant(v) => Some((&p[0], flip(op), v)),
        _ => None,
    }
}

/// The loop that binds each candidate document of `coll` to `d` and runs `body`
/// (`continue` skips a document). `docs` is the documents table (read or write),
/// `open` opens another table of the same transaction.
pub(crate) fn each_doc(
    x: &Exprs<'_>,
    coll: &Collection,
    filter: Option<&BExpr>,
    open: &dyn Fn(TokenStream) -> TokenStream,
    body: TokenStream,
) -> R<(TokenStream, String)> {
    let rt = &x.rt;
    let n = names(coll);
    let row = &n.row;
    let table = &n.table;
    let decode = quote!(#[allow(unused_mut)] let mut d = #row::decode(id, bytes.as_slice())?;);
    let mut parts = Vec::new();
    if let Some(f) = filter {
        conjuncts(f, &mut parts);
    }
    let bounds: Vec<_> = parts.iter().filter_map(|p| bound(p)).collect();
    let scope = [];
    let typed = |v: &BExpr, want: RTy| -> R<Option<TokenStream>> {
        let c = x.expr(v, &scope)?;
        Ok((c.ty == want && !c.nullable).then(|| c.owned()))
    };
    if let Some((_, _, v)) = bounds
        .iter()
        .find(|(f, op, _)| *f == "id" && *op == BinaryOp::Eq)
        && let Some(key) = typed(v, RTy::Int)?
    {
        let code = quote! {
            for id in ::std::iter::once(#key) {
                let ::std::option::Option::Some(bytes) = docs.get(&id)? else { continue };
                #decode
                #body
            }
        };
        return Ok((code, "point lookup by id".into()));
    }
    for want_eq in [true, false] {
        for (fname, op, v) in &bounds {
            if (*op == BinaryOp::Eq) != want_eq {
                continue;
            }
            let Some(field) = coll.field(fname).filter(|f| f.indexed) else {
                continue;
            };
            let ty = RTy::of_field(field.ty);
            if matches!(ty, RTy::Vector(_) | RTy::Bool) {
                continue;
            }
            let Some(val) = typed(v, ty)? else { continue };
            // Lower and upper bounds from this conjunct and one more on the field.
            let mut lo = quote!(::std::ops::Bound::Unbounded);
            let mut hi = quote!(::std::ops::Bound::Unbounded);
            let mut set = |op: BinaryOp, val: TokenStream| {
                let b = |inc: bool, at: TokenStream| {
                    if inc {
                        quote!(::std::ops::Bound::Included((#val, #at)))
                    } else {
                        quote!(::std::ops::Bound::Excluded((#val, #at)))
                    }
                };
                match op {
                    BinaryOp::Eq => {
                        lo = b(true, quote!(i64::MIN));
                        hi = b(true, quote!(i64::MAX));
                    }
                    BinaryOp::Gt => lo = b(false, quote!(i64::MAX)),
                    BinaryOp::GtEq => lo = b(true, quote!(i64::MIN)),
                    BinaryOp::Lt => hi = b(false, quote!(i64::MIN)),
                    _ => hi = b(true, quote!(i64::MAX)),
                }
            };
            set(*op, val.clone());
            if *op != BinaryOp::Eq
                && let Some((_, op2, v2)) = bounds.iter().find(|(f2, op2, _)| {
                    f2 == fname && *op2 != BinaryOp::Eq && lower(*op2) != lower(*op)
                })
                && let Some(val2) = typed(v2, ty)?
            {
                set(*op2, val2);
            }
            let it = format_ident!("{}_BY_{}", table, fname.to_ascii_uppercase());
            let open_idx = open(quote!(tables::#it));
            let _ = field_ident(fname)?;
            let code = quote! {
                let index = #open_idx;
                let lo = #lo;
                let hi = #hi;
                let mut ids: ::std::vec::Vec<i64> = ::std::vec::Vec::new();
                for entry in index.range((lo.as_ref(), hi.as_ref()))? {
                    let ((_, id), ()) = entry?;
                    ids.push(id);
                }
                // Documents in id order, as a scan reads them.
                ids.sort_unstable();
                for id in ids {
                    let ::std::option::Option::Some(bytes) = docs.get(&id)? else { continue };
                    #decode
                    #body
                }
            };
            let _ = rt;
            return Ok((code, format!("index range on `{fname}`")));
        }
    }
    let code = quote! {
        for entry in docs.iter()? {
            let (id, bytes) = entry?;
            #decode
            #body
        }
    };
    Ok((code, "full scan".into()))
}

fn lower(op: BinaryOp) -> bool {
    matches!(op, BinaryOp::Gt | BinaryOp::GtEq)
}

/// The scope of a query over one collection: its document in `d`.
pub(crate) fn doc_scope(coll: &Collection) -> Vec<Col> {
    vec![Col::Doc {
        var: format_ident!("d"),
        coll: coll.clone(),
    }]
}
