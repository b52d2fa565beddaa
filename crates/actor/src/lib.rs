//! An implementation of `sharedkv-db`'s [`Db`](sharedkv_db::Db) trait in
//! which one Tokio task owns the [`Keyspace`]: commands reach it over a
//! bounded mpsc channel and answers come back over a oneshot, as in the Tokio
//! tutorial's "Channels" chapter.
//!
//! **When to pick it:** when the resource is I/O-like or must be owned by one
//! task (a connection, a file, a handle that is not `Sync`), or when every
//! command must be applied in one arrival order. For an in-memory map it is
//! here to be measured, not because it should win.
//!
//! **What it costs:** everything is serialised through one task, so the store
//! runs at the speed of one core, and under load that task keeps one worker
//! thread busy. Each command is a channel round trip: a send into the queue,
//! a reply over a oneshot, and two wake-ups (the actor's, then the caller's).
//! The actor runs every job already queued before it waits again, so a busy
//! queue pays the actor's wake-up once per batch.
//!
//! **Why closures, not a command enum:** a job is a boxed `FnOnce` that runs
//! the closure [`KeyspaceHost`] hands us and sends its answer back. The actor
//! therefore has no per-command message type and no `match`, and command
//! semantics stay in `Keyspace`, as in every other strategy. The price is one
//! `Box` and one oneshot allocation per command.
//!
//! # Consistency
//!
//! The actor runs one job at a time, to completion, on the only keyspace, so
//! single-key operations are linearizable, multi-key ones (`MSET`, `MGET`,
//! `DEL`, `EXISTS`) are atomic, and so are `DBSIZE` and `FLUSHALL`.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};

use sharedkv_db::{Bytes, Instant, Keyspace, KeyspaceHost, Route, SWEEP_BUDGET, SWEEP_INTERVAL};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

/// How many jobs may wait for the actor. Why bounded: when the actor falls
/// behind, a full queue makes senders wait (backpressure), instead of letting
/// memory grow without limit.
pub const QUEUE_CAPACITY: usize = 1024;

/// The most jobs the actor runs back to back before it checks its sweep
/// timer again; bounds how long a busy queue can delay active expiry.
const DRAIN_BATCH: usize = 1024;

/// A command on its way to the actor: the caller's closure, wrapped so that
/// it sends its own answer. Boxing erases the answer type, so one channel
/// carries every command.
type Job = Box<dyn FnOnce(&mut Keyspace) + Send>;

/// A handle to the actor that owns the keyspace. Clones share it.
#[derive(Clone, Debug)]
pub struct ActorDb {
    /// The actor's queue. Why this is the only field: the keyspace lives in
    /// the actor task, and no one else can reach it. The actor stops when the
    /// last sender, hence the last handle, is dropped.
    jobs: mpsc::Sender<Job>,
}

impl ActorDb {
    /// An empty store, its actor started; the actor sweeps expired keys
    /// itself, between commands.
    ///
    /// Must be called from within a Tokio runtime.
    pub fn new() -> Self {
        Self::start().0
    }

    /// Starts the actor and returns its handle and its task.
    fn start() -> (Self, JoinHandle<()>) {
        let (jobs, queue) = mpsc::channel(QUEUE_CAPACITY);
        (Self { jobs }, tokio::spawn(run(queue)))
    }

    /// Runs `f` on the keyspace inside the actor and returns its answer.
    /// **Locking behaviour:** waits while the queue is full, then until the
    /// actor has run every job queued before this one.
    ///
    /// Once queued, the job runs even if the returned future is dropped; only
    /// its answer is thrown away.
    fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |keyspace| {
            // Fails only if the caller stopped waiting: nobody wants the answer.
            let _ = reply.send(f(keyspace));
        });
        async move {
            self.jobs
                .send(job)
                .await
                .expect("the actor runs until its last handle drops, and this is a handle");
            answer
                .await
                .expect("the command panicked in the actor (see the panic above)")
        }
    }
}

impl Default for ActorDb {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyspaceHost for ActorDb {
    const ATOMIC_MULTI_KEY: bool = true;

    fn with_key<R: Send + 'static>(
        &self,
        _key: &Bytes,
        f: impl FnOnce(&mut Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        self.call(f)
    }

