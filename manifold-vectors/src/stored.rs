//! Views over stored bytes (no copy) and the encodings they read.
//!
//! Layouts (all little-endian, no header, no alignment assumed):
//! - dense vector: `DIM` f32, `4 * DIM` bytes;
//! - quantized vector: f32 scale, then `DIM` i8 codes; component `i` is
//!   `codes[i] * scale`;
//! - multi-vector: `n * DIM` f32, token after token.

use crate::error::VectorError;
use crate::kernel::{Lanes, Metric, simd};
use wide::{f32x8, i32x8};

/// A dense vector borrowed from the stored bytes: distances read the bytes in place.
#[derive(Clone, Copy, Debug)]
pub struct VectorRef<'a> {
    bytes: &'a [u8],
}

impl<'a> VectorRef<'a> {
    /// A vector of no components.
    pub const EMPTY: VectorRef<'a> = VectorRef { bytes: &[] };

    /// A view over `bytes`, whose length must be a multiple of 4.
    pub fn new(bytes: &'a [u8]) -> Result<Self, VectorError> {
        if !bytes.len().is_multiple_of(4) {
            return Err(VectorError::Corrupt(format!(
                "{} bytes is not a whole number of f32",
                bytes.len()
            )));
        }
        Ok(VectorRef { bytes })
    }

    /// The stored bytes.
    pub fn bytes(self) -> &'a [u8] {
        self.bytes
    }

    /// Number of components.
    pub fn dim(self) -> usize {
        self.bytes.len() / 4
    }

    /// Component `i`, if `i < dim`.
    pub fn get(self, i: usize) -> Option<f32> {
        (i < self.dim()).then(|| self.at(i))
    }

    /// Copies the components into `out` (which must have `dim` components).
    pub fn copy_to(self, out: &mut [f32]) {
        for (o, c) in out.iter_mut().zip(self.bytes.chunks_exact(4)) {
            *o = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
    }

    /// The components, copied out.
    pub fn to_vec(self) -> Vec<f32> {
        let mut v = vec![0.0; self.dim()];
        self.copy_to(&mut v);
        v
    }

    /// Distance to `query` under `metric` (SIMD, on the stored bytes).
    #[inline]
    pub fn distance(self, metric: Metric, query: &[f32]) -> f32 {
        metric.distance(self, query)
    }

    /// Inner product with `query` (SIMD, on the stored bytes).
    #[inline]
    pub fn dot(self, query: &[f32]) -> f32 {
        simd::dot(self, query)
    }
}

impl Lanes for VectorRef<'_> {
    #[inline(always)]
    fn len(self) -> usize {
        self.bytes.len() / 4
    }
    #[inline(always)]
    fn at(self, i: usize) -> f32 {
        let b = &self.bytes[4 * i..4 * i + 4];
        f32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
    #[inline(always)]
    fn chunk8(self, c: usize) -> f32x8 {
        let b = &self.bytes[32 * c..32 * c + 32];
        f32x8::from(std::array::from_fn::<f32, 8, _>(|j| {
            f32::from_le_bytes([b[4 * j], b[4 * j + 1], b[4 * j + 2], b[4 * j + 3]])
        }))
    }
}

/// An i8-quantized vector borrowed from the stored bytes: component `i` is
/// `codes[i] * scale`, decoded on the fly by the kernels.
#[derive(Clone, Copy, Debug)]
pub struct QuantizedRef<'a> {
    scale: f32,
    codes: &'a [u8],
}

impl<'a> QuantizedRef<'a> {
    /// A view over a stored quantized value (scale, then codes).
    pub fn new(bytes: &'a [u8]) -> Result<Self, VectorError> {
        if bytes.len() < 4 {
            return Err(VectorError::Corrupt(format!(
                "quantized value of {} bytes has no scale",
                bytes.len()
            )));
        }
        let scale = f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        Ok(QuantizedRef {
            scale,
            codes: &bytes[4..],
        })
    }

    /// The per-vector scale: component = code * scale.
    pub fn scale(self) -> f32 {
        self.scale
    }

    /// Number of components.
    pub fn dim(self) -> usize {
        self.codes.len()
    }

    /// The dequantized components.
    pub fn to_vec(self) -> Vec<f32> {
        (0..self.dim()).map(|i| self.at(i)).collect()
    }

    /// Distance to `query` under `metric` (SIMD, dequantizing in registers).
    #[inline]
    pub fn distance(self, metric: Metric, query: &[f32]) -> f32 {
        metric.distance(self, query)
    }
}

impl Lanes for QuantizedRef<'_> {
    #[inline(always)]
    fn len(self) -> usize {
        self.codes.len()
    }
    #[inline(always)]
    fn at(self, i: usize) -> f32 {
        f32::from(self.codes[i].cast_signed()) * self.scale
    }
    #[inline(always)]
    fn chunk8(self, c: usize) -> f32x8 {
        let b = &self.codes[8 * c..8 * c + 8];
        let ints = i32x8::from(std::array::from_fn::<i32, 8, _>(|j| {
            i32::from(b[j].cast_signed())
        }));
        ints.round_float() * f32x8::splat(self.scale)
    }
}

/// Largest code magnitude: codes lie in `-127..=127` (symmetric, no -128).
const QMAX: f32 = 127.0;

/// Quantizes `v` (finite) to a scale and i8 codes, appended to `out` in the stored
/// layout. The scale is `max |v_i| / 127`; each code is `round(v_i / scale)`, so each
/// component is off by at most `scale / 2` (see [`quantization_error_bound`]).
pub fn quantize_into(v: &[f32], out: &mut Vec<u8>) {
    let max = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let scale = if max > 0.0 { max / QMAX } else { 0.0 };
    out.extend_from_slice(&scale.to_le_bytes());
    for &x in v {
        let q = if scale > 0.0 {
            (x / scale).round().clamp(-QMAX, QMAX)
        } else {
            0.0
        };
        // In -127..=127 by the clamp, so the cast is exact.
        out.push((q as i8).cast_unsigned());
    }
}

/// The bound on `|v_i - dequantized_i|` for a vector whose largest magnitude is
/// `max_abs`: half a quantization step, plus f32 rounding of the division and the
/// multiplication.
pub fn quantization_error_bound(max_abs: f32) -> f32 {
    let scale = max_abs / QMAX;
    scale * 0.5 + max_abs * 4.0 * f32::EPSILON
}

/// Checks a dense vector: its dimension and that every component is finite.
pub(crate) fn check_dense(v: &[f32], dim: usize) -> Result<(), VectorError> {
    if v.len() != dim {
        return Err(VectorError::Dimension {
            expected: dim,
            got: v.len(),
        });
    }
    check_finite(v)
}

/// Checks that every component is finite.
pub(crate) fn check_finite(v: &[f32]) -> Result<(), VectorError> {
    match v.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(VectorError::NotFinite {
            index,
            value: v[index],
        }),
        None => Ok(()),
    }
}

/// Appends the stored encoding of a dense vector.
pub(crate) fn encode_dense(v: &[f32], out: &mut Vec<u8>) {
    out.reserve(4 * v.len());
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
}
