//! The reconstruction metric against hand-computed and brute-force oracles.

use super::*;

#[test]
fn reconstruction_matches_a_hand_computed_example() {
    // Points on the hyperbolic line, where distances are |t_i - t_j|; node 5 is a
    // copy of node 1, so their distances tie exactly.
    let ts = [0.0, 1.0, 2.0, 4.0, 7.5, 1.0];
    let pos: Vec<Vec<f64>> = ts.iter().map(|&t| line(t)).collect();
    let nb = vec![
        vec![2, 4],
        vec![],
        vec![],
        vec![1],
        vec![0, 1, 2, 3, 5],
        vec![1],
    ];
    // Node 0 (t = 0), neighbours 2 (d 2) and 4 (d 7.5); others: 1 (d 1), 5 (d 1),
    // 3 (d 4):
    //   rank(2) = 1 + #{1, 5} = 3, rank(4) = 1 + #{1, 5, 3} = 4;
    //   AP = (1/3 + 2/5) / 2 = 11/30.
    // Node 3 (t = 4), neighbour 1 (d 3); others: 2 (d 2), 5 (d 3, tied: counts
    // against), 4 (d 3.5), 0 (d 4):
    //   rank(1) = 1 + #{2, 5} = 3; AP = 1/3.
    // Node 4: every other node is a neighbour: 5 ranks of 1, AP 1.
    // Node 5, neighbour 1 at distance 0: rank 1, AP 1.
    let r = reconstruction(&pos, &nb).unwrap();
    assert_eq!((r.nodes, r.pairs), (4, 9));
    let expected_rank = (3.0 + 4.0 + 3.0 + 5.0 + 1.0) / 9.0;
    let expected_map = (11.0 / 30.0 + 1.0 / 3.0 + 1.0 + 1.0) / 4.0;
    assert!((r.mean_rank - expected_rank).abs() < 1e-12, "{r:?}");
    assert!((r.map - expected_map).abs() < 1e-12, "{r:?}");
}

/// Straightforward O(n^2 log n) oracle: sort every node's distances.
fn brute_force(pos: &[Vec<f64>], nb: &[Vec<u32>]) -> (f64, f64) {
    let h = Hyperboloid::default();
    let (mut rank_sum, mut pairs, mut ap_sum, mut nodes) = (0.0, 0usize, 0.0, 0usize);
    for (u, list) in nb.iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        let d: Vec<f64> = pos
            .iter()
            .map(|x| h.distance(&pos[u], x).unwrap())
            .collect();
        let mut ap = 0.0;
        for &v in list {
            let dv = d[v as usize];
            let closer_all = (0..pos.len()).filter(|&q| q != u && d[q] <= dv).count();
            let closer_nb = list.iter().filter(|&&w| d[w as usize] <= dv).count();
            rank_sum += (1 + closer_all - closer_nb) as f64;
            ap += closer_nb as f64 / closer_all as f64;
            pairs += 1;
        }
        ap_sum += ap / list.len() as f64;
        nodes += 1;
    }
    (rank_sum / pairs as f64, ap_sum / nodes as f64)
}

#[test]
fn reconstruction_matches_brute_force_on_random_points() {
    let mut rng = StdRng::seed_from_u64(11);
    let h = Hyperboloid::default();
    for (n, dim, spread) in [(60, 2, 2.0), (200, 5, 4.0), (150, 3, 0.3)] {
        let pos: Vec<Vec<f64>> = (0..n)
            .map(|_| {
                let s: Vec<f64> = (0..dim)
                    .map(|_| rng.random_range(-spread..spread))
                    .collect();
                h.lift(&s).unwrap()
            })
            .collect();
        let nb: Vec<Vec<u32>> = (0..n)
            .map(|u| {
                let k = rng.random_range(0..6);
                let mut l: Vec<u32> = (0..k)
                    .map(|_| rng.random_range(0..n as u32))
                    .filter(|&v| v as usize != u)
                    .collect();
                l.sort_unstable();
                l.dedup();
                l
            })
            .collect();
        let r = reconstruction(&pos, &nb).unwrap();
        let (rank, map) = brute_force(&pos, &nb);
        assert!(
            (r.mean_rank - rank).abs() < 1e-9,
            "{} vs {rank}",
            r.mean_rank
        );
        assert!((r.map - map).abs() < 1e-9, "{} vs {map}", r.map);
    }
}

#[test]
fn reconstruction_rejects_bad_input() {
    let pos = vec![line(0.0), line(1.0)];
    assert!(reconstruction(&pos, &[vec![1]]).is_err());
    assert!(reconstruction(&pos, &[vec![2], vec![]]).is_err());
    assert!(reconstruction(&pos, &[vec![], vec![]]).is_err());
    assert!(reconstruction(&[vec![1.0, 1.0], line(1.0)], &[vec![1], vec![]]).is_err());
    assert!(reconstruction(&[], &[]).is_err());
}
