//! Values a series can hold: `f64`, or any fixed-size [`Record`].

use crate::codec::Lanes;

/// A fixed-size value stored per point, for example a position snapshot.
///
/// Records are compressed lane by lane: each 4-byte lane is XORed with the same lane of
/// the previous point, so fields that change little cost few bits. Rollups and
/// aggregates exist only for `f64` series.
pub trait Record: Sized {
    /// Encoded size in bytes, `1..=65535`.
    const SIZE: usize;
    /// A name for error messages and the stored series type.
    const TYPE_NAME: &'static str;
    /// Writes exactly [`Record::SIZE`] bytes into `out` (which has that length).
    fn write(&self, out: &mut [u8]);
    /// Reads a record from exactly [`Record::SIZE`] bytes. Must accept any bytes that
    /// `write` can produce; other bytes may give any value but must not panic.
    fn read(bytes: &[u8]) -> Self;
}

/// The stored type of a series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValueKind {
    F64,
    Record { name: String, size: usize },
}

impl ValueKind {
    pub(crate) fn size(&self) -> usize {
        match self {
            ValueKind::F64 => 8,
            ValueKind::Record { size, .. } => *size,
        }
    }
    pub(crate) fn lanes(&self) -> Lanes {
        match self {
            ValueKind::F64 => Lanes::Wide,
            ValueKind::Record { .. } => Lanes::Narrow,
        }
    }
    pub(crate) fn describe(&self) -> String {
        match self {
            ValueKind::F64 => "f64".to_string(),
            ValueKind::Record { name, size } => format!("record `{name}` of {size} bytes"),
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl<R: super::Record> Sealed for R {}
}

/// A type a series can hold: `f64` or a [`Record`]. Sealed: implement [`Record`].
pub trait SeriesValue: sealed::Sealed + Sized {
    #[doc(hidden)]
    fn kind() -> ValueKindTag;
    #[doc(hidden)]
    fn encode_to(&self, out: &mut Vec<u8>);
    #[doc(hidden)]
    fn decode_from(bytes: &[u8]) -> Self;
}

/// Opaque description of a value type (used by [`SeriesValue`]).
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct ValueKindTag(pub(crate) ValueKind);

impl SeriesValue for f64 {
    fn kind() -> ValueKindTag {
        ValueKindTag(ValueKind::F64)
    }
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bits().to_le_bytes());
    }
    fn decode_from(bytes: &[u8]) -> Self {
        let mut b = [0u8; 8];
        let n = bytes.len().min(8);
        b[..n].copy_from_slice(&bytes[..n]);
        f64::from_bits(u64::from_le_bytes(b))
    }
}

impl<R: Record> SeriesValue for R {
    fn kind() -> ValueKindTag {
        ValueKindTag(ValueKind::Record {
            name: R::TYPE_NAME.to_string(),
            size: R::SIZE,
        })
    }
    fn encode_to(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.resize(start + R::SIZE, 0);
        self.write(&mut out[start..]);
    }
    fn decode_from(bytes: &[u8]) -> Self {
        R::read(bytes)
    }
}

/// Reads the f64 stored in 8 value bytes.
pub(crate) fn f64_at(values: &[u8], i: usize) -> f64 {
    f64::decode_from(&values[i * 8..i * 8 + 8])
}
