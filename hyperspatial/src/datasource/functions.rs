//! Functions hyperspatial adds to HyperQL.

use crate::store::Database;
use hyperql::{ScalarFunction, SourceError, Type, Value};

/// `HYPERBOLIC_DISTANCE(a, b)`: the distance of two points given as hyperboloid
/// coordinates (as `position` holds them), curvature -1.
pub struct HyperbolicDistance;

impl ScalarFunction for HyperbolicDistance {
    fn name(&self) -> &str {
        "HYPERBOLIC_DISTANCE"
    }
    fn arg_types(&self) -> Vec<Type> {
        vec![Type::Vector(None), Type::Vector(None)]
    }
    fn return_type(&self) -> Type {
        Type::Float
    }
    fn call(&self, args: &[Value]) -> Result<Value, SourceError> {
        // f64 points: an array of floats (a `position` as read) keeps every digit.
        let (Some(a), Some(b)) = (
            args.first().and_then(Value::as_point),
            args.get(1).and_then(Value::as_point),
        ) else {
            return Ok(Value::Null);
        };
        let h = crate::Hyperboloid::default();
        h.distance(&a, &b)
            .map(Value::Float)
            .map_err(|e| SourceError::Constraint(format!("HYPERBOLIC_DISTANCE: {e}")))
    }
    fn deterministic(&self) -> bool {
        true
    }
}

/// `COMBINED_DISTANCE(a, b)`: for two entity ids, the weighted sum of the distances
/// of their position components (graph, embedding, property).
pub struct CombinedDistance(pub Database);

impl ScalarFunction for CombinedDistance {
    fn name(&self) -> &str {
        "COMBINED_DISTANCE"
    }
    fn arg_types(&self) -> Vec<Type> {
        vec![Type::Any, Type::Any]
    }
    fn return_type(&self) -> Type {
        Type::Float
    }
    fn call(&self, args: &[Value]) -> Result<Value, SourceError> {
        let db = &self.0;
        let place = |v: Option<&Value>| -> Result<Option<crate::Placement>, SourceError> {
            match v.and_then(|v| db.resolve(v)) {
                Some(id) => Ok(db.placement(id)?),
                None => Ok(None),
            }
        };
        let (Some(a), Some(b)) = (place(args.first())?, place(args.get(1))?) else {
            return Ok(Value::Null);
        };
        // The weights of the first entity's collection.
        let weights = args
            .first()
            .and_then(|v| db.resolve(v))
            .and_then(|id| db.collection_of(id))
            .and_then(|c| db.position_settings(&c).ok())
            .map_or(db.options().weights, |s| s.weights);
        Ok(Value::Float(a.combined_distance(&b, &weights)))
    }
}

/// `EMBED(text)` and `EMBED(text, model)`: the dense vector of a text from a
/// registered embedder (the default one, or the one named).
pub struct Embed {
    /// The database whose embedders are used.
    pub db: Database,
    /// Whether this is the two-argument form.
    pub with_model: bool,
}

impl ScalarFunction for Embed {
    fn name(&self) -> &str {
        "EMBED"
    }
    fn arg_types(&self) -> Vec<Type> {
        if self.with_model {
            vec![Type::String, Type::String]
        } else {
            vec![Type::String]
        }
    }
    fn return_type(&self) -> Type {
        Type::Vector(None)
    }
    fn call(&self, args: &[Value]) -> Result<Value, SourceError> {
        let Some(Value::String(text)) = args.first() else {
            return Ok(Value::Null);
        };
        let model = match args.get(1) {
            Some(Value::String(m)) => Some(&**m),
            _ => None,
        };
        let e = self.db.embedder(model).ok_or_else(|| {
            SourceError::Constraint(match model {
                Some(m) => format!("EMBED: no embedder called `{m}` is registered"),
                None => "EMBED: no embedder is registered".to_string(),
            })
        })?;
        let v = e
            .embed_one(text)
            .map_err(|err| SourceError::Backend(format!("EMBED: {err}")))?;
        Ok(Value::Vector(v.into()))
    }
    /// A model gives the same vector for the same text: a constant text is embedded
    /// once per statement.
    fn deterministic(&self) -> bool {
        true
    }
}
