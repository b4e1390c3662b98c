//! Kinematics of an entity's trajectory: how far and how fast its position moves.

use super::PositioningError;
use super::lorentz::{dist, mdot, on_hyperboloid};

/// Motion of a trajectory of position snapshots. Distances are hyperbolic
/// distances, times are in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kinematics {
    /// Distance from the first snapshot to the last.
    pub drift: f64,
    /// Sum of the distances between consecutive snapshots.
    pub path_length: f64,
    /// Seconds from the first snapshot to the last.
    pub duration: f64,
    /// Distance per second over the last interval (0 with one snapshot).
    pub velocity: f64,
    /// Path length per second over the whole trajectory (0 with one snapshot).
    pub mean_velocity: f64,
    /// Change of velocity per second between the last two intervals, over the time
    /// between their midpoints (0 with fewer than three snapshots). Positive when
    /// the entity speeds up.
    pub acceleration: f64,
}

/// The kinematics of `snapshots`: `(timestamp in microseconds, position)` pairs in
/// strictly increasing time order.
///
/// Errors: no snapshot, timestamps not strictly increasing, positions of
/// different dimensions or off the hyperboloid.
pub fn kinematics(snapshots: &[(i64, Vec<f64>)]) -> Result<Kinematics, PositioningError> {
    let (t0, first) = snapshots
        .first()
        .ok_or(PositioningError::Empty("snapshots"))?;
    for (i, (t, x)) in snapshots.iter().enumerate() {
        if x.len() != first.len() {
            return Err(PositioningError::DimensionMismatch {
                expected: first.len(),
                got: x.len(),
            });
        }
        if !on_hyperboloid(x, 1e-6) {
            return Err(PositioningError::NotOnHyperboloid(mdot(x, x)));
        }
        if i > 0 && *t <= snapshots[i - 1].0 {
            return Err(PositioningError::UnorderedSnapshots { index: i });
        }
    }
    let secs = |a: i64, b: i64| (b as f64 - a as f64) * 1e-6;
    let (tn, last) = &snapshots[snapshots.len() - 1];
    let speeds: Vec<(f64, f64)> = snapshots
        .windows(2)
        .map(|w| {
            let dt = secs(w[0].0, w[1].0);
            let mid = 0.5 * (w[0].0 as f64 + w[1].0 as f64) * 1e-6;
            (dist(&w[0].1, &w[1].1) / dt, mid)
        })
        .collect();
    let path_length: f64 = snapshots.windows(2).map(|w| dist(&w[0].1, &w[1].1)).sum();
    let duration = secs(*t0, *tn);
    let velocity = speeds.last().map_or(0.0, |s| s.0);
    let acceleration = match speeds.as_slice() {
        [.., (v1, m1), (v2, m2)] => (v2 - v1) / (m2 - m1),
        _ => 0.0,
    };
    Ok(Kinematics {
        drift: dist(first, last),
        path_length,
        duration,
        velocity,
        mean_velocity: if duration > 0.0 {
            path_length / duration
        } else {
            0.0
        },
        acceleration,
    })
}
