//! Propagation on small hand-built graphs, with hand-computed values.

use super::model::{Broken, Model, Recording, set_of_script};
use hyperql::Value;
use hyperspatial::cascade::{CascadeError, CascadeSet, Change, DerivedWrite, propagate};
use uuid::Uuid;

const NOW: i64 = 1_000_000_000;

const CHAIN: &str = "
CREATE SCHEMA topics (
  avg_sentiment Float CASCADED AS AGGREGATE Average FROM sentiment THROUGH tagged_with INCOMING,
  posts Int CASCADED AS AGGREGATE Count FROM sentiment THROUGH tagged_with INCOMING
);
CREATE SCHEMA categories (
  mean_of_topics Float CASCADED AS AGGREGATE Average FROM avg_sentiment THROUGH contains OUTGOING
)";

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn w(n: u128, field: &str, value: Value) -> DerivedWrite {
    DerivedWrite {
        id: id(n),
        field: field.into(),
        value,
    }
}

/// Runs `changes` and stores the result; returns the writes.
fn step(set: &CascadeSet, m: &mut Model, changes: &[Change], now: i64) -> Vec<DerivedWrite> {
    let writes = propagate(set, m, changes, now).unwrap();
    m.apply(&writes, now);
    writes
}

/// Category 100 contains topics 10 and 11; posts 1, 2 tag topic 10 and post 3 tags 11.
fn chain() -> (CascadeSet, Model) {
    let set = set_of_script(CHAIN);
    let mut m = Model::default();
    let mut changes = vec![m.create(id(100), "categories")];
    for t in [10, 11] {
        changes.push(m.create(id(t), "topics"));
        changes.push(m.relate(id(100), "contains", id(t)));
    }
    for (p, t, s) in [(1, 10, 1.0), (2, 10, 3.0), (3, 11, 4.0)] {
        changes.push(m.create(id(p), "posts"));
        changes.push(m.write(id(p), "sentiment", Value::Float(s), NOW));
        changes.push(m.relate(id(p), "tagged_with", id(t)));
    }
    step(&set, &mut m, &changes, NOW);
    (set, m)
}

#[test]
fn values_flow_through_two_levels() {
    let (set, mut m) = chain();
    assert_eq!(m.value(id(10), "avg_sentiment"), Value::Float(2.0));
    assert_eq!(m.value(id(10), "posts"), Value::Int(2));
    assert_eq!(m.value(id(11), "avg_sentiment"), Value::Float(4.0));
    assert_eq!(m.value(id(100), "mean_of_topics"), Value::Float(3.0));
    m.assert_consistent(&set, NOW, "chain");

    // One post changes: its topic and the category change, once each, nothing else.
    let c = m.write(id(3), "sentiment", Value::Int(8), NOW + 1);
    let writes = step(&set, &mut m, &[c], NOW + 1);
    assert_eq!(
        writes,
        vec![
            w(11, "avg_sentiment", Value::Float(8.0)),
            w(100, "mean_of_topics", Value::Float(5.0)),
        ]
    );
    // Writing the same value again changes nothing.
    let c = m.write(id(3), "sentiment", Value::Int(8), NOW + 2);
    assert!(step(&set, &mut m, &[c], NOW + 2).is_empty());

    // Removing an edge, then deleting a post (its edges are reported too).
    let c = m.unrelate(id(1), "tagged_with", id(10));
    let writes = step(&set, &mut m, &[c], NOW + 3);
    assert_eq!(
        writes,
        vec![
            w(10, "avg_sentiment", Value::Float(3.0)),
            w(10, "posts", Value::Int(1)),
            w(100, "mean_of_topics", Value::Float(5.5)),
        ]
    );
    let changes = m.delete(id(2));
    let writes = step(&set, &mut m, &changes, NOW + 4);
    assert_eq!(
        writes,
        vec![
            w(10, "avg_sentiment", Value::Null),
            w(10, "posts", Value::Int(0)),
            w(100, "mean_of_topics", Value::Float(8.0)),
        ]
    );
    m.assert_consistent(&set, NOW + 4, "after deletes");
}

