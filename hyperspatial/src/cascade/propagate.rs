//! Incremental propagation of changes to derived fields, and the full recomputation
//! it must agree with.

use super::aggregate::SourceValue;
use super::change::{Change, DerivedWrite};
use super::error::CascadeError;
use super::overlay::Overlay;
use super::rule::CascadeRule;
use super::set::CascadeSet;
use super::view::{CascadeView, sources_of, targets_of};
use hyperql::{Direction, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// The derived values that `changes` (already visible in `view`) lead to, at time
/// `now_us`.
///
/// Only the targets a change can reach are recomputed: the targets of the rules that
/// read a written field, the ends of added or removed edges, new entities. Work goes by
/// rule level, so every (rule, target) is recomputed at most once and later levels
/// read the values computed by earlier ones; a derived value that changed is a change
/// for the rules reading it. Returns each changed (entity, field) once, sorted by
/// entity then field; values equal to the stored ones are left out. The storage must
/// store them with `now_us` as their time: a derived value's time is when it last
/// changed, which `Latest` and decays of rules reading it use.
///
/// Decayed values depend on `now_us`: they are exact as of their last recomputation,
/// and drift as time passes until something recomputes them (e.g. [`recompute_all`]).
pub fn propagate<V: CascadeView>(
    set: &CascadeSet,
    view: &V,
    changes: &[Change],
    now_us: i64,
) -> Result<Vec<DerivedWrite>, CascadeError> {
    if set.is_empty() {
        return Ok(Vec::new());
    }
    let mut overlay = Overlay::new(view);
    for c in changes {
        if let Change::EntityDeleted { id, .. } = c {
            overlay.delete(*id);
        }
    }
    let mut queue = Queue::default();
    for c in changes {
        seed(set, &overlay, c, &mut queue)?;
    }
    let mut changed = BTreeSet::new();
    while let Some((_, batch)) = queue.0.pop_first() {
        for (ri, target) in batch {
            let rule = set.rule_at(ri);
            if overlay.collection_of(target)?.as_deref() != Some(rule.collection()) {
                continue;
            }
            let value = evaluate(rule, &overlay, target, now_us)?;
            if overlay.settle(target, rule.field(), value, now_us)? {
                changed.insert((target, rule.field()));
                for &reader in set.readers_at(rule.field()) {
                    for t in targets_of(&overlay, set.rule_at(reader), target)? {
                        queue.push(set, reader, t);
                    }
                }
            }
        }
    }
    Ok(changed
        .into_iter()
        .filter_map(|(id, field)| {
            overlay.settled(id, field).map(|value| DerivedWrite {
                id,
                field: field.to_string(),
                value: value.clone(),
            })
        })
        .collect())
}

/// Every derived field of every entity of `ids` (each computed from scratch, level by
/// level, later levels reading the values computed by earlier ones), at time `now_us`.
///
/// This is the oracle that [`propagate`] agrees with, and the way to fill derived
/// fields after rules are added. A value equal to the stored one keeps its stored time
/// for the rules that read it; others count as written at `now_us`. Returns every
/// value, changed or not, ordered by level, rule and entity.
pub fn recompute_all<V: CascadeView>(
    set: &CascadeSet,
    view: &V,
    ids: impl IntoIterator<Item = Uuid>,
    now_us: i64,
) -> Result<Vec<DerivedWrite>, CascadeError> {
    let mut members: HashMap<String, BTreeSet<Uuid>> = HashMap::new();
    for id in ids {
        if let Some(c) = view.collection_of(id)?
            && !set.collection_at(&c).is_empty()
        {
            members.entry(c).or_default().insert(id);
        }
    }
    let mut order: Vec<usize> = (0..set.len()).collect();
    order.sort_by_key(|&i| (set.level_at(i), i));
    let mut overlay = Overlay::new(view);
    let mut out = Vec::new();
    for ri in order {
        let rule = set.rule_at(ri);
        for &id in members.get(rule.collection()).into_iter().flatten() {
            let value = evaluate(rule, &overlay, id, now_us)?;
            overlay.settle(id, rule.field(), value.clone(), now_us)?;
            out.push(DerivedWrite {
                id,
                field: rule.field().to_string(),
                value,
            });
        }
    }
    Ok(out)
}

/// The value of `rule`'s field for `target`, from its sources' current values.
fn evaluate(
    rule: &CascadeRule,
    view: &impl CascadeView,
    target: Uuid,
    now_us: i64,
) -> Result<Value, CascadeError> {
    let mut sources = Vec::new();
    for id in sources_of(view, rule, target)? {
        if let Some((value, written_us)) = view.field(id, rule.source())? {
            sources.push(SourceValue {
                id,
                value,
                written_us,
            });
        }
    }
    Ok(rule.aggregate().apply(rule.decay(), &sources, now_us))
}

/// The (rule, target) pairs to recompute, by rule level.
#[derive(Default)]
struct Queue(BTreeMap<usize, BTreeSet<(usize, Uuid)>>);

impl Queue {
    fn push(&mut self, set: &CascadeSet, rule: usize, target: Uuid) {
        self.0
            .entry(set.level_at(rule))
            .or_default()
            .insert((rule, target));
    }
}

/// Queues the (rule, target) pairs one change can affect directly.
fn seed<V: CascadeView>(
    set: &CascadeSet,
    view: &Overlay<'_, V>,
    change: &Change,
    queue: &mut Queue,
) -> Result<(), CascadeError> {
    match change {
        Change::FieldWritten { id, field } => {
            if view.is_deleted(*id) {
                return Ok(());
            }
            readers_of_source(set, view, *id, field, queue)?;
            // A derived field written directly is recomputed (and so overwritten).
            if let Some(c) = view.collection_of(*id)? {
                for &ri in set.collection_at(&c) {
                    if set.rule_at(ri).field() == field {
                        queue.push(set, ri, *id);
                    }
                }
            }
        }
        Change::EdgeAdded { from, to, label } | Change::EdgeRemoved { from, to, label } => {
            for &ri in set.through_at(label) {
                let rule = set.rule_at(ri);
                if matches!(rule.direction(), Direction::In | Direction::Both) {
                    queue.push(set, ri, *to);
                }
                if matches!(rule.direction(), Direction::Out | Direction::Both) {
                    queue.push(set, ri, *from);
                }
            }
        }
        Change::EntityCreated { id } => {
            if let Some(c) = view.collection_of(*id)? {
                for &ri in set.collection_at(&c) {
                    queue.push(set, ri, *id);
                }
            }
            for field in set.source_fields() {
                if view.field(*id, field)?.is_some() {
                    readers_of_source(set, view, *id, field, queue)?;
                }
            }
        }
        Change::EntityDeleted { id, .. } => {
            // Normally its edges are gone from the view and reported as removed; if
            // the view still shows them, the former targets are found here.
            for ri in 0..set.len() {
                for t in targets_of(view, set.rule_at(ri), *id)? {
                    queue.push(set, ri, t);
                }
            }
        }
    }
    Ok(())
}

/// Queues the targets that read `field` of `source`.
fn readers_of_source(
    set: &CascadeSet,
    view: &impl CascadeView,
    source: Uuid,
    field: &str,
    queue: &mut Queue,
) -> Result<(), CascadeError> {
    for &ri in set.readers_at(field) {
        for t in targets_of(view, set.rule_at(ri), source)? {
            queue.push(set, ri, t);
        }
    }
    Ok(())
}
