//! Endpoints (`collection[key].path`, `ENDPOINTS(..)`, `SET`) are not compiled: each
//! is refused with its name.

use super::{SCHEMA, compile_err};

#[test]
fn endpoints_are_refused_by_name() {
    for (query, what) in [
        (
            "SELECT users['u1'].name AS n FROM users;",
            "an endpoint read (collection[key].path)",
        ),
        (
            "SELECT path FROM ENDPOINTS('users.*.name');",
            "ENDPOINTS(..)",
        ),
        ("SET users['u1'].name = 'x';", "SET of endpoints"),
    ] {
        let e = compile_err(&[("schema.hql", SCHEMA), ("q.hql", query)]);
        assert!(
            e.contains(what) && e.contains("which hyperql-compile does not compile"),
            "{query}: {e}"
        );
    }
}
