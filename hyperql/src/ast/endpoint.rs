//! Endpoints: the leaves of documents, addressed by a path (`users['u-1'].profile.bio`
//! is collection `users`, entity key `'u-1'`, field path `profile.bio`), read one at a
//! time in an expression and written by `SET`.

use super::expr::Expr;
use super::stmt::Ident;
use crate::span::Span;
use std::fmt::{self, Display, Formatter};

/// `collection [key] (. field)*`: the value at a path of one entity, named by its key
/// (the id a source resolves: an external id or a stored id).
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointRef {
    /// The collection.
    pub collection: Ident,
    /// The entity's key.
    pub key: Box<Expr>,
    /// The field path inside the entity's document (empty: the whole document).
    pub path: Vec<Ident>,
    /// Where it is.
    pub span: Span,
}

/// `SET endpoint = expr, ...`: writes each value at its path, creating the entity and
/// the objects on the way when they are missing; all in one transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct SetEndpoints {
    /// `(endpoint, value)` in the order written.
    pub assignments: Vec<(EndpointRef, Expr)>,
}

impl Display for EndpointRef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.collection, self.key)?;
        for seg in &self.path {
            write!(f, ".{seg}")?;
        }
        Ok(())
    }
}

impl Display for SetEndpoints {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SET ")?;
        for (i, (target, value)) in self.assignments.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{target} = {value}")?;
        }
        Ok(())
    }
}
