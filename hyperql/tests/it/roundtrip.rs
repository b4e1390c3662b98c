//! Generated syntax trees print and parse back to themselves; no input panics.

use hyperql::*;
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(vec!["a", "b", "age", "name", "profile", "ts", "value", "position", "distance", "to", "x_1"]).prop_map(String::from),
        1 => prop::sample::select(vec!["order", "select", "first name", "it\"s", "über", "TRUE"]).prop_map(String::from),
    ]
}

fn ident() -> impl Strategy<Value = Ident> {
    name().prop_map(Ident::new)
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        Just(Literal::Null),
        any::<bool>().prop_map(Literal::Bool),
        any::<i64>().prop_map(Literal::Int),
        (-1e12f64..1e12).prop_map(Literal::Float),
        prop::num::f64::NORMAL.prop_map(Literal::Float),
        "[a-z '%_\\\\\n\t\"]{0,8}".prop_map(Literal::String),
        prop::sample::select(vec!["1 day", "15 minutes", "2h"])
            .prop_map(|s| Literal::Interval(s.to_string())),
    ]
}

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// `SELECT item FROM table [WHERE cond]`, for subqueries in expressions.
fn mini_select(item: Expr, table: Ident, cond: Option<Expr>) -> Select {
    Select {
        distinct: false,
        distinct_on: Vec::new(),
        items: vec![SelectItem::Expr {
            expr: item,
            alias: None,
        }],
        from: Some(From {
            first: TableRef {
                collection: table,
                entity: None,
                alias: None,
                args: None,
                span: Span::default(),
            },
            joins: Vec::new(),
        }),
        traverse: Vec::new(),
        selection: cond,
        group_by: Vec::new(),
        having: None,
        order_by: Vec::new(),
        limit: None,
        offset: None,
        span: Span::default(),
    }
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        literal().prop_map(Expr::lit),
        prop::collection::vec(ident(), 1..3).prop_map(|p| Expr::new(ExprKind::Path(p))),
        prop::sample::select(vec!["q", "start", "min"])
            .prop_map(|p| Expr::new(ExprKind::Param(p.to_string()))),
    ];
    leaf.prop_recursive(4, 48, 4, |inner| {
        let binop = prop::sample::select(vec![
            BinaryOp::Or,
            BinaryOp::And,
            BinaryOp::Eq,
            BinaryOp::NotEq,
            BinaryOp::Lt,
            BinaryOp::LtEq,
            BinaryOp::Gt,
            BinaryOp::GtEq,
            BinaryOp::Concat,
            BinaryOp::Add,
            BinaryOp::Sub,
            BinaryOp::Mul,
            BinaryOp::Div,
            BinaryOp::Mod,
        ]);
        prop_oneof![
            (binop, inner.clone(), inner.clone()).prop_map(|(op, l, r)| Expr::new(
                ExprKind::Binary {
                    op,
                    left: bx(l),
                    right: bx(r)
                }
            )),
            (any::<bool>(), inner.clone()).prop_map(|(not, e)| Expr::new(ExprKind::Unary {
                op: if not { UnaryOp::Not } else { UnaryOp::Neg },
                expr: bx(e)
            })),
            (inner.clone(), any::<bool>()).prop_map(|(e, negated)| Expr::new(ExprKind::IsNull {
                expr: bx(e),
                negated
            })),
            (inner.clone(), inner.clone(), inner.clone(), any::<bool>()).prop_map(
                |(e, l, h, negated)| Expr::new(ExprKind::Between {
                    expr: bx(e),
                    low: bx(l),
                    high: bx(h),
                    negated
                })
            ),
            (
                inner.clone(),
                prop::collection::vec(inner.clone(), 1..3),
                any::<bool>()
            )
                .prop_map(|(e, list, negated)| Expr::new(ExprKind::InList {
                    expr: bx(e),
                    list,
                    negated
                })),
            (
                inner.clone(),
                ident(),
                prop::option::of(inner.clone()),
                0..3u8,
                inner.clone(),
                any::<bool>()
            )
                .prop_map(|(item, table, cond, kind, x, negated)| {
                    let q = Box::new(mini_select(item, table, cond));
                    Expr::new(match kind {
                        0 => ExprKind::Exists(q),
                        1 => ExprKind::InSubquery {
                            expr: bx(x),
                            query: q,
                            negated,
                        },
                        _ => ExprKind::Subquery(q),
                    })
                }),
            (inner.clone(), inner.clone(), any::<bool>()).prop_map(|(e, p, negated)| Expr::new(
                ExprKind::Like {
                    expr: bx(e),
                    pattern: bx(p),
                    negated
                }
            )),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(e, t, h)| Expr::new(
                ExprKind::SimilarTo {
                    expr: bx(e),
                    target: bx(t),
                    threshold: bx(h)
                }
            )),
            (
                inner.clone(),
                inner.clone(),
                prop::option::of(inner.clone())
            )
                .prop_map(|(e, a, r)| Expr::new(ExprKind::Near {
                    expr: bx(e),
                    anchor: bx(a),
                    radius: r.map(bx)
                })),
            (inner.clone(), inner.clone()).prop_map(|(e, a)| Expr::new(ExprKind::DistanceFrom {
                expr: bx(e),
                anchor: bx(a)
            })),
            (
                ident(),
                prop::collection::vec(inner.clone(), 0..3),
                any::<bool>(),
                any::<bool>()
            )
                .prop_map(|(name, args, distinct, star)| {
                    let star = star && args.is_empty();
                    let distinct = distinct && !args.is_empty();
                    Expr::new(ExprKind::Function {
                        name,
                        args,
                        distinct,
                        star,
                    })
                }),
            (
                prop::option::of(inner.clone()),
                prop::collection::vec((inner.clone(), inner.clone()), 1..3),
                prop::option::of(inner.clone())
            )
                .prop_map(|(o, whens, e)| Expr::new(ExprKind::Case {
                    operand: o.map(bx),
                    whens,
                    else_: e.map(bx)
                })),
            (
                ident(),
                prop::collection::vec(inner.clone(), 0..3),
                window(inner.clone())
            )
                .prop_map(|(name, args, window)| Expr::new(ExprKind::Over {
                    call: bx(Expr::new(ExprKind::Function {
                        name,
                        args,
                        distinct: false,
                        star: false,
                    })),
                    window,
                })),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| Expr::new(ExprKind::Array(v))),
            prop::collection::vec(("[a-z ]{0,4}", inner.clone()), 0..3)
                .prop_map(|v| Expr::new(ExprKind::Object(v))),
            (endpoint(inner.clone())).prop_map(|e| Expr::new(ExprKind::Endpoint(e))),
        ]
    })
}

