//! The build-script helper and the CLI write what they say, with the schema JSON.

use super::{SCHEMA, folder};

#[test]
fn builder_writes_the_module_and_the_schema_json() -> Result<(), hyperql_compile::Error> {
    let (_d, path) = folder(&[
        ("schema.hql", SCHEMA),
        ("q/get.hql", "SELECT name FROM users WHERE id = $id;"),
    ]);
    let out = path.join("out");
    let module = hyperql_compile::Builder::new()
        .schema(path.join("schema.hql"))
        .queries(path.join("q"))
        .crate_path("::my_runtime")
        .out_dir(&out)
        .compile()?;
    let code = std::fs::read_to_string(&module).unwrap_or_default();
    assert!(
        code.contains("pub fn get(") && code.contains("id: i64"),
        "{code}"
    );
    assert!(code.contains("::my_runtime::manifold::Database"));
    assert!(!code.contains("hyperql_compile_runtime"));
    assert!(!code.contains("unsafe"));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("hyperql.schema.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    assert_eq!(json["collections"][0]["name"], "users");
    assert_eq!(json["collections"][0]["fields"][0]["indexed"], true);
    Ok(())
}

#[test]
fn the_cli_writes_a_crate() {
    let (_d, path) = folder(&[
        ("schema.hql", SCHEMA),
        ("get.hql", "SELECT name FROM users WHERE id = $id;"),
    ]);
    let out = path.join("crate");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_hyperql-compile"))
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .arg("--name")
        .arg("user_queries")
        .status();
    assert!(status.is_ok_and(|s| s.success()));
    let toml = std::fs::read_to_string(out.join("Cargo.toml")).unwrap_or_default();
    assert!(toml.contains("name = \"user_queries\""));
    assert!(toml.contains("hyperql-compile-runtime"));
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap_or_default();
    assert!(lib.contains("pub struct Db"));
    assert!(out.join("schema.json").exists());
}

#[test]
fn the_cli_reports_diagnostics_and_fails() {
    let (_d, path) = folder(&[("bad.hql", "SELECT FROM users;")]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hyperql-compile"))
        .arg(&path)
        .arg("--out")
        .arg(path.join("crate"))
        .output();
    let Ok(out) = out else {
        panic!("could not run the CLI")
    };
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.hql:1:8: syntax error"), "{err}");
}
