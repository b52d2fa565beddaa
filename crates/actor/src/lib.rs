//! An implementation of `sharedkv-db`'s [`Db`](sharedkv_db::Db) trait in
//! which one Tokio task owns the [`Databases`] (all sixteen): commands reach
//! it over a bounded mpsc channel and answers come back over a oneshot, as in
//! the Tokio tutorial's "Channels" chapter.
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
//! the closure [`KeyspaceHost`] hands us (a command's step, wrapped by the
//! blanket `Db` impl) and sends its answer back. The actor therefore has no
//! per-command message type and no `match`, and command semantics stay in
//! the commands' steps, as in every other strategy. The price is one `Box`
//! and one oneshot allocation per command.
//!
//! The actor itself is [`KeyspaceActor`], public so that the sharded-actor
//! strategy runs one per shard; its [`KeyspaceActor::lend`] (which `ActorDb`
//! never needs) lends the databases out for multi-key steps across actors.
//!
//! # Consistency
//!
//! The actor runs one job at a time, to completion, on the only copy of the
//! databases, so single-key steps are linearizable, multi-key steps
//! (`update_many`, `read_many`: `MSET`, `MGET`, `RENAME`, ...) are atomic
//! ([`ATOMIC_MULTI_KEY`](sharedkv_db::Db::ATOMIC_MULTI_KEY) is `true`), and
//! so are `SWAPDB` and `FLUSHALL` (`with_all`: one job) and each `SCAN` or
//! `DBSIZE` call.
//!
//! **Transactions and scripts** (`EXEC`, `EVAL`: [`Db::atomically`](sharedkv_db::Db::atomically)) are one
//! job of the actor: isolated for free, and every other client's job waits
//! in the mailbox meanwhile.

use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::panic::{AssertUnwindSafe, catch_unwind};

use sharedkv_db::{Databases, Instant, KeyspaceHost, SWEEP_BUDGET, SWEEP_INTERVAL};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

/// How many messages may wait for an actor. Why bounded: when the actor
/// falls behind, a full queue makes senders wait (backpressure), instead of
/// letting memory grow without limit.
pub const QUEUE_CAPACITY: usize = 1024;

/// The most messages an actor handles back to back before it checks its
/// sweep timer again; bounds how long a busy queue can delay active expiry.
const DRAIN_BATCH: usize = 1024;

/// A command on its way to the actor: the caller's closure, wrapped so that
/// it sends its own answer. Boxing erases the answer type, so one channel
/// carries every command.
type Job = Box<dyn FnOnce(&mut Databases) + Send>;

/// What an actor's queue carries.
enum Message {
    /// Run a command on the databases.
    Run(Job),
    /// Hand the databases over in a [`Loan`] and wait until they come back.
    Lend(oneshot::Sender<Loan>),
}

/// A handle to the actor that owns the databases. Clones share it.
#[derive(Clone, Debug)]
pub struct ActorDb {
    /// The one actor. Why this is the only state: the databases live in the
    /// actor task, and no one else can reach them.
    actor: KeyspaceActor,
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
        let (actor, task) = KeyspaceActor::start();
        (Self { actor }, task)
    }
}

impl Default for ActorDb {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyspaceHost for ActorDb {
    const ATOMIC_MULTI_KEY: bool = true;

    fn with_shard<R: Send + 'static>(
        &self,
        _shard: usize,
        f: impl FnOnce(&mut Databases) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        self.actor.call(f)
    }
}

/// One Tokio task that owns one [`Databases`], and a handle to it: the
/// machinery of [`ActorDb`], public so that the sharded-actor strategy can
/// run one per shard. Clones share the actor.
///
/// The actor runs commands ([`call`](KeyspaceActor::call)) one at a time in
/// arrival order, sweeps its expired keys every [`SWEEP_INTERVAL`] between
/// commands, and stops when the last handle is dropped.
#[derive(Clone, Debug)]
pub struct KeyspaceActor {
    /// The actor's queue: the only way to its databases.
    messages: mpsc::Sender<Message>,
}

impl KeyspaceActor {
    /// Starts an actor owning sixteen empty databases.
    ///
    /// Must be called from within a Tokio runtime.
    pub fn spawn() -> Self {
        Self::start().0
    }

    /// Starts an actor and returns its handle and its task.
    fn start() -> (Self, JoinHandle<()>) {
        let (messages, queue) = mpsc::channel(QUEUE_CAPACITY);
        (Self { messages }, tokio::spawn(run(queue)))
    }

