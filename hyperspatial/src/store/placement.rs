//! [`Placement`], the stored record of an entity's place in hyperbolic space (table `pos`
//! of the column family `positions`): up to three components (graph, embedding, property) and the combined
//! point used for indexing, each as hyperboloid coordinates (`dim + 1` f64), and its
//! byte encoding. How the components are computed is in `place_components` (one
//! entity) and `place_batch` (a write batch).

use super::codec::CodecError;

/// The stored position record of an entity.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Placement {
    /// From the entity's edges.
    pub graph: Option<Vec<f64>>,
    /// From a named vector of the entity.
    pub embedding: Option<Vec<f64>>,
    /// From the entity's property fingerprint.
    pub property: Option<Vec<f64>>,
    /// The weighted combination of the present components (what `position` means).
    pub combined: Vec<f64>,
}

impl Placement {
    /// The value `position` reads as: the combined point's hyperboloid coordinates as
    /// an array of f64 floats (full precision: points far from the origin need it to
    /// keep their neighbours apart), `None` when there is none.
    pub fn position_value(&self) -> Option<hyperql::Value> {
        (!self.combined.is_empty()).then(|| {
            hyperql::Value::Array(std::sync::Arc::new(
                self.combined
                    .iter()
                    .map(|&x| hyperql::Value::Float(x))
                    .collect(),
            ))
        })
    }

    /// Encodes: flags, coordinate count, then the present components and the combined
    /// point as little-endian f64.
    pub fn encode(&self) -> Vec<u8> {
        let n = self.combined.len();
        let mut out = Vec::with_capacity(3 + 8 * n * 4);
        let flags = u8::from(self.graph.is_some())
            | u8::from(self.embedding.is_some()) << 1
            | u8::from(self.property.is_some()) << 2;
        out.push(flags);
        out.extend_from_slice(&u16::try_from(n).unwrap_or(u16::MAX).to_le_bytes());
        for c in [&self.graph, &self.embedding, &self.property]
            .into_iter()
            .flatten()
        {
            for x in c {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        for x in &self.combined {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out
    }

    /// Decodes a record written by [`Placement::encode`].
    pub fn decode(b: &[u8]) -> Result<Placement, CodecError> {
        let bad = || CodecError(format!("placement record of {} bytes", b.len()));
        if b.len() < 3 {
            return Err(bad());
        }
        let flags = b[0];
        let n = u16::from_le_bytes([b[1], b[2]]) as usize;
        let parts = (flags & 7).count_ones() as usize + 1;
        if flags > 7 || b.len() != 3 + parts * n * 8 {
            return Err(bad());
        }
        let mut chunks = b[3..].chunks_exact(8 * n.max(1)).take(parts);
        let mut next = || -> Vec<f64> {
            chunks.next().map_or_else(Vec::new, |c| {
                c.chunks_exact(8)
                    .map(|x| f64::from_le_bytes([x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]]))
                    .collect()
            })
        };
        let graph = (flags & 1 != 0).then(&mut next);
        let embedding = (flags & 2 != 0).then(&mut next);
        let property = (flags & 4 != 0).then(&mut next);
        let combined = next();
        Ok(Placement {
            graph,
            embedding,
            property,
            combined,
        })
    }
}
