//! The cascade rules of every collection, with their dependency levels and the trigger
//! index that maps a write to the rules it may affect.

use super::error::CascadeError;
use super::rule::CascadeRule;
use hyperql::Schema;
use std::collections::HashMap;

/// The cascade rules of all collections.
///
/// Rules depend on each other by field name: a rule reading field `F` depends on every
/// rule that derives a field named `F`, in any collection (sources may be entities of
/// any collection). The dependency graph is kept acyclic: a change that would make a
/// derived field depend on itself is refused with [`CascadeError::Cycle`] and leaves
/// the set unchanged. Each rule gets a level: 0 when it reads no derived field, else
/// one more than the highest level of the rules it reads.
#[derive(Clone, Debug, Default)]
pub struct CascadeSet {
    /// Sorted by (collection, field), one rule per pair.
    rules: Vec<CascadeRule>,
    index: Index,
}

/// Lookups by position in `CascadeSet::rules`.
#[derive(Clone, Debug, Default)]
struct Index {
    levels: Vec<usize>,
    /// Source field name -> rules reading it.
    by_source: HashMap<String, Vec<usize>>,
    /// Edge label -> rules following it.
    by_through: HashMap<String, Vec<usize>>,
    /// Collection -> its rules.
    by_collection: HashMap<String, Vec<usize>>,
    /// Derived field name -> rules producing it.
    by_field: HashMap<String, Vec<usize>>,
}

impl CascadeSet {
    /// An empty set.
    pub fn new() -> CascadeSet {
        CascadeSet::default()
    }

    /// Adds a rule, replacing the rule of the same collection and field if any.
    pub fn add_rule(&mut self, rule: CascadeRule) -> Result<(), CascadeError> {
        self.add_rules([rule])
    }

    /// Adds rules all at once (a later rule for the same collection and field replaces
    /// an earlier one); on a cycle nothing is added.
    pub fn add_rules(
        &mut self,
        rules: impl IntoIterator<Item = CascadeRule>,
    ) -> Result<(), CascadeError> {
        let mut next = self.rules.clone();
        for r in rules {
            next.retain(|x| !(x.collection() == r.collection() && x.field() == r.field()));
            next.push(r);
        }
        self.commit(next)
    }

    /// Replaces the rules of `schema`'s collection by those its fields declare (for
    /// `CREATE SCHEMA`, or when a database opens); on an error nothing changes.
    pub fn set_schema(&mut self, schema: &Schema) -> Result<(), CascadeError> {
        let mut next: Vec<CascadeRule> = self
            .rules
            .iter()
            .filter(|r| r.collection() != schema.name)
            .cloned()
            .collect();
        for f in &schema.fields {
            if let Some(rule) = CascadeRule::from_field_schema(&schema.name, f)? {
                next.push(rule);
            }
        }
        self.commit(next)
    }

    /// Removes every rule of a collection (`DROP SCHEMA`); returns them.
    pub fn remove_collection(&mut self, collection: &str) -> Vec<CascadeRule> {
        let (gone, kept) = self
            .rules
            .iter()
            .cloned()
            .partition(|r| r.collection() == collection);
        self.commit_removal(kept, gone)
    }

    /// Removes the rule of one field (`ALTER SCHEMA ... DROP FIELD`); returns it.
    pub fn remove_rule(&mut self, collection: &str, field: &str) -> Option<CascadeRule> {
        let (gone, kept) = self
            .rules
            .iter()
            .cloned()
            .partition(|r| r.collection() == collection && r.field() == field);
        self.commit_removal(kept, gone).pop()
    }

    /// The rule deriving `collection.field`.
    pub fn rule(&self, collection: &str, field: &str) -> Option<&CascadeRule> {
        self.position(collection, field).map(|i| &self.rules[i])
    }

    /// The level of the rule deriving `collection.field`.
    pub fn level(&self, collection: &str, field: &str) -> Option<usize> {
        self.position(collection, field)
            .map(|i| self.index.levels[i])
    }

    /// Every rule, by collection then field.
    pub fn rules(&self) -> impl Iterator<Item = &CascadeRule> {
        self.rules.iter()
    }

    /// The rules of one collection, by field.
    pub fn rules_of(&self, collection: &str) -> impl Iterator<Item = &CascadeRule> {
        self.pick(self.index.by_collection.get(collection))
    }

    /// The rules that read a field of that name (on entities of any collection).
    pub fn readers_of(&self, field: &str) -> impl Iterator<Item = &CascadeRule> {
        self.pick(self.index.by_source.get(field))
    }

    /// The rules that follow edges with that label.
    pub fn rules_through(&self, label: &str) -> impl Iterator<Item = &CascadeRule> {
        self.pick(self.index.by_through.get(label))
    }

