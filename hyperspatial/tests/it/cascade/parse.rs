//! Rules from the AST and from the canonical text a schema stores; parse errors.

use super::model::rules_of_script;
use hyperql::{DataSource, Direction, Engine, MemorySource, Params, StatementKind};
use hyperspatial::cascade::{Aggregate, CascadeError, CascadeRule, DecayKind};

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;

const TOPICS: &str = "CREATE SCHEMA topics (
  name String REQUIRED,
  avg_sentiment Float CASCADED AS AGGREGATE Average FROM sentiment
      THROUGH tagged_with INCOMING WITH DECAY Exponential(0.5)
) WITH EXTENSIBILITY Closed";

#[test]
fn rule_from_the_grammar_example() {
    let rules = rules_of_script(TOPICS);
    assert_eq!(rules.len(), 1);
    let r = &rules[0];
    assert_eq!(r.collection(), "topics");
    assert_eq!(r.field(), "avg_sentiment");
    assert_eq!(r.aggregate(), Aggregate::Average);
    assert_eq!(r.source(), "sentiment");
    assert_eq!(r.through(), ["tagged_with"]);
    assert_eq!(r.direction(), Direction::In);
    assert_eq!(
        r.decay().map(|d| d.kind()),
        Some(DecayKind::Exponential { rate_per_hour: 0.5 })
    );
    assert_eq!(r.qualified_name(), "topics.avg_sentiment");
    assert_eq!(
        r.to_string(),
        "CASCADED AS AGGREGATE Average FROM sentiment THROUGH tagged_with INCOMING \
         WITH DECAY Exponential(0.5)"
    );
}

#[test]
fn text_stored_by_the_planner_reads_back_as_the_ast_rule() {
    let engine = Engine::new(MemorySource::new());
    engine.query(TOPICS, &Params::new()).expect("CREATE SCHEMA");
    let schema = engine.source().schema("topics").expect("declared");
    let field = schema.field("avg_sentiment").expect("field");
    assert!(field.cascade.is_some());
    let from_text = CascadeRule::from_field_schema("topics", field)
        .expect("parses")
        .expect("derived");
    assert_eq!(from_text, rules_of_script(TOPICS)[0]);
    // A field that is not derived has no rule.
    let name = schema.field("name").expect("field");
    assert_eq!(CascadeRule::from_field_schema("topics", name), Ok(None));
}

