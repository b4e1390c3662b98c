//! Suite `vectors`: manifold-vectors on synthetic data (seeded uniform vectors).
//!
//! - Zero-copy in fact: a full-table scan computing distances on the stored bytes,
//!   against the same scan copying each vector out (into a fresh `Vec`, or into a
//!   reused buffer), against a plain in-memory `Vec<Vec<f32>>` (the ceiling).
//! - Point reads: distance to one stored vector in place vs `get` then distance.
//! - Kernels: SIMD against scalar, per metric, on L1-resident vectors; and the kernel on
//!   resident unaligned little-endian bytes against copying them out first.
//! - Batch insert throughput; brute-force top-10 over the table (f32, and i8 codes
//!   reranked) with the recall of the i8 search.

use crate::report::{Report, median};
use crate::rng::Rng;
use manifold_vectors::{
    Metric, MultiVectorTable, SparseVector, SparseVectorTable, VectorRef, VectorTable, scalar, simd,
};
use std::hint::black_box;
use std::time::Instant;
use uuid::Uuid;

const DIM: usize = 768;

/// Uniform in [-1, 1) with 24 random bits (how the data set was made: keep it, so
/// figures stay comparable).
fn signed(rng: &mut Rng) -> f32 {
    (rng.next_u64() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
}

/// A `DIM`-d vector of [`signed`] coordinates.
fn vector(rng: &mut Rng) -> Vec<f32> {
    (0..DIM).map(|_| signed(rng)).collect()
}

/// Runs the suite.
pub fn run(quick: bool) -> Result<Report, String> {
    let mut report = Report::new("vectors", quick);
    let n = if quick { 4_000 } else { 30_000 };
    let rounds = if quick { 5 } else { 11 };
    report.note(format!(
        "synthetic uniform [-1,1) vectors, {n} x {DIM}-d f32, seed 42; manifold Config::large (512 MiB cache per family); medians of {rounds} alternating rounds"
    ));
    let err = |e: manifold_vectors::VectorError| e.to_string();
    let dir = tempfile_dir()?;
    let db = manifold::Database::open_with(dir.join("vectors.manifold"), manifold::Config::large())
        .map_err(|e| e.to_string())?;
    let cf = db.column_family_or_create("v").map_err(|e| e.to_string())?;
    let table = VectorTable::<DIM>::open_with(&cf, "embeddings", true).map_err(err)?;
    let mut rng = Rng::new(42);
    let data: Vec<(Uuid, Vec<f32>)> = (0..n)
        .map(|i| (Uuid::from_u128(i as u128 + 1), vector(&mut rng)))
        .collect();

    // Batch insert: 1000 vectors per transaction (f32 and i8 copies).
    let t = Instant::now();
    for chunk in data.chunks(1000) {
        table
            .insert_batch(chunk.iter().map(|(id, v)| (*id, v.as_slice())))
            .map_err(err)?;
    }
    let secs = t.elapsed().as_secs_f64();
    report.add(
        "manifold-vectors",
        "batch_insert_vectors_per_s",
        n as f64 / secs,
        "vectors/s",
    );

    let reader = table.reader().map_err(err)?;
    let query = vector(&mut rng);
    let in_memory: Vec<Vec<f32>> = data.iter().map(|(_, v)| v.clone()).collect();

    // Full scans, alternating systems each round.
    let (mut zc, mut copy_vec, mut copy_buf, mut mem) = (vec![], vec![], vec![], vec![]);
    for _ in 0..rounds {
        let t = Instant::now();
        let mut s = 0.0f32;
        for e in reader.iter().map_err(err)? {
            s += e.map_err(err)?.vector().dot(&query);
        }
        black_box(s);
        zc.push(t.elapsed().as_secs_f64() * 1e9 / n as f64);

        let t = Instant::now();
        let mut s = 0.0f32;
        for e in reader.iter().map_err(err)? {
            let v = e.map_err(err)?.vector().to_vec();
            s += simd::dot(v.as_slice(), query.as_slice());
        }
        black_box(s);
        copy_vec.push(t.elapsed().as_secs_f64() * 1e9 / n as f64);

        let t = Instant::now();
        let mut s = 0.0f32;
        let mut buf = [0.0f32; DIM];
        for e in reader.iter().map_err(err)? {
            e.map_err(err)?.vector().copy_to(&mut buf);
            s += simd::dot(&buf[..], query.as_slice());
        }
        black_box(s);
        copy_buf.push(t.elapsed().as_secs_f64() * 1e9 / n as f64);

        let t = Instant::now();
        let mut s = 0.0f32;
        for v in &in_memory {
            s += simd::dot(v.as_slice(), query.as_slice());
        }
        black_box(s);
        mem.push(t.elapsed().as_secs_f64() * 1e9 / n as f64);
    }
    let metric = "scan_dot_ns_per_vector";
    report.add("zero-copy", metric, median(&mut zc), "ns");
    report.add("copy-out-vec", metric, median(&mut copy_vec), "ns");
    report.add("copy-out-buffer", metric, median(&mut copy_buf), "ns");
    report.add("in-memory-vec", metric, median(&mut mem), "ns");
    report.ratio(metric, "zero-copy", "copy-out-vec");
    report.ratio(metric, "zero-copy", "copy-out-buffer");
    report.ratio(metric, "zero-copy", "in-memory-vec");

    // Point reads: 2000 random ids per round.
    let probes: Vec<Uuid> = (0..2000)
        .map(|_| data[(rng.next_u64() % n as u64) as usize].0)
        .collect();
    let (mut inplace, mut copied) = (vec![], vec![]);
    for _ in 0..rounds {
        let t = Instant::now();
        for id in &probes {
            black_box(reader.distance(*id, &query, Metric::Cosine).map_err(err)?);
        }
        inplace.push(t.elapsed().as_secs_f64() * 1e9 / probes.len() as f64);
        let t = Instant::now();
        for id in &probes {
            let v = reader.get(*id).map_err(err)?.ok_or("missing vector")?;
            black_box(Metric::Cosine.distance(&v[..], query.as_slice()));
        }
        copied.push(t.elapsed().as_secs_f64() * 1e9 / probes.len() as f64);
    }
    let metric = "point_distance_ns";
    report.add("zero-copy", metric, median(&mut inplace), "ns");
    report.add("copy-out-buffer", metric, median(&mut copied), "ns");
    report.ratio(metric, "zero-copy", "copy-out-buffer");

    kernels(&mut report, &mut rng, rounds);
    search(&mut report, &reader, &data, &mut rng, quick).map_err(err)?;
    sparse_and_multi(&mut report, &cf, &mut rng, quick).map_err(err)?;
    drop(reader);
    drop(table);
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(report)
}

/// SIMD against scalar on 64 resident vectors, per metric.
fn kernels(report: &mut Report, rng: &mut Rng, rounds: usize) {
    let vs: Vec<Vec<f32>> = (0..64).map(|_| vector(rng)).collect();
    let q = vector(rng);
    let reps = 200;
    for (name, metric) in [
        ("dot", Metric::Dot),
        ("l2", Metric::L2),
        ("l1", Metric::L1),
        ("cosine", Metric::Cosine),
    ] {
        let (mut fast, mut slow) = (vec![], vec![]);
        for _ in 0..rounds {
            let t = Instant::now();
            for _ in 0..reps {
                for v in &vs {
                    black_box(metric.distance(black_box(v.as_slice()), q.as_slice()));
                }
            }
            fast.push((reps * vs.len()) as f64 / t.elapsed().as_secs_f64() / 1e6);
            let t = Instant::now();
            for _ in 0..reps {
                for v in &vs {
                    black_box(metric.distance_scalar(black_box(v.as_slice()), q.as_slice()));
                }
            }
            slow.push((reps * vs.len()) as f64 / t.elapsed().as_secs_f64() / 1e6);
        }
        let m = format!("{name}_{DIM}d_mdist_per_s");
        report.add("simd", &m, median(&mut fast), "M/s");
        report.add("scalar", &m, median(&mut slow), "M/s");
        report.ratio(&m, "simd", "scalar");
    }
    black_box(scalar::dot(q.as_slice(), q.as_slice()));

    // The cost of reading little-endian bytes in place, without storage in the way: the
    // same 64 vectors as unaligned byte buffers (offset 1), read in place, against
    // copying each into a buffer first, against plain f32 slices.
    let mut blob = vec![0u8];
    for v in &vs {
        blob.extend(v.iter().flat_map(|x| x.to_le_bytes()));
    }
    let views: Vec<VectorRef<'_>> = blob[1..]
        .chunks_exact(4 * DIM)
        .map(|b| VectorRef::new(b).expect("whole f32"))
        .collect();
    let (mut inplace, mut copied, mut slices) = (vec![], vec![], vec![]);
    let mut buf = [0.0f32; DIM];
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..reps {
            for v in &views {
                black_box(black_box(*v).dot(q.as_slice()));
            }
        }
        inplace.push(t.elapsed().as_secs_f64() * 1e9 / (reps * views.len()) as f64);
        let t = Instant::now();
        for _ in 0..reps {
            for v in &views {
                black_box(*v).copy_to(&mut buf);
                black_box(simd::dot(&buf[..], q.as_slice()));
            }
        }
        copied.push(t.elapsed().as_secs_f64() * 1e9 / (reps * views.len()) as f64);
        let t = Instant::now();
        for _ in 0..reps {
            for v in &vs {
                black_box(simd::dot(black_box(v.as_slice()), q.as_slice()));
            }
        }
        slices.push(t.elapsed().as_secs_f64() * 1e9 / (reps * vs.len()) as f64);
    }
    let m = "resident_dot_ns";
    report.add("zero-copy", m, median(&mut inplace), "ns");
    report.add("copy-out-buffer", m, median(&mut copied), "ns");
    report.add("f32-slice", m, median(&mut slices), "ns");
    report.ratio(m, "zero-copy", "copy-out-buffer");
    report.ratio(m, "zero-copy", "f32-slice");
}

