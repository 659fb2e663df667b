//! Which hits stand (`selection.dedupe` and `selection.drop_framed`), in the reference's
//! order: it decides ties later (the first of equally good hits wins).

use std::collections::HashMap;

use super::check::Hit;
use super::tables::Tables;

/// One hit per category and trigger (the most severe, then most specific rule), then none
/// whose span lies inside a longer one of the same category.
pub fn dedupe(tables: &Tables, hits: Vec<Hit>) -> Vec<Hit> {
    let better = |hit: &Hit, current: &Hit| {
        let (a, b) = (&tables.rules[hit.rule], &tables.rules[current.rule]);
        hit.weight > current.weight || (hit.weight == current.weight && a.cameo_len > b.cameo_len)
    };
    // A dict keeps a key where it was first inserted, whatever replaces its value.
    let mut slots: HashMap<(usize, bool, usize), usize> = HashMap::new();
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        match slots.get(&(hit.category, hit.title, hit.trigger_start)) {
            Some(&slot) => {
                if better(&hit, &kept[slot]) {
                    kept[slot] = hit;
                }
            }
            None => {
                slots.insert((hit.category, hit.title, hit.trigger_start), kept.len());
                kept.push(hit);
            }
        }
    }
    let mut groups: HashMap<(usize, bool), Vec<usize>> = HashMap::new();
    for (i, hit) in kept.iter().enumerate() {
        groups.entry((hit.category, hit.title)).or_default().push(i);
    }
    let mut inside = vec![false; kept.len()];
    for group in groups.values() {
        mark_inside_longer(&kept, group, &mut inside);
    }
    kept.into_iter().zip(inside).filter_map(|(hit, inner)| (!inner).then_some(hit)).collect()
}

/// Marks the hits of `group` whose span lies within a longer span of the group: one sweep in
/// start order (`selection._inside_longer`).
fn mark_inside_longer(hits: &[Hit], group: &[usize], inside: &mut [bool]) {
    let mut ordered = group.to_vec();
    ordered.sort_by_key(|&i| hits[i].start); // stable, as sorted()
    let mut reach: Option<usize> = None; // the furthest end of the spans starting before
    let mut i = 0;
    while i < ordered.len() {
        let mut j = i;
        while j < ordered.len() && hits[ordered[j]].start == hits[ordered[i]].start {
            j += 1;
        }
        let furthest = ordered[i..j].iter().map(|&k| hits[k].end).max().unwrap_or(0);
        for &k in &ordered[i..j] {
            // Starting earlier and ending no sooner, or starting together and ending later.
            if reach.is_some_and(|r| r >= hits[k].end) || furthest > hits[k].end {
                inside[k] = true;
            }
        }
        reach = Some(reach.map_or(furthest, |r| r.max(furthest)));
        i = j;
    }
}

/// Drops a trigger that is the object of a verbal frame: the "sanctions" in "threatened
/// sanctions" or the "attacking" in "accused X of attacking" are not events of their own.
pub fn drop_framed(tables: &Tables, hits: Vec<Hit>) -> Vec<Hit> {
    let is_frame = |h: &Hit| {
        let rule = &tables.rules[h.rule];
        tables.categories[h.category].quad_class == 3 && rule.has_near && h.end > h.trigger_end
    };
    let mut frames: [Vec<usize>; 2] = [Vec::new(), Vec::new()]; // body, title
    for (i, hit) in hits.iter().enumerate() {
        if is_frame(hit) {
            frames[usize::from(hit.title)].push(i);
        }
    }
    if frames.iter().all(Vec::is_empty) {
        return hits;
    }
    let indexes = frames.map(|group| FrameIndex::new(&hits, group));
    let framed: Vec<bool> = (0..hits.len())
        .map(|i| indexes[usize::from(hits[i].title)].as_ref().is_some_and(|f| f.frames(&hits, i)))
        .collect();
    hits.into_iter().zip(framed).filter_map(|(hit, gone)| (!gone).then_some(hit)).collect()
}

/// The frames of one field by where their object starts (the trigger's end).
struct FrameIndex {
    frames: Vec<usize>,
    longest: usize,
}

impl FrameIndex {
    fn new(hits: &[Hit], mut frames: Vec<usize>) -> Option<Self> {
        if frames.is_empty() {
            return None;
        }
        frames.sort_by_key(|&i| hits[i].trigger_end);
        let longest = frames.iter().map(|&i| hits[i].end - hits[i].trigger_end).max()?;
        Some(FrameIndex { frames, longest })
    }

    /// True when another category's frame has the hit's trigger in its object.
    fn frames(&self, hits: &[Hit], index: usize) -> bool {
        let hit = &hits[index];
        let at = hit.trigger_start;
        let mut i = self.frames.partition_point(|&f| hits[f].trigger_end <= at);
        while i > 0 {
            i -= 1;
            let frame = &hits[self.frames[i]];
            if frame.trigger_end + self.longest <= at {
                return false; // this frame and every earlier one end before `at`
            }
            if self.frames[i] != index && at < frame.end && frame.category != hit.category {
                return true;
            }
        }
        false
    }
}
