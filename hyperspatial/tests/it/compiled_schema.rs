//! A schema compiled by hyperql-compile (its JSON) loaded as declared schemas:
//! documents are then checked against the compiled types and REQUIRED fields.

use hyperql::{Engine, Params, Type};
use hyperspatial::Database;

#[test]
fn a_compiled_schema_file_declares_the_collections() {
    let dir = tempfile::tempdir().unwrap();
    let hql = dir.path().join("schema.hql");
    std::fs::write(
        &hql,
        "CREATE SCHEMA users (name String REQUIRED INDEXED, age Int, score Float REQUIRED, v Embedding(3));",
    )
    .unwrap();
    let out = dir.path().join("out");
    hyperql_compile::Builder::new()
        .schema(&hql)
        .out_dir(&out)
        .compile()
        .unwrap();
    let db = Database::open(dir.path().join("db")).unwrap();
    let names = db
        .load_compiled_schema(out.join("hyperql.schema.json"))
        .unwrap();
    assert_eq!(names, ["users"]);
    let s = db.schema_of("users").unwrap();
    let fields: Vec<(&str, Type, bool, bool)> = s
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.ty, f.required, f.indexed))
        .collect();
    assert_eq!(
        fields,
        [
            ("name", Type::String, true, true),
            ("age", Type::Int, false, false),
            ("score", Type::Float, true, false),
            ("v", Type::Vector(Some(3)), false, false),
        ]
    );
    assert!(s.closed && s.declared);
    let e = Engine::new(db.clone());
    let run = |q: &str| {
        e.query(q, &Params::new())
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        run("INSERT INTO users (name, score) VALUES ('ada', 1.5)"),
        Ok(())
    );
    let missing = run("INSERT INTO users (name) VALUES ('bob')").unwrap_err();
    assert!(missing.contains("score"), "{missing}");
    let wrong = run("INSERT INTO users (name, score, age) VALUES ('cy', 2.0, 'old')").unwrap_err();
    assert!(wrong.contains("age"), "{wrong}");
}

#[test]
fn a_file_that_is_not_a_compiled_schema_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path().join("db")).unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        r#"{"collections": [{"name": "x", "fields": [{"name": "a", "ty": "Money"}]}]}"#,
    )
    .unwrap();
    let err = db.load_compiled_schema(&path).unwrap_err().to_string();
    assert!(
        err.starts_with("not a hyperql-compile schema: unknown variant `Money`"),
        "{err}"
    );
    let err = db
        .load_compiled_schema(dir.path().join("none.json"))
        .unwrap_err();
    assert!(matches!(err, hyperspatial::CompiledSchemaError::Io { .. }));
}
