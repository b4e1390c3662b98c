//! Every ```hyperql block of docs/hyperql.md parses, prints, and parses back equal.

use hyperql::parse;

fn doc_blocks() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/hyperql.md");
    let text = std::fs::read_to_string(path).expect("docs/hyperql.md");
    let mut blocks = Vec::new();
    let mut cur: Option<String> = None;
    for line in text.lines() {
        match &mut cur {
            None if line.trim() == "```hyperql" => cur = Some(String::new()),
            Some(b) if line.trim() == "```" => {
                blocks.push(std::mem::take(b));
                cur = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn every_documented_example_round_trips() {
    let blocks = doc_blocks();
    assert!(blocks.len() >= 8, "found {} blocks", blocks.len());
    let mut statements = 0;
    for b in &blocks {
        let script = parse(b).unwrap_or_else(|e| panic!("{b}\n{e}"));
        let printed = script.to_string();
        let again = parse(&printed).unwrap_or_else(|e| panic!("{printed}\n{e}"));
        assert_eq!(script, again, "{b}\nprinted as\n{printed}");
        assert_eq!(printed, again.to_string());
        statements += script.statements.len();
    }
    assert!(statements >= 30, "only {statements} statements");
}
