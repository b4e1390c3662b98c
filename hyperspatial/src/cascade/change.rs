//! The input and output of propagation: what a transaction changed, and the derived
//! values it leads to.

use hyperql::Value;
use uuid::Uuid;

/// One change made by a transaction, as seen by cascades.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A top-level field of an entity was written (set, replaced or removed).
    FieldWritten {
        /// The entity.
        id: Uuid,
        /// The field.
        field: String,
    },
    /// An edge `from -[label]-> to` was added.
    EdgeAdded {
        /// Start of the edge.
        from: Uuid,
        /// End of the edge.
        to: Uuid,
        /// Its label.
        label: String,
    },
    /// An edge `from -[label]-> to` was removed.
    EdgeRemoved {
        /// Start of the edge.
        from: Uuid,
        /// End of the edge.
        to: Uuid,
        /// Its label.
        label: String,
    },
    /// An entity was created: every derived field of it is computed, and its fields
    /// count as written.
    EntityCreated {
        /// The entity.
        id: Uuid,
    },
    /// An entity was deleted. Its edges must be reported as [`Change::EdgeRemoved`]
    /// too, unless the view still shows them.
    EntityDeleted {
        /// The entity.
        id: Uuid,
        /// The collection it belonged to.
        collection: String,
    },
}

/// A derived value to store: the storage writes `value` into `field` of entity `id`,
/// with the propagation's `now_us` as the time it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct DerivedWrite {
    /// The target entity.
    pub id: Uuid,
    /// The derived field.
    pub field: String,
    /// Its new value (NULL when nothing is left to aggregate, e.g. an average of no
    /// sources).
    pub value: Value,
}
