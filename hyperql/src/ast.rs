//! The syntax tree. Every node carries a [`Span`](crate::Span); `Display` prints
//! canonical HyperQL (keywords upper-case, minimal parentheses, `AS` before every
//! alias), which parses back to an equal tree.

mod display;
mod endpoint;
mod expr;
mod query;
mod stmt;
mod window;

pub use display::quote_ident;
pub(crate) use display::quote_str;
pub use endpoint::{EndpointRef, SetEndpoints};
pub use expr::{BinaryOp, Expr, ExprKind, Literal, UnaryOp};
pub use query::{Cte, Query, SetExpr, SetOp, With};
pub use stmt::{
    AlterAction, AlterSchema, Cascade, CreateSchema, Delete, DescribeSchema, Direction, DropSchema,
    EdgePattern, FieldDef, From, Ident, Insert, InsertSource, Join, JoinKind, NodePattern,
    OnConflict, OrderItem, PathPattern, Quantifier, Relate, Relayout, Script, Select, SelectItem,
    Statement, StatementKind, Subscribe, TableRef, TimeSeriesClause, TypeName, Update,
};
pub use window::{FrameBound, FrameUnits, WindowFrame, WindowSpec};
