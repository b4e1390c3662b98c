//! Tests of the generated tick store: writes and transactions, and the differential
//! test (every compiled query against the interpreted HyperQL engine over the same
//! data), and EMBED with a hashing embedder.

mod data;
mod differential;
mod embed;
mod transactions;
