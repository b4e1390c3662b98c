//! Incremental placement of children and isolated nodes.

use super::*;

#[test]
fn placed_child_is_nearer_its_parent_than_unrelated_nodes() {
    let (n, edges) = balanced_tree(3, 4);
    let h = Hierarchy::new(n, &edges).unwrap();
    for opts in [cones(5, 12.0), refined(5, 100)] {
        let pos = layout_graph(n, &edges, &opts).unwrap();
        let hb = Hyperboloid::default();
        let mut worse = 0;
        let mut total = 0;
        for p in [0usize, 1, 5, 20, 50] {
            let sib_ids: Vec<usize> = h.tree_children(p).iter().map(|&c| c as usize).collect();
            let siblings: Vec<&[f64]> = sib_ids.iter().map(|&c| pos[c].as_slice()).collect();
            let child = place_child(&[&pos[p]], &siblings, &PlaceOptions::default()).unwrap();
            assert!(on_hyperboloid(&child));
            let dp = hb.distance(&child, &pos[p]).unwrap();
            let closure = h.ancestor_closure(usize::MAX).unwrap();
            for (q, x) in pos.iter().enumerate() {
                let related = q == p || sib_ids.contains(&q) || closure[p].contains(&(q as u32));
                if !related {
                    total += 1;
                    if hb.distance(&child, x).unwrap() <= dp {
                        worse += 1;
                    }
                }
            }
            // Away from the siblings: none closer than the parent-sibling spacing
            // allows.
            for s in &siblings {
                assert!(hb.distance(&child, s).unwrap() > 0.3);
            }
        }
        assert!(
            worse * 100 <= total,
            "{worse} of {total} unrelated nodes nearer than the parent"
        );
    }
}

#[test]
fn child_of_several_parents_sits_between_them() {
    let h = Hyperboloid::default();
    let a = h.lift(&[1.0, 0.0, 0.0]).unwrap();
    let b = h.lift(&[0.0, 1.0, 0.0]).unwrap();
    let c = place_child(&[&a, &b], &[], &PlaceOptions::default()).unwrap();
    let (da, db) = (h.distance(&c, &a).unwrap(), h.distance(&c, &b).unwrap());
    assert!((da - db).abs() < 1e-6, "{da} {db}");
    assert!(da < h.distance(&a, &b).unwrap() + 1.0);
}

#[test]
fn isolated_nodes_are_deterministic_and_spread() {
    let o = PlaceOptions::default();
    let a = place_isolated(7, 16, &o).unwrap();
    assert_eq!(a, place_isolated(7, 16, &o).unwrap());
    assert!(on_hyperboloid(&a));
    let b = place_isolated(8, 16, &o).unwrap();
    assert!(Hyperboloid::default().distance(&a, &b).unwrap() > 0.1);
    assert!(place_isolated(1, 0, &o).is_err());
    // place_child without parents falls back to an isolated position.
    assert!(place_child(&[], &[&a], &o).is_ok());
    assert!(place_child(&[], &[], &o).is_err());
    let off = vec![1.0, 1.0, 1.0];
    assert!(place_child(&[&off], &[], &o).is_err());
}
