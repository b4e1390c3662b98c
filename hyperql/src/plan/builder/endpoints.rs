//! Endpoints: the table function `ENDPOINTS(pattern)` in FROM, the expression
//! `collection[key].path` and the statement `SET collection[key].path = e, ...`.

use super::*;
use crate::source::EndpointPattern;

/// Whether `name` is the table function `ENDPOINTS`.
fn is_endpoints(name: &str) -> bool {
    name.eq_ignore_ascii_case("ENDPOINTS")
}

impl Builder<'_> {
    /// `FROM ENDPOINTS(pattern) [alias]`: one string argument (a literal pattern is
    /// checked here; a parameter when the statement runs).
    pub(super) fn table_function(&mut self, t: &ast::TableRef) -> R<Plan> {
        let name = &t.collection;
        if !is_endpoints(&name.name) {
            return err(
                name.span,
                format!(
                    "unknown table function `{}` (the table function is ENDPOINTS)",
                    name.name
                ),
            );
        }
        let args = t.args.as_deref().unwrap_or_default();
        let [arg] = args else {
            return err(
                t.span,
                format!(
                    "ENDPOINTS takes one argument, a path pattern such as 'users.*.email', not {}",
                    args.len()
                ),
            );
        };
        let (pattern, ty) = self.expr(arg, &[], Mode::Row("ENDPOINTS"))?;
        self.check_type(&pattern, ty, Type::String, arg.span, "ENDPOINTS")?;
        if let BExpr::Lit(v) = &pattern {
            let Value::String(text) = v else {
                return err(arg.span, "ENDPOINTS takes a string pattern");
            };
            let p = EndpointPattern::parse(text)
                .map_err(|e| SemanticError::new(arg.span, e.to_string()))?;
            if self.source.schema(&p.collection).is_none() {
                return err(arg.span, format!("unknown collection `{}`", p.collection));
            }
        }
        let binding = t.alias.as_ref().unwrap_or(name).name.clone();
        Ok(Plan::Endpoints { binding, pattern })
    }

    /// `collection[key].path`: the collection must exist; the key may read the row.
    pub(super) fn endpoint(
        &mut self,
        ep: &ast::EndpointRef,
        scope: &[Column],
        mode: Mode<'_>,
    ) -> R<(BExpr, Type)> {
        let Some(schema) = self.source.schema(&ep.collection.name) else {
            return err(
                ep.collection.span,
                format!("unknown collection `{}`", ep.collection.name),
            );
        };
        let (key, _) = self.expr(&ep.key, scope, mode)?;
        let ty = match ep.path.first() {
            None => Type::Object,
            Some(f) => match schema.field(&f.name) {
                Some(fs) if ep.path.len() == 1 => fs.ty,
                Some(_) => Type::Any,
                None if schema.declared
                    && schema.closed
                    && !self.source.system_fields().contains(&f.name.as_str()) =>
                {
                    return err(
                        f.span,
                        format!("unknown column `{}` in `{}`", f.name, schema.name),
                    );
                }
                None => Type::Any,
            },
        };
        Ok((
            BExpr::Endpoint {
                collection: ep.collection.name.clone(),
                key: Box::new(key),
                path: ep.path.iter().map(|i| i.name.clone()).collect(),
            },
            ty,
        ))
    }

    /// `SET collection[key].path = e, ...`: keys and values are row-free; a path
    /// names at least one field, not a system field, and a declared schema's field
    /// keeps its type.
    pub(super) fn set_endpoints(&mut self, s: &ast::SetEndpoints) -> R<Plan> {
        let mut assignments = Vec::with_capacity(s.assignments.len());
        for (target, value) in &s.assignments {
            let Some(first) = target.path.first() else {
                return err(
                    target.span,
                    "SET writes a field: name it after the key, as in users['u-1'].bio",
                );
            };
            if self.source.system_fields().contains(&first.name.as_str()) {
                return err(
                    first.span,
                    format!("`{}` is a system field and cannot be SET", first.name),
                );
            }
            let (key, kt) = self.expr(&target.key, &[], Mode::Row("SET"))?;
            if matches!(
                kt,
                Type::Object | Type::Array | Type::Vector(_) | Type::Bool
            ) {
                return err(target.key.span, format!("an entity key cannot be {kt}"));
            }
            let (v, vt) = self.expr(value, &[], Mode::Row("SET"))?;
            let schema = self
                .source
                .schema(&target.collection.name)
                .filter(|s| s.declared);
            if target.path.len() == 1 {
                self.check_field(schema.as_ref(), &first.name, &v, vt, value.span)?;
            } else if let Some(sc) = &schema
                && sc.closed
                && sc.field(&first.name).is_none()
            {
                return err(first.span, format!("unknown column `{}`", first.name));
            }
            assignments.push(EndpointWrite {
                collection: target.collection.name.clone(),
                key,
                path: target.path.iter().map(|i| i.name.clone()).collect(),
                value: v,
            });
        }
        Ok(Plan::SetEndpoints { assignments })
    }
}
