//! The write-ahead log shared by all column families.

pub(crate) mod log;
pub(crate) mod record;
pub(crate) mod segment;
pub(crate) mod uring;
