//! Schema statements: `CREATE SCHEMA`, `ALTER SCHEMA .. ADD / DROP FIELD` and
//! `DESCRIBE SCHEMA`, with the checks on field definitions (type names, defaults,
//! cascade aggregates).

use super::*;
use crate::types::FieldType;

/// Aggregates a cascaded field may use without arguments: the SQL ones, `Latest`
/// (the value of the most recently written source), `Median` and `StdDev`, with their
/// common spellings.
fn is_cascade_aggregate(name: &str) -> bool {
    AggFunc::from_name(name).is_some()
        || [
            "latest", "last", "mean", "minimum", "maximum", "median", "stddev",
        ]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name))
}

/// The time-series declaration of `schema`: its time field a REQUIRED Timestamp or
/// Int, its series field a REQUIRED String.
fn time_series_decl(
    schema: &Schema,
    t: &ast::TimeSeriesClause,
) -> R<crate::source::TimeSeriesDecl> {
    let check = |id: &ast::Ident, role: &str, ok: &dyn Fn(&Type) -> bool, want: &str| -> R<()> {
        match schema.field(&id.name) {
            None => err(
                id.span,
                format!(
                    "the {role} field `{}` is not a field of the schema",
                    id.name
                ),
            ),
            Some(f) if !ok(&f.ty) || !f.required => err(
                id.span,
                format!("the {role} field `{}` must be a REQUIRED {want}", id.name),
            ),
            Some(_) => Ok(()),
        }
    };
    check(
        &t.time,
        "time",
        &|ty| matches!(ty, Type::Timestamp | Type::Int),
        "Timestamp or Int",
    )?;
    if let Some(s) = &t.series {
        if s.name == t.time.name {
            return err(
                s.span,
                "the series field must differ from the time field".to_string(),
            );
        }
        check(s, "series", &|ty| matches!(ty, Type::String), "String")?;
    }
    Ok(crate::source::TimeSeriesDecl {
        collection: schema.name.clone(),
        time_field: t.time.name.clone(),
        series_field: t.series.as_ref().map(|s| s.name.clone()),
        fields: schema.fields.clone(),
    })
}

