//! The rule set: levels, cycles, trigger index, removal.

use super::model::{rules_of_script, set_of_script};
use hyperql::{DataSource, Engine, MemorySource, Params};
use hyperspatial::cascade::{CascadeError, CascadeSet};

const CHAIN: &str = "
CREATE SCHEMA topics (
  avg_sentiment Float CASCADED AS AGGREGATE Average FROM sentiment THROUGH tagged_with INCOMING,
  posts Int CASCADED AS AGGREGATE Count FROM sentiment THROUGH tagged_with INCOMING
);
CREATE SCHEMA categories (
  mean_of_topics Float CASCADED AS AGGREGATE Average FROM avg_sentiment THROUGH contains OUTGOING
);
CREATE SCHEMA realms (
  best Float CASCADED AS AGGREGATE Max FROM mean_of_topics THROUGH member BOTH
)";

fn names<'a>(it: impl Iterator<Item = &'a hyperspatial::cascade::CascadeRule>) -> Vec<String> {
    it.map(|r| r.qualified_name()).collect()
}

#[test]
fn levels_and_trigger_index() {
    let set = set_of_script(CHAIN);
    assert_eq!(set.len(), 4);
    assert!(!set.is_empty());
    assert_eq!(set.level("topics", "avg_sentiment"), Some(0));
    assert_eq!(set.level("topics", "posts"), Some(0));
    assert_eq!(set.level("categories", "mean_of_topics"), Some(1));
    assert_eq!(set.level("realms", "best"), Some(2));
    assert_eq!(set.level("realms", "nope"), None);
    assert_eq!(
        names(set.readers_of("sentiment")),
        ["topics.avg_sentiment", "topics.posts"]
    );
    assert_eq!(
        names(set.readers_of("avg_sentiment")),
        ["categories.mean_of_topics"]
    );
    assert_eq!(names(set.readers_of("name")), Vec::<String>::new());
    assert_eq!(names(set.rules_through("member")), ["realms.best"]);
    assert_eq!(
        names(set.rules_through("tagged_with")),
        ["topics.avg_sentiment", "topics.posts"]
    );
    assert_eq!(names(set.rules_of("topics")).len(), 2);
    assert_eq!(
        names(set.rules()),
        [
            "categories.mean_of_topics",
            "realms.best",
            "topics.avg_sentiment",
            "topics.posts"
        ]
    );
    assert_eq!(
        set.rule("realms", "best").map(|r| r.source()),
        Some("mean_of_topics")
    );
}

#[test]
fn a_rule_reading_its_own_field_is_a_cycle() {
    let mut set = set_of_script(CHAIN);
    let rules = rules_of_script(
        "CREATE SCHEMA topics (score Float CASCADED AS AGGREGATE Sum FROM score THROUGH related BOTH)",
    );
    let err = set.add_rules(rules).unwrap_err();
    assert_eq!(
        err,
        CascadeError::Cycle {
            path: vec!["topics.score".into(), "topics.score".into()]
        }
    );
    assert_eq!(
        err.to_string(),
        "cascaded fields form a cycle: topics.score -> topics.score (each field is read by the next)"
    );
    assert_eq!(set.len(), 4);
    assert!(set.rule("topics", "score").is_none());
}

