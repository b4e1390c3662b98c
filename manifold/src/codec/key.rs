//! Order-preserving ("memcomparable") key encoding: for any two keys `a` and `b` of the
//! same type, `a < b` exactly when `encode(a) < encode(b)` as byte strings.
//!
//! - unsigned integers: big-endian; signed integers: sign bit flipped, then big-endian;
//! - `f64`/`f32`: IEEE bits, all bits flipped for negatives, sign bit flipped otherwise
//!   (total order, `-0.0 < 0.0`, NaN sorts after infinity);
//! - `bool`: one byte;
//! - strings and byte strings: every `0x00` becomes `0x00 0xFF`, and `0x00 0x01` ends the
//!   value, so an encoding is self-delimiting and a prefix sorts first;
//! - UUIDs: their 16 bytes;
//! - tuples: the encodings of their elements, concatenated.
//!
//! Every encoding is self-delimiting, which is what makes concatenation order-preserving
//! for tuples, and what makes the encoding of `(a,)` a prefix of that of `(a, b)`.

use crate::error::DecodeError;

/// A type usable as a table key.
pub trait Key {
    /// The type decoding produces (`String` for `str`, for instance).
    type Owned;
    /// Appends the order-preserving encoding of `self` to `out`.
    fn encode_key(&self, out: &mut Vec<u8>);
    /// Decodes one value from the front of `input`, advancing it.
    fn decode_key(input: &mut &[u8]) -> Result<Self::Owned, DecodeError>;
}

/// Encodes `key` into a fresh buffer.
pub fn encode_key<K: Key + ?Sized>(key: &K) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    key.encode_key(&mut out);
    out
}

/// Decodes a whole key: fails if bytes remain.
pub fn decode_key<K: Key + ?Sized>(mut bytes: &[u8]) -> Result<K::Owned, DecodeError> {
    let v = K::decode_key(&mut bytes)?;
    if !bytes.is_empty() {
        return Err(DecodeError::Trailing {
            what: "key",
            extra: bytes.len(),
        });
    }
    Ok(v)
}

fn take<const N: usize>(input: &mut &[u8], what: &'static str) -> Result<[u8; N], DecodeError> {
    if input.len() < N {
        return Err(DecodeError::Truncated { what });
    }
    let mut a = [0u8; N];
    a.copy_from_slice(&input[..N]);
    *input = &input[N..];
    Ok(a)
}

macro_rules! unsigned_key {
    ($($t:ty),*) => {$(
        impl Key for $t {
            type Owned = $t;
            fn encode_key(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_be_bytes());
            }
            fn decode_key(input: &mut &[u8]) -> Result<$t, DecodeError> {
                Ok(<$t>::from_be_bytes(take(input, stringify!($t))?))
            }
        }
    )*};
}
unsigned_key!(u8, u16, u32, u64, u128);

macro_rules! signed_key {
    ($($t:ty => $u:ty),*) => {$(
        impl Key for $t {
            type Owned = $t;
            fn encode_key(&self, out: &mut Vec<u8>) {
                let flipped = (*self as $u) ^ (1 << (<$u>::BITS - 1));
                out.extend_from_slice(&flipped.to_be_bytes());
            }
            fn decode_key(input: &mut &[u8]) -> Result<$t, DecodeError> {
                let u = <$u>::from_be_bytes(take(input, stringify!($t))?);
                Ok((u ^ (1 << (<$u>::BITS - 1))) as $t)
            }
        }
    )*};
}
signed_key!(i8 => u8, i16 => u16, i32 => u32, i64 => u64, i128 => u128);

macro_rules! float_key {
    ($($t:ty => $u:ty),*) => {$(
        impl Key for $t {
            type Owned = $t;
            fn encode_key(&self, out: &mut Vec<u8>) {
                let bits = self.to_bits();
                let sign = 1 << (<$u>::BITS - 1);
                let enc = if bits & sign != 0 { !bits } else { bits | sign };
                out.extend_from_slice(&enc.to_be_bytes());
            }
            fn decode_key(input: &mut &[u8]) -> Result<$t, DecodeError> {
                let enc = <$u>::from_be_bytes(take(input, stringify!($t))?);
                let sign = 1 << (<$u>::BITS - 1);
                let bits = if enc & sign != 0 { enc & !sign } else { !enc };
                Ok(<$t>::from_bits(bits))
            }
        }
    )*};
}
float_key!(f32 => u32, f64 => u64);

