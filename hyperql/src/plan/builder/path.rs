//! Name resolution for dotted paths: `alias.field..`, a computed column (aggregate
//! output or select alias), or a bare field of the one document in scope that can
//! have it. Closed declared schemas reject unknown fields (system fields aside).

use super::*;

fn rest_names(rest: &[ast::Ident]) -> Vec<String> {
    rest.iter().map(|i| i.name.clone()).collect()
}

/// Column `i` itself when `p` is one name, else the field `p[1..]` inside it.
fn col_or_field(i: usize, p: &[ast::Ident]) -> BExpr {
    if p.len() == 1 {
        BExpr::Col(i)
    } else {
        BExpr::Field(i, rest_names(&p[1..]))
    }
}

/// The document column a bare field name `head` belongs to: the only document in
/// scope, or the only one whose schema has the field. `Ok(None)` when no document is
/// in scope.
fn pick_document(scope: &[Column], head: &str, span: Span) -> R<Option<usize>> {
    let docs: Vec<usize> = (0..scope.len())
        .filter(|&i| scope[i].binding.is_some() && scope[i].ty == Type::Object)
        .collect();
    if docs.len() == 1 {
        return Ok(Some(docs[0]));
    }
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
        1 => Ok(Some(having[0])),
        0 if docs.is_empty() => Ok(None),
        0 => err(
            span,
            format!("unknown column `{head}`; qualify it with an alias"),
        ),
        _ => {
            let names: Vec<&str> = having
                .iter()
                .filter_map(|&i| scope[i].binding.as_deref())
                .collect();
            err(
                span,
                format!(
                    "column `{head}` is ambiguous; qualify it with one of: {}",
                    names.join(", ")
                ),
            )
        }
    }
}

impl Builder<'_> {
    /// The type of field path `rest` inside column `c` (the column's own type when
    /// `rest` is empty).
    pub(super) fn field_type(&self, c: &Column, rest: &[ast::Ident]) -> R<Type> {
        let Some(f) = rest.first() else {
            return Ok(c.ty);
        };
        match c.schema.as_ref().filter(|s| s.declared) {
            Some(s) => match s.field(&f.name) {
                Some(fs) if rest.len() == 1 => Ok(fs.ty),
                Some(_) => Ok(Type::Any),
                None if s.closed && !self.source.system_fields().contains(&f.name.as_str()) => err(
                    f.span,
                    format!("unknown column `{}` in `{}`", f.name, s.name),
                ),
                None => Ok(Type::Any),
            },
            None => Ok(c
                .schema
                .as_ref()
                .and_then(|s| s.field(&f.name))
                .filter(|_| rest.len() == 1)
                .map_or(Type::Any, |f| f.ty)),
        }
    }

    /// Resolves the dotted path `p` over `scope`.
    pub(super) fn path(&self, p: &[ast::Ident], scope: &[Column], span: Span) -> R<(BExpr, Type)> {
        let head = &p[0].name;
        // An alias or variable.
        if let Some(i) = scope
            .iter()
            .position(|c| c.binding.as_deref() == Some(head.as_str()))
        {
            let ty = self.field_type(&scope[i], &p[1..])?;
            return Ok((col_or_field(i, p), ty));
        }
        // A computed column (aggregate output, alias).
        if let Some(i) = scope
            .iter()
            .position(|c| c.binding.is_none() && c.name == *head)
        {
            let ty = if p.len() == 1 { scope[i].ty } else { Type::Any };
            return Ok((col_or_field(i, p), ty));
        }
        // An alias of a query around this subquery.
        if let Some(outer) = self.outer_path(p, span)? {
            return Ok(outer);
        }
        // A field of the one document in scope, or of the one that has it.
        match pick_document(scope, head, span)? {
            Some(i) => Ok((
                BExpr::Field(i, rest_names(p)),
                self.field_type(&scope[i], p)?,
            )),
            None => err(span, format!("unknown column `{head}`")),
        }
    }
}