fn frame_bound(e: BoxedStrategy<Expr>) -> impl Strategy<Value = FrameBound> {
    prop_oneof![
        Just(FrameBound::UnboundedPreceding),
        e.clone().prop_map(|x| FrameBound::Preceding(bx(x))),
        Just(FrameBound::CurrentRow),
        e.prop_map(|x| FrameBound::Following(bx(x))),
        Just(FrameBound::UnboundedFollowing),
        Just(FrameBound::Preceding(bx(Expr::new(ExprKind::Path(vec![
            Ident::new("unbounded")
        ]))))),
    ]
}

fn window(e: BoxedStrategy<Expr>) -> impl Strategy<Value = WindowSpec> {
    let order = prop::collection::vec(
        (e.clone(), any::<bool>()).prop_map(|(expr, desc)| OrderItem {
            expr,
            desc,
            span: Span::default(),
        }),
        0..2,
    );
    let frame = prop::option::of(
        (
            any::<bool>(),
            frame_bound(e.clone()),
            prop::option::of(frame_bound(e.clone())),
        )
            .prop_map(|(rows, start, end)| WindowFrame {
                units: if rows {
                    FrameUnits::Rows
                } else {
                    FrameUnits::Range
                },
                start,
                end,
            }),
    );
    (prop::collection::vec(e, 0..2), order, frame).prop_map(|(partition_by, order_by, frame)| {
        WindowSpec {
            partition_by,
            order_by,
            frame,
        }
    })
}

