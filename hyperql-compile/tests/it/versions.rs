//! The schema history: recording versions, the diagnostics of a bad versions folder
//! or an unrecorded change, and snapshots of the generated migration code.

use super::folder;
use hyperql_compile::{Error, Output, Versions, compile_versioned};
use std::path::{Path, PathBuf};

const V1: &str =
    "CREATE SCHEMA users (name String REQUIRED INDEXED, age Int, score Int REQUIRED);\n";
const V2: &str = "-- renamed: users.age -> years\n\
    CREATE SCHEMA users (name String REQUIRED, years Int INDEXED, score Float REQUIRED, email String);\n";

fn compile(schema: &Path, dir: &Path, record: bool) -> Result<Output, Error> {
    let cfg = Versions {
        dir: dir.to_path_buf(),
        up_to: None,
        record,
    };
    compile_versioned(
        &[schema.to_path_buf()],
        "::hyperql_compile_runtime",
        Some(&cfg),
        "users_db",
    )
}

/// A folder with `schema.hql` recorded as v1 and then changed to `V2` and recorded.
fn two_versions() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (d, root) = folder(&[("schema.hql", V1)]);
    let (schema, versions) = (root.join("schema.hql"), root.join("versions"));
    if let Err(e) = compile(&schema, &versions, true) {
        panic!("{e}");
    }
    std::fs::write(&schema, V2).unwrap_or_else(|e| panic!("{e}"));
    match compile(&schema, &versions, true) {
        Ok(o) => assert_eq!(o.recorded, Some(versions.join("v2.json"))),
        Err(e) => panic!("{e}"),
    }
    (d, schema, versions)
}

fn err_text(r: Result<Output, Error>, root: &Path) -> String {
    match r {
        Ok(_) => "compiled".into(),
        Err(e) => e.to_string().replace(&format!("{}/", root.display()), ""),
    }
}

#[test]
fn recording_writes_a_version_only_when_the_schema_changed() {
    let (_d, schema, versions) = two_versions();
    let again = compile(&schema, &versions, true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.recorded, None);
    assert_eq!(again.history.len(), 2);
    assert_eq!(again.history[1].renamed.len(), 1);
    insta::assert_snapshot!(std::fs::read_to_string(versions.join("v2.json")).unwrap_or_default());
}

#[test]
fn an_unrecorded_change_is_an_error_that_says_how_to_record_it() {
    let (_d, schema, versions) = two_versions();
    std::fs::write(
        &schema,
        "CREATE SCHEMA users (name String REQUIRED, years Float, score Float REQUIRED);",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let root = versions.parent().map(Path::to_path_buf).unwrap_or_default();
    assert_eq!(
        err_text(compile(&schema, &versions, false), &root),
        "versions: the schema differs from the newest recorded version (v2): field `users.years` changed from Int to Float; field `users.years` no longer INDEXED; field `users.email` removed; record it as v3 with `hyperql-compile <inputs> --versions versions --record-version` and commit the new file"
    );
    assert!(!versions.join("v3.json").exists());
}

/// Each bad versions folder (file name, text) and the error it gives.
#[test]
fn bad_versions_files() {
    let good = |n: u64| {
        format!(
            "{{\"version\": {n}, \"collections\": [{{\"name\": \"users\", \"fields\": [{{\"name\": \"name\", \"ty\": \"String\", \"required\": true, \"indexed\": true}}, {{\"name\": \"age\", \"ty\": \"Int\"}}, {{\"name\": \"score\", \"ty\": \"Int\", \"required\": true}}]}}]}}"
        )
    };
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            vec![("versions/v2.json", good(2))],
            "versions/v2.json: versions are numbered from 1 without gaps; expected v1.json",
        ),
        (
            vec![("versions/first.json", good(1))],
            "versions/first.json: a version file is named v<N>.json (v1.json, v2.json, ...)",
        ),
        (
            vec![("versions/v1.json", good(3))],
            "versions/v1.json: `version` is 3, but the file is v1.json",
        ),
        (
            vec![("versions/v1.json", "{\"version\": 1,\n \"collections\": [}".into())],
            "versions/v1.json: 2:18: expected value at line 2 column 18",
        ),
        (
            vec![(
                "versions/v1.json",
                good(1).replace("\"Int\"}", "\"Integer\"}"),
            )],
            "versions/v1.json: field `users.age` has type `Integer`; expected String, Int, Float, Bool, Timestamp or Embedding(n)",
        ),
        (
            vec![
                ("versions/v1.json", good(1)),
                (
                    "versions/v2.json",
                    good(2).replace("]}]}", "]}], \"renamed\": [{\"collection\": \"users\", \"from\": \"years\", \"to\": \"age\"}]}"),
                ),
            ],
            "versions/v2.json: rename `users.years` -> `age`: v1 must have `years` and v2 `age`",
        ),
    ];
    for (files, want) in cases {
        let mut all: Vec<(&str, &str)> = vec![("schema.hql", V1)];
        all.extend(files.iter().map(|(n, t)| (*n, t.as_str())));
        let (_d, root) = folder(&all);
        let got = err_text(
            compile(&root.join("schema.hql"), &root.join("versions"), false),
            &root,
        );
        assert_eq!(got, want);
    }
}

