//! The chunk codec round-trips every bit pattern exactly.

use manifold_timeseries::__codec::{decode, encode_f64, encode_records};
use proptest::prelude::*;

/// Strictly increasing timestamps anywhere in i64, with regular and irregular gaps.
fn timestamps() -> impl Strategy<Value = Vec<i64>> {
    (
        any::<i64>(),
        prop::collection::vec(
            prop_oneof![
                Just(10_000u64),
                1u64..100,
                1u64..100_000,
                1u64..(1 << 40),
                1u64..u64::MAX / 4
            ],
            0..300,
        ),
    )
        .prop_map(|(start, gaps)| {
            let mut out = vec![start];
            for g in gaps {
                let last = *out.last().unwrap();
                match last.checked_add_unsigned(g) {
                    Some(next) => out.push(next),
                    None => break,
                }
            }
            out
        })
}

fn special_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        any::<u64>().prop_map(f64::from_bits),
        Just(-0.0),
        Just(0.0),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::from_bits(0x7ff8_0000_0000_0001)),
        Just(f64::from_bits(0xfff0_0000_dead_beef)),
        Just(f64::MIN_POSITIVE / 2.0),
        (0i32..100).prop_map(f64::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn f64_chunks_round_trip_bit_exact(
        ts in timestamps(),
        seed in prop::collection::vec(special_f64(), 301),
    ) {
        let values: Vec<f64> = seed[..ts.len()].to_vec();
        let bytes = encode_f64(&ts, &values);
        let (t, v) = decode(&bytes).expect("decodes");
        prop_assert_eq!(&t, &ts);
        let bits: Vec<u64> = v
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let want: Vec<u64> = values.iter().map(|x| x.to_bits()).collect();
        prop_assert_eq!(bits, want);
    }

    #[test]
    fn record_chunks_round_trip(
        ts in timestamps(),
        size in 1usize..40,
        data in prop::collection::vec(any::<u8>(), 301 * 40),
    ) {
        let values = &data[..ts.len() * size];
        let bytes = encode_records(&ts, values, size);
        let (t, v) = decode(&bytes).expect("decodes");
        prop_assert_eq!(t, ts);
        prop_assert_eq!(v, values);
    }

    #[test]
    fn garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode(&bytes);
    }
}
