//! The property component: a fingerprint of an entity's properties as a point of
//! `H^d`.
//!
//! Each `path = value` pair gives two features, the pair itself (weight 1) and the
//! bare path (weight 1/2, so that entities with the same fields but different values
//! are still somewhat alike). Signed feature hashing adds every feature into
//! `HASHES` coordinates of a vector of `R^d`, each chosen and signed by a fixed
//! 64-bit hash (FNV-1a followed by the SplitMix64 finaliser; never a randomly seeded
//! hasher, so fingerprints are stable across runs and machines). The vector is
//! normalised and sent to the sphere of radius `scale` around the origin, where the
//! hyperbolic distance increases with the angle between the vectors.
//!
//! Equal property sets (in any order, duplicates ignored) give equal points; sets
//! sharing most pairs give vectors of high cosine similarity and so close points.
//! With few dimensions distinct features collide: the fingerprint is a similarity
//! sketch, not an identifier. An empty set (or one whose features cancel out) maps
//! to the origin.

use super::PositioningError;
use super::lorentz::origin;
use super::sphere::{on_sphere, unit};

/// Coordinates each feature is hashed into.
const HASHES: u64 = 3;

/// Hyperbolic radius of the fingerprints (see [`property_fingerprint_scaled`]).
pub const PROPERTY_SCALE: f64 = 2.0;

/// FNV-1a over `parts` separated by a 0xFF byte (which never occurs in UTF-8).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0xFF;
            h = h.wrapping_mul(0x0100_0000_01B3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01B3);
        }
    }
    h
}

fn add_feature(v: &mut [f64], h: u64, weight: f64) {
    let d = v.len() as u64;
    for k in 0..HASHES {
        let z = crate::rng::mix64(h.wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
        let sign = if z >> 63 == 0 { 1.0 } else { -1.0 };
        v[((z & 0xFFFF_FFFF) % d) as usize] += sign * weight;
    }
}

/// The hashed feature vector of `fields` in `R^dim` (before normalisation).
pub fn property_features(
    fields: &[(&str, &str)],
    dim: usize,
) -> Result<Vec<f64>, PositioningError> {
    if dim == 0 {
        return Err(PositioningError::ZeroDimension);
    }
    let mut pairs: Vec<(&str, &str)> = fields.to_vec();
    pairs.sort_unstable();
    pairs.dedup();
    let mut v = vec![0.0; dim];
    let mut paths: Vec<&str> = pairs.iter().map(|p| p.0).collect();
    paths.dedup();
    for (path, value) in &pairs {
        add_feature(&mut v, fnv1a(&["pv", path, value]), 1.0);
    }
    for path in paths {
        add_feature(&mut v, fnv1a(&["p", path]), 0.5);
    }
    Ok(v)
}

/// The fingerprint of `fields` (`(dotted path, canonical value text)` pairs) as a
/// point of `H^dim` at radius [`PROPERTY_SCALE`] (the origin for no fields).
pub fn property_fingerprint(
    fields: &[(&str, &str)],
    dim: usize,
) -> Result<Vec<f64>, PositioningError> {
    property_fingerprint_scaled(fields, dim, PROPERTY_SCALE)
}

/// [`property_fingerprint`] on the sphere of radius `scale`.
pub fn property_fingerprint_scaled(
    fields: &[(&str, &str)],
    dim: usize,
    scale: f64,
) -> Result<Vec<f64>, PositioningError> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(PositioningError::InvalidOption {
            name: "scale",
            reason: "must be finite and positive",
        });
    }
    let v = property_features(fields, dim)?;
    Ok(match unit(&v) {
        Some(u) => on_sphere(&u, scale),
        None => origin(dim),
    })
}
