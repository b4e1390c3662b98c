//! `INSERT` and `UPSERT`.
//!
//! `insert = (INSERT | UPSERT) INTO table_name ( [(ident, ..)] VALUES (expr, ..), ..
//! | object, .. | [(ident, ..)] query ) [ON CONFLICT [(id)] DO (NOTHING | UPDATE SET
//! path = expr, ..)]` (`ON CONFLICT` with `INSERT` only).

use super::compound::query;
use super::expr::{comma, expr, object};
use super::*;
use crate::ast::{Expr, Insert, InsertSource, OnConflict};
use winnow::Parser;
use winnow::combinator::separated;

/// `insert` (see the module docs).
pub(super) fn insert(i: &mut In<'_>) -> PResult<Insert> {
    let upsert = eat_kw(i, "UPSERT").is_some();
    if !upsert {
        expect_kw(i, "INSERT")?;
    }
    expect_kw(i, "INTO")?;
    let target = super::query::table_name(i)?;
    let source = source(i)?;
    let on_conflict = if upsert {
        Some(OnConflict::Merge)
    } else if at_kw(i, "ON") {
        Some(on_conflict(i)?)
    } else {
        None
    };
    Ok(Insert {
        target,
        source,
        on_conflict,
    })
}

/// Whether a query starts here (`SELECT`, `WITH`, or `(` before one).
fn at_query(i: &In<'_>) -> bool {
    if at_kw(i, "SELECT") || at_kw(i, "WITH") {
        return true;
    }
    let mut c = i.clone();
    while eat_punct(&mut c, "(").is_some() {}
    at_kw(&c, "SELECT") || at_kw(&c, "WITH")
}

fn source(i: &mut In<'_>) -> PResult<InsertSource> {
    if at_punct(i, "{") {
        let docs = separated(1.., object, comma).parse_next(i)?;
        return Ok(InsertSource::Documents(docs));
    }
    let mut columns = Vec::new();
    if !at_query(i) && eat_punct(i, "(").is_some() {
        // Inside the column list any word is a name.
        columns = separated(1.., any_ident, comma).parse_next(i)?;
        expect_punct(i, ")")?;
    }
    if at_query(i) {
        let q = query(i)?;
        return Ok(InsertSource::Query {
            columns,
            query: Box::new(q),
        });
    }
    expect_kw(i, "VALUES").map_err(|_| cut(i, "VALUES, SELECT or `{`"))?;
    let rows: Vec<Vec<Expr>> = separated(1.., values_row, comma).parse_next(i)?;
    for r in &rows {
        if !columns.is_empty() && r.len() != columns.len() {
            let span = r.first().map_or(Span::default(), |e| e.span);
            let msg = format!("row has {} values for {} columns", r.len(), columns.len());
            return Err(cut_msg(span, msg));
        }
    }
    Ok(InsertSource::Values { columns, rows })
}

fn values_row(i: &mut In<'_>) -> PResult<Vec<Expr>> {
    if !at_punct(i, "(") {
        return Err(backtrack(i, "("));
    }
    bump(i);
    let r = separated(1.., expr, comma).parse_next(i)?;
    expect_punct(i, ")")?;
    Ok(r)
}

/// `ON CONFLICT [(id)] DO NOTHING | DO UPDATE SET path = expr, ..`: the conflict is
/// on the entity key, named `id` (or `_key`) when a target is written.
fn on_conflict(i: &mut In<'_>) -> PResult<OnConflict> {
    expect_kw(i, "ON")?;
    expect_kw(i, "CONFLICT")?;
    if eat_punct(i, "(").is_some() {
        let key = ident(i)?;
        if key.name != "id" && key.name != "_key" {
            return Err(cut_msg(
                key.span,
                format!(
                    "ON CONFLICT ({}): a conflict is on the entity key; write ON CONFLICT (id) or leave the target out",
                    key.name
                ),
            ));
        }
        expect_punct(i, ")")?;
    }
    expect_kw(i, "DO")?;
    if eat_kw(i, "NOTHING").is_some() {
        return Ok(OnConflict::Nothing);
    }
    expect_kw(i, "UPDATE").map_err(|_| cut(i, "NOTHING or UPDATE"))?;
    expect_kw(i, "SET")?;
    let mut sets = Vec::new();
    loop {
        let mut path = vec![any_ident(i)?];
        while eat_punct(i, ".").is_some() {
            path.push(any_ident(i)?);
        }
        expect_punct(i, "=")?;
        sets.push((path, expr(i)?));
        if eat_punct(i, ",").is_none() {
            break;
        }
    }
    Ok(OnConflict::Update(sets))
}
