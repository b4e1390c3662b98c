//! Statements, clauses and graph patterns.

use super::expr::Expr;
use crate::span::Span;

/// A name as written (identifiers are case-sensitive).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is (compares equal to any span).
    pub span: Span,
}

impl Ident {
    /// An identifier with a default span.
    pub fn new(name: impl Into<String>) -> Self {
        Ident {
            name: name.into(),
            span: Span::default(),
        }
    }
}

/// A script: statements separated by `;`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Script {
    /// The statements, in order.
    pub statements: Vec<Statement>,
}

/// One statement and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// What it is.
    pub kind: StatementKind,
    /// Where it is.
    pub span: Span,
}

/// Statement kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum StatementKind {
    /// `SELECT ...`.
    Select(Box<Select>),
    /// `WITH ..` or a set operation (`UNION`, `INTERSECT`, `EXCEPT`).
    Query(Box<super::query::Query>),
    /// `EXPLAIN <statement>`: print the optimized plan instead of running it.
    Explain(Box<Statement>),
    /// `INSERT INTO ...`.
    Insert(Insert),
    /// `UPDATE ... SET ...`.
    Update(Update),
    /// `DELETE FROM ...`.
    Delete(Delete),
    /// `RELATE a -[:TYPE {..}]-> b`.
    Relate(Relate),
    /// `CREATE SCHEMA ...`.
    CreateSchema(CreateSchema),
    /// `ALTER SCHEMA ...`.
    AlterSchema(AlterSchema),
    /// `DROP SCHEMA ...`.
    DropSchema(DropSchema),
    /// `DESCRIBE SCHEMA ...`.
    DescribeSchema(DescribeSchema),
    /// `SUBSCRIBE collection [WHERE ..]`.
    Subscribe(Subscribe),
    /// `RELAYOUT collection [WITH (option = value, ..)]`.
    Relayout(Relayout),
    /// `SET collection[key].path = expr, ...`.
    Set(super::endpoint::SetEndpoints),
}

/// `SELECT [DISTINCT [ON (..)]] items [FROM ..] [TRAVERSE ..] [WHERE ..] [GROUP BY ..] [HAVING ..]
/// [ORDER BY ..] [LIMIT ..] [OFFSET ..]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    /// `SELECT DISTINCT`.
    pub distinct: bool,
    /// `SELECT DISTINCT ON (e, ...)`: the first row of each group of equal values, in
    /// ORDER BY order (`distinct` is false then).
    pub distinct_on: Vec<Expr>,
    /// The select list.
    pub items: Vec<SelectItem>,
    /// `FROM`, absent for `SELECT 1 + 1`.
    pub from: Option<From>,
    /// `TRAVERSE` patterns (comma-separated, chained through shared variables).
    pub traverse: Vec<PathPattern>,
    /// `WHERE`.
    pub selection: Option<Expr>,
    /// `GROUP BY`.
    pub group_by: Vec<Expr>,
    /// `HAVING`.
    pub having: Option<Expr>,
    /// `ORDER BY`.
    pub order_by: Vec<OrderItem>,
    /// `LIMIT`.
    pub limit: Option<Expr>,
    /// `OFFSET`.
    pub offset: Option<Expr>,
    /// Where it is.
    pub span: Span,
}

/// One entry of the select list.
#[derive(Clone, Debug, PartialEq)]
pub enum SelectItem {
    /// `*`.
    Wildcard,
    /// `alias.*`.
    QualifiedWildcard(Ident),
    /// `expr [AS alias]`.
    Expr {
        /// The value.
        expr: Expr,
        /// Output name.
        alias: Option<Ident>,
    },
}

/// `FROM first [join ...]`.
#[derive(Clone, Debug, PartialEq)]
pub struct From {
    /// The first table.
    pub first: TableRef,
    /// Joins, left to right (a comma is [`JoinKind::Comma`]).
    pub joins: Vec<Join>,
}

/// `collection[.EntityType] [[AS] alias]`.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRef {
    /// The collection.
    pub collection: Ident,
    /// The entity type inside the collection, when given.
    pub entity: Option<Ident>,
    /// The alias.
    pub alias: Option<Ident>,
    /// The arguments of a table function (`ENDPOINTS('users.*.email')`, whose name
    /// is then `collection`); `None` for a collection.
    pub args: Option<Vec<Expr>>,
    /// Where it is.
    pub span: Span,
}

/// Join kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    /// `, t` (cross join).
    Comma,
    /// `CROSS JOIN`.
    Cross,
    /// `[INNER] JOIN`.
    Inner,
    /// `LEFT [OUTER] JOIN`.
    Left,
    /// `RIGHT [OUTER] JOIN`.
    Right,
    /// `FULL [OUTER] JOIN`.
    Full,
}

