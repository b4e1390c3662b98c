//! Tests of the generated tick store: writes and transactions, and the differential
//! test (every compiled query against the interpreted HyperQL engine over the same
//! data), time ranges and TIME_BUCKET over the trades series against the engine and a
//! brute force, and EMBED with a hashing embedder.

mod data;
mod differential;
mod embed;
mod series;
mod transactions;
