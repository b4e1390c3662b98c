//! `SELECT`, `FROM`, joins and `TRAVERSE` patterns.

use super::expr::{comma, expr, object_body};
use super::*;
use crate::ast::{
    Direction, EdgePattern, From, Join, JoinKind, NodePattern, OrderItem, PathPattern, Quantifier,
    Select, SelectItem, TableRef,
};
use winnow::Parser;
use winnow::combinator::separated;

/// `select = SELECT [DISTINCT [ON "(" expr, ... ")"]] select_item, ... [FROM from] [TRAVERSE path, ...]
/// [WHERE expr] [GROUP BY expr, ...] [HAVING expr] [ORDER BY order_item, ...]
/// [LIMIT expr] [OFFSET expr]`.
pub(crate) fn select(i: &mut In<'_>) -> PResult<Select> {
    let start = expect_kw(i, "SELECT")?;
    let mut distinct = eat_kw(i, "DISTINCT").is_some();
    let mut distinct_on = Vec::new();
    if distinct && at_kw(i, "ON") {
        bump(i);
        expect_punct(i, "(")?;
        distinct_on = separated(1.., expr, comma).parse_next(i)?;
        expect_punct(i, ")")?;
        distinct = false;
    }
    let items = separated(1.., select_item, comma).parse_next(i)?;
    let from = if eat_kw(i, "FROM").is_some() {
        Some(from(i)?)
    } else {
        None
    };
    let traverse = if eat_kw(i, "TRAVERSE").is_some() {
        separated(1.., path_pattern, comma).parse_next(i)?
    } else {
        Vec::new()
    };
    let selection = if eat_kw(i, "WHERE").is_some() {
        Some(expr(i)?)
    } else {
        None
    };
    let mut group_by = Vec::new();
    if eat_kw(i, "GROUP").is_some() {
        expect_kw(i, "BY")?;
        group_by = separated(1.., expr, comma).parse_next(i)?;
    }
    let having = if eat_kw(i, "HAVING").is_some() {
        Some(expr(i)?)
    } else {
        None
    };
    let mut order_by = Vec::new();
    if eat_kw(i, "ORDER").is_some() {
        expect_kw(i, "BY")?;
        order_by = separated(1.., order_item, comma).parse_next(i)?;
    }
    let limit = if eat_kw(i, "LIMIT").is_some() {
        Some(expr(i)?)
    } else {
        None
    };
    let offset = if eat_kw(i, "OFFSET").is_some() {
        Some(expr(i)?)
    } else {
        None
    };
    Ok(Select {
        distinct,
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
        span: span_from(i, start),
    })
}

/// `select_item = * | ident . * | expr [[AS] ident]`.
fn select_item(i: &mut In<'_>) -> PResult<SelectItem> {
    if eat_punct(i, "*").is_some() {
        return Ok(SelectItem::Wildcard);
    }
    if matches!(peek(i).kind, Tok::Word(_) | Tok::DQuoted(_))
        && matches!(peek2(i).kind, Tok::Punct("."))
    {
        let mut c = i.clone();
        let q = ident(&mut c);
        bump(&mut c);
        if let (Ok(q), true) = (q, at_punct(&c, "*")) {
            bump(&mut c);
            *i = c;
            return Ok(SelectItem::QualifiedWildcard(q));
        }
    }
    let e = expr(i).map_err(|e| match e {
        ErrMode::Backtrack(mut e) => {
            e.expected.push("select item");
            ErrMode::Cut(e)
        }
        e => e,
    })?;
    let alias = alias(i)?;
    Ok(SelectItem::Expr { expr: e, alias })
}

/// `[AS] ident` (without `AS` only a non-reserved word).
fn alias(i: &mut In<'_>) -> PResult<Option<crate::ast::Ident>> {
    // After AS any word is a name.
    if eat_kw(i, "AS").is_some() {
        return any_ident(i).map(Some);
    }
    match &peek(i).kind {
        Tok::Word(w) if !is_reserved(w) => ident(i).map(Some),
        Tok::DQuoted(_) => ident(i).map(Some),
        _ => Ok(None),
    }
}

/// `order_item = expr [ASC | DESC]`.
pub(crate) fn order_item(i: &mut In<'_>) -> PResult<OrderItem> {
    let start = peek(i).span;
    let e = expr(i)?;
    let desc = if eat_kw(i, "DESC").is_some() {
        true
    } else {
        eat_kw(i, "ASC");
        false
    };
    Ok(OrderItem {
        expr: e,
        desc,
        span: span_from(i, start),
    })
}

/// `from = table_ref (, table_ref | join)*`.
fn from(i: &mut In<'_>) -> PResult<From> {
    let first = table_ref(i)?;
    let mut joins = Vec::new();
    loop {
        let start = peek(i).span;
        let kind = if eat_punct(i, ",").is_some() {
            JoinKind::Comma
        } else if eat_kw(i, "CROSS").is_some() {
            expect_kw(i, "JOIN")?;
            JoinKind::Cross
        } else if eat_kw(i, "JOIN").is_some() {
            JoinKind::Inner
        } else if eat_kw(i, "INNER").is_some() {
            expect_kw(i, "JOIN")?;
            JoinKind::Inner
        } else if let Some(k) = ["LEFT", "RIGHT", "FULL"].iter().find(|k| at_kw(i, k)) {
            bump(i);
            eat_kw(i, "OUTER");
            expect_kw(i, "JOIN")?;
            match *k {
                "LEFT" => JoinKind::Left,
                "RIGHT" => JoinKind::Right,
                _ => JoinKind::Full,
            }
        } else {
            return Ok(From { first, joins });
        };
        let table = table_ref(i)?;
        let on = if matches!(kind, JoinKind::Comma | JoinKind::Cross) {
            None
        } else {
            expect_kw(i, "ON")?;
            Some(expr(i)?)
        };
        joins.push(Join {
            kind,
            table,
            on,
            span: span_from(i, start),
        });
    }
}

