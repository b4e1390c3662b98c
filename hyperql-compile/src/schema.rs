//! The schema model: collections with typed fields, declared by `CREATE SCHEMA` or
//! inferred from the queries (a field compared with a literal or inserted as one takes
//! the literal's type; two different types for one field are an error).

use crate::error::{Diag, Diagnostic};
use crate::input::{SourceFile, Unit};
use hyperql::{Expr, ExprKind, Literal, StatementKind, Type};
use serde::Serialize;
use std::collections::BTreeMap;

/// The type of a stored field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FieldType {
    /// Text (`String`).
    String,
    /// 64-bit integer (`i64`).
    Int,
    /// 64-bit float (`f64`).
    Float,
    /// Boolean.
    Bool,
    /// Microseconds since the Unix epoch (`i64`).
    Timestamp,
    /// A vector of `f32` of this dimension.
    Vector(usize),
}

impl FieldType {
    /// The HyperQL type name, as `CREATE SCHEMA` writes it.
    pub fn hql_name(self) -> String {
        match self {
            FieldType::String => "String".into(),
            FieldType::Int => "Int".into(),
            FieldType::Float => "Float".into(),
            FieldType::Bool => "Bool".into(),
            FieldType::Timestamp => "Timestamp".into(),
            FieldType::Vector(n) => format!("Embedding({n})"),
        }
    }

    fn from_type(t: Type) -> Option<FieldType> {
        Some(match t {
            Type::String => FieldType::String,
            Type::Int => FieldType::Int,
            Type::Float => FieldType::Float,
            Type::Bool => FieldType::Bool,
            Type::Timestamp => FieldType::Timestamp,
            Type::Vector(Some(n)) => FieldType::Vector(n),
            _ => return None,
        })
    }
}

/// One field of a collection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: FieldType,
    /// Must be present (the Rust type is not an `Option`).
    pub required: bool,
    /// Has a secondary index table.
    pub indexed: bool,
}

/// `WITH TIME SERIES (time [, SERIES series])`: every document is also a point on
/// manifold-timeseries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimeSeriesSpec {
    /// The time field (a REQUIRED Int or Timestamp).
    pub time: String,
    /// The field whose value names a document's series (a REQUIRED String), if any.
    pub series: Option<String>,
}

/// One collection: documents keyed by an `i64` id.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Collection {
    /// Name.
    pub name: String,
    /// Fields in order (the implicit `id` is not among them).
    pub fields: Vec<Field>,
    /// Declared with `CREATE SCHEMA` (false: inferred from the queries).
    pub declared: bool,
    /// Declared a time series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_series: Option<TimeSeriesSpec>,
}

impl Collection {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The schema as one `CREATE SCHEMA` statement.
    pub fn ddl(&self) -> String {
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|f| {
                let mut s = format!("\"{}\" {}", f.name, f.ty.hql_name());
                if f.required {
                    s.push_str(" REQUIRED");
                }
                if f.indexed {
                    s.push_str(" INDEXED");
                }
                s
            })
            .collect();
        format!("CREATE SCHEMA \"{}\" ({})", self.name, fields.join(", "))
    }
}

/// Every collection the queries use.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Model {
    /// Collections in declaration order (inferred ones after, by name).
    pub collections: Vec<Collection>,
}

impl Model {
    /// The collection named `name`.
    pub fn collection(&self, name: &str) -> Option<&Collection> {
        self.collections.iter().find(|c| c.name == name)
    }

