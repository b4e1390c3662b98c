//! Seeded synthetic data for the suites: SplitMix64 from `rand_xoshiro` (the same
//! generator hyperspatial uses) with the draws the suites need.
//!
//! The draws keep the suites' data sets bit-identical to earlier runs, so figures
//! stay comparable across reports: do not change how they consume the generator.

use rand::{RngCore, SeedableRng};
use rand_xoshiro::SplitMix64;

/// One SplitMix64 step from state `x`: a well-spread hash of `x`.
pub(crate) fn splitmix64(x: u64) -> u64 {
    SplitMix64::seed_from_u64(x).next_u64()
}

/// A seeded SplitMix64 generator.
pub(crate) struct Rng(SplitMix64);

impl Rng {
    /// A generator starting from state `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(SplitMix64::seed_from_u64(seed))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (by modulo, as the data sets were made).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Standard normal (Box-Muller).
    pub fn gauss(&mut self) -> f64 {
        let u = self.unit().max(1e-300);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// A uniformly shuffled `0..n`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            p.swap(i, self.below(i + 1));
        }
        p
    }
}
