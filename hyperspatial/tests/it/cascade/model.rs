//! An in-memory store implementing `CascadeView`: entities with a collection and timed
//! fields, and labelled edges.

use hyperql::Value;
use hyperspatial::cascade::{
    CascadeError, CascadeSet, CascadeView, Change, DerivedWrite, EdgeDirection, recompute_all,
};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// One entity.
#[derive(Clone, Debug, Default)]
pub struct Entity {
    pub collection: String,
    pub fields: BTreeMap<String, (Value, i64)>,
}

/// The model store.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub entities: BTreeMap<Uuid, Entity>,
    /// (from, label, to).
    pub edges: BTreeSet<(Uuid, String, Uuid)>,
}

impl Model {
    pub fn create(&mut self, id: Uuid, collection: &str) -> Change {
        self.entities.insert(
            id,
            Entity {
                collection: collection.to_string(),
                fields: BTreeMap::new(),
            },
        );
        Change::EntityCreated { id }
    }

    pub fn write(&mut self, id: Uuid, field: &str, value: Value, at: i64) -> Change {
        if let Some(e) = self.entities.get_mut(&id) {
            e.fields.insert(field.to_string(), (value, at));
        }
        Change::FieldWritten {
            id,
            field: field.to_string(),
        }
    }

    pub fn relate(&mut self, from: Uuid, label: &str, to: Uuid) -> Change {
        self.edges.insert((from, label.to_string(), to));
        Change::EdgeAdded {
            from,
            to,
            label: label.to_string(),
        }
    }

    pub fn unrelate(&mut self, from: Uuid, label: &str, to: Uuid) -> Change {
        self.edges.remove(&(from, label.to_string(), to));
        Change::EdgeRemoved {
            from,
            to,
            label: label.to_string(),
        }
    }

    /// Deletes the entity and its edges, returning the changes the storage reports.
    pub fn delete(&mut self, id: Uuid) -> Vec<Change> {
        let Some(e) = self.entities.remove(&id) else {
            return Vec::new();
        };
        let gone: Vec<_> = self
            .edges
            .iter()
            .filter(|(f, _, t)| *f == id || *t == id)
            .cloned()
            .collect();
        let mut out = Vec::new();
        for (from, label, to) in gone {
            out.push(self.unrelate(from, &label, to));
        }
        out.push(Change::EntityDeleted {
            id,
            collection: e.collection,
        });
        out
    }

    /// Stores derived writes as the storage would: written at `now`.
    pub fn apply(&mut self, writes: &[DerivedWrite], now: i64) {
        for w in writes {
            let e = self
                .entities
                .get_mut(&w.id)
                .expect("write to a missing entity");
            e.fields.insert(w.field.clone(), (w.value.clone(), now));
        }
    }

    pub fn ids(&self) -> Vec<Uuid> {
        self.entities.keys().copied().collect()
    }

    /// The stored value of a field (absent reads as NULL).
    pub fn value(&self, id: Uuid, field: &str) -> Value {
        self.entities
            .get(&id)
            .and_then(|e| e.fields.get(field))
            .map_or(Value::Null, |(v, _)| v.clone())
    }

    /// Asserts that every derived field stored equals a full recomputation at `now`.
    pub fn assert_consistent(&self, set: &CascadeSet, now: i64, context: &str) {
        let oracle = recompute_all(set, self, self.ids(), now).expect("recompute_all");
        for w in &oracle {
            let stored = self.value(w.id, &w.field);
            assert!(
                close(&stored, &w.value),
                "{context}: {}.{} is {stored:?}, full recomputation gives {:?}",
                w.id,
                w.field,
                w.value
            );
        }
        // Derived fields exist on every entity of the rule's collection.
        let expected: usize = self
            .entities
            .values()
            .map(|e| set.rules_of(&e.collection).count())
            .sum();
        assert_eq!(oracle.len(), expected, "{context}: oracle coverage");
    }
}

/// Equal values, floats within 1e-9 relative.
pub fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => {
            x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1e-300)
        }
        (Value::Int(x), Value::Int(y)) => x == y,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b) && a == b,
    }
}

impl CascadeView for Model {
    fn neighbours(
        &self,
        id: Uuid,
        label: &str,
        dir: EdgeDirection,
    ) -> Result<Vec<Uuid>, CascadeError> {
        Ok(self
            .edges
            .iter()
            .filter(|(_, l, _)| l == label)
            .filter_map(|(f, _, t)| match dir {
                EdgeDirection::Outgoing => (*f == id).then_some(*t),
                EdgeDirection::Incoming => (*t == id).then_some(*f),
            })
            .collect())
    }

    fn collection_of(&self, id: Uuid) -> Result<Option<String>, CascadeError> {
        Ok(self.entities.get(&id).map(|e| e.collection.clone()))
    }

    fn field(&self, id: Uuid, field: &str) -> Result<Option<(Value, i64)>, CascadeError> {
        Ok(self
            .entities
            .get(&id)
            .and_then(|e| e.fields.get(field).cloned()))
    }
}

/// A view that records every entity it is asked about.
pub struct Recording<'a> {
    pub inner: &'a Model,
    pub touched: RefCell<BTreeSet<Uuid>>,
}

impl<'a> Recording<'a> {
    pub fn new(inner: &'a Model) -> Self {
        Recording {
            inner,
            touched: RefCell::new(BTreeSet::new()),
        }
    }
}

impl CascadeView for Recording<'_> {
    fn neighbours(
        &self,
        id: Uuid,
        label: &str,
        dir: EdgeDirection,
    ) -> Result<Vec<Uuid>, CascadeError> {
        self.touched.borrow_mut().insert(id);
        self.inner.neighbours(id, label, dir)
    }

    fn collection_of(&self, id: Uuid) -> Result<Option<String>, CascadeError> {
        self.touched.borrow_mut().insert(id);
        self.inner.collection_of(id)
    }

    fn field(&self, id: Uuid, field: &str) -> Result<Option<(Value, i64)>, CascadeError> {
        self.touched.borrow_mut().insert(id);
        self.inner.field(id, field)
    }
}

/// A view whose storage always fails.
pub struct Broken;

impl CascadeView for Broken {
    fn neighbours(&self, _: Uuid, _: &str, _: EdgeDirection) -> Result<Vec<Uuid>, CascadeError> {
        Err(CascadeError::View("disk on fire".to_string()))
    }

    fn collection_of(&self, _: Uuid) -> Result<Option<String>, CascadeError> {
        Err(CascadeError::View("disk on fire".to_string()))
    }

    fn field(&self, _: Uuid, _: &str) -> Result<Option<(Value, i64)>, CascadeError> {
        Err(CascadeError::View("disk on fire".to_string()))
    }
}

/// The rules declared by the `CREATE SCHEMA` statements of a script, read from the AST.
pub fn rules_of_script(script: &str) -> Vec<hyperspatial::cascade::CascadeRule> {
    let script = hyperql::parse(script).expect("script parses");
    let mut out = Vec::new();
    for s in script.statements {
        let hyperql::StatementKind::CreateSchema(cs) = s.kind else {
            panic!("not a CREATE SCHEMA: {s}");
        };
        for f in &cs.fields {
            if let Some(c) = &f.cascade {
                out.push(
                    hyperspatial::cascade::CascadeRule::from_ast(&cs.name.name, &f.name.name, c)
                        .expect("rule"),
                );
            }
        }
    }
    out
}

/// A rule set from a script.
pub fn set_of_script(script: &str) -> CascadeSet {
    let mut set = CascadeSet::new();
    set.add_rules(rules_of_script(script)).expect("no cycle");
    set
}
