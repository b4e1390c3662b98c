//! The storage side of the generated code: a row struct and a `New` struct per
//! collection with their record codec, the table definitions (documents keyed by id, a
//! secondary index table per `INDEXED` field, a counter table for ids), `Db`
//! and the write transaction `Tx` with its insert and index upkeep.

use super::names::{ident, pascal, upper};
use super::types::RTy;
use crate::schema::{Collection, Model};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// Rust names of one collection.
pub(crate) struct Names {
    pub row: Ident,
    pub new: Ident,
    pub table: Ident,
    pub put: Ident,
    pub del: Ident,
    pub insert: Ident,
}

pub(crate) fn names(c: &Collection) -> Names {
    let p = pascal(&c.name);
    let snake: String = c
        .name
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    Names {
        row: format_ident!("{}", p),
        new: format_ident!("New{}", p),
        table: upper(&c.name),
        put: format_ident!("put_{}", snake),
        del: format_ident!("del_{}", snake),
        insert: format_ident!("insert_{}", snake),
    }
}

fn index_table(c: &Collection, field: &str) -> Ident {
    format_ident!("{}_BY_{}", upper(&c.name), field.to_ascii_uppercase())
}

/// Owned types of an indexed field's key (`(String, i64)`).
fn index_key_ty(ty: RTy) -> TokenStream {
    let t = ty.owned(false);
    quote!((#t, i64))
}

pub(crate) fn field_ident(name: &str) -> Result<Ident, String> {
    ident(name).ok_or_else(|| format!("field name `{name}` (not a Rust identifier)"))
}

/// The upkeep of a time-series collection's points in its `put` and `del`: a
/// document's point is at its time field in the series of its series field. `put`
/// adds the new point before it drops the old one (when the time or the series
/// changed), so a refused point leaves the old one; nothing for other collections.
fn points(c: &Collection) -> Result<(TokenStream, TokenStream), String> {
    let Some(spec) = &c.time_series else {
        return Ok((quote!(), quote!()));
    };
    let time = field_ident(&spec.time)?;
    let series = |r: TokenStream| -> Result<TokenStream, String> {
        Ok(match &spec.series {
            Some(s) => {
                let s = field_ident(s)?;
                quote!(#r.#s.as_str())
            }
            None => quote!(""),
        })
    };
    let (new_s, old_s) = (series(quote!(row))?, series(quote!(old))?);
    let cname = &c.name;
    Ok((
        quote! {
            let moved = match old {
                ::std::option::Option::Some(old) => (#old_s, old.#time) != (#new_s, row.#time),
                ::std::option::Option::None => true,
            };
            if moved {
                self.db.series.put(&mut self.pending_points, #cname, #new_s, row.#time, row.id)?;
                if let ::std::option::Option::Some(old) = old {
                    self.db.series.remove(&self.tx, &mut self.pending_points, #cname, #old_s, old.#time)?;
                }
            }
        },
        {
            let s = series(quote!(row))?;
            quote! { self.db.series.remove(&self.tx, &mut self.pending_points, #cname, #s, row.#time)?; }
        },
    ))
}

/// Everything of the storage side.
pub(crate) fn storage(model: &Model, rt: &TokenStream) -> Result<TokenStream, String> {
    let mut items = Vec::new();
    let mut consts = Vec::new();
    let mut tx_methods = Vec::new();
    for c in &model.collections {
        let n = names(c);
        let (row, new, table) = (&n.row, &n.new, &n.table);
        let tname = format!("hql.{}", c.name);
        consts.push(quote! {
            pub(super) const #table: #rt::manifold::TableDefinition<'static, i64, [u8]> =
                #rt::manifold::TableDefinition::new(#tname);
        });
        let mut fdefs = Vec::new();
        let mut ndefs = Vec::new();
        let mut enc = Vec::new();
        let mut dec = Vec::new();
        let mut from_new = Vec::new();
        let mut idx_put = Vec::new();
        let mut idx_del = Vec::new();
        let mut dims = Vec::new();
        let e = quote!(e);
        let d = quote!(d);
        for f in &c.fields {
            let id = field_ident(&f.name)?;
            let ty = RTy::of_field(f.ty);
            let owned = ty.owned(!f.required);
            let doc = format!(
                "`{}` ({}{}).",
                f.name,
                f.ty.hql_name(),
                if f.required { ", REQUIRED" } else { "" }
            );
            fdefs.push(quote!(#[doc = #doc] pub #id: #owned,));
            ndefs.push(quote!(#[doc = #doc] pub #id: #owned,));
            from_new.push(quote!(#id: new.#id,));
            if let RTy::Vector(_) = ty {
                // Stored in the field's vector table (vectors.rs), loaded on demand.
                dec.push(if f.required {
                    quote!(#id: ::std::vec::Vec::new(),)
                } else {
                    quote!(#id: ::std::option::Option::None,)
                });
            } else {
                enc.push(ty.encode_any(&e, ty.view(quote!(self.#id), !f.required), !f.required));
            }
            let get = ty.decode(&d);
            dec.push(if matches!(ty, RTy::Vector(_)) {
                quote!()
            } else if f.required {
                quote!(#id: #get,)
            } else {
                quote!(#id: if #d.tag()? { ::std::option::Option::Some(#get) } else { ::std::option::Option::None },)
            });
            if let RTy::Vector(Some(n)) = ty {
                let what = format!("{}.{}", c.name, f.name);
                let v = if f.required {
                    quote!(::std::option::Option::Some(&row.#id))
                } else {
                    quote!(row.#id.as_ref())
                };
                dims.push(quote! {
                    if let ::std::option::Option::Some(v) = #v
                        && v.len() != #n
                    {
                        return ::std::result::Result::Err(#rt::Error::Constraint(::std::format!("{} has {} dimensions, not {}", #what, v.len(), #n)));
                    }
                });
            }
            if f.indexed && !matches!(ty, RTy::Vector(_)) {
                let it = index_table(c, &f.name);
                let kt = index_key_ty(ty);
                let iname = format!("hql.{}.by.{}", c.name, f.name);
                consts.push(quote! {
                    pub(super) const #it: #rt::manifold::TableDefinition<'static, #kt, ()> =
                        #rt::manifold::TableDefinition::new(#iname);
                });
                let copy = !matches!(ty, RTy::Str | RTy::Vector(_));
                let key = |r: TokenStream| match (f.required, copy) {
                    (true, true) => quote!(::std::option::Option::Some((#r.#id, #r.id))),
                    (true, false) => quote!(::std::option::Option::Some((#r.#id.clone(), #r.id))),
                    (false, true) => quote!(#r.#id.map(|v| (v, #r.id))),
                    (false, false) => quote!(#r.#id.clone().map(|v| (v, #r.id))),
                };
                let (kr, ko) = (key(quote!(row)), key(quote!(old)));
                idx_put.push(quote! {
                    {
                        let mut t = self.tx.open_table(tables::#it)?;
                        if let ::std::option::Option::Some(old) = old
                            && let ::std::option::Option::Some(k) = #ko
                        {
                            t.remove(&k)?;
                        }
                        if let ::std::option::Option::Some(k) = #kr {
                            t.insert(&k, &())?;
                        }
                    }
                });
                idx_del.push(quote! {
                    if let ::std::option::Option::Some(k) = #kr {
                        self.tx.open_table(tables::#it)?.remove(&k)?;
                    }
                });
            }
        }
        let rdoc = format!("A document of `{}`.", c.name);
        let ndoc = format!(
            "A new document of `{}` (REQUIRED fields are not `Option`s); `id` is assigned when `None`.",
            c.name
        );
        items.push(quote! {
            #[doc = #rdoc]
            #[derive(Clone, Debug, PartialEq)]
            pub struct #row {
                /// The id (the key of the documents table).
                pub id: i64,
                #(#fdefs)*
            }

            #[doc = #ndoc]
            #[derive(Clone, Debug, PartialEq)]
            pub struct #new {
                /// The id, or `None` to take the next free one.
                pub id: ::std::option::Option<i64>,
                #(#ndefs)*
            }

            impl #row {
                fn encode(&self) -> ::std::vec::Vec<u8> {
                    let mut e = #rt::Enc::new();
                    #(#enc)*
                    e.0
                }

                // Whole-row decoding, for the queries that read every field (a query
                // set may have none: reads decode only the fields they use).
                #[allow(dead_code)]
                fn decode(id: i64, bytes: &[u8]) -> ::std::result::Result<Self, #rt::Error> {
                    let mut d = #rt::Dec::new(bytes, #tname);
                    ::std::result::Result::Ok(#row { id, #(#dec)* })
                }
            }
        });
        let (put, del, insert) = (&n.put, &n.del, &n.insert);
        let vec_put = super::vectors::put(c)?;
        let vec_del = super::vectors::del(c);
        let (pt_put, pt_del) = points(c)?;
        let idoc = format!(
            "Inserts a document into `{}`; returns its id. A taken id is an error.",
            c.name
        );
        let cname = &c.name;
        let via_writer = match super::writer::writer_names(c) {
            Some(w) => {
                let open = &w.open;
                let vals: Vec<TokenStream> = c
                    .fields
                    .iter()
                    .map(|f| {
                        let id = field_ident(&f.name)?;
                        Ok(RTy::of_field(f.ty).view(quote!(new.#id), !f.required))
                    })
                    .collect::<Result<_, String>>()?;
                quote! { self.#open()?.put(new.id, #(#vals),*) }
            }
            None => quote! {
                let id = self.take_id(#cname, new.id)?;
                if self.tx.open_table(tables::#table)?.contains(&id)? {
                    return ::std::result::Result::Err(#rt::Error::Constraint(::std::format!("id {} already exists in {}", id, #cname)));
                }
                let row = #row { id, #(#from_new)* };
                self.#put(&row, ::std::option::Option::None)?;
                ::std::result::Result::Ok(id)
            },
        };
        tx_methods.push(quote! {
            #[allow(dead_code, unused_variables)]
            fn #put(&mut self, row: &#row, old: ::std::option::Option<&#row>) -> ::std::result::Result<(), #rt::Error> {
                #(#dims)*
                #pt_put
                self.tx.open_table(tables::#table)?.insert(&row.id, row.encode().as_slice())?;
                #(#idx_put)*
                #(#vec_put)*
                ::std::result::Result::Ok(())
            }

            #[allow(dead_code)]
            fn #del(&mut self, row: &#row) -> ::std::result::Result<(), #rt::Error> {
                self.tx.open_table(tables::#table)?.remove(&row.id)?;
                #pt_del
                #(#idx_del)*
                #(#vec_del)*
                ::std::result::Result::Ok(())
            }

            #[doc = #idoc]
            pub fn #insert(&mut self, new: #new) -> ::std::result::Result<i64, #rt::Error> {
                #via_writer
            }
        });
    }
    let vectors = super::vectors::struct_def(model, rt);
    Ok(quote! {
        #(#items)*

        #vectors

        /// Table definitions.
        mod tables {
            #(#consts)*
            /// The next free id of each collection.
            pub(super) const IDS: #rt::manifold::TableDefinition<'static, str, i64> =
                #rt::manifold::TableDefinition::new("hql.ids");
        }

        /// A database: one manifold file, one column family holding every table.
        pub struct Db {
            db: #rt::manifold::Database,
            cf: #rt::manifold::ColumnFamily,
            migrated: ::std::vec::Vec<#rt::Step>,
            #[allow(dead_code)]
            vectors: Vectors,
            #[allow(dead_code)]
            edges: #rt::EdgeStore,
            /// The points of the time-series collections.
            #[allow(dead_code)]
            series: #rt::SeriesStore,
            /// The embedder of `EMBED(...)` (none until set).
            #[allow(dead_code)]
            embedder: #rt::EmbedSlot,
        }

        impl Db {
            /// The manifold database underneath.
            pub fn database(&self) -> &#rt::manifold::Database {
                &self.db
            }

            /// Starts a write transaction: every write made through it commits
            /// atomically with [`Tx::commit`]; dropping it rolls back.
            pub fn begin(&self) -> ::std::result::Result<Tx<'_>, #rt::Error> {
                ::std::result::Result::Ok(Tx {
                    tx: self.cf.begin_write()?,
                    db: self,
                    new_edge_types: ::std::vec::Vec::new(),
                    next_ids: #rt::NextIds::default(),
                    pending_points: #rt::PendingPoints::default(),
                })
            }
        }

        /// A write transaction over a [`Db`].
        pub struct Tx<'db> {
            tx: #rt::manifold::WriteTransaction,
            #[allow(dead_code)]
            db: &'db Db,
            /// Edge types created by RELATE, cached once the transaction commits.
            #[allow(dead_code)]
            new_edge_types: #rt::NewEdgeTypes,
            /// Ids taken, stored when the transaction commits.
            next_ids: #rt::NextIds,
            /// Points of time-series documents not written yet (written in one batch
            /// before the transaction reads or removes points, and when it commits).
            #[allow(dead_code)]
            pending_points: #rt::PendingPoints,
        }

        impl Tx<'_> {
            /// Commits every write of this transaction atomically.
            pub fn commit(mut self) -> ::std::result::Result<(), #rt::Error> {
                self.db.series.flush(&self.tx, &mut self.pending_points)?;
                {
                    let mut ids = self.tx.open_table(tables::IDS)?;
                    for (collection, next) in self.next_ids.pending() {
                        ids.insert(collection, &next)?;
                    }
                }
                self.tx.commit()?;
                self.db.edges.cache_types(self.new_edge_types);
                ::std::result::Result::Ok(())
            }

            /// Drops every write of this transaction.
            pub fn abort(self) -> ::std::result::Result<(), #rt::Error> {
                self.tx.abort()?;
                ::std::result::Result::Ok(())
            }

            #[allow(dead_code)]
            fn take_id(&mut self, collection: &'static str, given: ::std::option::Option<i64>) -> ::std::result::Result<i64, #rt::Error> {
                let tx = &self.tx;
                self.next_ids.take(collection, given, || {
                    ::std::result::Result::Ok(tx.open_table(tables::IDS)?.get(collection)?)
                })
            }

            #(#tx_methods)*
        }
    })
}
