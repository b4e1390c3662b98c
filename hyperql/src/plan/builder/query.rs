//! Compound queries: `WITH` (common table expressions) and set operations.
//!
//! A table expression is planned where it is defined and inlined where FROM names
//! it: its rows become one document per row (fields named by its columns) bound to
//! the reference's alias, so `t.col`, a bare `col` and `*` resolve as over a
//! collection with a closed, declared schema. A reference inside a later table
//! expression or the query sees every table expression defined before it; a name
//! defined twice in one `WITH` is an error; an inner `WITH` hides an outer one.
//!
//! `WITH RECURSIVE t AS (base UNION [ALL] step)`: `step` reads `t` as the rows the
//! previous round added ([`Plan::WorkTable`]); `base` may not read `t`. A recursive
//! table expression that does not read itself is an ordinary one.

use super::*;
use crate::ast::{Query, SetExpr, SetOp};

/// A table expression in scope.
pub(super) struct CteDef {
    /// The name FROM refers to it by.
    name: String,
    /// Its rows (for a recursive one inside its own step: the work table).
    plan: Plan,
    /// Its columns, named.
    columns: Vec<Column>,
    /// Set when FROM refers to it.
    used: std::cell::Cell<bool>,
}

/// Whether `plan` reads work table `name` in its FROM clauses.
fn reads_work_table(plan: &Plan, name: &str) -> bool {
    match plan {
        Plan::WorkTable { name: n, .. } => n == name,
        _ => plan.children().iter().any(|c| reads_work_table(c, name)),
    }
}

impl Builder<'_> {
    /// Plans a query: its table expressions, its body, then the ORDER BY, LIMIT and
    /// OFFSET of a set operation's result.
    pub(super) fn query(&mut self, q: &Query) -> R<Plan> {
        let depth = self.ctes.len();
        let r = self.query_in_scope(q);
        self.ctes.truncate(depth);
        r
    }

    fn query_in_scope(&mut self, q: &Query) -> R<Plan> {
        if let Some(w) = &q.with {
            let first = self.ctes.len();
            for c in &w.ctes {
                if self.ctes[first..].iter().any(|d| d.name == c.name.name) {
                    return err(
                        c.name.span,
                        format!("`{}` is defined twice in one WITH", c.name.name),
                    );
                }
                let def = self.cte(c, w.recursive)?;
                self.ctes.push(def);
            }
        }
        let mut plan = self.set_expr(&q.body, q.span)?;
        if !q.order_by.is_empty() {
            let scope = plan.columns();
            let mut keys = Vec::new();
            for o in &q.order_by {
                let (expr, _) = self.expr(&o.expr, &scope, Mode::Row("ORDER BY"))?;
                keys.push(SortKey { expr, desc: o.desc });
            }
            plan = Plan::Sort {
                input: Box::new(plan),
                keys,
                limit: None,
            };
        }
        self.limit_of(plan, q.limit.as_ref(), q.offset.as_ref())
    }

    /// The rows of a query body.
    fn set_expr(&mut self, e: &SetExpr, span: Span) -> R<Plan> {
        match e {
            SetExpr::Select(s) => self.select(s),
            SetExpr::Nested(q) => self.query(q),
            SetExpr::SetOp {
                op,
                all,
                left,
                right,
            } => {
                let left = self.set_expr(left, span)?;
                let right = self.set_expr(right, span)?;
                let columns = merged_columns(&left, &right, op.keyword(), span)?;
                Ok(Plan::SetOp {
                    op: *op,
                    all: *all,
                    left: Box::new(left),
                    right: Box::new(right),
                    columns,
                })
            }
        }
    }

    /// Plans one table expression of a `WITH`.
    fn cte(&mut self, c: &ast::Cte, recursive: bool) -> R<CteDef> {
        if recursive && let Some(def) = self.recursive_cte(c)? {
            return Ok(def);
        }
        let plan = self.query(&c.query)?;
        let columns = named_columns(plan.columns(), c)?;
        Ok(CteDef {
            name: c.name.name.clone(),
            plan,
            columns,
            used: Default::default(),
        })
    }

    /// A recursive table expression, or `None` when `c` is not `base UNION step`.
    fn recursive_cte(&mut self, c: &ast::Cte) -> R<Option<CteDef>> {
        let q = &c.query;
        let SetExpr::SetOp {
            op: SetOp::Union,
            all,
            left,
            right,
        } = &q.body
        else {
            return Ok(None);
        };
        if q.with.is_some() {
            return Ok(None);
        }
        let name = c.name.name.clone();
        let work = format!("{name}#{}", self.work_tables);
        self.work_tables += 1;
        // The base is planned with the work table in scope only to find out that it
        // reads it (an error), not a collection of the same name.
        let probe = CteDef {
            name: name.clone(),
            plan: Plan::Empty {
                columns: Vec::new(),
            },
            columns: Vec::new(),
            used: Default::default(),
        };
        self.ctes.push(probe);
        let base = self.set_expr(left, q.span);
        let probe = self.ctes.pop();
        if probe.is_some_and(|p| p.used.get()) {
            return err(
                c.name.span,
                format!(
                    "the first part of recursive `{name}` (before UNION) may not read `{name}`"
                ),
            );
        }
        let base = base?;
        let columns = named_columns(base.columns(), c)?;
        self.ctes.push(CteDef {
            name: name.clone(),
            plan: Plan::WorkTable {
                name: work.clone(),
                columns: columns.clone(),
            },
            columns: columns.clone(),
            used: Default::default(),
        });
        let step = self.set_expr(right, q.span);
        self.ctes.pop();
        let step = step?;
        let merged = merged_columns(&base, &step, "recursive UNION", q.span)?;
        let columns: Vec<Column> = columns
            .into_iter()
            .zip(merged)
            .map(|(c, m)| Column::value(c.name, m.ty))
            .collect();
        if !reads_work_table(&step, &work) {
            let plan = Plan::SetOp {
                op: SetOp::Union,
                all: *all,
                left: Box::new(base),
                right: Box::new(step),
                columns: columns.clone(),
            };
            return Ok(Some(CteDef {
                name,
                plan,
                columns,
                used: Default::default(),
            }));
        }
        if !q.order_by.is_empty() || q.limit.is_some() || q.offset.is_some() {
            return err(
                q.span,
                format!(
                    "recursive `{name}` cannot have its own ORDER BY, LIMIT or OFFSET; put them in the query that reads it"
                ),
            );
        }
        let plan = Plan::RecursiveCte {
            name: work,
            base: Box::new(base),
            step: Box::new(step),
            all: *all,
            columns: columns.clone(),
        };
        Ok(Some(CteDef {
            name,
            plan,
            columns,
            used: Default::default(),
        }))
    }

    /// The table expression FROM names `t`, inlined and bound to its alias; `None`
    /// when no table expression in scope has that name.
    pub(super) fn cte_ref(&self, t: &ast::TableRef) -> Option<Plan> {
        if t.entity.is_some() {
            return None;
        }
        let def = self
            .ctes
            .iter()
            .rev()
            .find(|d| d.name == t.collection.name)?;
        def.used.set(true);
        let binding = t.alias.as_ref().unwrap_or(&t.collection).name.clone();
        let fields = def
            .columns
            .iter()
            .map(|c| FieldSchema::new(c.name.clone(), c.ty))
            .collect();
        let schema = Arc::new(crate::source::Schema {
            name: def.name.clone(),
            fields,
            closed: true,
            declared: true,
        });
        let exprs = vec![BExpr::Object(
            def.columns
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.clone(), BExpr::Col(i)))
                .collect(),
        )];
        Some(Plan::Project {
            input: Box::new(def.plan.clone()),
            exprs,
            columns: vec![Column {
                binding: Some(binding.clone()),
                name: binding,
                ty: Type::Object,
                schema: Some(schema),
            }],
        })
    }
}

