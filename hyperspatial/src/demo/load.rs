//! Writing the demo data set into a database: schema, vector field and time series
//! first, then one batch per phase (topics with their hierarchy, authors, papers,
//! edges, time series), then a checkpoint. Entities are placed incrementally as they
//! are written, topics first, so the hierarchy shapes the hyperbolic positions. A
//! database that already holds the set is left as it is.

use super::DemoError;
use super::generate::{DemoSet, generate};
use crate::{Database, TimeSeriesConfig, VectorField, VectorMetric};
use hyperql::{Document, Engine, Params, Value};
use std::sync::Arc;
use std::time::Instant;
use tessera_bridge::{Embedder, HashingEmbedder};
use uuid::Uuid;

/// The embedder the papers' vectors come from; showcase queries name it in `EMBED`.
pub const EMBEDDER: &str = "hashing-384";

/// The collections of the demo set.
pub const COLLECTIONS: [&str; 4] = ["topics", "authors", "papers", "traffic"];

const SCHEMAS: [(&str, &str); 1] = [(
    "authors",
    "CREATE SCHEMA authors (
            name String REQUIRED,
            affiliation String,
            papers Int CASCADED AS AGGREGATE Count FROM year THROUGH authored OUTGOING,
            cited Float CASCADED AS AGGREGATE Sum FROM citations THROUGH authored OUTGOING
        )",
)];

/// What [`load`] did (or found).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadReport {
    /// The set was there already and nothing was written.
    pub reused: bool,
    /// Topics (root, areas, subtopics).
    pub topics: usize,
    /// Authors.
    pub authors: usize,
    /// Papers (each with an embedding).
    pub papers: usize,
    /// Edges: `subtopic`, `about`, `authored`, `cites`.
    pub edges: usize,
    /// Rows of the `traffic` time series.
    pub view_rows: usize,
    /// Wall time, in milliseconds.
    pub millis: u64,
}

impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = if self.reused {
            "already loaded"
        } else {
            "loaded"
        };
        write!(
            f,
            "demo data set {how}: {} topics, {} authors, {} papers with {}-d embeddings, {} edges, {} time-series rows ({} ms)",
            self.topics, self.authors, self.papers, 384, self.edges, self.view_rows, self.millis
        )
    }
}

/// Where a database stands with respect to the demo set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// None of the demo collections exists.
    Absent,
    /// The whole set is there.
    Loaded,
    /// Some demo collection holds something else (or part of the set).
    Conflict(String),
}

/// What the database holds in the demo collections.
pub fn state(db: &Database, set: &DemoSet) -> State {
    let present: Vec<String> = db
        .collections()
        .into_iter()
        .filter(|c| COLLECTIONS.contains(&c.as_str()))
        .collect();
    if present.is_empty() {
        return State::Absent;
    }
    let expected = [
        ("topics", set.topics.len()),
        ("authors", set.authors.len()),
        ("papers", set.papers.len()),
    ];
    let mut wrong = Vec::new();
    for (c, n) in expected {
        let have = db.count(Some(c));
        if have != n {
            wrong.push(format!("`{c}` holds {have} entities, the demo set {n}"));
        }
    }
    match db.time_rows("traffic", None, None) {
        Ok(rows) if rows.len() == set.views.len() => {}
        Ok(rows) => wrong.push(format!(
            "`traffic` holds {} rows, the demo set {}",
            rows.len(),
            set.views.len()
        )),
        Err(e) => wrong.push(format!("`traffic`: {e}")),
    }
    if wrong.is_empty() {
        State::Loaded
    } else {
        State::Conflict(wrong.join("; "))
    }
}

