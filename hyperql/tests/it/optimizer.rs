//! Each optimizer rule, before and after, and answers equal with and without it.

use super::fixture;
use hyperql::*;
use std::sync::Arc;

fn params(pairs: &[(&str, Value)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// Plan text before and after optimization.
fn check<S: DataSource>(source: impl Fn() -> S, q: &str, p: &Params, before: &str, after: &str) {
    let plain = Engine::new(source()).with_optimizer(false);
    let opt = Engine::new(source());
    assert_eq!(
        plain.explain(q, p).unwrap().trim_end(),
        before.trim(),
        "before, for {q}"
    );
    assert_eq!(
        opt.explain(q, p).unwrap().trim_end(),
        after.trim(),
        "after, for {q}"
    );
    let (a, b) = (plain.query(q, p).unwrap(), opt.query(q, p).unwrap());
    assert_eq!(a.rows, b.rows, "answers differ for {q}");
}

#[test]
fn constant_folding_keeps_three_valued_logic() {
    check(
        fixture::source,
        "SELECT name FROM users WHERE (1 + 2 = 3 AND age > 2 * 10) OR NULL",
        &Params::new(),
        "Project users.name AS name\n  Filter ((((1 + 2) = 3) AND (users.age > (2 * 10))) OR NULL)\n    Scan users",
        "Project users.name AS name\n  Filter ((users.age > 20) OR NULL)\n    Scan users",
    );
    // x * 0 is not 0 when x is NULL, and x = x is not TRUE: neither is folded.
    check(
        fixture::source,
        "SELECT age * 0 AS z FROM users WHERE age = age",
        &Params::new(),
        "Project (users.age * 0) AS z\n  Filter (users.age = users.age)\n    Scan users",
        "Project (users.age * 0) AS z\n  Filter (users.age = users.age)\n    Scan users",
    );
    // FALSE AND x is FALSE for every x: the filter empties the plan.
    check(
        fixture::source,
        "SELECT name FROM users WHERE FALSE AND age > 1",
        &Params::new(),
        "Project users.name AS name\n  Filter (FALSE AND (users.age > 1))\n    Scan users",
        "Project users.name AS name\n  Empty",
    );
    // Overflow is not folded away: it errors when run.
    let e = fixture::engine();
    assert!(
        e.explain("SELECT 9223372036854775807 + 1", &Params::new())
            .unwrap()
            .contains("(9223372036854775807 + 1)")
    );
}

#[test]
fn predicates_go_through_joins_into_scans() {
    check(
        fixture::source,
        "SELECT u.name, o.total FROM users u, orders o WHERE u.id = o.user_id AND o.total > 20 AND u.age < 40",
        &Params::new(),
        "Project u.name AS name, o.total AS total\n  Filter (((u.id = o.user_id) AND (o.total > 20)) AND (u.age < 40))\n    HashJoin Comma\n      Scan users AS u\n      Scan orders AS o",
        "Project u.name AS name, o.total AS total\n  HashJoin Inner on=(u.id = o.user_id)\n    Scan users AS u filter=[age < 40]\n    Scan orders AS o filter=[total > 20]",
    );
    // Not below the preserved side's opposite of an outer join.
    check(
        fixture::source,
        "SELECT p.name, a.ward FROM patients p LEFT JOIN admissions a ON p.id = a.patient_id WHERE a.ward IS NULL",
        &Params::new(),
        "Project p.name AS name, a.ward AS ward\n  Filter a.ward IS NULL\n    HashJoin Left on=(p.id = a.patient_id)\n      Scan patients AS p\n      Scan admissions AS a",
        "Project p.name AS name, a.ward AS ward\n  Filter a.ward IS NULL\n    HashJoin Left on=(p.id = a.patient_id)\n      Scan patients AS p\n      Scan admissions AS a",
    );
}

#[test]
fn limits_become_top_k_and_scan_limits() {
    check(
        fixture::source,
        "SELECT name FROM users LIMIT 2 OFFSET 1",
        &Params::new(),
        "Limit limit=2 offset=1\n  Project users.name AS name\n    Scan users",
        "Limit limit=2 offset=1\n  Project users.name AS name\n    Scan users limit=3",
    );
    check(
        fixture::source,
        "SELECT name FROM users ORDER BY age LIMIT 2",
        &Params::new(),
        "Project name\n  Limit limit=2\n    Sort keys=[_order0]\n      Project users.name AS name, users.age AS _order0\n        Scan users",
        "Project name\n  Limit limit=2\n    TopK k=2 keys=[_order0]\n      Project users.name AS name, users.age AS _order0\n        Scan users",
    );
}

fn vec3(x: f32, y: f32, z: f32) -> Value {
    Value::Vector(vec![x, y, z].into())
}

#[test]
fn knn_rewrite_with_pre_and_post_filter() {
    let q = params(&[("q", vec3(1.0, 0.0, 0.0))]);
    let text = "SELECT title FROM articles WHERE lang = 'de' ORDER BY SIMILARITY(text_embedding, $q, 'cosine') DESC LIMIT 2";
    let pre = Engine::new(fixture::source());
    assert!(pre.explain(text, &q).unwrap().contains("Knn articles AS articles field=text_embedding metric=cosine k=2 query=[1.0,0.0,0.0] policy=pre-filter filter=[lang = 'de']"));
    let post_source = fixture::source();
    post_source.set_knn_prefilter(false);
    let post = Engine::new(post_source);
    assert!(
        post.explain(text, &q)
            .unwrap()
            .contains("policy=post-filter filter=[lang = 'de']")
    );
    let plain = Engine::new(fixture::source()).with_optimizer(false);
    let want = plain.query(text, &q).unwrap().rows;
    assert_eq!(want.len(), 2);
    assert_eq!(pre.query(text, &q).unwrap().rows, want);
    // Post-filter: the index returns 'en' articles first; the search widens until two
    // 'de' rows survive.
    assert_eq!(post.query(text, &q).unwrap().rows, want);
    // No index on `docs`: no Knn.
    let e = fixture::engine();
    assert!(
        !e.explain(
            "SELECT id FROM docs ORDER BY DISTANCE(embedding, $q, 'euclidean') LIMIT 3",
            &q
        )
        .unwrap()
        .contains("Knn")
    );
    // The wrong direction (SIMILARITY ascending) is not a k-NN.
    assert!(
        !e.explain(
            "SELECT id FROM articles ORDER BY SIMILARITY(text_embedding, $q, 'cosine') LIMIT 3",
            &q
        )
        .unwrap()
        .contains("Knn")
    );
}

#[test]
fn near_becomes_geo_near() {
    let p = params(&[("a", Value::Vector(vec![0.0, 0.0].into()))]);
    let e = fixture::engine();
    let plan = e
        .explain(
            "SELECT title FROM documents WHERE position NEAR $a WITHIN 1.2 AND title <> 'near'",
            &p,
        )
        .unwrap();
    assert!(
        plan.contains("GeoNear documents AS documents field=position"),
        "{plan}"
    );
    assert!(
        plan.contains("Filter (documents.title <> 'near')"),
        "{plan}"
    );
}

/// A source that wraps the in-memory one but claims projection pushdown and applies
/// no filter itself (it reports every filter as unapplied).
struct Picky(MemorySource, std::sync::Mutex<Vec<ScanRequest>>);

impl DataSource for Picky {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            projection_pushdown: true,
            ..self.0.capabilities()
        }
    }
    fn schema(&self, c: &str) -> Option<Schema> {
        self.0.schema(c)
    }
    fn scan(&self, req: &ScanRequest) -> Result<ScanResponse<'_>, SourceError> {
        if let Ok(mut log) = self.1.lock() {
            log.push(req.clone());
        }
        let all = ScanRequest {
            filters: Vec::new(),
            limit: None,
            ..req.clone()
        };
        let fields = req.projection.clone();
        let resp = self.0.scan(&all)?;
        let records = resp.records.map(move |r| {
            r.map(|d| match &fields {
                Some(f) => Arc::new(
                    d.iter()
                        .filter(|(k, _)| f.contains(k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
                None => d,
            })
        });
        Ok(ScanResponse {
            records: Box::new(records),
            unapplied: (0..req.filters.len()).collect(),
        })
    }
    fn get(&self, c: Option<&str>, ids: &[Value]) -> Result<Vec<Record>, SourceError> {
        self.0.get(c, ids)
    }
}

#[test]
fn projection_pushdown_and_unapplied_filters() {
    let e = Engine::new(Picky(fixture::source(), Default::default()));
    let q = "SELECT name FROM users WHERE age > 20 AND profile.bio IS NULL ORDER BY name";
    let plan = e.explain(q, &Params::new()).unwrap();
    assert!(
        plan.contains(
            "Scan users filter=[age > 20 AND profile.bio IS NULL] fields=[id, age, name, profile]"
        ),
        "{plan}"
    );
    let r = e.query(q, &Params::new()).unwrap();
    let names: Vec<String> = r.rows.iter().map(|r| r[0].to_string()).collect();
    assert_eq!(names, ["'Bob'", "'Dan'"]);
    let log = e.source().1.lock().unwrap();
    assert_eq!(
        log.last().unwrap().projection.as_deref(),
        Some(
            &[
                "id".to_string(),
                "age".into(),
                "name".into(),
                "profile".into()
            ][..]
        )
    );
}

#[test]
fn count_star_of_a_whole_collection_asks_the_source() {
    let opt = fixture::engine();
    let plain = Engine::new(fixture::source()).with_optimizer(false);
    let p = Params::new();
    let plan = opt.explain("SELECT COUNT(*) AS n FROM users", &p).unwrap();
    assert!(plan.contains("Count users (the source's count)"), "{plan}");
    for q in [
        "SELECT COUNT(*) AS n FROM users",
        "SELECT COUNT(*), COUNT(*) AS again FROM orders",
        "SELECT COUNT(*) FROM users WHERE age > 20",
        "SELECT COUNT(age) FROM users",
        "SELECT COUNT(DISTINCT age) FROM users",
        "SELECT status, COUNT(*) FROM users GROUP BY status",
        "SELECT COUNT(*) FROM users LIMIT 1",
        "SELECT COUNT(*) + 1 FROM users",
    ] {
        let (a, b) = (plain.query(q, &p).unwrap(), opt.query(q, &p).unwrap());
        assert_eq!(a.rows, b.rows, "answers differ for {q}");
        assert_eq!(a.columns, b.columns, "columns differ for {q}");
    }
    // Only the unfiltered, ungrouped COUNT(*) is rewritten.
    for q in [
        "SELECT COUNT(*) FROM users WHERE age > 20",
        "SELECT COUNT(age) FROM users",
        "SELECT status, COUNT(*) FROM users GROUP BY status",
    ] {
        assert!(!opt.explain(q, &p).unwrap().contains("Count "), "{q}");
    }
    assert_eq!(
        opt.query("SELECT COUNT(*) FROM users", &p)
            .unwrap()
            .stats
            .rows_scanned,
        0
    );
}

/// A deterministic backend function that counts its calls.
struct Unit(std::sync::atomic::AtomicUsize);

impl ScalarFunction for Unit {
    fn name(&self) -> &str {
        "UNIT_X"
    }
    fn arg_types(&self) -> Vec<Type> {
        vec![Type::Float]
    }
    fn return_type(&self) -> Type {
        Type::Vector(Some(3))
    }
    fn call(&self, args: &[Value]) -> Result<Value, SourceError> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match args.first() {
            Some(Value::Float(x)) => Ok(Value::Vector(vec![*x as f32, 0.0, 0.0].into())),
            Some(Value::Int(x)) => Ok(Value::Vector(vec![*x as f32, 0.0, 0.0].into())),
            _ => Ok(Value::Null),
        }
    }
    fn deterministic(&self) -> bool {
        true
    }
}

#[test]
fn deterministic_calls_on_constants_run_once_and_feed_the_index() {
    let f = Arc::new(Unit(Default::default()));
    let e = Engine::new(fixture::source().with_function(f.clone()));
    let text = "SELECT title FROM articles \
                ORDER BY SIMILARITY(text_embedding, UNIT_X(1.0 + $w), 'cosine') DESC LIMIT 2";
    let p = params(&[("w", Value::Float(1.0))]);
    let plan = e.explain(text, &p).unwrap();
    assert!(plan.contains("Knn articles"), "{plan}");
    assert!(plan.contains("query=[2.0,0.0,0.0]"), "{plan}");
    f.0.store(0, std::sync::atomic::Ordering::SeqCst);
    let r = e.query(text, &p).unwrap();
    assert_eq!(f.0.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert!(r.stats.rows_scanned <= 2, "{}", r.stats.rows_scanned);
    let plain = Engine::new(fixture::source().with_function(f.clone())).with_optimizer(false);
    assert_eq!(plain.query(text, &p).unwrap().rows, r.rows);
    // A call on a column is per row and stays a call.
    let per_row = "SELECT UNIT_X(id) FROM articles";
    assert!(e.explain(per_row, &p).unwrap().contains("UNIT_X("));
}

#[test]
fn explain_statement_shows_the_plan_that_runs_with_bound_parameters() {
    let e = fixture::engine();
    let q = params(&[("q", Value::Vector(vec![1.0, 0.0, 0.0].into()))]);
    let text = "EXPLAIN SELECT title FROM articles WHERE lang = $lang \
                ORDER BY SIMILARITY(text_embedding, $q, 'cosine') DESC LIMIT 2";
    let mut p = q.clone();
    p.insert("lang".into(), Value::str("de"));
    let r = e.query(text, &p).unwrap();
    let plan: Vec<String> = r
        .rows
        .iter()
        .map(|row| match &row[0] {
            Value::String(s) => s.to_string(),
            v => v.to_string(),
        })
        .collect();
    let plan = plan.join("\n");
    assert!(
        plan.contains("Knn articles AS articles field=text_embedding metric=cosine k=2 query=[1.0,0.0,0.0] policy=pre-filter filter=[lang = 'de']"),
        "{plan}"
    );
    // The index answers: no scan under the top-k.
    assert!(!plan.contains("Scan"), "{plan}");
    // Without the parameters EXPLAIN says which one is missing.
    let err = e.query(text, &Params::new()).unwrap_err().to_string();
    assert!(err.contains("$lang") || err.contains("lang"), "{err}");
}

/// A limit pushed into the sort (a top-k) keeps ties in input order, as the full
/// sort without the limit does: the optimizer does not change which rows come first.
#[test]
fn a_pushed_limit_keeps_ties_in_input_order() {
    let source = || {
        let s = MemorySource::new();
        s.insert_many(
            "t",
            None,
            (1..=3000i64).map(|i| {
                [
                    ("id".to_string(), Value::Int(i)),
                    ("g".to_string(), Value::Int((i * 7) % 5)),
                ]
                .into_iter()
                .collect::<Document>()
            }),
        );
        s
    };
    let plain = Engine::new(source()).with_optimizer(false);
    let opt = Engine::new(source());
    for q in [
        "SELECT id FROM t ORDER BY g LIMIT 50",
        "SELECT id FROM t ORDER BY g DESC LIMIT 700 OFFSET 3",
        "SELECT id, g FROM t ORDER BY g LIMIT 2999",
    ] {
        let (a, b) = (
            plain.query(q, &Params::new()).unwrap(),
            opt.query(q, &Params::new()).unwrap(),
        );
        assert!(
            opt.explain(q, &Params::new()).unwrap().contains("limit"),
            "{q}"
        );
        assert_eq!(a.rows, b.rows, "answers differ for {q}");
    }
}
