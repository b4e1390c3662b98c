//! Combining an entity's graph, embedding and property positions: a weighted
//! distance between entities and a single point for indexing.

use super::PositioningError;
use super::lorentz::{dist, mdot, on_hyperboloid};
use crate::Hyperboloid;

/// Weights of the three components. Only ratios matter.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Weight of the graph position.
    pub graph: f64,
    /// Weight of the embedding position.
    pub embedding: f64,
    /// Weight of the property fingerprint.
    pub property: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            graph: 0.5,
            embedding: 0.3,
            property: 0.2,
        }
    }
}

/// How an entity's single position (the indexed point, what `position` means) is made
/// from its components.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionMix {
    /// The graph component when the entity has one, else the weighted mean of the
    /// others (the default): an entity with edges sits where its hierarchy puts it,
    /// so `NEAR` and `DISTANCE FROM` keep the ranks of the layout, and fields (an id,
    /// a list of parents) cannot scatter it.
    #[default]
    GraphFirst,
    /// The weighted Frechet mean of every component present.
    Weighted,
}

/// An entity's positions, one per component it has (hyperboloid points).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Components {
    /// From the graph layout.
    pub graph: Option<Vec<f64>>,
    /// From its embedding.
    pub embedding: Option<Vec<f64>>,
    /// From its properties.
    pub property: Option<Vec<f64>>,
}

impl Components {
    fn slots(&self) -> [(&'static str, Option<&Vec<f64>>); 3] {
        [
            ("graph", self.graph.as_ref()),
            ("embedding", self.embedding.as_ref()),
            ("property", self.property.as_ref()),
        ]
    }
}

fn weights_of(w: &Weights) -> Result<[f64; 3], PositioningError> {
    let ws = [w.graph, w.embedding, w.property];
    if ws.iter().all(|x| x.is_finite() && *x >= 0.0) {
        Ok(ws)
    } else {
        Err(PositioningError::InvalidOption {
            name: "weights",
            reason: "must be finite and non-negative",
        })
    }
}

fn checked(x: &[f64]) -> Result<(), PositioningError> {
    if on_hyperboloid(x, 1e-6) {
        Ok(())
    } else {
        Err(PositioningError::NotOnHyperboloid(mdot(x, x)))
    }
}

/// Weighted mean of the component distances over the components both entities
/// have with a positive weight: `sum w_c d_c(a, b) / sum w_c`. Dividing by the
/// weights used keeps entities that share fewer components comparable with those
/// that share all.
///
/// Errors: no shared component with positive weight
/// ([`PositioningError::Empty`]), component points of different dimensions or off
/// the hyperboloid, negative or non-finite weights.
pub fn combined_distance(
    a: &Components,
    b: &Components,
    w: &Weights,
) -> Result<f64, PositioningError> {
    let ws = weights_of(w)?;
    let (mut sum, mut total) = (0.0, 0.0);
    for ((wi, (_, x)), (_, y)) in ws.iter().zip(a.slots()).zip(b.slots()) {
        if let (Some(x), Some(y)) = (x, y)
            && *wi > 0.0
        {
            if x.len() != y.len() {
                return Err(PositioningError::DimensionMismatch {
                    expected: x.len(),
                    got: y.len(),
                });
            }
            checked(x)?;
            checked(y)?;
            sum += wi * dist(x, y);
            total += wi;
        }
    }
    if total > 0.0 {
        Ok(sum / total)
    } else {
        Err(PositioningError::Empty("shared components"))
    }
}

/// The weighted Frechet mean of the components present (with positive weight):
/// the entity's single position, used for indexing. One component is returned as
/// is.
///
/// Errors: no component with positive weight, components of different dimensions
/// or off the hyperboloid, negative or non-finite weights.
pub fn combined_point(c: &Components, w: &Weights) -> Result<Vec<f64>, PositioningError> {
    combined_point_with(c, w, PositionMix::Weighted)
}

/// The entity's single position by `mix` ([`combined_point`] for
/// [`PositionMix::Weighted`]).
///
/// Errors: as [`combined_point`].
pub fn combined_point_with(
    c: &Components,
    w: &Weights,
    mix: PositionMix,
) -> Result<Vec<f64>, PositioningError> {
    let ws = weights_of(w)?;
    if mix == PositionMix::GraphFirst
        && let Some(g) = &c.graph
        && ws[0] > 0.0
    {
        checked(g)?;
        return Ok(g.clone());
    }
    let mut pts: Vec<Vec<f64>> = Vec::new();
    let mut wts: Vec<f64> = Vec::new();
    for (wi, (_, x)) in ws.iter().zip(c.slots()) {
        if let Some(x) = x
            && *wi > 0.0
        {
            if let Some(first) = pts.first()
                && first.len() != x.len()
            {
                return Err(PositioningError::DimensionMismatch {
                    expected: first.len(),
                    got: x.len(),
                });
            }
            checked(x)?;
            pts.push(x.clone());
            wts.push(*wi);
        }
    }
    match pts.len() {
        0 => Err(PositioningError::Empty("components")),
        1 => Ok(pts.swap_remove(0)),
        _ => Ok(Hyperboloid::default().frechet_mean(&pts, Some(&wts), 200)?),
    }
}
