//! The logical plan: operators over bound expressions, printed by `EXPLAIN`.

mod builder;
mod endpoints;
mod explain;
mod window;

pub use builder::{Analysis, plan_statement};
pub use endpoints::{ENDPOINT_FIELDS, EndpointWrite, endpoint_schema};
pub use window::{Frame, FrameEdge, WindowFunc, WindowKind};

use crate::ast::{BinaryOp, Direction, JoinKind, UnaryOp};
use crate::functions::{AggFunc, Builtin};
use crate::source::{Predicate, ScalarFunction, Schema};
use crate::types::Type;
use crate::value::Value;
use std::sync::Arc;

/// An output column of a plan node.
#[derive(Clone, Debug)]
pub struct Column {
    /// The alias or traversal variable this column's document is bound to.
    pub binding: Option<String>,
    /// Output name.
    pub name: String,
    /// Static type (`Object` for a bound document).
    pub ty: Type,
    /// Schema of the document held, when the column is a bound document.
    pub schema: Option<Arc<Schema>>,
}

impl Column {
    pub(crate) fn value(name: impl Into<String>, ty: Type) -> Column {
        Column {
            binding: None,
            name: name.into(),
            ty,
            schema: None,
        }
    }
}

/// A backend function, comparable by name (for plan equality in tests).
#[derive(Clone)]
pub struct Func(pub Arc<dyn ScalarFunction>);

impl std::fmt::Debug for Func {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name())
    }
}

/// A bound expression: names resolved to column positions.
#[derive(Clone, Debug)]
pub enum BExpr {
    /// A constant.
    Lit(Value),
    /// A whole input column.
    Col(usize),
    /// A dotted path into the document in a column.
    Field(usize, Vec<String>),
    /// A parameter not yet substituted.
    Param(String),
    /// `NOT e`, `-e`.
    Unary(UnaryOp, Box<BExpr>),
    /// `l op r`.
    Binary(BinaryOp, Box<BExpr>, Box<BExpr>),
    /// `e IS [NOT] NULL`.
    IsNull(Box<BExpr>, bool),
    /// `e [NOT] BETWEEN lo AND hi`.
    Between(Box<BExpr>, Box<BExpr>, Box<BExpr>, bool),
    /// `e [NOT] IN (...)`.
    InList(Box<BExpr>, Vec<BExpr>, bool),
    /// `e [NOT] LIKE p`.
    Like(Box<BExpr>, Box<BExpr>, bool),
    /// `e SIMILAR TO q THRESHOLD t` (cosine).
    SimilarTo(Box<BExpr>, Box<BExpr>, Box<BExpr>),
    /// `e NEAR anchor WITHIN r` (the source's geometry).
    Near(Box<BExpr>, Box<BExpr>, Box<BExpr>),
    /// `e DISTANCE FROM anchor` (the source's geometry).
    DistanceFrom(Box<BExpr>, Box<BExpr>),
    /// A built-in scalar function.
    Builtin(Builtin, Vec<BExpr>),
    /// A backend function.
    External(Func, Vec<BExpr>),
    /// `CASE`.
    Case(Option<Box<BExpr>>, Vec<(BExpr, BExpr)>, Option<Box<BExpr>>),
    /// `[..]`.
    Array(Vec<BExpr>),
    /// `{..}`.
    Object(Vec<(String, BExpr)>),
    /// `(SELECT ...)`: an uncorrelated scalar subquery, run once before the query.
    Subquery(Box<Plan>),
    /// `collection[key].path`: the value at a path of the entity with that key.
    Endpoint {
        /// Collection.
        collection: String,
        /// The entity's key.
        key: Box<BExpr>,
        /// Field path (empty: the whole document).
        path: Vec<String>,
    },
    /// `EXISTS (SELECT ..)`, `e IN (SELECT ..)`, or a scalar subquery that refers
    /// to the query around it: run before the query when it refers to nothing
    /// outside, else for each row (see `exec::correlated`).
    Correlated(Box<Correlated>),
    /// Inside a [`Correlated`] plan: argument `k` of the subquery, a value of the
    /// row of the query around it.
    Outer(usize),
}

