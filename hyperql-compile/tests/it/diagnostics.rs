//! Every error names the file, line and column, quotes the offending text and says
//! what was expected; a construct the compiler cannot compile is named.

use super::{SCHEMA, compile_err};

fn check(query: &str) -> String {
    compile_err(&[("schema.hql", SCHEMA), ("q.hql", query)])
}

#[test]
fn errors_name_the_place_and_the_construct() {
    let cases: &[(&str, &str)] = &[
        (
            "SELECT FROM users;",
            "q.hql:1:8: syntax error; expected expression or select item, found `FROM`",
        ),
        (
            "SELECT nope FROM users;",
            "q.hql:1:8: unknown column `nope` in `users`, found `nope`",
        ),
        (
            "SELECT name FROM users u TRAVERSE (u)-[:KNOWS]->(f);",
            "q.hql:1:1: query `q` uses TRAVERSE to a node without a collection (write `(b:collection)`), which hyperql-compile does not compile, found `SELECT name FROM users u TRAVERSE (u)-[:KNOWS]->(f)`",
        ),
        (
            "SELECT u.name FROM users u TRAVERSE (u)-[:KNOWS*]->(f:users);",
            "q.hql:1:1: query `q` uses TRAVERSE with an unbounded quantifier (write `*min..max`), which hyperql-compile does not compile, found `SELECT u.name FROM users u TRAVERSE (u)-[:KNOWS*]->(f:users)`",
        ),
        (
            "SELECT u.name FROM users u TRAVERSE (u)-[:KNOWS]-(f:users);",
            "q.hql:1:1: query `q` uses TRAVERSE in both directions (`-[..]-`), which hyperql-compile does not compile, found `SELECT u.name FROM users u TRAVERSE (u)-[:KNOWS]-(f:users)`",
        ),
        (
            "SELECT u.name FROM users u TRAVERSE (u)-[:KNOWS*1..17]->(f:users);",
            "q.hql:1:1: query `q` uses TRAVERSE of more than 16 hops (the interpreted engine's default hop budget, which would cut it short), which hyperql-compile does not compile, found `SELECT u.name FROM users u TRAVERSE (u)-[:KNOWS*1..17]->(f:users)`",
        ),
        (
            "RELATE $a -[:KNOWS {since: 3}]-> $b;",
            "q.hql:1:1: query `q` uses the edge property `since` (manifold-graph edges hold a weight only), which hyperql-compile does not compile, found `RELATE $a -[:KNOWS {since: 3}]-> $b`",
        ),
        (
            "SELECT LOWER(name) AS l FROM users;",
            "q.hql:1:1: query `q` uses function LOWER, which hyperql-compile does not compile, found `SELECT LOWER(name) AS l FROM users`",
        ),
        (
            "SELECT EMBED(name) AS v FROM users;",
            "q.hql:1:1: query `q` uses EMBED(...) other than as the query vector of a k-NN (`ORDER BY SIMILARITY(v, EMBED($text)) DESC LIMIT k`) or the value of a vector field in an INSERT, which hyperql-compile does not compile, found `SELECT EMBED(name) AS v FROM users`",
        ),
        (
            "INSERT INTO users (name) VALUES ($n);",
            "q.hql:1:1: query `q` uses an INSERT without the REQUIRED field `users.score`, which hyperql-compile does not compile, found `INSERT INTO users (name) VALUES ($n)`",
        ),
        (
            "SELECT name, RANK() OVER (ORDER BY age) AS r FROM users;",
            "q.hql:1:1: query `q` uses a window function (OVER, MOVING_AVG), which hyperql-compile does not compile, found `SELECT name, RANK() OVER (ORDER BY age) AS r FROM users`",
        ),
        (
            "SELECT DISTINCT ON (age) name FROM users ORDER BY age;",
            "q.hql:1:1: query `q` uses DISTINCT ON, which hyperql-compile does not compile, found `SELECT DISTINCT ON (age) name FROM users ORDER BY age`",
        ),
        (
            "SELECT DATE_TRUNC('day', age) AS d FROM users;",
            "q.hql:1:1: query `q` uses function DATE_TRUNC, which hyperql-compile does not compile, found `SELECT DATE_TRUNC('day', age) AS d FROM users`",
        ),
        (
            "-- name: a\nSELECT name FROM users;\nSELECT age FROM users;",
            "q.hql:3:1: a file with several queries needs `-- name: <query_name>` before each, found `SELECT age FROM users`",
        ),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(q, e)| {
            let got = check(q);
            (got != *e).then(|| format!("{q}\n  got:  {got}\n  want: {e}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn inferred_types_that_conflict_are_errors() {
    let got = compile_err(&[
        ("a.hql", "SELECT id FROM events WHERE kind = 3;"),
        ("b.hql", "SELECT id FROM events WHERE kind = 'x';"),
    ]);
    assert_eq!(
        got,
        "b.hql:1:36: field `events.kind` is used as String here and as Int at a.hql:1:36; declare it with CREATE SCHEMA, found `'x'`"
    );
}

#[test]
fn a_parameter_used_with_two_types_is_an_error() {
    let got = compile_err(&[
        ("schema.hql", SCHEMA),
        (
            "q.hql",
            "SELECT name FROM users WHERE name = $x OR age = $x;",
        ),
    ]);
    assert!(got.starts_with("q.hql:1:"), "{got}");
    assert!(got.contains("parameter $x is used both as"), "{got}");
}

#[test]
fn a_schema_declared_twice_is_an_error() {
    let got = compile_err(&[("schema.hql", &format!("{SCHEMA}{SCHEMA}"))]);
    assert_eq!(
        got,
        "schema.hql:2:15: schema `users` is declared twice (first at schema.hql:1:15), found `users`"
    );
}

#[test]
fn unsupported_types_are_named() {
    let got = compile_err(&[("schema.hql", "CREATE SCHEMA t (a Object);")]);
    assert_eq!(
        got,
        "schema.hql:1:20: type `Object` is not supported by hyperql-compile; expected String, Int, Float, Bool, Timestamp or Embedding(n) (not Array, Map or Object), found `Object`"
    );
    let got = compile_err(&[("schema.hql", "CREATE SCHEMA t (a Array(Embedding(3)));")]);
    assert_eq!(
        got,
        "schema.hql:1:20: type `Array(Embedding(3))` is not supported by hyperql-compile; expected String, Int, Float, Bool, Timestamp or Embedding(n) (not Array, Map or Object), found `Array(Embedding(3))`"
    );
    let got = compile_err(&[("schema.hql", "CREATE SCHEMA t (a Embedding(0));")]);
    assert_eq!(
        got,
        "schema.hql:1:20: `Embedding(0)`: the dimension must be between 1 and 65536, found `Embedding(0)`"
    );
    let got = compile_err(&[("schema.hql", "CREATE SCHEMA t (a Int METADATA);")]);
    assert_eq!(
        got,
        "schema.hql:1:18: the field scope METADATA is not supported by hyperql-compile, found `a Int METADATA`"
    );
}

#[test]
fn time_series_fields_are_checked() {
    let cases = [
        (
            "CREATE SCHEMA t (s String REQUIRED, at Float REQUIRED) WITH TIME SERIES (at);",
            "schema.hql:1:74: the time field `at` must be a REQUIRED Timestamp or Int, found `at`",
        ),
        (
            "CREATE SCHEMA t (s String, at Int REQUIRED) WITH TIME SERIES (at, SERIES s);",
            "schema.hql:1:74: the series field `s` must be a REQUIRED String, found `s`",
        ),
        (
            "CREATE SCHEMA t (at Int REQUIRED) WITH TIME SERIES (stamp);",
            "schema.hql:1:53: the time field `stamp` is not a field of the schema, found `stamp`",
        ),
    ];
    for (schema, want) in cases {
        assert_eq!(compile_err(&[("schema.hql", schema)]), want, "{schema}");
    }
}
