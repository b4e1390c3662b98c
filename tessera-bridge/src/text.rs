//! Lexical analysis shared by the hashing and BM25 embedders, and a stable hash.
//!
//! Both must give the same output on every machine and in every version of the
//! crate, so nothing here depends on `std`'s randomized hasher.

/// Splits `text` into lowercase words: maximal runs of alphanumeric characters
/// (Unicode-aware). Everything else separates words.
pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// 64-bit FNV-1a over `namespace` then `bytes`, finished with the SplitMix64 mixer so
/// that every output bit depends on every input bit. The namespace keeps words and
/// n-grams of the same spelling apart.
pub(crate) fn stable_hash(namespace: u8, bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    for &b in std::iter::once(&namespace).chain(bytes) {
        h ^= u64::from(b);
        h = h.wrapping_mul(PRIME);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Calls `f` with every character n-gram of `word` for `n` in `min..=max`, the word
/// being framed by `<` and `>` so that prefixes and suffixes are their own features.
/// Words shorter than `min` (framed) give their framed self once.
pub(crate) fn char_ngrams(word: &str, min: usize, max: usize, mut f: impl FnMut(&str)) {
    let framed: Vec<char> = std::iter::once('<')
        .chain(word.chars())
        .chain(std::iter::once('>'))
        .collect();
    if framed.len() < min {
        f(&framed.iter().collect::<String>());
        return;
    }
    let mut buf = String::new();
    for n in min..=max.min(framed.len()) {
        for window in framed.windows(n) {
            buf.clear();
            buf.extend(window);
            f(&buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_lowercase_and_split_on_non_alphanumerics() {
        let w: Vec<String> = words("Hello, WORLD! Straße-42 ünïcode").collect();
        assert_eq!(w, ["hello", "world", "straße", "42", "ünïcode"]);
        assert_eq!(words("  ..;; ").count(), 0);
    }

    #[test]
    fn stable_hash_is_fixed_across_builds() {
        // Pinned values (also computed by an independent Python version of FNV-1a +
        // SplitMix64): changing them changes every stored hashing embedding.
        assert_eq!(stable_hash(0, b"cat"), 0x2a89_f948_31f6_d46b);
        assert_eq!(stable_hash(1, b"hello"), 0xeaea_2860_5b2a_588b);
        assert_ne!(stable_hash(0, b"cat"), stable_hash(1, b"cat"));
    }

    #[test]
    fn char_ngrams_frame_the_word() {
        let mut grams = Vec::new();
        char_ngrams("cat", 3, 4, |g| grams.push(g.to_string()));
        assert_eq!(grams, ["<ca", "cat", "at>", "<cat", "cat>"]);
        let mut short = Vec::new();
        char_ngrams("a", 4, 5, |g| short.push(g.to_string()));
        assert_eq!(short, ["<a>"]);
    }
}
