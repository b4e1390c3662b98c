//! Tests of the generated tick store: writes and transactions, and the differential
//! test (every compiled query against the interpreted HyperQL engine over the same
//! data).

mod data;
mod differential;
mod transactions;