impl Key for bool {
    type Owned = bool;
    fn encode_key(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn decode_key(input: &mut &[u8]) -> Result<bool, DecodeError> {
        match take::<1>(input, "bool")?[0] {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(DecodeError::Invalid {
                what: "bool",
                detail: format!("byte {b}"),
            }),
        }
    }
}

fn encode_escaped(bytes: &[u8], out: &mut Vec<u8>) {
    out.reserve(bytes.len() + 2);
    for &b in bytes {
        out.push(b);
        if b == 0 {
            out.push(0xFF);
        }
    }
    out.extend_from_slice(&[0, 1]);
}

fn decode_escaped(input: &mut &[u8], what: &'static str) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let Some(&b) = input.get(i) else {
            return Err(DecodeError::Truncated { what });
        };
        if b != 0 {
            out.push(b);
            i += 1;
            continue;
        }
        match input.get(i + 1) {
            Some(0xFF) => out.push(0),
            Some(1) => {
                *input = &input[i + 2..];
                return Ok(out);
            }
            Some(x) => {
                return Err(DecodeError::Invalid {
                    what,
                    detail: format!("escape byte {x:#04x}"),
                });
            }
            None => return Err(DecodeError::Truncated { what }),
        }
        i += 2;
    }
}

impl Key for [u8] {
    type Owned = Vec<u8>;
    fn encode_key(&self, out: &mut Vec<u8>) {
        encode_escaped(self, out);
    }
    fn decode_key(input: &mut &[u8]) -> Result<Vec<u8>, DecodeError> {
        decode_escaped(input, "bytes")
    }
}

impl Key for Vec<u8> {
    type Owned = Vec<u8>;
    fn encode_key(&self, out: &mut Vec<u8>) {
        encode_escaped(self, out);
    }
    fn decode_key(input: &mut &[u8]) -> Result<Vec<u8>, DecodeError> {
        decode_escaped(input, "bytes")
    }
}

impl Key for str {
    type Owned = String;
    fn encode_key(&self, out: &mut Vec<u8>) {
        encode_escaped(self.as_bytes(), out);
    }
    fn decode_key(input: &mut &[u8]) -> Result<String, DecodeError> {
        String::from_utf8(decode_escaped(input, "string")?).map_err(|_| DecodeError::Invalid {
            what: "string",
            detail: "not UTF-8".to_string(),
        })
    }
}

impl Key for String {
    type Owned = String;
    fn encode_key(&self, out: &mut Vec<u8>) {
        self.as_str().encode_key(out);
    }
    fn decode_key(input: &mut &[u8]) -> Result<String, DecodeError> {
        str::decode_key(input)
    }
}

impl Key for uuid::Uuid {
    type Owned = uuid::Uuid;
    fn encode_key(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
    fn decode_key(input: &mut &[u8]) -> Result<uuid::Uuid, DecodeError> {
        Ok(uuid::Uuid::from_bytes(take(input, "uuid")?))
    }
}

impl<const N: usize> Key for [u8; N] {
    type Owned = [u8; N];
    /// Fixed-size arrays are stored raw: they are self-delimiting by their length.
    fn encode_key(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    fn decode_key(input: &mut &[u8]) -> Result<[u8; N], DecodeError> {
        take(input, "byte array")
    }
}

impl<K: Key + ?Sized> Key for &K {
    type Owned = K::Owned;
    fn encode_key(&self, out: &mut Vec<u8>) {
        (**self).encode_key(out);
    }
    fn decode_key(input: &mut &[u8]) -> Result<K::Owned, DecodeError> {
        K::decode_key(input)
    }
}

macro_rules! tuple_key {
    ($($name:ident $idx:tt),+) => {
        impl<$($name: Key),+> Key for ($($name,)+) {
            type Owned = ($($name::Owned,)+);
            fn encode_key(&self, out: &mut Vec<u8>) {
                $(self.$idx.encode_key(out);)+
            }
            fn decode_key(input: &mut &[u8]) -> Result<Self::Owned, DecodeError> {
                Ok(($($name::decode_key(input)?,)+))
            }
        }
    };
}
tuple_key!(A 0);
tuple_key!(A 0, B 1);
tuple_key!(A 0, B 1, C 2);
tuple_key!(A 0, B 1, C 2, D 3);
tuple_key!(A 0, B 1, C 2, D 3, E 4);

/// The smallest byte string greater than every string that starts with `prefix`, or
/// `None` when there is none (the prefix is empty or all `0xFF`).
pub fn prefix_successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut v = prefix.to_vec();
    while let Some(last) = v.pop() {
        if last != 0xFF {
            v.push(last + 1);
            return Some(v);
        }
    }
    None
}