    fn with_keys<R: Send + 'static>(
        &self,
        _keys: &[Bytes],
        f: impl FnOnce(&mut dyn Route) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        self.call(move |keyspace| f(keyspace))
    }

    fn with_each<R: Send + 'static>(
        &self,
        mut f: impl FnMut(&mut Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = Vec<R>> + Send {
        self.call(move |keyspace| vec![f(keyspace)])
    }
}

/// The actor: owns the keyspace, runs jobs in arrival order, sweeps expired
/// keys every [`SWEEP_INTERVAL`], and returns when every handle is gone.
async fn run(mut queue: mpsc::Receiver<Job>) {
    let mut keyspace = Keyspace::new();
    let mut sweep = tokio::time::interval(SWEEP_INTERVAL);
    sweep.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            // The timer first: with the queue first, a queue that never
            // empties would starve the sweep. A pending timer costs one poll.
            biased;
            _ = sweep.tick() => {
                // Queued jobs run between sweep steps, so a mass expiry does
                // not stall commands for its whole length.
                while keyspace.sweep_expired(Instant::now(), SWEEP_BUDGET) == SWEEP_BUDGET {
                    drain(&mut queue, &mut keyspace);
                }
            }
            job = queue.recv() => {
                // `None`: every sender, hence every handle, is gone.
                let Some(job) = job else { break };
                run_job(job, &mut keyspace);
                drain(&mut queue, &mut keyspace);
            }
        }
    }
}

/// Runs up to [`DRAIN_BATCH`] jobs already queued, without going back through
/// `select!` (no timer poll, no waker registration) for each.
fn drain(queue: &mut mpsc::Receiver<Job>, keyspace: &mut Keyspace) {
    for job in std::iter::from_fn(|| queue.try_recv().ok()).take(DRAIN_BATCH) {
        run_job(job, keyspace);
    }
}

/// Runs one job. A panicking command must not take the store down with it:
/// the panic is caught here, its caller panics in turn (its reply is dropped
/// unsent), and the keyspace stays usable, for the reason a poisoned lock
/// does in the lock-based strategies (each change is one map insert or
/// remove, so nothing is left half-updated).
fn run_job(job: Job, keyspace: &mut Keyspace) {
    let _ = catch_unwind(AssertUnwindSafe(|| job(keyspace)));
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sharedkv_db::{Db, SetExpiry, SetOptions};

    use super::*;

    /// The actor keeps running while any handle lives, and its task ends when the last one drops.
    #[tokio::test]
    async fn actor_stops_with_its_last_handle() {
        let (db, task) = ActorDb::start();
        let other = db.clone();
        db.set(Bytes::from("k"), Bytes::from("v"), SetOptions::default())
            .await;
        drop(db);
        assert_eq!(other.get(&Bytes::from("k")).await, Some(Bytes::from("v")));
        assert!(!task.is_finished());
        drop(other);
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("the actor did not stop")
            .expect("the actor panicked");
    }

    /// A command that panics fails its own caller only; the actor keeps serving.
    #[tokio::test]
    async fn a_panicking_command_does_not_stop_the_actor() {
        let db = ActorDb::new();
        let doomed = db.clone();
        let caller = tokio::spawn(async move {
            doomed
                .with_key(&Bytes::from("k"), |_| -> () { panic!("boom") })
                .await
        });
        assert!(caller.await.unwrap_err().is_panic());
        db.set(Bytes::from("k"), Bytes::from("v"), SetOptions::default())
            .await;
        assert_eq!(db.get(&Bytes::from("k")).await, Some(Bytes::from("v")));
    }

    /// The actor's own sweep reclaims an expired key that nobody reads again.
    #[tokio::test(start_paused = true)]
    async fn actor_sweeps_expired_keys() {
        let db = ActorDb::new();
        let opts = SetOptions {
            expiry: SetExpiry::At(Instant::now() + Duration::from_secs(1)),
            ..SetOptions::default()
        };
        db.set(Bytes::from("k"), Bytes::from("v"), opts).await;
        assert_eq!(db.len().await, 1);
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(db.len().await, 0);
    }
}
