//! [`SortedSet`]: the value behind `Value::ZSet`: members with scores,
//! ordered by score, then by member bytes.
//!
//! # Shape
//!
//! Redis's: a hash map from member to score, for O(1) `ZSCORE`, beside a
//! skiplist with spans (William Pugh's, as `t_zset.c` has it), for the
//! order. Each link of the skiplist knows how many elements it jumps over
//! (its *span*), so the descent that finds an element also counts the
//! elements before it: rank, element at a rank, and the first element past
//! a score or a member bound are all one descent, O(log N) expected, and a
//! range of M elements from there costs O(M) more, following the bottom
//! links (forwards) or the back links (backwards).
//!
//! Why a skiplist and not a balanced tree with counts: it is the shape the
//! commands were written for (Redis's range loops translate one to one),
//! it is short to write without `unsafe`, and no well-kept crate offers an
//! order-statistic map (std's `BTreeMap` cannot count ranks).
//!
//! The nodes live in one arena, a `Vec`, and link to each other by index;
//! node 0 is the head, and a link to 0 means "none" (nothing links to the
//! head). A removed node's slot is refilled with the last node (a
//! `swap_remove`, whose few incoming links are found with one more descent),
//! so the arena stays dense and shrinks with the set.
//!
//! Cost per element: a node (the member's `Bytes` handle, the score, a back
//! link and the bottom link inline; 80 bytes) and, for the quarter of nodes
//! that rise above the bottom level, one allocation for the upper links
//! (16 bytes a level); plus the map's entry (another `Bytes` handle to the
//! same member, and the score). The member's bytes are stored once.
//!
//! # Scores
//!
//! Any `f64` but NaN, which the commands never store (they answer `ERR
//! resulting score is not a number (NaN)`). `-0.0` is stored as `0.0`, as
//! Redis's compact encoding (listpack) stores it: it keeps an integral
//! score as an integer, and there is no integer minus zero. So `ZADD k -0 m`
//! then `ZSCORE k m` answers `0`, and the order needs no special case for
//! the two zeros.
//!
//! # Lexicographic order
//!
//! Range queries by member (`ZRANGEBYLEX`) only make sense when the members
//! rise along the order, which is when all scores are equal. The set counts
//! the adjacent pairs whose members fall ([`members_ascending`] is true
//! when there are none), so a command knows in O(1) whether it may search
//! by member with [`partition_point`] or must scan, as Redis's compact
//! encoding does.
//!
//! [`members_ascending`]: SortedSet::members_ascending
//! [`partition_point`]: SortedSet::partition_point

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::iter::FusedIterator;
use std::ops::{Bound, RangeBounds};

use bytes::Bytes;

/// The most levels a node can have: Redis's `ZSKIPLIST_MAXLEVEL`, plenty
/// for 4^32 elements at one level in four.
const MAX_LEVEL: usize = 32;

/// The head's index in the arena, and "no node" in a link.
const HEAD: usize = 0;

/// One forward link of a node at one level.
#[derive(Clone, Copy, Debug, Default)]
struct Link {
    /// The next node at this level, or [`HEAD`] for none.
    next: usize,
    /// How many elements this link advances the rank by: to the next node,
    /// or when there is none, to the last element (so that an insertion
    /// can split it without knowing where the list ends).
    span: usize,
}

/// One element, or the head.
#[derive(Clone)]
struct Node {
    member: Bytes,
    score: f64,
    /// The previous node, or [`HEAD`] for the first.
    back: usize,
    /// The link at level 0, which every node has.
    next: Link,
    /// The links at levels 1 and up: empty for three nodes in four, so they
    /// cost no allocation.
    up: Box<[Link]>,
}

impl Node {
    fn level(&self) -> usize {
        1 + self.up.len()
    }

    fn link(&self, level: usize) -> Link {
        match level {
            0 => self.next,
            _ => self.up[level - 1],
        }
    }

    fn link_mut(&mut self, level: usize) -> &mut Link {
        match level {
            0 => &mut self.next,
            _ => &mut self.up[level - 1],
        }
    }
}