/// One join.
#[derive(Clone, Debug, PartialEq)]
pub struct Join {
    /// Kind.
    pub kind: JoinKind,
    /// The right side.
    pub table: TableRef,
    /// `ON` condition (required for inner and outer joins).
    pub on: Option<Expr>,
    /// Where it is.
    pub span: Span,
}

/// `expr [ASC|DESC]`.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderItem {
    /// Sort key.
    pub expr: Expr,
    /// `DESC`.
    pub desc: bool,
    /// Where it is.
    pub span: Span,
}

/// A chain `(a)-[r:T*1..2]->(b)<-[:U]-(c)`.
#[derive(Clone, Debug, PartialEq)]
pub struct PathPattern {
    /// The first node.
    pub start: NodePattern,
    /// Then (edge, node) steps.
    pub steps: Vec<(EdgePattern, NodePattern)>,
    /// Where it is.
    pub span: Span,
}

/// `(var[:Label])`.
#[derive(Clone, Debug, PartialEq)]
pub struct NodePattern {
    /// Variable name.
    pub var: Option<Ident>,
    /// Label: a collection or entity type the node must belong to.
    pub label: Option<Ident>,
    /// Where it is.
    pub span: Span,
}

/// Edge direction, as written left to right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Direction {
    /// `-[..]->`.
    Out,
    /// `<-[..]-`.
    In,
    /// `-[..]-`.
    Both,
}

/// `*min..max` (both optional; `*` alone is `1..`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantifier {
    /// Fewest hops (default 1).
    pub min: Option<u32>,
    /// Most hops (default unbounded, capped by the executor's budget).
    pub max: Option<u32>,
    /// Written `*n` (exactly n hops).
    pub exact: bool,
}

/// `[var:TYPE*min..max? {props}]` with a direction.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgePattern {
    /// Variable name.
    pub var: Option<Ident>,
    /// Relationship type.
    pub label: Option<Ident>,
    /// Variable length.
    pub quantifier: Option<Quantifier>,
    /// `?`: optional, variables are NULL when no edge matches.
    pub optional: bool,
    /// Property equalities the edge must satisfy.
    pub props: Vec<(String, Expr)>,
    /// Direction.
    pub direction: Direction,
    /// Where it is.
    pub span: Span,
}

/// `INSERT INTO target ... [ON CONFLICT ..]` or `UPSERT INTO target ...`.
#[derive(Clone, Debug, PartialEq)]
pub struct Insert {
    /// Where to insert.
    pub target: TableRef,
    /// What.
    pub source: InsertSource,
    /// What happens to a row whose key (`id`) is taken; `None`: an error.
    pub on_conflict: Option<OnConflict>,
}

/// What an insert does with a row whose key is taken.
#[derive(Clone, Debug, PartialEq)]
pub enum OnConflict {
    /// `ON CONFLICT DO NOTHING`: the row is left out.
    Nothing,
    /// `ON CONFLICT DO UPDATE SET path = expr, ..`: the stored entity is changed;
    /// `excluded.f` is field `f` of the row that was not inserted.
    Update(Vec<(Vec<Ident>, Expr)>),
    /// `UPSERT INTO`: the row's fields replace the stored entity's, others stay.
    Merge,
}

/// The rows of an `INSERT`.
#[derive(Clone, Debug, PartialEq)]
pub enum InsertSource {
    /// `(cols) VALUES (..), (..)`.
    Values {
        /// Column names.
        columns: Vec<Ident>,
        /// Rows, each as long as `columns`.
        rows: Vec<Vec<Expr>>,
    },
    /// `{..}, {..}`: documents.
    Documents(Vec<Expr>),
    /// `[(cols)] SELECT ..`: one document per row, fields named by the columns (or
    /// by the query's column names).
    Query {
        /// Column names; empty: the query's own.
        columns: Vec<Ident>,
        /// The rows.
        query: Box<super::query::Query>,
    },
}

/// `UPDATE target SET path = expr, .. [WHERE ..]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    /// What to update.
    pub target: TableRef,
    /// Assignments (dotted paths allowed).
    pub assignments: Vec<(Vec<Ident>, Expr)>,
    /// `WHERE`.
    pub selection: Option<Expr>,
}

/// `DELETE FROM target [WHERE ..]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Delete {
    /// What to delete from.
    pub target: TableRef,
    /// `WHERE`.
    pub selection: Option<Expr>,
}

/// `RELATE from -[:TYPE {props}]-> to`.
#[derive(Clone, Debug, PartialEq)]
pub struct Relate {
    /// Source entity id.
    pub from: Expr,
    /// Relationship type.
    pub label: Ident,
    /// Edge properties.
    pub props: Vec<(String, Expr)>,
    /// `Out` for `-[..]->`, `In` for `<-[..]-`.
    pub direction: Direction,
    /// Target entity id.
    pub to: Expr,
}

