//! Generates the readings store's API from `hql/` with its schema history.

fn main() {
    if let Err(e) = hyperql_compile::Builder::new()
        .schema("hql/schema.hql")
        .queries("hql/queries")
        .versions("hql/versions")
        .compile()
    {
        println!("cargo::error={e}");
    }
}
