//! Canonical printing. Parentheses appear exactly where precedence needs them, so
//! `parse(print(ast)) == ast` for every tree the parser can produce.

use super::expr::{BinaryOp, Expr, ExprKind, Literal, UnaryOp};
use super::stmt::*;
use crate::parser::is_reserved;
use std::fmt::{self, Display, Formatter, Write};

/// Prints `name` bare when it is a plain, non-reserved identifier, else double-quoted.
pub fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !is_reserved(name);
    if plain {
        name.to_string()
    } else {
        let mut s = String::from("\"");
        escape_into(&mut s, name, '"');
        s.push('"');
        s
    }
}

fn escape_into(out: &mut String, s: &str, q: char) {
    for c in s.chars() {
        match c {
            c if c == q => {
                out.push(q);
                out.push(q);
            }
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// A single-quoted string literal with escapes.
pub(crate) fn quote_str(s: &str) -> String {
    let mut out = String::from("'");
    escape_into(&mut out, s, '\'');
    out.push('\'');
    out
}

fn object_key(k: &str) -> String {
    let q = quote_ident(k);
    if q.starts_with('"') { quote_str(k) } else { q }
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&quote_ident(&self.name))
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("NULL"),
            Literal::Bool(true) => f.write_str("TRUE"),
            Literal::Bool(false) => f.write_str("FALSE"),
            Literal::Int(n) => write!(f, "{n}"),
            Literal::Float(x) => write!(f, "{x:?}"),
            Literal::String(s) => f.write_str(&quote_str(s)),
            Literal::Interval(s) => write!(f, "INTERVAL {}", quote_str(s)),
        }
    }
}

/// Precedence levels, loosest first.
pub(crate) mod prec {
    pub const OR: u8 = 1;
    pub const AND: u8 = 2;
    pub const NOT: u8 = 3;
    pub const CMP: u8 = 4;
    pub const CONCAT: u8 = 5;
    pub const ADD: u8 = 6;
    pub const MUL: u8 = 7;
    pub const UNARY: u8 = 8;
    pub const PRIMARY: u8 = 9;
}

impl BinaryOp {
    /// The operator's precedence level.
    pub(crate) fn prec(self) -> u8 {
        use BinaryOp::*;
        match self {
            Or => prec::OR,
            And => prec::AND,
            Eq | NotEq | Lt | LtEq | Gt | GtEq => prec::CMP,
            Concat => prec::CONCAT,
            Add | Sub => prec::ADD,
            Mul | Div | Mod => prec::MUL,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Or => "OR",
            And => "AND",
            Eq => "=",
            NotEq => "<>",
            Lt => "<",
            LtEq => "<=",
            Gt => ">",
            GtEq => ">=",
            Concat => "||",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Mod => "%",
        }
    }
}

impl Expr {
    /// Precedence of this expression's top operator.
    pub(crate) fn prec(&self) -> u8 {
        match &self.kind {
            ExprKind::Binary { op, .. } => op.prec(),
            ExprKind::Unary {
                op: UnaryOp::Not, ..
            } => prec::NOT,
            ExprKind::Unary {
                op: UnaryOp::Neg, ..
            } => prec::UNARY,
            ExprKind::IsNull { .. }
            | ExprKind::Between { .. }
            | ExprKind::InList { .. }
            | ExprKind::InSubquery { .. }
            | ExprKind::Like { .. }
            | ExprKind::SimilarTo { .. }
            | ExprKind::Near { .. }
            | ExprKind::DistanceFrom { .. } => prec::CMP,
            ExprKind::Literal(Literal::Int(n)) if *n < 0 => prec::UNARY,
            ExprKind::Literal(Literal::Float(x)) if x.is_sign_negative() => prec::UNARY,
            _ => prec::PRIMARY,
        }
    }
}

/// Writes `e`, in parentheses when its precedence is below `min`.
struct P<'a>(&'a Expr, u8);