    /// Runs `f` on the databases inside the actor and returns its answer.
    /// **Locking behaviour:** waits while the queue is full, then until the
    /// actor has handled every message queued before this one (and got back
    /// its databases, if it lent them).
    ///
    /// Once queued, the job runs even if the returned future is dropped; only
    /// its answer is thrown away.
    pub fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Databases) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |databases| {
            // Fails only if the caller stopped waiting: nobody wants the answer.
            let _ = reply.send(f(databases));
        });
        async move {
            self.send(Message::Run(job)).await;
            answer
                .await
                .expect("the command panicked in the actor (see the panic above)")
        }
    }

    /// Borrows the actor's databases: the actor hands them over in a [`Loan`]
    /// and handles nothing else until the loan is dropped. That is how a
    /// caller holds several actors' databases at once, for a multi-key step
    /// that must be atomic across them.
    ///
    /// **Locking behaviour:** like [`call`](KeyspaceActor::call), then the
    /// actor is parked until the loan drops: a lock in all but name. Whoever
    /// borrows from several actors must do it in one fixed order (the
    /// sharded-actor strategy: ascending shard index), or two borrowers can
    /// wait for each other forever. Never await anything but further loans
    /// while holding one.
    ///
    /// If the returned future is dropped before it yields the loan, the
    /// databases go straight back to their actor.
    pub fn lend(&self) -> impl Future<Output = Loan> + Send {
        let (to, loan) = oneshot::channel();
        async move {
            self.send(Message::Lend(to)).await;
            loan.await
                .expect("an actor always answers a loan request it received")
        }
    }

    /// Queues a message. **Locking behaviour:** waits while the queue is full.
    async fn send(&self, message: Message) {
        self.messages
            .send(message)
            .await
            .expect("an actor runs until its last handle drops, and this is a handle");
    }
}

/// An actor's databases, borrowed with [`KeyspaceActor::lend`]. It derefs to
/// the [`Databases`]; dropping it, on any path (a panic or a cancelled task
/// included), sends the databases back to its actor, which then resumes.
///
/// Forgetting it (`std::mem::forget`) would leave the actor parked forever.
pub struct Loan {
    /// The databases, moved out of the actor (sixteen maps' headers, about
    /// 1.4 KiB; no entry is copied). Empty once they have been sent back.
    databases: Databases,
    /// The way home. `None` only after `drop` used it.
    home: Option<oneshot::Sender<Databases>>,
}

impl Deref for Loan {
    type Target = Databases;

    fn deref(&self) -> &Databases {
        &self.databases
    }
}

impl DerefMut for Loan {
    fn deref_mut(&mut self) -> &mut Databases {
        &mut self.databases
    }
}

impl Drop for Loan {
    fn drop(&mut self) {
        if let Some(home) = self.home.take() {
            // Fails only if the actor is gone (its runtime is shutting down),
            // and then nobody needs the databases.
            let _ = home.send(std::mem::take(&mut self.databases));
        }
    }
}

impl fmt::Debug for Loan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Loan")
            .field("keys", &self.databases.len())
            .finish_non_exhaustive()
    }
}

/// The actor: owns the databases, handles messages in arrival order, sweeps
/// expired keys every [`SWEEP_INTERVAL`], and returns when every handle is
/// gone.
async fn run(mut queue: mpsc::Receiver<Message>) {
    let mut databases = Databases::new();
    let mut sweep = tokio::time::interval(SWEEP_INTERVAL);
    sweep.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            // The timer first: with the queue first, a queue that never
            // empties would starve the sweep. A pending timer costs one poll.
            biased;
            _ = sweep.tick() => {
                // Off by DEBUG SET-ACTIVE-EXPIRE 0.
                if !sharedkv_db::active_expire() {
                    continue;
                }
                // Queued messages are handled between sweep steps, so a mass
                // expiry does not stall commands for its whole length.
                while databases.sweep_expired(Instant::now(), SWEEP_BUDGET) == SWEEP_BUDGET {
                    drain(&mut queue, &mut databases).await;
                }
            }
            message = queue.recv() => {
                // `None`: every sender, hence every handle, is gone.
                let Some(message) = message else { break };
                handle(message, &mut databases).await;
                drain(&mut queue, &mut databases).await;
            }
        }
    }
}

/// Handles up to [`DRAIN_BATCH`] messages already queued, without going back
/// through `select!` (no timer poll, no waker registration) for each.
async fn drain(queue: &mut mpsc::Receiver<Message>, databases: &mut Databases) {
    for _ in 0..DRAIN_BATCH {
        let Ok(message) = queue.try_recv() else {
            break;
        };
        handle(message, databases).await;
    }
}

/// Handles one message. Only a loan awaits (its return); a command runs to
/// completion at once.
async fn handle(message: Message, databases: &mut Databases) {
    match message {
        Message::Run(job) => run_job(job, databases),
        Message::Lend(to) => lend(to, databases).await,
    }
}