/// `collection[key].path` with keys drawn from `key`.
fn endpoint<K: Strategy<Value = Expr>>(key: K) -> impl Strategy<Value = EndpointRef> {
    (ident(), key, prop::collection::vec(ident(), 0..3)).prop_map(|(collection, key, path)| {
        EndpointRef {
            collection,
            key: bx(key),
            path,
            span: Span::default(),
        }
    })
}

fn table_ref() -> impl Strategy<Value = TableRef> {
    let table = (
        ident(),
        prop::option::of(ident()),
        prop::option::of(ident()),
    )
        .prop_map(|(collection, entity, alias)| TableRef {
            collection,
            entity,
            alias,
            args: None,
            span: Span::default(),
        });
    let function = (
        ident(),
        prop::collection::vec(expr(), 0..2),
        prop::option::of(ident()),
    )
        .prop_map(|(collection, args, alias)| TableRef {
            collection,
            entity: None,
            alias,
            args: Some(args),
            span: Span::default(),
        });
    prop_oneof![4 => table, 1 => function]
}

fn join() -> impl Strategy<Value = Join> {
    let kind = prop::sample::select(vec![
        JoinKind::Comma,
        JoinKind::Cross,
        JoinKind::Inner,
        JoinKind::Left,
        JoinKind::Right,
        JoinKind::Full,
    ]);
    (kind, table_ref(), expr()).prop_map(|(kind, table, on)| {
        let on = if matches!(kind, JoinKind::Comma | JoinKind::Cross) {
            None
        } else {
            Some(on)
        };
        Join {
            kind,
            table,
            on,
            span: Span::default(),
        }
    })
}

fn node() -> impl Strategy<Value = NodePattern> {
    (prop::option::of(ident()), prop::option::of(ident())).prop_map(|(var, label)| NodePattern {
        var,
        label,
        span: Span::default(),
    })
}

fn edge() -> impl Strategy<Value = EdgePattern> {
    let quant = prop_oneof![
        Just(None),
        (0u32..4).prop_map(|n| Some(Quantifier {
            min: Some(n),
            max: Some(n),
            exact: true
        })),
        (prop::option::of(0u32..3), prop::option::of(1u32..5)).prop_map(|(min, max)| Some(
            Quantifier {
                min,
                max,
                exact: false
            }
        )),
    ];
    let dir = prop::sample::select(vec![Direction::Out, Direction::In, Direction::Both]);
    (
        prop::option::of(ident()),
        prop::option::of(ident()),
        quant,
        any::<bool>(),
        prop::collection::vec(("[a-z]{1,4}", expr()), 0..2),
        dir,
    )
        .prop_map(
            |(var, label, quantifier, optional, props, direction)| EdgePattern {
                var,
                label,
                quantifier,
                optional,
                props,
                direction,
                span: Span::default(),
            },
        )
}

fn path() -> impl Strategy<Value = PathPattern> {
    (node(), prop::collection::vec((edge(), node()), 0..3)).prop_map(|(start, steps)| PathPattern {
        start,
        steps,
        span: Span::default(),
    })
}

fn select() -> impl Strategy<Value = Select> {
    let item = prop_oneof![
        Just(SelectItem::Wildcard),
        ident().prop_map(SelectItem::QualifiedWildcard),
        (expr(), prop::option::of(ident()))
            .prop_map(|(expr, alias)| SelectItem::Expr { expr, alias }),
    ];
    let from = prop::option::of(
        (table_ref(), prop::collection::vec(join(), 0..3))
            .prop_map(|(first, joins)| From { first, joins }),
    );
    let order = prop::collection::vec(
        (expr(), any::<bool>()).prop_map(|(expr, desc)| OrderItem {
            expr,
            desc,
            span: Span::default(),
        }),
        0..3,
    );
    (
        (any::<bool>(), prop::collection::vec(expr(), 0..2)),
        prop::collection::vec(item, 1..4),
        from,
        prop::collection::vec(path(), 0..3),
        prop::option::of(expr()),
        prop::collection::vec(expr(), 0..3),
        prop::option::of(expr()),
        order,
        (prop::option::of(expr()), prop::option::of(expr())),
    )
        .prop_map(
            |(
                (distinct, distinct_on),
                items,
                from,
                traverse,
                selection,
                group_by,
                having,
                order_by,
                (limit, offset),
            )| Select {
                distinct: distinct && distinct_on.is_empty(),
                distinct_on,
                items,
                from,
                traverse,
                selection,
                group_by,
                having,
                order_by,
                limit,
                offset,
                span: Span::default(),
            },
        )
}