impl Display for P<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.0.prec() < self.1 {
            write!(f, "({})", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// An element of an array or object literal: a lone double-quoted name there would
/// read back as a string, so such a path is parenthesized.
struct Elem<'a>(&'a Expr);

impl Display for Elem<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            ExprKind::Path(p) if p.len() == 1 && quote_ident(&p[0].name).starts_with('"') => {
                write!(f, "({})", self.0)
            }
            _ => write!(f, "{}", self.0),
        }
    }
}

pub(super) fn list<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{x}")?;
    }
    Ok(())
}

fn props(f: &mut Formatter<'_>, props: &[(String, Expr)]) -> fmt::Result {
    f.write_str("{")?;
    for (i, (k, v)) in props.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}: {}", object_key(k), Elem(v))?;
    }
    f.write_str("}")
}

pub(super) fn path(f: &mut Formatter<'_>, p: &[Ident]) -> fmt::Result {
    for (i, seg) in p.iter().enumerate() {
        if i > 0 {
            f.write_str(".")?;
        }
        write!(f, "{seg}")?;
    }
    Ok(())
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use prec::*;
        match &self.kind {
            ExprKind::Literal(l) => write!(f, "{l}"),
            ExprKind::Path(p) => path(f, p),
            ExprKind::Param(p) => write!(f, "${p}"),
            ExprKind::Unary {
                op: UnaryOp::Not,
                expr,
            } => write!(f, "NOT {}", P(expr, NOT)),
            ExprKind::Unary {
                op: UnaryOp::Neg,
                expr,
            } => match &expr.kind {
                ExprKind::Literal(Literal::Int(_) | Literal::Float(_)) => write!(f, "-({expr})"),
                _ => {
                    let inner = P(expr, UNARY).to_string();
                    if inner.starts_with('-') {
                        write!(f, "- {inner}")
                    } else {
                        write!(f, "-{inner}")
                    }
                }
            },
            ExprKind::Binary { op, left, right } => {
                let p = op.prec();
                let lmin = if p == CMP { p + 1 } else { p };
                write!(f, "{} {} {}", P(left, lmin), op.symbol(), P(right, p + 1))
            }
            ExprKind::IsNull { expr, negated } => {
                write!(
                    f,
                    "{} IS {}NULL",
                    P(expr, CONCAT),
                    if *negated { "NOT " } else { "" }
                )
            }
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => write!(
                f,
                "{} {}BETWEEN {} AND {}",
                P(expr, CONCAT),
                if *negated { "NOT " } else { "" },
                P(low, CONCAT),
                P(high, CONCAT)
            ),
            ExprKind::InList {
                expr,
                list: items,
                negated,
            } => {
                write!(
                    f,
                    "{} {}IN (",
                    P(expr, CONCAT),
                    if *negated { "NOT " } else { "" }
                )?;
                list(f, items)?;
                f.write_str(")")
            }
            ExprKind::InSubquery {
                expr,
                query,
                negated,
            } => write!(
                f,
                "{} {}IN ({query})",
                P(expr, CONCAT),
                if *negated { "NOT " } else { "" }
            ),
            ExprKind::Exists(q) => write!(f, "EXISTS ({q})"),
            ExprKind::Like {
                expr,
                pattern,
                negated,
            } => write!(
                f,
                "{} {}LIKE {}",
                P(expr, CONCAT),
                if *negated { "NOT " } else { "" },
                P(pattern, CONCAT)
            ),
            ExprKind::SimilarTo {
                expr,
                target,
                threshold,
            } => write!(
                f,
                "{} SIMILAR TO {} THRESHOLD {}",
                P(expr, CONCAT),
                P(target, CONCAT),
                P(threshold, CONCAT)
            ),
            ExprKind::Near {
                expr,
                anchor,
                radius,
            } => {
                write!(f, "{} NEAR {}", P(expr, CONCAT), P(anchor, CONCAT))?;
                match radius {
                    Some(r) => write!(f, " WITHIN {}", P(r, CONCAT)),
                    None => Ok(()),
                }
            }
            ExprKind::DistanceFrom { expr, anchor } => {
                write!(f, "{} DISTANCE FROM {}", P(expr, CONCAT), P(anchor, CONCAT))
            }
            ExprKind::Function {
                name,
                args,
                distinct,
                star,
            } => {
                write!(f, "{name}(")?;
                if *distinct {
                    f.write_str("DISTINCT ")?;
                }
                if *star {
                    f.write_str("*")?;
                } else {
                    list(f, args)?;
                }
                f.write_str(")")
            }
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => {
                f.write_str("CASE")?;
                if let Some(o) = operand {
                    write!(f, " {o}")?;
                }
                for (w, t) in whens {
                    write!(f, " WHEN {w} THEN {t}")?;
                }
                if let Some(e) = else_ {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END")
            }
            ExprKind::Array(items) => {
                f.write_str("[")?;
                let items: Vec<Elem<'_>> = items.iter().map(Elem).collect();
                list(f, &items)?;
                f.write_str("]")
            }
            ExprKind::Object(kv) => props(f, kv),
            ExprKind::Subquery(s) => write!(f, "({s})"),
            ExprKind::Over { call, window } => write!(f, "{call} OVER ({window})"),
            ExprKind::Endpoint(e) => write!(f, "{e}"),
        }
    }
}

