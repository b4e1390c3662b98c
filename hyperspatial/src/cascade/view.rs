//! What propagation reads from the storage: adjacency, collections and timed fields.

use super::error::CascadeError;
use super::rule::CascadeRule;
use hyperql::{Direction, Value};
use uuid::Uuid;

/// The direction of an edge as seen from one of its ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EdgeDirection {
    /// Edges `id -> x`.
    Outgoing,
    /// Edges `x -> id`.
    Incoming,
}

/// A read-only view of the data that cascades derive from; the storage implements it
/// (typically the pending transaction over committed data).
pub trait CascadeView {
    /// Entities adjacent to `id` through edges labelled `label`: `Outgoing` gives the
    /// `x` of `id -> x`, `Incoming` the `x` of `x -> id`. Order and repeats do not
    /// matter.
    fn neighbours(
        &self,
        id: Uuid,
        label: &str,
        dir: EdgeDirection,
    ) -> Result<Vec<Uuid>, CascadeError>;

    /// The collection (schema name) of the entity, `None` if it does not exist.
    fn collection_of(&self, id: Uuid) -> Result<Option<String>, CascadeError>;

    /// A top-level field of the entity with the time it was last written (µs since
    /// the epoch); `None` if the entity or the field is absent.
    fn field(&self, id: Uuid, field: &str) -> Result<Option<(Value, i64)>, CascadeError>;
}

/// The sources of `target` under `rule`: its neighbours through the rule's edges, in
/// the rule's direction, sorted and without repeats.
pub(crate) fn sources_of(
    view: &impl CascadeView,
    rule: &CascadeRule,
    target: Uuid,
) -> Result<Vec<Uuid>, CascadeError> {
    adjacent(view, rule, target, false)
}

/// The targets that read `source` under `rule` (the reverse of [`sources_of`]).
pub(crate) fn targets_of(
    view: &impl CascadeView,
    rule: &CascadeRule,
    source: Uuid,
) -> Result<Vec<Uuid>, CascadeError> {
    adjacent(view, rule, source, true)
}

fn adjacent(
    view: &impl CascadeView,
    rule: &CascadeRule,
    id: Uuid,
    reverse: bool,
) -> Result<Vec<Uuid>, CascadeError> {
    use EdgeDirection::{Incoming, Outgoing};
    let dirs: &[EdgeDirection] = match (rule.direction(), reverse) {
        (Direction::In, false) | (Direction::Out, true) => &[Incoming],
        (Direction::Out, false) | (Direction::In, true) => &[Outgoing],
        (Direction::Both, _) => &[Incoming, Outgoing],
    };
    let mut out = Vec::new();
    for label in rule.through() {
        for &d in dirs {
            out.extend(view.neighbours(id, label, d)?);
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}
