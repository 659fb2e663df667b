//! From log-odds to published topics (`TopicTagger.tag`): the score, its evidence, the order.

use super::vocabulary::TermSet;

/// The thresholds of `TopicTagger.tag`, as the Python module defines them.
pub struct Limits {
    pub min_logit: f64,
    pub saturation: f64,
    pub min_score: f64,
    pub max_evidence: usize,
}

impl Limits {
    /// The published score of a log-odds, or `None` below the thresholds; the same float
    /// operations in the same order as the reference (`exp` and `ln_1p` are the C library's
    /// `exp` and `log1p`, as Python's `math` module calls them).
    pub fn score(&self, logit: f64) -> Option<f64> {
        if logit < self.min_logit {
            return None;
        }
        let logit = if logit > self.saturation {
            self.saturation + (logit - self.saturation).ln_1p()
        } else {
            logit
        };
        let score = 1.0 / (1.0 + (-logit).exp());
        if score < self.min_score {
            return None;
        }
        Some(score)
    }
}

/// `round(score, 12)` as an integer count of 1e-12 (ties to even on the float's exact binary
/// value, as Python's correctly rounded `round` does): two scores that Python rounds to the
/// same float get the same key, and keys order as the rounded floats do.
///
/// A finite float is m * 2^e with m < 2^53, so score * 10^12 = m * 5^12 * 2^(e + 12), and
/// m * 5^12 < 2^81 fits a u128: the rounding is exact integer arithmetic. Scores are in
/// [0, 1]; a value too large to count saturates, and NaN or a negative value counts 0 (the
/// tagger never makes those).
pub fn rounded_key(score: f64) -> u128 {
    if score.is_nan() || score <= 0.0 {
        return 0;
    }
    let bits = score.to_bits();
    let biased_exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = u128::from(bits & ((1u64 << 52) - 1));
    let (mantissa, exponent) = if biased_exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u128 << 52), biased_exponent - 1075)
    };
    let scaled = mantissa * 5u128.pow(12);
    let shift = exponent + 12;
    if shift >= 0 {
        // >= 1e-12 * 2^53: no fractional part; a shift past 40 would overflow (and infinity).
        return if shift > 40 { u128::MAX } else { scaled << shift };
    }
    let shift = shift.unsigned_abs();
    if shift >= 128 {
        // Below 2^81 / 2^128: far under one half.
        return 0;
    }
    let whole = scaled >> shift;
    let remainder = scaled & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    if remainder > half || (remainder == half && whole % 2 == 1) {
        whole + 1
    } else {
        whole
    }
}

/// Which topics a term is evidence for, with its ranks there (`TopicTagger._evidence_rank`
/// and `_title_rank`).
#[derive(Clone, Copy)]
pub struct EvidenceRank {
    pub topic: u32,
    pub in_body: u32,
    pub in_title: u32,
}

/// Per term, the topics it is evidence for, stored one term after another (an article's
/// terms are read in id order).
pub struct TermEvidence {
    /// Where each term's ranks start; one more entry for the end of the last.
    starts: Vec<u32>,
    ranks: Vec<EvidenceRank>,
}

impl TermEvidence {
    pub fn new(per_term: Vec<Vec<EvidenceRank>>) -> Result<Self, &'static str> {
        let mut starts = Vec::with_capacity(per_term.len() + 1);
        let mut ranks = Vec::new();
        for term_ranks in per_term {
            starts.push(u32::try_from(ranks.len()).map_err(|_| "too many evidence ranks")?);
            ranks.extend(term_ranks);
        }
        starts.push(u32::try_from(ranks.len()).map_err(|_| "too many evidence ranks")?);
        Ok(TermEvidence { starts, ranks })
    }

    fn of(&self, term: u32) -> &[EvidenceRank] {
        let term = term as usize;
        match (self.starts.get(term), self.starts.get(term + 1)) {
            (Some(&start), Some(&end)) => {
                self.ranks.get(start as usize..end as usize).unwrap_or_default()
            }
            _ => &[],
        }
    }
}

/// A topic that passed the score thresholds, with the ranks of the terms that raised it.
pub struct Candidate {
    pub topic: usize,
    pub score: f64,
    pub ranks: Vec<u32>,
}

/// The ranks of the evidence found for each candidate: `body_only` holds the terms found only
/// in the body, `title` those found in the headline.
pub fn gather_evidence(
    candidates: &mut [Candidate],
    topic_count: usize,
    term_evidence: &TermEvidence,
    body_only: &TermSet,
    title: &TermSet,
) {
    let mut slot = vec![usize::MAX; topic_count];
    for (at, candidate) in candidates.iter().enumerate() {
        if let Some(entry) = slot.get_mut(candidate.topic) {
            *entry = at;
        }
    }
    let mut add = |term: u32, in_title: bool| {
        for rank in term_evidence.of(term) {
            let at = slot.get(rank.topic as usize).copied().unwrap_or(usize::MAX);
            if let Some(candidate) = candidates.get_mut(at) {
                candidate.ranks.push(if in_title { rank.in_title } else { rank.in_body });
            }
        }
    };
    body_only.iter().for_each(|term| add(term, false));
    title.iter().for_each(|term| add(term, true));
}
