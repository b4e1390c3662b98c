//! Trajectories: every position change of an entity appends a snapshot to a series
//! named by the entity's id in the shard's `trajectories` family (manifold-timeseries,
//! Gorilla-compressed). Drift, velocity and acceleration are computed from them.
//!
//! The series starts lazily, so that loading entities costs no trajectory writes: an
//! entity that never moved has no series and its trajectory is its stored position
//! at its creation time; when it first moves, that snapshot and the new one are
//! written together.

use super::database::Database;
use super::placement::Placement;
use super::shard::Shard;
use super::write::{Slot, WriteBatch};
use crate::positioning::Kinematics;
use crate::store::{FastMap, StoreError};
use manifold_timeseries::Record;
use uuid::Uuid;

/// Most coordinates a snapshot holds (32 hyperbolic dimensions).
pub const MAX_COORDS: usize = 33;

/// One stored position: the coordinates, zero-padded to [`MAX_COORDS`] (the padding
/// compresses to almost nothing).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrajectorySnapshot(pub [f64; MAX_COORDS]);

impl Record for TrajectorySnapshot {
    const SIZE: usize = 8 * MAX_COORDS;
    const TYPE_NAME: &'static str = "hyperspatial.position";
    fn write(&self, out: &mut [u8]) {
        for (c, x) in out.chunks_exact_mut(8).zip(self.0) {
            c.copy_from_slice(&x.to_le_bytes());
        }
    }
    fn read(bytes: &[u8]) -> Self {
        let mut a = [0.0; MAX_COORDS];
        for (x, c) in a.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            *x = f64::from_le_bytes(b);
        }
        TrajectorySnapshot(a)
    }
}

/// Whether entity `id` of `shard` has a trajectory series.
pub(crate) fn has_trajectory(shard: &Shard, id: Uuid) -> Result<bool, StoreError> {
    Ok(shard
        .trajectories
        .find_series::<TrajectorySnapshot>(&id.to_string())?
        .is_some())
}

/// Appends one snapshot per entry of `points` (entity, µs, coordinates), creating
/// their series as needed, in one transaction of the shard's trajectory family. It
/// does not wait for the disk: the write that moved the entities syncs the shard's
/// log after it.
pub(crate) fn append_many(shard: &Shard, points: &[(Uuid, i64, &[f64])]) -> Result<(), StoreError> {
    let names: Vec<String> = points.iter().map(|(id, _, _)| id.to_string()).collect();
    let rows: Vec<(&str, i64, TrajectorySnapshot)> = points
        .iter()
        .zip(&names)
        .filter(|((_, _, p), _)| !p.is_empty() && p.len() <= MAX_COORDS)
        .map(|((_, ts, p), name)| {
            let mut a = [0.0; MAX_COORDS];
            a[..p.len()].copy_from_slice(p);
            (name.as_str(), *ts, TrajectorySnapshot(a))
        })
        .collect();
    shard
        .trajectories
        .append_named(&rows, manifold::Durability::Deferred)?;
    Ok(())
}

impl WriteBatch {
    /// Inserted by this batch with an id never stored before.
    pub(crate) fn brand_new(&self, id: Uuid) -> bool {
        matches!(self.slots.get(&id), Some(Slot::Live(p)) if p.is_new) && self.db.loc(id).is_none()
    }

    /// The first snapshots of stored entities of `shard` that move now and have no
    /// trajectory yet: their stored position, at their creation time.
    pub(crate) fn first_snapshots(
        &self,
        shard: &Shard,
        ids: &[Uuid],
        placements: &FastMap<Uuid, Placement>,
    ) -> Result<Vec<(Uuid, i64, Vec<f64>)>, StoreError> {
        let mut out = Vec::new();
        for id in ids {
            if self.brand_new(*id)
                || !placements.contains_key(id)
                || matches!(self.slots.get(id), Some(Slot::Deleted { .. }))
                || has_trajectory(shard, *id)?
            {
                continue;
            }
            let Some(old) = shard.placement(*id)? else {
                continue;
            };
            let created = match self.slots.get(id) {
                Some(Slot::Live(p)) => Some(p.meta.created_us),
                _ => shard.meta(*id)?.map(|m| m.created_us),
            };
            if let Some(t) = created.filter(|t| *t < self.now_us) {
                out.push((*id, t, old.combined));
            }
        }
        Ok(out)
    }
}

/// Appends position snapshots to the trajectories of entities of one shard, before the
/// shard's log is synced (history: a failure here loses snapshots, never data, so it
/// is not an error of the write). Should the batch be refused (a snapshot older than
/// its series allows), each snapshot is tried alone so that only the refused are lost.
pub(crate) fn record_trajectories(shard: &Shard, moved: &[(Uuid, i64, &[f64])]) {
    if append_many(shard, moved).is_err() {
        for m in moved {
            let _ = append_many(shard, std::slice::from_ref(m));
        }
    }
}

impl Database {
    /// Position snapshots of an entity, oldest first: (µs, hyperboloid coordinates).
    /// An entity that never moved has one: its position at its creation.
    pub fn trajectory(&self, id: Uuid) -> Result<Vec<(i64, Vec<f64>)>, StoreError> {
        let Some(loc) = self.loc(id) else {
            return Err(StoreError::NotFound(id.to_string()));
        };
        let Some(c) = self.collection(&loc.collection) else {
            return Err(StoreError::NotFound(id.to_string()));
        };
        let shard = &c.shards[loc.shard as usize];
        let n = self.options().position_dim + 1;
        let Some(series) = shard
            .trajectories
            .find_series::<TrajectorySnapshot>(&id.to_string())?
        else {
            let created = shard.meta(id)?.map(|m| m.created_us);
            let at = shard.placement(id)?.map(|p| p.combined);
            return Ok(created.zip(at).into_iter().collect());
        };
        Ok(shard
            .trajectories
            .range(&series, ..)?
            .into_iter()
            .map(|(t, s)| (t, s.0[..n.min(MAX_COORDS)].to_vec()))
            .collect())
    }

    /// Drift, velocity and acceleration of an entity from its trajectory.
    /// Fails with `NotFound` for an unknown entity and `Positioning` when it has no
    /// snapshot.
    pub fn kinematics(&self, id: Uuid) -> Result<Kinematics, StoreError> {
        let snaps = self.trajectory(id)?;
        Ok(crate::positioning::kinematics(&snaps)?)
    }
}
