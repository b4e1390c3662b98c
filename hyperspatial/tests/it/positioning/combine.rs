//! Combination of components, and kinematics of trajectories.

use super::*;

#[test]
fn combined_distance_uses_the_shared_components() {
    let h = Hyperboloid::default();
    let g1 = h.lift(&[0.5, 0.0]).unwrap();
    let g2 = h.lift(&[-0.5, 1.0]).unwrap();
    let e1 = h.lift(&[0.0, 2.0]).unwrap();
    let e2 = h.lift(&[0.1, 2.0]).unwrap();
    let a = Components {
        graph: Some(g1.clone()),
        embedding: Some(e1.clone()),
        property: None,
    };
    let b = Components {
        graph: Some(g2.clone()),
        embedding: Some(e2.clone()),
        property: Some(h.origin(3)),
    };
    let w = Weights::default();
    let d = combined_distance(&a, &b, &w).unwrap();
    let expected =
        (0.5 * h.distance(&g1, &g2).unwrap() + 0.3 * h.distance(&e1, &e2).unwrap()) / 0.8;
    assert!((d - expected).abs() < 1e-12);
    let only_property = Components {
        property: Some(h.origin(3)),
        ..Components::default()
    };
    assert!(combined_distance(&a, &only_property, &w).is_err());
    let bad = Weights { graph: -1.0, ..w };
    assert!(combined_distance(&a, &b, &bad).is_err());
}

#[test]
fn combined_point_is_the_weighted_frechet_mean() {
    let h = Hyperboloid::default();
    let g = h.lift(&[2.0, 0.0]).unwrap();
    let e = h.lift(&[-1.0, 1.0]).unwrap();
    let one = Components {
        graph: Some(g.clone()),
        ..Components::default()
    };
    assert_eq!(combined_point(&one, &Weights::default()).unwrap(), g);
    let two = Components {
        graph: Some(g.clone()),
        embedding: Some(e.clone()),
        property: None,
    };
    let w = Weights::default();
    let m = combined_point(&two, &w).unwrap();
    assert!(on_hyperboloid(&m));
    // On the geodesic from g to e, at fraction 0.3 / 0.8 from g.
    let (dg, de, dge) = (
        h.distance(&m, &g).unwrap(),
        h.distance(&m, &e).unwrap(),
        h.distance(&g, &e).unwrap(),
    );
    assert!((dg + de - dge).abs() < 1e-6);
    assert!((dg / dge - 0.3 / 0.8).abs() < 1e-6, "{}", dg / dge);
    assert!(combined_point(&Components::default(), &w).is_err());
    let mismatched = Components {
        graph: Some(g),
        embedding: Some(h.origin(4)),
        property: None,
    };
    assert!(combined_point(&mismatched, &w).is_err());
}

// ---------------------------------------------------------------------------
// Kinematics
// ---------------------------------------------------------------------------

#[test]
fn kinematics_of_geodesic_motion() {
    // Constant speed 0.5/s along the line for 4 s, sampled every second.
    let snaps: Vec<(i64, Vec<f64>)> = (0..5)
        .map(|i| (i * 1_000_000, line(0.5 * i as f64)))
        .collect();
    let k: Kinematics = kinematics(&snaps).unwrap();
    assert!((k.drift - 2.0).abs() < 1e-12);
    assert!((k.path_length - 2.0).abs() < 1e-12);
    assert!((k.duration - 4.0).abs() < 1e-12);
    assert!((k.velocity - 0.5).abs() < 1e-12);
    assert!((k.mean_velocity - 0.5).abs() < 1e-12);
    assert!(k.acceleration.abs() < 1e-9);
    // Positions t^2: speed over [1,2] is 3, over [2,3] is 5; midpoints 1.5 s apart
    // by 1 s: acceleration 2.
    let snaps: Vec<(i64, Vec<f64>)> = (0..4)
        .map(|i| (i * 1_000_000, line((i * i) as f64 * 0.5)))
        .collect();
    let k = kinematics(&snaps).unwrap();
    assert!((k.velocity - 2.5).abs() < 1e-9);
    assert!((k.acceleration - 1.0).abs() < 1e-9, "{k:?}");
    // Back and forth: drift 0, path 2.
    let snaps = vec![(0, line(0.0)), (10, line(1.0)), (20, line(0.0))];
    let k = kinematics(&snaps).unwrap();
    assert!(k.drift < 1e-12 && (k.path_length - 2.0).abs() < 1e-12);
    // One snapshot: no motion.
    let k = kinematics(&snaps[..1]).unwrap();
    assert_eq!((k.drift, k.velocity, k.acceleration), (0.0, 0.0, 0.0));
}

#[test]
fn kinematics_rejects_bad_trajectories() {
    assert!(kinematics(&[]).is_err());
    assert!(matches!(
        kinematics(&[(5, line(0.0)), (5, line(1.0))]),
        Err(PositioningError::UnorderedSnapshots { index: 1 })
    ));
    assert!(kinematics(&[(0, line(0.0)), (1, vec![1.0, 0.0, 0.0])]).is_err());
    assert!(kinematics(&[(0, vec![2.0, 0.0])]).is_err());
}
