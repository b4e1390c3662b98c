//! Syntax errors: place, offending text, expectation, several per script.

use hyperql::{parse, parse_with_diagnostics};

fn check(src: &str, expect: &[&str]) {
    let (_, diags) = parse_with_diagnostics(src);
    let got: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert_eq!(got, expect, "for {src:?}");
}

#[test]
fn missing_select_item() {
    check(
        "SELECT FROM users",
        &["line 1, column 8: syntax error; expected expression or select item, found `FROM`"],
    );
}

#[test]
fn several_errors_one_per_statement() {
    check(
        "SELECT FROM users;\nSELECT * FROM;\nSELECT 1",
        &[
            "line 1, column 8: syntax error; expected expression or select item, found `FROM`",
            "line 2, column 14: syntax error; expected collection name, found `;`",
        ],
    );
}

#[test]
fn lexical_errors_are_reported_once() {
    check(
        "SELECT 'open FROM t;\nSELECT # FROM t",
        &[
            "line 1, column 8: unterminated or invalid string, found `'open FROM t;\nSELECT # FROM t`",
        ],
    );
    check(
        "SELECT a # b FROM t",
        &["line 1, column 10: unexpected character `#`, found `#`"],
    );
}

#[test]
fn comparisons_do_not_chain() {
    check(
        "SELECT * FROM t WHERE a = b = c",
        &["line 1, column 29: syntax error; expected `;` or end of input, found `=`"],
    );
    assert!(parse("SELECT * FROM t WHERE (a = b) = c").is_ok());
}

#[test]
fn end_of_input() {
    check(
        "SELECT * FROM t WHERE",
        &["line 1, column 22: syntax error; expected expression, found end of input"],
    );
}

#[test]
fn bad_statement_start() {
    let (_, d) = parse_with_diagnostics("SELEC * FROM t");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].found, "SELEC");
    assert_eq!((d[0].line, d[0].column), (1, 1));
    assert!(d[0].expected[0].contains("SELECT"));
}

#[test]
fn integer_out_of_range() {
    let (_, d) = parse_with_diagnostics("SELECT 9223372036854775808");
    assert_eq!(d[0].message, "integer out of range");
    assert!(parse("SELECT -9223372036854775808").is_ok());
}

#[test]
fn keywords_are_case_insensitive() {
    let a = parse("select distinct x from t where y is not null order by x desc").unwrap();
    let b = parse("SELECT DISTINCT x FROM t WHERE y IS NOT NULL ORDER BY x DESC").unwrap();
    assert_eq!(a, b);
}

