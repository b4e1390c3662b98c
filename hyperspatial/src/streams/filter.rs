//! Filters of routes and consumers: a HyperQL WHERE expression on a message.
//!
//! The expression is checked once (it must parse as the WHERE of `SELECT * FROM
//! msg WHERE ..` and nothing more: no ORDER BY, LIMIT, joins or trailing clauses).
//! Each message is then matched by HyperQL's executor over a record built from the
//! message, exactly as `SUBSCRIBE .. WHERE` matches changed records (the shared
//! `datasource::matches_one`). The record holds the payload's fields (a payload that is
//! not an object is the field `value`) and the message's `_stream`, `_seq`,
//! `_source` and `_hops`. So on the `changes` stream `collection = 'orders' AND
//! kind = 'insert' AND record.total > 100` selects large new orders.

use super::StreamError;
use super::message::Message;
use crate::Database;
use hyperql::{Document, StatementKind, Value};
use std::fmt;

/// The collection name the filter's statement reads.
const TABLE: &str = "msg";

/// A checked WHERE expression over messages.
#[derive(Clone)]
pub struct MessageFilter {
    expr: String,
    statement: String,
    db: Option<Database>,
}

impl fmt::Debug for MessageFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MessageFilter").field(&self.expr).finish()
    }
}

impl MessageFilter {
    /// Checks `expr`. With a database, the expression may call its functions
    /// (`COMBINED_DISTANCE`, `EMBED`).
    pub fn new(expr: &str, db: Option<&Database>) -> Result<MessageFilter, StreamError> {
        let expr = expr.trim();
        if expr.is_empty() {
            return Err(StreamError::Filter("empty expression".into()));
        }
        let statement = format!("SELECT * FROM {TABLE} WHERE {expr}");
        let st = hyperql::parse_statement(&statement)
            .map_err(|d| StreamError::Filter(format!("`{expr}`: {d}")))?;
        let plain = match &st.kind {
            StatementKind::Select(s) => {
                s.selection.is_some()
                    && s.from.as_ref().is_some_and(|f| f.joins.is_empty())
                    && s.traverse.is_empty()
                    && s.group_by.is_empty()
                    && s.having.is_none()
                    && s.order_by.is_empty()
                    && s.limit.is_none()
                    && s.offset.is_none()
            }
            _ => false,
        };
        if !plain {
            return Err(StreamError::Filter(format!(
                "`{expr}` is not a plain WHERE expression"
            )));
        }
        let f = MessageFilter {
            expr: expr.to_string(),
            statement,
            db: db.cloned(),
        };
        // Semantic errors (unknown functions, type errors on constants) now.
        f.eval(Document::default())
            .map_err(|e| StreamError::Filter(format!("`{expr}`: {e}")))?;
        Ok(f)
    }

    /// The expression as given (trimmed).
    pub fn expr(&self) -> &str {
        &self.expr
    }

    /// Whether `msg` passes; an error when the expression fails on this message
    /// (e.g. a type error on one of its values).
    pub fn matches(&self, msg: &Message) -> Result<bool, hyperql::Error> {
        self.eval(record(msg))
    }

    fn eval(&self, record: Document) -> Result<bool, hyperql::Error> {
        crate::datasource::matches_one(self.db.as_ref(), &self.statement, TABLE, None, record)
    }
}

/// The record a filter sees.
fn record(msg: &Message) -> Document {
    let mut doc = match Value::from_json(&msg.payload) {
        Value::Object(d) => (*d).clone(),
        other => {
            let mut d = Document::default();
            d.insert("value".into(), other);
            d
        }
    };
    doc.insert("_stream".into(), Value::str(&msg.stream));
    doc.insert(
        "_seq".into(),
        Value::Int(i64::try_from(msg.seq).unwrap_or(i64::MAX)),
    );
    doc.insert("_source".into(), Value::str(&msg.source.to_string()));
    doc.insert("_hops".into(), Value::Int(i64::from(msg.hops)));
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::Source;
    use serde_json::json;

    fn msg(payload: serde_json::Value) -> Message {
        Message {
            stream: "s".into(),
            seq: 7,
            ts_us: 0,
            source: Source::Api,
            hops: 2,
            payload,
        }
    }

    #[test]
    fn matches_payload_fields_paths_and_metadata() {
        let f = MessageFilter::new("level >= 3 AND tags.region = 'eu'", None).unwrap();
        assert!(
            f.matches(&msg(json!({"level": 4, "tags": {"region": "eu"}})))
                .unwrap()
        );
        assert!(
            !f.matches(&msg(json!({"level": 2, "tags": {"region": "eu"}})))
                .unwrap()
        );
        assert!(!f.matches(&msg(json!({"other": 1}))).unwrap());
        let meta = MessageFilter::new("_seq = 7 AND _hops = 2 AND _source = 'api'", None).unwrap();
        assert!(meta.matches(&msg(json!(null))).unwrap());
        let scalar = MessageFilter::new("value > 10", None).unwrap();
        assert!(scalar.matches(&msg(json!(11))).unwrap());
        assert!(!scalar.matches(&msg(json!("x"))).unwrap_or(false));
    }

    #[test]
    fn refuses_what_is_not_a_where_expression() {
        for bad in [
            "",
            "level >",
            "1 = 1 LIMIT 0",
            "1 = 1 ORDER BY level",
            "1 = 1; DELETE FROM users",
            "NO_SUCH_FUNCTION(level) = 1",
        ] {
            assert!(
                matches!(MessageFilter::new(bad, None), Err(StreamError::Filter(_))),
                "{bad}"
            );
        }
    }
}
