//! Statement dispatch, writes and schema statements.

use super::expr::{comma, expr, object_body, primary};
use super::query::table_ref;
use super::*;
use crate::ast::{
    AlterAction, AlterSchema, Cascade, CreateSchema, Delete, DescribeSchema, Direction, DropSchema,
    FieldDef, Relate, Relayout, StatementKind, Subscribe, TimeSeriesClause, TypeName, Update,
};
use winnow::Parser;
use winnow::combinator::separated;

const STATEMENT_STARTS: &str = "SELECT, WITH, EXPLAIN, INSERT, UPSERT, UPDATE, DELETE, RELATE, CREATE, ALTER, DROP, DESCRIBE, SUBSCRIBE, RELAYOUT or SET";

/// `statement`.
pub(crate) fn statement(i: &mut In<'_>) -> PResult<Statement> {
    let _depth = deeper(i)?;
    let start = peek(i).span;
    let word = match &peek(i).kind {
        Tok::Word(w) => w.to_ascii_uppercase(),
        _ => String::new(),
    };
    let kind = match word.as_str() {
        _ if at_punct(i, "(") => super::compound::select_statement(i)?,
        "SELECT" | "WITH" => super::compound::select_statement(i)?,
        "EXPLAIN" => {
            bump(i);
            StatementKind::Explain(Box::new(statement(i)?))
        }
        "INSERT" | "UPSERT" => StatementKind::Insert(super::insert::insert(i)?),
        "UPDATE" => StatementKind::Update(update(i)?),
        "DELETE" => StatementKind::Delete(delete(i)?),
        "RELATE" => StatementKind::Relate(relate(i)?),
        "CREATE" => StatementKind::CreateSchema(create_schema(i)?),
        "ALTER" => StatementKind::AlterSchema(alter_schema(i)?),
        "DROP" => StatementKind::DropSchema(drop_schema(i)?),
        "DESCRIBE" => StatementKind::DescribeSchema(describe_schema(i)?),
        "SUBSCRIBE" => StatementKind::Subscribe(subscribe(i)?),
        "RELAYOUT" => StatementKind::Relayout(relayout(i)?),
        "SET" => StatementKind::Set(super::endpoint::set(i)?),
        _ => return Err(cut(i, STATEMENT_STARTS)),
    };
    Ok(Statement {
        kind,
        span: span_from(i, start),
    })
}

fn where_clause(i: &mut In<'_>) -> PResult<Option<crate::ast::Expr>> {
    if eat_kw(i, "WHERE").is_some() {
        Ok(Some(expr(i)?))
    } else {
        Ok(None)
    }
}

/// `update = UPDATE table_ref SET path = expr, ... [WHERE expr]`.
fn update(i: &mut In<'_>) -> PResult<Update> {
    expect_kw(i, "UPDATE")?;
    let target = table_ref(i)?;
    expect_kw(i, "SET")?;
    let mut assignments = Vec::new();
    loop {
        // After SET or a comma any word is a field name.
        let mut path = vec![any_ident(i)?];
        while eat_punct(i, ".").is_some() {
            path.push(any_ident(i)?);
        }
        expect_punct(i, "=")?;
        assignments.push((path, expr(i)?));
        if eat_punct(i, ",").is_none() {
            break;
        }
    }
    Ok(Update {
        target,
        assignments,
        selection: where_clause(i)?,
    })
}

/// `delete = DELETE FROM table_ref [WHERE expr]`.
fn delete(i: &mut In<'_>) -> PResult<Delete> {
    expect_kw(i, "DELETE")?;
    expect_kw(i, "FROM")?;
    let target = table_ref(i)?;
    Ok(Delete {
        target,
        selection: where_clause(i)?,
    })
}

/// `relate = RELATE primary (-[: ident [{props}]]-> | <-[: ident [{props}]]-) primary`.
fn relate(i: &mut In<'_>) -> PResult<Relate> {
    expect_kw(i, "RELATE")?;
    let from = primary(i).map_err(|_| cut(i, "entity id"))?;
    let incoming = eat_punct(i, "<").is_some();
    expect_punct(i, "-")?;
    expect_punct(i, "[")?;
    expect_punct(i, ":")?;
    let label = any_ident(i)?;
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
    } else {
        expect_punct(i, "->")?;
        Direction::Out
    };
    let to = primary(i).map_err(|_| cut(i, "entity id"))?;
    Ok(Relate {
        from,
        label,
        props,
        direction,
        to,
    })
}

