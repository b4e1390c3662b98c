//! Per-collection position settings: how an entity's combined `position` is made
//! from its components (the mix and the weights, which `COMBINED_DISTANCE` also
//! uses) and which fields the property fingerprint leaves out.
//!
//! A collection without settings uses the database's [`Options`] for the mix and the
//! weights and [`DEFAULT_IGNORE`] for the fingerprint. Changing the settings stores
//! them in the collection's configuration and places every entity of the collection
//! again (property component and combined point) in one write batch: one atomic
//! commit, so readers see the old positions or the new ones, never a mix.
//!
//! Isolation: changes of one collection's settings run one at a time (its
//! `settings_lock`), and the saved settings are the last change's. The settings are
//! saved before the re-placement commits, and the re-placement lists the
//! collection's entities under the commit lock: a batch committed before it is
//! placed again, one committed after it reads the new settings at its own commit,
//! so no entity keeps a placement by settings no longer in effect. A failing
//! re-placement puts the old settings back (only them: other configuration changes
//! made meanwhile stay).
//!
//! Invariant: the fingerprint of an entity depends only on its fields that no ignore
//! pattern matches, so entities that differ only in an id-like field (`parent_id`,
//! a `parents` list named in the patterns) get the same property component.

use super::collection::Collection;
use super::placement::Placement;
use super::write::WriteBatch;
use super::{Database, FastMap, Options, StoreError};
use crate::positioning::{PositionMix, Weights};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Field names left out of the property fingerprint by default: identifiers and
/// references, whose values differ between otherwise alike entities. A pattern
/// matches a top-level field name exactly, or with a leading `*` by its end, or with
/// a trailing `*` by its start.
pub const DEFAULT_IGNORE: &[&str] = &[
    "id", "_id", "_key", "key", "*_id", "*Id", "*_ids", "*Ids", "parent", "parents", "children",
];

/// A collection's position settings as stored and as given to
/// [`Database::set_position_settings`]; an absent value takes the default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionSettings {
    /// How the combined point is made (default: the database's `position_mix`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mix: Option<PositionMix>,
    /// Component weights (default: the database's `weights`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<Weights>,
    /// Field-name patterns the fingerprint leaves out (default: [`DEFAULT_IGNORE`];
    /// an empty list fingerprints every field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore: Option<Vec<String>>,
}

/// The settings in effect for one collection, defaults filled in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EffectivePositions {
    /// How the combined point is made.
    pub mix: PositionMix,
    /// Component weights.
    pub weights: Weights,
    /// Field-name patterns the fingerprint leaves out.
    pub ignore: Vec<String>,
}

impl PositionSettings {
    /// Checks the settings: weights finite, not negative and not all zero; patterns
    /// non-empty with at most one `*`, at the start or the end.
    pub fn check(&self) -> Result<(), StoreError> {
        if let Some(w) = &self.weights {
            let all = [w.graph, w.embedding, w.property];
            if all.iter().any(|x| !x.is_finite() || *x < 0.0) || all.iter().all(|x| *x == 0.0) {
                return Err(StoreError::Invalid(format!(
                    "position weights must be finite, not negative and not all zero (got graph {}, embedding {}, property {})",
                    w.graph, w.embedding, w.property
                )));
            }
        }
        for p in self.ignore.iter().flatten() {
            let stars = p.matches('*').count();
            let body = p.trim_matches('*');
            if body.is_empty()
                || stars > 1
                || (stars == 1 && !(p.starts_with('*') || p.ends_with('*')))
            {
                return Err(StoreError::Invalid(format!(
                    "ignore pattern `{p}`: expected a field name, `*suffix` or `prefix*`"
                )));
            }
        }
        Ok(())
    }

    /// The settings in effect, with the database's options for what is absent.
    pub fn effective(&self, o: &Options) -> EffectivePositions {
        EffectivePositions {
            mix: self.mix.unwrap_or(o.position_mix),
            weights: self.weights.unwrap_or(o.weights),
            ignore: self
                .ignore
                .clone()
                .unwrap_or_else(|| DEFAULT_IGNORE.iter().map(|s| s.to_string()).collect()),
        }
    }
}

impl EffectivePositions {
    /// Whether the fingerprint leaves out the leaf at dotted `path` (matched by its
    /// top-level field name).
    pub fn ignores(&self, path: &str) -> bool {
        let top = path.split(['.', '[']).next().unwrap_or(path);
        self.ignore.iter().any(|p| pattern_matches(p, top))
    }
}

/// `name` against one ignore pattern (see [`DEFAULT_IGNORE`]).
fn pattern_matches(pattern: &str, name: &str) -> bool {
    if let Some(suffix) = pattern.strip_prefix('*') {
        name.len() > suffix.len() && name.ends_with(suffix)
    } else if let Some(prefix) = pattern.strip_suffix('*') {
        name.len() > prefix.len() && name.starts_with(prefix)
    } else {
        pattern == name
    }
}

impl Collection {
    /// The collection's settings in effect.
    pub(crate) fn positions(&self, o: &Options) -> EffectivePositions {
        self.config.read().positions.effective(o)
    }
}

