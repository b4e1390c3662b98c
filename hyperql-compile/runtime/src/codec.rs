//! The byte layout of stored records: fields in schema order, little-endian
//! integers and floats, `u32`-length-prefixed text, a tag byte before each nullable
//! field (0 absent, 1 present), vectors as `u32` length then `f32`s.

use crate::error::Error;

/// Writes a record.
#[derive(Default, Debug)]
pub struct Enc(pub Vec<u8>);

impl Enc {
    /// An empty buffer.
    pub fn new() -> Enc {
        Enc(Vec::with_capacity(64))
    }
    /// Empties the buffer, keeping its allocation.
    pub fn clear(&mut self) {
        self.0.clear();
    }
    /// A nullable field's tag.
    pub fn tag(&mut self, present: bool) {
        self.0.push(u8::from(present));
    }
    /// An integer (also timestamps, in microseconds).
    pub fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    /// A float.
    pub fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    /// A boolean.
    pub fn bool(&mut self, v: bool) {
        self.0.push(u8::from(v));
    }
    /// Text.
    pub fn str(&mut self, v: &str) {
        self.len(v.len());
        self.0.extend_from_slice(v.as_bytes());
    }
    /// A float vector.
    pub fn vector(&mut self, v: &[f32]) {
        self.len(v.len());
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    fn len(&mut self, n: usize) {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        self.0.extend_from_slice(&n.to_le_bytes());
    }
}

/// Reads a record written by [`Enc`].
#[derive(Debug)]
pub struct Dec<'a> {
    bytes: &'a [u8],
    table: &'static str,
}

impl<'a> Dec<'a> {
    /// A reader over the record of `table`.
    pub fn new(bytes: &'a [u8], table: &'static str) -> Dec<'a> {
        Dec { bytes, table }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if self.bytes.len() < n {
            return Err(Error::Corrupt {
                table: self.table,
                detail: format!(
                    "record ends early: needed {n} bytes, {} left",
                    self.bytes.len()
                ),
            });
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    /// A nullable field's tag.
    pub fn tag(&mut self) -> Result<bool, Error> {
        Ok(self.take(1)?[0] != 0)
    }
    /// An integer.
    pub fn i64(&mut self) -> Result<i64, Error> {
        Ok(i64::from_le_bytes(self.array()?))
    }
    /// A float.
    pub fn f64(&mut self) -> Result<f64, Error> {
        Ok(f64::from_le_bytes(self.array()?))
    }
    /// A boolean.
    pub fn bool(&mut self) -> Result<bool, Error> {
        Ok(self.take(1)?[0] != 0)
    }
    /// Text.
    pub fn str(&mut self) -> Result<String, Error> {
        self.str_ref().map(str::to_owned)
    }
    /// Text, borrowed from the record.
    pub fn str_ref(&mut self) -> Result<&'a str, Error> {
        let n = self.len()?;
        let b = self.take(n)?;
        std::str::from_utf8(b).map_err(|e| Error::Corrupt {
            table: self.table,
            detail: e.to_string(),
        })
    }
    /// Skips `n` bytes (a fixed-size field not read).
    pub fn skip(&mut self, n: usize) -> Result<(), Error> {
        self.take(n).map(|_| ())
    }
    /// Skips a text field.
    pub fn skip_str(&mut self) -> Result<(), Error> {
        let n = self.len()?;
        self.skip(n)
    }
    /// Skips a vector field.
    pub fn skip_vector(&mut self) -> Result<(), Error> {
        let n = self.len()?;
        self.skip(n.saturating_mul(4))
    }
    /// A float vector.
    pub fn vector(&mut self) -> Result<Vec<f32>, Error> {
        let n = self.len()?;
        let b = self.take(n.saturating_mul(4))?;
        Ok(b.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
    fn len(&mut self) -> Result<usize, Error> {
        Ok(u32::from_le_bytes(self.array()?) as usize)
    }
}

/// The id of a documents table's key (its encoded bytes).
pub fn doc_id(key: &[u8], table: &'static str) -> Result<i64, Error> {
    manifold::decode_key::<i64>(key).map_err(|e| Error::Corrupt {
        table,
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() -> Result<(), Error> {
        let mut e = Enc::new();
        e.i64(-5);
        e.tag(true);
        e.str("héllo");
        e.f64(2.5);
        e.vector(&[1.0, -2.0]);
        e.bool(true);
        let mut d = Dec::new(&e.0, "t");
        assert_eq!(d.i64()?, -5);
        assert!(d.tag()?);
        assert_eq!(d.str()?, "héllo");
        assert_eq!(d.f64()?, 2.5);
        assert_eq!(d.vector()?, vec![1.0, -2.0]);
        assert!(d.bool()?);
        assert!(matches!(d.i64(), Err(Error::Corrupt { .. })));
        // The same record read by views and skips.
        let mut d = Dec::new(&e.0, "t");
        d.skip(8)?;
        assert!(d.tag()?);
        assert_eq!(d.str_ref()?, "héllo");
        d.skip(8)?;
        d.skip_vector()?;
        assert!(d.bool()?);
        let mut d = Dec::new(&e.0[..12], "t");
        d.skip(8)?;
        d.tag()?;
        assert!(matches!(d.skip_str(), Err(Error::Corrupt { .. })));
        let bad = [1u8, 0, 0, 0, 0xff];
        assert!(matches!(
            Dec::new(&bad, "t").str_ref(),
            Err(Error::Corrupt { .. })
        ));
        Ok(())
    }
}