/// `type = ident [( int, ... ) | ( type )]`.
fn type_name(i: &mut In<'_>) -> PResult<TypeName> {
    let _depth = deeper(i)?;
    let name = any_ident(i).map_err(|_| cut(i, "type"))?;
    let mut params = Vec::new();
    let mut of = None;
    if eat_punct(i, "(").is_some() {
        if matches!(peek(i).kind, Tok::Int(_)) {
            loop {
                let t = peek(i);
                match t.kind {
                    Tok::Int(n) => {
                        bump(i);
                        let n = i64::try_from(n)
                            .map_err(|_| cut_msg(t.span, "type parameter out of range".into()))?;
                        params.push(n);
                    }
                    _ => return Err(cut(i, "integer")),
                }
                if eat_punct(i, ",").is_none() {
                    break;
                }
            }
        } else {
            of = Some(Box::new(type_name(i)?));
        }
        expect_punct(i, ")")?;
    }
    let span = span_from(i, name.span);
    Ok(TypeName {
        name,
        params,
        of,
        span,
    })
}

fn direction_word(i: &mut In<'_>) -> PResult<Direction> {
    if eat_kw(i, "INCOMING").is_some() {
        Ok(Direction::In)
    } else if eat_kw(i, "OUTGOING").is_some() {
        Ok(Direction::Out)
    } else if eat_kw(i, "BOTH").is_some() {
        Ok(Direction::Both)
    } else {
        Err(cut(i, "INCOMING, OUTGOING or BOTH"))
    }
}

/// `field_def = ident type (REQUIRED | OPTIONAL | scope | INDEXED | DEFAULT expr |
/// CASCADED AS AGGREGATE ident [( expr, ... )] FROM ident THROUGH ident ident*
/// direction [WITH DECAY ident ( expr, ... )])*`, with `scope = METADATA |
/// COLLECTION_SPECIFIC | DOMAIN_SHARED` (REQUIRED and OPTIONAL exclude each other,
/// and a field has at most one scope).
fn field_def(i: &mut In<'_>) -> PResult<FieldDef> {
    let name = ident(i)?;
    let ty = type_name(i)?;
    let mut f = FieldDef {
        name,
        ty,
        required: false,
        optional: false,
        scope: None,
        indexed: false,
        default: None,
        cascade: None,
        span: Span::default(),
    };
    loop {
        let word = match &peek(i).kind {
            Tok::Word(w) => w.to_ascii_uppercase(),
            _ => String::new(),
        };
        if word == "REQUIRED" || word == "OPTIONAL" {
            let at = bump(i).span;
            if f.required || f.optional {
                let msg = "a field is REQUIRED or OPTIONAL, once".to_string();
                return Err(cut_msg(at, msg));
            }
            f.required = word == "REQUIRED";
            f.optional = word == "OPTIONAL";
        } else if let Some(scope) = crate::types::FieldScope::from_keyword(&word) {
            let at = bump(i).span;
            if f.scope.is_some() {
                let msg = "a field has at most one scope (METADATA, COLLECTION_SPECIFIC or DOMAIN_SHARED)";
                return Err(cut_msg(at, msg.to_string()));
            }
            f.scope = Some(scope);
        } else if eat_kw(i, "INDEXED").is_some() {
            f.indexed = true;
        } else if eat_kw(i, "DEFAULT").is_some() {
            f.default = Some(expr(i)?);
        } else if eat_kw(i, "CASCADED").is_some() {
            expect_kw(i, "AS")?;
            expect_kw(i, "AGGREGATE")?;
            let function = any_ident(i)?;
            let mut args = Vec::new();
            if eat_punct(i, "(").is_some() {
                args = separated(1.., expr, comma).parse_next(i)?;
                expect_punct(i, ")")?;
            }
            expect_kw(i, "FROM")?;
            let field = any_ident(i)?;
            expect_kw(i, "THROUGH")?;
            let mut through = vec![any_ident(i)?];
            while !["INCOMING", "OUTGOING", "BOTH"].iter().any(|d| at_kw(i, d))
                && matches!(peek(i).kind, Tok::Word(_) | Tok::DQuoted(_))
            {
                through.push(any_ident(i)?);
            }
            let direction = direction_word(i)?;
            let decay = if eat_kw(i, "WITH").is_some() {
                expect_kw(i, "DECAY")?;
                let kind = any_ident(i)?;
                expect_punct(i, "(")?;
                let args = if at_punct(i, ")") {
                    Vec::new()
                } else {
                    separated(1.., expr, comma).parse_next(i)?
                };
                expect_punct(i, ")")?;
                Some((kind, args))
            } else {
                None
            };
            f.cascade = Some(Cascade {
                function,
                args,
                field,
                through,
                direction,
                decay,
            });
        } else {
            f.span = span_from(i, f.name.span);
            return Ok(f);
        }
    }
}

