//! Encoded order equals natural order, and decoding inverts encoding.

use manifold::{Key, decode_key, encode_key};
use proptest::prelude::*;
use std::cmp::Ordering;

fn check_order<K: Key + Ord + ?Sized>(a: &K, b: &K) {
    let (ea, eb) = (encode_key(a), encode_key(b));
    assert_eq!(a.cmp(b), ea.cmp(&eb));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn unsigned(a: u64, b: u64) { check_order(&a, &b); }

    #[test]
    fn signed(a: i64, b: i64) {
        check_order(&a, &b);
        prop_assert_eq!(decode_key::<i64>(&encode_key(&a)).unwrap(), a);
    }

    #[test]
    fn small_signed(a: i8, b: i16) {
        prop_assert_eq!(decode_key::<i8>(&encode_key(&a)).unwrap(), a);
        prop_assert_eq!(decode_key::<i16>(&encode_key(&b)).unwrap(), b);
    }

    #[test]
    fn floats(a: f64, b: f64) {
        let (ea, eb) = (encode_key(&a), encode_key(&b));
        prop_assert_eq!(a.total_cmp(&b), ea.cmp(&eb));
        prop_assert_eq!(decode_key::<f64>(&ea).unwrap().to_bits(), a.to_bits());
    }

    #[test]
    fn strings(a: String, b: String) {
        check_order(&a, &b);
        prop_assert_eq!(decode_key::<str>(&encode_key(a.as_str())).unwrap(), a);
    }

    #[test]
    fn bytes_with_zeros(a in proptest::collection::vec(prop_oneof![Just(0u8), Just(1u8), Just(255u8), any::<u8>()], 0..12),
                        b in proptest::collection::vec(prop_oneof![Just(0u8), Just(1u8), Just(255u8), any::<u8>()], 0..12)) {
        check_order(&a, &b);
        prop_assert_eq!(decode_key::<Vec<u8>>(&encode_key(&a)).unwrap(), a);
    }

    #[test]
    fn tuples(a: (Vec<u8>, i32, String), b: (Vec<u8>, i32, String)) {
        check_order(&a, &b);
        prop_assert_eq!(decode_key::<(Vec<u8>, i32, String)>(&encode_key(&a)).unwrap(), a);
    }

    #[test]
    fn tuple_prefix_sorts_first(a: (String, u16), extra: u8) {
        // (s, n) < (s, n, x) for every x: the shorter encoding is a prefix.
        let short = encode_key(&a);
        let long = encode_key(&(a.0.clone(), a.1, extra));
        prop_assert_eq!(short.cmp(&long), Ordering::Less);
        prop_assert!(long.starts_with(&short));
    }

    #[test]
    fn uuids(a: [u8; 16], b: [u8; 16]) {
        let (ua, ub) = (uuid::Uuid::from_bytes(a), uuid::Uuid::from_bytes(b));
        check_order(&ua, &ub);
    }

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        let _ = decode_key::<(String, i64, Vec<u8>)>(&bytes);
        let _ = decode_key::<(u8, f32, bool)>(&bytes);
    }
}