    /// The model as JSON: `{"collections": [{"name", "fields": [{"name", "ty",
    /// "required", "indexed"}], "declared"}]}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Builds the model from the schema statements of `units`, then infers the
/// collections no `CREATE SCHEMA` declares.
pub(crate) fn build(files: &[SourceFile], units: &[Unit]) -> Diag<Model> {
    let mut model = Model::default();
    let mut errors = Vec::new();
    let mut declared_at: BTreeMap<String, (usize, hyperql::Span)> = BTreeMap::new();
    for u in units {
        let f = &files[u.file];
        let here = |span, msg: String| Diagnostic::at(&f.path, &f.text, span, msg);
        match &u.stmt.kind {
            StatementKind::CreateSchema(cs) => {
                if let Some((fi, first)) = declared_at.get(&cs.name.name) {
                    let (l, c) = first.line_col(&files[*fi].text);
                    errors.push(here(
                        cs.name.span,
                        format!(
                            "schema `{}` is declared twice (first at {}:{l}:{c})",
                            cs.name.name,
                            files[*fi].path.display()
                        ),
                    ));
                    continue;
                }
                declared_at.insert(cs.name.name.clone(), (u.file, cs.name.span));
                let mut fields = Vec::new();
                for fd in &cs.fields {
                    if fd.cascade.is_some() {
                        errors.push(here(
                            fd.span,
                            "CASCADED fields are not supported by hyperql-compile".into(),
                        ));
                        continue;
                    }
                    if fd.default.is_some() {
                        errors.push(here(
                            fd.span,
                            "DEFAULT is not supported by hyperql-compile".into(),
                        ));
                        continue;
                    }
                    if let Some(scope) = fd.scope {
                        errors.push(here(
                            fd.span,
                            format!("the field scope {scope} is not supported by hyperql-compile"),
                        ));
                        continue;
                    }
                    let t = match hyperql::FieldType::from_type_name(&fd.ty) {
                        Ok(hyperql::FieldType::Plain(t)) => Some(t),
                        Ok(_) => None,
                        Err(e) => {
                            errors.push(here(e.span, e.message));
                            continue;
                        }
                    };
                    let Some(ty) = t.and_then(FieldType::from_type) else {
                        errors.push(here(
                            fd.ty.span,
                            format!(
                                "type `{}` is not supported by hyperql-compile; expected String, Int, Float, Bool, Timestamp or Embedding(n) (not Array, Map or Object)",
                                fd.ty
                            ),
                        ));
                        continue;
                    };
                    if fd.name.name == "id" {
                        errors.push(here(
                            fd.name.span,
                            "`id` is implicit (an Int key); do not declare it".into(),
                        ));
                        continue;
                    }
                    fields.push(Field {
                        name: fd.name.name.clone(),
                        ty,
                        required: fd.required,
                        indexed: fd.indexed,
                    });
                }
                let time_series = cs.time_series.as_ref().and_then(|t| {
                    match time_series_spec(&fields, t) {
                        Ok(spec) => Some(spec),
                        Err((span, msg)) => {
                            errors.push(here(span, msg));
                            None
                        }
                    }
                });
                model.collections.push(Collection {
                    name: cs.name.name.clone(),
                    fields,
                    declared: true,
                    time_series,
                });
            }
            StatementKind::AlterSchema(_)
            | StatementKind::DropSchema(_)
            | StatementKind::DescribeSchema(_) => errors.push(here(
                u.stmt.span,
                "ALTER, DROP and DESCRIBE SCHEMA are not supported by hyperql-compile; edit the CREATE SCHEMA".into(),
            )),
            _ => {}
        }
    }
    infer(files, units, &mut model, &mut errors);
    if errors.is_empty() {
        Ok(model)
    } else {
        Err(errors)
    }
}

/// The time-series marker of a collection with `fields`: the time field a REQUIRED
/// Int or Timestamp, the series field a REQUIRED String (the interpreted engine's
/// rules).
fn time_series_spec(
    fields: &[Field],
    t: &hyperql::TimeSeriesClause,
) -> Result<TimeSeriesSpec, (hyperql::Span, String)> {
    let check =
        |id: &hyperql::Ident, role: &str, ok: &dyn Fn(FieldType) -> bool, want: &str| match fields
            .iter()
            .find(|f| f.name == id.name)
        {
            None => Err((
                id.span,
                format!(
                    "the {role} field `{}` is not a field of the schema",
                    id.name
                ),
            )),
            Some(f) if !ok(f.ty) || !f.required => Err((
                id.span,
                format!("the {role} field `{}` must be a REQUIRED {want}", id.name),
            )),
            Some(_) => Ok(()),
        };
    check(
        &t.time,
        "time",
        &|ty| matches!(ty, FieldType::Int | FieldType::Timestamp),
        "Timestamp or Int",
    )?;
    if let Some(s) = &t.series {
        if s.name == t.time.name {
            return Err((
                s.span,
                "the series field must differ from the time field".into(),
            ));
        }
        check(s, "series", &|ty| ty == FieldType::String, "String")?;
    }
    Ok(TimeSeriesSpec {
        time: t.time.name.clone(),
        series: t.series.as_ref().map(|s| s.name.clone()),
    })
}

/// A field type seen in a query, and where.
struct Seen {
    ty: FieldType,
    file: usize,
    span: hyperql::Span,
}

fn literal_type(e: &Expr) -> Option<FieldType> {
    match &e.kind {
        ExprKind::Literal(Literal::Int(_)) => Some(FieldType::Int),
        ExprKind::Literal(Literal::Float(_)) => Some(FieldType::Float),
        ExprKind::Literal(Literal::String(_)) => Some(FieldType::String),
        ExprKind::Literal(Literal::Bool(_)) => Some(FieldType::Bool),
        _ => None,
    }
}

fn field_name(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Path(p) if p.len() == 1 => Some(&p[0].name),
        _ => None,
    }
}

