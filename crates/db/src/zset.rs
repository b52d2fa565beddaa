//! [`SortedSet`]: the value behind `Value::ZSet`.

use std::collections::BTreeSet;

use bytes::Bytes;

/// Members with scores, ordered by (score, member).
///
/// A placeholder shape: a member index and an ordered set of
/// (score, member). Rank by position is O(N) here.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SortedSet {
    scores: std::collections::HashMap<Bytes, f64, crate::BuildHasher>,
    order: BTreeSet<(Score, Bytes)>,
}

/// A score with a total order (NaN never stored).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Score(f64);

impl Eq for Score {}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl SortedSet {
    /// How many members.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    /// The score of `member`.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.scores.get(member).copied()
    }

    /// Sets `member`'s score; its old score if it had one.
    pub fn insert(&mut self, member: Bytes, score: f64) -> Option<f64> {
        let old = self.scores.insert(member.clone(), score);
        if let Some(old) = old {
            self.order.remove(&(Score(old), member.clone()));
        }
        self.order.insert((Score(score), member));
        old
    }

    /// Members and scores in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Bytes, f64)> {
        self.order.iter().map(|(s, m)| (m, s.0))
    }
}
