//! The crate's one seeded generator and bit mixer: SplitMix64 (Steele, Lea and Flood
//! 2014) from `rand_xoshiro`, with the draws the crate needs on top of it.
//!
//! The demo data set, positions, HNSW levels and property fingerprints are functions
//! of their seeds alone, the same on every machine and in every build: SplitMix64 is a
//! fixed, documented algorithm (a 64-bit state advanced by a Weyl sequence, scrambled
//! by two multiply-xorshift rounds), and every draw below is defined here, not by a
//! distribution of `rand` whose algorithm may change between releases.

use rand_xoshiro::rand_core::{RngCore, SeedableRng};

/// The Weyl increment of SplitMix64.
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// The SplitMix64 finaliser: spreads the bits of `z`.
pub(crate) fn mix64(z: u64) -> u64 {
    // One step adds the increment before mixing; start one increment lower.
    splitmix64(z.wrapping_sub(GOLDEN))
}

/// One SplitMix64 step from state `x`: a well-spread hash of `x`.
pub(crate) fn splitmix64(x: u64) -> u64 {
    rand_xoshiro::SplitMix64::seed_from_u64(x).next_u64()
}

/// A SplitMix64 generator with the crate's draws (uniform floats and integers,
/// normal deviates, independent streams).
#[derive(Clone, Debug)]
pub(crate) struct SplitMix64(rand_xoshiro::SplitMix64);

impl SplitMix64 {
    /// A generator starting from state `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(rand_xoshiro::SplitMix64::seed_from_u64(seed))
    }

    /// A generator for stream `stream` of `seed`: independent-looking sequences for
    /// different streams (e.g. one per node or per epoch).
    pub(crate) fn stream(seed: u64, stream: u64) -> Self {
        let mut g = SplitMix64::new(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        g.next_u64();
        g
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A uniform float in `[0, 1)` with 53 random bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform integer in `0..n`; 0 when `n` is 0. Lemire's multiply-shift: the
    /// bias is below `n / 2^64`, irrelevant here.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A uniformly chosen element of `items`; `None` when it is empty.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// A standard normal deviate (Box-Muller; one of the pair is discarded).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit(); // (0, 1]
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference SplitMix64 step, written out: the generator above must stay
    /// this algorithm (seeded data sets and positions depend on it).
    fn reference(state: &mut u64) -> u64 {
        *state = state.wrapping_add(GOLDEN);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    #[test]
    fn is_the_reference_algorithm() {
        let (mut g, mut s) = (SplitMix64::new(41), 41u64);
        assert!((0..100).all(|_| g.next_u64() == reference(&mut s)));
        assert_eq!(splitmix64(0), 0xe220_a839_7b1d_cdaf);
        assert_eq!(mix64(5u64.wrapping_add(GOLDEN)), splitmix64(5));
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map(|_| SplitMix64::stream(7, 1).next_u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            SplitMix64::stream(7, 1).next_u64(),
            SplitMix64::stream(7, 2).next_u64()
        );
    }

    #[test]
    fn ranges() {
        let mut r = SplitMix64::new(1);
        for _ in 0..1000 {
            assert!(r.below(10) < 10);
            assert!((0.0..1.0).contains(&r.unit()));
        }
        assert_eq!(r.below(0), 0);
        assert!(r.pick::<u8>(&[]).is_none());
    }

    #[test]
    fn normal_has_unit_variance() {
        let mut g = SplitMix64::new(3);
        let n = 200_000;
        let (mut s, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let x = g.normal();
            s += x;
            s2 += x * x;
        }
        let mean = s / n as f64;
        let var = s2 / n as f64 - mean * mean;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
    }
}