#[test]
fn an_empty_history_asks_for_the_first_version() {
    let (_d, root) = folder(&[("schema.hql", V1)]);
    assert_eq!(
        err_text(
            compile(&root.join("schema.hql"), &root.join("versions"), false),
            &root
        ),
        "versions: no version is recorded yet; record it as v1 with `hyperql-compile <inputs> --versions versions --record-version` and commit the new file"
    );
}

#[test]
fn an_older_version_is_generated_from_its_own_schema() {
    let (_d, schema, versions) = two_versions();
    let old = folder(&[("schema.hql", V1)]);
    let cfg = |up_to| Versions {
        dir: versions.clone(),
        up_to: Some(up_to),
        record: false,
    };
    let one = compile_versioned(&[old.1.join("schema.hql")], "::rt", Some(&cfg(1)), "x")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(one.history.len(), 1);
    assert!(one.migration_tests.is_none());
    let root = versions.parent().map(Path::to_path_buf).unwrap_or_default();
    let wrong = compile_versioned(&[schema], "::rt", Some(&cfg(1)), "x");
    assert_eq!(
        err_text(wrong, &root),
        "versions: the schema is not the one recorded as v1 (or there is no v1)"
    );
}

#[test]
fn migration_code_and_test_skeletons() {
    let (_d, schema, versions) = two_versions();
    let out = compile(&schema, &versions, false).unwrap_or_else(|e| panic!("{e}"));
    let start = out.code.find("/// The schema versions").unwrap_or(0);
    insta::assert_snapshot!("migration_code", &out.code[start..]);
    insta::assert_snapshot!("migration_tests", out.migration_tests.unwrap_or_default());
}

#[test]
fn the_cli_records_a_version() {
    let (_d, root) = folder(&[("schema.hql", V1)]);
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_hyperql-compile"))
            .arg(root.join("schema.hql"))
            .arg("--versions")
            .arg(root.join("versions"))
            .arg("--record-version")
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let first = run();
    assert!(first.status.success());
    assert!(String::from_utf8_lossy(&first.stdout).starts_with("recorded "));
    assert!(root.join("versions/v1.json").is_file());
    let second = run();
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        "checked 1 collections (1 versions)\n"
    );
}

/// Vector fields live in their own tables: a history where one is kept as it was
/// migrates the documents around it; one where it is added is refused, naming it.
#[test]
fn vector_fields_are_kept_out_of_document_steps() {
    let a = "CREATE SCHEMA items (name String REQUIRED, emb Embedding(4));\n";
    let b = "CREATE SCHEMA items (name String REQUIRED, emb Embedding(4), note String);\n";
    let c = "CREATE SCHEMA items (name String REQUIRED, emb Embedding(4), note String, \
             other Embedding(2));\n";
    let (_d, root) = folder(&[("schema.hql", a)]);
    let (schema, versions) = (root.join("schema.hql"), root.join("versions"));
    for (text, ok) in [(a, true), (b, true), (c, false)] {
        std::fs::write(&schema, text).unwrap_or_else(|e| panic!("{e}"));
        let r = compile(&schema, &versions, true);
        if ok {
            let out = r.unwrap_or_else(|e| panic!("{e}"));
            let versions_part = out
                .code
                .split("pub mod versions")
                .nth(1)
                .unwrap_or_default();
            let first = versions_part
                .split("pub mod migrations")
                .next()
                .unwrap_or_default();
            assert!(
                !first.contains("pub emb:"),
                "a version's document holds no vector"
            );
        } else {
            let e = err_text(r, &root);
            assert!(e.contains("vector field `items.other`"), "{e}");
        }
    }
}

