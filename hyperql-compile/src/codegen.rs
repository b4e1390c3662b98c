//! Rust code from the schema model and the planned queries, built with `quote` and
//! formatted with `prettyplease`.

mod access;
mod embed;
mod expr;
mod knn;
mod limit;
pub(crate) mod migrate;
mod names;
mod select;
mod tables;
mod traverse;
mod types;
mod vectors;
mod write;
mod writer;

use crate::analyze::Query;
use crate::schema::Model;
use expr::Exprs;
use hyperql::{BExpr, BinaryOp, Plan, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// One generated item of a query that failed: the query and the construct.
pub(crate) struct Unsupported {
    pub query: usize,
    pub what: String,
}

/// Gives an untyped parameter compared with a typed field the field's type (`id =
/// $id`: hyperql leaves `$id` untyped because `id` is a system field).
fn refine(plan: &Plan, model: &Model, params: &mut BTreeMap<String, Type>) {
    let coll = find_collection(plan).and_then(|c| model.collection(c));
    let mut visit = |e: &BExpr| {
        e.walk(&mut |x| {
            let pair = match x {
                BExpr::Binary(op, a, b) if !matches!(op, BinaryOp::And | BinaryOp::Or) => {
                    Some((&**a, &**b))
                }
                _ => None,
            };
            let Some((a, b)) = pair else { return };
            for (f, p) in [(a, b), (b, a)] {
                if let (BExpr::Field(0, path), BExpr::Param(name)) = (f, p)
                    && params.get(name).is_none_or(|t| *t == Type::Any)
                    && let [field] = path.as_slice()
                {
                    let ty = if field == "id" {
                        Some(Type::Int)
                    } else {
                        coll.and_then(|c| c.field(field)).map(|f| {
                            match types::RTy::of_field(f.ty) {
                                types::RTy::Str => Type::String,
                                types::RTy::Float => Type::Float,
                                types::RTy::Bool => Type::Bool,
                                types::RTy::Ts => Type::Timestamp,
                                types::RTy::Vector(n) => Type::Vector(n),
                                _ => Type::Int,
                            }
                        })
                    };
                    if let Some(t) = ty {
                        params.insert(name.clone(), t);
                    }
                }
            }
        })
    };
    walk_plan(plan, &mut visit);
    knn::refine_params(plan, coll, params);
    traverse::refine_params(plan, params);
}

fn find_collection(plan: &Plan) -> Option<&str> {
    match plan {
        Plan::Scan { collection, .. } => Some(collection),
        p => p.children().into_iter().find_map(find_collection),
    }
}

fn walk_plan(plan: &Plan, f: &mut dyn FnMut(&BExpr)) {
    match plan {
        Plan::Filter { predicate, .. } => f(predicate),
        Plan::Update { assignments, .. } => assignments.iter().for_each(|(_, e)| f(e)),
        Plan::Limit { limit, offset, .. } => limit.iter().chain(offset.iter()).for_each(&mut *f),
        _ => {}
    }
    for c in plan.children() {
        walk_plan(c, f);
    }
}

/// Generates the module: storage, then one function per query.
pub(crate) fn generate(
    model: &Model,
    queries: &[Query],
    rt: &TokenStream,
) -> Result<TokenStream, Vec<Unsupported>> {
    let storage = tables::storage(model, rt).map_err(|what| {
        vec![Unsupported {
            query: usize::MAX,
            what,
        }]
    })?;
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut inserts: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
    let mut embeds = false;
    for (qi, q) in queries.iter().enumerate() {
        let mut params = q.params.clone();
        refine(&q.plan, model, &mut params);
        let x = Exprs {
            rt: rt.clone(),
            params: &params,
            embeds: std::cell::Cell::new(false),
        };
        let item = query(&x, model, q);
        embeds |= x.embeds.get();
        match item {
            Ok(Item::Read(row, f)) => {
                rows.push(row);
                reads.push(f);
            }
            Ok(Item::Write(f)) => writes.push(f),
            Ok(Item::Insert {
                collection,
                tx,
                writer,
            }) => {
                writes.push(tx);
                inserts.entry(collection).or_default().push(writer);
            }
            Err(what) => errors.push(Unsupported { query: qi, what }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut writer_items = Vec::new();
    let mut writer_opens = Vec::new();
    for c in &model.collections {
        let qs = inserts.get(&c.name).map(Vec::as_slice).unwrap_or_default();
        let w = writer::writer(c, rt, qs).map_err(|what| {
            vec![Unsupported {
                query: usize::MAX,
                what,
            }]
        })?;
        if let Some((item, open)) = w {
            writer_items.push(item);
            writer_opens.push(open);
        }
    }
    let opens = if writer_opens.is_empty() {
        quote!()
    } else {
        quote! { impl Tx<'_> { #(#writer_opens)* } }
    };
    let embed_api = if embeds { embed::api(rt) } else { quote!() };
    Ok(quote! {
        #storage
        #embed_api
        #(#writer_items)*
        #opens
        #(#rows)*
        // Conditions are parenthesized where they are built; some end up where the
        // parentheses are not needed.
        #[allow(
            unused_parens,
            clippy::double_parens,
            clippy::type_complexity,
            clippy::redundant_closure,
            clippy::nonminimal_bool,
            clippy::needless_question_mark
        )]
        impl Db {
            #(#reads)*
        }
        #[allow(
            unused_parens,
            clippy::double_parens,
            clippy::type_complexity,
            clippy::redundant_closure,
            clippy::nonminimal_bool,
            clippy::needless_question_mark
        )]
        impl Tx<'_> {
            #(#writes)*
        }
    })
}

