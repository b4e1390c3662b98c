//! Planning every query with hyperql's planner against the schema model, so that
//! names, types and `$parameter` types are hyperql's own.

use crate::error::{Diag, Diagnostic};
use crate::input::{SourceFile, Unit};
use crate::schema::Model;
use hyperql::{Engine, MemorySource, Params, Plan, Type};
use std::collections::BTreeMap;
use std::sync::Arc;

/// `EMBED(text)` as the planner sees it: a text in, a vector out. The compiler never
/// calls it; generated code calls the `Db`'s embedder.
struct EmbedSignature;

impl hyperql::ScalarFunction for EmbedSignature {
    fn name(&self) -> &str {
        "EMBED"
    }
    fn arg_types(&self) -> Vec<Type> {
        vec![Type::String]
    }
    fn return_type(&self) -> Type {
        Type::Vector(None)
    }
    fn call(&self, _: &[hyperql::Value]) -> Result<hyperql::Value, hyperql::SourceError> {
        Err(hyperql::SourceError::Backend(
            "EMBED runs in generated code, not in the compiler".into(),
        ))
    }
    fn deterministic(&self) -> bool {
        true
    }
}

/// One planned query.
#[derive(Debug)]
pub(crate) struct Query {
    /// The name (`-- name:` or the file's name).
    pub name: String,
    /// Index of its file.
    pub file: usize,
    /// The statement's span in its file.
    pub span: hyperql::Span,
    /// Hyperql's unoptimized plan.
    pub plan: Plan,
    /// Inferred parameter types, by name.
    pub params: BTreeMap<String, Type>,
    /// Parameters in the order they first appear in the text.
    pub param_order: Vec<String>,
}

/// Plans the queries of `units` against `model`.
pub(crate) fn plan_all(files: &[SourceFile], units: &[Unit], model: &Model) -> Diag<Vec<Query>> {
    let engine = Engine::new(MemorySource::new().with_function(Arc::new(EmbedSignature)));
    for c in &model.collections {
        if let Err(e) = engine.query(&c.ddl(), &Params::new()) {
            // The model was checked; a failure here is the compiler's bug, reported.
            let f = &files[0];
            return Err(vec![Diagnostic::at(
                &f.path,
                &f.text,
                hyperql::Span::default(),
                format!("internal: the schema of `{}` does not load: {e}", c.name),
            )]);
        }
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut names: BTreeMap<String, (usize, hyperql::Span)> = BTreeMap::new();
    for u in units {
        let Some(name) = &u.name else { continue };
        let f = &files[u.file];
        if let Some((fi, sp)) = names.get(name) {
            let (l, c) = sp.line_col(&files[*fi].text);
            errors.push(Diagnostic::at(
                &f.path,
                &f.text,
                u.stmt.span,
                format!(
                    "query name `{name}` is used twice (first at {}:{l}:{c})",
                    files[*fi].path.display()
                ),
            ));
            continue;
        }
        names.insert(name.clone(), (u.file, u.stmt.span));
        match hyperql::plan_statement(&u.stmt, engine.source()) {
            Ok(a) => out.push(Query {
                name: name.clone(),
                file: u.file,
                span: u.stmt.span,
                plan: a.plan,
                param_order: param_order(
                    f.text.get(u.stmt.span.start..u.stmt.span.end).unwrap_or(""),
                ),
                params: a.params,
            }),
            Err(e) => errors.push(Diagnostic::at(&f.path, &f.text, e.span, e.message)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// `$names` in the order of their first appearance (through hyperql's lexer).
fn param_order(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in hyperql::lex(text).0 {
        if let hyperql::Tok::Param(p) = &t.kind
            && !out.iter().any(|o| o == p)
        {
            out.push(p.clone());
        }
    }
    out
}