/// Whether `node` comes before (`score`, `member`) in the set's order.
fn precedes(node: &Node, score: f64, member: &[u8]) -> bool {
    match node.score.total_cmp(&score) {
        Ordering::Less => true,
        Ordering::Equal => node.member[..] < *member,
        Ordering::Greater => false,
    }
}

/// A new node's level: 1, then one more with probability 1/4 each time,
/// as Redis's `zslRandomLevel` (`ZSKIPLIST_P` = 0.25). Random per process
/// and per call: a client cannot steer which nodes rise.
fn random_level() -> usize {
    let bits: u64 = rand::random();
    (1 + bits.trailing_zeros() as usize / 2).min(MAX_LEVEL)
}

/// Members with scores, ordered by (score, member).
///
/// `PartialEq` compares contents: two sets are equal when they have the
/// same members with the same scores, however they were built.
#[derive(Clone)]
pub struct SortedSet {
    /// Member to score: `ZSCORE` in O(1), and the score that finds a
    /// member's node.
    scores: HashMap<Bytes, f64, crate::BuildHasher>,
    /// The skiplist's arena: `nodes[0]` is the head (its member and score
    /// are unused), the elements follow in no particular order.
    nodes: Vec<Node>,
    /// How many levels are in use, at least 1; the head has at least as
    /// many links.
    level: usize,
    /// The last node, or [`HEAD`] when empty.
    tail: usize,
    /// How many adjacent pairs have a member greater than the next one's.
    descents: usize,
}

/// A position in the descent of [`SortedSet::path`]: for each level, the
/// last node before the target, and its rank counted from 1 (the head is
/// 0).
type Path = ([usize; MAX_LEVEL], [usize; MAX_LEVEL]);

impl Default for SortedSet {
    fn default() -> Self {
        SortedSet {
            scores: HashMap::default(),
            nodes: vec![Node {
                member: Bytes::new(),
                score: 0.0,
                back: HEAD,
                next: Link::default(),
                up: Box::default(),
            }],
            level: 1,
            tail: HEAD,
            descents: 0,
        }
    }
}

