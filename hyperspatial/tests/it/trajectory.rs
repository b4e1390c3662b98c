//! Trajectories: every position change of an entity is recorded, and its kinematics
//! are computed from them.

use hyperql::Value;
use hyperspatial::Database;

#[test]
fn trajectories_record_position_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let mut b = db.batch();
    let id = b
        .insert(
            "things",
            None,
            hyperql::Document::from_iter([("a".to_string(), Value::Int(1))]),
        )
        .unwrap();
    b.commit().unwrap();
    // No wait: batch times of one database strictly increase.
    let mut b = db.batch();
    b.set(id, "b", Value::str("changed")).unwrap();
    b.commit().unwrap();
    let t = db.trajectory(id).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].1.len(), 17);
    let k = db.kinematics(id).unwrap();
    assert!(k.path_length >= k.drift - 1e-9);
    assert!(k.drift > 0.0, "the property component moved");
    assert!(k.velocity > 0.0);
}
