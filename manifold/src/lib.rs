//! manifold: column families in one file on redb, with a shared write-ahead log.
