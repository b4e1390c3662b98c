//! Generates the people store's API from `hql/` with its schema history, and the
//! API of version 1 (from `hql/v1/`) that the migration tests write old data with.

fn main() {
    let current = hyperql_compile::Builder::new()
        .schema("hql/schema.hql")
        .queries("hql/queries")
        .versions("hql/versions")
        .compile();
    let v1 = hyperql_compile::Builder::new()
        .schema("hql/v1")
        .versions("hql/versions")
        .as_version(1)
        .file_name("hyperql_v1.rs")
        .compile();
    for result in [current, v1] {
        if let Err(e) = result {
            println!("cargo::error={e}");
        }
    }
}
