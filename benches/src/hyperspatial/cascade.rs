//! The cost of a cascade per write: posts tagged to topics whose `avg` is the
//! cascaded average of their posts' `score`, against notes linked to plain topics
//! (same shape, same fan-in, no cascade reads their `score`).

use super::{Rng, Scale, ctx, latencies, time_each};
use crate::report::Report;
use ::hyperspatial::Database;
use hyperql::{Document, Engine, Params, Value};
use uuid::Uuid;

const SCHEMA: &str = "CREATE SCHEMA topics (name String, avg Float CASCADED AS AGGREGATE \
                      Average FROM score THROUGH tagged INCOMING)";
/// Topics per fan-in.
const TOPICS: usize = 4;

/// One side of the comparison: its collections, label and entities.
struct Side {
    system: &'static str,
    topics: &'static str,
    posts: &'static str,
    label: &'static str,
    prefix: &'static str,
    /// Posts by topic: (external id, UUID, current score).
    posts_of: Vec<Vec<(String, Uuid, f64)>>,
    topic_keys: Vec<String>,
    topic_ids: Vec<Uuid>,
}

fn doc(fields: &[(&str, Value)]) -> Document {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

impl Side {
    fn new(cascaded: bool) -> Self {
        Side {
            system: if cascaded { "cascade" } else { "no-cascade" },
            topics: if cascaded { "topics" } else { "plain_topics" },
            posts: if cascaded { "posts" } else { "notes" },
            label: if cascaded { "tagged" } else { "linked" },
            prefix: if cascaded { "p" } else { "n" },
            posts_of: Vec::new(),
            topic_keys: Vec::new(),
            topic_ids: Vec::new(),
        }
    }

    /// Adds `TOPICS` topics with `fan_in` posts each, in batches of at most `batch`.
    fn load(
        &mut self,
        db: &Database,
        fan_in: usize,
        batch: usize,
        rng: &mut Rng,
    ) -> Result<(), String> {
        for t in 0..TOPICS {
            let key = format!("{}t{fan_in}_{t}", self.prefix);
            let mut b = db.batch();
            let topic = b
                .insert(
                    self.topics,
                    None,
                    doc(&[("id", Value::str(&key)), ("name", Value::str(&key))]),
                )
                .map_err(ctx("insert topic"))?;
            b.commit().map_err(ctx("commit topic"))?;
            let mut posts = Vec::with_capacity(fan_in);
            for lo in (0..fan_in).step_by(batch) {
                let mut b = db.batch();
                for i in lo..(lo + batch).min(fan_in) {
                    let pk = format!("{}{fan_in}_{t}_{i}", self.prefix);
                    let score = rng.unit();
                    let fields = [
                        ("id", Value::str(&pk)),
                        ("title", Value::str(&format!("post {i} of {key}"))),
                        ("score", Value::Float(score)),
                    ];
                    let id = b
                        .insert(self.posts, None, doc(&fields))
                        .map_err(ctx("insert post"))?;
                    b.relate(id, self.label, topic, 1.0, Document::default())
                        .map_err(ctx("relate"))?;
                    posts.push((pk, id, score));
                }
                b.commit().map_err(ctx("commit posts"))?;
            }
            self.posts_of.push(posts);
            self.topic_keys.push(key);
            self.topic_ids.push(topic);
        }
        Ok(())
    }
}

/// Runs the part.
pub fn run(report: &mut Report, scale: &Scale) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(ctx("temp dir"))?;
    let db = Database::open(dir.path()).map_err(ctx("open cascade db"))?;
    let engine = Engine::new(db.clone());
    let p = Params::new();
    engine.query(SCHEMA, &p).map_err(ctx("create schema"))?;
    let mut rng = Rng::new(23);
    report.note(format!(
        "cascade: `{SCHEMA}`; {TOPICS} topics per fan-in, each with `fan_in` posts \
         -[tagged]-> it; the baseline is the same data in collections no cascade reads \
         (notes -[linked]-> plain_topics). Timed: `batch.set(id, \"score\", x)` + commit, \
         and `UPDATE posts SET score = x WHERE id = '<key>'` through HyperQL, {} of each \
         per fan-in and side, alternating sides; `set_with_topic_commit` (baseline only) \
         sets a note's score and its topic's `avg` in one batch: the two collections, so \
         two shard files to sync, that a cascaded write touches",
        scale.writes
    ));
    for &fan_in in scale.fan_ins {
        let mut sides = [Side::new(true), Side::new(false)];
        for s in &mut sides {
            s.load(&db, fan_in, scale.batch, &mut rng)?;
        }
        measure(
            report,
            &db,
            &engine,
            &mut sides,
            fan_in,
            scale.writes,
            &mut rng,
        )?;
        check(&engine, &sides[0])?;
    }
    Ok(())
}

