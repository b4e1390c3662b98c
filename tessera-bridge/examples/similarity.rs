//! Embeds a few sentences with all-MiniLM-L6-v2 (and the hashing embedder, for
//! contrast) and prints their cosine similarities.
//!
//! `cargo run --release -p tessera-bridge --example similarity [-- "text" "text" ...]`
//!
//! The model comes from `TESSERA_MODEL_DIR` or the cache `scripts/setup` fills.

use tessera_bridge::{Embedder, HashingEmbedder, SentenceEmbedder, cosine};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let texts: Vec<&str> = if args.len() >= 2 {
        args.iter().map(String::as_str).collect()
    } else {
        vec![
            "A man is eating food.",
            "A man is eating a piece of bread.",
            "The girl is carrying a baby.",
            "A man is riding a horse.",
            "A monkey is playing drums.",
        ]
    };
    let model = match SentenceEmbedder::from_env() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let hashing = HashingEmbedder::default();
    for (name, embedder) in [("model", &model as &dyn Embedder), ("hashing", &hashing)] {
        let vectors = match embedder.embed(&texts) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        };
        let info = embedder.info();
        println!("\n{} ({name}, {} dimensions):", info.name, info.dimension);
        for i in 0..texts.len() {
            for j in i + 1..texts.len() {
                let s = cosine(&vectors[i], &vectors[j]);
                println!("  {s:>6.3}  {:?} ~ {:?}", texts[i], texts[j]);
            }
        }
    }
}
