//! The vector fields of a write batch before it is checked: auto-embedded vectors
//! filled in ([`WriteBatch::auto_embed`]), vector fields declared for vectors a
//! collection does not know yet, arrays converted and dimensions checked
//! ([`prepare_vectors`]).

use super::database::Database;
use super::write::{Pending, Slot, WriteBatch};
use crate::cascade::Change;
use crate::store::{StoreError, VectorField, VectorMetric};
use hyperql::Value;
use std::collections::HashSet;
use uuid::Uuid;

/// One text to embed: the entity, its target vector field and the text.
struct EmbedJob {
    id: Uuid,
    target: String,
    text: String,
}

impl WriteBatch {
    /// Fills auto-embedded vector fields of new entities and of entities whose source
    /// text changed, one embedder call per batch.
    pub(super) fn auto_embed(&mut self) -> Result<(), StoreError> {
        let jobs = self.embed_jobs();
        if jobs.is_empty() {
            return Ok(());
        }
        let e = self.db.embedder(None).ok_or(StoreError::NoEmbedder)?;
        let texts: Vec<&str> = jobs.iter().map(|j| j.text.as_str()).collect();
        let vectors = e.embed(&texts)?;
        for (job, v) in jobs.into_iter().zip(vectors) {
            if let Some(Slot::Live(p)) = self.slots.get_mut(&job.id) {
                super::paths::set_path(&mut p.doc, &job.target, Value::Vector(v.into()));
            }
        }
        Ok(())
    }

    /// The texts to embed: the source text of every auto-embedding rule of a new
    /// entity, or of an entity whose source field the batch wrote.
    fn embed_jobs(&self) -> Vec<EmbedJob> {
        let written: HashSet<(Uuid, &str)> = self
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::FieldWritten { id, field } => Some((*id, field.as_str())),
                _ => None,
            })
            .collect();
        let mut jobs = Vec::new();
        for id in &self.order {
            let Some(Slot::Live(p)) = self.slots.get(id) else {
                continue;
            };
            for rule in &p.collection.config.read().auto_embed {
                let top = rule.source.split('.').next().unwrap_or_default();
                if !p.is_new && !written.contains(&(*id, top)) {
                    continue;
                }
                if let Some(Value::String(t)) = super::paths::get_path(&p.doc, &rule.source) {
                    jobs.push(EmbedJob {
                        id: *id,
                        target: rule.target.clone(),
                        text: t.to_string(),
                    });
                }
            }
        }
        jobs
    }
}

/// Declares vector fields for vectors the collection does not know yet, converts
/// arrays given for declared vector fields and checks their dimensions.
pub(super) fn prepare_vectors(db: &Database, p: &mut Pending) -> Result<(), StoreError> {
    let declared = p.collection.config.read().vectors.clone();
    let mut undeclared: Vec<(String, usize)> = Vec::new();
    super::paths::visit(&p.doc, &mut |path, v| {
        if let Value::Vector(xs) = v
            && !declared.contains_key(path)
        {
            undeclared.push((path.to_string(), xs.len()));
        }
    })?;
    for (path, dim) in undeclared {
        db.define_vector_field(
            &p.collection.name,
            &path,
            VectorField {
                dim,
                metric: VectorMetric::Cosine,
            },
        )?;
    }
    for (path, vf) in &declared {
        let Some(v) = super::paths::get_path(&p.doc, path) else {
            continue;
        };
        let Some(xs) = v.as_vector() else {
            return Err(StoreError::Invalid(format!(
                "`{path}` is a vector field; got {}",
                v.type_name()
            )));
        };
        if xs.len() != vf.dim {
            return Err(StoreError::Invalid(format!(
                "`{path}` holds {}-d vectors; got {} numbers",
                vf.dim,
                xs.len()
            )));
        }
        if !xs.iter().all(|x| x.is_finite()) {
            return Err(StoreError::Invalid(format!(
                "`{path}`: a vector coordinate is NaN or infinite"
            )));
        }
        if !matches!(v, Value::Vector(_)) {
            super::paths::set_path(&mut p.doc, path, Value::Vector(xs.into()));
        }
    }
    Ok(())
}
