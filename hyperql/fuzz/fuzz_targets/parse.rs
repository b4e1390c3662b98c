//! Fuzzes the lexer and parser: no input panics, and whatever parses prints back to
//! text that parses to the same tree. Run: `cargo +nightly fuzz run parse` in `hyperql/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (script, _) = hyperql::parse_with_diagnostics(text);
        let printed = script.to_string();
        match hyperql::parse(&printed) {
            Ok(again) => assert_eq!(script, again, "{printed}"),
            Err(e) => panic!("printed script does not parse:\n{printed}\n{e}"),
        }
    }
});