#[test]
fn every_kind_of_rule_round_trips_through_its_text_and_the_ast_display() {
    let script = "CREATE SCHEMA t (
      a Float CASCADED AS AGGREGATE avg FROM s THROUGH e INCOMING,
      b Float CASCADED AS AGGREGATE MEAN FROM s THROUGH e OUTGOING WITH DECAY Exponential('1d'),
      c Int CASCADED AS AGGREGATE count FROM s THROUGH \"odd label\" BOTH,
      d Float CASCADED AS AGGREGATE Sum FROM s THROUGH e INCOMING WITH DECAY Linear(12),
      e2 Float CASCADED AS AGGREGATE min FROM s THROUGH e INCOMING WITH DECAY Window('7d'),
      f Float CASCADED AS AGGREGATE MAX FROM s THROUGH e INCOMING WITH DECAY Linear(INTERVAL '90 minutes'),
      g Float CASCADED AS AGGREGATE Latest FROM s THROUGH e INCOMING WITH DECAY exponential(2),
      h Float CASCADED AS AGGREGATE sum FROM s THROUGH e INCOMING WITH DECAY WINDOW(1.5)
    )";
    let stmt = hyperql::parse_statement(script).expect("parses");
    let StatementKind::CreateSchema(cs) = stmt.kind else {
        panic!("not a schema");
    };
    let rules = rules_of_script(script);
    assert_eq!(rules.len(), 8);
    for (f, rule) in cs.fields.iter().zip(&rules) {
        // The text the planner stores: the field printed from the AST, from CASCADED on.
        let printed = f.to_string();
        let text = &printed[printed.find("CASCADED").expect("cascade")..];
        let again = CascadeRule::from_text("t", &f.name.name, text).expect("stored text");
        assert_eq!(&again, rule, "{text}");
        // The rule's own canonical text, and its AST, read back equal.
        let canon = rule.to_string();
        assert_eq!(
            CascadeRule::from_text("t", rule.field(), &canon).as_ref(),
            Ok(rule),
            "{canon}"
        );
        let ast = rule.to_ast();
        assert_eq!(
            CascadeRule::from_ast("t", rule.field(), &ast).as_ref(),
            Ok(rule)
        );
    }
    let kinds: Vec<_> = rules.iter().map(|r| r.decay().map(|d| d.kind())).collect();
    assert_eq!(
        kinds,
        vec![
            None,
            Some(DecayKind::HalfLife { half_life_us: DAY }),
            None,
            Some(DecayKind::Linear {
                window_us: 12 * HOUR
            }),
            Some(DecayKind::Window { window_us: 7 * DAY }),
            Some(DecayKind::Linear {
                window_us: 90 * 60_000_000
            }),
            Some(DecayKind::Exponential { rate_per_hour: 2.0 }),
            Some(DecayKind::Window {
                window_us: 3 * HOUR / 2
            }),
        ]
    );
    let aggs: Vec<_> = rules.iter().map(CascadeRule::aggregate).collect();
    use Aggregate::*;
    assert_eq!(
        aggs,
        vec![Average, Average, Count, Sum, Min, Max, Latest, Sum]
    );
    assert_eq!(rules[2].through(), ["odd label"]);
    assert_eq!(rules[2].direction(), Direction::Both);
    assert_eq!(rules[1].direction(), Direction::Out);
    assert_eq!(
        rules[1].to_string(),
        "CASCADED AS AGGREGATE Average FROM s THROUGH e OUTGOING WITH DECAY Exponential('1d')"
    );
    assert!(rules[2].to_string().contains("THROUGH \"odd label\" BOTH"));
}

fn rule_text(text: &str) -> Result<CascadeRule, CascadeError> {
    CascadeRule::from_text("posts", "x", text)
}

#[test]
fn unknown_function_is_refused() {
    let err = rule_text("CASCADED AS AGGREGATE Mode FROM s THROUGH e INCOMING").unwrap_err();
    assert_eq!(
        err,
        CascadeError::UnknownFunction {
            collection: "posts".into(),
            field: "x".into(),
            name: "Mode".into()
        }
    );
    let msg = err.to_string();
    assert!(
        msg.contains("`posts.x`") && msg.contains("unknown aggregate `Mode`"),
        "{msg}"
    );
}

