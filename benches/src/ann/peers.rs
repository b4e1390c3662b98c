//! The four L2 indexes behind one small trait, so the Fashion-MNIST runner can
//! alternate between them.

use hnsw_rs::prelude::{DistL2, Hnsw as HnswRs};
use hyperspatial::{Hnsw, HnswParams, L2};
use rayon::prelude::*;

use super::{EF_CONSTRUCTION, K, M};

/// A built index that answers k-NN queries with row numbers.
pub trait System: Send {
    /// Row numbers of the `K` nearest rows to `q` with beam width `ef`.
    fn search(&mut self, q: &[f32], ef: usize) -> Vec<u32>;
}

/// Every system measured, in the order they alternate.
pub const NAMES: [&str; 4] = ["hyperspatial", "hnsw_rs", "instant-distance", "usearch"];

/// How each peer was built, for the report's notes.
pub fn description() -> String {
    use crate::versions::version;
    let avx2 = if avx2() {
        "AVX2 detected, so its SIMD L2 runs"
    } else {
        "no AVX2 detected: on x86 its scalar L2 runs"
    };
    format!(
        "peers: hnsw_rs {} with feature `simdeez_f` (anndists {}'s SIMD distances through \
         simdeez {}; {avx2}), DistL2, `parallel_insert_slice`; instant-distance {} as it \
         comes (its points use hyperspatial's SIMD L2 kernel); usearch {} with its default \
         features (`numkong` SIMD kernels {}, dynamic dispatch), f32, no quantization; \
         all built by the release profile, searched one query at a time on one thread",
        version("hnsw_rs"),
        version("anndists"),
        version("simdeez"),
        version("instant-distance"),
        version("usearch"),
        version("numkong"),
    )
}

/// Whether the CPU has AVX2, which hnsw_rs's SIMD distances need on x86.
fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Builds system `name` on `data` (rows of `dim`) with the current rayon pool.
/// `ef_hint` is the search beam for systems that fix it at build time.
pub fn build(name: &str, data: &[f32], dim: usize, ef_hint: usize) -> Box<dyn System> {
    match name {
        "hyperspatial" => Box::new(Ours::build(data, dim)),
        "hnsw_rs" => Box::new(HnswRsSys::build(data, dim)),
        "instant-distance" => Box::new(Instant::build(data, dim, ef_hint)),
        _ => Box::new(USearch::build(data, dim)),
    }
}

struct Ours(Hnsw<L2>);

impl Ours {
    fn build(data: &[f32], dim: usize) -> Self {
        let params = HnswParams {
            m: M,
            ef_construction: EF_CONSTRUCTION,
            ..HnswParams::default()
        };
        let h = Hnsw::new(L2, dim, params).expect("params");
        let keys: Vec<u64> = (0..(data.len() / dim) as u64).collect();
        h.insert_batch(&keys, data).expect("insert");
        Ours(h)
    }
}

impl System for Ours {
    fn search(&mut self, q: &[f32], ef: usize) -> Vec<u32> {
        self.0
            .search_with_ef(q, K, ef)
            .expect("search")
            .iter()
            .map(|n| n.key as u32)
            .collect()
    }
}

struct HnswRsSys(HnswRs<'static, f32, DistL2>);

impl HnswRsSys {
    fn build(data: &[f32], dim: usize) -> Self {
        let n = data.len() / dim;
        let h = HnswRs::<f32, DistL2>::new(M, n, 16, EF_CONSTRUCTION, DistL2 {});
        let rows: Vec<(&[f32], usize)> = data.chunks_exact(dim).zip(0..n).collect();
        h.parallel_insert_slice(&rows);
        HnswRsSys(h)
    }
}

impl System for HnswRsSys {
    fn search(&mut self, q: &[f32], ef: usize) -> Vec<u32> {
        self.0
            .search(q, K, ef)
            .iter()
            .map(|n| n.d_id as u32)
            .collect()
    }
}

/// A row for instant-distance, measured with the same SIMD kernel as ours.
#[derive(Clone)]
struct Row(Vec<f32>);

impl instant_distance::Point for Row {
    fn distance(&self, other: &Self) -> f32 {
        hyperspatial::l2sq_f32(&self.0, &other.0)
    }
}

struct Instant {
    map: instant_distance::HnswMap<Row, u32>,
    search: instant_distance::Search,
}

impl Instant {
    fn build(data: &[f32], dim: usize, ef_search: usize) -> Self {
        let rows: Vec<Row> = data.chunks_exact(dim).map(|r| Row(r.to_vec())).collect();
        let values: Vec<u32> = (0..rows.len() as u32).collect();
        let map = instant_distance::Builder::default()
            .ef_construction(EF_CONSTRUCTION)
            .ef_search(ef_search)
            .seed(7)
            .build(rows, values);
        Instant {
            map,
            search: instant_distance::Search::default(),
        }
    }
}

impl System for Instant {
    fn search(&mut self, q: &[f32], _ef: usize) -> Vec<u32> {
        let q = Row(q.to_vec());
        self.map
            .search(&q, &mut self.search)
            .take(K)
            .map(|i| *i.value)
            .collect()
    }
}

struct USearch(usearch::Index);

impl USearch {
    fn build(data: &[f32], dim: usize) -> Self {
        let opts = usearch::IndexOptions {
            dimensions: dim,
            metric: usearch::MetricKind::L2sq,
            quantization: usearch::ScalarKind::F32,
            connectivity: M,
            expansion_add: EF_CONSTRUCTION,
            expansion_search: 64,
            multi: false,
        };
        let index = usearch::Index::new(&opts).expect("usearch index");
        let n = data.len() / dim;
        index
            .reserve_capacity_and_threads(n, rayon::current_num_threads())
            .expect("reserve");
        data.par_chunks_exact(dim).enumerate().for_each(|(i, r)| {
            index.add(i as u64, r).expect("add");
        });
        USearch(index)
    }
}

impl System for USearch {
    fn search(&mut self, q: &[f32], ef: usize) -> Vec<u32> {
        self.0.change_expansion_search(ef);
        self.0
            .search(q, K)
            .expect("search")
            .keys
            .iter()
            .map(|k| *k as u32)
            .collect()
    }
}