#[test]
fn a_new_entity_gets_its_derived_fields() {
    let (set, mut m) = chain();
    let c = m.create(id(12), "topics");
    // COUNT of nothing is 0; the average of nothing is NULL, like the absent field.
    assert_eq!(
        step(&set, &mut m, &[c], NOW),
        vec![w(12, "posts", Value::Int(0))]
    );
    // A post created with its field and edge in one transaction.
    let changes = vec![
        m.create(id(4), "posts"),
        m.write(id(4), "sentiment", Value::Float(-1.0), NOW),
        m.relate(id(4), "tagged_with", id(12)),
        m.relate(id(100), "contains", id(12)),
    ];
    let writes = step(&set, &mut m, &changes, NOW);
    assert_eq!(
        writes,
        vec![
            w(12, "avg_sentiment", Value::Float(-1.0)),
            w(12, "posts", Value::Int(1)),
            w(100, "mean_of_topics", Value::Float(5.0 / 3.0)),
        ]
    );
    // Entity created with fields but reported without FieldWritten: its fields count.
    m.create(id(5), "posts");
    m.write(id(5), "sentiment", Value::Float(7.0), NOW);
    m.relate(id(5), "tagged_with", id(12));
    let writes = step(&set, &mut m, &[Change::EntityCreated { id: id(5) }], NOW);
    assert_eq!(writes[0], w(12, "avg_sentiment", Value::Float(3.0)));
    m.assert_consistent(&set, NOW, "created");
}

#[test]
fn a_derived_field_written_directly_is_recomputed() {
    let (set, mut m) = chain();
    let c = m.write(id(10), "avg_sentiment", Value::Float(99.0), NOW);
    let writes = step(&set, &mut m, &[c], NOW);
    assert_eq!(writes, vec![w(10, "avg_sentiment", Value::Float(2.0))]);
    m.assert_consistent(&set, NOW, "overwritten");
}

#[test]
fn deleted_entity_whose_edges_the_view_still_shows() {
    let (set, mut m) = chain();
    // The storage reports the deletion only, and still lists the post's edges.
    m.entities.remove(&id(3));
    let del = Change::EntityDeleted {
        id: id(3),
        collection: "posts".into(),
    };
    let writes = step(&set, &mut m, &[del], NOW);
    assert_eq!(
        writes,
        vec![
            w(11, "avg_sentiment", Value::Null),
            w(11, "posts", Value::Int(0)),
            w(100, "mean_of_topics", Value::Float(2.0)),
        ]
    );
    // Deleting a topic: no write for it, its category changes.
    let mut changes = m.delete(id(10));
    changes.push(Change::FieldWritten {
        id: id(10),
        field: "sentiment".into(),
    });
    let writes = step(&set, &mut m, &changes, NOW);
    assert_eq!(writes, vec![w(100, "mean_of_topics", Value::Null)]);
}

#[test]
fn only_affected_targets_are_read() {
    let set = set_of_script(CHAIN);
    let mut m = Model::default();
    let mut changes = vec![m.create(id(1_000_000), "categories")];
    for t in 0..50u128 {
        let topic = id(10_000 + t);
        changes.push(m.create(topic, "topics"));
        changes.push(m.relate(id(1_000_000), "contains", topic));
        for p in 0..4u128 {
            let post = id(t * 10 + p);
            changes.push(m.create(post, "posts"));
            changes.push(m.write(post, "sentiment", Value::Int((t + p) as i64), NOW));
            changes.push(m.relate(post, "tagged_with", topic));
        }
    }
    step(&set, &mut m, &changes, NOW);
    m.assert_consistent(&set, NOW, "big");
    // Touch one post of topic 7.
    let c = m.write(id(71), "sentiment", Value::Int(1000), NOW);
    let view = Recording::new(&m);
    let writes = propagate(&set, &view, &[c], NOW).unwrap();
    // The topic's average and the category's mean; the topic's count is unchanged.
    assert_eq!(writes.len(), 2);
    let touched = view.touched.into_inner();
    // The post, its topic and the topic's posts, the category and its 50 topics.
    let expected: std::collections::BTreeSet<Uuid> = [id(71), id(10_007), id(1_000_000)]
        .into_iter()
        .chain((0..4).map(|p| id(70 + p)))
        .chain((0..50).map(|t| id(10_000 + t)))
        .collect();
    assert!(
        touched.is_subset(&expected),
        "{:?}",
        touched.difference(&expected)
    );
    m.apply(&writes, NOW);
    m.assert_consistent(&set, NOW, "after one write");
}

#[test]
fn view_errors_are_returned() {
    let set = set_of_script(CHAIN);
    let c = Change::FieldWritten {
        id: id(1),
        field: "sentiment".into(),
    };
    let err = propagate(&set, &Broken, &[c], NOW).unwrap_err();
    assert_eq!(err, CascadeError::View("disk on fire".into()));
    assert_eq!(err.to_string(), "cascade view: disk on fire");
    // Nothing to do means no reads at all.
    assert_eq!(propagate(&CascadeSet::new(), &Broken, &[], NOW), Ok(vec![]));
}