/// What a [`BExpr::Correlated`] subquery yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubqueryKind {
    /// Its one value (NULL without rows; more than one row is an error).
    Scalar,
    /// Whether it returns a row.
    Exists,
    /// `operand [NOT] IN` its one column, with the three-valued logic of IN lists.
    In {
        /// `NOT IN`.
        negated: bool,
    },
}

/// A subquery that may read the row of the query around it.
///
/// Invariant: `plan` refers to the outer row only through [`BExpr::Outer`]`(k)`,
/// `k < args.len()`; `args` and `operand` are expressions over the outer row, so
/// rules that renumber or move the outer expression treat them as its children
/// and never look into `plan`.
#[derive(Clone, Debug)]
pub struct Correlated {
    /// What it yields.
    pub kind: SubqueryKind,
    /// The subquery.
    pub plan: Plan,
    /// The outer values it reads.
    pub args: Vec<BExpr>,
    /// The left side of `IN`.
    pub operand: Option<BExpr>,
}

/// An aggregate call of an [`Plan::Aggregate`].
#[derive(Clone, Debug)]
pub struct AggCall {
    /// Function.
    pub func: AggFunc,
    /// Argument (`None` for `COUNT(*)`).
    pub arg: Option<BExpr>,
    /// `DISTINCT`.
    pub distinct: bool,
}

/// A sort key.
#[derive(Clone, Debug)]
pub struct SortKey {
    /// Expression over the input.
    pub expr: BExpr,
    /// Descending.
    pub desc: bool,
}

/// One hop pattern of a [`Plan::Traverse`].
#[derive(Clone, Debug)]
pub struct TraverseStep {
    /// Column holding the node to expand from.
    pub from_col: usize,
    /// Relationship type.
    pub label: Option<String>,
    /// Direction.
    pub direction: Direction,
    /// Fewest hops.
    pub min: u32,
    /// Most hops.
    pub max: u32,
    /// Variable-length: the edge column holds an array of edges.
    pub variable: bool,
    /// `?`: NULLs when nothing matches.
    pub optional: bool,
    /// Edge property equalities.
    pub props: Vec<(String, BExpr)>,
    /// Label (collection) the target node must belong to.
    pub node_label: Option<String>,
    /// When the target variable is already bound: its column (the target must be it).
    pub bound_target: Option<usize>,
}

/// What an insert does with a document whose key (`id`) is taken.
#[derive(Clone, Debug)]
pub enum Conflict {
    /// Leave it out.
    Nothing,
    /// Change the stored entity: `(path, value)` over the row `[stored, excluded]`
    /// (the stored document, then the one not inserted).
    Update(Vec<(Vec<String>, BExpr)>),
    /// The document's fields replace the stored entity's; the others stay.
    Merge,
}

/// The k-NN filter policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnnPolicy {
    /// Filters run inside the index search.
    PreFilter,
    /// Filters run after; the search widens until k rows survive.
    PostFilter,
}

