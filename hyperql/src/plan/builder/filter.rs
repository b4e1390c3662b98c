//! Conditions: WHERE, ON and HAVING bind to a Bool expression, and WHERE and HAVING
//! become a `Filter` over the rows they restrict.

use super::*;

impl Builder<'_> {
    /// Binds `e` over `scope` and checks that it is a condition; `what` names the
    /// clause in a type error.
    pub(super) fn condition(
        &mut self,
        e: &Expr,
        scope: &[Column],
        mode: Mode<'_>,
        what: &str,
    ) -> R<BExpr> {
        let (p, t) = self.expr(e, scope, mode)?;
        self.check_type(&p, t, Type::Bool, e.span, what)?;
        Ok(p)
    }

    /// `input` restricted to the rows where `e` holds; `e` sees `input`'s columns.
    pub(super) fn filter(&mut self, input: Plan, e: &Expr, mode: Mode<'_>, what: &str) -> R<Plan> {
        let predicate = self.condition(e, &input.columns(), mode, what)?;
        Ok(Plan::Filter {
            input: Box::new(input),
            predicate,
        })
    }
}