#[test]
fn a_cycle_across_three_collections_is_refused_and_leaves_the_set_unchanged() {
    let mut set = CascadeSet::new();
    set.add_rules(rules_of_script(
        "CREATE SCHEMA a (x Float CASCADED AS AGGREGATE Sum FROM z THROUGH e INCOMING);
         CREATE SCHEMA b (y Float CASCADED AS AGGREGATE Max FROM x THROUGH e OUTGOING)",
    ))
    .unwrap();
    assert_eq!(set.level("b", "y"), Some(1));
    let closing = rules_of_script(
        "CREATE SCHEMA c (z Float CASCADED AS AGGREGATE Average FROM y THROUGH e BOTH)",
    );
    let err = set.add_rules(closing.clone()).unwrap_err();
    let CascadeError::Cycle { path } = &err else {
        panic!("expected a cycle, got {err:?}");
    };
    assert_eq!(path.len(), 4, "{path:?}");
    assert_eq!(path.first(), path.last());
    // Each field is read by the next one.
    let order = ["a.x", "b.y", "c.z"];
    let start = order.iter().position(|n| *n == path[0]).unwrap();
    for (k, name) in path.iter().enumerate() {
        assert_eq!(name, order[(start + k) % 3], "{path:?}");
    }
    let msg = err.to_string();
    assert!(
        msg.contains("a.x -> b.y -> c.z")
            || msg.contains("c.z -> a.x -> b.y")
            || msg.contains("b.y -> c.z -> a.x"),
        "{msg}"
    );
    assert_eq!(set.len(), 2);
    assert!(set.rule("c", "z").is_none());
    assert_eq!(set.level("b", "y"), Some(1));
    // Adding it in one batch with the others is refused too.
    let mut fresh = CascadeSet::new();
    let mut all = rules_of_script(
        "CREATE SCHEMA a (x Float CASCADED AS AGGREGATE Sum FROM z THROUGH e INCOMING);
         CREATE SCHEMA b (y Float CASCADED AS AGGREGATE Max FROM x THROUGH e OUTGOING)",
    );
    all.extend(closing);
    assert!(matches!(
        fresh.add_rules(all),
        Err(CascadeError::Cycle { .. })
    ));
    assert!(fresh.is_empty());
    // Once the cycle is broken by removing a rule, the closing rule fits.
    assert_eq!(
        set.remove_rule("a", "x").map(|r| r.qualified_name()),
        Some("a.x".into())
    );
    set.add_rules(rules_of_script(
        "CREATE SCHEMA c (z Float CASCADED AS AGGREGATE Average FROM y THROUGH e BOTH)",
    ))
    .unwrap();
    assert_eq!(set.level("b", "y"), Some(0));
    assert_eq!(set.level("c", "z"), Some(1));
}

#[test]
fn replacing_and_removing_rules() {
    let mut set = set_of_script(CHAIN);
    // Replacing a rule of the same field keeps one rule and updates the levels.
    set.add_rule(
        rules_of_script(
            "CREATE SCHEMA realms (best Float CASCADED AS AGGREGATE Min FROM sentiment THROUGH member BOTH)",
        )
        .remove(0),
    )
    .unwrap();
    assert_eq!(set.len(), 4);
    assert_eq!(set.level("realms", "best"), Some(0));
    assert_eq!(
        names(set.readers_of("mean_of_topics")),
        Vec::<String>::new()
    );
    let gone = set.remove_collection("topics");
    assert_eq!(names(gone.iter()), ["topics.avg_sentiment", "topics.posts"]);
    assert_eq!(set.len(), 2);
    assert_eq!(names(set.readers_of("sentiment")), ["realms.best"]);
    assert!(set.remove_collection("topics").is_empty());
    assert!(set.remove_rule("realms", "nope").is_none());
    assert_eq!(set.level("categories", "mean_of_topics"), Some(0));
}

#[test]
fn rules_from_declared_schemas() {
    let engine = Engine::new(MemorySource::new());
    engine
        .query_script(
            "CREATE SCHEMA topics (
               name String,
               mean Float CASCADED AS AGGREGATE avg FROM sentiment THROUGH tagged_with INCOMING WITH DECAY Exponential('12h'));
             CREATE SCHEMA categories (
               total Float CASCADED AS AGGREGATE Sum FROM mean THROUGH contains OUTGOING)",
            &Params::new(),
        )
        .unwrap();
    let mut set = CascadeSet::new();
    for name in ["topics", "categories"] {
        set.set_schema(&engine.source().schema(name).unwrap())
            .unwrap();
    }
    assert_eq!(set.len(), 2);
    assert_eq!(set.level("categories", "total"), Some(1));
    // Setting a schema again replaces its rules.
    set.set_schema(&engine.source().schema("topics").unwrap())
        .unwrap();
    assert_eq!(set.len(), 2);
}
