//! Random transactions over three levels of rules: after each one, the store updated
//! by `propagate` equals a full recomputation.

use super::model::{Model, set_of_script};
use hyperql::Value;
use hyperspatial::cascade::{CascadeSet, Change, propagate};
use proptest::prelude::*;
use std::collections::BTreeSet;
use uuid::Uuid;

const HOUR: i64 = 3_600_000_000;
const T0: i64 = 1_700_000_000_000_000;

/// Level 0 reads posts, level 1 topics (and topics' own level 0), level 2 categories,
/// level 3 realms; all aggregates and directions.
const RULES: &str = "
CREATE SCHEMA topics (
  avg_s Float CASCADED AS AGGREGATE Average FROM sentiment THROUGH tagged_with INCOMING,
  sum_score Int CASCADED AS AGGREGATE Sum FROM score THROUGH tagged_with INCOMING,
  n Int CASCADED AS AGGREGATE Count FROM sentiment THROUGH tagged_with INCOMING,
  lo Float CASCADED AS AGGREGATE Min FROM sentiment THROUGH tagged_with INCOMING,
  hi Int CASCADED AS AGGREGATE Max FROM score THROUGH tagged_with INCOMING,
  last Float CASCADED AS AGGREGATE Latest FROM sentiment THROUGH tagged_with INCOMING,
  nearby Float CASCADED AS AGGREGATE avg FROM avg_s THROUGH related BOTH
);
CREATE SCHEMA categories (
  mean_of_topics Float CASCADED AS AGGREGATE Mean FROM avg_s THROUGH contains OUTGOING,
  total Int CASCADED AS AGGREGATE Sum FROM sum_score THROUGH contains OUTGOING,
  latest_topic Float CASCADED AS AGGREGATE Latest FROM last THROUGH contains OUTGOING,
  spread Float CASCADED AS AGGREGATE Max FROM nearby THROUGH contains OUTGOING
);
CREATE SCHEMA realms (
  grand Int CASCADED AS AGGREGATE Sum FROM total THROUGH member BOTH,
  top Float CASCADED AS AGGREGATE Max FROM spread THROUGH member INCOMING,
  cnt Int CASCADED AS AGGREGATE Count FROM mean_of_topics THROUGH member BOTH,
  low Float CASCADED AS AGGREGATE Min FROM latest_topic THROUGH member OUTGOING
)";

/// The same shape with every decay, at levels 0 to 2.
const DECAYED: &str = "
CREATE SCHEMA topics (
  hot Float CASCADED AS AGGREGATE Sum FROM score THROUGH tagged_with INCOMING WITH DECAY Exponential(0.05),
  warm Float CASCADED AS AGGREGATE Average FROM sentiment THROUGH tagged_with INCOMING WITH DECAY Exponential('1d'),
  fresh Float CASCADED AS AGGREGATE Count FROM sentiment THROUGH tagged_with INCOMING WITH DECAY Linear('2d'),
  week Float CASCADED AS AGGREGATE Sum FROM score THROUGH tagged_with INCOMING WITH DECAY Window('3d'),
  peak Float CASCADED AS AGGREGATE Max FROM sentiment THROUGH tagged_with INCOMING WITH DECAY Window(36),
  dip Float CASCADED AS AGGREGATE Min FROM score THROUGH tagged_with INCOMING WITH DECAY Linear(60),
  last Float CASCADED AS AGGREGATE Latest FROM sentiment THROUGH tagged_with INCOMING WITH DECAY Window(48),
  nearby Float CASCADED AS AGGREGATE avg FROM warm THROUGH related BOTH WITH DECAY Exponential('12h')
);
CREATE SCHEMA categories (
  heat Float CASCADED AS AGGREGATE Sum FROM hot THROUGH contains OUTGOING WITH DECAY Exponential(0.1),
  mood Float CASCADED AS AGGREGATE Average FROM nearby THROUGH contains OUTGOING WITH DECAY Linear('1d'),
  newest Float CASCADED AS AGGREGATE Latest FROM last THROUGH contains OUTGOING
);
CREATE SCHEMA realms (
  grand Float CASCADED AS AGGREGATE Sum FROM heat THROUGH member BOTH WITH DECAY Window('1d'),
  calm Float CASCADED AS AGGREGATE Min FROM mood THROUGH member INCOMING
)";

