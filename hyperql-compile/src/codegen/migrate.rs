//! The generated side of schema versions: a module per version (its document struct
//! with its record codec and index upkeep), a step function per pair of neighbouring
//! versions in each direction, the `Migrations` trait whose methods are the lossy
//! steps (each defaults to an error saying why), and `Db::open`, which moves the
//! stored data to the newest version.

use super::names::pascal;
use super::tables::field_ident;
use super::types::RTy;
use crate::schema::{Collection, FieldType};
use crate::versions::{Rename, Version};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// `Db::open` and, with a history, the versions, steps and hooks.
pub(crate) fn generate(history: &[Version], rt: &TokenStream) -> Result<TokenStream, String> {
    let Some(latest) = history.last() else {
        return Ok(quote! {
            impl Db {
                /// Opens (or creates) the database file at `path`. No schema history is
                /// kept: the file must have been written by this schema.
                pub fn open(path: impl ::std::convert::AsRef<::std::path::Path>) -> ::std::result::Result<Db, #rt::Error> {
                    let db = #rt::manifold::Database::open(path)?;
                    let cf = db.column_family_or_create("hyperql")?;
                    let vectors = Vectors::open(&cf)?;
                    let edges = #rt::EdgeStore::open(&cf)?;
                    let series = #rt::SeriesStore::open(&cf)?;
                    ::std::result::Result::Ok(Db { db, cf, migrated: ::std::vec::Vec::new(), vectors, edges, series, embedder: #rt::EmbedSlot::default() })
                }

                /// The migration steps applied when the database was opened (none: no
                /// schema history is kept).
                pub fn migrated(&self) -> &[#rt::Step] {
                    &self.migrated
                }
            }
        });
    };
    let latest_n = latest.number;
    let history = &documents_only(history)?;
    let mut modules = Vec::new();
    for v in history {
        modules.push(version_module(v, rt)?);
    }
    let mut hooks = Vec::new();
    let mut fns = Vec::new();
    let mut ups = Vec::new();
    let mut downs = Vec::new();
    for pair in history.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let inverse: Vec<Rename> = b
            .renamed
            .iter()
            .map(|r| Rename {
                collection: r.collection.clone(),
                from: r.to.clone(),
                to: r.from.clone(),
            })
            .collect();
        for (kind, from, to, renamed, list) in [
            ("upgrade", a, b, &b.renamed, &mut ups),
            ("downgrade", b, a, &inverse, &mut downs),
        ] {
            let name = format!("{kind}_v{}_to_v{}", from.number, to.number);
            let s = step(&name, from, to, renamed, rt)?;
            hooks.extend(s.hooks);
            fns.push(s.function);
            let id = format_ident!("{}", name);
            let (f, t) = (from.number, to.number);
            list.push(quote!(#rt::StepFn { from: #f, to: #t, name: #name, run: #id }));
        }
    }
    Ok(quote! {
        /// The schema versions this code knows, oldest first: a module per version
        /// with its documents as that version stores them.
        pub mod versions {
            /// The newest version: the one this code reads and writes.
            pub const LATEST: u64 = #latest_n;
            #(#modules)*
        }

        /// The steps between versions that cannot be generated (a value the target
        /// version needs and the source does not have, a narrowing, a change of type):
        /// each method converts one document and by default fails with the reason.
        /// Implement the ones your data needs and pass the implementation to
        /// [`Db::open_with`] or [`Db::migrate_to`].
        pub trait Migrations {
            #(#hooks)*
        }

        /// The generated steps only: every lossy step fails with its reason.
        #[derive(Clone, Copy, Debug, Default)]
        pub struct DefaultMigrations;

        impl Migrations for DefaultMigrations {}

        /// One function per step between neighbouring versions, each run in one
        /// write transaction by [`Db::open`] and [`Db::migrate_to`].
        pub mod migrations {
            #(#fns)*

            /// The upgrades and the downgrades, in version order.
            #[allow(clippy::type_complexity)]
            pub(super) fn steps<'m>() -> (
                ::std::vec::Vec<#rt::StepFn<dyn super::Migrations + 'm>>,
                ::std::vec::Vec<#rt::StepFn<dyn super::Migrations + 'm>>,
            ) {
                (::std::vec![#(#ups),*], ::std::vec![#(#downs),*])
            }
        }

        impl Db {
            /// Opens (or creates) the database file at `path` and upgrades its data to
            /// [`versions::LATEST`] with the generated steps (a lossy step fails; see
            /// [`Db::open_with`]). A new file gets the newest version directly; a file of
            /// a newer version than this code knows is `Error::Version`.
            pub fn open(path: impl ::std::convert::AsRef<::std::path::Path>) -> ::std::result::Result<Db, #rt::Error> {
                Self::open_with(path, &DefaultMigrations)
            }

            /// [`Db::open`] with the bodies of lossy steps given by `hooks`.
            pub fn open_with(path: impl ::std::convert::AsRef<::std::path::Path>, hooks: &dyn Migrations) -> ::std::result::Result<Db, #rt::Error> {
                let db = #rt::manifold::Database::open(path)?;
                let cf = db.column_family_or_create("hyperql")?;
                let migrated = Self::move_to(&cf, versions::LATEST, hooks)?;
                let vectors = Vectors::open(&cf)?;
                let edges = #rt::EdgeStore::open(&cf)?;
                let series = #rt::SeriesStore::open(&cf)?;
                ::std::result::Result::Ok(Db { db, cf, migrated, vectors, edges, series, embedder: #rt::EmbedSlot::default() })
            }

            /// Moves the data of the file at `path` to `version` (up or down, one
            /// transaction per step) without opening it for queries, e.g. to hand a
            /// file back to code of an older version. Returns the steps applied.
            pub fn migrate_to(path: impl ::std::convert::AsRef<::std::path::Path>, version: u64, hooks: &dyn Migrations) -> ::std::result::Result<::std::vec::Vec<#rt::Step>, #rt::Error> {
                let db = #rt::manifold::Database::open(path)?;
                let cf = db.column_family_or_create("hyperql")?;
                Self::move_to(&cf, version, hooks)
            }

            fn move_to(cf: &#rt::manifold::ColumnFamily, version: u64, hooks: &dyn Migrations) -> ::std::result::Result<::std::vec::Vec<#rt::Step>, #rt::Error> {
                let fresh = cf.begin_read()?.open_table(tables::IDS)?.is_empty()?;
                let (up, down) = migrations::steps();
                #rt::migrate_to(cf, fresh, versions::LATEST, version, &up, &down, hooks)
            }

            /// The migration steps applied when the database was opened, in order.
            pub fn migrated(&self) -> &[#rt::Step] {
                &self.migrated
            }
        }
    })
}

/// The history with vector fields left out: they live in manifold-vectors tables, not
/// in the documents the steps rewrite, so a step never touches them. A vector field
/// added, removed or changed between two versions would need its table moved too:
/// that step is not generated (an error naming the field).
fn documents_only(history: &[Version]) -> Result<Vec<Version>, String> {
    let vectors = |v: &Version| -> Vec<(String, String, FieldType)> {
        v.model
            .collections
            .iter()
            .flat_map(|c| {
                c.fields
                    .iter()
                    .filter(|f| matches!(f.ty, FieldType::Vector(_)))
                    .map(|f| (c.name.clone(), f.name.clone(), f.ty))
            })
            .collect()
    };
    for pair in history.windows(2) {
        let (a, b) = (vectors(&pair[0]), vectors(&pair[1]));
        let kept = |x: &(String, String, FieldType)| {
            pair[0].model.collection(&x.0).is_some() && pair[1].model.collection(&x.0).is_some()
        };
        let changed = a
            .iter()
            .filter(|x| kept(x))
            .find(|x| !b.contains(x))
            .or_else(|| b.iter().filter(|x| kept(x)).find(|x| !a.contains(x)));
        if let Some((c, f, _)) = changed {
            return Err(format!(
                "versions {} to {}: vector field `{c}.{f}` added, removed or changed; \
                 migrations of vector fields are not generated (vectors live in their \
                 own manifold-vectors table)",
                pair[0].number, pair[1].number
            ));
        }
    }
    Ok(history
        .iter()
        .map(|v| {
            let mut v = v.clone();
            for c in &mut v.model.collections {
                c.fields.retain(|f| !matches!(f.ty, FieldType::Vector(_)));
            }
            v
        })
        .collect())
}

fn version_ident(n: u64) -> Ident {
    format_ident!("v{}", n)
}

fn snake(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn index_name(c: &Collection, field: &str) -> String {
    format!("hql.{}.by.{}", c.name, field)
}

fn indexed(c: &Collection) -> impl Iterator<Item = &crate::schema::Field> {
    c.fields
        .iter()
        .filter(|f| f.indexed && !matches!(f.ty, FieldType::Vector(_)))
}

/// `versions::vN`: a struct per collection, its codec, index upkeep and helpers.
fn version_module(v: &Version, rt: &TokenStream) -> Result<TokenStream, String> {
    let mut items = Vec::new();
    for c in &v.model.collections {
        let ty = format_ident!("{}", pascal(&c.name));
        let tname = format!("hql.{}", c.name);
        let cname = &c.name;
        let (mut defs, mut enc, mut dec, mut idx) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (e, d) = (quote!(e), quote!(d));
        for f in &c.fields {
            let id = field_ident(&f.name)?;
            let r = RTy::of_field(f.ty);
            let owned = r.owned(!f.required);
            let doc = format!(
                "`{}` ({}{}).",
                f.name,
                f.ty.hql_name(),
                if f.required { ", REQUIRED" } else { "" }
            );
            defs.push(quote!(#[doc = #doc] pub #id: #owned,));
            enc.push(r.encode_any(&e, r.view(quote!(self.#id), !f.required), !f.required));
            let get = r.decode(&d);
            dec.push(if f.required {
                quote!(#id: #get,)
            } else {
                quote!(#id: if #d.tag()? { ::std::option::Option::Some(#get) } else { ::std::option::Option::None },)
            });
        }
        for f in indexed(c) {
            let id = field_ident(&f.name)?;
            let kt = RTy::of_field(f.ty).owned(false);
            let iname = index_name(c, &f.name);
            let key = match (f.required, matches!(f.ty, FieldType::String)) {
                (true, false) => quote!(::std::option::Option::Some((self.#id, self.id))),
                (true, true) => quote!(::std::option::Option::Some((self.#id.clone(), self.id))),
                (false, false) => quote!(self.#id.map(|v| (v, self.id))),
                (false, true) => quote!(self.#id.clone().map(|v| (v, self.id))),
            };
            idx.push(quote! {
                if let ::std::option::Option::Some(k) = #key {
                    const T: #rt::manifold::TableDefinition<'static, (#kt, i64), ()> = #rt::manifold::TableDefinition::new(#iname);
                    tx.open_table(T)?.insert(&k, &())?;
                }
            });
        }
        let (insert_args, insert_point) = match &c.time_series {
            None => (quote!(), quote!()),
            Some(_) => {
                let (t, s) = point_of(c, quote!(self))?;
                (
                    quote!(, series: &#rt::SeriesStore),
                    quote! {
                        let mut pending = #rt::PendingPoints::default();
                        series.put(&mut pending, #cname, #s, #t, self.id)?;
                        series.flush(tx, &mut pending)?;
                    },
                )
            }
        };
        let doc = format!(
            "A document of `{}` as version {} stores it.",
            c.name, v.number
        );
        items.push(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            pub struct #ty {
                /// The id.
                pub id: i64,
                #(#defs)*
            }

            impl #ty {
                /// The documents table.
                pub const TABLE: #rt::manifold::TableDefinition<'static, i64, [u8]> = #rt::manifold::TableDefinition::new(#tname);

                /// Decodes a stored record.
                pub fn decode(id: i64, bytes: &[u8]) -> ::std::result::Result<Self, #rt::Error> {
                    let mut d = #rt::Dec::new(bytes, #tname);
                    ::std::result::Result::Ok(#ty { id, #(#dec)* })
                }

                /// Encodes the record.
                pub fn encode(&self) -> ::std::vec::Vec<u8> {
                    let mut e = #rt::Enc::new();
                    #(#enc)*
                    e.0
                }

                /// Adds this document's entries to its index tables.
                pub fn index(&self, tx: &#rt::manifold::WriteTransaction) -> ::std::result::Result<(), #rt::Error> {
                    #(#idx)*
                    let _ = tx;
                    ::std::result::Result::Ok(())
                }

                /// Stores this document (record, index entries, id counter and, in a
                /// time series, its point) as this version does: for tests that write
                /// data of an old version.
                pub fn insert(&self, tx: &#rt::manifold::WriteTransaction #insert_args) -> ::std::result::Result<(), #rt::Error> {
                    tx.open_table(Self::TABLE)?.insert(&self.id, self.encode().as_slice())?;
                    self.index(tx)?;
                    const IDS: #rt::manifold::TableDefinition<'static, str, i64> = #rt::manifold::TableDefinition::new("hql.ids");
                    let mut ids = tx.open_table(IDS)?;
                    if ids.get(#cname)?.unwrap_or(1) <= self.id {
                        ids.insert(#cname, &self.id.saturating_add(1))?;
                    }
                    #insert_point
                    ::std::result::Result::Ok(())
                }

                /// Every document, decoded as this version stores it, in id order.
                pub fn all(cf: &#rt::manifold::ColumnFamily) -> ::std::result::Result<::std::vec::Vec<Self>, #rt::Error> {
                    let rtx = cf.begin_read()?;
                    let t = rtx.open_table(Self::TABLE)?;
                    let mut out = ::std::vec::Vec::new();
                    for entry in t.iter()? {
                        let (id, bytes) = entry?;
                        out.push(Self::decode(id, bytes.as_slice())?);
                    }
                    ::std::result::Result::Ok(out)
                }
            }
        });
    }
    let m = version_ident(v.number);
    let doc = format!("Version {} of the schema.", v.number);
    Ok(quote! {
        #[doc = #doc]
        pub mod #m {
            #(#items)*
        }
    })
}

/// Where a field of the target version gets its value from.
enum Source<'a> {
    /// The source field (with a conversion of Int to Float when `widen`).
    From(&'a crate::schema::Field, bool),
    /// None: the target field is nullable.
    Null,
}

/// The field mapping of one collection from `a` to `b`, or why it cannot be generated.
fn mapping<'a>(
    a: &'a Collection,
    b: &Collection,
    renamed: &[Rename],
) -> Result<Vec<Source<'a>>, Vec<String>> {
    let mut out = Vec::new();
    let mut why = Vec::new();
    for f in &b.fields {
        let src = renamed
            .iter()
            .find(|r| r.collection == b.name && r.to == f.name)
            .map_or(f.name.as_str(), |r| r.from.as_str());
        let renamed_away = renamed
            .iter()
            .any(|r| r.collection == b.name && r.from == f.name);
        let what = format!("`{}.{}`", b.name, f.name);
        match a.field(src).filter(|_| !renamed_away || src != f.name) {
            None if !f.required => out.push(Source::Null),
            None => why.push(format!(
                "{what} is REQUIRED and the source version has no value for it"
            )),
            Some(s) => match (s.ty, f.ty) {
                (x, y) if x == y => out.push(Source::From(s, false)),
                (FieldType::Int, FieldType::Timestamp) | (FieldType::Timestamp, FieldType::Int) => {
                    out.push(Source::From(s, false))
                }
                (FieldType::Int, FieldType::Float) => out.push(Source::From(s, true)),
                (FieldType::Float, FieldType::Int) => {
                    why.push(format!("{what} narrows Float to Int"))
                }
                (x, y) => why.push(format!(
                    "{what} changes type from {} to {}",
                    x.hql_name(),
                    y.hql_name()
                )),
            },
        }
    }
    if why.is_empty() { Ok(out) } else { Err(why) }
}

/// The time and the series name (`""` without a series field) of the point of
/// document `r` of the time-series collection `c`.
fn point_of(c: &Collection, r: TokenStream) -> Result<(TokenStream, TokenStream), String> {
    let Some(spec) = &c.time_series else {
        return Err(format!("`{}` is not a time series", c.name));
    };
    let t = field_ident(&spec.time)?;
    let s = match &spec.series {
        Some(s) => {
            let s = field_ident(s)?;
            quote!(#r.#s.as_str())
        }
        None => quote!(""),
    };
    Ok((quote!(#r.#t), s))
}

struct StepCode {
    hooks: Vec<TokenStream>,
    function: TokenStream,
}

fn step(
    name: &str,
    a: &Version,
    b: &Version,
    renamed: &[Rename],
    rt: &TokenStream,
) -> Result<StepCode, String> {
    let (va, vb) = (version_ident(a.number), version_ident(b.number));
    let mut hooks = Vec::new();
    let mut body = Vec::new();
    let mut summary = Vec::new();
    for c in &a.model.collections {
        if b.model.collection(&c.name).is_some() {
            continue;
        }
        summary.push(format!("drops the collection `{}`", c.name));
        let tname = format!("hql.{}", c.name);
        let idx: Vec<String> = indexed(c).map(|f| index_name(c, &f.name)).collect();
        let cname = &c.name;
        let points = match c.time_series {
            Some(_) => quote!(series.clear(tx, #cname)?;),
            None => quote!(),
        };
        body.push(quote! {
            #points
            tx.delete_table(#tname)?;
            #(tx.delete_table(#idx)?;)*
            {
                const IDS: #rt::manifold::TableDefinition<'static, str, i64> = #rt::manifold::TableDefinition::new("hql.ids");
                tx.open_table(IDS)?.remove(#cname)?;
            }
        });
    }
    for cb in &b.model.collections {
        let Some(ca) = a.model.collection(&cb.name) else {
            summary.push(format!("adds the collection `{}` (empty)", cb.name));
            continue;
        };
        let rn: Vec<Rename> = renamed
            .iter()
            .filter(|r| r.collection == cb.name)
            .cloned()
            .collect();
        if ca.fields == cb.fields && rn.is_empty() && ca.time_series == cb.time_series {
            continue;
        }
        let ty = format_ident!("{}", pascal(&cb.name));
        let convert = match mapping(ca, cb, &rn) {
            Ok(sources) => {
                summary.push(format!("rewrites `{}` (generated)", cb.name));
                let mut inits = Vec::new();
                for (f, s) in cb.fields.iter().zip(sources) {
                    let id = field_ident(&f.name)?;
                    let v = match s {
                        Source::Null => quote!(::std::option::Option::None),
                        Source::From(src, widen) => {
                            let sid = field_ident(&src.name)?;
                            let mut v = quote!(old.#sid);
                            if widen {
                                v = if src.required {
                                    quote!((#v as f64))
                                } else {
                                    quote!(#v.map(|x| x as f64))
                                };
                            }
                            match (src.required, f.required) {
                                (true, false) => quote!(::std::option::Option::Some(#v)),
                                (false, true) => {
                                    let reason = format!(
                                        "`{}.{}` is NULL in document {{}} and version {} requires it",
                                        cb.name, src.name, b.number
                                    );
                                    quote! {
                                        match #v {
                                            ::std::option::Option::Some(x) => x,
                                            ::std::option::Option::None => return ::std::result::Result::Err(#rt::Error::Migration { step: #name, reason: ::std::format!(#reason, old.id) }),
                                        }
                                    }
                                }
                                _ => v,
                            }
                        }
                    };
                    inits.push(quote!(#id: #v,));
                }
                quote!(super::versions::#vb::#ty { id: old.id, #(#inits)* })
            }
            Err(why) => {
                let hook = format_ident!("{}_{}", name, snake(&cb.name));
                summary.push(format!("rewrites `{}` with `Migrations::{hook}`", cb.name));
                let reason = format!("{}; implement `Migrations::{hook}`", why.join("; "));
                let doc = format!(
                    "`{name}` of one `{}` document, which cannot be generated: {}.",
                    cb.name,
                    why.join("; ")
                );
                hooks.push(quote! {
                    #[doc = #doc]
                    fn #hook(&self, old: versions::#va::#ty) -> ::std::result::Result<versions::#vb::#ty, #rt::Error> {
                        let _ = old;
                        ::std::result::Result::Err(#rt::Error::Migration { step: #name, reason: ::std::string::String::from(#reason) })
                    }
                });
                quote!(hooks.#hook(old)?)
            }
        };
        let old_idx: Vec<String> = indexed(ca).map(|f| index_name(ca, &f.name)).collect();
        // The points of a time series are rebuilt from the rewritten documents: the
        // time or series field may have been renamed, converted or declared anew.
        let (clear, put, flush) = match (&ca.time_series, &cb.time_series) {
            (None, None) => (quote!(), quote!(), quote!()),
            (_, spec) => {
                let cname = &cb.name;
                let clear = quote!(series.clear(tx, #cname)?;);
                match spec {
                    None => (clear, quote!(), quote!()),
                    Some(_) => {
                        let (t, s) = point_of(cb, quote!(new))?;
                        let fail = quote!(|e| #rt::Error::Migration { step: #name, reason: ::std::string::ToString::to_string(&e) });
                        (
                            quote!(#clear let mut pending = #rt::PendingPoints::default();),
                            quote!(series.put(&mut pending, #cname, #s, #t, new.id).map_err(#fail)?;),
                            quote!(series.flush(tx, &mut pending).map_err(#fail)?;),
                        )
                    }
                }
            }
        };
        body.push(quote! {
            #(tx.delete_table(#old_idx)?;)*
            #clear
            #rt::rewrite_docs(tx, super::versions::#va::#ty::TABLE, |id, bytes| {
                let old = super::versions::#va::#ty::decode(id, bytes)?;
                let new = #convert;
                new.index(tx)?;
                #put
                ::std::result::Result::Ok(new.encode())
            })?;
            #flush
        });
    }
    if summary.is_empty() {
        summary.push("changes nothing stored".into());
    }
    let doc = format!(
        "Version {} to {}: {}.",
        a.number,
        b.number,
        summary.join(", ")
    );
    let id = format_ident!("{}", name);
    Ok(StepCode {
        hooks,
        function: quote! {
            #[doc = #doc]
            #[allow(unused_variables, clippy::redundant_field_names)]
            pub fn #id(tx: &#rt::manifold::WriteTransaction, series: &#rt::SeriesStore, hooks: &dyn super::Migrations) -> ::std::result::Result<(), #rt::Error> {
                #(#body)*
                ::std::result::Result::Ok(())
            }
        },
    })
}

/// A test file with one skeleton per step (each `todo!()` is for the user to fill in):
/// write documents as the source version stores them, run the step, compare with the
/// documents as the target version should hold them. `None` with fewer than two
/// versions.
pub(crate) fn test_skeletons(history: &[Version], crate_name: &str) -> Option<String> {
    if history.len() < 2 {
        return None;
    }
    let krate = snake(crate_name);
    let mut out = format!(
        "//! Tests of the migration steps of `{krate}`, generated by hyperql-compile as skeletons:\n\
         //! copy this file into the crate's tests, then replace every `todo!()` with documents\n\
         //! of the source version and what the target version should hold.\n\n\
         use {krate}::{{DefaultMigrations, Db, versions}};\n\n\
         type R = Result<(), Box<dyn std::error::Error>>;\n"
    );
    for pair in history.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        for (kind, from, to) in [("upgrade", a, b), ("downgrade", b, a)] {
            let name = format!("{kind}_v{}_to_v{}", from.number, to.number);
            out.push_str(&format!(
                "\n/// `{name}`.\n#[test]\nfn {name}() -> R {{\n    \
                 let dir = tempfile::tempdir()?;\n    \
                 let path = dir.path().join(\"db.manifold\");\n    \
                 Db::migrate_to(&path, {f}, &DefaultMigrations)?;\n    {{\n        \
                 let db = hyperql_compile_runtime::manifold::Database::open(&path)?;\n        \
                 let cf = db.column_family_or_create(\"hyperql\")?;\n{series}        \
                 let tx = cf.begin_write()?;\n",
                f = from.number,
                series = if from
                    .model
                    .collections
                    .iter()
                    .any(|c| c.time_series.is_some())
                {
                    "        let series = hyperql_compile_runtime::SeriesStore::open(&cf)?;\n"
                } else {
                    ""
                }
            ));
            for c in &from.model.collections {
                out.push_str(&format!(
                    "        let docs: Vec<versions::v{f}::{t}> = todo!(\"documents of `{c}` as version {f} stores them\");\n        \
                     for d in &docs {{\n            d.insert(&tx{s})?;\n        }}\n",
                    f = from.number,
                    t = pascal(&c.name),
                    c = c.name,
                    s = if c.time_series.is_some() { ", &series" } else { "" }
                ));
            }
            out.push_str(&format!(
                "        tx.commit()?;\n    }}\n    \
                 let steps = Db::migrate_to(&path, {t}, &DefaultMigrations)?;\n    \
                 assert_eq!(steps.len(), 1);\n    \
                 let db = hyperql_compile_runtime::manifold::Database::open(&path)?;\n    \
                 let cf = db.column_family_or_create(\"hyperql\")?;\n",
                t = to.number
            ));
            for c in &to.model.collections {
                out.push_str(&format!(
                    "    let expected: Vec<versions::v{t}::{ty}> = todo!(\"documents of `{c}` as version {t} should hold them\");\n    \
                     assert_eq!(versions::v{t}::{ty}::all(&cf)?, expected);\n",
                    t = to.number,
                    ty = pascal(&c.name),
                    c = c.name
                ));
            }
            out.push_str("    Ok(())\n}\n");
        }
    }
    Some(out)
}
