//! `MOVING_AVG(expr, n)` in the select list: a `Window` node that appends one Float
//! column per distinct call; while the select is bound, the call binds to that column
//! (recorded in `Builder::windows`). Not allowed with GROUP BY or aggregates.

use super::walk::{collect_in_items, is_window_call};
use super::*;

impl Builder<'_> {
    /// `input` with the select list's `MOVING_AVG` columns appended, or `input` itself
    /// when there are none.
    pub(super) fn moving_averages(
        &mut self,
        input: Plan,
        s: &ast::Select,
        aggregated: bool,
    ) -> R<Plan> {
        let wins = collect_in_items(&s.items, &is_window_call);
        if wins.is_empty() {
            return Ok(input);
        }
        if aggregated {
            return err(
                wins[0].span,
                "MOVING_AVG cannot be combined with GROUP BY or aggregates",
            );
        }
        let scope = input.columns();
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
        Ok(Plan::Window {
            input: Box::new(input),
            funcs,
        })
    }
}