#[test]
fn aggregates_with_arguments_and_several_labels_round_trip() {
    let script = "CREATE SCHEMA t (
      a Float CASCADED AS AGGREGATE movingmean(10) FROM s THROUGH tagged_with related_to INCOMING,
      b Float CASCADED AS AGGREGATE Percentile(97.5) FROM s THROUGH e \"incoming\" e BOTH,
      c Float CASCADED AS AGGREGATE median FROM s THROUGH e OUTGOING WITH DECAY Window(2),
      d Float CASCADED AS AGGREGATE STDDEV FROM s THROUGH e INCOMING
    )";
    let rules = rules_of_script(script);
    use Aggregate::*;
    let aggs: Vec<_> = rules.iter().map(CascadeRule::aggregate).collect();
    assert_eq!(aggs, vec![MovingMean(10), Percentile(97.5), Median, StdDev]);
    assert_eq!(rules[0].through(), ["tagged_with", "related_to"]);
    // A label given twice counts once.
    assert_eq!(rules[1].through(), ["e", "incoming"]);
    assert_eq!(
        rules[0].to_string(),
        "CASCADED AS AGGREGATE MovingMean(10) FROM s THROUGH tagged_with related_to INCOMING"
    );
    assert_eq!(
        rules[1].to_string(),
        "CASCADED AS AGGREGATE Percentile(97.5) FROM s THROUGH e \"incoming\" BOTH"
    );
    for r in &rules {
        let back = rule_text(&r.to_string()).unwrap();
        assert_eq!(back.aggregate(), r.aggregate());
        assert_eq!(back.through(), r.through());
        assert_eq!(back.to_string(), r.to_string());
    }
    for (text, needle) in [
        (
            "CASCADED AS AGGREGATE MovingMean(0) FROM s THROUGH e INCOMING",
            "n >= 1",
        ),
        (
            "CASCADED AS AGGREGATE MovingMean FROM s THROUGH e INCOMING",
            "n >= 1",
        ),
        (
            "CASCADED AS AGGREGATE Percentile(101) FROM s THROUGH e INCOMING",
            "[0, 100]",
        ),
        (
            "CASCADED AS AGGREGATE Percentile(p) FROM s THROUGH e INCOMING",
            "not a number",
        ),
        (
            "CASCADED AS AGGREGATE Median(2) FROM s THROUGH e INCOMING",
            "no arguments",
        ),
    ] {
        let err = rule_text(text).unwrap_err();
        assert!(
            matches!(err, CascadeError::BadArguments { .. }),
            "{text}: {err:?}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains(needle) && msg.contains("posts.x"),
            "{text}: {msg}"
        );
    }
}

#[test]
fn unknown_decay_is_refused() {
    let err = rule_text("CASCADED AS AGGREGATE Sum FROM s THROUGH e INCOMING WITH DECAY Gauss(1)")
        .unwrap_err();
    assert!(matches!(&err, CascadeError::UnknownDecay { name, .. } if name == "Gauss"));
    assert!(err.to_string().contains("unknown decay `Gauss`"), "{err}");
}

#[test]
fn bad_decay_arguments_are_refused() {
    for (decay, needle) in [
        ("Exponential()", "found 0"),
        ("Exponential(1, 2)", "found 2"),
        ("Exponential(-1)", "rate"),
        ("Exponential('soon')", "not an interval"),
        ("Exponential('0s')", "half-life"),
        ("Exponential('-1d')", "half-life"),
        ("Linear(0)", "window"),
        ("Linear(-2.5)", "window"),
        ("Window('-1d')", "window"),
        ("Window(TRUE)", "expected a number"),
        ("Window(age)", "expected a number"),
        ("Linear(1e300)", "out of range"),
    ] {
        let text =
            format!("CASCADED AS AGGREGATE Sum FROM s THROUGH e INCOMING WITH DECAY {decay}");
        let err = rule_text(&text).unwrap_err();
        assert!(
            matches!(err, CascadeError::BadDecay { .. }),
            "{decay}: {err:?}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains(needle) && msg.contains("posts.x"),
            "{decay}: {msg}"
        );
    }
}

#[test]
fn text_that_is_not_exactly_one_cascade_clause_is_refused() {
    for text in [
        "",
        "CASCADED AS AGGREGATE Sum FROM s",
        "CASCADED AS AGGREGATE Sum FROM s THROUGH e SIDEWAYS",
        "REQUIRED",
        "CASCADED AS AGGREGATE Sum FROM s THROUGH e INCOMING, y Int",
        "CASCADED AS AGGREGATE Sum FROM s THROUGH e INCOMING REQUIRED",
        "CASCADED AS AGGREGATE Sum FROM s THROUGH e INCOMING) WITH EXTENSIBILITY Open; SELECT (1",
    ] {
        let err = rule_text(text).unwrap_err();
        assert!(matches!(err, CascadeError::Parse { .. }), "{text}: {err:?}");
        assert!(
            err.to_string().contains("cannot read cascade rule"),
            "{err}"
        );
    }
}