/// Runs one job. A panicking command must not take the store down with it:
/// the panic is caught here, its caller panics in turn (its reply is dropped
/// unsent), and the databases stay usable, for the reason a poisoned lock
/// does in the lock-based strategies (a panicking step can leave at most its
/// own keys changed part-way; the maps stay sound).
fn run_job(job: Job, databases: &mut Databases) {
    let _ = catch_unwind(AssertUnwindSafe(|| job(databases)));
}

/// Lends the databases out and waits for them to come back. If the borrower
/// stopped waiting, `send` hands the loan back and dropping it sends the
/// databases home at once; every other path ends in a [`Loan`] drop as well.
async fn lend(to: oneshot::Sender<Loan>, databases: &mut Databases) {
    let (home, back) = oneshot::channel();
    let loan = Loan {
        databases: std::mem::take(databases),
        home: Some(home),
    };
    drop(to.send(loan));
    *databases = back
        .await
        .expect("a loan sends its databases home when it drops");
}

#[cfg(test)]
mod tests {
    use std::task::Poll;
    use std::time::Duration;

    use sharedkv_db::{Db, DbIndex, Entry, Store, Value};

    use sharedkv_db::Bytes;

    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    /// Stores "v" under "k" in database 0, with `expires_at`.
    async fn set_k(db: &impl Db, expires_at: Option<Instant>) {
        let entry = Entry {
            value: Value::Str(b("v")),
            expires_at,
        };
        db.update(DbIndex::ZERO, &b("k"), move |slot| slot.put(entry.clone()))
            .await;
    }

    /// The value under `key` in database 0.
    async fn get(db: &impl Db, key: &str) -> Option<Value> {
        db.read(DbIndex::ZERO, &b(key), |e| e.map(|e| e.value.clone()))
            .await
    }

    /// The value under `key` in database 0 of `databases`, read in place.
    fn get_in(databases: &Databases, key: &str) -> Option<Value> {
        let entry = databases
            .get(DbIndex::ZERO)
            .read(key.as_bytes(), Instant::now());
        entry.map(|e| e.value.clone())
    }

    /// The actor keeps running while any handle lives, and its task ends when the last one drops.
    #[tokio::test]
    async fn actor_stops_with_its_last_handle() {
        let (db, task) = ActorDb::start();
        let other = db.clone();
        set_k(&db, None).await;
        drop(db);
        assert_eq!(get(&other, "k").await, Some(Value::Str(b("v"))));
        assert!(!task.is_finished());
        drop(other);
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("the actor did not stop")
            .expect("the actor panicked");
    }

    /// A step that panics fails its own caller only; the actor keeps serving.
    #[tokio::test]
    async fn a_panicking_command_does_not_stop_the_actor() {
        let db = ActorDb::new();
        let doomed = db.clone();
        let caller = tokio::spawn(async move {
            doomed
                .update(DbIndex::ZERO, &b("k"), |_| -> () { panic!("boom") })
                .await
        });
        assert!(caller.await.unwrap_err().is_panic());
        set_k(&db, None).await;
        assert_eq!(get(&db, "k").await, Some(Value::Str(b("v"))));
    }

    /// A loan hands the databases over and parks the actor; dropping it, or dropping the borrowing future before it yields the loan, gives them back.
    #[tokio::test]
    async fn a_loan_parks_the_actor_and_comes_back() {
        let actor = KeyspaceActor::spawn();
        let mut loan = actor.lend().await;
        let value = Entry::new(Value::Str(b("v")));
        let now = Instant::now();
        loan.get_mut(DbIndex::ZERO)
            .update(&b("k"), now, |slot| slot.put(value));
        let parked = tokio::spawn({
            let actor = actor.clone();
            async move { actor.call(|dbs| get_in(dbs, "k")).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!parked.is_finished(), "the actor ran a command while lent");
        drop(loan);
        assert_eq!(parked.await.unwrap(), Some(Value::Str(b("v"))));

        // Cancelled after the request was queued: the loan goes straight home.
        let mut pending = Box::pin(actor.lend());
        let poll_once = std::future::poll_fn(|cx| Poll::Ready(pending.as_mut().poll(cx)));
        assert!(poll_once.await.is_pending(), "lent before the actor ran");
        drop(pending);
        let value = actor.call(|dbs| get_in(dbs, "k")).await;
        assert_eq!(value, Some(Value::Str(b("v"))));
    }

    /// The actor's own sweep reclaims expired keys that nobody reads again, in any database.
    #[tokio::test(start_paused = true)]
    async fn actor_sweeps_expired_keys() {
        let db = ActorDb::new();
        let deadline = Some(Instant::now() + Duration::from_secs(1));
        set_k(&db, deadline).await;
        db.swap(DbIndex::ZERO, DbIndex::new(7).expect("database 7 exists"))
            .await;
        set_k(&db, deadline).await;
        assert_eq!(db.actor.call(|dbs| dbs.len()).await, 2);
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(db.actor.call(|dbs| dbs.len()).await, 0);
    }
}