    /// The number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there is no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule at a position (positions are stable until the next change).
    pub(crate) fn rule_at(&self, i: usize) -> &CascadeRule {
        &self.rules[i]
    }

    /// The level of the rule at a position.
    pub(crate) fn level_at(&self, i: usize) -> usize {
        self.index.levels[i]
    }

    /// Positions of the rules reading `field`.
    pub(crate) fn readers_at(&self, field: &str) -> &[usize] {
        self.index.by_source.get(field).map_or(&[], Vec::as_slice)
    }

    /// Positions of the rules following `label`.
    pub(crate) fn through_at(&self, label: &str) -> &[usize] {
        self.index.by_through.get(label).map_or(&[], Vec::as_slice)
    }

    /// Positions of the rules of `collection`.
    pub(crate) fn collection_at(&self, collection: &str) -> &[usize] {
        self.index
            .by_collection
            .get(collection)
            .map_or(&[], Vec::as_slice)
    }

    /// Every field name some rule reads.
    pub(crate) fn source_fields(&self) -> impl Iterator<Item = &str> {
        self.index.by_source.keys().map(String::as_str)
    }

    fn position(&self, collection: &str, field: &str) -> Option<usize> {
        self.rules
            .binary_search_by(|r| (r.collection(), r.field()).cmp(&(collection, field)))
            .ok()
    }

    fn pick<'a>(&'a self, at: Option<&'a Vec<usize>>) -> impl Iterator<Item = &'a CascadeRule> {
        at.into_iter().flatten().map(|&i| &self.rules[i])
    }

    /// Installs `rules` if they form no cycle.
    fn commit(&mut self, mut rules: Vec<CascadeRule>) -> Result<(), CascadeError> {
        rules.sort_by(|a, b| (a.collection(), a.field()).cmp(&(b.collection(), b.field())));
        self.index = Index::build(&rules)?;
        self.rules = rules;
        Ok(())
    }

    /// Installs `kept` (a subset of an acyclic set, so acyclic too) and returns `gone`.
    fn commit_removal(
        &mut self,
        kept: Vec<CascadeRule>,
        gone: Vec<CascadeRule>,
    ) -> Vec<CascadeRule> {
        if gone.is_empty() {
            return gone;
        }
        match self.commit(kept) {
            Ok(()) => gone,
            // Unreachable: removing rules cannot create a cycle.
            Err(_) => Vec::new(),
        }
    }
}

impl Index {
    /// The index of sorted `rules`, or the first dependency cycle found.
    fn build(rules: &[CascadeRule]) -> Result<Index, CascadeError> {
        let mut index = Index::default();
        for (i, r) in rules.iter().enumerate() {
            let push = |map: &mut HashMap<String, Vec<usize>>, key: &str| {
                map.entry(key.to_string()).or_default().push(i);
            };
            push(&mut index.by_source, r.source());
            for label in r.through() {
                push(&mut index.by_through, label);
            }
            push(&mut index.by_collection, r.collection());
            push(&mut index.by_field, r.field());
        }
        index.levels = levels(rules, &index.by_field)?;
        Ok(index)
    }
}

/// The level of each rule by an iterative depth-first search over "reads the field
/// derived by"; a back edge is a cycle, reported in "is read by" order.
fn levels(
    rules: &[CascadeRule],
    by_field: &HashMap<String, Vec<usize>>,
) -> Result<Vec<usize>, CascadeError> {
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    const DONE: u8 = 2;
    let producers = |i: usize| {
        by_field
            .get(rules[i].source())
            .map_or(&[][..], Vec::as_slice)
    };
    let mut state = vec![NEW; rules.len()];
    let mut level = vec![0; rules.len()];
    for start in 0..rules.len() {
        if state[start] != NEW {
            continue;
        }
        state[start] = OPEN;
        let mut stack = vec![(start, 0usize)];
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            let deps = producers(node);
            if let Some(&p) = deps.get(next) {
                top.1 += 1;
                match state[p] {
                    NEW => {
                        state[p] = OPEN;
                        stack.push((p, 0));
                    }
                    OPEN => {
                        let from = stack.iter().position(|&(x, _)| x == p).unwrap_or(0);
                        let mut path: Vec<String> = stack[from..]
                            .iter()
                            .map(|&(x, _)| rules[x].qualified_name())
                            .collect();
                        path.push(rules[p].qualified_name());
                        path.reverse();
                        return Err(CascadeError::Cycle { path });
                    }
                    _ => {}
                }
            } else {
                level[node] = deps.iter().map(|&p| level[p] + 1).max().unwrap_or(0);
                state[node] = DONE;
                stack.pop();
            }
        }
    }
    Ok(level)
}
