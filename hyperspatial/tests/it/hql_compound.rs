//! Set operations, `WITH` (recursive too) and subqueries (`EXISTS`, `IN (SELECT)`,
//! correlated scalars), `INSERT .. SELECT` and upserts over a database on disk, each
//! checked against the expected rows and against the same query run without the
//! optimizer; concurrent upserts against a counting model.

use hyperql::{Engine, Params, Value};
use hyperspatial::Database;

fn rows(e: &Engine<Database>, q: &str) -> Vec<Vec<Value>> {
    e.query(q, &Params::new())
        .unwrap_or_else(|err| panic!("{q}: {err}"))
        .rows
}

fn setup() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    for q in [
        // A required `id` is the key the insert gives (read back as `_key`).
        "CREATE SCHEMA customers (id String REQUIRED, name String, city String INDEXED)",
        "INSERT INTO customers (id, name, city) VALUES ('c1', 'Ada', 'Oslo'), ('c2', 'Bo', 'Rome'), ('c3', 'Cy', 'Oslo'), ('c4', 'Di', 'Lima')",
        "INSERT INTO orders (id, customer, total) VALUES ('o1', 'c1', 30.0), ('o2', 'c1', 12.5), ('o3', 'c2', 99.0), ('o4', 'c9', 5.0)",
        "INSERT INTO parts (id, parent) VALUES ('car', NULL), ('engine', 'car'), ('wheel', 'car'), ('piston', 'engine'), ('ring', 'piston'), ('bolt', 'wheel')",
    ] {
        rows(&e, q);
    }
    (dir, db)
}

fn strings(r: &[Vec<Value>]) -> Vec<String> {
    r.iter().map(|row| row[0].to_string()).collect()
}

/// Runs `q` with and without the optimizer: both give `want` (the first column).
fn check(db: &Database, q: &str, want: &[&str]) {
    let fast = Engine::new(db.clone());
    let plain = Engine::new(db.clone()).with_optimizer(false);
    let got = strings(&rows(&fast, q));
    assert_eq!(got, want, "{q}");
    assert_eq!(
        strings(&rows(&plain, q)),
        want,
        "{q} (without the optimizer)"
    );
}

#[test]
fn set_operations_and_table_expressions_on_disk() {
    let (_dir, db) = setup();
    check(
        &db,
        "SELECT city FROM customers UNION SELECT 'Paris' ORDER BY city",
        &["'Lima'", "'Oslo'", "'Paris'", "'Rome'"],
    );
    check(
        &db,
        "SELECT city FROM customers UNION ALL SELECT city FROM customers WHERE city = 'Oslo' ORDER BY city",
        &["'Lima'", "'Oslo'", "'Oslo'", "'Oslo'", "'Oslo'", "'Rome'"],
    );
    check(
        &db,
        "SELECT _key FROM customers EXCEPT SELECT customer FROM orders ORDER BY _key",
        &["'c3'", "'c4'"],
    );
    check(
        &db,
        "SELECT customer FROM orders INTERSECT SELECT _key FROM customers WHERE city = 'Oslo'",
        &["'c1'"],
    );
    check(
        &db,
        "WITH oslo AS (SELECT _key AS id, name FROM customers WHERE city = 'Oslo') \
         SELECT o.name FROM oslo o JOIN orders r ON r.customer = o.id ORDER BY r.total",
        &["'Ada'", "'Ada'"],
    );
    // Everything under `engine`, by a recursive walk up the parent links.
    check(
        &db,
        "WITH RECURSIVE under (id, depth) AS (SELECT _key, 0 FROM parts WHERE _key = 'engine' \
         UNION ALL SELECT p._key, u.depth + 1 FROM parts p JOIN under u ON p.parent = u.id) \
         SELECT id FROM under ORDER BY depth, id",
        &["'engine'", "'piston'", "'ring'"],
    );
}

