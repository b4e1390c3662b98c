//! `EMBED(text)` in generated code: the embedder a `Db` was given, called with the
//! text and checked against the dimension of the vector field the result meets.
//!
//! Without the `embed` feature the slot holds nothing and has no methods, and
//! [`require_embed!`](crate::require_embed) (which generated code with an `EMBED`
//! call expands once) is a compile error that says to turn the feature on.

#[cfg(feature = "embed")]
use crate::Error;
#[cfg(feature = "embed")]
use std::sync::Arc;

#[cfg(feature = "embed")]
pub use tessera_bridge::Embedder;

/// The embedder of a generated `Db`, if one was set.
#[derive(Clone, Default)]
pub struct EmbedSlot {
    #[cfg(feature = "embed")]
    embedder: Option<Arc<dyn Embedder>>,
}

impl std::fmt::Debug for EmbedSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        #[cfg(feature = "embed")]
        let set = self.embedder.is_some();
        #[cfg(not(feature = "embed"))]
        let set = false;
        f.debug_struct("EmbedSlot").field("set", &set).finish()
    }
}

#[cfg(feature = "embed")]
impl EmbedSlot {
    /// Uses `embedder` for every later `EMBED(...)`.
    pub fn set(&mut self, embedder: Arc<dyn Embedder>) {
        self.embedder = Some(embedder);
    }

    /// The dense vector of `text`, which must have `dimension` components (the
    /// vector field's).
    pub fn embed(&self, text: &str, dimension: usize) -> Result<Vec<f32>, Error> {
        let e = self
            .embedder
            .as_ref()
            .ok_or_else(|| Error::Embed("no embedder is set (`Db::set_embedder`)".into()))?;
        let v = e
            .embed_one(text)
            .map_err(|err| Error::Embed(err.to_string()))?;
        if v.len() != dimension {
            return Err(Error::Embed(format!(
                "the embedder `{}` gives {} components, the vector field has {dimension}",
                e.info().name,
                v.len()
            )));
        }
        Ok(v)
    }
}

/// Expanded once by generated code that calls `EMBED(...)`: nothing with the `embed`
/// feature, a compile error saying to turn it on without.
///
#[cfg_attr(feature = "embed", doc = "```")]
#[cfg_attr(not(feature = "embed"), doc = "```compile_fail")]
/// hyperql_compile_runtime::require_embed!();
/// ```
#[cfg(feature = "embed")]
#[macro_export]
macro_rules! require_embed {
    () => {};
}

/// Expanded once by generated code that calls `EMBED(...)`: nothing with the `embed`
/// feature, a compile error saying to turn it on without.
///
#[cfg_attr(feature = "embed", doc = "```")]
#[cfg_attr(not(feature = "embed"), doc = "```compile_fail")]
/// hyperql_compile_runtime::require_embed!();
/// ```
#[cfg(not(feature = "embed"))]
#[macro_export]
macro_rules! require_embed {
    () => {
        ::core::compile_error!(
            "a query calls EMBED(...): turn on the `embed` feature of hyperql-compile-runtime (features = [\"embed\"] in Cargo.toml)"
        );
    };
}

#[cfg(all(test, feature = "embed"))]
mod tests {
    use super::*;
    use tessera_bridge::{HashingConfig, HashingEmbedder};

    #[test]
    fn embeds_with_the_embedder_and_checks_the_dimension() -> Result<(), Box<dyn std::error::Error>>
    {
        let e = HashingEmbedder::new(HashingConfig {
            dimension: 16,
            ..HashingConfig::default()
        })?;
        let mut s = EmbedSlot::default();
        s.set(Arc::new(e.clone()));
        let v = s.embed("tick data", 16)?;
        assert_eq!(v, e.embed_one("tick data")?);
        assert!(matches!(s.embed("tick data", 8), Err(Error::Embed(m)) if m.contains("16")));
        assert!(matches!(
            EmbedSlot::default().embed("x", 16),
            Err(Error::Embed(m)) if m.contains("no embedder")
        ));
        Ok(())
    }
}
