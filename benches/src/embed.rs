//! Suite `embed`: sentences per second of all-MiniLM-L6-v2 (tessera-bridge, candle, 2
//! threads) at batch sizes 1, 8 and 32, with the hashing embedder as a reference line.
//!
//! Sentences: WordNet 3.0 noun glosses (Debian `wordnet-base`), every k-th one, so
//! lengths and vocabulary are those of real dictionary definitions. The caller hands the
//! embedder `batch` sentences per call, as a backend embedding rows would.

use std::time::Instant;

use tessera_bridge::{Embedder, HashingEmbedder, SentenceConfig, SentenceEmbedder};

use crate::report::{Report, median};

const GLOSSES: &str = "/usr/share/wordnet/data.noun";
const THREADS: usize = 2;
const BATCH_SIZES: [usize; 3] = [1, 8, 32];

/// Runs the suite.
pub fn run(quick: bool) -> Result<Report, String> {
    let (sentences, rounds) = if quick { (96, 3) } else { (512, 5) };
    let texts = glosses(sentences)?;
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut report = Report::new("embed", quick);

    let config = SentenceConfig::from_env().map_err(|e| e.to_string())?;
    let hashing = HashingEmbedder::default();
    for batch in BATCH_SIZES {
        let model = SentenceEmbedder::load(&SentenceConfig {
            batch_size: batch,
            threads: THREADS,
            ..config.clone()
        })
        .map_err(|e| format!("{e} (run scripts/setup)"))?;
        // Warm-up: first calls allocate and fault in the weights.
        throughput(&model, &refs[..refs.len().min(32)], batch)?;
        let (mut model_rates, mut hashing_rates) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            model_rates.push(throughput(&model, &refs, batch)?);
            hashing_rates.push(throughput(&hashing, &refs, batch)?);
        }
        let metric = format!("sentences_per_s_batch{batch}");
        report.add(
            "tessera-minilm",
            &metric,
            median(&mut model_rates),
            "sentences/s",
        );
        report.add(
            "tessera-hashing",
            &metric,
            median(&mut hashing_rates),
            "sentences/s",
        );
    }

    let words: usize = refs.iter().map(|t| t.split_whitespace().count()).sum();
    report.note(format!(
        "{} WordNet noun glosses (mean {:.1} words), {rounds} rounds, median; all-MiniLM-L6-v2 \
         in candle on {THREADS} threads (f32, max 256 tokens, mean pooling, L2); the hashing \
         embedder (384-d, 1 thread) is a reference line, not a peer",
        refs.len(),
        words as f64 / refs.len() as f64
    ));
    Ok(report)
}

/// Sentences per second over `texts`, handed over `batch` at a time.
fn throughput(embedder: &dyn Embedder, texts: &[&str], batch: usize) -> Result<f64, String> {
    let start = Instant::now();
    let mut produced = 0;
    for chunk in texts.chunks(batch) {
        produced += embedder.embed(chunk).map_err(|e| e.to_string())?.len();
    }
    if produced != texts.len() {
        return Err(format!("embedded {produced} of {} texts", texts.len()));
    }
    Ok(texts.len() as f64 / start.elapsed().as_secs_f64())
}

/// `count` glosses spread over the WordNet noun file.
fn glosses(count: usize) -> Result<Vec<String>, String> {
    let data = std::fs::read_to_string(GLOSSES)
        .map_err(|e| format!("{GLOSSES}: {e} (run scripts/setup: Debian wordnet-base)"))?;
    let all: Vec<&str> = data
        .lines()
        .filter(|l| !l.starts_with("  "))
        .filter_map(|l| l.split_once(" | ").map(|(_, g)| g.trim()))
        .filter(|g| !g.is_empty())
        .collect();
    if all.len() < count {
        return Err(format!("{GLOSSES}: only {} glosses", all.len()));
    }
    let step = all.len() / count;
    Ok(all
        .iter()
        .step_by(step)
        .take(count)
        .map(|g| g.to_string())
        .collect())
}
