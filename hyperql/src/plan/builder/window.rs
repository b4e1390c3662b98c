//! Window functions in the select list and ORDER BY: `f(..) OVER (..)` and
//! `MOVING_AVG(expr, n)`. One `Window` node, above the aggregation and HAVING, appends
//! one column per distinct call; while the select list and ORDER BY are bound, each
//! call binds to its column (recorded in `Builder::windows`). Anywhere else a window
//! call is an error.

use super::walk::{collect, collect_in_items, is_window_call};
use super::*;
use crate::ast::{FrameBound, FrameUnits, WindowSpec};

/// The order of frame bounds: a frame may not end before it starts.
fn bound_rank(b: &FrameBound) -> u8 {
    match b {
        FrameBound::UnboundedPreceding => 0,
        FrameBound::Preceding(_) => 1,
        FrameBound::CurrentRow => 2,
        FrameBound::Following(_) => 3,
        FrameBound::UnboundedFollowing => 4,
    }
}

impl Builder<'_> {
    /// `input` with the columns of the window calls of the select list and ORDER BY
    /// appended, or `input` itself when there are none.
    pub(super) fn window_functions(
        &mut self,
        input: Plan,
        s: &ast::Select,
        mode: Mode<'_>,
        aggregated: bool,
    ) -> R<Plan> {
        let mut wins = collect_in_items(&s.items, &is_window_call);
        for o in &s.order_by {
            collect(&o.expr, &is_window_call, &mut wins);
        }
        if wins.is_empty() {
            return Ok(input);
        }
        let scope = input.columns();
        let arg_mode = match mode {
            Mode::Row(_) => Mode::Row("window function arguments"),
            m => m,
        };
        let mut funcs = Vec::new();
        for (i, w) in wins.iter().enumerate() {
            let f = match &w.kind {
                ExprKind::Over { call, window } => self.over(w, call, window, &scope, arg_mode)?,
                _ => self.moving_average(w, &scope, aggregated)?,
            };
            funcs.push(f);
            self.windows.push((w.clone(), scope.len() + i));
        }
        Ok(Plan::Window {
            input: Box::new(input),
            funcs,
        })
    }

    /// `MOVING_AVG(e, n)`: not with GROUP BY or aggregates.
    fn moving_average(&mut self, w: &Expr, scope: &[Column], aggregated: bool) -> R<WindowFunc> {
        if aggregated {
            return err(
                w.span,
                "MOVING_AVG cannot be combined with GROUP BY or aggregates",
            );
        }
        let ExprKind::Function { args, .. } = &w.kind else {
            return err(w.span, "not a window function");
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
        let (b, t) = self.expr(&args[0], scope, Mode::Row("MOVING_AVG"))?;
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
        Ok(WindowFunc {
            kind: WindowKind::MovingAvg(n),
            args: vec![b],
            partition: Vec::new(),
            order: Vec::new(),
            frame: Frame::default_frame(),
            name: w.to_string(),
            ty: Type::Float,
        })
    }

    /// `f(args) OVER (window)`.
    fn over(
        &mut self,
        w: &Expr,
        call: &Expr,
        window: &WindowSpec,
        scope: &[Column],
        mode: Mode<'_>,
    ) -> R<WindowFunc> {
        let ExprKind::Function {
            name,
            args,
            distinct,
            star,
        } = &call.kind
        else {
            return err(call.span, "OVER must follow a function call");
        };
        let Some(kind) = WindowKind::from_name(&name.name) else {
            return err(
                name.span,
                format!(
                    "`{}` is not a window function (window functions: ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD, COUNT, SUM, AVG, MIN, MAX)",
                    name.name
                ),
            );
        };
        if *distinct {
            return err(call.span, "DISTINCT is not supported in window functions");
        }
        if *star && kind != WindowKind::Agg(AggFunc::Count) {
            return err(
                call.span,
                format!("`{}(*)` is not allowed; only COUNT(*)", name.name),
            );
        }
        let (lo, hi) = match kind {
            WindowKind::Agg(_) if *star => (0, 0),
            WindowKind::Agg(_) => (1, 1),
            WindowKind::Lag | WindowKind::Lead => (1, 3),
            _ => (0, 0),
        };
        if args.len() < lo || args.len() > hi {
            let want = if lo == hi {
                lo.to_string()
            } else {
                format!("{lo} to {hi}")
            };
            return err(
                call.span,
                format!(
                    "wrong number of arguments: `{}` takes {want}, got {}",
                    name.name,
                    args.len()
                ),
            );
        }
        let mut bound = Vec::new();
        let mut types = Vec::new();
        for a in args {
            let (b, t) = self.expr(a, scope, mode)?;
            bound.push(b);
            types.push(t);
        }
        let ty = match kind {
            WindowKind::Agg(f @ (AggFunc::Sum | AggFunc::Avg)) => {
                self.check_type(
                    &bound[0],
                    types[0],
                    Type::Float,
                    args[0].span,
                    &format!("`{}`", name.name),
                )?;
                f.return_type(types[0])
            }
            WindowKind::Agg(f) => f.return_type(types.first().copied().unwrap_or(Type::Int)),
            WindowKind::Lag | WindowKind::Lead => {
                if let Some(t) = types.get(1) {
                    self.check_type(&bound[1], *t, Type::Int, args[1].span, "the offset")?;
                }
                match types.get(2) {
                    Some(d) => merge_param(types[0], *d).unwrap_or(Type::Any),
                    None => types[0],
                }
            }
            _ => Type::Int,
        };
        let mut partition = Vec::new();
        for p in &window.partition_by {
            partition.push(self.expr(p, scope, mode)?.0);
        }
        let mut order = Vec::new();
        let mut order_types = Vec::new();
        for o in &window.order_by {
            let (b, t) = self.expr(&o.expr, scope, mode)?;
            order.push(SortKey {
                expr: b,
                desc: o.desc,
            });
            order_types.push(t);
        }
        let frame = match &window.frame {
            None => Frame::default_frame(),
            Some(fr) => {
                let end = fr.end.clone().unwrap_or(FrameBound::CurrentRow);
                if matches!(fr.start, FrameBound::UnboundedFollowing) {
                    return err(w.span, "a window frame cannot start at UNBOUNDED FOLLOWING");
                }
                if matches!(end, FrameBound::UnboundedPreceding) {
                    return err(w.span, "a window frame cannot end at UNBOUNDED PRECEDING");
                }
                if bound_rank(&fr.start) > bound_rank(&end) {
                    return err(w.span, "the window frame ends before it starts");
                }
                let start = self.frame_edge(&fr.start, fr.units, scope, &order_types, w.span)?;
                let end = self.frame_edge(&end, fr.units, scope, &order_types, w.span)?;
                Frame {
                    units: fr.units,
                    start,
                    end,
                }
            }
        };
        Ok(WindowFunc {
            kind,
            args: bound,
            partition,
            order,
            frame,
            name: w.to_string(),
            ty,
        })
    }

    /// One frame bound: an offset is a constant; a ROWS offset an integer, a RANGE
    /// offset a number (numeric ORDER BY key) or an interval (timestamp key), with one
    /// ORDER BY key.
    fn frame_edge(
        &mut self,
        b: &FrameBound,
        units: FrameUnits,
        scope: &[Column],
        order: &[Type],
        span: Span,
    ) -> R<FrameEdge> {
        let (e, preceding) = match b {
            FrameBound::UnboundedPreceding => return Ok(FrameEdge::UnboundedPreceding),
            FrameBound::CurrentRow => return Ok(FrameEdge::CurrentRow),
            FrameBound::UnboundedFollowing => return Ok(FrameEdge::UnboundedFollowing),
            FrameBound::Preceding(e) => (e, true),
            FrameBound::Following(e) => (e, false),
        };
        let (x, t) = self.expr(e, scope, Mode::Row("a window frame"))?;
        if !x.columns_used().is_empty() {
            return err(e.span, "a window frame offset must be a constant");
        }
        let negative = matches!(&x, BExpr::Lit(Value::Int(n)) if *n < 0)
            || matches!(&x, BExpr::Lit(Value::Float(f)) if *f < 0.0)
            || matches!(&x, BExpr::Lit(Value::Interval(d)) if *d < 0);
        if negative {
            return err(e.span, "a window frame offset cannot be negative");
        }
        match units {
            FrameUnits::Rows => {
                if !matches!(t, Type::Int | Type::Any | Type::Null) {
                    return err(
                        e.span,
                        format!("a ROWS frame offset must be an integer, found {t}"),
                    );
                }
                self.expect(&x, Type::Int, e.span)?;
            }
            FrameUnits::Range => {
                if order.len() != 1 {
                    return err(
                        span,
                        format!(
                            "RANGE with an offset needs exactly one ORDER BY key, found {}",
                            order.len()
                        ),
                    );
                }
                let key = order[0];
                match t {
                    Type::Interval => {
                        if !matches!(key, Type::Timestamp | Type::Any | Type::Null) {
                            return err(
                                e.span,
                                format!(
                                    "RANGE with an INTERVAL offset needs an ORDER BY key that is a timestamp, found {key}"
                                ),
                            );
                        }
                    }
                    Type::Int | Type::Float => {
                        if !matches!(key, Type::Int | Type::Float | Type::Any | Type::Null) {
                            return err(
                                e.span,
                                format!(
                                    "RANGE with a numeric offset needs a numeric ORDER BY key, found {key}"
                                ),
                            );
                        }
                    }
                    Type::Any | Type::Null => {}
                    t => {
                        return err(
                            e.span,
                            format!(
                                "a RANGE frame offset must be a number or an interval, found {t}"
                            ),
                        );
                    }
                }
            }
        }
        Ok(if preceding {
            FrameEdge::Preceding(x)
        } else {
            FrameEdge::Following(x)
        })
    }
}