#[test]
fn subqueries_on_disk() {
    let (_dir, db) = setup();
    check(
        &db,
        "SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer = c._key) ORDER BY name",
        &["'Ada'", "'Bo'"],
    );
    check(
        &db,
        "SELECT name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer = c._key) ORDER BY name",
        &["'Cy'", "'Di'"],
    );
    check(
        &db,
        "SELECT _key FROM orders WHERE customer IN (SELECT _key FROM customers WHERE city = 'Oslo') ORDER BY _key",
        &["'o1'", "'o2'"],
    );
    check(
        &db,
        "SELECT _key FROM orders WHERE customer NOT IN (SELECT _key FROM customers) ORDER BY _key",
        &["'o4'"],
    );
    check(
        &db,
        "SELECT name FROM customers c WHERE (SELECT SUM(total) FROM orders o WHERE o.customer = c._key) > 50",
        &["'Bo'"],
    );
    // The outer value reaches the subquery's scan of an indexed field.
    check(
        &db,
        "SELECT o._key FROM orders o WHERE EXISTS (SELECT 1 FROM customers c WHERE c._key = o.customer AND c.city = 'Rome')",
        &["'o3'"],
    );
    let e = Engine::new(db.clone());
    let r = rows(
        &e,
        "SELECT name, (SELECT COUNT(*) FROM orders o WHERE o.customer = c._key) FROM customers c ORDER BY name",
    );
    let counts: Vec<Value> = r.iter().map(|row| row[1].clone()).collect();
    assert_eq!(
        counts,
        [2, 1, 0, 0].map(Value::Int).to_vec(),
        "orders per customer"
    );
}

#[test]
fn insert_select_and_upserts_on_disk() {
    let (_dir, db) = setup();
    let e = Engine::new(db.clone());
    rows(
        &e,
        "INSERT INTO big (id, who, total) SELECT 'b-' || _key, customer, total FROM orders WHERE total > 10",
    );
    check(
        &db,
        "SELECT who FROM big ORDER BY total",
        &["'c1'", "'c1'", "'c2'"],
    );
    let r = e
        .query(
            "INSERT INTO big (id, who) VALUES ('b-o1', 'x'), ('b-o9', 'y') ON CONFLICT DO NOTHING",
            &Params::new(),
        )
        .unwrap();
    assert_eq!(r.affected, Some(1));
    check(&db, "SELECT who FROM big WHERE _key = 'b-o1'", &["'c1'"]);
    rows(
        &e,
        "INSERT INTO big (id, total) VALUES ('b-o1', 1.0) ON CONFLICT (id) DO UPDATE SET total = big.total + excluded.total",
    );
    check(&db, "SELECT total FROM big WHERE _key = 'b-o1'", &["31.0"]);
    rows(
        &e,
        "UPSERT INTO big (id, note) VALUES ('b-o3', 'paid'), ('b-o8', 'new')",
    );
    check(
        &db,
        "SELECT who || ':' || note FROM big WHERE note IS NOT NULL AND who IS NOT NULL",
        &["'c2:paid'"],
    );
    // Without a conflict action a taken key is an error, and nothing is written.
    let err = e
        .query(
            "INSERT INTO big (id, who) VALUES ('b-o7', 'z'), ('b-o1', 'z')",
            &Params::new(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    check(&db, "SELECT who FROM big WHERE _key = 'b-o7'", &[]);
}

/// Threads upsert counters over a few shared keys: every increment is counted and
/// each key is stored once.
#[test]
fn concurrent_upserts_count_every_increment_once_per_key() {
    let (_dir, db) = setup();
    let (threads, per, keys) = (6, 30, 3);
    std::thread::scope(|s| {
        for t in 0..threads {
            let e = Engine::new(db.clone());
            s.spawn(move || {
                for i in 0..per {
                    let q = format!(
                        "INSERT INTO counters (id, n) VALUES ('k{}', 1) ON CONFLICT DO UPDATE SET n = counters.n + 1",
                        (t + i) % keys
                    );
                    rows(&e, &q);
                }
            });
        }
    });
    let e = Engine::new(db.clone());
    let r = rows(&e, "SELECT _key, n FROM counters ORDER BY _key");
    assert_eq!(r.len(), keys, "one entity per key: {r:?}");
    let total: i64 = r
        .iter()
        .map(|row| row[1].as_f64().unwrap_or(0.0) as i64)
        .sum();
    assert_eq!(total, (threads * per) as i64, "increments lost: {r:?}");
}

/// `FROM collection.Type` over entities stored without a type: they match; tagged
/// entities still filter by their type.
#[test]
fn entity_types_filter_tagged_entities_only() {
    let (_dir, db) = setup();
    let e = Engine::new(db.clone());
    rows(
        &e,
        "INSERT INTO people.Person (id, name) VALUES ('pp1', 'Pat')",
    );
    rows(
        &e,
        "INSERT INTO people.Robot (id, name) VALUES ('pr1', 'R2')",
    );
    check(
        &db,
        "SELECT c.name FROM customers.Customer c JOIN orders.Order o ON o.customer = c._key ORDER BY o.total",
        &["'Ada'", "'Ada'", "'Bo'"],
    );
    check(&db, "SELECT name FROM people.Robot", &["'R2'"]);
    check(&db, "SELECT COUNT(*) FROM customers.Customer", &["4"]);
}