/// A logical plan node.
#[derive(Clone, Debug)]
pub enum Plan {
    /// No rows.
    Empty {
        /// Columns.
        columns: Vec<Column>,
    },
    /// One empty row (`SELECT` without `FROM`).
    Unit,
    /// Read a collection.
    Scan {
        /// Binding name.
        binding: String,
        /// Collection.
        collection: String,
        /// Entity type.
        entity: Option<String>,
        /// Pushed filters.
        filters: Vec<Predicate>,
        /// Pushed projection.
        projection: Option<Vec<String>>,
        /// Pushed limit.
        limit: Option<usize>,
        /// Schema of the documents.
        schema: Option<Arc<Schema>>,
        /// For a time series: its time field; the scan asks the source for a time
        /// range built from the filters on that field.
        time_field: Option<String>,
    },
    /// `COUNT(*)` of every record of a collection (no filter), from the source's
    /// own count ([`DataSource::count`](crate::DataSource::count)); counted by a
    /// scan of ids when the source has none.
    Count {
        /// Collection.
        collection: String,
        /// Entity type.
        entity: Option<String>,
        /// Output columns: one per `COUNT(*)` of the aggregate this replaces.
        columns: Vec<Column>,
    },
    /// k nearest neighbours from a vector index.
    Knn {
        /// Binding name.
        binding: String,
        /// Collection.
        collection: String,
        /// Entity type.
        entity: Option<String>,
        /// Vector field.
        field: String,
        /// Query vector.
        query: BExpr,
        /// Metric.
        metric: String,
        /// How many.
        k: usize,
        /// Filters pushed into the search (pre-filter).
        filters: Vec<Predicate>,
        /// Filter applied after the search (post-filter).
        post_filter: Option<BExpr>,
        /// Policy.
        policy: KnnPolicy,
        /// Schema.
        schema: Option<Arc<Schema>>,
    },
    /// Records within a radius, from the source's geometry.
    GeoNear {
        /// Binding name.
        binding: String,
        /// Collection.
        collection: String,
        /// Entity type.
        entity: Option<String>,
        /// Position field.
        field: String,
        /// Anchor (id or point).
        anchor: BExpr,
        /// Radius.
        radius: BExpr,
        /// Schema.
        schema: Option<Arc<Schema>>,
    },
    /// Keep rows where the predicate is TRUE.
    Filter {
        /// Input.
        input: Box<Plan>,
        /// Predicate.
        predicate: BExpr,
    },
    /// Compute output columns.
    Project {
        /// Input.
        input: Box<Plan>,
        /// Expressions.
        exprs: Vec<BExpr>,
        /// Output columns.
        columns: Vec<Column>,
    },
    /// Group and aggregate: output is the group keys then the aggregates.
    Aggregate {
        /// Input.
        input: Box<Plan>,
        /// Group keys.
        group: Vec<BExpr>,
        /// Aggregates.
        aggs: Vec<AggCall>,
        /// Output columns.
        columns: Vec<Column>,
        /// A key is a `TIME_BUCKET` (shown as TimeBucket).
        time_bucket: bool,
    },
    /// Window functions: one column appended per function; rows leave in arrival order.
    Window {
        /// Input.
        input: Box<Plan>,
        /// The functions.
        funcs: Vec<WindowFunc>,
    },
    /// `DISTINCT ON (keys)`: the first row of each group of equal keys, in input order.
    DistinctOn {
        /// Input.
        input: Box<Plan>,
        /// Keys over the input.
        keys: Vec<BExpr>,
    },
    /// Sort (top-k when `limit` is set).
    Sort {
        /// Input.
        input: Box<Plan>,
        /// Keys.
        keys: Vec<SortKey>,
        /// Keep only the first rows (offset + limit) when set.
        limit: Option<usize>,
    },
    /// Skip and cut.
    Limit {
        /// Input.
        input: Box<Plan>,
        /// `LIMIT` (constant after parameter substitution).
        limit: Option<BExpr>,
        /// `OFFSET`.
        offset: Option<BExpr>,
    },
    /// Join.
    Join {
        /// Left input.
        left: Box<Plan>,
        /// Right input.
        right: Box<Plan>,
        /// Kind.
        kind: JoinKind,
        /// Condition over left ++ right columns.
        on: Option<BExpr>,
    },
    /// Remove duplicate rows.
    Distinct {
        /// Input.
        input: Box<Plan>,
    },
    /// `left UNION | INTERSECT | EXCEPT [ALL] right`: rows compared whole, NULLs
    /// equal; without `ALL` the result has no duplicates.
    SetOp {
        /// The operator.
        op: crate::ast::SetOp,
        /// Keep duplicates (multiset semantics).
        all: bool,
        /// Left input.
        left: Box<Plan>,
        /// Right input (as wide as the left).
        right: Box<Plan>,
        /// Output columns (the left's names, the types of both merged).
        columns: Vec<Column>,
    },
    /// `WITH RECURSIVE`: the rows of `base`, then of `step` run again on the rows
    /// the previous round added (its [`Plan::WorkTable`] `name`) until a round adds
    /// none; without `all`, rows already produced are not added again.
    RecursiveCte {
        /// Name of the work table `step` reads.
        name: String,
        /// The first round.
        base: Box<Plan>,
        /// The later rounds.
        step: Box<Plan>,
        /// `UNION ALL`.
        all: bool,
        /// Output columns.
        columns: Vec<Column>,
    },
    /// The rows the previous round of [`Plan::RecursiveCte`] `name` added.
    WorkTable {
        /// The recursive table expression's work table.
        name: String,
        /// Columns.
        columns: Vec<Column>,
    },
    /// Graph pattern matching; appends an edge and a node column per step.
    Traverse {
        /// Input.
        input: Box<Plan>,
        /// Steps in order.
        steps: Vec<TraverseStep>,
        /// Columns appended (two per step, fewer when the target is bound).
        added: Vec<Column>,
    },
    /// `INSERT`.
    Insert {
        /// Collection.
        collection: String,
        /// Entity type.
        entity: Option<String>,
        /// Documents (objects).
        docs: Vec<BExpr>,
        /// `INSERT .. SELECT`: rows whose column 0 is a document to write (after
        /// `docs`).
        input: Option<Box<Plan>>,
        /// What a document whose key is taken does; `None`: the insert fails.
        on_conflict: Option<Conflict>,
    },
    /// `UPDATE`: input yields the target documents in column 0.
    Update {
        /// Rows to change.
        input: Box<Plan>,
        /// Collection.
        collection: String,
        /// (path, value) assignments over the input.
        assignments: Vec<(Vec<String>, BExpr)>,
    },
    /// `DELETE`: input yields the target documents in column 0.
    Delete {
        /// Rows to delete.
        input: Box<Plan>,
        /// Collection.
        collection: String,
    },
    /// `RELATE`.
    Relate {
        /// Tail id.
        from: BExpr,
        /// Head id.
        to: BExpr,
        /// Type.
        label: String,
        /// Properties.
        props: Vec<(String, BExpr)>,
    },
    /// `RELAYOUT`: the source lays out a collection's positions again and reports
    /// what it did, one `(measure, value)` row per figure.
    Relayout {
        /// Collection.
        collection: String,
        /// Options, in the order written.
        options: Vec<(String, BExpr)>,
    },
    /// `CREATE SCHEMA`.
    CreateSchema {
        /// The schema.
        schema: Schema,
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
        /// `WITH TIME SERIES (..)`, its fields checked against the schema.
        time_series: Option<crate::source::TimeSeriesDecl>,
    },
    /// `ALTER SCHEMA` (the new schema, computed at plan time).
    AlterSchema {
        /// The schema after the change.
        schema: Schema,
    },
    /// `DROP SCHEMA`.
    DropSchema {
        /// Name.
        name: String,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// `DESCRIBE SCHEMA`.
    DescribeSchema {
        /// Schema.
        schema: Schema,
        /// `DETAILED`.
        detailed: bool,
    },
    /// `SUBSCRIBE`: the current matching rows (delivery of changes is the source's).
    Subscribe {
        /// Matching rows.
        input: Box<Plan>,
    },
    /// `EXPLAIN`.
    Explain {
        /// The plan explained.
        input: Box<Plan>,
    },
    /// `FROM ENDPOINTS(pattern)`: one document (`path`, `entity`, `value`) per leaf
    /// matching the pattern, from [`DataSource::endpoints`](crate::DataSource::endpoints).
    Endpoints {
        /// Binding name.
        binding: String,
        /// The pattern (a string once parameters are bound).
        pattern: BExpr,
    },
    /// `SET collection[key].path = e, ...`: one transaction.
    SetEndpoints {
        /// The writes, in order.
        assignments: Vec<EndpointWrite>,
    },
}

fn doc_column(binding: &str, schema: &Option<Arc<Schema>>) -> Column {
    Column {
        binding: Some(binding.to_string()),
        name: binding.to_string(),
        ty: Type::Object,
        schema: schema.clone(),
    }
}

impl Plan {
    /// Output columns.
    pub fn columns(&self) -> Vec<Column> {
        match self {
            Plan::Empty { columns }
            | Plan::SetOp { columns, .. }
            | Plan::RecursiveCte { columns, .. }
            | Plan::WorkTable { columns, .. }
            | Plan::Count { columns, .. }
            | Plan::Project { columns, .. }
            | Plan::Aggregate { columns, .. } => columns.clone(),
            Plan::Unit => Vec::new(),
            Plan::Scan {
                binding, schema, ..
            }
            | Plan::Knn {
                binding, schema, ..
            }
            | Plan::GeoNear {
                binding, schema, ..
            } => {
                vec![doc_column(binding, schema)]
            }
            Plan::Filter { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Limit { input, .. }
            | Plan::Distinct { input }
            | Plan::DistinctOn { input, .. }
            | Plan::Subscribe { input } => input.columns(),
            Plan::Window { input, funcs } => {
                let mut c = input.columns();
                c.extend(funcs.iter().map(|f| Column::value(f.name.clone(), f.ty)));
                c
            }
            Plan::Join { left, right, .. } => {
                let mut c = left.columns();
                c.extend(right.columns());
                c
            }
            Plan::Traverse { input, added, .. } => {
                let mut c = input.columns();
                c.extend(added.iter().cloned());
                c
            }
            Plan::Endpoints { binding, .. } => {
                vec![doc_column(binding, &Some(Arc::new(endpoint_schema())))]
            }
            Plan::Insert { .. }
            | Plan::SetEndpoints { .. }
            | Plan::Update { .. }
            | Plan::Delete { .. }
            | Plan::Relate { .. } => vec![Column::value("affected", Type::Int)],
            Plan::CreateSchema { .. } | Plan::AlterSchema { .. } | Plan::DropSchema { .. } => {
                vec![Column::value("ok", Type::Bool)]
            }
            Plan::DescribeSchema { .. } => {
                ["field", "type", "required", "indexed", "cascade", "scope"]
                    .iter()
                    .map(|n| Column::value(*n, Type::Any))
                    .collect()
            }
            Plan::Explain { .. } => vec![Column::value("plan", Type::String)],
            Plan::Relayout { .. } => vec![
                Column::value("measure", Type::String),
                Column::value("value", Type::Any),
            ],
        }
    }

    /// Number of output columns.
    pub fn width(&self) -> usize {
        self.columns().len()
    }

    /// Child plans.
    pub fn children(&self) -> Vec<&Plan> {
        match self {
            Plan::Filter { input, .. }
            | Plan::Project { input, .. }
            | Plan::Aggregate { input, .. }
            | Plan::Window { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Limit { input, .. }
            | Plan::Distinct { input }
            | Plan::DistinctOn { input, .. }
            | Plan::Traverse { input, .. }
            | Plan::Update { input, .. }
            | Plan::Delete { input, .. }
            | Plan::Subscribe { input }
            | Plan::Explain { input } => vec![input],
            Plan::Join { left, right, .. } | Plan::SetOp { left, right, .. } => vec![left, right],
            Plan::RecursiveCte { base, step, .. } => vec![base, step],
            Plan::Insert {
                input: Some(input), ..
            } => vec![input],
            _ => Vec::new(),
        }
    }

    /// Mutable child plans.
    pub fn children_mut(&mut self) -> Vec<&mut Plan> {
        match self {
            Plan::Filter { input, .. }
            | Plan::Project { input, .. }
            | Plan::Aggregate { input, .. }
            | Plan::Window { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Limit { input, .. }
            | Plan::Distinct { input }
            | Plan::DistinctOn { input, .. }
            | Plan::Traverse { input, .. }
            | Plan::Update { input, .. }
            | Plan::Delete { input, .. }
            | Plan::Subscribe { input }
            | Plan::Explain { input } => vec![input],
            Plan::Join { left, right, .. } | Plan::SetOp { left, right, .. } => vec![left, right],
            Plan::RecursiveCte { base, step, .. } => vec![base, step],
            Plan::Insert {
                input: Some(input), ..
            } => vec![input],
            _ => Vec::new(),
        }
    }
}

impl BExpr {
    /// Calls `f` on every sub-expression, this one included, children first.
    pub fn walk(&self, f: &mut dyn FnMut(&BExpr)) {
        for c in self.children() {
            c.walk(f);
        }
        f(self);
    }

    /// Direct sub-expressions.
    pub fn children(&self) -> Vec<&BExpr> {
        match self {
            BExpr::Lit(_)
            | BExpr::Col(_)
            | BExpr::Field(..)
            | BExpr::Param(_)
            | BExpr::Outer(_)
            | BExpr::Subquery(_) => Vec::new(),
            BExpr::Correlated(c) => c.args.iter().chain(c.operand.iter()).collect(),
            BExpr::Unary(_, e) | BExpr::IsNull(e, _) | BExpr::Endpoint { key: e, .. } => vec![e],
            BExpr::Binary(_, a, b) | BExpr::Like(a, b, _) | BExpr::DistanceFrom(a, b) => vec![a, b],
            BExpr::Between(a, b, c, _) | BExpr::SimilarTo(a, b, c) | BExpr::Near(a, b, c) => {
                vec![a, b, c]
            }
            BExpr::InList(e, l, _) => std::iter::once(&**e).chain(l.iter()).collect(),
            BExpr::Builtin(_, a) | BExpr::External(_, a) | BExpr::Array(a) => a.iter().collect(),
            BExpr::Object(kv) => kv.iter().map(|(_, v)| v).collect(),
            BExpr::Case(o, w, e) => {
                let mut v: Vec<&BExpr> = o.iter().map(|b| &**b).collect();
                for (a, b) in w {
                    v.push(a);
                    v.push(b);
                }
                v.extend(e.iter().map(|b| &**b));
                v
            }
        }
    }

    /// Mutable direct sub-expressions.
    pub fn children_mut(&mut self) -> Vec<&mut BExpr> {
        match self {
            BExpr::Lit(_)
            | BExpr::Col(_)
            | BExpr::Field(..)
            | BExpr::Param(_)
            | BExpr::Outer(_)
            | BExpr::Subquery(_) => Vec::new(),
            BExpr::Correlated(c) => c.args.iter_mut().chain(c.operand.iter_mut()).collect(),
            BExpr::Unary(_, e) | BExpr::IsNull(e, _) | BExpr::Endpoint { key: e, .. } => vec![e],
            BExpr::Binary(_, a, b) | BExpr::Like(a, b, _) | BExpr::DistanceFrom(a, b) => vec![a, b],
            BExpr::Between(a, b, c, _) | BExpr::SimilarTo(a, b, c) | BExpr::Near(a, b, c) => {
                vec![a, b, c]
            }
            BExpr::InList(e, l, _) => std::iter::once(&mut **e).chain(l.iter_mut()).collect(),
            BExpr::Builtin(_, a) | BExpr::External(_, a) | BExpr::Array(a) => {
                a.iter_mut().collect()
            }
            BExpr::Object(kv) => kv.iter_mut().map(|(_, v)| v).collect(),
            BExpr::Case(o, w, e) => {
                let mut v: Vec<&mut BExpr> = o.iter_mut().map(|b| &mut **b).collect();
                for (a, b) in w {
                    v.push(a);
                    v.push(b);
                }
                v.extend(e.iter_mut().map(|b| &mut **b));
                v
            }
        }
    }

    /// Rewrites column references through `map` (old index to new expression).
    pub fn remap(&mut self, map: &dyn Fn(usize) -> usize) {
        match self {
            BExpr::Col(i) | BExpr::Field(i, _) => *i = map(*i),
            _ => {
                for c in self.children_mut() {
                    c.remap(map);
                }
            }
        }
    }

    /// The columns this expression reads.
    pub fn columns_used(&self) -> Vec<usize> {
        let mut v = Vec::new();
        self.walk(&mut |e| {
            if let BExpr::Col(i) | BExpr::Field(i, _) = e {
                v.push(*i);
            }
        });
        v
    }

    /// Whether the expression holds a subquery that reads the row of the query
    /// around it (evaluated row by row by Filter and Project only).
    pub fn has_correlated(&self) -> bool {
        let mut found = false;
        self.walk(&mut |x| found |= matches!(x, BExpr::Correlated(c) if !c.args.is_empty()));
        found
    }

    /// Whether the expression reads no column (and no parameter).
    pub fn is_constant(&self) -> bool {
        let mut c = true;
        self.walk(&mut |e| {
            if matches!(
                e,
                BExpr::Col(_)
                    | BExpr::Field(..)
                    | BExpr::Param(_)
                    | BExpr::Subquery(_)
                    | BExpr::Correlated(_)
                    | BExpr::Outer(_)
                    | BExpr::Endpoint { .. }
            ) {
                c = false;
            }
        });
        c
    }
}