/// The aggregates with arguments and the statistics, some through several labels,
/// at levels 0 to 2.
const STATS: &str = "
CREATE SCHEMA topics (
  trend Float CASCADED AS AGGREGATE MovingMean(3) FROM sentiment THROUGH tagged_with related INCOMING,
  p90 Float CASCADED AS AGGREGATE Percentile(90) FROM score THROUGH tagged_with INCOMING,
  mid Float CASCADED AS AGGREGATE Median FROM sentiment THROUGH tagged_with INCOMING,
  sd Float CASCADED AS AGGREGATE StdDev FROM sentiment THROUGH tagged_with related BOTH,
  avg_s Float CASCADED AS AGGREGATE Average FROM sentiment THROUGH tagged_with INCOMING
);
CREATE SCHEMA categories (
  wobble Float CASCADED AS AGGREGATE StdDev FROM avg_s THROUGH contains member OUTGOING WITH DECAY Linear('2d'),
  recent Float CASCADED AS AGGREGATE MovingMean(2) FROM trend THROUGH contains OUTGOING WITH DECAY Window(48),
  q1 Float CASCADED AS AGGREGATE Percentile(25.5) FROM mid THROUGH contains OUTGOING
);
CREATE SCHEMA realms (
  top Float CASCADED AS AGGREGATE Median FROM wobble THROUGH member BOTH
)";

const COLLECTIONS: [&str; 5] = ["posts", "topics", "categories", "realms", "others"];
const FIELDS: [&str; 5] = ["sentiment", "score", "avg_s", "warm", "name"];

/// Labels with the collections their edges usually join.
const LABELS: [(&str, &[&str], &[&str]); 4] = [
    ("tagged_with", &["posts", "others"], &["topics"]),
    ("contains", &["categories"], &["topics"]),
    (
        "member",
        &["categories", "realms"],
        &["realms", "categories"],
    ),
    ("related", &["topics"], &["topics"]),
];

#[derive(Clone, Debug)]
enum Op {
    Create(usize),
    Delete(usize),
    Write {
        who: usize,
        field: usize,
        kind: u8,
        num: i8,
        age_h: u8,
    },
    Relate {
        label: usize,
        a: usize,
        b: usize,
        typed: bool,
    },
    Unrelate(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..COLLECTIONS.len()).prop_map(Op::Create),
        1 => any::<usize>().prop_map(Op::Delete),
        6 => (any::<usize>(), 0..FIELDS.len(), 0..5u8, any::<i8>(), 0..100u8).prop_map(
            |(who, field, kind, num, age_h)| Op::Write { who, field, kind, num, age_h }
        ),
        6 => (0..LABELS.len(), any::<usize>(), any::<usize>(), prop::bool::weighted(0.85))
            .prop_map(|(label, a, b, typed)| Op::Relate { label, a, b, typed }),
        2 => any::<usize>().prop_map(Op::Unrelate),
    ]
}

/// The `i`-th entity (cyclically) among those of `collections` (all when empty).
fn pick(m: &Model, i: usize, collections: &[&str]) -> Option<Uuid> {
    let ids: Vec<Uuid> = m
        .entities
        .iter()
        .filter(|(_, e)| collections.is_empty() || collections.contains(&e.collection.as_str()))
        .map(|(id, _)| *id)
        .collect();
    (!ids.is_empty()).then(|| ids[i % ids.len()])
}

