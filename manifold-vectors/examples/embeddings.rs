//! Two embedding tables for the same entities, a sparse keyword table, and searches.
//!
//! Run with `cargo run --release -p manifold-vectors --example embeddings`.

use manifold_vectors::{Metric, SparseVector, SparseVectorTable, VectorTable};
use uuid::Uuid;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("manifold-vectors-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = manifold::Database::open(dir.join("example.manifold"))?;
    let cf = db.column_family_or_create("embeddings")?;

    // Two dense tables hold vectors of different widths for the same ids.
    let semantic = VectorTable::<8>::open_with(&cf, "semantic_vectors", true)?;
    let code = VectorTable::<4>::open(&cf, "code_vectors")?;
    let keywords = SparseVectorTable::open(&cf, "keywords")?;

    let docs = ["parse json", "parse toml", "render html", "serve http"];
    for (i, name) in docs.iter().enumerate() {
        let id = Uuid::from_u128(i as u128 + 1);
        let seed = i as f32;
        let s: Vec<f32> = (0..8)
            .map(|j| ((seed + 1.0) * (j as f32 + 1.0)).sin())
            .collect();
        let c: Vec<f32> = (0..4).map(|j| (seed - j as f32).cos()).collect();
        // One transaction writes all three tables.
        let tx = cf.begin_write()?;
        semantic.writer(&tx)?.insert(id, &s)?;
        code.writer(&tx)?.insert(id, &c)?;
        let terms: Vec<u32> = name
            .bytes()
            .map(u32::from)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let weights = vec![1.0; terms.len()];
        keywords
            .writer(&tx)?
            .insert(id, &SparseVector::new(terms, weights)?)?;
        tx.commit()?;
    }

    let reader = semantic.reader()?;
    let query: Vec<f32> = (0..8).map(|j| (2.0 * (j as f32 + 1.0)).sin()).collect();
    println!("semantic neighbours of doc 2's direction:");
    for n in reader.search(&query, 3, Metric::Cosine)? {
        println!("  {} at cosine distance {:.4}", n.id, n.distance);
    }
    let approx = reader.search_quantized(&query, 3, Metric::Cosine, 10)?;
    println!(
        "same search over i8 codes, reranked: {:?}",
        approx.iter().map(|n| n.id.as_u128()).collect::<Vec<_>>()
    );

    let q = SparseVector::from_pairs(&[(u32::from(b'p'), 1.0), (u32::from(b's'), 1.0)])?;
    for s in keywords.reader()?.search(&q, 2)? {
        println!("keyword match {} score {}", s.id, s.score);
    }

    // Bad input gets a clear error.
    if let Err(e) = code.insert(Uuid::from_u128(9), &[1.0, 2.0]) {
        println!("refused: {e}");
    }
    if let Err(e) = SparseVector::new(vec![5, 2], vec![1.0, 1.0]) {
        println!("refused: {e}");
    }
    drop(db);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
