//! INSERT, UPDATE and DELETE as methods of the write transaction `Tx`. An insert
//! must give every REQUIRED field (checked here, at compile time); UPDATE and DELETE
//! read their targets in the same transaction, then write.

use super::access::{doc_scope, each_doc};
use super::expr::{CExpr, Exprs, R};
use super::tables::{field_ident, names};
use super::types::RTy;
use crate::schema::{Collection, Model};
use hyperql::{BExpr, Plan};
use proc_macro2::TokenStream;
use quote::quote;

/// The value `c` converted to the stored type of a field (`ty`, nullable unless
/// `required`).
fn store(c: &CExpr, ty: RTy, required: bool, what: &str) -> R<TokenStream> {
    store_as(c, ty, required, what, false)
}

/// [`store`], as the view a writer's `put` takes (`&str` for text) when `view`.
fn store_as(c: &CExpr, ty: RTy, required: bool, what: &str, view: bool) -> R<TokenStream> {
    if c.ty == RTy::Null {
        if required {
            return Err(format!("NULL for the REQUIRED field {what}"));
        }
        return Ok(quote!(::std::option::Option::None));
    }
    if c.nullable && required {
        return Err(format!(
            "a value that may be NULL for the REQUIRED field {what}"
        ));
    }
    let owned = if view { c.ts.clone() } else { c.owned() };
    let owned = match (c.ty, ty) {
        (a, b) if a == b => owned,
        (RTy::Int, RTy::Float) if c.nullable => quote!(#owned.map(|n: i64| n as f64)),
        (RTy::Int, RTy::Float) => quote!((#owned as f64)),
        (RTy::Int, RTy::Ts) | (RTy::Ts, RTy::Int) => owned,
        (RTy::Vector(_), RTy::Vector(_)) => owned,
        (a, b) => return Err(format!("a {a:?} value for the {b:?} field {what}")),
    };
    Ok(if required || c.nullable {
        owned
    } else {
        quote!(::std::option::Option::Some(#owned))
    })
}

fn collection<'m>(model: &'m Model, name: &str) -> R<&'m Collection> {
    model
        .collection(name)
        .ok_or_else(|| format!("collection `{name}` with no known schema"))
}

/// The body of an INSERT method (returns the id of one document, or the ids): with
/// `writer`, of the collection writer's method (values given to its `put`),
/// otherwise of the `Tx` method (a `New` struct given to the collection's insert).
pub(crate) fn insert(
    x: &Exprs<'_>,
    model: &Model,
    collection: &str,
    docs: &[BExpr],
    writer: bool,
) -> R<(TokenStream, TokenStream)> {
    let rt = &x.rt;
    let coll = collection_of(model, collection)?;
    let n = names(coll);
    let (new, ins) = (&n.new, &n.insert);
    let mut stmts = Vec::new();
    for d in docs {
        let BExpr::Object(pairs) = d else {
            return Err("INSERT of a value that is not a document".into());
        };
        let mut id = quote!(::std::option::Option::None);
        let mut inits = Vec::new();
        let mut vals = Vec::new();
        for f in &coll.fields {
            let fid = field_ident(&f.name)?;
            let what = format!("`{}.{}`", coll.name, f.name);
            let ty = RTy::of_field(f.ty);
            let v = match pairs.iter().find(|(k, _)| *k == f.name) {
                Some((_, e)) => {
                    let embedded = match ty {
                        RTy::Vector(Some(n)) => x.embed(e, n)?,
                        _ => None,
                    };
                    if let Some(v) = embedded {
                        // A collection with vectors has no writer: only the `New`
                        // struct's owned value is used.
                        vals.push(quote!(::std::option::Option::None));
                        if f.required {
                            v
                        } else {
                            quote!(::std::option::Option::Some(#v))
                        }
                    } else {
                        let c = x.expr(e, &[])?;
                        vals.push(store_as(&c, ty, f.required, &what, true)?);
                        store(&c, ty, f.required, &what)?
                    }
                }
                None if f.required => {
                    return Err(format!("an INSERT without the REQUIRED field {what}"));
                }
                None => {
                    vals.push(quote!(::std::option::Option::None));
                    quote!(::std::option::Option::None)
                }
            };
            inits.push(if fid == v.to_string() {
                quote!(#fid,)
            } else {
                quote!(#fid: #v,)
            });
        }
        for (k, e) in pairs {
            if k == "id" {
                id = store(&x.expr(e, &[])?, RTy::Int, false, "`id`")?;
            } else if coll.field(k).is_none() {
                return Err(format!("field `{}.{k}` whose type is not known", coll.name));
            }
        }
        stmts.push(if writer {
            quote!(self.put(#id, #(#vals),*)?)
        } else {
            quote!(self.#ins(#new { id: #id, #(#inits)* })?)
        });
    }
    Ok(if let [one] = stmts.as_slice() {
        (quote!(i64), quote!(::std::result::Result::Ok(#one)))
    } else {
        (
            quote!(::std::vec::Vec<i64>),
            quote!(::std::result::Result::Ok(::std::vec![#(#stmts),*])),
        )
    })
    .map(|(t, b)| {
        let _ = rt;
        (t, b)
    })
}

fn collection_of<'m>(model: &'m Model, name: &str) -> R<&'m Collection> {
    collection(model, name)
}

/// The target rows of an UPDATE or DELETE: a scan with an optional WHERE.
fn targets(input: &Plan) -> R<(&str, Option<&BExpr>)> {
    let (at, filter) = match input {
        Plan::Filter { input, predicate } => (&**input, Some(predicate)),
        p => (p, None),
    };
    match at {
        Plan::Scan {
            collection,
            entity: None,
            ..
        } => Ok((collection, filter)),
        _ => Err("UPDATE or DELETE over anything but one collection".into()),
    }
}

/// Code that collects the target documents into `targets` (with their vectors when
/// `vectors`: an UPDATE writes the whole document back).
fn collect(
    x: &Exprs<'_>,
    coll: &Collection,
    filter: Option<&BExpr>,
    vectors: bool,
) -> R<TokenStream> {
    let scope = doc_scope(coll);
    let where_ = match filter {
        Some(f) => {
            let t = x.expr(f, &scope)?.is_not_true();
            quote!(if #t { continue; })
        }
        None => quote!(),
    };
    let table = &names(coll).table;
    let load = if vectors {
        super::vectors::load_write(coll, &x.rt)?
    } else {
        quote!()
    };
    let (lp, _) = each_doc(
        x,
        coll,
        filter,
        super::access::At::Write,
        quote! { #load #where_ targets.push(d); },
    )?;
    Ok(quote! {
        let mut targets = ::std::vec::Vec::new();
        {
            let docs = self.tx.open_table(tables::#table)?;
            #lp
        }
    })
}

/// The body of an UPDATE method (returns how many documents changed).
pub(crate) fn update(
    x: &Exprs<'_>,
    model: &Model,
    input: &Plan,
    assignments: &[(Vec<String>, BExpr)],
) -> R<TokenStream> {
    let (name, filter) = targets(input)?;
    let coll = collection(model, name)?;
    let scope = doc_scope(coll);
    let put = &names(coll).put;
    let gather = collect(x, coll, filter, true)?;
    let mut sets = Vec::new();
    for (path, e) in assignments {
        let [fname] = path.as_slice() else {
            return Err(format!("UPDATE of the nested path `{}`", path.join(".")));
        };
        if fname == "id" {
            return Err("UPDATE of `id`".into());
        }
        let f = coll
            .field(fname)
            .ok_or_else(|| format!("field `{}.{fname}` whose type is not known", coll.name))?;
        let fid = field_ident(fname)?;
        let v = store(
            &x.expr(e, &scope)?,
            RTy::of_field(f.ty),
            f.required,
            &format!("`{}.{fname}`", coll.name),
        )?;
        // Every value is computed from the old document before any is assigned.
        sets.push((fid, v));
    }
    let (ids, vals): (Vec<_>, Vec<_>) = sets.into_iter().unzip();
    let tmp: Vec<_> = (0..ids.len())
        .map(|i| quote::format_ident!("v{}", i))
        .collect();
    Ok(quote! {
        #gather
        let mut n = 0u64;
        for d in targets {
            #(let #tmp = #vals;)*
            let mut new = d.clone();
            #(new.#ids = #tmp;)*
            self.#put(&new, ::std::option::Option::Some(&d))?;
            n += 1;
        }
        ::std::result::Result::Ok(n)
    })
}

/// The body of a DELETE method (returns how many documents were deleted).
pub(crate) fn delete(x: &Exprs<'_>, model: &Model, input: &Plan) -> R<TokenStream> {
    let (name, filter) = targets(input)?;
    let coll = collection(model, name)?;
    let del = &names(coll).del;
    let gather = collect(x, coll, filter, false)?;
    Ok(quote! {
        #gather
        let mut n = 0u64;
        for d in targets {
            self.#del(&d)?;
            n += 1;
        }
        ::std::result::Result::Ok(n)
    })
}
