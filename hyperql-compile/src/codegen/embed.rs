//! `EMBED(text)`: the dense vector of a text from the embedder the generated `Db` was
//! given (hyperql-compile-runtime's `embed` feature, tessera-bridge's `Embedder`).
//!
//! It compiles where the vector field it meets is known, so that its length is
//! checked against the field's dimension when it runs: the query vector of a k-NN
//! (`ORDER BY SIMILARITY(v, EMBED($q)) DESC LIMIT k`) and the value of a vector
//! field in an INSERT. The model runs once per call of the generated function (the
//! interpreted engine also embeds a constant text once per statement).

use super::expr::{Exprs, R};
use super::types::RTy;
use hyperql::BExpr;
use proc_macro2::TokenStream;
use quote::quote;

/// Whether `e` is a call of `EMBED`.
pub(crate) fn is_embed(e: &BExpr) -> bool {
    matches!(e, BExpr::External(f, _) if f.0.name().eq_ignore_ascii_case("EMBED"))
}

impl Exprs<'_> {
    /// `e` as an owned `Vec<f32>` of `dimension` components, if it is an `EMBED`
    /// call (code reading the embedder through `self.embedder()`, on `Db` and `Tx`).
    pub(crate) fn embed(&self, e: &BExpr, dimension: usize) -> R<Option<TokenStream>> {
        let BExpr::External(_, args) = e else {
            return Ok(None);
        };
        if !is_embed(e) {
            return Ok(None);
        }
        let [text] = args.as_slice() else {
            return Err("EMBED with a model name (a compiled `Db` has one embedder)".into());
        };
        let t = self.expr(text, &[])?;
        if t.ty != RTy::Str || t.nullable {
            return Err("EMBED of a value that is not a text, or may be NULL".into());
        }
        self.embeds.set(true);
        let ts = &t.ts;
        Ok(Some(quote!(self.embedder().embed(#ts, #dimension)?)))
    }
}

/// The embedder API of `Db` and `Tx`, generated when a query calls `EMBED`; it
/// expands the runtime's `require_embed!`, a compile error without its `embed`
/// feature.
pub(crate) fn api(rt: &TokenStream) -> TokenStream {
    quote! {
        #rt::require_embed!();

        impl Db {
            /// Sets the embedder `EMBED(...)` calls (for example tessera-bridge's
            /// `HashingEmbedder` or `SentenceEmbedder`); its vectors must have the
            /// dimension of the vector fields they are compared with or stored in.
            pub fn set_embedder(&mut self, embedder: ::std::sync::Arc<dyn #rt::Embedder>) {
                self.embedder.set(embedder);
            }

            fn embedder(&self) -> &#rt::EmbedSlot {
                &self.embedder
            }
        }

        impl Tx<'_> {
            fn embedder(&self) -> &#rt::EmbedSlot {
                &self.db.embedder
            }
        }
    }
}
