//! How a query reads its collection: a point lookup when `WHERE` fixes `id`, a time
//! range read from manifold-timeseries when it bounds the time field of a time-series
//! collection, a range of a secondary index when it bounds an `INDEXED` field, else a
//! full scan. The whole `WHERE` is checked on every document read, so the access path
//! only narrows.

use super::expr::{Col, Exprs, R};
use super::tables::{field_ident, names};
use super::types::RTy;
use crate::schema::Collection;
use hyperql::{BExpr, BinaryOp};
use proc_macro2::{Ident, TokenStream};
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

/// The transaction a walk reads in: a read function's snapshot (`rtx`, on `Db`) or
/// the write transaction of `Tx` (UPDATE and DELETE targets).
#[derive(Clone, Copy)]
pub(crate) enum At {
    Read,
    Write,
}

impl At {
    /// Code opening table `t` in the transaction.
    pub(crate) fn open(self, t: TokenStream) -> TokenStream {
        match self {
            At::Read => quote!(rtx.open_table(#t)?),
            At::Write => quote!(self.tx.open_table(#t)?),
        }
    }

    /// The transaction, the `Db`, and what writes the transaction's pending points
    /// before it reads them.
    fn tx_db(self) -> (TokenStream, TokenStream, TokenStream) {
        match self {
            At::Read => (quote!(&rtx), quote!(self), quote!()),
            At::Write => (
                quote!(&self.tx),
                quote!(self.db),
                quote!(self.db.series.flush(&self.tx, &mut self.pending_points)?;),
            ),
        }
    }
}

/// How a query reaches its candidate documents.
pub(crate) enum Path {
    /// `id = value`: at most one document.
    Point(TokenStream),
    /// A time range of a time-series collection, read from manifold-timeseries (of the
    /// one series an equality on the series field fixes, else of every series).
    Series {
        collection: String,
        time: String,
        ty: RTy,
        /// The series field's value, when fixed.
        series: Option<TokenStream>,
        /// Reads one series (fixed, or the collection has no series field), whose points
        /// come in time order.
        one: bool,
        lo: TokenStream,
        hi: TokenStream,
    },
    /// A range of the secondary index on `field` (`eq`: one value of it).
    Index {
        field: String,
        ty: RTy,
        eq: bool,
        table: Ident,
        lo: TokenStream,
        hi: TokenStream,
    },
    /// Every document, in id order.
    Scan,
}

/// In which order [`Path::walk`] yields documents.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// By id, as a scan reads them (an index range sorts its ids first).
    Id,
    /// The path's own order: an index range by (value, id), else by id.
    Native,
}

/// How each document is bound to `d`: decoded whole (its row struct) or only the
/// fields a read uses, as views into the stored bytes (the struct [`view_struct`]
/// defines).
#[derive(Clone, Copy)]
pub(crate) enum Decode<'u> {
    Whole,
    Fields(&'u [String]),
}

/// The loop that binds each candidate document of `coll` to `d` and runs `body`
/// (`continue` skips a document). `docs` is the documents table (read or write) of
/// the transaction `at`.
pub(crate) fn each_doc(
    x: &Exprs<'_>,
    coll: &Collection,
    filter: Option<&BExpr>,
    at: At,
    body: TokenStream,
) -> R<(TokenStream, String)> {
    let path = choose(x, coll, filter)?;
    let code = path.walk(&x.rt, coll, at, Order::Id, Decode::Whole, None, body)?;
    Ok((code, path.describe()))
}

/// The access path for `filter` over `coll`: a point lookup when it fixes `id`, an
/// index range when it bounds an `INDEXED` field (equalities first), else a scan.
pub(crate) fn choose(x: &Exprs<'_>, coll: &Collection, filter: Option<&BExpr>) -> R<Path> {
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
        return Ok(Path::Point(key));
    }
    if let Some(path) = time_range(coll, &bounds, &typed)? {
        return Ok(path);
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
            let _ = field_ident(fname)?;
            return Ok(Path::Index {
                field: fname.to_string(),
                ty,
                eq: *op == BinaryOp::Eq,
                table: format_ident!("{}_BY_{}", names(coll).table, fname.to_ascii_uppercase()),
                lo,
                hi,
            });
        }
    }
    Ok(Path::Scan)
}

/// The time range of a time-series collection that `bounds` give on its time field
/// (an equality is a range of one instant; of several bounds the first lower and the
/// first upper one), with the series an equality on the series field fixes. `None`
/// when the range spans every series and the time field is `INDEXED`: the index
/// serves it.
#[allow(clippy::type_complexity)]
fn time_range(
    coll: &Collection,
    bounds: &[(&str, BinaryOp, &BExpr)],
    typed: &dyn Fn(&BExpr, RTy) -> R<Option<TokenStream>>,
) -> R<Option<Path>> {
    let Some(spec) = &coll.time_series else {
        return Ok(None);
    };
    let Some(field) = coll.field(&spec.time) else {
        return Ok(None);
    };
    let ty = RTy::of_field(field.ty);
    let (mut lo, mut hi) = (None, None);
    for (f, op, v) in bounds {
        if *f != spec.time {
            continue;
        }
        let Some(val) = typed(v, ty)? else { continue };
        let inc = |val: &TokenStream| quote!(::std::ops::Bound::Included(#val));
        let exc = |val: &TokenStream| quote!(::std::ops::Bound::Excluded(#val));
        match op {
            BinaryOp::Eq => {
                lo = lo.or_else(|| Some(inc(&val)));
                hi = hi.or_else(|| Some(inc(&val)));
            }
            BinaryOp::Gt => lo = lo.or_else(|| Some(exc(&val))),
            BinaryOp::GtEq => lo = lo.or_else(|| Some(inc(&val))),
            BinaryOp::Lt => hi = hi.or_else(|| Some(exc(&val))),
            _ => hi = hi.or_else(|| Some(inc(&val))),
        }
    }
    if lo.is_none() && hi.is_none() {
        return Ok(None);
    }
    let unbounded = quote!(::std::ops::Bound::Unbounded);
    let mut series = None;
    if let Some(sf) = &spec.series {
        for (f, op, v) in bounds {
            if *f == sf.as_str() && *op == BinaryOp::Eq && series.is_none() {
                series = typed(v, RTy::Str)?;
            }
        }
    }
    // Of every series, an index on the time field is read in (time, id) order as the
    // range goes, where the series would be read whole and sorted.
    if series.is_none() && spec.series.is_some() && field.indexed {
        return Ok(None);
    }
    Ok(Some(Path::Series {
        collection: coll.name.clone(),
        time: spec.time.clone(),
        ty,
        one: series.is_some() || spec.series.is_none(),
        series,
        lo: lo.unwrap_or_else(|| unbounded.clone()),
        hi: hi.unwrap_or(unbounded),
    }))
}

impl Path {
    /// What the generated function's doc comment says it reads by.
    pub(crate) fn describe(&self) -> String {
        match self {
            Path::Point(_) => "point lookup by id".into(),
            Path::Series {
                time, series, one, ..
            } => format!(
                "time range on `{time}` from manifold-timeseries, {}",
                match (series, one) {
                    (Some(_), _) => "of one series",
                    (None, true) => "of the collection's series",
                    (None, false) => "of every series",
                }
            ),
            Path::Index { field, .. } => format!("index range on `{field}`"),
            Path::Scan => "full scan".into(),
        }
    }

    /// The loop over the documents in `order`, each bound to `d` as `decode` says;
    /// `label` names the loop, for a `break` that stops it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn walk(
        &self,
        rt: &TokenStream,
        coll: &Collection,
        at: At,
        order: Order,
        decode: Decode<'_>,
        label: Option<&syn::Lifetime>,
        body: TokenStream,
    ) -> R<TokenStream> {
        let bind = bind_doc(rt, coll, decode, &format_ident!("d"), &quote!(id))?;
        let label = label.map(|l| quote!(#l:));
        let tname = format!("hql.{}", coll.name);
        Ok(match self {
            Path::Point(key) => quote! {
                #label for id in ::std::iter::once(#key) {
                    let ::std::option::Option::Some(guard) = docs.get_raw(&id)? else { continue };
                    let bytes = guard.bytes();
                    #bind
                    #body
                }
            },
            Path::Series {
                collection,
                series,
                one,
                lo,
                hi,
                ..
            } => {
                let (tx, db, flush) = at.tx_db();
                let series = match series {
                    Some(v) => {
                        quote!(::std::option::Option::Some(::std::convert::AsRef::<str>::as_ref(&#v)))
                    }
                    None => quote!(::std::option::Option::None),
                };
                // The path's own order is (time, id): one series is read in time
                // order (one point per time), several are merged by sorting. Id order
                // is a scan's.
                let sort = match order {
                    Order::Native if *one => quote!(),
                    Order::Native => quote! { ids.sort_unstable(); },
                    Order::Id => quote! { ids.sort_unstable_by_key(|&(_, id)| id); },
                };
                quote! {
                    #flush
                    #[allow(unused_mut)]
                    let mut ids = {
                        let lo = #lo;
                        let hi = #hi;
                        #db.series.ids(#tx, #collection, #series, lo, hi)?
                    };
                    #sort
                    #label for (_, id) in ids {
                        let ::std::option::Option::Some(guard) = docs.get_raw(&id)? else { continue };
                        let bytes = guard.bytes();
                        #bind
                        #body
                    }
                }
            }
            Path::Index { table, lo, hi, .. } => {
                let open_idx = at.open(quote!(tables::#table));
                // The bounds live in a block: their names must not hide parameters
                // the body reads.
                let head = quote! {
                    let index = #open_idx;
                };
                let range = quote! {
                    {
                        let lo = #lo;
                        let hi = #hi;
                        index.range((lo.as_ref(), hi.as_ref()))?
                    }
                };
                let each = quote! {
                    let ::std::option::Option::Some(guard) = docs.get_raw(&id)? else { continue };
                    let bytes = guard.bytes();
                    #bind
                    #body
                };
                match order {
                    Order::Id => quote! {
                        #head
                        let mut ids: ::std::vec::Vec<i64> = ::std::vec::Vec::new();
                        for entry in #range {
                            let ((_, id), ()) = entry?;
                            ids.push(id);
                        }
                        // Documents in id order, as a scan reads them.
                        ids.sort_unstable();
                        #label for id in ids {
                            #each
                        }
                    },
                    Order::Native => quote! {
                        #head
                        #label for entry in #range {
                            let ((_, id), ()) = entry?;
                            #each
                        }
                    },
                }
            }
            Path::Scan => quote! {
                #label for entry in docs.iter()?.raw() {
                    let entry = entry?;
                    let id = #rt::doc_id(entry.key_bytes(), #tname)?;
                    let bytes = entry.value_bytes();
                    #bind
                    #body
                }
            },
        })
    }

    /// The order of [`Order::Native`] as fields, then `id`: `Some(field)` for an index
    /// range on it, `None` for id order. An equality index yields one value of its
    /// field, so its documents come by id.
    pub(crate) fn native_field(&self) -> Option<(&str, RTy)> {
        match self {
            Path::Series { time, ty, .. } => Some((time, *ty)),
            Path::Index {
                field,
                ty,
                eq: false,
                ..
            } => Some((field, *ty)),
            _ => None,
        }
    }

    /// The field an equality index fixes.
    pub(crate) fn fixed_field(&self) -> Option<&str> {
        match self {
            Path::Index {
                field, eq: true, ..
            } => Some(field),
            _ => None,
        }
    }
}
fn lower(op: BinaryOp) -> bool {
    matches!(op, BinaryOp::Gt | BinaryOp::GtEq)
}

/// Binds the document in `bytes` (and `id`) to `var`: the row struct decoded whole,
/// or the struct of [`view_struct`] holding the fields read, decoded in schema
/// order up to the last of them (those between are skipped, those after never
/// read).
pub(crate) fn bind_doc(
    rt: &TokenStream,
    coll: &Collection,
    decode: Decode<'_>,
    var: &Ident,
    id: &TokenStream,
) -> R<TokenStream> {
    let tname = format!("hql.{}", coll.name);
    let used = match decode {
        Decode::Whole => {
            let row = &names(coll).row;
            return Ok(quote! {
                #[allow(unused_mut)]
                let mut #var = #row::decode(#id, bytes)?;
            });
        }
        Decode::Fields(used) => used,
    };
    let sname = view_name(var);
    let id_init = if id.to_string() == "id" {
        quote!(id,)
    } else {
        quote!(id: #id,)
    };
    let last = coll
        .fields
        .iter()
        .rposition(|f| !matches!(RTy::of_field(f.ty), RTy::Vector(_)) && used.contains(&f.name));
    let mut inits = Vec::new();
    let mut skips = Vec::new();
    for (i, f) in coll.fields.iter().enumerate() {
        let ty = RTy::of_field(f.ty);
        let id = field_ident(&f.name)?;
        let wanted = used.contains(&f.name);
        if let RTy::Vector(_) = ty {
            // Not in the record: loaded from the vector table when read.
            if wanted {
                inits.push(if f.required {
                    quote!(#id: ::std::vec::Vec::new(),)
                } else {
                    quote!(#id: ::std::option::Option::None,)
                });
            }
            continue;
        }
        if last.is_none_or(|l| i > l) {
            continue;
        }
        let one = |get: TokenStream| {
            if f.required {
                get
            } else {
                quote!(if dec.tag()? { ::std::option::Option::Some(#get) } else { ::std::option::Option::None })
            }
        };
        if wanted {
            let get = one(ty.decode_view(&quote!(dec)));
            inits.push(if skips.is_empty() {
                quote!(#id: #get,)
            } else {
                quote!(#id: { #(#skips)* #get },)
            });
            skips.clear();
        } else {
            let skip = ty.skip(&quote!(dec));
            skips.push(if f.required {
                quote!(#skip;)
            } else {
                quote!(if dec.tag()? { #skip; })
            });
        }
    }
    if last.is_none() {
        // No field of the record is read.
        return Ok(quote! {
            #[allow(unused_mut)]
            let mut #var = #sname { #id_init #(#inits)* };
            let _ = bytes;
        });
    }
    Ok(quote! {
        #[allow(unused_mut)]
        let mut #var = {
            let mut dec = #rt::Dec::new(bytes, #tname);
            #sname { #id_init #(#inits)* }
        };
    })
}

fn view_name(var: &Ident) -> Ident {
    format_ident!("{}Fields", super::names::pascal(&var.to_string()))
}

/// The struct a read binds a document to when it decodes only the fields in `used`
/// (text borrowed from the stored bytes; vector fields owned, loaded later).
pub(crate) fn view_struct(coll: &Collection, used: &[String], var: &Ident) -> R<TokenStream> {
    let sname = view_name(var);
    let mut fdefs = Vec::new();
    let mut borrows = false;
    for f in &coll.fields {
        if !used.contains(&f.name) {
            continue;
        }
        let ty = RTy::of_field(f.ty);
        let id = field_ident(&f.name)?;
        borrows |= ty == RTy::Str;
        let t = ty.view_ty(!f.required);
        fdefs.push(quote!(#id: #t,));
    }
    let lt = if borrows { quote!(<'a>) } else { quote!() };
    let doc = format!("The fields of `{}` this query reads.", coll.name);
    Ok(quote! {
        #[doc = #doc]
        #[allow(dead_code)]
        struct #sname #lt { id: i64, #(#fdefs)* }
    })
}

/// The scope of a query over one collection: its document in `d`.
pub(crate) fn doc_scope(coll: &Collection) -> Vec<Col> {
    vec![Col::Doc {
        var: format_ident!("d"),
        coll: coll.clone(),
        views: false,
    }]
}

/// [`doc_scope`] over the struct of [`view_struct`] (text fields held as `&str`).
pub(crate) fn view_scope(coll: &Collection) -> Vec<Col> {
    vec![Col::Doc {
        var: format_ident!("d"),
        coll: coll.clone(),
        views: true,
    }]
}
