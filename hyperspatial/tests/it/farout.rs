//! Far-out points (hyperbolic radius 20-30): the precision of each representation
//! of a distance against a double-double reference, and the position index against
//! f64 brute force there.
//!
//! `cargo test -p hyperspatial --release --test it farout::precision_table -- --nocapture`
//! prints the table quoted in `index::Poincare64` and `docs/`.

mod database;
mod dd;
mod recall;

use crate::data::{gauss, rng};
use hyperspatial::{Hyperboloid, Metric, Poincare, Poincare64};
use rand::Rng;
use rand::rngs::StdRng;

const DIM: usize = 16;

fn unit(r: &mut StdRng) -> Vec<f64> {
    let v: Vec<f64> = (0..DIM).map(|_| gauss(r)).collect();
    let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    v.into_iter().map(|x| x / n).collect()
}

/// Hyperboloid coordinates of the point at radius `r` in direction `u`.
fn at(r: f64, u: &[f64]) -> Vec<f64> {
    let mut x = vec![r.cosh()];
    x.extend(u.iter().map(|v| r.sinh() * v));
    x
}

/// `u` turned by the angle `theta` towards a random direction.
fn turn(u: &[f64], theta: f64, r: &mut StdRng) -> Vec<f64> {
    let v = unit(r);
    let d: f64 = u.iter().zip(&v).map(|(a, b)| a * b).sum();
    let w: Vec<f64> = v.iter().zip(u).map(|(b, a)| b - d * a).collect();
    let n = w.iter().map(|x| x * x).sum::<f64>().sqrt();
    u.iter()
        .zip(&w)
        .map(|(a, b)| a * theta.cos() + b / n * theta.sin())
        .collect()
}

/// The angle between two directions at radius `r` and `r2` that puts the points at
/// distance about `t` (exact for `r == r2`).
fn angle_for(r: f64, t: f64) -> f64 {
    2.0 * ((t / 2.0).sinh() / r.sinh()).min(1.0).asin()
}

/// Pairs of points of one kind near radius `r`.
fn pairs(kind: &str, r: f64, n: usize, g: &mut StdRng) -> Vec<(Vec<f64>, Vec<f64>)> {
    (0..n)
        .map(|_| {
            let u = unit(g);
            match kind {
                // Siblings: same radius, distance 0.2-4.
                "siblings" => {
                    let t = g.random_range(0.2..4.0);
                    (at(r, &u), at(r, &turn(&u, angle_for(r, t), g)))
                }
                // Parent and child: one level apart, slightly off the ray.
                "parent-child" => {
                    let t = g.random_range(0.1..1.5);
                    (at(r - 1.0, &u), at(r, &turn(&u, angle_for(r, t), g)))
                }
                // Unrelated points at the same depth.
                _ => (at(r, &u), at(r, &unit(g))),
            }
        })
        .collect()
}

/// The distance `m` reports; infinite when it cannot represent a point (f32 images
/// round onto the boundary of the ball past radius ~17).
fn metric_distance<M: Metric>(m: &M, a: &[f32], b: &[f32]) -> f64 {
    let n = a.len().div_ceil(8) * 8;
    let (mut pa, mut pb) = (vec![0.0; n], vec![0.0; n]);
    match (m.prepare(a, &mut pa), m.prepare(b, &mut pb)) {
        (Ok(xa), Ok(xb)) => f64::from(m.distance(m.surrogate(&pa, xa, &pb, xb))),
        _ => f64::INFINITY,
    }
}

fn lanes(x: &[f64]) -> Vec<f32> {
    Poincare64::default().encode_hyperboloid(x).unwrap()
}

fn projected(x: &[f64]) -> Vec<f64> {
    let mut x = x.to_vec();
    Hyperboloid::default().project(&mut x).unwrap();
    x
}

/// The distances of each representation, in the table's order.
fn representations(x: &[f64], y: &[f64]) -> [f64; 5] {
    let ball32 = |x: &[f64]| hyperspatial::to_ball(x).unwrap();
    // (a) f32 Poincare images, as the index stored them before.
    let a = metric_distance(&Poincare::default(), &ball32(x), &ball32(y));
    // (b) f64 Poincare images with 1 - |p|^2 from the hyperboloid, in f64 ...
    let (p, wp) = Poincare64::decode(&lanes(x)).unwrap();
    let (q, wq) = Poincare64::decode(&lanes(y)).unwrap();
    let s: f64 = p.iter().zip(&q).map(|(a, b)| (a - b) * (a - b)).sum();
    let t = 2.0 * s * wp * wq;
    let b64 = (t + (t * (t + 2.0)).sqrt()).ln_1p();
    // ... and as the index reports them (f32 surrogate and distance).
    let bidx = metric_distance(&Poincare64::default(), &lanes(x), &lanes(y));
    // (c) f64 hyperboloid coordinates, Minkowski norm of the difference.
    let h = Hyperboloid::default();
    let c = h.distance(&projected(x), &projected(y)).unwrap();
    // (d) f32 hyperboloid coordinates (a HyperQL `position` value) in f64.
    let f32s = |x: &[f64]| -> Vec<f64> { x.iter().map(|v| f64::from(*v as f32)).collect() };
    let d = h.distance(&f32s(x), &f32s(y)).unwrap_or(f64::NAN);
    [a, b64, bidx, c, d]
}

/// Largest absolute error of each representation over pairs of `kind` at `r`.
fn errors(kind: &str, r: f64, seed: u64) -> [f64; 5] {
    let mut g = rng(seed);
    let mut worst = [0.0f64; 5];
    for (x, y) in pairs(kind, r, 200, &mut g) {
        let truth = dd::distance(&x, &y);
        for (w, d) in worst.iter_mut().zip(representations(&x, &y)) {
            let e = (d - truth).abs();
            *w = if e.is_nan() { f64::INFINITY } else { w.max(e) };
        }
    }
    worst
}

/// The tolerance the position index guarantees at radius `r` (absolute, on
/// distances): `1e-6 (1 + d)` below radius 15, growing like `e^r` past it to 3e-3 at
/// radius 30.
pub fn tolerance(r: f64, d: f64) -> f64 {
    1e-6 * (1.0 + d) + 3e-3 * (r - 30.0).exp()
}

#[test]
fn precision_table() {
    println!("max |error| of distances vs double-double, 200 pairs each, 16 dimensions");
    println!("(inf: a point the representation cannot hold)");
    println!("kind          r   f32-ball  f64-ball  index(f64)  f64-hyperb  f32-hyperb");
    for kind in ["siblings", "parent-child", "unrelated"] {
        for (i, r) in [5.0, 10.0, 15.0, 20.0, 25.0, 28.0, 30.0]
            .into_iter()
            .enumerate()
        {
            let e = errors(kind, r, 7 + i as u64);
            println!(
                "{kind:<12} {r:>3}  {:>9.1e} {:>9.1e} {:>10.1e} {:>11.1e} {:>11.1e}",
                e[0], e[1], e[2], e[3], e[4]
            );
            // The index keeps the f64 point's precision (the largest distance of the
            // pairs is below 2r + 1).
            assert!(e[2] <= tolerance(r, 2.0 * r + 1.0), "{kind} r={r}: {e:?}");
            if r >= 25.0 && kind != "unrelated" {
                assert!(e[0] > 0.5, "f32 images should collapse at r={r}: {e:?}");
            }
        }
    }
}
