//! Semantic analysis and planning: binds names (aliases, dotted paths), checks types
//! against schemas, infers parameter types, enforces the GROUP BY / HAVING rules, and
//! builds the logical plan.

use super::*;
use crate::ast::{self, Expr, ExprKind, Literal, SelectItem, Statement, StatementKind};
use crate::error::SemanticError;
use crate::functions::METRICS;
use crate::source::{DataSource, FieldSchema, ScalarFunction};
use crate::span::Span;
use std::collections::BTreeMap;

type R<T> = Result<T, SemanticError>;

/// The result of analysing one statement.
pub(crate) struct Analysis {
    /// The unoptimized plan (parameters still unbound).
    pub plan: Plan,
    /// Inferred parameter types.
    pub params: BTreeMap<String, Type>,
}

/// Analyses and plans one statement.
pub(crate) fn plan_statement(stmt: &Statement, source: &dyn DataSource) -> R<Analysis> {
    let mut b = Builder {
        source,
        functions: source.functions(),
        params: BTreeMap::new(),
        windows: Vec::new(),
    };
    let plan = b.statement(stmt)?;
    Ok(Analysis {
        plan,
        params: b.params,
    })
}

struct Builder<'a> {
    source: &'a dyn DataSource,
    functions: Vec<Arc<dyn ScalarFunction>>,
    params: BTreeMap<String, Type>,
    /// `MOVING_AVG` calls of the current select and the column each lands in.
    windows: Vec<(Expr, usize)>,
}

/// How aggregates are treated while binding.
#[derive(Clone, Copy)]
enum Mode<'e> {
    /// Aggregates are errors (`what` says where).
    Row(&'static str),
    /// After aggregation: group keys and aggregates are columns.
    Agg(&'e [Expr], &'e [Expr]),
}

fn err<T>(span: Span, msg: impl Into<String>) -> R<T> {
    Err(SemanticError::new(span, msg))
}

fn is_agg_call(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Function { name, .. } if AggFunc::from_name(&name.name).is_some())
}

/// Aggregates a cascaded field may use: the SQL ones and `Latest` (the value of the
/// most recently written source), with their common spellings.
fn is_cascade_aggregate(name: &str) -> bool {
    AggFunc::from_name(name).is_some()
        || ["latest", "last", "mean", "minimum", "maximum"]
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name))
}

fn is_window_call(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Function { name, .. } if name.name.eq_ignore_ascii_case("MOVING_AVG"))
}

/// Sub-expressions of `e` (not descending into subqueries).
fn ast_children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Path(_) | ExprKind::Param(_) | ExprKind::Subquery(_) => {
            Vec::new()
        }
        ExprKind::Unary { expr, .. } | ExprKind::IsNull { expr, .. } => vec![expr],
        ExprKind::Binary { left, right, .. } => vec![left, right],
        ExprKind::Like { expr, pattern, .. } => vec![expr, pattern],
        ExprKind::DistanceFrom { expr, anchor } => vec![expr, anchor],
        ExprKind::Between {
            expr, low, high, ..
        } => vec![expr, low, high],
        ExprKind::SimilarTo {
            expr,
            target,
            threshold,
        } => vec![expr, target, threshold],
        ExprKind::Near {
            expr,
            anchor,
            radius,
        } => vec![expr, anchor, radius],
        ExprKind::InList { expr, list, .. } => {
            std::iter::once(&**expr).chain(list.iter()).collect()
        }
        ExprKind::Function { args, .. } | ExprKind::Array(args) => args.iter().collect(),
        ExprKind::Object(kv) => kv.iter().map(|(_, v)| v).collect(),
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            let mut v: Vec<&Expr> = operand.iter().map(|b| &**b).collect();
            for (a, b) in whens {
                v.push(a);
                v.push(b);
            }
            v.extend(else_.iter().map(|b| &**b));
            v
        }
    }
}

fn collect(e: &Expr, pred: &dyn Fn(&Expr) -> bool, out: &mut Vec<Expr>) {
    if pred(e) {
        if !out.contains(e) {
            out.push(e.clone());
        }
        return;
    }
    for c in ast_children(e) {
        collect(c, pred, out);
    }
}

fn output_name(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Path(p) => p.last().map(|i| i.name.clone()).unwrap_or_default(),
        _ => e.to_string(),
    }
}

fn merge_param(old: Type, new: Type) -> Option<Type> {
    match (old, new) {
        (Type::Any, t) | (t, Type::Any) | (Type::Null, t) | (t, Type::Null) => Some(t),
        (Type::Int, Type::Float) | (Type::Float, Type::Int) => Some(Type::Float),
        (Type::Vector(a), Type::Vector(b)) => Some(Type::Vector(a.or(b))),
        (Type::Vector(a), Type::Array) | (Type::Array, Type::Vector(a)) => Some(Type::Vector(a)),
        (a, b) if a == b => Some(a),
        _ => None,
    }
}