/// `create_schema = CREATE SCHEMA [IF NOT EXISTS] ident ( field_def, ... )
/// [WITH EXTENSIBILITY ident] [WITH TIME SERIES ( ident [, SERIES ident] )]`
/// (the two `WITH` clauses in either order, each at most once).
fn create_schema(i: &mut In<'_>) -> PResult<CreateSchema> {
    expect_kw(i, "CREATE")?;
    expect_kw(i, "SCHEMA")?;
    let if_not_exists = if eat_kw(i, "IF").is_some() {
        expect_kw(i, "NOT")?;
        expect_kw(i, "EXISTS")?;
        true
    } else {
        false
    };
    let name = ident(i)?;
    expect_punct(i, "(")?;
    let fields = separated(1.., field_def, comma).parse_next(i)?;
    expect_punct(i, ")")?;
    let (mut extensibility, mut time_series) = (None, None);
    while eat_kw(i, "WITH").is_some() {
        if time_series.is_none() && eat_kw(i, "TIME").is_some() {
            time_series = Some(time_series_clause(i)?);
        } else if extensibility.is_none() {
            expect_kw(i, "EXTENSIBILITY")?;
            extensibility = Some(any_ident(i)?);
        } else {
            expect_kw(i, "TIME")?;
            time_series = Some(time_series_clause(i)?);
        }
    }
    Ok(CreateSchema {
        if_not_exists,
        name,
        fields,
        extensibility,
        time_series,
    })
}

/// `time_series_clause = SERIES ( ident [, SERIES ident] )`, after `WITH TIME`.
fn time_series_clause(i: &mut In<'_>) -> PResult<TimeSeriesClause> {
    expect_kw(i, "SERIES")?;
    expect_punct(i, "(")?;
    let time = ident(i)?;
    let series = if eat_punct(i, ",").is_some() {
        expect_kw(i, "SERIES")?;
        Some(ident(i)?)
    } else {
        None
    };
    expect_punct(i, ")")?;
    Ok(TimeSeriesClause { time, series })
}

/// `alter_schema = ALTER SCHEMA ident (ADD FIELD field_def | MODIFY FIELD field_def |
/// DROP FIELD ident)`.
fn alter_schema(i: &mut In<'_>) -> PResult<AlterSchema> {
    expect_kw(i, "ALTER")?;
    expect_kw(i, "SCHEMA")?;
    let name = ident(i)?;
    let action = if eat_kw(i, "ADD").is_some() {
        expect_kw(i, "FIELD")?;
        AlterAction::AddField(Box::new(field_def(i)?))
    } else if eat_kw(i, "MODIFY").is_some() {
        expect_kw(i, "FIELD")?;
        AlterAction::ModifyField(Box::new(field_def(i)?))
    } else if eat_kw(i, "DROP").is_some() {
        expect_kw(i, "FIELD")?;
        AlterAction::DropField(ident(i)?)
    } else {
        return Err(cut(i, "ADD, MODIFY or DROP"));
    };
    Ok(AlterSchema { name, action })
}

/// `drop_schema = DROP SCHEMA [IF EXISTS] ident`.
fn drop_schema(i: &mut In<'_>) -> PResult<DropSchema> {
    expect_kw(i, "DROP")?;
    expect_kw(i, "SCHEMA")?;
    let if_exists = if eat_kw(i, "IF").is_some() {
        expect_kw(i, "EXISTS")?;
        true
    } else {
        false
    };
    Ok(DropSchema {
        if_exists,
        name: ident(i)?,
    })
}

/// `describe_schema = DESCRIBE SCHEMA ident [DETAILED]`.
fn describe_schema(i: &mut In<'_>) -> PResult<DescribeSchema> {
    expect_kw(i, "DESCRIBE")?;
    expect_kw(i, "SCHEMA")?;
    let name = ident(i)?;
    Ok(DescribeSchema {
        name,
        detailed: eat_kw(i, "DETAILED").is_some(),
    })
}

/// `relayout = RELAYOUT ident [WITH '(' ident '=' expr {',' ident '=' expr} ')']`.
fn relayout(i: &mut In<'_>) -> PResult<Relayout> {
    expect_kw(i, "RELAYOUT")?;
    let collection = ident(i)?;
    let mut options = Vec::new();
    if eat_kw(i, "WITH").is_some() {
        expect_punct(i, "(")?;
        loop {
            let name = ident(i)?;
            expect_punct(i, "=")?;
            options.push((name, expr(i)?));
            if eat_punct(i, ",").is_none() {
                break;
            }
        }
        expect_punct(i, ")")?;
    }
    Ok(Relayout {
        collection,
        options,
    })
}

/// `subscribe = SUBSCRIBE table_ref [WHERE expr]`.
fn subscribe(i: &mut In<'_>) -> PResult<Subscribe> {
    expect_kw(i, "SUBSCRIBE")?;
    let target = table_ref(i)?;
    Ok(Subscribe {
        target,
        selection: where_clause(i)?,
    })
}
