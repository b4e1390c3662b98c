//! A big-endian bit writer and reader: the bit stream under the chunk codec.

/// Appends bits, most significant first, to a byte vector.
#[derive(Debug, Default)]
pub(crate) struct BitWriter {
    buf: Vec<u8>,
    /// Pending bits live in the low `pending` bits (higher bits are stale and ignored).
    acc: u64,
    pending: u32,
}

impl BitWriter {
    /// A writer that appends after `prefix` (already whole bytes).
    pub(crate) fn with_prefix(prefix: Vec<u8>) -> Self {
        BitWriter {
            buf: prefix,
            acc: 0,
            pending: 0,
        }
    }

    /// Writes the low `n` bits of `value` (`n <= 64`).
    #[inline]
    pub(crate) fn write(&mut self, value: u64, n: u32) {
        debug_assert!(n <= 64);
        if n > 32 {
            self.write_small(value >> 32, n - 32);
            self.write_small(value & 0xffff_ffff, 32);
        } else {
            self.write_small(value, n);
        }
    }

    /// Writes one bit.
    #[inline]
    pub(crate) fn bit(&mut self, on: bool) {
        self.write_small(u64::from(on), 1);
    }

    #[inline]
    fn write_small(&mut self, value: u64, n: u32) {
        if n == 0 {
            return;
        }
        let masked = value & (u64::MAX >> (64 - n));
        // At most 7 pending bits plus 32 new ones: fits in 64.
        self.acc = (self.acc << n) | masked;
        self.pending += n;
        while self.pending >= 8 {
            self.pending -= 8;
            self.buf.push((self.acc >> self.pending) as u8);
        }
    }

    /// The bytes written, the last one padded with zero bits.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        if self.pending > 0 {
            self.buf.push((self.acc << (8 - self.pending)) as u8);
        }
        self.buf
    }
}

/// The stream ended before the bits asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OutOfBits;

/// Reads bits written by [`BitWriter`].
#[derive(Debug)]
pub(crate) struct BitReader<'a> {
    data: &'a [u8],
    /// Position in bits.
    pos: usize,
}

impl<'a> BitReader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        BitReader { data, pos: 0 }
    }

    /// Reads `n <= 64` bits as the low bits of a `u64`.
    #[inline]
    pub(crate) fn read(&mut self, n: u32) -> Result<u64, OutOfBits> {
        if n > 56 {
            let high = self.read_small(n - 32)?;
            let low = self.read_small(32)?;
            Ok((high << 32) | low)
        } else {
            self.read_small(n)
        }
    }

    /// Reads one bit.
    #[inline]
    pub(crate) fn bit(&mut self) -> Result<bool, OutOfBits> {
        let byte = *self.data.get(self.pos / 8).ok_or(OutOfBits)?;
        let on = (byte >> (7 - (self.pos % 8))) & 1 == 1;
        self.pos += 1;
        Ok(on)
    }

    /// Reads `n <= 56` bits: one unaligned 8-byte load covers them.
    #[inline]
    fn read_small(&mut self, n: u32) -> Result<u64, OutOfBits> {
        if n == 0 {
            return Ok(0);
        }
        let end = self.pos + n as usize;
        if end > self.data.len() * 8 {
            return Err(OutOfBits);
        }
        let byte = self.pos / 8;
        let mut word = [0u8; 8];
        let avail = (self.data.len() - byte).min(8);
        word[..avail].copy_from_slice(&self.data[byte..byte + avail]);
        let window = u64::from_be_bytes(word) << (self.pos % 8);
        self.pos = end;
        Ok(window >> (64 - n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_mixed_widths() {
        let fields: Vec<(u64, u32)> = (0..200u64)
            .map(|i| {
                let n = (i % 65) as u32;
                let v = i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
                (if n == 64 { v } else { v & ((1u64 << n) - 1) }, n)
            })
            .collect();
        let mut w = BitWriter::default();
        for &(v, n) in &fields {
            w.write(v, n);
        }
        w.bit(true);
        let bytes = w.finish();
        let mut r = BitReader::new(&bytes);
        for &(v, n) in &fields {
            assert_eq!(r.read(n).unwrap(), v, "width {n}");
        }
        assert!(r.bit().unwrap());
        // Only padding remains.
        assert!(r.read(8).is_err());
    }
}