impl Builder<'_> {
    /// Records that parameter-expression `e` is used where `ty` is expected.
    fn expect(&mut self, e: &BExpr, ty: Type, span: Span) -> R<()> {
        if let BExpr::Param(name) = e {
            let old = self.params.get(name).copied().unwrap_or(Type::Any);
            match merge_param(old, ty) {
                Some(t) => {
                    self.params.insert(name.clone(), t);
                }
                None => {
                    return err(
                        span,
                        format!("parameter ${name} is used both as {old} and as {ty}"),
                    );
                }
            }
        }
        Ok(())
    }

    fn check_type(&mut self, e: &BExpr, actual: Type, want: Type, span: Span, what: &str) -> R<()> {
        self.expect(e, want, span)?;
        let ok = match want {
            Type::Any => true,
            Type::Float | Type::Int => actual.is_numeric(),
            Type::Vector(_) => matches!(
                actual,
                Type::Vector(_) | Type::Array | Type::Any | Type::Null
            ),
            w => {
                actual.comparable(w)
                    && !(w == Type::Bool
                        && actual.is_numeric()
                        && actual != Type::Any
                        && actual != Type::Null)
            }
        };
        if ok {
            Ok(())
        } else {
            err(
                span,
                format!("type mismatch: {what} expects {want}, found {actual}"),
            )
        }
    }

    fn statement(&mut self, stmt: &Statement) -> R<Plan> {
        match &stmt.kind {
            StatementKind::Select(s) => self.select(s),
            StatementKind::Explain(inner) => Ok(Plan::Explain {
                input: Box::new(self.statement(inner)?),
            }),
            StatementKind::Insert(ins) => self.insert(ins),
            StatementKind::Update(u) => {
                let (input, schema) = self.target_rows(&u.target, u.selection.as_ref())?;
                let scope = input.columns();
                let mut assignments = Vec::new();
                for (path, e) in &u.assignments {
                    let (b, t) = self.expr(e, &scope, Mode::Row("UPDATE"))?;
                    if let Some(f) = schema
                        .as_ref()
                        .filter(|s| s.declared)
                        .and_then(|s| s.field(&path[0].name))
                    {
                        if path.len() == 1 {
                            self.check_type(&b, t, f.ty, e.span, &format!("field `{}`", f.name))?;
                        }
                    } else if schema.as_ref().is_some_and(|s| s.declared && s.closed) {
                        return err(path[0].span, format!("unknown column `{}`", path[0].name));
                    }
                    assignments.push((path.iter().map(|i| i.name.clone()).collect(), b));
                }
                Ok(Plan::Update {
                    input: Box::new(input),
                    collection: u.target.collection.name.clone(),
                    assignments,
                })
            }
            StatementKind::Delete(d) => {
                let (input, _) = self.target_rows(&d.target, d.selection.as_ref())?;
                Ok(Plan::Delete {
                    input: Box::new(input),
                    collection: d.target.collection.name.clone(),
                })
            }
            StatementKind::Subscribe(s) => {
                let (input, _) = self.target_rows(&s.target, s.selection.as_ref())?;
                Ok(Plan::Subscribe {
                    input: Box::new(input),
                })
            }
            StatementKind::Relate(r) => {
                let (from, _) = self.expr(&r.from, &[], Mode::Row("RELATE"))?;
                let (to, _) = self.expr(&r.to, &[], Mode::Row("RELATE"))?;
                let mut props = Vec::new();
                for (k, v) in &r.props {
                    props.push((k.clone(), self.expr(v, &[], Mode::Row("RELATE"))?.0));
                }
                let (from, to) = if r.direction == ast::Direction::In {
                    (to, from)
                } else {
                    (from, to)
                };
                Ok(Plan::Relate {
                    from,
                    to,
                    label: r.label.name.clone(),
                    props,
                })
            }
            StatementKind::CreateSchema(c) => {
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
                Ok(Plan::CreateSchema {
                    schema,
                    if_not_exists: c.if_not_exists,
                })
            }
            StatementKind::AlterSchema(a) => {
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
            StatementKind::DropSchema(d) => Ok(Plan::DropSchema {
                name: d.name.name.clone(),
                if_exists: d.if_exists,
            }),
            StatementKind::DescribeSchema(d) => {
                let schema = self.source.schema(&d.name.name).ok_or_else(|| {
                    SemanticError::new(d.name.span, format!("unknown collection `{}`", d.name.name))
                })?;
                Ok(Plan::DescribeSchema {
                    schema,
                    detailed: d.detailed,
                })
            }
        }
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

    /// Scan + filter of an UPDATE/DELETE/SUBSCRIBE target.
    fn target_rows(
        &mut self,
        t: &ast::TableRef,
        selection: Option<&Expr>,
    ) -> R<(Plan, Option<Arc<Schema>>)> {
        let plan = self.table(t)?;
        let schema = plan.columns()[0].schema.clone();
        let scope = plan.columns();
        let plan = match selection {
            Some(w) => {
                let (p, ty) = self.expr(w, &scope, Mode::Row("WHERE"))?;
                self.check_type(&p, ty, Type::Bool, w.span, "WHERE")?;
                Plan::Filter {
                    input: Box::new(plan),
                    predicate: p,
                }
            }
            None => plan,
        };
        Ok((plan, schema))
    }

    fn insert(&mut self, ins: &ast::Insert) -> R<Plan> {
        let name = &ins.target.collection;
        let schema = self.source.schema(&name.name).filter(|s| s.declared);
        let mut docs = Vec::new();
        let check = |b: &mut Self, key: &str, v: &BExpr, t: Type, span: Span| -> R<()> {
            if let Some(s) = &schema {
                match s.field(key) {
                    Some(f) => b.check_type(v, t, f.ty, span, &format!("field `{key}`"))?,
                    None if s.closed && !b.source.system_fields().contains(&key) => {
                        return err(span, format!("unknown column `{key}`"));
                    }
                    None => {}
                }
            }
            Ok(())
        };
        match &ins.source {
            ast::InsertSource::Values { columns, rows } => {
                let cols: Vec<String> = if columns.is_empty() {
                    match &schema {
                        Some(s) => s.fields.iter().map(|f| f.name.clone()).collect(),
                        None => {
                            return err(
                                name.span,
                                "INSERT without a column list needs a declared schema",
                            );
                        }
                    }
                } else {
                    columns.iter().map(|c| c.name.clone()).collect()
                };
                for row in rows {
                    if row.len() != cols.len() {
                        return err(
                            row.first().map_or(name.span, |e| e.span),
                            format!("row has {} values for {} columns", row.len(), cols.len()),
                        );
                    }
                    let mut kv = Vec::new();
                    for (c, e) in cols.iter().zip(row) {
                        let (b, t) = self.expr(e, &[], Mode::Row("VALUES"))?;
                        check(self, c, &b, t, e.span)?;
                        kv.push((c.clone(), b));
                    }
                    docs.push(BExpr::Object(kv));
                }
            }
            ast::InsertSource::Documents(ds) => {
                for d in ds {
                    if let ExprKind::Object(kv) = &d.kind {
                        for (k, v) in kv {
                            let (b, t) = self.expr(v, &[], Mode::Row("INSERT"))?;
                            check(self, k, &b, t, v.span)?;
                        }
                    }
                    docs.push(self.expr(d, &[], Mode::Row("INSERT"))?.0);
                }
            }
        }
        Ok(Plan::Insert {
            collection: name.name.clone(),
            entity: ins.target.entity.as_ref().map(|e| e.name.clone()),
            docs,
        })
    }

    fn table(&mut self, t: &ast::TableRef) -> R<Plan> {
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

    fn from(&mut self, f: &ast::From) -> R<Plan> {
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
                Some(e) => {
                    let (b, t) = self.expr(e, &scope, Mode::Row("ON"))?;
                    self.check_type(&b, t, Type::Bool, e.span, "ON")?;
                    Some(b)
                }
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

    fn traverse(&mut self, mut plan: Plan, paths: &[ast::PathPattern]) -> R<Plan> {
        let base = plan.columns();
        if base.is_empty() {
            return err(
                paths[0].span,
                "TRAVERSE needs a FROM clause for its start nodes",
            );
        }
        let mut cols = base.clone();
        let mut added = Vec::new();
        let mut steps = Vec::new();
        let find =
            |cols: &[Column], v: &str| cols.iter().position(|c| c.binding.as_deref() == Some(v));
        for (pi, p) in paths.iter().enumerate() {
            let start = match &p.start.var {
                Some(v) => match find(&cols, &v.name) {
                    Some(i) => i,
                    None if pi == 0 && base.len() == 1 => {
                        if let Plan::Scan { binding, .. } = &mut plan {
                            *binding = v.name.clone();
                        }
                        cols[0].binding = Some(v.name.clone());
                        cols[0].name = v.name.clone();
                        0
                    }
                    None => {
                        return err(
                            v.span,
                            format!(
                                "path start `{}` is not bound; start from a FROM alias or an earlier variable",
                                v.name
                            ),
                        );
                    }
                },
                None if pi == 0 && base.len() == 1 => 0,
                None => return err(p.span, "this path needs a named start node bound earlier"),
            };
            if let (
                Some(l),
                Plan::Scan {
                    collection, entity, ..
                },
            ) = (&p.start.label, &plan)
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
            let mut cur = start;
            for (edge, node) in &p.steps {
                let (min, max, variable) = match &edge.quantifier {
                    None => (1, 1, false),
                    Some(q) => (q.min.unwrap_or(1), q.max.unwrap_or(u32::MAX), true),
                };
                if min > max {
                    return err(
                        p.span,
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
                    && find(&cols, n).is_some()
                {
                    return err(
                        edge.var.as_ref().map_or(p.span, |v| v.span),
                        format!("variable `{n}` is bound twice"),
                    );
                }
                let ecol = Column {
                    binding: ename.clone(),
                    name: ename.unwrap_or_else(|| format!("_edge{}", steps.len())),
                    ty: if variable { Type::Array } else { Type::Object },
                    schema: None,
                };
                cols.push(ecol.clone());
                added.push(ecol);
                let bound_target = node.var.as_ref().and_then(|v| find(&cols, &v.name));
                let node_label = node.label.as_ref().map(|l| l.name.clone());
                if let Some(l) = &node.label
                    && self.source.schema(&l.name).is_none()
                {
                    return err(l.span, format!("unknown collection `{}`", l.name));
                }
                steps.push(TraverseStep {
                    from_col: cur,
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
                cur = match bound_target {
                    Some(i) => i,
                    None => {
                        let n = node.var.as_ref().map(|v| v.name.clone());
                        let c = Column {
                            binding: n.clone(),
                            name: n.unwrap_or_else(|| format!("_node{}", steps.len())),
                            ty: Type::Object,
                            schema: node_label
                                .as_deref()
                                .and_then(|l| self.source.schema(l))
                                .map(Arc::new),
                        };
                        cols.push(c.clone());
                        added.push(c);
                        cols.len() - 1
                    }
                };
            }
        }
        Ok(Plan::Traverse {
            input: Box::new(plan),
            steps,
            added,
        })
    }

    fn select(&mut self, s: &ast::Select) -> R<Plan> {
        let mut plan = match &s.from {
            Some(f) => self.from(f)?,
            None => Plan::Unit,
        };
        if !s.traverse.is_empty() {
            plan = self.traverse(plan, &s.traverse)?;
        }
        let scope = plan.columns();
        if let Some(w) = &s.selection {
            let (p, t) = self.expr(w, &scope, Mode::Row("WHERE"))?;
            self.check_type(&p, t, Type::Bool, w.span, "WHERE")?;
            plan = Plan::Filter {
                input: Box::new(plan),
                predicate: p,
            };
        }

        // Aggregates used anywhere after grouping.
        let mut aggs: Vec<Expr> = Vec::new();
        for it in &s.items {
            if let SelectItem::Expr { expr, .. } = it {
                collect(expr, &is_agg_call, &mut aggs);
            }
        }
        for e in s.having.iter().chain(s.order_by.iter().map(|o| &o.expr)) {
            collect(e, &is_agg_call, &mut aggs);
        }
        for a in &aggs {
            for c in ast_children(a) {
                let mut nested = Vec::new();
                collect(c, &is_agg_call, &mut nested);
                if let Some(n) = nested.first() {
                    return err(n.span, "aggregate functions cannot be nested");
                }
            }
        }
        // GROUP BY may name a select alias.
        let group: Vec<Expr> = s
            .group_by
            .iter()
            .map(|g| match &g.kind {
                ExprKind::Path(p) if p.len() == 1 => s
                    .items
                    .iter()
                    .find_map(|it| match it {
                        SelectItem::Expr {
                            expr,
                            alias: Some(a),
                        } if a.name == p[0].name => Some(expr.clone()),
                        _ => None,
                    })
                    .unwrap_or_else(|| g.clone()),
                _ => g.clone(),
            })
            .collect();
        let aggregated = !group.is_empty() || !aggs.is_empty() || s.having.is_some();
        let mode = if aggregated {
            let mut columns = Vec::new();
            let mut gb = Vec::new();
            let mut time_bucket = false;
            for g in &group {
                if is_agg_call(g) {
                    return err(g.span, "aggregate functions are not allowed in GROUP BY");
                }
                let (b, t) = self.expr(g, &scope, Mode::Row("GROUP BY"))?;
                time_bucket |= matches!(b, BExpr::Builtin(Builtin::TimeBucket, _));
                columns.push(Column::value(output_name(g), t));
                gb.push(b);
            }
            let mut calls = Vec::new();
            for a in &aggs {
                let ExprKind::Function {
                    name,
                    args,
                    distinct,
                    star,
                } = &a.kind
                else {
                    continue;
                };
                let func = AggFunc::from_name(&name.name).unwrap_or(AggFunc::Count);
                let arg = if *star {
                    if func != AggFunc::Count {
                        return err(
                            a.span,
                            format!("`{}(*)` is not allowed; only COUNT(*)", name.name),
                        );
                    }
                    None
                } else {
                    if args.len() != 1 {
                        return err(
                            a.span,
                            format!(
                                "wrong number of arguments: `{}` takes 1, got {}",
                                name.name,
                                args.len()
                            ),
                        );
                    }
                    Some(self.expr(&args[0], &scope, Mode::Row("aggregate arguments"))?)
                };
                let argty = arg.as_ref().map_or(Type::Int, |(_, t)| *t);
                if let (Some((b, t)), AggFunc::Sum | AggFunc::Avg) = (&arg, func) {
                    self.check_type(
                        b,
                        *t,
                        Type::Float,
                        args[0].span,
                        &format!("`{}`", name.name),
                    )?;
                }
                columns.push(Column::value(a.to_string(), func.return_type(argty)));
                calls.push(AggCall {
                    func,
                    arg: arg.map(|(b, _)| b),
                    distinct: *distinct,
                });
            }
            plan = Plan::Aggregate {
                input: Box::new(plan),
                group: gb,
                aggs: calls,
                columns,
                time_bucket,
            };
            Mode::Agg(&group, &aggs)
        } else {
            Mode::Row("the select list")
        };
        let mut scope = plan.columns();

        // MOVING_AVG windows.
        let mut wins = Vec::new();
        for it in &s.items {
            if let SelectItem::Expr { expr, .. } = it {
                collect(expr, &is_window_call, &mut wins);
            }
        }
        if !wins.is_empty() {
            if aggregated {
                return err(
                    wins[0].span,
                    "MOVING_AVG cannot be combined with GROUP BY or aggregates",
                );
            }
            let mut funcs = Vec::new();
            for (i, w) in wins.iter().enumerate() {
                let ExprKind::Function { args, .. } = &w.kind else {
                    continue;
                };
                if args.len() != 2 {
                    return err(
                        w.span,
                        format!(
                            "wrong number of arguments: `MOVING_AVG` takes 2, got {}",
                            args.len()
                        ),
                    );
                }
                let (b, t) = self.expr(&args[0], &scope, Mode::Row("MOVING_AVG"))?;
                self.check_type(&b, t, Type::Float, args[0].span, "`MOVING_AVG`")?;
                let n = match &args[1].kind {
                    ExprKind::Literal(Literal::Int(n)) if *n >= 1 => *n as usize,
                    _ => {
                        return err(
                            args[1].span,
                            "the MOVING_AVG window must be a positive integer literal",
                        );
                    }
                };
                funcs.push((b, n));
                self.windows.push((w.clone(), scope.len() + i));
            }
            plan = Plan::Window {
                input: Box::new(plan),
                funcs,
            };
            scope = plan.columns();
        }

        if let Some(h) = &s.having {
            let (p, t) = self.expr(h, &scope, mode)?;
            self.check_type(&p, t, Type::Bool, h.span, "HAVING")?;
            plan = Plan::Filter {
                input: Box::new(plan),
                predicate: p,
            };
        }

        // Projection.
        let mut exprs = Vec::new();
        let mut columns = Vec::new();
        for it in &s.items {
            match it {
                SelectItem::Wildcard | SelectItem::QualifiedWildcard(_) => {
                    if aggregated {
                        return err(s.span, "`*` cannot be used with GROUP BY or aggregates");
                    }
                    let only = match it {
                        SelectItem::QualifiedWildcard(q) => {
                            if !scope
                                .iter()
                                .any(|c| c.binding.as_deref() == Some(q.name.as_str()))
                            {
                                return err(q.span, format!("unknown alias `{}`", q.name));
                            }
                            Some(q.name.as_str())
                        }
                        _ => None,
                    };
                    let docs: Vec<(usize, &Column)> = scope
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| {
                            c.binding.is_some()
                                && only.is_none_or(|q| c.binding.as_deref() == Some(q))
                        })
                        .collect();
                    let single = docs.len() == 1;
                    for (i, c) in docs {
                        let b = c.binding.clone().unwrap_or_default();
                        match c
                            .schema
                            .as_ref()
                            .filter(|s| !s.fields.is_empty() && c.ty == Type::Object)
                        {
                            Some(sch) => {
                                for f in &sch.fields {
                                    exprs.push(BExpr::Field(i, vec![f.name.clone()]));
                                    let name = if single {
                                        f.name.clone()
                                    } else {
                                        format!("{b}.{}", f.name)
                                    };
                                    columns.push(Column::value(name, f.ty));
                                }
                            }
                            None => {
                                exprs.push(BExpr::Col(i));
                                columns.push(Column::value(b, c.ty));
                            }
                        }
                    }
                }
                SelectItem::Expr { expr, alias } => {
                    let (b, t) = self.expr(expr, &scope, mode)?;
                    exprs.push(b);
                    columns.push(Column::value(
                        alias
                            .as_ref()
                            .map_or_else(|| output_name(expr), |a| a.name.clone()),
                        t,
                    ));
                }
            }
        }
        let visible = exprs.len();
        let mut keys = Vec::new();
        for o in &s.order_by {
            let by_name = match &o.expr.kind {
                ExprKind::Path(p) if p.len() == 1 => {
                    columns[..visible].iter().position(|c| c.name == p[0].name)
                }
                _ => None,
            };
            let idx = match by_name {
                Some(i) => i,
                None => {
                    let (b, t) = self.expr(&o.expr, &scope, mode)?;
                    if s.distinct {
                        return err(
                            o.expr.span,
                            "with SELECT DISTINCT, ORDER BY expressions must appear in the select list",
                        );
                    }
                    exprs.push(b);
                    columns.push(Column::value(format!("_order{}", keys.len()), t));
                    exprs.len() - 1
                }
            };
            keys.push(SortKey {
                expr: BExpr::Col(idx),
                desc: o.desc,
            });
        }
        let hidden = exprs.len() > visible;
        plan = Plan::Project {
            input: Box::new(plan),
            exprs,
            columns: columns.clone(),
        };
        if s.distinct {
            plan = Plan::Distinct {
                input: Box::new(plan),
            };
        }
        if !keys.is_empty() {
            plan = Plan::Sort {
                input: Box::new(plan),
                keys,
                limit: None,
            };
        }
        if s.limit.is_some() || s.offset.is_some() {
            let mut bound = |e: &Option<Expr>, what: &'static str| -> R<Option<BExpr>> {
                let Some(e) = e else { return Ok(None) };
                let (b, t) = self.expr(e, &[], Mode::Row(what))?;
                self.check_type(&b, t, Type::Int, e.span, what)?;
                Ok(Some(b))
            };
            let limit = bound(&s.limit, "LIMIT")?;
            let offset = bound(&s.offset, "OFFSET")?;
            plan = Plan::Limit {
                input: Box::new(plan),
                limit,
                offset,
            };
        }
        if hidden {
            let exprs = (0..visible).map(BExpr::Col).collect();
            plan = Plan::Project {
                input: Box::new(plan),
                exprs,
                columns: columns[..visible].to_vec(),
            };
        }
        self.windows.clear();
        Ok(plan)
    }

    fn path(&self, p: &[ast::Ident], scope: &[Column], span: Span) -> R<(BExpr, Type)> {
        let head = &p[0].name;
        let field_type = |c: &Column, rest: &[ast::Ident]| -> R<Type> {
            let Some(f) = rest.first() else {
                return Ok(c.ty);
            };
            match c.schema.as_ref().filter(|s| s.declared) {
                Some(s) => match s.field(&f.name) {
                    Some(fs) if rest.len() == 1 => Ok(fs.ty),
                    Some(_) => Ok(Type::Any),
                    None if s.closed && !self.source.system_fields().contains(&f.name.as_str()) => {
                        err(
                            f.span,
                            format!("unknown column `{}` in `{}`", f.name, s.name),
                        )
                    }
                    None => Ok(Type::Any),
                },
                None => Ok(c
                    .schema
                    .as_ref()
                    .and_then(|s| s.field(&f.name))
                    .filter(|_| rest.len() == 1)
                    .map_or(Type::Any, |f| f.ty)),
            }
        };
        let rest_names =
            |rest: &[ast::Ident]| rest.iter().map(|i| i.name.clone()).collect::<Vec<_>>();
        // An alias or variable.
        if let Some(i) = scope
            .iter()
            .position(|c| c.binding.as_deref() == Some(head.as_str()))
        {
            let ty = field_type(&scope[i], &p[1..])?;
            return Ok((
                if p.len() == 1 {
                    BExpr::Col(i)
                } else {
                    BExpr::Field(i, rest_names(&p[1..]))
                },
                ty,
            ));
        }
        // A computed column (aggregate output, alias).
        if let Some(i) = scope
            .iter()
            .position(|c| c.binding.is_none() && c.name == *head)
        {
            let ty = if p.len() == 1 { scope[i].ty } else { Type::Any };
            return Ok((
                if p.len() == 1 {
                    BExpr::Col(i)
                } else {
                    BExpr::Field(i, rest_names(&p[1..]))
                },
                ty,
            ));
        }
        // A field of the one document in scope, or of the one that has it.
        let docs: Vec<usize> = (0..scope.len())
            .filter(|&i| scope[i].binding.is_some() && scope[i].ty == Type::Object)
            .collect();
        let pick = if docs.len() == 1 {
            Some(docs[0])
        } else {
            let having: Vec<usize> = docs
                .iter()
                .copied()
                .filter(|&i| {
                    scope[i]
                        .schema
                        .as_ref()
                        .is_some_and(|s| s.field(head).is_some())
                })
                .collect();
            match having.len() {
                1 => Some(having[0]),
                0 if docs.is_empty() => None,
                0 => {
                    return err(
                        span,
                        format!("unknown column `{head}`; qualify it with an alias"),
                    );
                }
                _ => {
                    let names: Vec<&str> = having
                        .iter()
                        .filter_map(|&i| scope[i].binding.as_deref())
                        .collect();
                    return err(
                        span,
                        format!(
                            "column `{head}` is ambiguous; qualify it with one of: {}",
                            names.join(", ")
                        ),
                    );
                }
            }
        };
        match pick {
            Some(i) => Ok((BExpr::Field(i, rest_names(p)), field_type(&scope[i], p)?)),
            None => err(span, format!("unknown column `{head}`")),
        }
    }

    fn expr(&mut self, e: &Expr, scope: &[Column], mode: Mode<'_>) -> R<(BExpr, Type)> {
        if let Mode::Agg(group, aggs) = mode {
            if let Some(i) = group.iter().position(|g| g == e) {
                return Ok((BExpr::Col(i), scope.get(i).map_or(Type::Any, |c| c.ty)));
            }
            if let Some(j) = aggs.iter().position(|a| a == e) {
                let i = group.len() + j;
                return Ok((BExpr::Col(i), scope.get(i).map_or(Type::Any, |c| c.ty)));
            }
            if let ExprKind::Path(p) = &e.kind {
                if let Some(i) = scope
                    .iter()
                    .position(|c| c.name == p[0].name && p.len() == 1)
                {
                    return Ok((BExpr::Col(i), scope[i].ty));
                }
                let name: Vec<&str> = p.iter().map(|i| i.name.as_str()).collect();
                return err(
                    e.span,
                    format!(
                        "column `{}` must appear in GROUP BY or be used in an aggregate function",
                        name.join(".")
                    ),
                );
            }
        }
        if let Some((_, col)) = self.windows.iter().find(|(w, _)| w == e) {
            return Ok((BExpr::Col(*col), Type::Float));
        }
        let b = Box::new;
        Ok(match &e.kind {
            ExprKind::Literal(l) => match l {
                Literal::Null => (BExpr::Lit(Value::Null), Type::Null),
                Literal::Bool(v) => (BExpr::Lit(Value::Bool(*v)), Type::Bool),
                Literal::Int(n) => (BExpr::Lit(Value::Int(*n)), Type::Int),
                Literal::Float(x) => (BExpr::Lit(Value::Float(*x)), Type::Float),
                Literal::String(s) => (BExpr::Lit(Value::str(s)), Type::String),
                Literal::Interval(s) => match crate::value::parse_interval(s) {
                    Some(us) => (BExpr::Lit(Value::Interval(us)), Type::Interval),
                    None => return err(e.span, format!("bad interval `{s}`")),
                },
            },
            ExprKind::Path(p) => self.path(p, scope, e.span)?,
            ExprKind::Param(p) => (
                BExpr::Param(p.clone()),
                self.params.get(p).copied().unwrap_or(Type::Any),
            ),
            ExprKind::Unary { op, expr } => {
                let (x, t) = self.expr(expr, scope, mode)?;
                match op {
                    UnaryOp::Not => {
                        self.check_type(&x, t, Type::Bool, expr.span, "NOT")?;
                        (BExpr::Unary(*op, b(x)), Type::Bool)
                    }
                    UnaryOp::Neg => {
                        if !(t.is_numeric() || t == Type::Interval) {
                            return err(
                                e.span,
                                format!("type mismatch: `-` expects a number, found {t}"),
                            );
                        }
                        self.expect(&x, Type::Float, expr.span)?;
                        (BExpr::Unary(*op, b(x)), t)
                    }
                }
            }
            ExprKind::Binary { .. } => self.binary_spine(e, scope, mode)?,
            ExprKind::IsNull { expr, negated } => (
                BExpr::IsNull(b(self.expr(expr, scope, mode)?.0), *negated),
                Type::Bool,
            ),
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => {
                let (x, t) = self.expr(expr, scope, mode)?;
                let (lo, lt) = self.expr(low, scope, mode)?;
                let (hi, ht) = self.expr(high, scope, mode)?;
                for (v, vt, sp) in [(&lo, lt, low.span), (&hi, ht, high.span)] {
                    self.expect(v, t, sp)?;
                    if !t.comparable(vt) {
                        return err(sp, format!("type mismatch: cannot compare {t} with {vt}"));
                    }
                }
                (BExpr::Between(b(x), b(lo), b(hi), *negated), Type::Bool)
            }
            ExprKind::InList {
                expr,
                list,
                negated,
            } => {
                let (x, t) = self.expr(expr, scope, mode)?;
                let mut items = Vec::new();
                for it in list {
                    let (v, vt) = self.expr(it, scope, mode)?;
                    self.expect(&v, t, it.span)?;
                    if !t.comparable(vt) {
                        return err(
                            it.span,
                            format!("type mismatch: cannot compare {t} with {vt}"),
                        );
                    }
                    items.push(v);
                }
                (BExpr::InList(b(x), items, *negated), Type::Bool)
            }
            ExprKind::Like {
                expr,
                pattern,
                negated,
            } => {
                let (x, t) = self.expr(expr, scope, mode)?;
                let (p, pt) = self.expr(pattern, scope, mode)?;
                self.check_type(&x, t, Type::String, expr.span, "LIKE")?;
                self.check_type(&p, pt, Type::String, pattern.span, "LIKE")?;
                (BExpr::Like(b(x), b(p), *negated), Type::Bool)
            }
            ExprKind::SimilarTo {
                expr,
                target,
                threshold,
            } => {
                let (x, t) = self.expr(expr, scope, mode)?;
                let (q, qt) = self.expr(target, scope, mode)?;
                let (h, ht) = self.expr(threshold, scope, mode)?;
                self.check_type(&x, t, Type::Vector(None), expr.span, "SIMILAR TO")?;
                self.check_type(&q, qt, Type::Vector(None), target.span, "SIMILAR TO")?;
                self.check_type(&h, ht, Type::Float, threshold.span, "THRESHOLD")?;
                (BExpr::SimilarTo(b(x), b(q), b(h)), Type::Bool)
            }
            ExprKind::Near {
                expr,
                anchor,
                radius,
            } => {
                self.need_geometry(e.span, "NEAR")?;
                let (x, _) = self.expr(expr, scope, mode)?;
                let (a, _) = self.expr(anchor, scope, mode)?;
                let (r, rt) = self.expr(radius, scope, mode)?;
                self.check_type(&r, rt, Type::Float, radius.span, "WITHIN")?;
                (BExpr::Near(b(x), b(a), b(r)), Type::Bool)
            }
            ExprKind::DistanceFrom { expr, anchor } => {
                self.need_geometry(e.span, "DISTANCE FROM")?;
                let (x, _) = self.expr(expr, scope, mode)?;
                let (a, _) = self.expr(anchor, scope, mode)?;
                (BExpr::DistanceFrom(b(x), b(a)), Type::Float)
            }
            ExprKind::Function {
                name,
                args,
                distinct,
                star,
            } => self.call(e, name, args, *distinct, *star, scope, mode)?,
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => {
                let op = match operand {
                    Some(o) => Some(self.expr(o, scope, mode)?),
                    None => None,
                };
                let mut ws = Vec::new();
                let mut ty = Type::Null;
                for (w, t) in whens {
                    let (wb, wt) = self.expr(w, scope, mode)?;
                    match &op {
                        Some((_, ot)) if !ot.comparable(wt) => {
                            return err(
                                w.span,
                                format!("type mismatch: cannot compare {ot} with {wt}"),
                            );
                        }
                        None => self.check_type(&wb, wt, Type::Bool, w.span, "WHEN")?,
                        _ => {}
                    }
                    let (tb, tt) = self.expr(t, scope, mode)?;
                    ty = merge_param(ty, tt).unwrap_or(Type::Any);
                    ws.push((wb, tb));
                }
                let el = match else_ {
                    Some(x) => {
                        let (eb, et) = self.expr(x, scope, mode)?;
                        ty = merge_param(ty, et).unwrap_or(Type::Any);
                        Some(b(eb))
                    }
                    None => None,
                };
                (BExpr::Case(op.map(|(o, _)| b(o)), ws, el), ty)
            }
            ExprKind::Array(items) => {
                let mut v = Vec::new();
                for it in items {
                    v.push(self.expr(it, scope, mode)?.0);
                }
                (BExpr::Array(v), Type::Array)
            }
            ExprKind::Object(kv) => {
                let mut v = Vec::new();
                for (k, x) in kv {
                    v.push((k.clone(), self.expr(x, scope, mode)?.0));
                }
                (BExpr::Object(v), Type::Object)
            }
            ExprKind::Subquery(s) => {
                // Uncorrelated: the subquery sees no outer column.
                let saved = std::mem::take(&mut self.windows);
                let plan = self.select(s);
                self.windows = saved;
                let plan = plan?;
                let cols = plan.columns();
                if cols.len() != 1 {
                    return err(
                        e.span,
                        format!(
                            "a subquery used as a value must return one column, not {}",
                            cols.len()
                        ),
                    );
                }
                (BExpr::Subquery(Box::new(plan)), cols[0].ty)
            }
        })
    }

    /// Types `l op r` (operands already bound) and builds the node.
    #[allow(clippy::too_many_arguments)]
    fn combine(
        &mut self,
        op: BinaryOp,
        l: BExpr,
        lt: Type,
        r: BExpr,
        rt: Type,
        span: Span,
        lspan: Span,
        rspan: Span,
    ) -> R<(BExpr, Type)> {
        let (e_span, left_span, right_span) = (span, lspan, rspan);
        self.expect(&l, rt, left_span)?;
        self.expect(&r, lt, right_span)?;
        let (lt, rt) = (self.param_type(&l, lt), self.param_type(&r, rt));
        let mismatch = || {
            err(
                e_span,
                format!(
                    "type mismatch: cannot apply `{}` to {lt} and {rt}",
                    op.symbol()
                ),
            )
        };
        let ty = match op {
            BinaryOp::And | BinaryOp::Or => {
                self.check_type(&l, lt, Type::Bool, left_span, op.symbol())?;
                self.check_type(&r, rt, Type::Bool, right_span, op.symbol())?;
                Type::Bool
            }
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::LtEq
            | BinaryOp::Gt
            | BinaryOp::GtEq => {
                if !lt.comparable(rt) {
                    return mismatch();
                }
                Type::Bool
            }
            BinaryOp::Concat => {
                self.check_type(&l, lt, Type::String, left_span, "`||`")?;
                self.check_type(&r, rt, Type::String, right_span, "`||`")?;
                Type::String
            }
            _ => match (lt, rt) {
                (Type::Timestamp, Type::Interval)
                    if matches!(op, BinaryOp::Add | BinaryOp::Sub) =>
                {
                    Type::Timestamp
                }
                (Type::Interval, Type::Timestamp) if op == BinaryOp::Add => Type::Timestamp,
                (Type::Timestamp, Type::Timestamp) if op == BinaryOp::Sub => Type::Interval,
                (Type::Interval, Type::Interval) if matches!(op, BinaryOp::Add | BinaryOp::Sub) => {
                    Type::Interval
                }
                (Type::Int, Type::Int) => Type::Int,
                (Type::Int | Type::Float, Type::Int | Type::Float) => Type::Float,
                (a, c) if a.is_numeric() && c.is_numeric() => Type::Any,
                (Type::Any | Type::Null, Type::Timestamp | Type::Interval)
                | (Type::Timestamp | Type::Interval, Type::Any | Type::Null) => Type::Any,
                _ => return mismatch(),
            },
        };
        Ok((BExpr::Binary(op, Box::new(l), Box::new(r)), ty))
    }

    /// A left-deep chain of binary operators (`a + b + c`, `x OR y OR z`) bound
    /// along its spine without recursing, so long chains do not grow the stack.
    fn binary_spine(&mut self, e: &Expr, scope: &[Column], mode: Mode<'_>) -> R<(BExpr, Type)> {
        let mut steps = Vec::new();
        let mut cur = e;
        while let ExprKind::Binary { op, left, right } = &cur.kind {
            // Stop where a sub-expression is itself a group key, aggregate or window.
            if !std::ptr::eq(cur, e) && self.is_named_subexpr(cur, mode) {
                break;
            }
            steps.push((*op, &**right, cur.span));
            cur = left;
        }
        let (mut acc, mut acc_t) = self.expr(cur, scope, mode)?;
        let mut acc_span = cur.span;
        for (op, r, span) in steps.into_iter().rev() {
            let (rb, rt) = self.expr(r, scope, mode)?;
            let (b, t) = self.combine(op, acc, acc_t, rb, rt, span, acc_span, r.span)?;
            acc = b;
            acc_t = t;
            acc_span = span;
        }
        Ok((acc, acc_t))
    }

    fn is_named_subexpr(&self, e: &Expr, mode: Mode<'_>) -> bool {
        if let Mode::Agg(group, aggs) = mode
            && (group.iter().any(|g| g == e) || aggs.iter().any(|a| a == e))
        {
            return true;
        }
        self.windows.iter().any(|(w, _)| w == e)
    }

    fn param_type(&self, e: &BExpr, t: Type) -> Type {
        match e {
            BExpr::Param(p) => self.params.get(p).copied().unwrap_or(t),
            _ => t,
        }
    }

    fn need_geometry(&self, span: Span, what: &str) -> R<()> {
        if self.source.geometric_distance().is_none() {
            return err(
                span,
                format!("{what} needs a geometric metric, and the source provides none"),
            );
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        e: &Expr,
        name: &ast::Ident,
        args: &[Expr],
        distinct: bool,
        star: bool,
        scope: &[Column],
        mode: Mode<'_>,
    ) -> R<(BExpr, Type)> {
        if AggFunc::from_name(&name.name).is_some() {
            let Mode::Row(what) = mode else {
                return err(e.span, "aggregate functions cannot be nested");
            };
            return err(
                e.span,
                format!(
                    "aggregate function `{}` is not allowed in {what}",
                    name.name
                ),
            );
        }
        if is_window_call(e) {
            return err(e.span, "MOVING_AVG is only allowed in the select list");
        }
        if star || distinct {
            return err(
                e.span,
                format!(
                    "`{}` is not an aggregate; `*` and DISTINCT are not allowed",
                    name.name
                ),
            );
        }
        // A source may register one function per arity under the same name.
        let overloads: Vec<Arc<dyn ScalarFunction>> = self
            .functions
            .iter()
            .filter(|f| f.name().eq_ignore_ascii_case(&name.name))
            .cloned()
            .collect();
        if !overloads.is_empty() {
            let Some(f) = overloads
                .iter()
                .find(|f| f.arg_types().len() == args.len())
                .cloned()
            else {
                let arities: Vec<String> = overloads
                    .iter()
                    .map(|f| f.arg_types().len().to_string())
                    .collect();
                return err(
                    e.span,
                    format!(
                        "wrong number of arguments: `{}` takes {}, got {}",
                        name.name,
                        arities.join(" or "),
                        args.len()
                    ),
                );
            };
            let want = f.arg_types();
            let mut bound = Vec::new();
            for (a, w) in args.iter().zip(want) {
                let (x, t) = self.expr(a, scope, mode)?;
                self.check_type(&x, t, w, a.span, &format!("`{}`", name.name))?;
                bound.push(x);
            }
            return Ok((BExpr::External(Func(f.clone()), bound), f.return_type()));
        }
        let Some(bi) = Builtin::from_name(&name.name) else {
            return err(name.span, format!("unknown function `{}`", name.name));
        };
        let (lo, hi) = bi.arity();
        if args.len() < lo || args.len() > hi {
            let takes = if lo == hi {
                lo.to_string()
            } else if hi == usize::MAX {
                format!("at least {lo}")
            } else {
                format!("{lo} to {hi}")
            };
            return err(
                e.span,
                format!(
                    "wrong number of arguments: `{}` takes {takes}, got {}",
                    name.name,
                    args.len()
                ),
            );
        }
        let mut bound = Vec::new();
        let mut types = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let (x, t) = self.expr(a, scope, mode)?;
            self.check_type(
                &x,
                t,
                bi.arg_type(i),
                a.span,
                &format!("argument {} of `{}`", i + 1, name.name),
            )?;
            if matches!(bi, Builtin::Similarity | Builtin::Distance)
                && i == 2
                && let BExpr::Lit(Value::String(m)) = &x
                && !METRICS.iter().any(|k| k.eq_ignore_ascii_case(m))
            {
                return err(
                    a.span,
                    format!(
                        "unknown metric `{m}`; expected one of {}",
                        METRICS.join(", ")
                    ),
                );
            }
            if bi == Builtin::TimeBucket
                && i == 0
                && let BExpr::Lit(Value::String(w)) = &x
                && crate::value::parse_interval(w).is_none_or(|n| n <= 0)
            {
                return err(a.span, format!("bad bucket width `{w}`"));
            }
            bound.push(x);
            types.push(t);
        }
        Ok((BExpr::Builtin(bi, bound), bi.return_type(&types)))
    }
}