enum Item {
    Read(TokenStream, TokenStream),
    Write(TokenStream),
    /// An INSERT into a collection with a writer: its `Tx` method and its writer's.
    Insert {
        collection: String,
        tx: TokenStream,
        writer: TokenStream,
    },
}

fn query(x: &Exprs<'_>, model: &Model, q: &Query) -> expr::R<Item> {
    let fname = names::ident(&q.name)
        .filter(|i| !i.to_string().starts_with("r#"))
        .ok_or_else(|| format!("the query name `{}` (not a Rust identifier)", q.name))?;
    match &q.plan {
        Plan::Subscribe { .. } => return Err("SUBSCRIBE".into()),
        Plan::Explain { .. } => return Err("EXPLAIN".into()),
        _ => {}
    }
    let mut args = Vec::new();
    for p in &q.param_order {
        let (id, ty) = x.param_arg(p)?;
        args.push(quote!(#id: #ty));
    }
    let rt = &x.rt;
    match &q.plan {
        Plan::Insert {
            collection,
            entity: None,
            docs,
            input: None,
            on_conflict: None,
        } => {
            let doc = format!("`{}`: an INSERT into `{collection}`.", q.name);
            let w = model.collection(collection).and_then(writer::writer_names);
            let Some(w) = w else {
                let (ret, body) = write::insert(x, model, collection, docs, false)?;
                return Ok(Item::Write(quote! {
                    #[doc = #doc]
                    pub fn #fname(&mut self, #(#args),*) -> ::std::result::Result<#ret, #rt::Error> { #body }
                }));
            };
            let (ret, body) = write::insert(x, model, collection, docs, true)?;
            let open = &w.open;
            let names: Vec<TokenStream> = q
                .param_order
                .iter()
                .map(|p| x.param_arg(p).map(|(id, _)| quote!(#id)))
                .collect::<Result<_, _>>()?;
            let tdoc = format!(
                "`{}`: an INSERT into `{collection}` (for many, open [`Tx::{open}`] once and call its `{}`).",
                q.name, q.name
            );
            Ok(Item::Insert {
                collection: collection.clone(),
                tx: quote! {
                    #[doc = #tdoc]
                    pub fn #fname(&mut self, #(#args),*) -> ::std::result::Result<#ret, #rt::Error> {
                        self.#open()?.#fname(#(#names),*)
                    }
                },
                writer: quote! {
                    #[doc = #doc]
                    pub fn #fname(&mut self, #(#args),*) -> ::std::result::Result<#ret, #rt::Error> { #body }
                },
            })
        }
        Plan::Update {
            input,
            collection,
            assignments,
        } => {
            let body = write::update(x, model, input, assignments)?;
            let doc = format!(
                "`{}`: an UPDATE of `{collection}`; returns how many documents changed.",
                q.name
            );
            Ok(Item::Write(quote! {
                #[doc = #doc]
                pub fn #fname(&mut self, #(#args),*) -> ::std::result::Result<u64, #rt::Error> { #body }
            }))
        }
        Plan::Delete { input, collection } => {
            let body = write::delete(x, model, input)?;
            let doc = format!(
                "`{}`: a DELETE from `{collection}`; returns how many documents were deleted.",
                q.name
            );
            Ok(Item::Write(quote! {
                #[doc = #doc]
                pub fn #fname(&mut self, #(#args),*) -> ::std::result::Result<u64, #rt::Error> { #body }
            }))
        }
        Plan::Relate {
            from,
            to,
            label,
            props,
        } => {
            let body = traverse::relate(x, from, to, label, props)?;
            let doc = format!("`{}`: a RELATE (an edge `{label}`); returns 1.", q.name);
            Ok(Item::Write(quote! {
                #[doc = #doc]
                pub fn #fname(&mut self, #(#args),*) -> ::std::result::Result<u64, #rt::Error> { #body }
            }))
        }
        Plan::Insert { input: Some(_), .. } => Err("INSERT .. SELECT".into()),
        Plan::Insert {
            on_conflict: Some(_),
            ..
        } => Err("INSERT .. ON CONFLICT or UPSERT".into()),
        Plan::Insert { .. } => Err("INSERT into an entity type".into()),
        plan => {
            let row_ty = format_ident!("{}Row", names::pascal(&q.name));
            let r = select::read(x, model, plan, row_ty)?;
            let (row_ty, body, table) = (&r.row_ty, &r.body, &r.table);
            let doc = format!("`{}` (reads by {}).", q.name, r.access);
            Ok(Item::Read(
                r.row,
                quote! {
                    #[doc = #doc]
                    pub fn #fname(&self, #(#args),*) -> ::std::result::Result<::std::vec::Vec<#row_ty>, #rt::Error> {
                        let rtx = self.cf.begin_read()?;
                        let docs = rtx.open_table(tables::#table)?;
                        #body
                    }
                },
            ))
        }
    }
}
