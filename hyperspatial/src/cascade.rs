//! Cascades: schema-declared aggregate fields kept up to date on every write.
//!
//! A rule on collection `C` derives field `D` of each entity of `C` from field `F` of
//! its neighbours through edges labelled `T`:
//! `D Float CASCADED AS AGGREGATE Average FROM F THROUGH T INCOMING WITH DECAY
//! Exponential(0.5)`.
//!
//! - [`CascadeRule`]: one rule, read from the AST or from the canonical text stored in
//!   a schema; [`Aggregate`] and [`Decay`] are its function and weighting.
//! - [`CascadeSet`]: the rules of every collection, kept free of dependency cycles,
//!   with rule levels and a trigger index.
//! - [`CascadeView`]: what the storage exposes to cascades.
//! - [`propagate`]: the derived values that a transaction's [`Change`]s lead to;
//!   [`recompute_all`]: every derived value from scratch.
//!
//! Everything here is pure logic over a view: no storage, no clock (time comes in as
//! `now_us`).

mod aggregate;
mod change;
mod decay;
mod error;
mod overlay;
mod propagate;
mod rule;
mod set;
mod view;

pub use aggregate::{Aggregate, SourceValue};
pub use change::{Change, DerivedWrite};
pub use decay::{Decay, DecayKind};
pub use error::CascadeError;
pub use propagate::{propagate, recompute_all};
pub use rule::CascadeRule;
pub use set::CascadeSet;
pub use view::{CascadeView, EdgeDirection};
