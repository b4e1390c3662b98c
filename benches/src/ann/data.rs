//! Data loading (Fashion-MNIST idx files from the Debian package) and brute-force
//! ground truth, cached under `target/ann-cache/`.

use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

/// Where the Debian package `dataset-fashion-mnist` installs the data.
pub const FMNIST_DIR: &str = "/usr/share/datasets/fashion-mnist";

/// Reads a gzip'd idx3 image file as rows of f32 in 0..=255.
pub fn read_idx_images(path: &Path, limit: usize) -> Result<(Vec<f32>, usize), String> {
    let file = std::fs::File::open(path).map_err(|e| {
        format!(
            "{}: {e} (install the Debian package dataset-fashion-mnist: scripts/setup)",
            path.display()
        )
    })?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let be = |i: usize| -> Result<usize, String> {
        bytes
            .get(i..i + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or_else(|| "truncated idx header".to_string())
    };
    if be(0)? != 0x0803 {
        return Err(format!("{}: not an idx3 ubyte file", path.display()));
    }
    let (n, rows, cols) = (be(4)?, be(8)?, be(12)?);
    let dim = rows * cols;
    let n = n.min(limit);
    let body = bytes
        .get(16..16 + n * dim)
        .ok_or_else(|| format!("{}: truncated", path.display()))?;
    Ok((body.iter().map(|b| f32::from(*b)).collect(), dim))
}

/// Exact `k` nearest rows of `base` for every query row (squared L2), in parallel,
/// cached on disk by a key describing the inputs.
pub fn ground_truth_l2(
    cache_key: &str,
    base: &[f32],
    queries: &[f32],
    dim: usize,
    k: usize,
) -> Vec<Vec<u32>> {
    let dir = Path::new("target/ann-cache");
    let path = dir.join(format!("{cache_key}.gt"));
    let nq = queries.len() / dim;
    if let Ok(b) = std::fs::read(&path)
        && b.len() == nq * k * 4
    {
        return b
            .chunks_exact(k * 4)
            .map(|r| {
                r.chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect()
            })
            .collect();
    }
    let gt: Vec<Vec<u32>> = queries
        .par_chunks(dim)
        .map(|q| {
            let mut d: Vec<(f32, u32)> = base
                .chunks_exact(dim)
                .enumerate()
                .map(|(i, x)| (hyperspatial::l2sq_f32(q, x), i as u32))
                .collect();
            d.select_nth_unstable_by(k, |a, b| a.0.total_cmp(&b.0));
            d.truncate(k);
            d.sort_by(|a, b| a.0.total_cmp(&b.0));
            // Collect from a slice: collecting `d.into_iter()` would reuse (and keep)
            // the allocation of all n candidates for each row.
            d[..k.min(d.len())].iter().map(|x| x.1).collect()
        })
        .collect();
    let _ = std::fs::create_dir_all(dir);
    let bytes: Vec<u8> = gt.iter().flatten().flat_map(|v| v.to_le_bytes()).collect();
    let _ = std::fs::write(&path, bytes);
    gt
}
