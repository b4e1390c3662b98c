//! Cascades: schema-declared aggregate fields kept up to date on every write.
