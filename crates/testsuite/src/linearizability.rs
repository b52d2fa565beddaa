//! A linearizability checker for histories of `SET` and `GET` on keys, each
//! key a register.
//!
//! A history is what clients observed: for every operation, when it was
//! called, when its reply came back, and what it wrote or read. It is
//! **linearizable** if each operation can be given a single instant between
//! its call and its reply such that, taken in the order of those instants,
//! every read returns the value of the latest write before it (or nothing,
//! before the first write). That is what "reads and writes of one key are
//! linearizable" promises, and what every strategy claims.
//!
//! Linearizability is local (Herlihy & Wing): a history is linearizable if
//! and only if the sub-history of each key is. So [`check`] splits the
//! history by key and checks each register on its own, with Wing & Gong's
//! search as improved by Lowe ("Testing for linearizability", 2017): try to
//! linearize, in real-time order, any pending operation whose call precedes
//! every reply still to come; backtrack when a reply comes whose operation
//! could not be placed; and remember each (set of placed operations, register
//! value) pair already explored, so no configuration is searched twice.
//!
//! Writes of unique values make the search fast (a read then names the one
//! write it saw), which is how the end-to-end tests use it.
//!
//! ```
//! use sharedkv_testsuite::linearizability::{Action, Operation, check};
//!
//! // One client wrote 1 during [0, 10]; another then read nothing at [20, 30].
//! let stale = [
//!     Operation { key: "k", action: Action::Write(1), call: 0, reply: Some(10) },
//!     Operation { key: "k", action: Action::Read(None), call: 20, reply: Some(30) },
//! ];
//! assert!(check(&stale).is_err());
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::Hash;
use std::time::Instant;

/// What an operation did to its key's register.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action<V> {
    /// `SET key value`: the register holds `value` from then on.
    Write(V),
    /// `GET key`, with the value it returned (`None`: the key did not exist).
    Read(Option<V>),
}

/// One operation as a client observed it.
///
/// Times are ticks of one clock shared by every client (see [`Clock`]).
/// Operation `a` precedes `b` in real time when `a.reply < b.call`; equal
/// times count as overlapping, so the checker errs towards accepting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation<K, V> {
    /// The key; each key is checked as its own register.
    pub key: K,
    /// What was done, and for a read, what came back.
    pub action: Action<V>,
    /// When the request was about to be sent.
    pub call: u64,
    /// When the reply had arrived; `None` if it never did (the connection
    /// broke). Such a write may or may not have taken effect, at any time
    /// after its call; such a read observed nothing and is ignored.
    pub reply: Option<u64>,
}

/// A key whose history is not linearizable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation<K> {
    /// The key.
    pub key: K,
    /// How many operations its history holds.
    pub operations: usize,
}

impl<K: fmt::Debug> fmt::Display for Violation<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the history of key {:?} ({} operations) is not linearizable",
            self.key, self.operations
        )
    }
}

impl<K: fmt::Debug> std::error::Error for Violation<K> {}

/// A monotonic clock in nanoseconds from its creation, to timestamp the
/// operations of clients running at once. Clone it into every client.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    start: Instant,
}

impl Clock {
    /// A clock reading 0 now.
    pub fn new() -> Self {
        Clock {
            start: Instant::now(),
        }
    }

