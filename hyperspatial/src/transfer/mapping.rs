//! How the columns of an input row become an entity.

use crate::store::check_name;

/// An edge column: each row's value (one external id, or an array of them) names the
/// other end of an edge with `label`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgeMapping {
    /// The column.
    pub column: String,
    /// The edge label.
    pub label: String,
    /// `false`: row -> referenced entity; `true`: referenced entity -> row.
    pub incoming: bool,
}

impl EdgeMapping {
    /// Parses `column:label` or `column:label:in` (`:out` is the default).
    pub fn parse(spec: &str) -> Result<EdgeMapping, MappingError> {
        let bad = || {
            MappingError(format!(
                "edge `{spec}`: expected COLUMN:LABEL or COLUMN:LABEL:in"
            ))
        };
        let mut parts = spec.split(':');
        let column = parts.next().filter(|s| !s.is_empty()).ok_or_else(bad)?;
        let label = parts.next().filter(|s| !s.is_empty()).ok_or_else(bad)?;
        let incoming = match parts.next() {
            None | Some("out") => false,
            Some("in") => true,
            Some(_) => return Err(bad()),
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        check_name(label).map_err(|e| MappingError(format!("edge `{spec}`: {e}")))?;
        Ok(EdgeMapping {
            column: column.to_string(),
            label: label.to_string(),
            incoming,
        })
    }
}

/// The mapping of an import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    /// The collection written to (created if missing).
    pub collection: String,
    /// The column holding each row's external id (`id` by default); rows without a
    /// value get a fresh UUID and no external id.
    pub id_column: String,
    /// One entity type for every row.
    pub entity_type: Option<String>,
    /// A column holding each row's entity type (`_type` by default, if present).
    pub type_column: String,
    /// Edge columns.
    pub edges: Vec<EdgeMapping>,
    /// A column holding outgoing edges as an object `{label: [ids]}` (`_edges` by
    /// default, if present; what [`export`](super::export) writes).
    pub edges_column: String,
    /// Columns holding vectors (JSON arrays of numbers; in CSV also numbers
    /// separated by spaces, commas or semicolons).
    pub vectors: Vec<String>,
}

impl Mapping {
    /// The default mapping into `collection`.
    pub fn new(collection: &str) -> Mapping {
        Mapping {
            collection: collection.to_string(),
            id_column: "id".into(),
            entity_type: None,
            type_column: "_type".into(),
            edges: Vec::new(),
            edges_column: "_edges".into(),
            vectors: Vec::new(),
        }
    }

    /// The mapping as URL query pairs, as `POST /import/{collection}` reads them
    /// (see [`Mapping::from_query`]); defaults are left out.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let d = Mapping::new(&self.collection);
        let mut q = Vec::new();
        if self.id_column != d.id_column {
            q.push(("id_column", self.id_column.clone()));
        }
        if let Some(t) = &self.entity_type {
            q.push(("type", t.clone()));
        }
        if self.type_column != d.type_column {
            q.push(("type_column", self.type_column.clone()));
        }
        if self.edges_column != d.edges_column {
            q.push(("edges_column", self.edges_column.clone()));
        }
        let edges: Vec<String> = self
            .edges
            .iter()
            .map(|e| {
                let dir = if e.incoming { ":in" } else { "" };
                format!("{}:{}{dir}", e.column, e.label)
            })
            .collect();
        if !edges.is_empty() {
            q.push(("edges", edges.join(",")));
        }
        if !self.vectors.is_empty() {
            q.push(("vectors", self.vectors.join(",")));
        }
        q
    }

    /// Reads a mapping from URL query pairs: `id_column`, `type`, `type_column`,
    /// `edges_column`, `edges` (comma-separated `COLUMN:LABEL[:in]`) and `vectors`
    /// (comma-separated columns). Pairs named in `ignore` are skipped; any other
    /// name is an error.
    pub fn from_query<'a>(
        collection: &str,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        ignore: &[&str],
    ) -> Result<Mapping, MappingError> {
        let mut m = Mapping::new(collection);
        let list = |v: &str| -> Vec<String> {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        for (k, v) in pairs {
            match k {
                "id_column" => m.id_column = v.to_string(),
                "type" => m.entity_type = Some(v.to_string()).filter(|t| !t.is_empty()),
                "type_column" => m.type_column = v.to_string(),
                "edges_column" => m.edges_column = v.to_string(),
                "edges" => {
                    for spec in list(v) {
                        m.edges.push(EdgeMapping::parse(&spec)?);
                    }
                }
                "vectors" => m.vectors.extend(list(v)),
                _ if ignore.contains(&k) => {}
                _ => {
                    return Err(MappingError(format!(
                        "unknown parameter `{k}` (known: id_column, type, type_column, \
                         edges_column, edges, vectors, {})",
                        ignore.join(", ")
                    )));
                }
            }
        }
        m.check()?;
        Ok(m)
    }

    /// Checks names: the collection, the entity type, the edge labels.
    pub fn check(&self) -> Result<(), MappingError> {
        check_name(&self.collection).map_err(|e| MappingError(e.to_string()))?;
        if let Some(t) = &self.entity_type {
            check_name(t).map_err(|e| MappingError(format!("type: {e}")))?;
        }
        for e in &self.edges {
            check_name(&e.label).map_err(|x| MappingError(format!("edge `{}`: {x}", e.column)))?;
        }
        let mut seen = std::collections::HashSet::new();
        for c in self.edges.iter().map(|e| &e.column).chain(&self.vectors) {
            if !seen.insert(c) {
                return Err(MappingError(format!("column `{c}` is mapped twice")));
            }
        }
        Ok(())
    }
}

/// A bad mapping.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("mapping: {0}")]
pub struct MappingError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_specs() {
        let e = EdgeMapping::parse("boss:reports_to").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (e.column.as_str(), e.label.as_str(), e.incoming),
            ("boss", "reports_to", false)
        );
        assert!(EdgeMapping::parse("fans:likes:in").is_ok_and(|e| e.incoming));
        for bad in ["", "x", "x:", ":y", "x:y:z", "x:y:in:more", "x:bad label"] {
            assert!(EdgeMapping::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn query_round_trip() {
        let mut m = Mapping::new("people");
        m.id_column = "key".into();
        m.entity_type = Some("person".into());
        m.edges = vec![
            EdgeMapping::parse("boss:reports_to").unwrap_or_else(|e| panic!("{e}")),
            EdgeMapping::parse("fans:likes:in").unwrap_or_else(|e| panic!("{e}")),
        ];
        m.vectors = vec!["emb".into(), "img".into()];
        let q = m.to_query();
        let back = Mapping::from_query("people", q.iter().map(|(k, v)| (*k, v.as_str())), &[]);
        assert_eq!(back.as_ref().ok(), Some(&m));
        let bad = Mapping::from_query("people", [("idcolumn", "x")], &["format"]);
        assert!(bad.is_err_and(|e| e.0.contains("unknown parameter `idcolumn`")));
        assert!(Mapping::from_query("people", [("format", "csv")], &["format"]).is_ok());
    }

    #[test]
    fn twice_mapped_columns_are_refused() {
        let mut m = Mapping::new("people");
        m.vectors = vec!["v".into(), "v".into()];
        assert!(m.check().is_err());
        m.vectors.pop();
        assert!(m.check().is_ok());
        m.collection = "bad name".into();
        assert!(m.check().is_err());
    }
}
