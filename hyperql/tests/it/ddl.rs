//! Schema DDL and the spatial forms at the syntax level: what each form parses to,
//! how it prints, and the errors of bad input.

use hyperql::{FieldScope, FieldType, StatementKind, Type, parse_statement};

fn same(a: &str, b: &str) {
    let (x, y) = (parse_statement(a).unwrap(), parse_statement(b).unwrap());
    assert_eq!(x, y, "{a}  vs  {b}");
}

fn syntax_error(text: &str) -> String {
    parse_statement(text).unwrap_err().to_string()
}

#[test]
fn function_forms_are_the_operator_forms() {
    same(
        "SELECT id FROM d WHERE NEAR(position, 1.5, POSITION(0.1, 0.2))",
        "SELECT id FROM d WHERE position NEAR POSITION(0.1, 0.2) WITHIN 1.5",
    );
    same(
        "SELECT id FROM d WHERE within(position, $r, $a) AND x = 1",
        "SELECT id FROM d WHERE position NEAR $a WITHIN $r AND x = 1",
    );
    same(
        "SELECT id FROM d ORDER BY position DISTANCE $a LIMIT 3",
        "SELECT id FROM d ORDER BY position DISTANCE FROM $a LIMIT 3",
    );
    let s = parse_statement("SELECT id FROM d WHERE position NEAR 'x' LIMIT 3").unwrap();
    assert_eq!(
        s.to_string(),
        "SELECT id FROM d WHERE position NEAR 'x' LIMIT 3"
    );
    // `distance` is still a name where no operand follows.
    let s = parse_statement("SELECT a AS distance, distance FROM d").unwrap();
    assert_eq!(s.to_string(), "SELECT a AS distance, distance FROM d");
    let e = syntax_error("SELECT id FROM d WHERE NEAR(position, 1.0)");
    assert!(e.contains("take three arguments"), "{e}");
}

#[test]
fn field_modifiers_and_parametrized_types_print_canonically() {
    let text = "CREATE SCHEMA n (a Array(Embedding(3)) OPTIONAL METADATA, b Map(Array(Int)) REQUIRED DOMAIN_SHARED INDEXED, c Float COLLECTION_SPECIFIC CASCADED AS AGGREGATE Percentile(90) FROM s THROUGH x y \"both\" INCOMING)";
    let s = parse_statement(text).unwrap();
    assert_eq!(s.to_string(), text);
    let StatementKind::CreateSchema(c) = &s.kind else {
        panic!("{s:?}");
    };
    assert!(c.fields[0].optional && !c.fields[0].required);
    assert_eq!(c.fields[0].scope, Some(FieldScope::Metadata));
    assert_eq!(
        c.fields[2].cascade.as_ref().map(|c| c.through.len()),
        Some(3)
    );
    assert_eq!(
        FieldType::from_type_name(&c.fields[1].ty),
        Ok(FieldType::Map(Box::new(FieldType::Array(Box::new(
            FieldType::Plain(Type::Int)
        )))))
    );
    let s = parse_statement("ALTER SCHEMA n MODIFY FIELD a Int REQUIRED").unwrap();
    assert_eq!(s.to_string(), "ALTER SCHEMA n MODIFY FIELD a Int REQUIRED");
    for (bad, needle) in [
        (
            "CREATE SCHEMA n (a Int REQUIRED OPTIONAL)",
            "REQUIRED or OPTIONAL",
        ),
        (
            "CREATE SCHEMA n (a Int OPTIONAL OPTIONAL)",
            "REQUIRED or OPTIONAL",
        ),
        (
            "CREATE SCHEMA n (a Int METADATA DOMAIN_SHARED)",
            "at most one scope",
        ),
        ("CREATE SCHEMA n (a Array(3, Int))", "expected"),
        ("ALTER SCHEMA n RENAME FIELD a b", "ADD, MODIFY or DROP"),
    ] {
        let e = syntax_error(bad);
        assert!(e.contains(needle), "{bad}: {e}");
    }
}

#[test]
fn field_types_read_back_from_their_text() {
    for text in [
        "Int",
        "Vector(3)",
        "Array",
        "Array(String)",
        "Map(Float)",
        "Array(Map(Vector(2)))",
        "Object",
        "Any",
    ] {
        let t = FieldType::parse(text).unwrap();
        assert_eq!(t.to_string(), text);
    }
    assert_eq!(
        FieldType::parse("Map"),
        Some(FieldType::Plain(Type::Object))
    );
    assert_eq!(FieldType::parse("Complex"), None);
    assert_eq!(FieldType::parse("Array(Complex)"), None);
}
