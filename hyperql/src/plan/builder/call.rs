//! Function calls in scalar position: the source's functions (one overload per
//! arity, matched by name case-insensitively) before the builtins, with their arity
//! and argument types checked. Aggregates and `MOVING_AVG` reaching here are misplaced.

use super::walk::is_window_name;
use super::*;

/// The parts of an `ExprKind::Function` call being bound.
pub(super) struct Call<'e> {
    /// The whole call's span.
    pub span: Span,
    /// The function name as written.
    pub name: &'e ast::Ident,
    pub args: &'e [Expr],
    /// `f(DISTINCT ..)`, only meaningful for aggregates.
    pub distinct: bool,
    /// `f(*)`, only meaningful for `COUNT`.
    pub star: bool,
}

/// The text of an arity range for an error message.
fn arity_text(lo: usize, hi: usize) -> String {
    if lo == hi {
        lo.to_string()
    } else if hi == usize::MAX {
        format!("at least {lo}")
    } else {
        format!("{lo} to {hi}")
    }
}

impl Builder<'_> {
    /// Binds a scalar function call.
    pub(super) fn call(
        &mut self,
        c: &Call<'_>,
        scope: &[Column],
        mode: Mode<'_>,
    ) -> R<(BExpr, Type)> {
        reject_non_scalar(c, mode)?;
        // A source may register one function per arity under the same name.
        let overloads: Vec<Arc<dyn ScalarFunction>> = self
            .functions
            .iter()
            .filter(|f| f.name().eq_ignore_ascii_case(&c.name.name))
            .cloned()
            .collect();
        if !overloads.is_empty() {
            return self.external_call(c, &overloads, scope, mode);
        }
        let Some(bi) = Builtin::from_name(&c.name.name) else {
            return err(c.name.span, format!("unknown function `{}`", c.name.name));
        };
        self.builtin_call(c, bi, scope, mode)
    }

    /// A call of one of the source's functions.
    fn external_call(
        &mut self,
        c: &Call<'_>,
        overloads: &[Arc<dyn ScalarFunction>],
        scope: &[Column],
        mode: Mode<'_>,
    ) -> R<(BExpr, Type)> {
        let Some(f) = overloads
            .iter()
            .find(|f| f.arg_types().len() == c.args.len())
            .cloned()
        else {
            let arities: Vec<String> = overloads
                .iter()
                .map(|f| f.arg_types().len().to_string())
                .collect();
            return err(
                c.span,
                format!(
                    "wrong number of arguments: `{}` takes {}, got {}",
                    c.name.name,
                    arities.join(" or "),
                    c.args.len()
                ),
            );
        };
        let want = f.arg_types();
        let mut bound = Vec::new();
        for (a, w) in c.args.iter().zip(want) {
            let (x, t) = self.expr(a, scope, mode)?;
            self.check_type(&x, t, w, a.span, &format!("`{}`", c.name.name))?;
            bound.push(x);
        }
        Ok((BExpr::External(Func(f.clone()), bound), f.return_type()))
    }

    /// A call of a builtin; literal metric names and bucket widths are checked here.
    fn builtin_call(
        &mut self,
        c: &Call<'_>,
        bi: Builtin,
        scope: &[Column],
        mode: Mode<'_>,
    ) -> R<(BExpr, Type)> {
        let (lo, hi) = bi.arity();
        if c.args.len() < lo || c.args.len() > hi {
            return err(
                c.span,
                format!(
                    "wrong number of arguments: `{}` takes {}, got {}",
                    c.name.name,
                    arity_text(lo, hi),
                    c.args.len()
                ),
            );
        }
        let mut bound = Vec::new();
        let mut types = Vec::new();
        for (i, a) in c.args.iter().enumerate() {
            let (x, t) = self.expr(a, scope, mode)?;
            // A time may be an Int of microseconds (an Int time series field).
            let want = match bi.arg_type(i) {
                Type::Timestamp if t == Type::Int => Type::Int,
                w => w,
            };
            self.check_type(
                &x,
                t,
                want,
                a.span,
                &format!("argument {} of `{}`", i + 1, c.name.name),
            )?;
            check_literal_arg(bi, i, &x, a.span)?;
            bound.push(x);
            types.push(t);
        }
        Ok((BExpr::Builtin(bi, bound), bi.return_type(&types)))
    }

    /// NEAR and DISTANCE FROM need the source's geometric metric.
    pub(super) fn need_geometry(&self, span: Span, what: &str) -> R<()> {
        if self.source.geometric_distance().is_none() {
            return err(
                span,
                format!("{what} needs a geometric metric, and the source provides none"),
            );
        }
        Ok(())
    }
}

/// Aggregates (outside the select list, HAVING and ORDER BY, or nested), `MOVING_AVG`
/// outside the select list, and `f(*)` / `f(DISTINCT ..)` of a scalar function.
fn reject_non_scalar(c: &Call<'_>, mode: Mode<'_>) -> R<()> {
    if AggFunc::from_name(&c.name.name).is_some() {
        let Mode::Row(what) = mode else {
            return err(c.span, "aggregate functions cannot be nested");
        };
        return err(
            c.span,
            format!(
                "aggregate function `{}` is not allowed in {what}",
                c.name.name
            ),
        );
    }
    if is_window_name(&c.name.name) {
        return err(c.span, "MOVING_AVG is only allowed in the select list");
    }
    if WindowKind::from_name(&c.name.name).is_some() {
        return err(
            c.span,
            format!(
                "`{}` is a window function: it needs OVER (...)",
                c.name.name
            ),
        );
    }
    if c.star || c.distinct {
        return err(
            c.span,
            format!(
                "`{}` is not an aggregate; `*` and DISTINCT are not allowed",
                c.name.name
            ),
        );
    }
    Ok(())
}

/// A literal metric of SIMILARITY / DISTANCE (argument 3) must be a known one, and a
/// literal TIME_BUCKET width (argument 1) a positive interval or a number of months,
/// quarters or years, and a literal DATE_TRUNC unit a known one.
fn check_literal_arg(bi: Builtin, i: usize, x: &BExpr, span: Span) -> R<()> {
    if matches!(bi, Builtin::Similarity | Builtin::Distance)
        && i == 2
        && let BExpr::Lit(Value::String(m)) = x
        && !METRICS.iter().any(|k| k.eq_ignore_ascii_case(m))
    {
        return err(
            span,
            format!(
                "unknown metric `{m}`; expected one of {}",
                METRICS.join(", ")
            ),
        );
    }
    if bi == Builtin::TimeBucket
        && i == 0
        && let BExpr::Lit(Value::String(w)) = x
        && crate::value::parse_interval(w).is_none_or(|n| n <= 0)
        && crate::functions::calendar::bucket_months(w).is_none()
    {
        return err(span, format!("bad bucket width `{w}`"));
    }
    if bi == Builtin::DateTrunc
        && i == 0
        && let BExpr::Lit(Value::String(u)) = x
        && let Err(e) = crate::functions::calendar::date_trunc(u, 0)
    {
        return err(span, e);
    }
    Ok(())
}
