//! Lazy free: big values are reclaimed off the command path.
//!
//! Freeing a collection of ten million elements takes hundreds of
//! milliseconds. Done where the key is removed, that time is spent inside the
//! strategy's lock, shard or actor, and every client waiting on it stalls for
//! the whole free. So, as Redis's `lazyfree` does for `UNLINK` and
//! `FLUSHALL ASYNC`, a removed or overwritten value that is big (more than
//! [`LAZYFREE_THRESHOLD`] elements, Redis's own threshold) is sent to one
//! background thread that drops it there; a small one is dropped at once,
//! which is cheaper than the send.
//!
//! Every host gets this without a line of its own: [`run_step`](crate::run_step)
//! hands the value a step removed or replaced to [`reclaim`] before the host
//! applies the outcome, so what the host then drops under its lock is an
//! empty shell. `FLUSHDB` and `FLUSHALL` on the keyspace strategies hand
//! over the whole table ([`reclaim_later`]). What is left inline: the map
//! strategies' `FLUSHALL` removes entries bucket by bucket (each bucket's
//! lock is held only for its own entries), and flurry and papaya free a
//! replaced entry when their epoch reclamation runs, on whatever thread
//! that is.
//!
//! Unlike Redis, `DEL` is lazy too (Redis's `lazyfree-lazy-user-del yes`):
//! a `DEL` of a big key answers at once, and the memory comes back a moment
//! later.

use std::sync::OnceLock;
use std::sync::mpsc::{self, Sender};

use crate::Value;

/// How many elements make a value worth freeing on the background thread:
/// Redis's `LAZYFREE_THRESHOLD`.
pub const LAZYFREE_THRESHOLD: usize = 64;

/// Something to drop on the background thread.
type Garbage = Box<dyn Send>;

/// The background thread's queue, started on first use. `None` if the
/// thread could not be started: values are then dropped in place.
fn queue() -> Option<&'static Sender<Garbage>> {
    static QUEUE: OnceLock<Option<Sender<Garbage>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (send, receive) = mpsc::channel::<Garbage>();
            std::thread::Builder::new()
                .name("sharedkv-lazyfree".into())
                .spawn(move || receive.into_iter().for_each(drop))
                .ok()
                .map(|_| send)
        })
        .as_ref()
}

/// How many elements freeing `value` visits: 1 for a string.
pub fn effort(value: &Value) -> usize {
    match value {
        Value::Str(_) | Value::Int(_) => 1,
        Value::Hash(hash) => hash.len(),
        Value::List(list) => list.len(),
        Value::Set(set) => set.len(),
        Value::ZSet(zset) => zset.len(),
    }
}

/// Drops `value`: on the background thread if it is big, else here.
pub fn reclaim(value: Value) {
    if effort(&value) > LAZYFREE_THRESHOLD {
        reclaim_later(value);
    }
}

/// Drops `garbage` on the background thread, whatever its size (a whole
/// table, for `FLUSHALL`); in place if that thread is not running.
pub fn reclaim_later<T: Send + 'static>(garbage: T) {
    if let Some(queue) = queue() {
        // A send fails only if the thread has gone, which hands the value
        // back: it is then dropped here.
        let _ = queue.send(Box::new(garbage));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use bytes::Bytes;

    use super::*;

    /// A value handed to the background thread is dropped there; `effort` counts a string as one element.
    #[test]
    fn big_values_are_dropped_elsewhere() {
        let marker = Arc::new(());
        let list: crate::List = (0..1000).map(|i| Bytes::from(format!("{i}"))).collect();
        struct Watched(#[allow(dead_code)] crate::List, #[allow(dead_code)] Arc<()>);
        reclaim_later(Watched(list, Arc::clone(&marker)));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Arc::strong_count(&marker) > 1 {
            assert!(
                Instant::now() < deadline,
                "the background thread never dropped it"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(effort(&Value::Int(1)), 1);
        assert_eq!(effort(&Value::Str(Bytes::from_static(b"small"))), 1);
    }
}