/// Sparse (SPLADE-like: 120 of 30k dimensions) and multi-vector (32 tokens of 128-d)
/// brute-force top-10 per query, in place on the stored bytes.
fn sparse_and_multi(
    report: &mut Report,
    cf: &manifold::ColumnFamily,
    rng: &mut Rng,
    quick: bool,
) -> manifold_vectors::Result<()> {
    let n = if quick { 2_000 } else { 20_000 };
    let sparse = SparseVectorTable::open(cf, "sparse")?;
    let make = |rng: &mut Rng| {
        let mut idx: Vec<u32> = (0..120).map(|_| (rng.next_u64() % 30_000) as u32).collect();
        idx.sort_unstable();
        idx.dedup();
        let vals = idx.iter().map(|_| signed(rng).abs() + 0.01).collect();
        SparseVector::new(idx, vals)
    };
    let docs: Vec<SparseVector> = (0..n).map(|_| make(rng)).collect::<Result<_, _>>()?;
    for (c, chunk) in docs.chunks(1000).enumerate() {
        sparse.insert_batch(
            chunk
                .iter()
                .enumerate()
                .map(|(i, v)| (Uuid::from_u128((c * 1000 + i) as u128), v)),
        )?;
    }
    let r = sparse.reader()?;
    let mut times = vec![];
    for _ in 0..if quick { 5 } else { 20 } {
        let q = make(rng)?;
        let t = Instant::now();
        black_box(r.search(&q, 10)?);
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    report.add(
        "manifold-vectors",
        "sparse_top10_ms",
        median(&mut times),
        "ms",
    );

    let m = if quick { 300 } else { 3_000 };
    let multi = MultiVectorTable::<128>::open(cf, "colbert")?;
    let token = |rng: &mut Rng| -> Vec<f32> { (0..128).map(|_| signed(rng)).collect() };
    for c in 0..m / 100 {
        let tx = cf.begin_write()?;
        {
            let mut w = multi.writer(&tx)?;
            for i in 0..100 {
                let tokens: Vec<Vec<f32>> = (0..32).map(|_| token(rng)).collect();
                w.insert(Uuid::from_u128((c * 100 + i) as u128), &tokens)?;
            }
        }
        tx.commit()?;
    }
    let r = multi.reader()?;
    let mut times = vec![];
    for _ in 0..if quick { 3 } else { 10 } {
        let q: Vec<Vec<f32>> = (0..8).map(|_| token(rng)).collect();
        let t = Instant::now();
        black_box(r.search(&q, 10)?);
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    report.add(
        "manifold-vectors",
        "maxsim_top10_ms",
        median(&mut times),
        "ms",
    );
    report.note(format!(
        "sparse: {n} vectors of ~120 nonzeros in 30k dimensions; multi-vector: {m} documents x 32 tokens x 128-d, 8-token queries"
    ));
    Ok(())
}

/// Brute-force top-10: f32 scan, i8 scan with rerank, recall of the i8 scan alone.
fn search(
    report: &mut Report,
    reader: &manifold_vectors::VectorReader<DIM>,
    data: &[(Uuid, Vec<f32>)],
    rng: &mut Rng,
    quick: bool,
) -> manifold_vectors::Result<()> {
    let queries: Vec<Vec<f32>> = (0..if quick { 5 } else { 20 })
        .map(|_| vector(rng))
        .collect();
    let (mut exact_t, mut q8_t, mut mem_t) = (vec![], vec![], vec![]);
    let (mut hits, mut hits_raw, mut total) = (0usize, 0usize, 0usize);
    for q in &queries {
        let t = Instant::now();
        let exact = reader.search(q, 10, Metric::L2)?;
        exact_t.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let approx = reader.search_quantized(q, 10, Metric::L2, 50)?;
        q8_t.push(t.elapsed().as_secs_f64() * 1e3);
        let raw = reader.search_quantized(q, 10, Metric::L2, 0)?;
        let t = Instant::now();
        let mut best: Vec<(f32, usize)> = data
            .iter()
            .enumerate()
            .map(|(i, (_, v))| (simd::l2_squared(v.as_slice(), q.as_slice()), i))
            .collect();
        best.select_nth_unstable_by(9, |a, b| a.0.total_cmp(&b.0));
        black_box(&best[..10]);
        mem_t.push(t.elapsed().as_secs_f64() * 1e3);
        hits += approx
            .iter()
            .filter(|a| exact.iter().any(|e| e.id == a.id))
            .count();
        hits_raw += raw
            .iter()
            .filter(|a| exact.iter().any(|e| e.id == a.id))
            .count();
        total += exact.len();
    }
    let m = "top10_l2_scan_ms";
    report.add("manifold-f32", m, median(&mut exact_t), "ms");
    report.add("manifold-i8-rerank50", m, median(&mut q8_t), "ms");
    report.add("in-memory-vec", m, median(&mut mem_t), "ms");
    report.ratio(m, "manifold-i8-rerank50", "manifold-f32");
    report.ratio(m, "manifold-f32", "in-memory-vec");
    report.add(
        "manifold-i8-rerank50",
        "recall_at_10",
        hits as f64 / total.max(1) as f64,
        "",
    );
    report.add(
        "manifold-i8-only",
        "recall_at_10",
        hits_raw as f64 / total.max(1) as f64,
        "",
    );
    Ok(())
}

fn tempfile_dir() -> Result<std::path::PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("bench-vectors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}
