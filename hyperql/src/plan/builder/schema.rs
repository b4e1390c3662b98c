//! Schema statements: `CREATE SCHEMA`, `ALTER SCHEMA .. ADD / DROP FIELD` and
//! `DESCRIBE SCHEMA`, with the checks on field definitions (type names, defaults,
//! cascade aggregates).

use super::*;

/// Aggregates a cascaded field may use: the SQL ones and `Latest` (the value of the
/// most recently written source), with their common spellings.
fn is_cascade_aggregate(name: &str) -> bool {
    AggFunc::from_name(name).is_some()
        || ["latest", "last", "mean", "minimum", "maximum"]
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
            ast::AlterAction::DropField(n) => {
                let before = schema.fields.len();
                schema.fields.retain(|f| f.name != n.name);
                if schema.fields.len() == before {
                    return err(n.span, format!("unknown column `{}`", n.name));
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
        let ty = Type::from_name(&f.ty.name.name, &f.ty.params).ok_or_else(|| {
            SemanticError::new(f.ty.name.span, format!("unknown type `{}`", f.ty.name.name))
        })?;
        if let Some(c) = &f.cascade
            && !is_cascade_aggregate(&c.function.name)
        {
            return err(
                c.function.span,
                format!(
                    "unknown aggregate `{}` (expected Count, Sum, Average, Min, Max or Latest)",
                    c.function.name
                ),
            );
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
        Ok(FieldSchema {
            name: f.name.name.clone(),
            ty,
            required: f.required,
            indexed: f.indexed,
            cascade,
        })
    }
}
