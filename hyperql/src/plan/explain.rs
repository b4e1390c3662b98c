//! `EXPLAIN`: the plan as an indented tree, expressions printed with column names.

use super::*;
use std::fmt::Write;

/// Prints `e` with the names of `cols`.
pub(crate) fn expr_text(e: &BExpr, cols: &[Column]) -> String {
    let name = |i: usize| cols.get(i).map_or(format!("#{i}"), |c| c.name.clone());
    let t = |x: &BExpr| expr_text(x, cols);
    let list = |xs: &[BExpr]| {
        xs.iter()
            .map(|x| expr_text(x, cols))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match e {
        BExpr::Lit(v) => v.to_string(),
        BExpr::Col(i) => name(*i),
        BExpr::Field(i, p) => format!("{}.{}", name(*i), p.join(".")),
        BExpr::Param(p) => format!("${p}"),
        BExpr::Unary(UnaryOp::Not, x) => format!("NOT ({})", t(x)),
        BExpr::Unary(UnaryOp::Neg, x) => format!("-({})", t(x)),
        BExpr::Binary(op, a, b) => format!("({} {} {})", t(a), op.symbol(), t(b)),
        BExpr::IsNull(x, n) => format!("{} IS {}NULL", t(x), if *n { "NOT " } else { "" }),
        BExpr::Between(x, a, b, n) => format!(
            "{} {}BETWEEN {} AND {}",
            t(x),
            if *n { "NOT " } else { "" },
            t(a),
            t(b)
        ),
        BExpr::InList(x, l, n) => {
            format!("{} {}IN ({})", t(x), if *n { "NOT " } else { "" }, list(l))
        }
        BExpr::Like(x, p, n) => format!("{} {}LIKE {}", t(x), if *n { "NOT " } else { "" }, t(p)),
        BExpr::SimilarTo(x, q, h) => format!("{} SIMILAR TO {} THRESHOLD {}", t(x), t(q), t(h)),
        BExpr::Near(x, a, r) if matches!(&**r, BExpr::Lit(Value::Float(f)) if f.is_infinite()) => {
            format!("{} NEAR {}", t(x), t(a))
        }
        BExpr::Near(x, a, r) => format!("{} NEAR {} WITHIN {}", t(x), t(a), t(r)),
        BExpr::DistanceFrom(x, a) => format!("{} DISTANCE FROM {}", t(x), t(a)),
        BExpr::Builtin(f, a) => format!("{}({})", f.name(), list(a)),
        BExpr::External(f, a) => format!("{}({})", f.0.name(), list(a)),
        BExpr::Case(o, w, el) => {
            let mut s = String::from("CASE");
            if let Some(o) = o {
                let _ = write!(s, " {}", t(o));
            }
            for (a, b) in w {
                let _ = write!(s, " WHEN {} THEN {}", t(a), t(b));
            }
            if let Some(x) = el {
                let _ = write!(s, " ELSE {}", t(x));
            }
            s + " END"
        }
        BExpr::Array(a) => format!("[{}]", list(a)),
        BExpr::Subquery(p) => format!("({})", p.explain().trim().replace('\n', "; ")),
        BExpr::Outer(k) => format!("outer#{k}"),
        BExpr::Correlated(c) => {
            let sub = c.plan.explain().trim().replace('\n', "; ");
            let args = if c.args.is_empty() {
                String::new()
            } else {
                format!(" with outer#0.. = {}", list(&c.args))
            };
            match (c.kind, &c.operand) {
                (SubqueryKind::Exists, _) => format!("EXISTS ({sub}){args}"),
                (SubqueryKind::In { negated }, Some(x)) => format!(
                    "{} {}IN ({sub}){args}",
                    t(x),
                    if negated { "NOT " } else { "" }
                ),
                _ => format!("({sub}){args}"),
            }
        }
        BExpr::Endpoint {
            collection,
            key,
            path,
        } => endpoints::endpoint_text(collection, key, path, cols),
        BExpr::Object(kv) => format!(
            "{{{}}}",
            kv.iter()
                .map(|(k, v)| format!("{k}: {}", t(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn preds(p: &[Predicate]) -> String {
    p.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(" AND ")
}

impl Plan {
    /// The plan as text, one operator per line, children indented by two spaces.
    pub fn explain(&self) -> String {
        let mut out = String::new();
        self.explain_into(&mut out, 0);
        out
    }

    fn explain_into(&self, out: &mut String, depth: usize) {
        let pad = "  ".repeat(depth);
        let _ = writeln!(out, "{pad}{}", self.explain_line());
        for c in self.children() {
            c.explain_into(out, depth + 1);
        }
    }

    /// This node's line of `EXPLAIN`, without its children.
    fn explain_line(&self) -> String {
        let input_cols = |p: &Plan| p.columns();
        match self {
            Plan::Empty { .. } => "Empty".to_string(),
            Plan::Unit => "Unit".to_string(),
            Plan::Scan {
                binding,
                collection,
                entity,
                filters,
                projection,
                limit,
                time_field,
                ..
            } => {
                let mut s = format!(
                    "Scan {collection}{}",
                    entity.as_ref().map_or(String::new(), |e| format!(".{e}"))
                );
                if binding != collection {
                    let _ = write!(s, " AS {binding}");
                }
                s + &scan_options(
                    filters,
                    projection.as_deref(),
                    time_field.as_deref(),
                    *limit,
                )
            }
            Plan::Count {
                collection, entity, ..
            } => format!(
                "Count {collection}{} (the source's count)",
                entity.as_ref().map_or(String::new(), |e| format!(".{e}"))
            ),
            Plan::Knn {
                binding,
                collection,
                field,
                query,
                metric,
                k,
                filters,
                post_filter,
                policy,
                ..
            } => {
                let mut s = format!(
                    "Knn {collection} AS {binding} field={field} metric={metric} k={k} query={}",
                    expr_text(query, &[])
                );
                let _ = write!(s, " policy={}", policy_name(*policy));
                if !filters.is_empty() {
                    let _ = write!(s, " filter=[{}]", preds(filters));
                }
                if let Some(p) = post_filter {
                    let _ = write!(s, " post_filter={}", expr_text(p, &self.columns()));
                }
                s
            }
            Plan::GeoNear {
                binding,
                collection,
                field,
                anchor,
                radius,
                ..
            } => {
                format!(
                    "GeoNear {collection} AS {binding} field={field} anchor={} radius={}",
                    expr_text(anchor, &[]),
                    expr_text(radius, &[])
                )
            }
            Plan::Filter { input, predicate } => {
                format!("Filter {}", expr_text(predicate, &input_cols(input)))
            }
            Plan::Project {
                input,
                exprs,
                columns,
            } => project_line(exprs, columns, &input_cols(input)),
            Plan::Aggregate {
                input,
                group,
                aggs,
                time_bucket,
                ..
            } => aggregate_line(group, aggs, *time_bucket, &input_cols(input)),
            Plan::Window { input, funcs } => {
                let cols = input_cols(input);
                let f: Vec<String> = funcs.iter().map(|f| f.explain(&cols)).collect();
                format!("Window {}", f.join(", "))
            }
            Plan::DistinctOn { input, keys } => {
                let cols = input_cols(input);
                let k: Vec<String> = keys.iter().map(|e| expr_text(e, &cols)).collect();
                format!("DistinctOn keys=[{}]", k.join(", "))
            }
            Plan::Sort { input, keys, limit } => sort_line(keys, *limit, &input_cols(input)),
            Plan::Limit { limit, offset, .. } => limit_line(limit.as_ref(), offset.as_ref()),
            Plan::Join { kind, on, .. } => {
                let cols = self.columns();
                let mut s = format!("HashJoin {kind:?}");
                if let Some(o) = on {
                    let _ = write!(s, " on={}", expr_text(o, &cols));
                }
                s
            }
            Plan::Distinct { .. } => "Distinct".to_string(),
            Plan::SetOp { op, all, .. } => {
                format!("SetOp {}{}", op.keyword(), if *all { " ALL" } else { "" })
            }
            Plan::RecursiveCte { name, all, .. } => format!(
                "RecursiveCte {} (UNION{}: base, then step until no new rows)",
                cte_name(name),
                if *all { " ALL" } else { "" }
            ),
            Plan::WorkTable { name, .. } => {
                format!("WorkTable {} (rows of the previous round)", cte_name(name))
            }
            Plan::Traverse { steps, input, .. } => {
                let cols = self.columns();
                let base = input.width();
                let st: Vec<String> = steps.iter().map(|s| step_text(s, &cols)).collect();
                format!(
                    "Traverse {} (adds {} columns after {base})",
                    st.join(" "),
                    cols.len() - base
                )
            }
            Plan::Insert {
                collection,
                docs,
                input,
                on_conflict,
                ..
            } => {
                let rows = match input {
                    Some(_) => "rows from its input".to_string(),
                    None => format!("rows={}", docs.len()),
                };
                let conflict = match on_conflict {
                    None => "",
                    Some(Conflict::Nothing) => " on conflict: nothing",
                    Some(Conflict::Update(_)) => " on conflict: update",
                    Some(Conflict::Merge) => " on conflict: merge (upsert)",
                };
                format!("Insert {collection} {rows}{conflict}")
            }
            Plan::Update {
                collection,
                assignments,
                ..
            } => {
                format!(
                    "Update {collection} set=[{}]",
                    assignments
                        .iter()
                        .map(|(p, _)| p.join("."))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
            Plan::Delete { collection, .. } => format!("Delete {collection}"),
            Plan::Relate { label, .. } => format!("Relate {label}"),
            Plan::CreateSchema { schema, .. } => format!("CreateSchema {}", schema.name),
            Plan::AlterSchema { schema } => format!("AlterSchema {}", schema.name),
            Plan::DropSchema { name, .. } => format!("DropSchema {name}"),
            Plan::Relayout { collection, .. } => format!("Relayout {collection}"),
            Plan::DescribeSchema { schema, .. } => format!("DescribeSchema {}", schema.name),
            Plan::Subscribe { .. } => "Subscribe".to_string(),
            Plan::Explain { .. } => "Explain".to_string(),
            Plan::Endpoints { binding, pattern } => endpoints::endpoints_line(binding, pattern),
            Plan::SetEndpoints { assignments } => endpoints::set_line(assignments),
        }
    }
}

/// The optional parts of a `Scan` line: pushed filters, fields, time range, limit.
fn scan_options(
    filters: &[Predicate],
    projection: Option<&[String]>,
    time_field: Option<&str>,
    limit: Option<usize>,
) -> String {
    let mut s = String::new();
    if !filters.is_empty() {
        let _ = write!(s, " filter=[{}]", preds(filters));
    }
    if let Some(p) = projection {
        let _ = write!(s, " fields=[{}]", p.join(", "));
    }
    if let Some(t) = time_field {
        let _ = write!(s, " time_range={t}");
    }
    if let Some(l) = limit {
        let _ = write!(s, " limit={l}");
    }
    s
}

/// A work table's name as written (without the suffix that makes it unique).
fn cte_name(work: &str) -> &str {
    work.split('#').next().unwrap_or(work)
}

fn policy_name(policy: KnnPolicy) -> &'static str {
    if policy == KnnPolicy::PreFilter {
        "pre-filter"
    } else {
        "post-filter"
    }
}

/// `Limit limit=.. offset=..`.
fn limit_line(limit: Option<&BExpr>, offset: Option<&BExpr>) -> String {
    let mut s = "Limit".to_string();
    if let Some(l) = limit {
        let _ = write!(s, " limit={}", expr_text(l, &[]));
    }
    if let Some(o) = offset {
        let _ = write!(s, " offset={}", expr_text(o, &[]));
    }
    s
}

/// `Project e AS name, ..` (`AS` left out where the text is the name).
fn project_line(exprs: &[BExpr], columns: &[Column], cols: &[Column]) -> String {
    let items: Vec<String> = exprs
        .iter()
        .zip(columns)
        .map(|(e, c)| {
            let t = expr_text(e, cols);
            if t == c.name {
                t
            } else {
                format!("{t} AS {}", c.name)
            }
        })
        .collect();
    format!("Project {}", items.join(", "))
}

/// `HashAggregate` (or `TimeBucket`) with its group keys and aggregate calls.
fn aggregate_line(group: &[BExpr], aggs: &[AggCall], time_bucket: bool, cols: &[Column]) -> String {
    let g: Vec<String> = group.iter().map(|e| expr_text(e, cols)).collect();
    let a: Vec<String> = aggs
        .iter()
        .map(|c| {
            let arg = c
                .arg
                .as_ref()
                .map_or("*".to_string(), |e| expr_text(e, cols));
            format!(
                "{}({}{arg})",
                c.func.name(),
                if c.distinct { "DISTINCT " } else { "" }
            )
        })
        .collect();
    format!(
        "{} group=[{}] aggs=[{}]",
        if time_bucket {
            "TimeBucket"
        } else {
            "HashAggregate"
        },
        g.join(", "),
        a.join(", ")
    )
}

/// `Sort keys=[..]`, or `TopK k=n keys=[..]` when the sort keeps only `n` rows.
fn sort_line(keys: &[SortKey], limit: Option<usize>, cols: &[Column]) -> String {
    let k: Vec<String> = keys
        .iter()
        .map(|k| {
            format!(
                "{}{}",
                expr_text(&k.expr, cols),
                if k.desc { " DESC" } else { "" }
            )
        })
        .collect();
    match limit {
        Some(n) => format!("TopK k={n} keys=[{}]", k.join(", ")),
        None => format!("Sort keys=[{}]", k.join(", ")),
    }
}

/// One traversal step: `(from)->[:label*min..max?]`.
fn step_text(s: &TraverseStep, cols: &[Column]) -> String {
    let arrow = match s.direction {
        Direction::Out => "->",
        Direction::In => "<-",
        Direction::Both => "-",
    };
    let q = if s.variable {
        format!(
            "*{}..{}",
            s.min,
            if s.max == u32::MAX {
                String::new()
            } else {
                s.max.to_string()
            }
        )
    } else {
        String::new()
    };
    format!(
        "({}){arrow}[:{}{q}{}]",
        cols.get(s.from_col).map_or("?", |c| c.name.as_str()),
        s.label.as_deref().unwrap_or(""),
        if s.optional { "?" } else { "" }
    )
}