impl SortedSet {
    /// The bytes the set's own tables hold on the heap (the score map and
    /// the skiplist's arena and upper links), not counting the members'
    /// bytes, which the map and the arena share: for `MEMORY USAGE`.
    pub fn table_bytes(&self) -> usize {
        let map = self.scores.capacity() * (std::mem::size_of::<(Bytes, f64)>() + 1);
        let arena = self.nodes.capacity() * std::mem::size_of::<Node>();
        let links: usize = self.nodes.iter().map(|n| n.up.len()).sum();
        map + arena + links * std::mem::size_of::<Link>()
    }

    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    /// The score of `member`. O(1).
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.scores.get(member).copied()
    }

    /// Whether `member` is in the set. O(1).
    pub fn contains(&self, member: &[u8]) -> bool {
        self.scores.contains_key(member)
    }

    /// Sets `member`'s score (`-0.0` is stored as `0.0`; NaN must not be
    /// passed); its old score if it had one. O(log N).
    pub fn insert(&mut self, member: Bytes, score: f64) -> Option<f64> {
        let score = if score == 0.0 { 0.0 } else { score };
        match self.scores.get_mut(&member[..]) {
            Some(old) => {
                let previous = *old;
                if previous.total_cmp(&score) != Ordering::Equal {
                    *old = score;
                    self.rescore(&member, previous, score);
                }
                Some(previous)
            }
            None => {
                self.scores.insert(member.clone(), score);
                self.link_new(score, member);
                None
            }
        }
    }

    /// Removes `member`; its score if it was there. O(log N).
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let score = self.scores.remove(member)?;
        let (update, _) = self.path(score, member);
        let x = self.nodes[update[0]].next.next;
        self.detach(x, &update);
        self.swap_out(x);
        self.shrink();
        Some(score)
    }

    /// The 0-based rank of `member`, counted from the lowest score. O(log N).
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        let score = self.score(member)?;
        Some(self.count_while(|n| precedes(n, score, member)))
    }

    /// The member and score at 0-based `rank`. O(log N).
    pub fn get(&self, rank: usize) -> Option<(&Bytes, f64)> {
        let node = &self.nodes[self.node_at(rank)?];
        Some((&node.member, node.score))
    }

    /// The member with the lowest score. O(1).
    pub fn first(&self) -> Option<(&Bytes, f64)> {
        self.iter().next()
    }

    /// The member with the highest score. O(1).
    pub fn last(&self) -> Option<(&Bytes, f64)> {
        self.iter().next_back()
    }

    /// Members and scores in order, lowest first; `.rev()` for highest
    /// first.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            set: self,
            front: self.nodes[HEAD].next.next,
            back: self.tail,
            left: self.len(),
        }
    }

    /// The members whose 0-based ranks are in `ranks` (cut to the set), in
    /// order; `.rev()` for the other direction. O(log N) to start.
    pub fn range(&self, ranks: impl RangeBounds<usize>) -> Iter<'_> {
        let (start, end) = self.bounds(ranks);
        if start >= end {
            return Iter {
                set: self,
                front: HEAD,
                back: HEAD,
                left: 0,
            };
        }
        Iter {
            set: self,
            front: self.node_at(start).unwrap_or(HEAD),
            back: self.node_at(end - 1).unwrap_or(HEAD),
            left: end - start,
        }
    }

    /// The rank of the first member for which `pred` is false, `pred` being
    /// true for every member before it and false for every member after
    /// (as [`slice::partition_point`]). O(log N).
    ///
    /// With scores (`|_, s| s < 2.0`), it finds where a score range starts
    /// or ends; with members (`|m, _| m < b"k"`), where a member range
    /// does, but only while [`members_ascending`](Self::members_ascending).
    pub fn partition_point(&self, mut pred: impl FnMut(&Bytes, f64) -> bool) -> usize {
        self.count_while(|node| pred(&node.member, node.score))
    }

    /// Whether the members rise along the order, as they do when all scores
    /// are equal: then a predicate on members alone is monotonic and
    /// [`partition_point`](Self::partition_point) may search by member.
    /// O(1).
    pub fn members_ascending(&self) -> bool {
        self.descents == 0
    }

    /// Removes the members whose 0-based ranks are in `ranks` (cut to the
    /// set); how many. O(M log N) for M members.
    pub fn remove_range(&mut self, ranks: impl RangeBounds<usize>) -> usize {
        let (start, end) = self.bounds(ranks);
        if start >= end {
            return 0;
        }
        if start == 0 && end == self.len() {
            *self = SortedSet::default();
            return end;
        }
        let doomed: Vec<Bytes> = self.range(start..end).map(|(m, _)| m.clone()).collect();
        for member in &doomed {
            self.remove(member);
        }
        doomed.len()
    }

    /// Removes and returns the member with the lowest score. O(log N).
    pub fn pop_first(&mut self) -> Option<(Bytes, f64)> {
        let member = self.first()?.0.clone();
        let score = self.remove(&member)?;
        Some((member, score))
    }

    /// Removes and returns the member with the highest score. O(log N).
    pub fn pop_last(&mut self) -> Option<(Bytes, f64)> {
        let member = self.last()?.0.clone();
        let score = self.remove(&member)?;
        Some((member, score))
    }

    // ------------------------------------------------------ the skiplist

    /// `ranks` as `start..end`, cut to the set.
    fn bounds(&self, ranks: impl RangeBounds<usize>) -> (usize, usize) {
        let len = self.len();
        let start = match ranks.start_bound() {
            Bound::Included(&s) => s,
            Bound::Excluded(&s) => s.saturating_add(1),
            Bound::Unbounded => 0,
        };
        let end = match ranks.end_bound() {
            Bound::Included(&e) => e.saturating_add(1),
            Bound::Excluded(&e) => e,
            Bound::Unbounded => len,
        };
        (start.min(len), end.min(len))
    }

    /// How many leading elements `pred` holds for, `pred` being monotonic
    /// (true, then false): one descent, summing spans.
    fn count_while(&self, mut pred: impl FnMut(&Node) -> bool) -> usize {
        let (mut x, mut rank) = (HEAD, 0);
        for i in (0..self.level).rev() {
            loop {
                let link = self.nodes[x].link(i);
                if link.next == HEAD || !pred(&self.nodes[link.next]) {
                    break;
                }
                rank += link.span;
                x = link.next;
            }
        }
        rank
    }

    /// The descent towards (`score`, `member`): at each level in use, the
    /// last node before it and that node's rank from 1.
    fn path(&self, score: f64, member: &[u8]) -> Path {
        let mut update = [HEAD; MAX_LEVEL];
        let mut rank = [0; MAX_LEVEL];
        let (mut x, mut r) = (HEAD, 0);
        for i in (0..self.level).rev() {
            loop {
                let link = self.nodes[x].link(i);
                if link.next == HEAD || !precedes(&self.nodes[link.next], score, member) {
                    break;
                }
                r += link.span;
                x = link.next;
            }
            update[i] = x;
            rank[i] = r;
        }
        (update, rank)
    }

    /// The arena index of the node at 0-based `rank`.
    fn node_at(&self, rank: usize) -> Option<usize> {
        if rank >= self.len() {
            return None;
        }
        let target = rank + 1;
        let (mut x, mut traversed) = (HEAD, 0);
        for i in (0..self.level).rev() {
            loop {
                let link = self.nodes[x].link(i);
                if link.next == HEAD || traversed + link.span > target {
                    break;
                }
                traversed += link.span;
                x = link.next;
            }
            if traversed == target {
                return Some(x);
            }
        }
        None
    }

    /// 1 if the members of adjacent nodes `a` then `b` fall, else 0; 0 if
    /// either is the head (no node).
    fn descent(&self, a: usize, b: usize) -> usize {
        usize::from(a != HEAD && b != HEAD && self.nodes[a].member > self.nodes[b].member)
    }

    /// Links a new node for `member`, which is not in the list.
    fn link_new(&mut self, score: f64, member: Bytes) {
        let (mut update, mut rank) = self.path(score, &member);
        let level = random_level();
        if level > self.level {
            let len = self.nodes.len() - 1;
            let head = &mut self.nodes[HEAD];
            if head.level() < level {
                let mut up = head.up.to_vec();
                up.resize(level - 1, Link::default());
                head.up = up.into_boxed_slice();
            }
            for i in self.level..level {
                update[i] = HEAD;
                rank[i] = 0;
                *head.link_mut(i) = Link {
                    next: HEAD,
                    span: len,
                };
            }
            self.level = level;
        }
        let x = self.nodes.len();
        let (prev, next) = (update[0], self.nodes[update[0]].next.next);
        self.descents -= self.descent(prev, next);
        let mut node = Node {
            member,
            score,
            back: prev,
            next: Link::default(),
            up: vec![Link::default(); level - 1].into_boxed_slice(),
        };
        for i in 0..level {
            let before = self.nodes[update[i]].link(i);
            let skipped = rank[0] - rank[i];
            *node.link_mut(i) = Link {
                next: before.next,
                span: before.span - skipped,
            };
            *self.nodes[update[i]].link_mut(i) = Link {
                next: x,
                span: skipped + 1,
            };
        }
        for (i, &u) in update.iter().enumerate().take(self.level).skip(level) {
            self.nodes[u].link_mut(i).span += 1;
        }
        self.nodes.push(node);
        if next == HEAD {
            self.tail = x;
        } else {
            self.nodes[next].back = x;
        }
        self.descents += self.descent(prev, x) + self.descent(x, next);
    }

    /// Unlinks node `x`, whose descent is `update`; it stays in the arena.
    fn detach(&mut self, x: usize, update: &[usize; MAX_LEVEL]) {
        let (prev, next) = (self.nodes[x].back, self.nodes[x].next.next);
        self.descents -= self.descent(prev, x) + self.descent(x, next);
        self.descents += self.descent(prev, next);
        for (i, &u) in update.iter().enumerate().take(self.level) {
            let before = self.nodes[u].link(i);
            if before.next == x {
                let gone = self.nodes[x].link(i);
                *self.nodes[u].link_mut(i) = Link {
                    next: gone.next,
                    span: before.span + gone.span - 1,
                };
            } else {
                self.nodes[u].link_mut(i).span -= 1;
            }
        }
        if next == HEAD {
            self.tail = prev;
        } else {
            self.nodes[next].back = prev;
        }
        while self.level > 1 && self.nodes[HEAD].link(self.level - 1).next == HEAD {
            self.level -= 1;
        }
    }

    /// Drops the detached node `x` from the arena, moving the last node
    /// into its slot; returns it.
    fn swap_out(&mut self, x: usize) -> Node {
        let last = self.nodes.len() - 1;
        if x != last {
            let (score, member) = (self.nodes[last].score, self.nodes[last].member.clone());
            let (update, _) = self.path(score, &member);
            for (i, &u) in update.iter().enumerate().take(self.nodes[last].level()) {
                self.nodes[u].link_mut(i).next = x;
            }
            match self.nodes[last].next.next {
                HEAD => self.tail = x,
                next => self.nodes[next].back = x,
            }
        }
        self.nodes.swap_remove(x)
    }

    /// Gives memory back once the set has shrunk to a quarter of what it
    /// held, as Redis resizes its dict.
    fn shrink(&mut self) {
        let len = self.len();
        if self.nodes.capacity() > 64 && self.nodes.len() < self.nodes.capacity() / 4 {
            self.nodes.shrink_to(self.nodes.len() * 2);
        }
        if self.scores.capacity() > 64 && len < self.scores.capacity() / 4 {
            self.scores.shrink_to(len * 2);
        }
    }

    /// Gives `member` (now scored `old`) the score `new`: in place if its
    /// neighbours still bracket it (Redis's `zslUpdateScore`), else by
    /// moving its node.
    fn rescore(&mut self, member: &[u8], old: f64, new: f64) {
        let (update, _) = self.path(old, member);
        let x = self.nodes[update[0]].next.next;
        let (back, next) = (self.nodes[x].back, self.nodes[x].next.next);
        if (back == HEAD || self.nodes[back].score < new)
            && (next == HEAD || self.nodes[next].score > new)
        {
            self.nodes[x].score = new;
            return;
        }
        self.detach(x, &update);
        let node = self.swap_out(x);
        self.link_new(new, node.member);
    }
}

