//! LIMIT and OFFSET: Int expressions without columns (literals or parameters).

use super::*;

impl Builder<'_> {
    /// `input` under a `Limit` node when the select has LIMIT or OFFSET.
    pub(super) fn limit(&mut self, input: Plan, s: &ast::Select) -> R<Plan> {
        self.limit_of(input, s.limit.as_ref(), s.offset.as_ref())
    }

    /// `input` under a `Limit` node for `limit` and `offset`, if either is given.
    pub(super) fn limit_of(
        &mut self,
        input: Plan,
        limit: Option<&Expr>,
        offset: Option<&Expr>,
    ) -> R<Plan> {
        if limit.is_none() && offset.is_none() {
            return Ok(input);
        }
        let limit = self.count(limit, "LIMIT")?;
        let offset = self.count(offset, "OFFSET")?;
        Ok(Plan::Limit {
            input: Box::new(input),
            limit,
            offset,
        })
    }

    /// A LIMIT or OFFSET value: an Int without columns.
    fn count(&mut self, e: Option<&Expr>, what: &'static str) -> R<Option<BExpr>> {
        let Some(e) = e else { return Ok(None) };
        let (b, t) = self.expr(e, &[], Mode::Row(what))?;
        self.check_type(&b, t, Type::Int, e.span, what)?;
        Ok(Some(b))
    }
}