impl Database {
    /// The collection entity `id` is in.
    pub(crate) fn collection_of(&self, id: Uuid) -> Option<std::sync::Arc<str>> {
        self.loc(id).map(|l| l.collection)
    }

    /// The position settings in effect for `collection` (defaults filled in).
    pub fn position_settings(&self, collection: &str) -> Result<EffectivePositions, StoreError> {
        let c = self
            .collection(collection)
            .ok_or_else(|| StoreError::UnknownCollection(collection.to_string()))?;
        Ok(c.positions(self.options()))
    }

    /// Replaces the position settings of `collection` and places every entity of it
    /// again (see the module docs). Returns the number of entities placed.
    ///
    /// Errors: an unknown collection, settings that do not pass
    /// [`PositionSettings::check`]; a failing write leaves the old settings and
    /// positions.
    pub fn set_position_settings(
        &self,
        collection: &str,
        settings: PositionSettings,
    ) -> Result<usize, StoreError> {
        settings.check()?;
        let c = self
            .collection(collection)
            .ok_or_else(|| StoreError::UnknownCollection(collection.to_string()))?;
        let _serial = c.settings_lock.lock();
        let old = c.update_config(|cfg| Ok(std::mem::replace(&mut cfg.positions, settings)))?;
        let mut batch = self.batch();
        batch.replaced = Some(c.name.clone());
        match batch.commit() {
            Ok(summary) => Ok(summary.replaced),
            Err(e) => {
                // Only the settings go back: other changes made meanwhile stay.
                c.update_config(|cfg| {
                    cfg.positions = old;
                    Ok(())
                })?;
                Err(e)
            }
        }
    }
}

impl WriteBatch {
    /// Places the entities of `replaced` again from their stored documents (new
    /// position settings): property component and combined point.
    pub(super) fn apply_replaced(
        &mut self,
        placements: &mut FastMap<Uuid, Placement>,
    ) -> Result<usize, StoreError> {
        let Some(collection) = self.replaced.take() else {
            return Ok(0);
        };
        let db = self.db.clone();
        let dim = db.options().position_dim;
        let replaced = db.ids_in(&collection);
        let settings = self.settings_of(replaced.iter().copied());
        let mut n = 0;
        for id in replaced {
            let Some(loc) = db.loc(id) else { continue };
            if self.deletes(&id) {
                continue;
            }
            let Some(c) = db.collection(&loc.collection) else {
                continue;
            };
            let Some(doc) = c.shards[loc.shard as usize].doc(id)? else {
                continue;
            };
            let Some(settings) = settings.get(&id) else {
                continue;
            };
            let (property, _) = super::place_components::own_parts(&doc, &c, settings, dim)?;
            let p = match placements.entry(id) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(db.placement(id)?.unwrap_or_default())
                }
            };
            p.property = property;
            super::place_components::combine(p, settings, dim);
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_names_suffixes_and_prefixes_of_the_top_field() {
        let e = PositionSettings::default().effective(&Options::default());
        for ignored in [
            "id",
            "_key",
            "parent_id",
            "ownerId",
            "tag_ids",
            "parent_id.x",
            "parents",
        ] {
            assert!(e.ignores(ignored), "{ignored}");
        }
        for kept in ["name", "_id_x", "idea", "width", "kind", "profile.owner_id"] {
            assert!(!e.ignores(kept), "{kept}");
        }
        let mine = PositionSettings {
            ignore: Some(vec!["parents".into(), "tmp*".into()]),
            ..Default::default()
        }
        .effective(&Options::default());
        assert!(mine.ignores("parents") && mine.ignores("tmp_1") && !mine.ignores("tmp"));
        assert!(!mine.ignores("parent_id"));
    }

    #[test]
    fn bad_settings_are_refused_with_the_reason() {
        let w = |graph, embedding, property| PositionSettings {
            weights: Some(Weights {
                graph,
                embedding,
                property,
            }),
            ..Default::default()
        };
        for bad in [w(-1.0, 0.0, 1.0), w(0.0, 0.0, 0.0), w(f64::NAN, 1.0, 1.0)] {
            assert!(
                matches!(bad.check(), Err(StoreError::Invalid(m)) if m.contains("position weights"))
            );
        }
        assert!(w(1.0, 0.0, 0.0).check().is_ok());
        for p in ["", "*", "a*b", "**x", "*a*"] {
            let s = PositionSettings {
                ignore: Some(vec![p.into()]),
                ..Default::default()
            };
            assert!(
                matches!(s.check(), Err(StoreError::Invalid(m)) if m.contains("ignore pattern")),
                "{p}"
            );
        }
    }

    #[test]
    fn unknown_keys_are_refused_when_reading_settings() {
        let r: Result<PositionSettings, _> =
            serde_json::from_str(r#"{"mix": "weighted", "ignor": []}"#);
        assert!(r.is_err());
        let ok: PositionSettings = serde_json::from_str(
            r#"{"mix": "weighted", "weights": {"graph": 1, "embedding": 0, "property": 0}}"#,
        )
        .unwrap_or_default();
        assert_eq!(ok.mix, Some(PositionMix::Weighted));
    }
}