impl Display for TableRef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.collection)?;
        if let Some(args) = &self.args {
            f.write_str("(")?;
            list(f, args)?;
            f.write_str(")")?;
        }
        if let Some(e) = &self.entity {
            write!(f, ".{e}")?;
        }
        if let Some(a) = &self.alias {
            write!(f, " AS {a}")?;
        }
        Ok(())
    }
}

impl Display for SelectItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SelectItem::Wildcard => f.write_str("*"),
            SelectItem::QualifiedWildcard(q) => write!(f, "{q}.*"),
            SelectItem::Expr {
                expr,
                alias: Some(a),
            } => write!(f, "{expr} AS {a}"),
            SelectItem::Expr { expr, alias: None } => write!(f, "{expr}"),
        }
    }
}

impl Display for From {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first)?;
        for j in &self.joins {
            let kw = match j.kind {
                JoinKind::Comma => ",",
                JoinKind::Cross => " CROSS JOIN",
                JoinKind::Inner => " JOIN",
                JoinKind::Left => " LEFT JOIN",
                JoinKind::Right => " RIGHT JOIN",
                JoinKind::Full => " FULL JOIN",
            };
            write!(f, "{kw} {}", j.table)?;
            if let Some(on) = &j.on {
                write!(f, " ON {on}")?;
            }
        }
        Ok(())
    }
}

impl Display for NodePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        if let Some(v) = &self.var {
            write!(f, "{v}")?;
        }
        if let Some(l) = &self.label {
            write!(f, ":{l}")?;
        }
        f.write_str(")")
    }
}

impl Display for Quantifier {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("*")?;
        match (self.exact, self.min, self.max) {
            (true, Some(n), _) => write!(f, "{n}"),
            (_, None, None) => Ok(()),
            (_, min, max) => {
                if let Some(m) = min {
                    write!(f, "{m}")?;
                }
                f.write_str("..")?;
                if let Some(m) = max {
                    write!(f, "{m}")?;
                }
                Ok(())
            }
        }
    }
}

impl Display for EdgePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.direction == Direction::In {
            "<-["
        } else {
            "-["
        })?;
        if let Some(v) = &self.var {
            write!(f, "{v}")?;
        }
        if let Some(l) = &self.label {
            write!(f, ":{l}")?;
        }
        if let Some(q) = &self.quantifier {
            write!(f, "{q}")?;
        }
        if self.optional {
            f.write_str("?")?;
        }
        if !self.props.is_empty() {
            if self.var.is_some()
                || self.label.is_some()
                || self.quantifier.is_some()
                || self.optional
            {
                f.write_str(" ")?;
            }
            props(f, &self.props)?;
        }
        f.write_str(if self.direction == Direction::Out {
            "]->"
        } else {
            "]-"
        })
    }
}

