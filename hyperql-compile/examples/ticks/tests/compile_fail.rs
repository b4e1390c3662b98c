//! Code that must not compile against the generated API (trybuild; one runner, few
//! cases, because each run builds the crate again).

#[test]
fn generated_api_rejects_wrong_code() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