    /// Nanoseconds since [`Clock::new`].
    pub fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

/// Checks that `history` is linearizable, key by key, each key a register
/// that starts empty. Returns the first key (in order of first appearance)
/// whose history is not.
///
/// The search is exponential in the worst case (the problem is NP-complete);
/// with unique written values and a handful of concurrent clients per key
/// it takes milliseconds for thousands of operations.
pub fn check<K, V>(history: &[Operation<K, V>]) -> Result<(), Violation<K>>
where
    K: Clone + Eq + Hash,
    V: Clone + Eq + Hash,
{
    let mut keys: Vec<&K> = Vec::new();
    let mut by_key: HashMap<&K, Vec<&Operation<K, V>>> = HashMap::new();
    for op in history {
        // A read without a reply observed nothing: it constrains nothing.
        if op.reply.is_none() && matches!(op.action, Action::Read(_)) {
            continue;
        }
        by_key
            .entry(&op.key)
            .or_insert_with(|| {
                keys.push(&op.key);
                Vec::new()
            })
            .push(op);
    }
    for key in keys {
        let ops = &by_key[key];
        if !register_is_linearizable(ops) {
            return Err(Violation {
                key: key.clone(),
                operations: ops.len(),
            });
        }
    }
    Ok(())
}

/// One end of an operation, in the list the search walks.
#[derive(Clone, Copy)]
struct Event {
    op: usize,
    call: bool,
    time: u64,
}

/// End of the list.
const NIL: usize = usize::MAX;

/// Wing & Gong's search with Lowe's memoisation, for one register.
fn register_is_linearizable<K, V: Clone + Eq + Hash>(ops: &[&Operation<K, V>]) -> bool {
    let n = ops.len();
    if n == 0 {
        return true;
    }
    let mut events: Vec<Event> = Vec::with_capacity(2 * n);
    for (i, op) in ops.iter().enumerate() {
        events.push(Event {
            op: i,
            call: true,
            time: op.call,
        });
        events.push(Event {
            op: i,
            call: false,
            time: op.reply.unwrap_or(u64::MAX),
        });
    }
    // Calls before replies at equal times: touching operations overlap.
    events.sort_by_key(|e| (e.time, !e.call));
    // A doubly linked list over `events`, with a head sentinel at index
    // `len`; `partner[i]` is the other end of event `i`'s operation.
    let len = events.len();
    let head = len;
    let mut next: Vec<usize> = (1..=len).collect();
    next[len - 1] = NIL;
    next.push(0);
    let mut prev: Vec<usize> = (0..len)
        .map(|i| if i == 0 { head } else { i - 1 })
        .collect();
    let mut partner = vec![0; len];
    let mut call_of = vec![0; n];
    for (i, e) in events.iter().enumerate() {
        if e.call {
            call_of[e.op] = i;
        }
    }
    for (i, e) in events.iter().enumerate() {
        if !e.call {
            partner[call_of[e.op]] = i;
            partner[i] = call_of[e.op];
        }
    }

    let unlink = |next: &mut Vec<usize>, prev: &mut Vec<usize>, i: usize| {
        next[prev[i]] = next[i];
        if next[i] != NIL {
            prev[next[i]] = prev[i];
        }
    };
    let relink = |next: &mut Vec<usize>, prev: &mut Vec<usize>, i: usize| {
        next[prev[i]] = i;
        if next[i] != NIL {
            prev[next[i]] = i;
        }
    };

    let mut placed = vec![0u64; n.div_ceil(64)];
    let mut seen: HashSet<(Vec<u64>, Option<V>)> = HashSet::new();
    // Operations placed so far, with the register's value before each.
    let mut stack: Vec<(usize, Option<V>)> = Vec::new();
    let mut value: Option<V> = None;
    let mut cursor = next[head];
    while next[head] != NIL {
        if cursor == NIL {
            // Unreachable: the list always ends with a reply event, which
            // either backtracks or fails below.
            return false;
        }
        let event = events[cursor];
        if event.call {
            let op = ops[event.op];
            let after = match &op.action {
                Action::Write(v) => Some(Some(v.clone())),
                Action::Read(seen_value) if *seen_value == value => Some(value.clone()),
                Action::Read(_) => None,
            };
            if let Some(after) = after {
                let mut with_op = placed.clone();
                with_op[event.op / 64] |= 1 << (event.op % 64);
                if seen.insert((with_op.clone(), after.clone())) {
                    stack.push((cursor, std::mem::replace(&mut value, after)));
                    placed = with_op;
                    let reply = partner[cursor];
                    unlink(&mut next, &mut prev, cursor);
                    unlink(&mut next, &mut prev, reply);
                    cursor = next[head];
                    continue;
                }
            }
            cursor = next[cursor];
        } else {
            // A reply whose operation is not placed yet: it cannot be
            // placed later, so undo the last placement and try further on.
            let Some((call, before)) = stack.pop() else {
                return false;
            };
            value = before;
            let op = events[call].op;
            placed[op / 64] &= !(1 << (op % 64));
            relink(&mut next, &mut prev, partner[call]);
            relink(&mut next, &mut prev, call);
            cursor = next[call];
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(key: &'static str, v: u32, call: u64, reply: u64) -> Operation<&'static str, u32> {
        Operation {
            key,
            action: Action::Write(v),
            call,
            reply: Some(reply),
        }
    }

    fn read(
        key: &'static str,
        v: Option<u32>,
        call: u64,
        reply: u64,
    ) -> Operation<&'static str, u32> {
        Operation {
            key,
            action: Action::Read(v),
            call,
            reply: Some(reply),
        }
    }

    /// No operations, or only reads of an empty register, are linearizable.
    #[test]
    fn empty_and_initial_histories() {
        assert_eq!(check::<&str, u32>(&[]), Ok(()));
        assert_eq!(
            check(&[read("k", None, 0, 1), read("k", None, 2, 3)]),
            Ok(())
        );
    }

    /// A read after a write completed must see it: a stale read is rejected.
    #[test]
    fn stale_read_is_rejected() {
        assert_eq!(
            check(&[write("k", 1, 0, 10), read("k", Some(1), 20, 30)]),
            Ok(())
        );
        assert_eq!(
            check(&[write("k", 1, 0, 10), read("k", None, 20, 30)]),
            Err(Violation {
                key: "k",
                operations: 2
            })
        );
    }

    /// A read overlapping a write may see the value before or after it.
    #[test]
    fn overlapping_read_sees_either_value() {
        for seen in [None, Some(1)] {
            assert_eq!(
                check(&[write("k", 1, 0, 10), read("k", seen, 5, 15)]),
                Ok(())
            );
        }
    }

    /// Once a read saw the newer of two writes, a later read cannot see the
    /// older one again, even though the writes overlapped.
    #[test]
    fn value_flipping_back_is_rejected() {
        let history = [
            write("k", 1, 0, 10),
            write("k", 2, 0, 10),
            read("k", Some(2), 11, 12),
            read("k", Some(1), 13, 14),
        ];
        assert!(check(&history).is_err());
        // Either order alone is fine.
        assert_eq!(check(&history[..3]), Ok(()));
        assert_eq!(
            check(&[history[0].clone(), history[1].clone(), history[3].clone()]),
            Ok(())
        );
    }

    /// Two readers may not disagree on the order of two writes: one sees
    /// 1 then 2, the other 2 then 1, all reads after both writes began.
    #[test]
    fn readers_disagreeing_on_write_order_are_rejected() {
        let history = [
            write("k", 1, 0, 100),
            write("k", 2, 0, 100),
            read("k", Some(1), 10, 20),
            read("k", Some(2), 30, 40),
            read("k", Some(2), 10, 20),
            read("k", Some(1), 30, 40),
        ];
        assert!(check(&history).is_err());
    }

    /// A value nobody wrote is never linearizable.
    #[test]
    fn read_of_unwritten_value_is_rejected() {
        assert!(check(&[write("k", 1, 0, 1), read("k", Some(7), 2, 3)]).is_err());
    }

    /// Keys are independent registers; the violation names the bad key.
    #[test]
    fn keys_are_checked_separately() {
        let history = [
            write("a", 1, 0, 10),
            write("b", 1, 0, 10),
            read("a", Some(1), 20, 30),
            read("b", Some(1), 20, 30),
            // "b" alone would be fine with this; "a"'s value does not leak.
            read("a", None, 40, 50),
        ];
        assert_eq!(
            check(&history),
            Err(Violation {
                key: "a",
                operations: 3
            })
        );
        assert_eq!(check(&history[..4]), Ok(()));
    }

    /// A write without a reply may have happened or not; a read without a
    /// reply is ignored.
    #[test]
    fn operations_without_reply() {
        let lost = Operation {
            key: "k",
            action: Action::Write(1),
            call: 0,
            reply: None,
        };
        assert_eq!(check(&[lost.clone(), read("k", None, 5, 6)]), Ok(()));
        assert_eq!(
            check(&[
                lost.clone(),
                read("k", None, 5, 6),
                read("k", Some(1), 7, 8)
            ]),
            Ok(())
        );
        assert!(check(&[lost, read("k", Some(1), 5, 6), read("k", None, 7, 8)]).is_err());
        let unanswered = Operation {
            key: "k",
            action: Action::Read(Some(9)),
            call: 0,
            reply: None,
        };
        assert_eq!(check(&[unanswered]), Ok(()));
    }

    /// Histories made from a real register, each operation taking effect at
    /// a random instant inside a random interval, are accepted, and fast:
    /// 2,000 operations, about ten in flight at any time.
    #[test]
    fn generated_linearizable_histories_are_accepted() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut rand = move |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        for _ in 0..2 {
            let mut history = Vec::new();
            let mut register = None;
            // Effect instants 1,000 ticks apart; each operation's interval
            // reaches up to 5,000 ticks either side, so about ten overlap.
            for (i, at) in (1..=2_000u64).map(|i| (i, i * 1_000)) {
                let call = at - rand(5_000).min(at);
                let reply = at + rand(5_000);
                let action = if rand(3) == 0 {
                    let v = u32::try_from(i).unwrap_or(u32::MAX);
                    register = Some(v);
                    Action::Write(v)
                } else {
                    Action::Read(register)
                };
                history.push(Operation {
                    key: "k",
                    action,
                    call,
                    reply: Some(reply),
                });
            }
            assert_eq!(check(&history), Ok(()));
            // Corrupting one read of a written value breaks it.
            if let Some(op) = history
                .iter_mut()
                .rev()
                .find(|op| matches!(op.action, Action::Read(Some(_))))
            {
                op.action = Action::Read(Some(u32::MAX));
            }
            assert!(check(&history).is_err());
        }
    }
}