/// The columns of table expression `c` whose query yields `cols`: renamed by its
/// column list when it has one; every name distinct.
fn named_columns(cols: Vec<Column>, c: &ast::Cte) -> R<Vec<Column>> {
    if !c.columns.is_empty() && c.columns.len() != cols.len() {
        return err(
            c.name.span,
            format!(
                "`{}` names {} columns but its query returns {}",
                c.name.name,
                c.columns.len(),
                cols.len()
            ),
        );
    }
    let out: Vec<Column> = cols
        .into_iter()
        .enumerate()
        .map(|(i, col)| {
            let name = c.columns.get(i).map_or(col.name, |n| n.name.clone());
            Column::value(name, col.ty)
        })
        .collect();
    for (i, a) in out.iter().enumerate() {
        if out[..i].iter().any(|b| b.name == a.name) {
            return err(
                c.name.span,
                format!(
                    "`{}` has two columns named `{}`; name its columns: {}(a, b, ..)",
                    c.name.name, a.name, c.name.name
                ),
            );
        }
    }
    Ok(out)
}

/// The columns of a set operation over `left` and `right`: the left's names, each
/// type merged with the right's; both sides as wide.
fn merged_columns(left: &Plan, right: &Plan, what: &str, span: Span) -> R<Vec<Column>> {
    let (l, r) = (left.columns(), right.columns());
    if l.len() != r.len() {
        return err(
            span,
            format!(
                "each side of {what} must return as many columns: {} and {}",
                l.len(),
                r.len()
            ),
        );
    }
    l.into_iter()
        .zip(r)
        .enumerate()
        .map(|(i, (a, b))| match merge_param(a.ty, b.ty) {
            Some(ty) => Ok(Column::value(a.name, ty)),
            None => err(
                span,
                format!(
                    "column {} of {what} is {} on one side and {} on the other",
                    i + 1,
                    a.ty,
                    b.ty
                ),
            ),
        })
        .collect()
}
