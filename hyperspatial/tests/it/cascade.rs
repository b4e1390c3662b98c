//! Cascades: rule parsing, aggregates and decays, the rule set, and incremental
//! propagation checked against full recomputation on an in-memory model store.

mod aggregate;
mod model;
mod parse;
mod propagate;
mod random;
mod set;