impl PartialEq for SortedSet {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .scores
                .iter()
                .all(|(member, score)| other.scores.get(member) == Some(score))
    }
}

impl fmt::Debug for SortedSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl FromIterator<(Bytes, f64)> for SortedSet {
    fn from_iter<I: IntoIterator<Item = (Bytes, f64)>>(iter: I) -> Self {
        let mut set = SortedSet::new();
        set.extend(iter);
        set
    }
}

impl Extend<(Bytes, f64)> for SortedSet {
    fn extend<I: IntoIterator<Item = (Bytes, f64)>>(&mut self, iter: I) {
        for (member, score) in iter {
            self.insert(member, score);
        }
    }
}

impl<'a> IntoIterator for &'a SortedSet {
    type Item = (&'a Bytes, f64);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Members and scores of a [`SortedSet`] in order, from either end.
#[derive(Clone)]
pub struct Iter<'a> {
    set: &'a SortedSet,
    /// The next node from the front, and from the back.
    front: usize,
    back: usize,
    /// How many are left between them, both included.
    left: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Bytes, f64);

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        let node = &self.set.nodes[self.front];
        self.front = node.next.next;
        self.left -= 1;
        Some((&node.member, node.score))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        let node = &self.set.nodes[self.back];
        self.back = node.back;
        self.left -= 1;
        Some((&node.member, node.score))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl FusedIterator for Iter<'_> {}

impl fmt::Debug for Iter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter").field("left", &self.left).finish()
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    impl SortedSet {
        /// Checks every link, span, back link, the tail and the descents
        /// count against a plain walk of the bottom level.
        fn check(&self) {
            let order: Vec<usize> = {
                let mut v = Vec::new();
                let mut x = self.nodes[HEAD].next.next;
                while x != HEAD {
                    v.push(x);
                    x = self.nodes[x].next.next;
                }
                v
            };
            assert_eq!(order.len(), self.len());
            assert_eq!(self.nodes.len(), self.len() + 1, "the arena is dense");
            let rank_of = |x: usize| order.iter().position(|&y| y == x).map_or(0, |p| p + 1);
            let mut prev = HEAD;
            for (r, &x) in order.iter().enumerate() {
                let node = &self.nodes[x];
                assert_eq!(node.back, prev, "back link of rank {r}");
                assert_eq!(self.scores.get(&node.member), Some(&node.score));
                if prev != HEAD {
                    let p = &self.nodes[prev];
                    assert!(
                        (p.score, &p.member) < (node.score, &node.member),
                        "order at rank {r}"
                    );
                }
                prev = x;
            }
            assert_eq!(self.tail, order.last().copied().unwrap_or(HEAD));
            for x in std::iter::once(HEAD).chain(order.iter().copied()) {
                let levels = if x == HEAD {
                    self.level
                } else {
                    self.nodes[x].level()
                };
                assert!(levels <= self.nodes[HEAD].level());
                for i in 0..levels.min(self.level) {
                    let link = self.nodes[x].link(i);
                    let to = if link.next == HEAD {
                        self.len()
                    } else {
                        rank_of(link.next)
                    };
                    assert_eq!(link.span, to - rank_of(x), "span of {x} at level {i}");
                    if link.next != HEAD {
                        assert!(self.nodes[link.next].level() > i);
                    }
                }
            }
            let descents = order
                .windows(2)
                .filter(|w| self.nodes[w[0]].member > self.nodes[w[1]].member)
                .count();
            assert_eq!(self.descents, descents);
        }
    }