/// Field types of an undeclared collection, from comparisons with literals.
fn walk(e: &Expr, file: usize, seen: &mut Vec<(String, Seen)>) {
    let mut pair = |a: &Expr, b: &Expr| {
        if let (Some(f), Some(ty)) = (field_name(a), literal_type(b)) {
            seen.push((
                f.to_string(),
                Seen {
                    ty,
                    file,
                    span: b.span,
                },
            ));
        }
    };
    match &e.kind {
        ExprKind::Binary { left, right, .. } => {
            pair(left, right);
            pair(right, left);
            walk(left, file, seen);
            walk(right, file, seen);
        }
        ExprKind::Unary { expr, .. } | ExprKind::IsNull { expr, .. } => walk(expr, file, seen),
        ExprKind::Between {
            expr, low, high, ..
        } => {
            pair(expr, low);
            pair(expr, high);
        }
        ExprKind::InList { expr, list, .. } => list.iter().for_each(|l| pair(expr, l)),
        ExprKind::Like { expr, .. } => {
            if let Some(f) = field_name(expr) {
                seen.push((
                    f.to_string(),
                    Seen {
                        ty: FieldType::String,
                        file,
                        span: e.span,
                    },
                ));
            }
        }
        _ => {}
    }
}

fn infer(files: &[SourceFile], units: &[Unit], model: &mut Model, errors: &mut Vec<Diagnostic>) {
    let mut by_coll: BTreeMap<String, Vec<(String, Seen)>> = BTreeMap::new();
    for u in units {
        let (coll, exprs): (&str, Vec<&Expr>) = match &u.stmt.kind {
            StatementKind::Select(s) => match &s.from {
                // A table function (`ENDPOINTS(..)`) names no collection.
                Some(f) if f.joins.is_empty() && f.first.args.is_none() => (
                    &f.first.collection.name,
                    s.selection.iter().chain(s.having.iter()).collect(),
                ),
                _ => continue,
            },
            StatementKind::Update(up) => {
                (&up.target.collection.name, up.selection.iter().collect())
            }
            StatementKind::Delete(d) => (&d.target.collection.name, d.selection.iter().collect()),
            StatementKind::Insert(ins) => {
                let entry = by_coll
                    .entry(ins.target.collection.name.clone())
                    .or_default();
                if let hyperql::InsertSource::Values { columns, rows } = &ins.source {
                    for row in rows {
                        for (c, v) in columns.iter().zip(row) {
                            if let Some(ty) = literal_type(v) {
                                entry.push((
                                    c.name.clone(),
                                    Seen {
                                        ty,
                                        file: u.file,
                                        span: v.span,
                                    },
                                ));
                            }
                        }
                    }
                }
                continue;
            }
            _ => continue,
        };
        let entry = by_coll.entry(coll.to_string()).or_default();
        for e in exprs {
            walk(e, u.file, entry);
        }
    }
    for (coll, seen) in by_coll {
        if model.collection(&coll).is_some() {
            continue;
        }
        let mut fields: Vec<(Field, usize, hyperql::Span)> = Vec::new();
        for (name, s) in seen {
            if name == "id" {
                continue;
            }
            match fields.iter_mut().find(|(f, _, _)| f.name == name) {
                None => fields.push((
                    Field {
                        name,
                        ty: s.ty,
                        required: false,
                        indexed: false,
                    },
                    s.file,
                    s.span,
                )),
                Some((f, _, _)) if f.ty == s.ty => {}
                Some((f, _, _))
                    if matches!(
                        (f.ty, s.ty),
                        (FieldType::Int, FieldType::Float) | (FieldType::Float, FieldType::Int)
                    ) =>
                {
                    f.ty = FieldType::Float;
                }
                Some((f, fi, sp)) => {
                    let (l, c) = sp.line_col(&files[*fi].text);
                    let file = &files[s.file];
                    errors.push(Diagnostic::at(
                        &file.path,
                        &file.text,
                        s.span,
                        format!(
                            "field `{coll}.{}` is used as {:?} here and as {:?} at {}:{l}:{c}; declare it with CREATE SCHEMA",
                            f.name,
                            s.ty,
                            f.ty,
                            files[*fi].path.display()
                        ),
                    ));
                }
            }
        }
        model.collections.push(Collection {
            name: coll,
            fields: fields.into_iter().map(|(f, _, _)| f).collect(),
            declared: false,
            time_series: None,
        });
    }
}
