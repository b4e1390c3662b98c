//! The select list: each item becomes an output expression and column. `*` and
//! `alias.*` expand to the fields of each bound document whose schema lists them
//! (named `field`, or `alias.field` when several documents expand), else to the whole
//! document.

use super::walk::output_name;
use super::*;

/// Output expressions and their columns, in select-list order (ORDER BY may append
/// hidden ones).
pub(super) struct Projection {
    /// One bound expression per output column.
    pub exprs: Vec<BExpr>,
    /// The output columns, named as the select list names them.
    pub columns: Vec<Column>,
}

/// Appends the expansion of `*` (`only` is `None`) or `alias.*` to `out`.
fn expand_wildcard(scope: &[Column], only: Option<&str>, out: &mut Projection) {
    let docs: Vec<(usize, &Column)> = scope
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.binding.is_some() && only.is_none_or(|q| c.binding.as_deref() == Some(q))
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
                    out.exprs.push(BExpr::Field(i, vec![f.name.clone()]));
                    let name = if single {
                        f.name.clone()
                    } else {
                        format!("{b}.{}", f.name)
                    };
                    out.columns.push(Column::value(name, f.ty));
                }
            }
            None => {
                out.exprs.push(BExpr::Col(i));
                out.columns.push(Column::value(b, c.ty));
            }
        }
    }
}

impl Builder<'_> {
    /// Binds the select list over `scope`; `aggregated` forbids wildcards.
    pub(super) fn select_list(
        &mut self,
        s: &ast::Select,
        scope: &[Column],
        mode: Mode<'_>,
        aggregated: bool,
    ) -> R<Projection> {
        let mut out = Projection {
            exprs: Vec::new(),
            columns: Vec::new(),
        };
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
                    expand_wildcard(scope, only, &mut out);
                }
                SelectItem::Expr { expr, alias } => {
                    let (b, t) = self.expr(expr, scope, mode)?;
                    out.exprs.push(b);
                    out.columns.push(Column::value(
                        alias
                            .as_ref()
                            .map_or_else(|| output_name(expr), |a| a.name.clone()),
                        t,
                    ));
                }
            }
        }
        Ok(out)
    }
}