const TS1: &str = "CREATE SCHEMA ticks (sym String REQUIRED, at Timestamp REQUIRED, px Float) WITH TIME SERIES (at);\n";
const TS2: &str = "CREATE SCHEMA ticks (sym String REQUIRED, at Timestamp REQUIRED, px Float) WITH TIME SERIES (at, SERIES sym);\n";

/// A recorded version keeps a collection's `WITH TIME SERIES`, and a change of it is
/// a schema change that must be recorded.
#[test]
fn a_time_series_declaration_is_part_of_a_version() {
    let (_d, root) = folder(&[("schema.hql", TS1)]);
    let (schema, versions) = (root.join("schema.hql"), root.join("versions"));
    compile(&schema, &versions, true).unwrap_or_else(|e| panic!("{e}"));
    let v1 = std::fs::read_to_string(versions.join("v1.json")).unwrap_or_default();
    assert!(
        v1.contains("\"time_series\": {\n        \"time\": \"at\"\n      }"),
        "{v1}"
    );
    std::fs::write(&schema, TS2).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        err_text(compile(&schema, &versions, false), &root),
        "versions: the schema differs from the newest recorded version (v1): `ticks` is now a time series on `at` by `sym`; record it as v2 with `hyperql-compile <inputs> --versions versions --record-version` and commit the new file"
    );
    let out = compile(&schema, &versions, true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.history.len(), 2);
    // The step rebuilds the points by the new series field.
    let code = out.code.replace(char::is_whitespace, "");
    assert!(
        code.contains("series.clear(tx,\"ticks\")?;"),
        "{}",
        out.code
    );
    assert!(
        code.contains("series.put(&mutpending,\"ticks\",new.sym.as_str(),new.at,new.id)"),
        "{}",
        out.code
    );
    let v2 = std::fs::read_to_string(versions.join("v2.json")).unwrap_or_default();
    assert!(v2.contains("\"series\": \"sym\""), "{v2}");
    std::fs::write(
        &schema,
        "CREATE SCHEMA ticks (sym String REQUIRED, at Timestamp REQUIRED, px Float);\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let e = err_text(compile(&schema, &versions, false), &root);
    assert!(e.contains("`ticks` is no longer a time series"), "{e}");
}

/// Each bad `time_series` entry of a version file and the error it gives.
#[test]
fn bad_time_series_entries() {
    let file = |fields: &str, ts: &str| {
        format!(
            "{{\"version\": 1, \"collections\": [{{\"name\": \"ticks\", \"fields\": [{fields}], \"time_series\": {ts}}}]}}"
        )
    };
    let fields = "{\"name\": \"sym\", \"ty\": \"String\", \"required\": true}, {\"name\": \"at\", \"ty\": \"Timestamp\", \"required\": true}, {\"name\": \"px\", \"ty\": \"Float\"}";
    let cases = [
        (
            file(fields, "{\"time\": \"px\"}"),
            "versions/v1.json: the time field `ticks.px` must be a REQUIRED Int or Timestamp field of the collection",
        ),
        (
            file(fields, "{\"time\": \"when\"}"),
            "versions/v1.json: the time field `ticks.when` must be a REQUIRED Int or Timestamp field of the collection",
        ),
        (
            file(
                &fields.replace("\"Timestamp\", \"required\": true", "\"Timestamp\""),
                "{\"time\": \"at\"}",
            ),
            "versions/v1.json: the time field `ticks.at` must be a REQUIRED Int or Timestamp field of the collection",
        ),
        (
            file(fields, "{\"time\": \"at\", \"series\": \"at\"}"),
            "versions/v1.json: the series field of `ticks` must differ from its time field",
        ),
        (
            file(fields, "{\"time\": \"at\", \"series\": \"px\"}"),
            "versions/v1.json: the series field `ticks.px` must be a REQUIRED String field of the collection",
        ),
    ];
    for (text, want) in cases {
        let (_d, root) = folder(&[("schema.hql", TS1), ("versions/v1.json", &text)]);
        let got = err_text(
            compile(&root.join("schema.hql"), &root.join("versions"), false),
            &root,
        );
        assert_eq!(got, want);
    }
    let (_d, root) = folder(&[
        ("schema.hql", TS1),
        (
            "versions/v1.json",
            &file(fields, "{\"time\": \"at\", \"every\": 5}"),
        ),
    ]);
    let got = err_text(
        compile(&root.join("schema.hql"), &root.join("versions"), false),
        &root,
    );
    assert!(
        got.starts_with("versions/v1.json: ") && got.contains("unknown field `every`"),
        "{got}"
    );
}
