//! The terms' log-odds per topic (`TopicTagger._rows` and `_title_rows`), in one flat table.

use super::vocabulary::TermSet;

/// Each term's non-zero weights as (topic index, log-odds) pairs, stored one after another:
/// an article's terms are read in id order, so their weights are read front to back.
pub struct Weights {
    /// Where each term's pairs start; one more entry for the end of the last.
    starts: Vec<u32>,
    pairs: Vec<(u32, f64)>,
}

impl Weights {
    /// `rows[term]` holds the term's pairs; every topic index is below `topic_count`.
    pub fn new(rows: Vec<Vec<(usize, f64)>>, topic_count: usize) -> Result<Self, &'static str> {
        let mut starts = Vec::with_capacity(rows.len() + 1);
        let mut pairs = Vec::new();
        for row in rows {
            starts.push(u32::try_from(pairs.len()).map_err(|_| "too many weights")?);
            for (topic, weight) in row {
                if topic >= topic_count {
                    return Err("a weight names a topic out of range");
                }
                pairs.push((topic as u32, weight));
            }
        }
        starts.push(u32::try_from(pairs.len()).map_err(|_| "too many weights")?);
        Ok(Weights { starts, pairs })
    }

    /// Add the weights of `terms` to `logits`, term by term in id order and each term's pairs
    /// in their order: the reference's order of float additions.
    pub fn add_to(&self, logits: &mut [f64], terms: &TermSet) {
        for term in terms.iter() {
            let term = term as usize;
            let (Some(&start), Some(&end)) = (self.starts.get(term), self.starts.get(term + 1))
            else {
                continue;
            };
            for &(topic, weight) in self.pairs.get(start as usize..end as usize).unwrap_or_default()
            {
                if let Some(logit) = logits.get_mut(topic as usize) {
                    *logit += weight;
                }
            }
        }
    }
}