impl Builder<'_> {
    /// `CREATE SCHEMA name (fields) [CLOSED | OPEN]`: closed unless it says otherwise.
    pub(super) fn create_schema(&mut self, c: &ast::CreateSchema) -> R<Plan> {
        let mut fields = Vec::new();
        for f in &c.fields {
            fields.push(self.field_def(f)?);
        }
        let closed = c
            .extensibility
            .as_ref()
            .is_none_or(|x| x.name.eq_ignore_ascii_case("closed"));
        let schema = Schema {
            name: c.name.name.clone(),
            fields,
            closed,
            declared: true,
        };
        let time_series = c
            .time_series
            .as_ref()
            .map(|t| time_series_decl(&schema, t))
            .transpose()?;
        Ok(Plan::CreateSchema {
            schema,
            if_not_exists: c.if_not_exists,
            time_series,
        })
    }

    /// `ALTER SCHEMA`: the declared schema with one field added or dropped.
    pub(super) fn alter_schema(&mut self, a: &ast::AlterSchema) -> R<Plan> {
        let mut schema = self.declared_schema(&a.name)?;
        match &a.action {
            ast::AlterAction::AddField(f) => {
                if schema.field(&f.name.name).is_some() {
                    return err(
                        f.name.span,
                        format!("field `{}` already exists", f.name.name),
                    );
                }
                let fs = self.field_def(f)?;
                schema.fields.push(fs);
            }
            ast::AlterAction::ModifyField(f) => {
                let Some(at) = schema.fields.iter().position(|g| g.name == f.name.name) else {
                    return err(
                        f.name.span,
                        format!(
                            "field `{}` does not exist (ADD FIELD adds one)",
                            f.name.name
                        ),
                    );
                };
                schema.fields[at] = self.field_def(f)?;
            }
            ast::AlterAction::DropField(n) => {
                let before = schema.fields.len();
                schema.fields.retain(|f| f.name != n.name);
                if schema.fields.len() == before {
                    return err(n.span, format!("field `{}` does not exist", n.name));
                }
            }
        }
        Ok(Plan::AlterSchema { schema })
    }

    /// `DESCRIBE SCHEMA`: the schema the source has for the collection, declared or not.
    pub(super) fn describe_schema(&mut self, d: &ast::DescribeSchema) -> R<Plan> {
        let schema = self.source.schema(&d.name.name).ok_or_else(|| {
            SemanticError::new(d.name.span, format!("unknown collection `{}`", d.name.name))
        })?;
        Ok(Plan::DescribeSchema {
            schema,
            detailed: d.detailed,
        })
    }

    fn declared_schema(&self, name: &ast::Ident) -> R<Schema> {
        self.source
            .schema(&name.name)
            .filter(|s| s.declared)
            .ok_or_else(|| {
                SemanticError::new(name.span, format!("no declared schema `{}`", name.name))
            })
    }

    fn field_def(&mut self, f: &ast::FieldDef) -> R<FieldSchema> {
        let ft =
            FieldType::from_type_name(&f.ty).map_err(|e| SemanticError::new(e.span, e.message))?;
        let ty = ft.ty();
        if let Some(c) = &f.cascade {
            self.cascade_function(c)?;
        }
        if let Some(d) = &f.default {
            let (b, t) = self.expr(d, &[], Mode::Row("DEFAULT"))?;
            self.check_type(&b, t, ty, d.span, &format!("field `{}`", f.name.name))?;
        }
        let cascade = f.cascade.as_ref().map(|_| {
            let text = f.to_string();
            text.find("CASCADED")
                .map_or(text.clone(), |i| text[i..].to_string())
        });
        let mut fs = FieldSchema::new(f.name.name.clone(), ty);
        fs.set_field_type(ft);
        fs.required = f.required;
        fs.indexed = f.indexed;
        fs.cascade = cascade;
        fs.scope = f.scope;
        Ok(fs)
    }

    /// The aggregate of a cascade with its arguments: `MovingMean(n)` (an integer
    /// n ≥ 1), `Percentile(p)` (a constant number in [0, 100]), the others none.
    fn cascade_function(&mut self, c: &ast::Cascade) -> R<()> {
        let name = c.function.name.to_ascii_lowercase();
        let want = match name.as_str() {
            "movingmean" | "moving_mean" => 1,
            "percentile" => 1,
            _ if is_cascade_aggregate(&name) => 0,
            _ => {
                return err(
                    c.function.span,
                    format!(
                        "unknown aggregate `{}` (expected Count, Sum, Average, Min, Max, Latest, Median, StdDev, MovingMean(n) or Percentile(p))",
                        c.function.name
                    ),
                );
            }
        };
        if c.args.len() != want {
            let usage = match want {
                0 => format!("`{}` takes no arguments", c.function.name),
                _ if name == "percentile" => {
                    "`Percentile(p)` takes one number p in [0, 100]".into()
                }
                _ => "`MovingMean(n)` takes one integer n >= 1".into(),
            };
            return err(c.function.span, usage);
        }
        let Some(arg) = c.args.first() else {
            return Ok(());
        };
        let (b, _) = self.expr(arg, &[], Mode::Row("an aggregate argument"))?;
        let value = match &b {
            BExpr::Lit(v) => Some(v.clone()),
            _ => None,
        };
        let ok = match (name.as_str(), &value) {
            ("percentile", Some(v)) => v.as_f64().is_some_and(|p| (0.0..=100.0).contains(&p)),
            (_, Some(Value::Int(n))) => *n >= 1,
            _ => false,
        };
        if ok {
            Ok(())
        } else if name == "percentile" {
            err(
                arg.span,
                format!("`Percentile({arg})`: p must be a number in [0, 100]"),
            )
        } else {
            err(
                arg.span,
                format!("`MovingMean({arg})`: n must be an integer >= 1"),
            )
        }
    }
}