    /// The basic operations on a handful of members, including order by member on equal scores and -0 stored as 0.
    #[test]
    fn basics() {
        let mut z = SortedSet::new();
        assert!(z.is_empty());
        assert_eq!(z.insert(b("b"), 2.0), None);
        assert_eq!(z.insert(b("a"), 2.0), None);
        assert_eq!(z.insert(b("c"), -0.0), None);
        assert_eq!(z.score(b"c"), Some(0.0));
        assert!(z.score(b"c").is_some_and(|s| s.is_sign_positive()));
        assert_eq!(z.insert(b("c"), 0.0), Some(0.0));
        let order: Vec<_> = z.iter().map(|(m, s)| (m.clone(), s)).collect();
        assert_eq!(order, vec![(b("c"), 0.0), (b("a"), 2.0), (b("b"), 2.0)]);
        assert_eq!(z.rank(b"a"), Some(1));
        assert_eq!(z.rank(b"zz"), None);
        assert_eq!(z.get(2).map(|(m, _)| m.clone()), Some(b("b")));
        assert_eq!(z.get(3), None);
        assert_eq!(z.insert(b("c"), 5.0), Some(0.0));
        assert_eq!(z.last().map(|(m, s)| (m.clone(), s)), Some((b("c"), 5.0)));
        assert_eq!(z.remove(b"a"), Some(2.0));
        assert_eq!(z.remove(b"a"), None);
        assert_eq!(z.len(), 2);
        assert!(z.members_ascending());
        z.insert(b("a"), 9.0);
        assert!(!z.members_ascending(), "b, c, a: the members fall");
        z.check();
        let mut other: SortedSet = [(b("a"), 9.0), (b("c"), 5.0), (b("b"), 2.0)]
            .into_iter()
            .collect();
        assert_eq!(z, other);
        other.insert(b("a"), 8.0);
        assert_ne!(z, other);
        assert_eq!(format!("{z:?}"), r#"{b"b": 2.0, b"c": 5.0, b"a": 9.0}"#);
    }

    /// Ranges by rank are cut to the set and run both ways; partition points find score bounds.
    #[test]
    fn ranges_and_partition_points() {
        let z: SortedSet = (0..100)
            .map(|i| (b(&format!("m{i:03}")), f64::from(i / 2)))
            .collect();
        z.check();
        let got: Vec<f64> = z.range(10..14).map(|(_, s)| s).collect();
        assert_eq!(got, vec![5.0, 5.0, 6.0, 6.0]);
        let back: Vec<f64> = z.range(10..14).rev().map(|(_, s)| s).collect();
        assert_eq!(back, vec![6.0, 6.0, 5.0, 5.0]);
        assert_eq!(z.range(98..1000).len(), 2);
        assert_eq!(z.range(200..300).count(), 0);
        assert_eq!(z.range(5..5).count(), 0);
        assert_eq!(z.partition_point(|_, s| s < 10.0), 20);
        assert_eq!(z.partition_point(|_, s| s <= 10.0), 22);
        assert_eq!(z.partition_point(|_, _| true), 100);
        assert_eq!(z.partition_point(|m, _| m[..] < b"m050"[..]), 50);
    }

    /// Removing ranges, popping both ends and emptying the set leave a consistent list.
    #[test]
    fn removals() {
        let mut z: SortedSet = (0..50)
            .map(|i| (b(&format!("{i:02}")), f64::from(i)))
            .collect();
        assert_eq!(z.remove_range(10..20), 10);
        z.check();
        assert_eq!(z.len(), 40);
        assert_eq!(z.pop_first(), Some((b("00"), 0.0)));
        assert_eq!(z.pop_last(), Some((b("49"), 49.0)));
        z.check();
        assert_eq!(z.remove_range(..), 38);
        assert!(z.is_empty());
        assert_eq!(z.pop_first(), None);
        z.check();
        z.insert(b("x"), 1.0);
        z.check();
    }

    /// A random mix of inserts, rescores, removals and range removals matches a sorted Vec at every step.
    #[test]
    fn matches_a_sorted_vec() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut z = SortedSet::new();
        let mut model: Vec<(f64, Bytes)> = Vec::new();
        let scores = [
            f64::NEG_INFINITY,
            -1.5,
            0.0,
            -0.0,
            1.0,
            2.0,
            2.5,
            1e300,
            f64::INFINITY,
        ];
        for step in 0..6000 {
            let member = b(&format!("m{}", rng.random_range(0..120)));
            match rng.random_range(0..10) {
                0..=4 => {
                    let score = if rng.random_bool(0.5) {
                        scores[rng.random_range(0..scores.len())]
                    } else {
                        f64::from(rng.random_range(-20..20)) / 4.0
                    };
                    let score = if score == 0.0 { 0.0 } else { score };
                    let old = model.iter().position(|(_, m)| *m == member);
                    let expected = old.map(|i| model.remove(i).0);
                    model.push((score, member.clone()));
                    assert_eq!(z.insert(member, score), expected, "step {step}");
                }
                5..=7 => {
                    let old = model.iter().position(|(_, m)| *m == member);
                    let expected = old.map(|i| model.remove(i).0);
                    assert_eq!(z.remove(&member), expected, "step {step}");
                }
                8 => {
                    model.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
                    let start = rng.random_range(0..=model.len());
                    let end = rng.random_range(start..=model.len().min(start + 5));
                    model.drain(start..end);
                    assert_eq!(z.remove_range(start..end), end - start);
                }
                _ => {
                    if rng.random_bool(0.5) {
                        z.pop_first();
                        model.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
                        if !model.is_empty() {
                            model.remove(0);
                        }
                    } else {
                        z.pop_last();
                        model.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
                        model.pop();
                    }
                }
            }
            model.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            if step % 50 == 0 {
                z.check();
            }
            let got: Vec<(f64, Bytes)> = z.iter().map(|(m, s)| (s, m.clone())).collect();
            assert_eq!(got, model, "step {step}");
            assert_eq!(z.len(), model.len());
            if !model.is_empty() {
                let r = rng.random_range(0..model.len());
                let (score, member) = &model[r];
                assert_eq!(z.rank(member), Some(r));
                assert_eq!(z.get(r), Some((member, *score)));
                let s = rng.random_range(0..model.len());
                let e = rng.random_range(s..=model.len());
                let fwd: Vec<(f64, Bytes)> = z.range(s..e).map(|(m, s)| (s, m.clone())).collect();
                assert_eq!(fwd, model[s..e].to_vec());
                let rev: Vec<(f64, Bytes)> =
                    z.range(s..e).rev().map(|(m, s)| (s, m.clone())).collect();
                let mut expected = model[s..e].to_vec();
                expected.reverse();
                assert_eq!(rev, expected);
                let bound = f64::from(rng.random_range(-20..20)) / 4.0;
                assert_eq!(
                    z.partition_point(|_, s| s < bound),
                    model.partition_point(|(s, _)| *s < bound)
                );
                let ascending = model.windows(2).all(|w| w[0].1 < w[1].1);
                assert_eq!(z.members_ascending(), ascending);
            }
        }
        z.check();
    }
}
