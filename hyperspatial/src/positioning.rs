//! Positioning: places entities in hyperbolic space from their graph, embeddings and
//! properties.
