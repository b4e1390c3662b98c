//! Snapshots of generated code for representative queries (review changes with
//! `cargo insta review`).

use super::{SCHEMA, folder};

fn generate(queries: &str) -> String {
    let (_d, path) = folder(&[("schema.hql", SCHEMA), ("queries.hql", queries)]);
    match hyperql_compile::compile_paths(&[path], "::hyperql_compile_runtime") {
        Ok(o) => o.code,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn point_query_index_range_and_writes() {
    insta::assert_snapshot!(generate(
        "-- name: by_id\nSELECT name, age FROM users WHERE id = $id;\n\
         -- name: adults\nSELECT name FROM users WHERE name >= $from AND age >= 18 ORDER BY name LIMIT 10;\n\
         -- name: add\nINSERT INTO users (name, score) VALUES ($name, $score);\n\
         -- name: bump\nUPDATE users SET score = score + 1 WHERE name = $name;\n"
    ));
}

#[test]
fn aggregate_with_having() {
    insta::assert_snapshot!(generate(
        "-- name: by_age\nSELECT age, COUNT(*) AS n, AVG(score) FROM users GROUP BY age HAVING COUNT(*) > $min;\n"
    ));
}

#[test]
fn exact_knn_by_similarity() {
    let (_d, path) = folder(&[
        (
            "schema.hql",
            "CREATE SCHEMA docs (title String REQUIRED, embedding Embedding(4) REQUIRED);",
        ),
        (
            "nearest.hql",
            "-- name: nearest\nSELECT id, title FROM docs ORDER BY SIMILARITY(embedding, $q, 'cosine') DESC LIMIT 5;\n\
             -- name: nearest_titled\nSELECT id FROM docs WHERE title LIKE $t ORDER BY DISTANCE(embedding, $q, 'euclidean') LIMIT $k OFFSET 1;\n",
        ),
    ]);
    match hyperql_compile::compile_paths(&[path], "::hyperql_compile_runtime") {
        Ok(o) => insta::assert_snapshot!(o.code),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn knn_and_insert_with_embed() {
    let (_d, path) = folder(&[
        (
            "schema.hql",
            "CREATE SCHEMA docs (title String REQUIRED, embedding Embedding(4));",
        ),
        (
            "embed.hql",
            "-- name: about\nSELECT id, title FROM docs ORDER BY SIMILARITY(embedding, EMBED($text), 'cosine') DESC LIMIT 5;\n\
             -- name: add\nINSERT INTO docs (title, embedding) VALUES ($title, EMBED($title));\n",
        ),
    ]);
    match hyperql_compile::compile_paths(&[path], "::hyperql_compile_runtime") {
        Ok(o) => insta::assert_snapshot!(o.code),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn traverse_and_relate() {
    insta::assert_snapshot!(generate(
        "-- name: link\nRELATE $a -[:KNOWS {weight: $w}]-> $b;\n\
         -- name: friends\nSELECT b.name, e.weight FROM users a TRAVERSE (a)-[e:KNOWS]->(b:users) WHERE a.id = $id;\n\
         -- name: reach\nSELECT a.name, COUNT(*) AS n FROM users a TRAVERSE (a)<-[:KNOWS*1..2]-(b:users) GROUP BY a.name;\n"
    ));
}

#[test]
fn time_range_and_time_bucket_on_a_time_series() {
    let (_d, path) = folder(&[
        (
            "schema.hql",
            "CREATE SCHEMA ticks (sym String REQUIRED, at Timestamp REQUIRED, px Float REQUIRED) WITH TIME SERIES (at, SERIES sym);",
        ),
        (
            "ticks.hql",
            "-- name: window\nSELECT id, sym, px FROM ticks WHERE at >= $from AND at < $to ORDER BY at LIMIT $n;\n\
             -- name: minutes\nSELECT TIME_BUCKET('1m', at) AS minute, COUNT(*) AS n, AVG(px) AS mean FROM ticks WHERE sym = $sym AND at > $from GROUP BY minute;\n\
             -- name: add\nINSERT INTO ticks (sym, at, px) VALUES ($sym, $at, $px);\n\
             -- name: drop_before\nDELETE FROM ticks WHERE at < $at;\n",
        ),
    ]);
    match hyperql_compile::compile_paths(&[path], "::hyperql_compile_runtime") {
        Ok(o) => insta::assert_snapshot!(o.code),
        Err(e) => panic!("{e}"),
    }
}
