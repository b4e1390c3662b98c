//! Key and value encodings.

pub mod key;
pub mod value;