#[test]
fn spans_cover_their_text() {
    let src = "SELECT a.x FROM t a LEFT JOIN u b ON a.id = b.id TRAVERSE (a)-[e:K*1..2]->(c) ORDER BY a.x DESC";
    let s = hyperql::parse_statement(src).unwrap();
    let hyperql::StatementKind::Select(sel) = &s.kind else {
        panic!("not a select")
    };
    let text = |sp: hyperql::Span| &src[sp.start..sp.end];
    assert_eq!(text(s.span), src);
    let from = sel.from.as_ref().unwrap();
    assert_eq!(text(from.joins[0].span), "LEFT JOIN u b ON a.id = b.id");
    let (edge, node) = &sel.traverse[0].steps[0];
    assert_eq!(text(edge.span), "-[e:K*1..2]->");
    assert_eq!(text(node.span), "(c)");
    assert_eq!(text(sel.order_by[0].span), "a.x DESC");
    let hyperql::SelectItem::Expr { expr, .. } = &sel.items[0] else {
        panic!("not an expr")
    };
    assert_eq!(text(expr.span), "a.x");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("SELECT {}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let (_, d) = parse_with_diagnostics(&deep);
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("nested too deeply"), "{}", d[0]);
    let chain = format!("SELECT 1{}", " + 1".repeat(100_000));
    let (_, d) = parse_with_diagnostics(&chain);
    assert!(d[0].message.contains("nested too deeply"), "{}", d[0]);
    let nots = format!("SELECT {}TRUE", "NOT ".repeat(100_000));
    assert!(!parse_with_diagnostics(&nots).1.is_empty());
    let negs = format!("SELECT {}1", "- ".repeat(100_000));
    assert!(!parse_with_diagnostics(&negs).1.is_empty());
    let explains = format!("{}SELECT 1", "EXPLAIN ".repeat(100_000));
    assert!(!parse_with_diagnostics(&explains).1.is_empty());
    // Within the limit, a long OR chain still parses and runs.
    let ors: Vec<String> = (0..200).map(|i| format!("age = {i}")).collect();
    let q = format!("SELECT COUNT(*) FROM users WHERE {}", ors.join(" OR "));
    let r = super::fixture::engine()
        .query(&q, &hyperql::Params::new())
        .unwrap();
    assert_eq!(r.rows[0][0], hyperql::Value::Int(4));
    let sum = format!("SELECT 0{} AS s", " + age".repeat(200));
    let r = super::fixture::engine()
        .query(
            &format!("{sum} FROM users WHERE id = 1"),
            &hyperql::Params::new(),
        )
        .unwrap();
    assert_eq!(r.rows[0][0], hyperql::Value::Int(5000));
    let nested = format!(
        "SELECT {}age{} FROM users WHERE id = 1",
        "(1 + ".repeat(25),
        ")".repeat(25)
    );
    let r = super::fixture::engine()
        .query(&nested, &hyperql::Params::new())
        .unwrap();
    assert_eq!(r.rows[0][0], hyperql::Value::Int(50));
    let subs = format!("SELECT {}1{}", "(SELECT ".repeat(4), ")".repeat(4));
    let r = super::fixture::engine()
        .query(&subs, &hyperql::Params::new())
        .unwrap();
    assert_eq!(r.rows[0][0], hyperql::Value::Int(1));
    let subs = format!("SELECT {}1{}", "(SELECT ".repeat(100), ")".repeat(100));
    assert!(hyperql::parse(&subs).is_err());
}

/// The text every diagnostic of `src` prints, joined as an error message would be.
fn answer(src: &str) -> (usize, usize) {
    let (_, d) = parse_with_diagnostics(src);
    let text = hyperql::Diagnostics(d.clone()).to_string();
    (d.len(), text.len())
}

#[test]
fn a_megabyte_of_one_bad_character_is_one_short_diagnostic() {
    let junk = "#".repeat(1 << 20);
    let (_, d) = parse_with_diagnostics(&junk);
    assert_eq!(d.len(), 1, "{:?}", d.first().map(|x| &x.message));
    assert_eq!(
        d[0].message,
        format!("unexpected character `#` ({} in a row)", 1 << 20)
    );
    assert_eq!((d[0].span.start, d[0].span.end), (0, 1 << 20));
    let (n, size) = answer(&junk);
    assert_eq!(n, 1);
    assert!(size < 300, "{size} bytes of diagnostics");
}

#[test]
fn lexical_diagnostics_are_capped() {
    // 100,000 separate bad characters: the first 100, then one that counts the rest.
    let junk = "#;".repeat(100_000);
    let (_, d) = parse_with_diagnostics(&junk);
    assert_eq!(d.len(), 101);
    assert_eq!(d[99].column, 199);
    assert_eq!(d[100].message, "and 99900 more errors");
    let (_, size) = answer(&junk);
    assert!(size < 20_000, "{size} bytes of diagnostics");
}

#[test]
fn syntax_diagnostics_are_capped_with_positions_on_every_line() {
    let junk = "x;\n".repeat(100_000);
    let (_, d) = parse_with_diagnostics(&junk);
    assert_eq!(d.len(), 101);
    assert_eq!((d[42].line, d[42].column), (43, 1));
    assert_eq!(d[100].message, "and 99900 more errors");
    let (_, size) = answer(&junk);
    assert!(size < 20_000, "{size} bytes of diagnostics");
}

#[test]
fn long_offending_text_is_cut_in_diagnostics() {
    let src = format!("SELECT '{}", "y".repeat(100_000));
    let (_, d) = parse_with_diagnostics(&src);
    assert_eq!(d.len(), 1);
    assert!(d[0].found.len() < 200, "{} bytes found", d[0].found.len());
    assert!(d[0].found.ends_with('…'), "{}", d[0].found);
}
