//! Vector fields on manifold-vectors: one dense table per `Embedding(n)` field
//! (`hql.<collection>.vec.<field>`, keyed by the document's id), opened once by
//! `Db::open` into the `Vectors` struct. Documents do not hold their vectors: a read
//! loads the vector fields its query uses, an UPDATE loads them all (it rewrites the
//! document), and `put`/`del` keep the tables in step with the documents.

use super::names::ident;
use crate::schema::{Collection, Model};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The vector fields of `c`: (name, dimension, required).
pub(crate) fn fields(c: &Collection) -> Vec<(&str, usize, bool)> {
    c.fields
        .iter()
        .filter_map(|f| match f.ty {
            crate::schema::FieldType::Vector(n) => Some((f.name.as_str(), n, f.required)),
            _ => None,
        })
        .collect()
}

fn snake(s: &str) -> String {
    s.chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The `Vectors` field holding the table of `coll.field`.
pub(crate) fn column(coll: &str, field: &str) -> Ident {
    format_ident!("{}__{}", snake(coll), snake(field))
}

/// The local holding a read snapshot of `coll.field`'s table.
pub(crate) fn snapshot_var(field: &str) -> Ident {
    format_ident!("vec_{}", snake(field))
}

/// The `Vectors` struct and its `open`.
pub(crate) fn struct_def(model: &Model, rt: &TokenStream) -> TokenStream {
    let mut defs = Vec::new();
    let mut opens = Vec::new();
    for c in &model.collections {
        for (f, n, _) in fields(c) {
            let col = column(&c.name, f);
            let name = format!("hql.{}.vec.{f}", c.name);
            let doc = format!("The vectors of `{}.{f}` ({n} dimensions).", c.name);
            defs.push(quote!(#[doc = #doc] #col: #rt::VectorColumn,));
            opens.push(quote!(#col: #rt::VectorColumn::open(cf, #name, #n)?,));
        }
    }
    quote! {
        /// The vector tables of the vector fields (manifold-vectors), one per field.
        #[allow(non_snake_case, dead_code)]
        struct Vectors {
            #(#defs)*
        }

        impl Vectors {
            fn open(cf: &#rt::manifold::ColumnFamily) -> ::std::result::Result<Vectors, #rt::Error> {
                let _ = cf;
                ::std::result::Result::Ok(Vectors { #(#opens)* })
            }
        }
    }
}

/// Statements of `put` (in `Tx`, the new document in `row`): store every vector field.
pub(crate) fn put(c: &Collection) -> Result<Vec<TokenStream>, String> {
    fields(c)
        .into_iter()
        .map(|(f, _, required)| {
            let col = column(&c.name, f);
            let id = ident(f).ok_or_else(|| format!("field name `{f}`"))?;
            let v = if required {
                quote!(::std::option::Option::Some(row.#id.as_slice()))
            } else {
                quote!(row.#id.as_deref())
            };
            Ok(quote!(self.db.vectors.#col.put_in(&self.tx, row.id, #v)?;))
        })
        .collect()
}

/// Statements of `del`: remove every vector of `row`.
pub(crate) fn del(c: &Collection) -> Vec<TokenStream> {
    fields(c)
        .into_iter()
        .map(|(f, _, _)| {
            let col = column(&c.name, f);
            quote!(self.db.vectors.#col.remove_in(&self.tx, row.id)?;)
        })
        .collect()
}

/// Loading of the vector fields `used` of documents of `c` in a read: (statements
/// before the loop, with `rtx` the read transaction; statements after `d` is decoded).
pub(crate) fn load_read(
    c: &Collection,
    used: &[String],
    rt: &TokenStream,
) -> Result<(TokenStream, TokenStream), String> {
    let mut open = Vec::new();
    let mut load = Vec::new();
    for (f, _, required) in fields(c) {
        if !used.iter().any(|u| u == f) {
            continue;
        }
        let (col, var) = (column(&c.name, f), snapshot_var(f));
        let id = ident(f).ok_or_else(|| format!("field name `{f}`"))?;
        open.push(quote!(let #var = self.vectors.#col.snapshot(&rtx)?;));
        load.push(assign(c, f, &id, required, quote!(#var.get(d.id)?), rt));
    }
    Ok((quote!(#(#open)*), quote!(#(#load)*)))
}

/// Loading every vector field of `d` inside the write transaction.
pub(crate) fn load_write(c: &Collection, rt: &TokenStream) -> Result<TokenStream, String> {
    let mut load = Vec::new();
    for (f, _, required) in fields(c) {
        let col = column(&c.name, f);
        let id = ident(f).ok_or_else(|| format!("field name `{f}`"))?;
        load.push(assign(
            c,
            f,
            &id,
            required,
            quote!(self.db.vectors.#col.get_in(&self.tx, d.id)?),
            rt,
        ));
    }
    Ok(quote!(#(#load)*))
}

fn assign(
    c: &Collection,
    f: &str,
    id: &Ident,
    required: bool,
    get: TokenStream,
    rt: &TokenStream,
) -> TokenStream {
    if required {
        let table = format!("hql.{}.vec.{f}", c.name);
        quote! {
            d.#id = #get.ok_or_else(|| #rt::Error::Corrupt {
                table: #table,
                detail: ::std::format!("document {} has no vector for a REQUIRED field", d.id),
            })?;
        }
    } else {
        quote!(d.#id = #get;)
    }
}

/// The single-segment field names of collection column 0 that `e` reads.
pub(crate) fn used_fields(e: &hyperql::BExpr, out: &mut Vec<String>) {
    e.walk(&mut |x| {
        if let hyperql::BExpr::Field(0, p) = x
            && let Some(first) = p.first()
            && !out.contains(first)
        {
            out.push(first.clone());
        }
    });
}