/// Timed writes: `set` and `UPDATE` of a post's score on both sides, and on the
/// baseline also a `set` of a note's score plus its topic's `avg` in one batch (what
/// a cascaded write stores, without deriving it).
fn measure(
    report: &mut Report,
    db: &Database,
    engine: &Engine<Database>,
    sides: &mut [Side; 2],
    fan_in: usize,
    writes: usize,
    rng: &mut Rng,
) -> Result<(), String> {
    const OPS: [&str; 3] = ["set_commit", "hql_update", "set_with_topic_commit"];
    let p = Params::new();
    let mut lat: [[Vec<f64>; 3]; 2] = Default::default();
    let mut wall = [[0.0f64; 3]; 2];
    let mut derived = [0usize; 2];
    for _ in 0..writes {
        for (si, side) in sides.iter_mut().enumerate() {
            for (op, _) in OPS.iter().enumerate().filter(|(op, _)| *op < 2 || si == 1) {
                let (t, i) = (rng.below(TOPICS), rng.below(fan_in));
                let x = rng.unit();
                let post = &mut side.posts_of[t][i];
                post.2 = x;
                let (id, key, topic) = (post.1, post.0.clone(), side.topic_ids[t]);
                let q = format!("UPDATE {} SET score = {x:?} WHERE id = '{key}'", side.posts);
                let (s, secs) = time_each([()], |_| {
                    if op == 1 {
                        return match engine.query(&q, &p) {
                            Ok(r) if r.affected == Some(1) => Ok(()),
                            Ok(r) => Err(format!("`{q}` changed {:?} entities", r.affected)),
                            Err(e) => Err(e.to_string()),
                        };
                    }
                    let mut b = db.batch();
                    b.set(id, "score", Value::Float(x))
                        .map_err(|e| e.to_string())?;
                    if op == 2 {
                        b.set(topic, "avg", Value::Float(x))
                            .map_err(|e| e.to_string())?;
                    }
                    derived[si] += b.commit().map_err(|e| e.to_string())?.derived;
                    Ok(())
                })
                .map_err(ctx("timed write"))?;
                lat[si][op].extend(s);
                wall[si][op] += secs;
            }
        }
    }
    for (si, side) in sides.iter().enumerate() {
        for (op, name) in OPS.iter().enumerate() {
            if !lat[si][op].is_empty() {
                let m = format!("{name}_fanin{fan_in}");
                latencies(report, side.system, &m, &mut lat[si][op], wall[si][op]);
            }
        }
    }
    for name in ["set_commit", "hql_update"] {
        let m = format!("{name}_fanin{fan_in}_p50_us");
        report.ratio(&m, "cascade", "no-cascade");
    }
    let a = format!("set_commit_fanin{fan_in}_p50_us");
    let b = format!("set_with_topic_commit_fanin{fan_in}_p50_us");
    if let (Some(x), Some(y)) = (report.get("cascade", &a), report.get("no-cascade", &b)) {
        report.add(
            "cascade",
            &format!("set_commit_fanin{fan_in}_vs_two_collection_write"),
            x / y,
            "ratio",
        );
    }
    report.add(
        "cascade",
        &format!("derived_values_per_set_fanin{fan_in}"),
        derived[0] as f64 / writes.max(1) as f64,
        "values",
    );
    if derived[1] != 0 {
        return Err("hyperspatial suite: a write without cascades derived values".into());
    }
    Ok(())
}

/// The cascaded averages must equal the averages of the scores written.
fn check(engine: &Engine<Database>, side: &Side) -> Result<(), String> {
    for (key, posts) in side.topic_keys.iter().zip(&side.posts_of) {
        let want = posts.iter().map(|p| p.2).sum::<f64>() / posts.len() as f64;
        let q = format!("SELECT avg FROM topics WHERE id = '{key}'");
        let r = engine.query(&q, &Params::new()).map_err(ctx("read avg"))?;
        let got = r
            .rows
            .first()
            .and_then(|row| row.first())
            .and_then(Value::as_f64);
        if got.is_none_or(|g| (g - want).abs() > 1e-9) {
            return Err(format!(
                "hyperspatial suite: topic {key}: cascaded avg {got:?}, expected {want}"
            ));
        }
    }
    Ok(())
}
