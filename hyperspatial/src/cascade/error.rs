//! The errors of cascade rules, rule sets and propagation.

use thiserror::Error;

/// What can go wrong while building cascade rules or propagating derived values.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum CascadeError {
    /// The aggregate function of a rule is not one of the known ones.
    #[error(
        "cascaded field `{collection}.{field}`: unknown aggregate `{name}` \
         (expected Sum, Average, Count, Min, Max, Latest, Median, StdDev, \
         MovingMean(n) or Percentile(p))"
    )]
    UnknownFunction {
        /// Collection of the rule.
        collection: String,
        /// Derived field of the rule.
        field: String,
        /// The function name as written.
        name: String,
    },
    /// The arguments of a rule's aggregate are missing, extra or out of range.
    #[error("cascaded field `{collection}.{field}`: {reason}")]
    BadArguments {
        /// Collection of the rule.
        collection: String,
        /// Derived field of the rule.
        field: String,
        /// What is wrong with the arguments.
        reason: String,
    },
    /// The decay kind of a rule is not one of the known ones.
    #[error(
        "cascaded field `{collection}.{field}`: unknown decay `{name}` \
         (expected Exponential, Linear or Window)"
    )]
    UnknownDecay {
        /// Collection of the rule.
        collection: String,
        /// Derived field of the rule.
        field: String,
        /// The decay name as written.
        name: String,
    },
    /// The arguments of a decay are missing, extra or out of range.
    #[error("{context}decay {kind}: {reason}")]
    BadDecay {
        /// Which rule, as a message prefix (empty for a decay built on its own).
        context: String,
        /// Decay kind (`Exponential`, `Linear`, `Window`).
        kind: String,
        /// What is wrong with the arguments.
        reason: String,
    },
    /// The canonical text of a rule (as stored in a schema) does not parse as one
    /// cascade clause.
    #[error("cannot read cascade rule `{text}`: {message}")]
    Parse {
        /// The text that was read.
        text: String,
        /// Why it was refused.
        message: String,
    },
    /// Adding the rules would make a derived field depend on itself.
    #[error("cascaded fields form a cycle: {} (each field is read by the next)", path.join(" -> "))]
    Cycle {
        /// `collection.field` of each rule on the cycle; the first is repeated at the end.
        path: Vec<String>,
    },
    /// The storage behind a [`CascadeView`](super::CascadeView) failed.
    #[error("cascade view: {0}")]
    View(String),
}