impl Display for PathPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.start)?;
        for (e, n) in &self.steps {
            write!(f, "{e}{n}")?;
        }
        Ok(())
    }
}

impl Display for OrderItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.expr, if self.desc { " DESC" } else { "" })
    }
}

impl Display for Select {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SELECT ")?;
        if !self.distinct_on.is_empty() {
            f.write_str("DISTINCT ON (")?;
            list(f, &self.distinct_on)?;
            f.write_str(") ")?;
        } else if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        list(f, &self.items)?;
        if let Some(from) = &self.from {
            write!(f, " FROM {from}")?;
        }
        if !self.traverse.is_empty() {
            f.write_str(" TRAVERSE ")?;
            list(f, &self.traverse)?;
        }
        if let Some(w) = &self.selection {
            write!(f, " WHERE {w}")?;
        }
        if !self.group_by.is_empty() {
            f.write_str(" GROUP BY ")?;
            list(f, &self.group_by)?;
        }
        if let Some(h) = &self.having {
            write!(f, " HAVING {h}")?;
        }
        order_limit(f, &self.order_by, self.limit.as_ref(), self.offset.as_ref())
    }
}

/// ` ORDER BY .. LIMIT .. OFFSET ..`, each when present (a SELECT's or a compound
/// query's).
pub(super) fn order_limit(
    f: &mut Formatter<'_>,
    order_by: &[OrderItem],
    limit: Option<&Expr>,
    offset: Option<&Expr>,
) -> fmt::Result {
    if !order_by.is_empty() {
        f.write_str(" ORDER BY ")?;
        list(f, order_by)?;
    }
    if let Some(l) = limit {
        write!(f, " LIMIT {l}")?;
    }
    if let Some(o) = offset {
        write!(f, " OFFSET {o}")?;
    }
    Ok(())
}

impl Display for TypeName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        if let Some(of) = &self.of {
            write!(f, "({of})")?;
        } else if !self.params.is_empty() {
            f.write_str("(")?;
            list(f, &self.params)?;
            f.write_str(")")?;
        }
        Ok(())
    }
}

fn dir_word(d: Direction) -> &'static str {
    match d {
        Direction::In => "INCOMING",
        Direction::Out => "OUTGOING",
        Direction::Both => "BOTH",
    }
}

