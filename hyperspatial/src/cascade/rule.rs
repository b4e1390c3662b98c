//! One cascade rule: a derived field of a collection, aggregated over neighbours.

use super::aggregate::Aggregate;
use super::decay::Decay;
use super::error::CascadeError;
use hyperql::{
    Cascade, Direction, Expr, ExprKind, FieldSchema, Ident, Literal, StatementKind, UnaryOp,
};
use std::fmt;

/// A derived field `collection.field = aggregate(source of the neighbours reached
/// through edges labelled with one of `through`, in direction)`, with an optional
/// decay.
///
/// The direction is seen from the target (an entity of `collection`): `In` reads the
/// sources `s` of edges `s -[through]-> target`, `Out` the sources of
/// `target -[through]-> s`, `Both` either (a neighbour reached both ways, or through
/// several of the labels, counts once).
#[derive(Clone, Debug, PartialEq)]
pub struct CascadeRule {
    collection: String,
    field: String,
    aggregate: Aggregate,
    source: String,
    through: Vec<String>,
    direction: Direction,
    decay: Option<Decay>,
}

/// The collection and field names of the statement that wraps a rule's text for
/// parsing; they never reach the rule.
const WRAP_PREFIX: &str = "CREATE SCHEMA cascade_rule (derived Float ";

impl CascadeRule {
    /// A rule from its parts, following edges of one label.
    pub fn new(
        collection: impl Into<String>,
        field: impl Into<String>,
        aggregate: Aggregate,
        source: impl Into<String>,
        through: impl Into<String>,
        direction: Direction,
        decay: Option<Decay>,
    ) -> CascadeRule {
        CascadeRule {
            collection: collection.into(),
            field: field.into(),
            aggregate,
            source: source.into(),
            through: vec![through.into()],
            direction,
            decay,
        }
    }

    /// This rule following edges of any of `labels` (at least one; repeats are
    /// dropped, the first occurrence kept).
    pub fn through_labels(mut self, labels: impl IntoIterator<Item = String>) -> CascadeRule {
        let mut all: Vec<String> = Vec::new();
        for l in labels {
            if !all.contains(&l) {
                all.push(l);
            }
        }
        if !all.is_empty() {
            self.through = all;
        }
        self
    }

    /// The rule of field `field` of `collection` declared by a `CASCADED AS ...` clause.
    pub fn from_ast(
        collection: &str,
        field: &str,
        c: &Cascade,
    ) -> Result<CascadeRule, CascadeError> {
        let bad_args = |reason: String| CascadeError::BadArguments {
            collection: collection.to_string(),
            field: field.to_string(),
            reason,
        };
        let mut args = Vec::with_capacity(c.args.len());
        for a in &c.args {
            args.push(number(a).ok_or_else(|| {
                bad_args(format!(
                    "the argument `{a}` of {} is not a number",
                    c.function.name
                ))
            })?);
        }
        let aggregate = Aggregate::with_args(&c.function.name, &args)
            .map_err(bad_args)?
            .ok_or_else(|| CascadeError::UnknownFunction {
                collection: collection.to_string(),
                field: field.to_string(),
                name: c.function.name.clone(),
            })?;
        let decay = c
            .decay
            .as_ref()
            .map(|(kind, args)| Decay::from_ast(collection, field, &kind.name, args))
            .transpose()?;
        let first = c
            .through
            .first()
            .map_or_else(String::new, |t| t.name.clone());
        Ok(CascadeRule::new(
            collection,
            field,
            aggregate,
            c.field.name.clone(),
            first,
            c.direction,
            decay,
        )
        .through_labels(c.through.iter().map(|t| t.name.clone())))
    }

