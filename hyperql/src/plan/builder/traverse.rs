//! TRAVERSE: graph patterns over the FROM rows. Each path starts at a bound alias or
//! variable (the only FROM table may be renamed by the first path's start variable);
//! each `-[edge]->(node)` step adds an edge column and, unless the node variable is
//! already bound, a node column.

use super::*;

/// The columns and steps of a `Traverse` node as its patterns are read.
struct Traversal {
    /// Every column in scope: the input's, then those added so far.
    cols: Vec<Column>,
    /// The columns the traversal adds.
    added: Vec<Column>,
    steps: Vec<TraverseStep>,
}

impl Traversal {
    /// The column bound to variable `v`.
    fn find(&self, v: &str) -> Option<usize> {
        self.cols
            .iter()
            .position(|c| c.binding.as_deref() == Some(v))
    }

    /// Adds a column and returns its position.
    fn add(&mut self, c: Column) -> usize {
        self.cols.push(c.clone());
        self.added.push(c);
        self.cols.len() - 1
    }
}

/// The column a path starts from. `first_alone`: this is the first path and the input
/// has one column, which an unbound (or absent) start variable then names.
fn path_start(
    plan: &mut Plan,
    t: &mut Traversal,
    first_alone: bool,
    p: &ast::PathPattern,
) -> R<usize> {
    match &p.start.var {
        Some(v) => match t.find(&v.name) {
            Some(i) => Ok(i),
            None if first_alone => {
                if let Plan::Scan { binding, .. } = plan {
                    *binding = v.name.clone();
                }
                t.cols[0].binding = Some(v.name.clone());
                t.cols[0].name = v.name.clone();
                Ok(0)
            }
            None => err(
                v.span,
                format!(
                    "path start `{}` is not bound; start from a FROM alias or an earlier variable",
                    v.name
                ),
            ),
        },
        None if first_alone => Ok(0),
        None => err(p.span, "this path needs a named start node bound earlier"),
    }
}

/// A start label on the FROM table must name its collection or entity type.
fn check_start_label(p: &ast::PathPattern, plan: &Plan, start: usize) -> R<()> {
    if let (
        Some(l),
        Plan::Scan {
            collection, entity, ..
        },
    ) = (&p.start.label, plan)
        && start == 0
        && l.name != *collection
        && entity.as_deref() != Some(l.name.as_str())
    {
        return err(
            l.span,
            format!(
                "label `{}` does not match the FROM collection `{collection}`",
                l.name
            ),
        );
    }
    Ok(())
}

impl Builder<'_> {
    /// `plan` extended by the TRAVERSE `paths`, read left to right.
    pub(super) fn traverse(&mut self, mut plan: Plan, paths: &[ast::PathPattern]) -> R<Plan> {
        let base = plan.columns();
        if base.is_empty() {
            return err(
                paths[0].span,
                "TRAVERSE needs a FROM clause for its start nodes",
            );
        }
        let mut t = Traversal {
            cols: base.clone(),
            added: Vec::new(),
            steps: Vec::new(),
        };
        for (pi, p) in paths.iter().enumerate() {
            let start = path_start(&mut plan, &mut t, pi == 0 && base.len() == 1, p)?;
            check_start_label(p, &plan, start)?;
            let mut cur = start;
            for (edge, node) in &p.steps {
                cur = self.step(&mut t, cur, edge, node, p.span)?;
            }
        }
        Ok(Plan::Traverse {
            input: Box::new(plan),
            steps: t.steps,
            added: t.added,
        })
    }

    /// One `-[edge]->(node)` step from column `from`; returns the node's column.
    fn step(
        &mut self,
        t: &mut Traversal,
        from: usize,
        edge: &ast::EdgePattern,
        node: &ast::NodePattern,
        span: Span,
    ) -> R<usize> {
        let (min, max, variable) = match &edge.quantifier {
            None => (1, 1, false),
            Some(q) => (q.min.unwrap_or(1), q.max.unwrap_or(u32::MAX), true),
        };
        if min > max {
            return err(
                span,
                format!("quantifier minimum {min} exceeds maximum {max}"),
            );
        }
        let mut props = Vec::new();
        for (k, v) in &edge.props {
            props.push((
                k.clone(),
                self.expr(v, &[], Mode::Row("edge properties"))?.0,
            ));
        }
        let ename = edge.var.as_ref().map(|v| v.name.clone());
        if let Some(n) = &ename
            && t.find(n).is_some()
        {
            return err(
                edge.var.as_ref().map_or(span, |v| v.span),
                format!("variable `{n}` is bound twice"),
            );
        }
        t.add(Column {
            binding: ename.clone(),
            name: ename.unwrap_or_else(|| format!("_edge{}", t.steps.len())),
            ty: if variable { Type::Array } else { Type::Object },
            schema: None,
        });
        let bound_target = node.var.as_ref().and_then(|v| t.find(&v.name));
        let node_label = node.label.as_ref().map(|l| l.name.clone());
        if let Some(l) = &node.label
            && self.source.schema(&l.name).is_none()
        {
            return err(l.span, format!("unknown collection `{}`", l.name));
        }
        t.steps.push(TraverseStep {
            from_col: from,
            label: edge.label.as_ref().map(|l| l.name.clone()),
            direction: edge.direction,
            min,
            max,
            variable,
            optional: edge.optional,
            props,
            node_label: node_label.clone(),
            bound_target,
        });
        Ok(match bound_target {
            Some(i) => i,
            None => {
                let n = node.var.as_ref().map(|v| v.name.clone());
                let c = Column {
                    binding: n.clone(),
                    name: n.unwrap_or_else(|| format!("_node{}", t.steps.len())),
                    ty: Type::Object,
                    schema: node_label
                        .as_deref()
                        .and_then(|l| self.source.schema(l))
                        .map(Arc::new),
                };
                t.add(c)
            }
        })
    }
}
