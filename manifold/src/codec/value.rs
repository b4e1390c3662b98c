//! Value encoding. Values need no ordering: numbers are little-endian, byte strings and
//! strings are stored as they are.

use crate::error::DecodeError;

/// A type usable as a table value.
pub trait Value {
    /// The type decoding produces.
    type Owned;
    /// Appends the encoding of `self` to `out`.
    fn encode_value(&self, out: &mut Vec<u8>);
    /// Decodes a whole value.
    fn decode_value(bytes: &[u8]) -> Result<Self::Owned, DecodeError>;
}

fn exact<const N: usize>(bytes: &[u8], what: &'static str) -> Result<[u8; N], DecodeError> {
    if bytes.len() < N {
        return Err(DecodeError::Truncated { what });
    }
    if bytes.len() > N {
        return Err(DecodeError::Trailing {
            what,
            extra: bytes.len() - N,
        });
    }
    let mut a = [0u8; N];
    a.copy_from_slice(bytes);
    Ok(a)
}

macro_rules! number_value {
    ($($t:ty),*) => {$(
        impl Value for $t {
            type Owned = $t;
            fn encode_value(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn decode_value(bytes: &[u8]) -> Result<$t, DecodeError> {
                Ok(<$t>::from_le_bytes(exact(bytes, stringify!($t))?))
            }
        }
    )*};
}
number_value!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128, f32, f64);

impl Value for bool {
    type Owned = bool;
    fn encode_value(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn decode_value(bytes: &[u8]) -> Result<bool, DecodeError> {
        match exact::<1>(bytes, "bool")?[0] {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(DecodeError::Invalid {
                what: "bool",
                detail: format!("byte {b}"),
            }),
        }
    }
}

impl Value for () {
    type Owned = ();
    fn encode_value(&self, _out: &mut Vec<u8>) {}
    fn decode_value(bytes: &[u8]) -> Result<(), DecodeError> {
        exact::<0>(bytes, "unit").map(|_| ())
    }
}

impl Value for [u8] {
    type Owned = Vec<u8>;
    fn encode_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    fn decode_value(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
        Ok(bytes.to_vec())
    }
}

impl Value for Vec<u8> {
    type Owned = Vec<u8>;
    fn encode_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    fn decode_value(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
        Ok(bytes.to_vec())
    }
}

impl<const N: usize> Value for [u8; N] {
    type Owned = [u8; N];
    fn encode_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    fn decode_value(bytes: &[u8]) -> Result<[u8; N], DecodeError> {
        exact(bytes, "byte array")
    }
}

impl Value for str {
    type Owned = String;
    fn encode_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
    fn decode_value(bytes: &[u8]) -> Result<String, DecodeError> {
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError::Invalid {
            what: "string",
            detail: "not UTF-8".to_string(),
        })
    }
}

impl Value for String {
    type Owned = String;
    fn encode_value(&self, out: &mut Vec<u8>) {
        self.as_str().encode_value(out);
    }
    fn decode_value(bytes: &[u8]) -> Result<String, DecodeError> {
        str::decode_value(bytes)
    }
}

impl Value for uuid::Uuid {
    type Owned = uuid::Uuid;
    fn encode_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
    fn decode_value(bytes: &[u8]) -> Result<uuid::Uuid, DecodeError> {
        Ok(uuid::Uuid::from_bytes(exact(bytes, "uuid")?))
    }
}

impl<V: Value + ?Sized> Value for &V {
    type Owned = V::Owned;
    fn encode_value(&self, out: &mut Vec<u8>) {
        (**self).encode_value(out);
    }
    fn decode_value(bytes: &[u8]) -> Result<V::Owned, DecodeError> {
        V::decode_value(bytes)
    }
}