    /// The rule of field `field` of `collection` from the text of its cascade clause,
    /// as stored in [`FieldSchema::cascade`] (`CASCADED AS AGGREGATE ... [WITH DECAY
    /// ...]`). The text is parsed by wrapping it into a one-field `CREATE SCHEMA`.
    pub fn from_text(
        collection: &str,
        field: &str,
        text: &str,
    ) -> Result<CascadeRule, CascadeError> {
        let parse_err = |message: String| CascadeError::Parse {
            text: text.to_string(),
            message,
        };
        let src = format!("{WRAP_PREFIX}{text})");
        let stmt = hyperql::parse_statement(&src).map_err(|d| {
            let first = d.0.first();
            parse_err(first.map_or_else(
                || d.to_string(),
                |d| {
                    let at = d.span.start.saturating_sub(WRAP_PREFIX.len());
                    let mut m = format!("{} at byte {at}", d.message);
                    if !d.expected.is_empty() {
                        m.push_str(&format!("; expected {}", d.expected.join(" or ")));
                    }
                    m
                },
            ))
        })?;
        let StatementKind::CreateSchema(schema) = stmt.kind else {
            return Err(parse_err("not a cascade clause".to_string()));
        };
        match schema.fields.as_slice() {
            [f] if !f.required
                && !f.optional
                && f.scope.is_none()
                && !f.indexed
                && f.default.is_none()
                && schema.extensibility.is_none() =>
            {
                let c = f
                    .cascade
                    .as_ref()
                    .ok_or_else(|| parse_err("expected CASCADED AS AGGREGATE ...".to_string()))?;
                CascadeRule::from_ast(collection, field, c)
            }
            _ => Err(parse_err(
                "expected one cascade clause and nothing else".to_string(),
            )),
        }
    }

    /// The rule of a schema field, `None` when the field is not derived.
    pub fn from_field_schema(
        collection: &str,
        f: &FieldSchema,
    ) -> Result<Option<CascadeRule>, CascadeError> {
        f.cascade
            .as_deref()
            .map(|text| CascadeRule::from_text(collection, &f.name, text))
            .transpose()
    }

    /// The `CASCADED AS ...` clause of this rule, with canonical names.
    pub fn to_ast(&self) -> Cascade {
        let args = self.aggregate.args().into_iter().map(number_expr).collect();
        Cascade {
            function: Ident::new(self.aggregate.name()),
            args,
            field: Ident::new(self.source.clone()),
            through: self.through.iter().map(|t| Ident::new(t.clone())).collect(),
            direction: self.direction,
            decay: self.decay.map(Decay::to_ast),
        }
    }

    /// The collection whose entities hold the derived field.
    pub fn collection(&self) -> &str {
        &self.collection
    }

    /// The derived field.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The aggregate function.
    pub fn aggregate(&self) -> Aggregate {
        self.aggregate
    }

    /// The field read on the neighbours.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The labels of the edges followed (one or more).
    pub fn through(&self) -> &[String] {
        &self.through
    }

    /// The direction of those edges, seen from the target.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The decay, if any.
    pub fn decay(&self) -> Option<&Decay> {
        self.decay.as_ref()
    }

    /// `collection.field`, for messages.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.collection, self.field)
    }
}

/// Prints the canonical cascade clause: `CASCADED AS AGGREGATE Average FROM sentiment
/// THROUGH tagged_with INCOMING WITH DECAY Exponential(0.5)`; it reads back with
/// [`CascadeRule::from_text`] as an equal rule.
impl fmt::Display for CascadeRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dir = match self.direction {
            Direction::In => "INCOMING",
            Direction::Out => "OUTGOING",
            Direction::Both => "BOTH",
        };
        let c = self.to_ast();
        write!(f, "CASCADED AS AGGREGATE {}", c.function)?;
        for (i, a) in c.args.iter().enumerate() {
            write!(f, "{}{a}", if i == 0 { "(" } else { ", " })?;
        }
        if !c.args.is_empty() {
            f.write_str(")")?;
        }
        write!(f, " FROM {} THROUGH", c.field)?;
        for t in &c.through {
            if ["INCOMING", "OUTGOING", "BOTH"]
                .iter()
                .any(|d| d.eq_ignore_ascii_case(&t.name))
            {
                write!(f, " \"{}\"", t.name)?;
            } else {
                write!(f, " {t}")?;
            }
        }
        write!(f, " {dir}")?;
        if let Some(d) = &self.decay {
            write!(f, " WITH DECAY {d}")?;
        }
        Ok(())
    }
}

/// The value of a numeric literal (`10`, `2.5`, `-1`).
fn number(e: &Expr) -> Option<f64> {
    match &e.kind {
        ExprKind::Literal(Literal::Int(n)) => Some(*n as f64),
        ExprKind::Literal(Literal::Float(x)) => Some(*x),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            expr,
        } => number(expr).map(|x| -x),
        _ => None,
    }
}

/// A numeric literal: an `Int` when `x` is integral, else a `Float`.
fn number_expr(x: f64) -> Expr {
    let lit = if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Literal::Int(x as i64)
    } else {
        Literal::Float(x)
    };
    Expr::new(ExprKind::Literal(lit))
}
