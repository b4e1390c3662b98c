//! Generates the tick store's typed API from `hql/` with hyperql-compile.

fn main() {
    if let Err(e) = hyperql_compile::Builder::new()
        .schema("hql/schema.hql")
        .queries("hql/queries")
        .compile()
    {
        // A diagnostic names the file, line and column; fail the build with it.
        println!("cargo::error={e}");
    }
}