/// Applies one operation to the store and returns the changes it reports.
fn apply(m: &mut Model, op: &Op, next_id: &mut u128, now: i64) -> Vec<Change> {
    match *op {
        Op::Create(c) => {
            *next_id += 1;
            vec![m.create(Uuid::from_u128(*next_id), COLLECTIONS[c])]
        }
        Op::Delete(i) => pick(m, i, &[]).map_or(Vec::new(), |id| m.delete(id)),
        Op::Write {
            who,
            field,
            kind,
            num,
            age_h,
        } => {
            let Some(id) = pick(m, who, &[]) else {
                return Vec::new();
            };
            let value = match kind {
                0 | 1 => Value::Int(num.into()),
                2 => Value::Float(f64::from(num) / 4.0),
                3 => Value::Null,
                _ => Value::str("text"),
            };
            vec![m.write(id, FIELDS[field], value, now - i64::from(age_h) * HOUR)]
        }
        Op::Relate { label, a, b, typed } => {
            let (name, from, to) = LABELS[label];
            let (from, to) = if typed {
                (from, to)
            } else {
                (&[][..], &[][..])
            };
            match (pick(m, a, from), pick(m, b, to)) {
                (Some(x), Some(y)) => vec![m.relate(x, name, y)],
                _ => Vec::new(),
            }
        }
        Op::Unrelate(i) => {
            let edges: Vec<_> = m.edges.iter().cloned().collect();
            if edges.is_empty() {
                return Vec::new();
            }
            let (from, label, to) = edges[i % edges.len()].clone();
            vec![m.unrelate(from, &label, to)]
        }
    }
}

/// Runs the batches as transactions, checking the store against the oracle after each.
fn run(set: &CascadeSet, batches: &[Vec<Op>], advance_time: bool) {
    let mut m = Model::default();
    let mut next_id = 0;
    let mut now = T0;
    for (k, batch) in batches.iter().enumerate() {
        if advance_time {
            now += HOUR;
        }
        let changes: Vec<Change> = batch
            .iter()
            .flat_map(|op| apply(&mut m, op, &mut next_id, now))
            .collect();
        let writes = propagate(set, &m, &changes, now).unwrap();
        let mut seen = BTreeSet::new();
        for w in &writes {
            assert!(seen.insert((w.id, w.field.clone())), "written twice: {w:?}");
            let e = m.entities.get(&w.id).expect("write to a live entity");
            assert!(set.rule(&e.collection, &w.field).is_some(), "{w:?}");
        }
        m.apply(&writes, now);
        m.assert_consistent(set, now, &format!("after batch {k} {batch:?}"));
    }
}

fn batches() -> impl Strategy<Value = Vec<Vec<Op>>> {
    prop::collection::vec(prop::collection::vec(op(), 1..5), 1..30)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// Without decay time can pass: only `Latest` reads times.
    #[test]
    fn propagation_equals_recomputation(batches in batches()) {
        run(&set_of_script(RULES), &batches, true);
    }

    /// Decayed values are exact at the time of their computation: the clock stands
    /// still while source values carry times up to 100 hours old.
    #[test]
    fn propagation_with_decays_equals_recomputation(batches in batches()) {
        run(&set_of_script(DECAYED), &batches, false);
    }

    /// `MovingMean(n)`, `Percentile(p)`, `Median` and `StdDev`, with and without
    /// decay, some following several labels; the clock stands still (decayed values
    /// are exact at the time of their computation).
    #[test]
    fn propagation_of_statistics_equals_recomputation(batches in batches()) {
        run(&set_of_script(STATS), &batches, false);
    }

    /// Both sets of rules at once, so that rules of each shape share fields.
    #[test]
    fn propagation_with_all_rules_equals_recomputation(batches in batches()) {
        let mut set = set_of_script(RULES);
        set.add_rules(set_of_script(DECAYED).rules().cloned()).unwrap();
        run(&set, &batches, false);
    }
}