/// A type name: `String`, `Embedding(384)`, `Array(Embedding(3))`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeName {
    /// Name.
    pub name: Ident,
    /// Integer parameters.
    pub params: Vec<i64>,
    /// The element type of `Array(T)` / `Map(T)` (then `params` is empty).
    pub of: Option<Box<TypeName>>,
    /// Where it is.
    pub span: Span,
}

/// A cascaded (derived) field: `CASCADED AS AGGREGATE f[(args)] FROM field THROUGH
/// edge [edge ..] dir [WITH DECAY Kind(args)]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cascade {
    /// Aggregate function (e.g. `Average`, `Percentile`).
    pub function: Ident,
    /// The aggregate's arguments (`MovingMean(10)`, `Percentile(90)`); empty when
    /// written without parentheses.
    pub args: Vec<Expr>,
    /// Source field on the neighbours.
    pub field: Ident,
    /// Relationships followed (one or more; a neighbour reached through several
    /// counts once).
    pub through: Vec<Ident>,
    /// `INCOMING`, `OUTGOING` or `BOTH`.
    pub direction: Direction,
    /// Decay kind and its parameters.
    pub decay: Option<(Ident, Vec<Expr>)>,
}

/// A field of a schema.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDef {
    /// Name.
    pub name: Ident,
    /// Type.
    pub ty: TypeName,
    /// `REQUIRED`.
    pub required: bool,
    /// `OPTIONAL` written (the default: the field may be absent or NULL).
    pub optional: bool,
    /// `METADATA`, `COLLECTION_SPECIFIC` or `DOMAIN_SHARED`.
    pub scope: Option<crate::types::FieldScope>,
    /// `INDEXED`.
    pub indexed: bool,
    /// `DEFAULT expr`.
    pub default: Option<Expr>,
    /// `CASCADED AS ...`.
    pub cascade: Option<Cascade>,
    /// Where it is.
    pub span: Span,
}

/// `CREATE SCHEMA [IF NOT EXISTS] name (fields) [WITH EXTENSIBILITY kind]
/// [WITH TIME SERIES (time [, SERIES series])]`.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateSchema {
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// Collection name.
    pub name: Ident,
    /// Fields.
    pub fields: Vec<FieldDef>,
    /// `Closed`, `Open`, ... as written.
    pub extensibility: Option<Ident>,
    /// `WITH TIME SERIES (..)`: the collection is a time series.
    pub time_series: Option<TimeSeriesClause>,
}

/// `WITH TIME SERIES (time [, SERIES series])` of a `CREATE SCHEMA`: the collection's
/// documents are points in time, ordered by the `time` field, grouped into one series
/// per value of the `series` field (one series without it).
#[derive(Clone, Debug, PartialEq)]
pub struct TimeSeriesClause {
    /// The time field.
    pub time: Ident,
    /// The field whose value names a point's series.
    pub series: Option<Ident>,
}

/// `ALTER SCHEMA name action`.
#[derive(Clone, Debug, PartialEq)]
pub struct AlterSchema {
    /// Collection name.
    pub name: Ident,
    /// What changes.
    pub action: AlterAction,
}

/// What `ALTER SCHEMA` does.
#[derive(Clone, Debug, PartialEq)]
pub enum AlterAction {
    /// `ADD FIELD def`.
    AddField(Box<FieldDef>),
    /// `DROP FIELD name`.
    DropField(Ident),
    /// `MODIFY FIELD def`: the field's new definition, replacing the old one.
    ModifyField(Box<FieldDef>),
}

/// `DROP SCHEMA [IF EXISTS] name`.
#[derive(Clone, Debug, PartialEq)]
pub struct DropSchema {
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// Collection name.
    pub name: Ident,
}

/// `RELAYOUT collection [WITH (name = expr, ..)]`: lay out the positions of a
/// collection's entities again (what the options mean is the source's).
#[derive(Clone, Debug, PartialEq)]
pub struct Relayout {
    /// Collection name.
    pub collection: Ident,
    /// Options in the order written.
    pub options: Vec<(Ident, Expr)>,
}

/// `DESCRIBE SCHEMA name [DETAILED]`.
#[derive(Clone, Debug, PartialEq)]
pub struct DescribeSchema {
    /// Collection name.
    pub name: Ident,
    /// `DETAILED`.
    pub detailed: bool,
}

/// `SUBSCRIBE collection [WHERE ..]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Subscribe {
    /// What to watch.
    pub target: TableRef,
    /// `WHERE`.
    pub selection: Option<Expr>,
}