impl Display for FieldDef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.ty)?;
        if self.required {
            f.write_str(" REQUIRED")?;
        }
        if self.optional {
            f.write_str(" OPTIONAL")?;
        }
        if let Some(s) = &self.scope {
            write!(f, " {s}")?;
        }
        if self.indexed {
            f.write_str(" INDEXED")?;
        }
        if let Some(d) = &self.default {
            write!(f, " DEFAULT {d}")?;
        }
        if let Some(c) = &self.cascade {
            write!(f, " CASCADED AS AGGREGATE {}", c.function)?;
            if !c.args.is_empty() {
                f.write_str("(")?;
                list(f, &c.args)?;
                f.write_str(")")?;
            }
            write!(f, " FROM {} THROUGH", c.field)?;
            for t in &c.through {
                // A label spelled like a direction is quoted, or it would end the list.
                let dir_like = ["INCOMING", "OUTGOING", "BOTH"]
                    .iter()
                    .any(|d| d.eq_ignore_ascii_case(&t.name));
                if dir_like {
                    write!(f, " \"{}\"", t.name)?;
                } else {
                    write!(f, " {t}")?;
                }
            }
            f.write_str(" ")?;
            f.write_str(dir_word(c.direction))?;
            if let Some((kind, args)) = &c.decay {
                write!(f, " WITH DECAY {kind}(")?;
                list(f, args)?;
                f.write_str(")")?;
            }
        }
        Ok(())
    }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            StatementKind::Select(s) => write!(f, "{s}"),
            StatementKind::Query(q) => write!(f, "{q}"),
            StatementKind::Explain(s) => write!(f, "EXPLAIN {s}"),
            StatementKind::Insert(ins) => write!(f, "{ins}"),
            StatementKind::Update(u) => {
                write!(f, "UPDATE {} SET ", u.target)?;
                for (i, (p, e)) in u.assignments.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    path(f, p)?;
                    write!(f, " = {e}")?;
                }
                if let Some(w) = &u.selection {
                    write!(f, " WHERE {w}")?;
                }
                Ok(())
            }
            StatementKind::Delete(d) => {
                write!(f, "DELETE FROM {}", d.target)?;
                if let Some(w) = &d.selection {
                    write!(f, " WHERE {w}")?;
                }
                Ok(())
            }
            StatementKind::Relate(r) => {
                write!(f, "RELATE {} ", P(&r.from, prec::PRIMARY))?;
                f.write_str(if r.direction == Direction::In {
                    "<-[:"
                } else {
                    "-[:"
                })?;
                write!(f, "{}", r.label)?;
                if !r.props.is_empty() {
                    f.write_str(" ")?;
                    props(f, &r.props)?;
                }
                f.write_str(if r.direction == Direction::In {
                    "]-"
                } else {
                    "]->"
                })?;
                write!(f, " {}", P(&r.to, prec::PRIMARY))
            }
            StatementKind::CreateSchema(c) => {
                f.write_str("CREATE SCHEMA ")?;
                if c.if_not_exists {
                    f.write_str("IF NOT EXISTS ")?;
                }
                write!(f, "{} (", c.name)?;
                list(f, &c.fields)?;
                f.write_str(")")?;
                if let Some(x) = &c.extensibility {
                    write!(f, " WITH EXTENSIBILITY {x}")?;
                }
                if let Some(t) = &c.time_series {
                    write!(f, " WITH TIME SERIES ({}", t.time)?;
                    if let Some(s) = &t.series {
                        write!(f, ", SERIES {s}")?;
                    }
                    f.write_str(")")?;
                }
                Ok(())
            }
            StatementKind::AlterSchema(a) => match &a.action {
                AlterAction::AddField(d) => write!(f, "ALTER SCHEMA {} ADD FIELD {d}", a.name),
                AlterAction::DropField(n) => write!(f, "ALTER SCHEMA {} DROP FIELD {n}", a.name),
                AlterAction::ModifyField(d) => {
                    write!(f, "ALTER SCHEMA {} MODIFY FIELD {d}", a.name)
                }
            },
            StatementKind::DropSchema(d) => write!(
                f,
                "DROP SCHEMA {}{}",
                if d.if_exists { "IF EXISTS " } else { "" },
                d.name
            ),
            StatementKind::DescribeSchema(d) => write!(
                f,
                "DESCRIBE SCHEMA {}{}",
                d.name,
                if d.detailed { " DETAILED" } else { "" }
            ),
            StatementKind::Relayout(r) => {
                write!(f, "RELAYOUT {}", r.collection)?;
                for (n, (k, v)) in r.options.iter().enumerate() {
                    let sep = if n == 0 { " WITH (" } else { ", " };
                    write!(f, "{sep}{k} = {v}")?;
                }
                if !r.options.is_empty() {
                    f.write_str(")")?;
                }
                Ok(())
            }
            StatementKind::Set(s) => write!(f, "{s}"),
            StatementKind::Subscribe(s) => {
                write!(f, "SUBSCRIBE {}", s.target)?;
                if let Some(w) = &s.selection {
                    write!(f, " WHERE {w}")?;
                }
                Ok(())
            }
        }
    }
}

impl Display for Script {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, s) in self.statements.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{s};")?;
        }
        Ok(())
    }
}