/// A SELECT without ORDER BY, LIMIT or OFFSET (an unparenthesized set operand).
fn operand() -> impl Strategy<Value = Select> {
    select().prop_map(|mut s| {
        s.order_by.clear();
        s.limit = None;
        s.offset = None;
        s
    })
}

fn plain_query(s: Select) -> Query {
    Query {
        with: None,
        body: SetExpr::Select(Box::new(s)),
        order_by: Vec::new(),
        limit: None,
        offset: None,
        span: Span::default(),
    }
}

fn set_expr() -> impl Strategy<Value = SetExpr> {
    let leaf = prop_oneof![
        3 => operand().prop_map(|s| SetExpr::Select(Box::new(s))),
        1 => select().prop_map(|s| SetExpr::Nested(Box::new(plain_query(s)))),
    ];
    leaf.prop_recursive(3, 8, 2, |inner| {
        (
            prop::sample::select(vec![SetOp::Union, SetOp::Intersect, SetOp::Except]),
            any::<bool>(),
            inner.clone(),
            inner,
        )
            .prop_map(|(op, all, l, r)| SetExpr::SetOp {
                op,
                all,
                left: Box::new(l),
                right: Box::new(r),
            })
    })
}

/// A compound query: WITH and/or a set operation (a plain SELECT is not one).
fn query() -> impl Strategy<Value = Query> {
    let cte =
        (ident(), prop::collection::vec(ident(), 0..3), select()).prop_map(|(name, columns, s)| {
            Cte {
                name,
                columns,
                query: Box::new(plain_query(s)),
            }
        });
    let with = prop::option::of(
        (any::<bool>(), prop::collection::vec(cte, 1..3))
            .prop_map(|(recursive, ctes)| With { recursive, ctes }),
    );
    let order = prop::collection::vec(
        (expr(), any::<bool>()).prop_map(|(expr, desc)| OrderItem {
            expr,
            desc,
            span: Span::default(),
        }),
        0..2,
    );
    (
        with,
        set_expr(),
        select(),
        order,
        (prop::option::of(expr()), prop::option::of(expr())),
    )
        .prop_map(|(with, body, only, order_by, (limit, offset))| match body {
            // A body of one SELECT keeps its own clauses.
            SetExpr::Select(_) => Query {
                with,
                ..plain_query(only)
            },
            body => Query {
                with,
                body,
                order_by,
                limit,
                offset,
                span: Span::default(),
            },
        })
}

fn on_conflict() -> impl Strategy<Value = Option<OnConflict>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(OnConflict::Nothing)),
        1 => Just(Some(OnConflict::Merge)),
        1 => prop::collection::vec((prop::collection::vec(ident(), 1..3), expr()), 1..3)
            .prop_map(|sets| Some(OnConflict::Update(sets))),
    ]
}

fn field_def() -> impl Strategy<Value = FieldDef> {
    let leaf =
        (ident(), prop::collection::vec(0i64..1000, 0..2)).prop_map(|(name, params)| TypeName {
            name,
            params,
            of: None,
            span: Span::default(),
        });
    let ty = leaf.prop_recursive(2, 4, 1, |inner| {
        (ident(), inner).prop_map(|(name, of)| TypeName {
            name,
            params: Vec::new(),
            of: Some(Box::new(of)),
            span: Span::default(),
        })
    });
    let label = || {
        prop_oneof![
            4 => ident(),
            1 => prop::sample::select(vec!["incoming", "BOTH"]).prop_map(Ident::new),
        ]
    };
    let cascade = prop::option::of(
        (
            ident(),
            prop::collection::vec(expr(), 0..2),
            ident(),
            prop::collection::vec(label(), 1..3),
            prop::sample::select(vec![Direction::In, Direction::Out, Direction::Both]),
            prop::option::of((ident(), prop::collection::vec(expr(), 0..2))),
        )
            .prop_map(
                |(function, args, field, through, direction, decay)| Cascade {
                    function,
                    args,
                    field,
                    through,
                    direction,
                    decay,
                },
            ),
    );
    let scope = prop::option::of(prop::sample::select(vec![
        FieldScope::Metadata,
        FieldScope::CollectionSpecific,
        FieldScope::DomainShared,
    ]));
    (
        ident(),
        ty,
        0u8..3,
        scope,
        any::<bool>(),
        prop::option::of(expr()),
        cascade,
    )
        .prop_map(
            |(name, ty, presence, scope, indexed, default, cascade)| FieldDef {
                name,
                ty,
                required: presence == 1,
                optional: presence == 2,
                scope,
                indexed,
                default,
                cascade,
                span: Span::default(),
            },
        )
}