/// `table_ref = (table_name | ident "(" [expr, ...] ")") [[AS] ident]` (the second
/// form a table function: `ENDPOINTS('users.*.email')`).
pub(crate) fn table_ref(i: &mut In<'_>) -> PResult<TableRef> {
    let mut t = table_name(i)?;
    if t.entity.is_none() && eat_punct(i, "(").is_some() {
        t.args = Some(separated(0.., expr, comma).parse_next(i)?);
        expect_punct(i, ")")?;
    }
    t.alias = alias(i)?;
    t.span = span_from(i, t.span);
    Ok(t)
}

/// `table_name = ident [. ident]` (collection and entity type).
pub(crate) fn table_name(i: &mut In<'_>) -> PResult<TableRef> {
    let collection = ident(i).map_err(|_| cut(i, "collection name"))?;
    let entity = if eat_punct(i, ".").is_some() {
        Some(any_ident(i)?)
    } else {
        None
    };
    let span = span_from(i, collection.span);
    Ok(TableRef {
        collection,
        entity,
        alias: None,
        args: None,
        span,
    })
}

/// `path = node (edge node)*`.
fn path_pattern(i: &mut In<'_>) -> PResult<PathPattern> {
    let startspan = peek(i).span;
    let start = node_pattern(i)?;
    let mut steps = Vec::new();
    while at_punct(i, "-") || (at_punct(i, "<") && matches!(peek2(i).kind, Tok::Punct("-"))) {
        let e = edge_pattern(i)?;
        steps.push((e, node_pattern(i)?));
    }
    Ok(PathPattern {
        start,
        steps,
        span: span_from(i, startspan),
    })
}

/// `node = ( [ident] [: ident] )`.
fn node_pattern(i: &mut In<'_>) -> PResult<NodePattern> {
    let start = peek(i).span;
    expect_punct(i, "(").map_err(|_| cut(i, "node pattern `(`"))?;
    let var = if at_punct(i, ":") || at_punct(i, ")") {
        None
    } else {
        Some(ident(i)?)
    };
    let label = if eat_punct(i, ":").is_some() {
        Some(any_ident(i)?)
    } else {
        None
    };
    expect_punct(i, ")")?;
    Ok(NodePattern {
        var,
        label,
        span: span_from(i, start),
    })
}

/// `edge = (- | <-) [ [ident] [: ident] [quantifier] [?] [{props}] ] (-> | -)`.
fn edge_pattern(i: &mut In<'_>) -> PResult<EdgePattern> {
    let start = peek(i).span;
    let incoming = eat_punct(i, "<").is_some();
    expect_punct(i, "-")?;
    expect_punct(i, "[")?;
    let var = if matches!(peek(i).kind, Tok::Word(_) | Tok::DQuoted(_)) {
        Some(ident(i)?)
    } else {
        None
    };
    let label = if eat_punct(i, ":").is_some() {
        Some(any_ident(i)?)
    } else {
        None
    };
    let quantifier = if eat_punct(i, "*").is_some() {
        Some(quantifier(i)?)
    } else {
        None
    };
    let optional = eat_punct(i, "?").is_some();
    let props = if eat_punct(i, "{").is_some() {
        let p = object_body(i)?;
        expect_punct(i, "}")?;
        p
    } else {
        Vec::new()
    };
    expect_punct(i, "]")?;
    let direction = if incoming {
        expect_punct(i, "-")?;
        Direction::In
    } else if eat_punct(i, "->").is_some() {
        Direction::Out
    } else if eat_punct(i, "-").is_some() {
        Direction::Both
    } else {
        return Err(cut(i, "`->` or `-`"));
    };
    Ok(EdgePattern {
        var,
        label,
        quantifier,
        optional,
        props,
        direction,
        span: span_from(i, start),
    })
}

fn hop_count(i: &mut In<'_>) -> PResult<Option<u32>> {
    let t = peek(i);
    if let Tok::Int(n) = t.kind {
        bump(i);
        return u32::try_from(n)
            .map(Some)
            .map_err(|_| cut_msg(t.span, "hop count out of range".into()));
    }
    Ok(None)
}

/// `quantifier = * [int] [.. [int]]` (after the `*`).
fn quantifier(i: &mut In<'_>) -> PResult<Quantifier> {
    let min = hop_count(i)?;
    if eat_punct(i, "..").is_some() {
        let max = hop_count(i)?;
        return Ok(Quantifier {
            min,
            max,
            exact: false,
        });
    }
    match min {
        Some(n) => Ok(Quantifier {
            min: Some(n),
            max: Some(n),
            exact: true,
        }),
        None => Ok(Quantifier {
            min: None,
            max: None,
            exact: false,
        }),
    }
}
