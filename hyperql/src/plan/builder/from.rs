//! FROM: one scan per table reference, joined left to right; every alias must be
//! distinct, and an ON condition sees the columns of both sides. A name that a
//! `WITH` in scope defines is that table expression (see `query`), not a collection.

use super::*;

impl Builder<'_> {
    /// A scan of `t`, bound to its alias (or, without one, to the collection name).
    pub(super) fn table(&mut self, t: &ast::TableRef) -> R<Plan> {
        if t.args.is_some() {
            return self.table_function(t);
        }
        if let Some(p) = self.cte_ref(t) {
            return Ok(p);
        }
        let schema = self.source.schema(&t.collection.name).ok_or_else(|| {
            SemanticError::new(
                t.collection.span,
                format!("unknown collection `{}`", t.collection.name),
            )
        })?;
        let binding = t.alias.as_ref().unwrap_or(&t.collection).name.clone();
        Ok(Plan::Scan {
            binding,
            collection: t.collection.name.clone(),
            entity: t.entity.as_ref().map(|e| e.name.clone()),
            filters: Vec::new(),
            projection: None,
            limit: None,
            schema: Some(Arc::new(schema)),
            time_field: None,
        })
    }

    /// The FROM clause: its tables joined left to right.
    pub(super) fn from(&mut self, f: &ast::From) -> R<Plan> {
        let mut plan = self.table(&f.first)?;
        for j in &f.joins {
            let right = self.table(&j.table)?;
            let rb = right.columns()[0].binding.clone();
            if plan.columns().iter().any(|c| c.binding == rb) {
                return err(
                    j.table.span,
                    format!(
                        "alias `{}` is used twice; give one of them another alias",
                        rb.unwrap_or_default()
                    ),
                );
            }
            let mut scope = plan.columns();
            scope.extend(right.columns());
            let on = match &j.on {
                Some(e) => Some(self.condition(e, &scope, Mode::Row("ON"), "ON")?),
                None => None,
            };
            plan = Plan::Join {
                left: Box::new(plan),
                right: Box::new(right),
                kind: j.kind,
                on,
            };
        }
        Ok(plan)
    }
}