fn statement() -> impl Strategy<Value = Statement> {
    let target = || {
        (ident(), prop::option::of(ident())).prop_map(|(collection, entity)| TableRef {
            collection,
            entity,
            alias: None,
            args: None,
            span: Span::default(),
        })
    };
    let kind = prop_oneof![
        4 => select().prop_map(|s| StatementKind::Select(Box::new(s))),
        2 => query().prop_map(|q| match q {
            Query { with: None, body: SetExpr::Select(s), .. } => StatementKind::Select(s),
            q => StatementKind::Query(Box::new(q)),
        }),
        1 => select().prop_map(|s| StatementKind::Explain(Box::new(Statement { kind: StatementKind::Select(Box::new(s)), span: Span::default() }))),
        1 => (target(), prop::collection::vec(ident(), 1..3), 1usize..3, expr(), on_conflict()).prop_map(|(target, columns, n, e, on_conflict)| {
            let rows = vec![vec![e; columns.len()]; n];
            StatementKind::Insert(Insert { target, source: InsertSource::Values { columns, rows }, on_conflict })
        }),
        1 => (target(), prop::collection::vec(prop::collection::vec(("[a-z]{1,3}", expr()), 0..3).prop_map(|v| Expr::new(ExprKind::Object(v))), 1..3), on_conflict())
            .prop_map(|(target, docs, on_conflict)| StatementKind::Insert(Insert { target, source: InsertSource::Documents(docs), on_conflict })),
        1 => (target(), prop::collection::vec(ident(), 0..3), query(), select(), any::<bool>(), on_conflict())
            .prop_map(|(target, columns, q, s, compound, on_conflict)| {
                let query = Box::new(if compound { q } else { plain_query(s) });
                StatementKind::Insert(Insert { target, source: InsertSource::Query { columns, query }, on_conflict })
            }),
        1 => (table_ref(), prop::collection::vec((prop::collection::vec(ident(), 1..3), expr()), 1..3), prop::option::of(expr()))
            .prop_map(|(target, assignments, selection)| StatementKind::Update(Update { target, assignments, selection })),
        1 => (table_ref(), prop::option::of(expr())).prop_map(|(target, selection)| StatementKind::Delete(Delete { target, selection })),
        1 => (expr(), ident(), prop::collection::vec(("[a-z]{1,3}", expr()), 0..2), any::<bool>(), expr())
            .prop_map(|(from, label, props, incoming, to)| StatementKind::Relate(Relate { from, label, props, direction: if incoming { Direction::In } else { Direction::Out }, to })),
        1 => (any::<bool>(), ident(), prop::collection::vec(field_def(), 1..3), prop::option::of(ident()), prop::option::of((ident(), prop::option::of(ident()))))
            .prop_map(|(if_not_exists, name, fields, extensibility, ts)| StatementKind::CreateSchema(CreateSchema {
                if_not_exists, name, fields, extensibility,
                time_series: ts.map(|(time, series)| TimeSeriesClause { time, series }),
            })),
        1 => (ident(), field_def()).prop_map(|(name, f)| StatementKind::AlterSchema(AlterSchema { name, action: AlterAction::AddField(Box::new(f)) })),
        1 => (ident(), field_def()).prop_map(|(name, f)| StatementKind::AlterSchema(AlterSchema { name, action: AlterAction::ModifyField(Box::new(f)) })),
        1 => (any::<bool>(), ident()).prop_map(|(if_exists, name)| StatementKind::DropSchema(DropSchema { if_exists, name })),
        1 => (ident(), any::<bool>()).prop_map(|(name, detailed)| StatementKind::DescribeSchema(DescribeSchema { name, detailed })),
        1 => (table_ref(), prop::option::of(expr())).prop_map(|(target, selection)| StatementKind::Subscribe(Subscribe { target, selection })),
        1 => (ident(), prop::collection::vec((ident(), expr()), 0..3))
            .prop_map(|(collection, options)| StatementKind::Relayout(Relayout { collection, options })),
        1 => prop::collection::vec((endpoint(expr()), expr()), 1..3)
            .prop_map(|assignments| StatementKind::Set(SetEndpoints { assignments })),
    ];
    kind.prop_map(|kind| Statement {
        kind,
        span: Span::default(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn printed_statements_parse_back(stmt in statement()) {
        let text = stmt.to_string();
        let parsed = parse_statement(&text).map_err(|e| TestCaseError::fail(format!("{text}\n{e}")))?;
        prop_assert_eq!(&parsed, &stmt, "{}", text);
    }

    #[test]
    fn no_input_panics(src in "\\PC{0,60}") {
        let (script, _) = parse_with_diagnostics(&src);
        let printed = script.to_string();
        let again = parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed}\n{e}")))?;
        prop_assert_eq!(script, again);
    }

    #[test]
    fn no_token_soup_panics(words in prop::collection::vec(prop::sample::select(vec![
        "SELECT", "*", "FROM", "t", "WHERE", "(", ")", "[", "]", "{", "}", "-", "->", "<", ":", ",", ";", "a", "1", "'s'", "$p",
        "AND", "NOT", "IN", "BETWEEN", "TRAVERSE", "*1..2", "?", "INSERT", "INTO", "VALUES", "RELATE", "CREATE", "SCHEMA",
        "DISTANCE", "SIMILAR", "TO", "THRESHOLD", "NEAR", "WITHIN", "CASE", "WHEN", "END", ".", "=", "EXPLAIN",
        "UNION", "ALL", "INTERSECT", "EXCEPT", "WITH", "RECURSIVE", "AS", "EXISTS", "LIMIT",
        "OVER", "PARTITION", "BY", "ORDER", "ROWS", "RANGE", "PRECEDING", "FOLLOWING", "UNBOUNDED", "CURRENT", "ROW", "DISTINCT", "ON",
    ]), 0..30)) {
        // Whatever parses (statements that failed are skipped) prints back to text
        // that parses to the same tree.
        let (script, _) = parse_with_diagnostics(&words.join(" "));
        let printed = script.to_string();
        let again = parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed}\n{e}")))?;
        prop_assert_eq!(script, again);
    }
}

#[test]
fn the_time_series_clause_prints_canonically_in_either_order() {
    for (src, canonical) in [
        (
            "create schema t (s String REQUIRED, ts Timestamp REQUIRED) with time series (ts, series s)",
            "CREATE SCHEMA t (s String REQUIRED, ts Timestamp REQUIRED) WITH TIME SERIES (ts, SERIES s)",
        ),
        (
            "CREATE SCHEMA t (ts Int REQUIRED) WITH TIME SERIES (ts) WITH EXTENSIBILITY Open",
            "CREATE SCHEMA t (ts Int REQUIRED) WITH EXTENSIBILITY Open WITH TIME SERIES (ts)",
        ),
    ] {
        let stmt = parse_statement(src).unwrap();
        assert_eq!(stmt.to_string(), canonical);
        assert_eq!(parse_statement(canonical).unwrap(), stmt);
        let StatementKind::CreateSchema(c) = &stmt.kind else {
            panic!("not a CREATE SCHEMA: {stmt}")
        };
        assert_eq!(
            c.time_series.as_ref().map(|t| t.time.name.as_str()),
            Some("ts")
        );
    }
    for bad in [
        "CREATE SCHEMA t (ts Int) WITH TIME SERIES ts",
        "CREATE SCHEMA t (ts Int) WITH TIME SERIES (ts, s)",
        "CREATE SCHEMA t (ts Int) WITH TIME SERIES (ts) WITH TIME SERIES (ts)",
    ] {
        assert!(parse_statement(bad).is_err(), "{bad}");
    }
}
