//! The writer of a collection without vector fields: its documents table and index
//! tables opened once (`Tx::trades_writer`), each document encoded straight from the
//! values given (text borrowed, into one reused buffer) in the byte layout of the
//! row struct's `encode`, index keys encoded into another. The collection's INSERT
//! queries are methods of it, and the `Tx` methods of the same names open one for
//! a single call.

use super::names::upper;
use super::tables::{field_ident, names};
use super::types::RTy;
use crate::schema::Collection;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// Rust names of a collection's writer.
pub(crate) struct WriterNames {
    pub ty: Ident,
    pub open: Ident,
}

/// The writer's names, `None` for a collection with vector fields (its documents
/// are inserted through the row struct, with their vector tables).
pub(crate) fn writer_names(c: &Collection) -> Option<WriterNames> {
    if c.fields
        .iter()
        .any(|f| matches!(RTy::of_field(f.ty), RTy::Vector(_)))
    {
        return None;
    }
    let n = names(c);
    let snake = n.insert.to_string();
    let snake = snake.trim_start_matches("insert_");
    Some(WriterNames {
        ty: format_ident!("{}Writer", n.row),
        open: format_ident!("{}_writer", snake),
    })
}

/// The writer struct, its `put` and the `Tx` method that opens it; `queries` are the
/// writer methods of the collection's INSERT queries.
pub(crate) fn writer(
    c: &Collection,
    rt: &TokenStream,
    queries: &[TokenStream],
) -> Result<Option<(TokenStream, TokenStream)>, String> {
    let Some(w) = writer_names(c) else {
        return Ok(None);
    };
    let n = names(c);
    let (ty, open, table) = (&w.ty, &w.open, &n.table);
    let cname = &c.name;
    let mut params = Vec::new();
    let mut enc = Vec::new();
    let mut idx_fields = Vec::new();
    let mut idx_opens = Vec::new();
    let mut idx_puts = Vec::new();
    let e = quote!(self.record);
    for f in &c.fields {
        let id = field_ident(&f.name)?;
        let ty = RTy::of_field(f.ty);
        let view = match ty {
            RTy::Str => quote!(&str),
            _ => ty.owned(false),
        };
        params.push(if f.required {
            quote!(#id: #view)
        } else {
            quote!(#id: ::std::option::Option<#view>)
        });
        enc.push(ty.encode_any(&e, quote!(#id), !f.required));
        if f.indexed {
            let it = format_ident!("{}_BY_{}", upper(&c.name), f.name.to_ascii_uppercase());
            let var = format_ident!("by_{}", id.to_string().trim_start_matches("r#"));
            let kt = {
                let t = ty.owned(false);
                quote!((#t, i64))
            };
            idx_fields.push(quote!(#var: #rt::manifold::TableMut<'t, #kt, ()>,));
            idx_opens.push(quote!(#var: tx.open_table(tables::#it)?,));
            let v = match ty {
                RTy::Str => quote!(v),
                _ => quote!(&v),
            };
            let put = quote! {
                self.key.clear();
                #rt::manifold::Key::encode_key(#v, &mut self.key);
                #rt::manifold::Key::encode_key(&id, &mut self.key);
                self.#var.insert_encoded(&self.key, &[])?;
            };
            idx_puts.push(if f.required {
                quote! { { let v = #id; #put } }
            } else {
                quote! { if let ::std::option::Option::Some(v) = #id { #put } }
            });
        }
    }
    // A time-series collection's point, added before the document (a refused point
    // writes nothing of it).
    let (series_field, series_init) = match &c.time_series {
        Some(_) => (
            quote!(series: &'t #rt::SeriesStore, pending: &'t mut #rt::PendingPoints,),
            quote!(series: &db.series, pending: pending_points,),
        ),
        None => (quote!(), quote!()),
    };
    let point = match &c.time_series {
        Some(spec) => {
            let time = field_ident(&spec.time)?;
            let series = match &spec.series {
                Some(sf) => {
                    let sf = field_ident(sf)?;
                    quote!(#sf)
                }
                None => quote!(""),
            };
            quote! { self.series.put(self.pending, #cname, #series, #time, id)?; }
        }
        None => quote!(),
    };
    // The scratch for index keys, only with an index to write.
    let (key_field, key_init) = if idx_puts.is_empty() {
        (quote!(), quote!())
    } else {
        (
            quote!(key: ::std::vec::Vec<u8>,),
            quote!(key: ::std::vec::Vec::new(),),
        )
    };
    let doc = format!(
        "Inserts into `{cname}` with its tables open (from [`Tx::{open}`]): many inserts in one transaction open them once."
    );
    let odoc = format!("Opens the tables of `{cname}` for inserts.");
    let item = quote! {
        #[doc = #doc]
        pub struct #ty<'t> {
            tx: &'t #rt::manifold::WriteTransaction,
            next_ids: &'t mut #rt::NextIds,
            #series_field
            docs: #rt::manifold::TableMut<'t, i64, [u8]>,
            #(#idx_fields)*
            record: #rt::Enc,
            #key_field
        }

        #[allow(clippy::too_many_arguments, clippy::needless_question_mark)]
        impl #ty<'_> {
            /// Inserts a document given as values (text borrowed); returns its id.
            /// A taken id is an error. An id the counter assigns is free without a
            /// lookup: the counter starts past the stored counter (or, without one,
            /// past the largest stored id) and moves past every id taken.
            fn put(&mut self, id: ::std::option::Option<i64>, #(#params),*) -> ::std::result::Result<i64, #rt::Error> {
                let tx = self.tx;
                let given = id.is_some();
                let docs = &self.docs;
                let id = self.next_ids.take(#cname, id, || {
                    ::std::result::Result::Ok(match tx.open_table(tables::IDS)?.get(#cname)? {
                        ::std::option::Option::Some(next) => ::std::option::Option::Some(next),
                        ::std::option::Option::None => docs.last()?.map(|(last, _)| last.saturating_add(1)),
                    })
                })?;
                if given && self.docs.contains(&id)? {
                    return ::std::result::Result::Err(#rt::Error::Constraint(::std::format!("id {} already exists in {}", id, #cname)));
                }
                #point
                self.record.clear();
                #(#enc)*
                self.docs.insert(&id, self.record.0.as_slice())?;
                #(#idx_puts)*
                ::std::result::Result::Ok(id)
            }

            #(#queries)*
        }
    };
    let method = quote! {
        #[doc = #odoc]
        pub fn #open(&mut self) -> ::std::result::Result<#ty<'_>, #rt::Error> {
            #[allow(unused_variables)]
            let Tx { tx, next_ids, db, pending_points, .. } = self;
            let tx: &#rt::manifold::WriteTransaction = tx;
            ::std::result::Result::Ok(#ty {
                tx,
                next_ids,
                #series_init
                docs: tx.open_table(tables::#table)?,
                #(#idx_opens)*
                record: #rt::Enc::new(),
                #key_init
            })
        }
    };
    Ok(Some((item, method)))
}