/// Loads the demo set into `db` unless it is there already; `say` gets one line per
/// phase. Refuses a database whose demo collections hold other data. Also registers
/// the hashing embedder (under [`EMBEDDER`]) when the database has none by that name,
/// so that `EMBED('...', 'hashing-384')` works.
pub fn load(db: &Database, say: &mut dyn FnMut(&str)) -> Result<LoadReport, DemoError> {
    let started = Instant::now();
    let hashing: Arc<dyn Embedder> = match db.embedder(Some(EMBEDDER)) {
        Some(e) => e,
        None => {
            let e: Arc<dyn Embedder> = Arc::new(HashingEmbedder::default());
            db.register_embedder(e.clone());
            e
        }
    };
    let set = generate();
    let mut report = LoadReport {
        reused: false,
        topics: set.topics.len(),
        authors: set.authors.len(),
        papers: set.papers.len(),
        edges: set.edge_count(),
        view_rows: set.views.len(),
        millis: 0,
    };
    match state(db, &set) {
        State::Loaded => {
            report.reused = true;
            report.millis = started.elapsed().as_millis() as u64;
            return Ok(report);
        }
        State::Conflict(why) => {
            return Err(DemoError::Conflict(format!(
                "the database in {} already has collections of the demo data set that hold other data ({why}); load the demo into a new directory (--data)",
                db.path().display()
            )));
        }
        State::Absent => {}
    }
    let mut phase = Phase::new(say);
    configure(db)?;
    phase.done("schemas, vector field, time series");

    let topic_ids = write_topics(db, &set)?;
    phase.done(&format!("{} topics", set.topics.len()));

    let mut batch = db.batch();
    let mut author_ids = Vec::with_capacity(set.authors.len());
    for a in &set.authors {
        let doc = doc([
            ("id", Value::str(&a.key)),
            ("name", Value::str(&a.name)),
            ("affiliation", Value::str(&a.affiliation)),
        ]);
        author_ids.push(batch.insert("authors", None, doc)?);
    }
    batch.commit()?;
    phase.done(&format!("{} authors", set.authors.len()));

    let texts: Vec<String> = set
        .papers
        .iter()
        .map(|p| format!("{}. {}", p.title, p.abstract_text))
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = hashing.embed(&refs)?;
    phase.done(&format!("{} embeddings ({EMBEDDER})", vectors.len()));

    let mut batch = db.batch();
    let mut paper_ids = Vec::with_capacity(set.papers.len());
    for (p, v) in set.papers.iter().zip(vectors) {
        let doc = doc([
            ("id", Value::str(&p.key)),
            ("title", Value::str(&p.title)),
            ("abstract", Value::str(&p.abstract_text)),
            ("year", Value::Int(p.year)),
            ("venue", Value::str(&p.venue)),
            ("citations", Value::Int(p.citations)),
            ("embedding", Value::Vector(v.into())),
        ]);
        paper_ids.push(batch.insert("papers", None, doc)?);
    }
    batch.commit()?;
    phase.done(&format!("{} papers", set.papers.len()));

    let mut batch = db.batch();
    let mut edges = 0;
    for (p, &pid) in set.papers.iter().zip(&paper_ids) {
        for &t in &p.topics {
            batch.relate(pid, "about", topic_ids[t], 1.0, Document::default())?;
        }
        for &a in &p.authors {
            batch.relate(author_ids[a], "authored", pid, 1.0, Document::default())?;
        }
        for &c in &p.cites {
            batch.relate(pid, "cites", paper_ids[c], 1.0, Document::default())?;
        }
        edges += p.topics.len() + p.authors.len() + p.cites.len();
    }
    batch.commit()?;
    phase.done(&format!(
        "{edges} edges (about, authored, cites; cascades updated)"
    ));

    let mut batch = db.batch();
    for r in &set.views {
        let doc = doc([
            ("topic", Value::str(&set.topics[r.topic].key)),
            ("day", Value::Timestamp(r.day_us)),
            ("views", Value::Float(r.views)),
            ("downloads", Value::Float(r.downloads)),
        ]);
        batch.insert("traffic", None, doc)?;
    }
    batch.commit()?;
    phase.done(&format!("{} time-series rows", set.views.len()));

    db.checkpoint()?;
    phase.done("checkpoint");
    report.millis = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// Declares the schemas (with their cascades), the papers' vector field and the
/// `traffic` time series; what exists already is kept.
fn configure(db: &Database) -> Result<(), DemoError> {
    let engine = Engine::new(db.clone());
    for (name, ddl) in SCHEMAS {
        if db.schema_of(name).is_none() {
            engine
                .query(ddl, &Params::new())
                .map_err(|source| DemoError::Query {
                    statement: ddl,
                    source,
                })?;
        }
    }
    db.define_vector_field(
        "papers",
        "embedding",
        VectorField {
            dim: 384,
            metric: VectorMetric::Cosine,
        },
    )?;
    db.define_time_series(
        "traffic",
        TimeSeriesConfig {
            time_field: "day".into(),
            series_field: Some("topic".into()),
            value_fields: vec!["views".into(), "downloads".into()],
        },
    )?;
    Ok(())
}

/// Writes the topic hierarchy (`subtopic` from each topic to its children); the ids
/// in topic order.
fn write_topics(db: &Database, set: &DemoSet) -> Result<Vec<Uuid>, DemoError> {
    let mut batch = db.batch();
    let mut ids = Vec::with_capacity(set.topics.len());
    for t in &set.topics {
        let doc = doc([
            ("id", Value::str(&t.key)),
            ("name", Value::str(&t.name)),
            ("level", Value::Int(t.level)),
        ]);
        ids.push(batch.insert("topics", None, doc)?);
    }
    for (t, &id) in set.topics.iter().zip(&ids) {
        if let Some(parent) = t.parent {
            batch.relate(ids[parent], "subtopic", id, 1.0, Document::default())?;
        }
    }
    batch.commit()?;
    Ok(ids)
}

fn doc<const N: usize>(fields: [(&str, Value); N]) -> Document {
    fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// Prints one line per finished phase with its time.
struct Phase<'a> {
    say: &'a mut dyn FnMut(&str),
    since: Instant,
}

impl<'a> Phase<'a> {
    fn new(say: &'a mut dyn FnMut(&str)) -> Phase<'a> {
        Phase {
            say,
            since: Instant::now(),
        }
    }

    fn done(&mut self, what: &str) {
        let ms = self.since.elapsed().as_millis();
        (self.say)(&format!("demo: {what} ({ms} ms)"));
        self.since = Instant::now();
    }
}
