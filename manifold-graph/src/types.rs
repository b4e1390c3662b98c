//! Small public types shared by reads, writes and traversals, and the edge-type
//! interner.

use crate::codec::EdgeProps;
use std::collections::HashMap;
use uuid::Uuid;

/// An interned edge type name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EdgeTypeId(pub u32);

/// Which edges of a vertex to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Direction {
    /// Edges leaving the vertex (forward table).
    #[default]
    Outgoing,
    /// Edges entering the vertex (reverse table).
    Incoming,
    /// Both: outgoing edges, then incoming ones (a self-loop appears twice).
    Both,
}

/// Which edge types to follow.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum TypeFilter {
    /// Every type.
    #[default]
    All,
    /// Only these types (an empty list matches nothing).
    Only(Vec<EdgeTypeId>),
}

/// One edge, with its endpoints in their true direction whatever table it was read
/// from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    /// Source vertex.
    pub src: Uuid,
    /// Edge type.
    pub edge_type: EdgeTypeId,
    /// Destination vertex.
    pub dst: Uuid,
    /// Stored properties.
    pub props: EdgeProps,
}

impl Edge {
    /// The endpoint that is not `v` (for an edge read from `v`'s adjacency).
    pub fn other(&self, v: Uuid) -> Uuid {
        if self.src == v { self.dst } else { self.src }
    }
}

/// Edge type names and ids, both ways. Ids are dense from 0 in order of first use.
#[derive(Default, Debug)]
pub(crate) struct Interner {
    pub(crate) ids: HashMap<String, u32>,
    pub(crate) names: HashMap<u32, String>,
}

impl Interner {
    pub(crate) fn add(&mut self, name: &str, id: u32) {
        self.ids.insert(name.to_string(), id);
        self.names.insert(id, name.to_string());
    }
}
