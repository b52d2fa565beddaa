//! `MULTI`, `EXEC`, `DISCARD`, `WATCH`, `UNWATCH`: Redis's transactions,
//! isolated on every strategy.
//!
//! ```text
//! MULTI ─▶ +QUEUED per command (checked: name, arity, auth) ─▶ EXEC
//!                                                               │
//!   keys of every queued data command + watched keys ─▶ Db::atomically(scope)
//!       └─ in the step: watched key changed? ─▶ null reply
//!          else every data command, in order, on a StepView ─▶ replies
//!   then the queued server commands (PING, PUBLISH, INFO, ...), in place
//! ```
//!
//! **Isolation.** The data commands run in one step of the store
//! ([`Db::atomically`]), holding every key they name: no other client sees
//! part of the transaction, on any strategy. The keys come from each
//! command's key specs ([`crate::admin::keys_of`]); a command whose keys
//! are not all in its arguments (`FLUSHDB`, `SCAN`, `DBSIZE`, `SORT ... BY`)
//! makes the step hold the whole store. Each strategy pays its own price
//! for that (see its crate docs): nothing more under one lock, the shards
//! of the keys in order when sharded, the stripes of the keys for the map
//! crates.
//!
//! **Scripts** in a transaction (`EVAL`, `EVALSHA`) run in the same step,
//! holding their declared keys too; one that touches a key the step cannot
//! take makes the whole transaction start again over the whole store (see
//! `scripting`).
//!
//! **The server's own commands** in a transaction (`PING`, `ECHO`,
//! `PUBLISH`, `INFO`, `CLIENT ...`) read no key: they run after the step, in
//! their places, their replies in their slots of `EXEC`'s array.
//!
//! **`WATCH`** registers the keys in the store's [`Watches`], which every
//! write tells from inside its own step; `EXEC` holds the watched keys too
//! and reads its flag inside its step, so no write can slip between the
//! check and the commands (see `sharedkv_db::Watches`).
//!
//! As in Redis 7.0: a command refused while queueing (unknown, wrong arity,
//! not allowed) makes `EXEC` answer `EXECABORT`; an error while executing
//! does not roll anything back and is answered in its slot; `EXEC`,
//! `DISCARD` and `RESET` end the transaction and unwatch every key.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use sharedkv_commands::{Ctx, Id, Reply, Spec, arg};
use sharedkv_db::{Db, DbIndex, KeyHook, Keys, Scope, StepView, Watcher, World};

use crate::Shared;
use crate::scripting::off_worker;

/// The most bytes of queued arguments one transaction may hold: Redis's
/// default `client-query-buffer-limit` (1 GiB). Past it the client is
/// disconnected, as Redis disconnects a client whose query buffer grows
/// past its limit.
pub(crate) const MAX_QUEUED_BYTES: usize = 1024 * 1024 * 1024;

/// A transaction being queued, between `MULTI` and `EXEC`.
#[derive(Debug, Default)]
pub(crate) struct Multi {
    /// The requests queued, each name first, copied out of the read buffer.
    pub(crate) queued: Vec<Vec<Bytes>>,
    /// The bytes of their arguments, against [`MAX_QUEUED_BYTES`].
    pub(crate) bytes: usize,
    /// A request was refused while queueing: `EXEC` answers `EXECABORT`.
    pub(crate) aborted: bool,
}

/// The keys a client watches. Dropped (by `EXEC`, `DISCARD`, `UNWATCH`,
/// `RESET` or the connection's end), it unregisters them.
#[derive(Debug)]
pub(crate) struct Watching {
    hook: Arc<KeyHook>,
    watcher: Arc<Watcher>,
    /// Each key, its database, and whether it was live when watched.
    keys: Vec<(DbIndex, Bytes, bool)>,
}

impl Watching {
    /// A new, empty watch on the store `hook` belongs to.
    pub(crate) fn new(hook: Arc<KeyHook>) -> Self {
        Watching {
            hook,
            watcher: Watcher::new(),
            keys: Vec::new(),
        }
    }

    /// `WATCH keys` in database `db`: each key is registered in the same
    /// step that reads whether it is live, so that no write falls between
    /// the two unseen.
    pub(crate) async fn watch<D: Db>(&mut self, store: &D, db: DbIndex, keys: Vec<Bytes>) {
        let mut new: Vec<Bytes> = Vec::new();
        for key in keys {
            let known = |k: &Bytes| *k == key;
            if !self.keys.iter().any(|(d, k, _)| *d == db && known(k)) && !new.iter().any(known) {
                // Copied: the watch outlives the request's read buffer.
                new.push(Bytes::copy_from_slice(&key));
            }
        }
        let (hook, watcher, named) = (
            Arc::clone(&self.hook),
            Arc::clone(&self.watcher),
            new.clone(),
        );
        let live = store
            .update_many(&new, move |keys| {
                named
                    .iter()
                    .map(|key| {
                        let live = keys.read(db, key, |e| e.is_some());
                        hook.watches.watch(&watcher, db, key.clone(), live);
                        live
                    })
                    .collect::<Vec<bool>>()
            })
            .await;
        self.keys
            .extend(new.into_iter().zip(live).map(|(key, live)| (db, key, live)));
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.hook.watches.unwatch(
            &self.watcher,
            self.keys.iter().map(|(db, key, _)| (*db, key)),
        );
    }
}

/// One queued request as `EXEC` runs it.
#[derive(Debug)]
enum Queued {
    /// A data command: run in the step.
    Data(Id, Vec<Bytes>),
    /// A script (`EVAL` and the like): run in the step, or its parse
    /// error.
    Script(Result<crate::scripting::Call, Vec<u8>>),
    /// A server command: run after the step, by the connection.
    Server(Vec<Bytes>),
}

/// One slot of `EXEC`'s reply.
#[derive(Debug)]
pub(crate) enum Piece {
    /// The reply a data command wrote in the step.
    Reply(Bytes),
    /// A server command, for the connection to run now.
    Run(Vec<Bytes>),
}

/// What `EXEC` found and did.
#[derive(Debug)]
pub(crate) enum Executed {
    /// A watched key changed: nothing ran, the answer is the null reply.
    Dirty,
    /// The transaction ran: the slots of its reply, in order, and the
    /// database selected after it.
    Ran {
        pieces: Vec<Piece>,
        selected: DbIndex,
        /// A reply was cut off at the output limit.
        cut_off: bool,
    },
}

/// What the step hands back.
enum Step {
    Dirty,
    /// The step touched a key it did not hold; it is undone, and hands its
    /// commands back to be run over the whole store.
    Missed(Vec<Queued>),
    Done {
        out: BytesMut,
        /// Where each data command's reply ends in `out`.
        ends: Vec<usize>,
        selected: DbIndex,
        cut_off: bool,
        queued: Vec<Queued>,
    },
}

/// Runs the transaction `multi` (not aborted) of a client whose database
/// is `selected`, watching `watching`, replying in RESP3 if `resp3`, with
/// `limit` bytes of output (0: none).
pub(crate) async fn exec<D: Db>(
    shared: &Arc<Shared<D>>,
    multi: Multi,
    watching: Option<Watching>,
    selected: DbIndex,
    resp3: bool,
    limit: usize,
) -> Executed {
    let queued: Vec<Queued> = multi
        .queued
        .into_iter()
        .map(|argv| match sharedkv_commands::find(&argv) {
            Some(Ok(id)) => Queued::Data(id, argv),
            _ => match crate::table::resolve(&argv) {
                Ok(crate::table::Resolved::Server(crate::table::CommandId::Eval(eval), _)) => {
                    Queued::Script(crate::scripting::Call::parse(eval, argv))
                }
                _ => Queued::Server(argv),
            },
        })
        .collect();
    let mut keys = Vec::new();
    let mut whole = false;
    // A script may touch keys it did not declare: only then can the step
    // miss, and only then must it keep what it needs to undo.
    let mut scripted = false;
    for queued in &queued {
        match queued {
            Queued::Data(id, argv) => match crate::admin::keys_of(id.spec(), argv) {
                Some(found) => keys.extend(found),
                None => whole = true,
            },
            Queued::Script(Ok(call)) => {
                scripted = true;
                keys.extend(call.keys.iter().cloned());
            }
            Queued::Script(Err(_)) | Queued::Server(_) => {}
        }
    }
    let watched: Vec<(DbIndex, Bytes, bool)> = watching
        .as_ref()
        .map(|w| w.keys.clone())
        .unwrap_or_default();
    keys.extend(watched.iter().map(|(_, key, _)| key.clone()));
    let watcher = watching.as_ref().map(|w| Arc::clone(&w.watcher));
    let step = |queued: Vec<Queued>, undoable: bool| {
        let shared = Arc::clone(shared);
        let (watcher, watched) = (watcher.clone(), watched.clone());
        move |world: &mut dyn World| {
            if let Some(watcher) = watcher
                && changed(world, &watcher, &watched)
            {
                return Step::Dirty;
            }
            run_in_step(&shared, world, queued, selected, resp3, limit, undoable)
        }
    };
    let scope = if whole {
        Scope::All
    } else {
        Scope::Keys(&keys)
    };
    // While a script runs, off the worker: see `scripting`.
    let others = shared.scripts.running();
    let mut done = off_worker(others, shared.db.atomically(scope, step(queued, scripted))).await;
    if let Step::Missed(queued) = done {
        done = off_worker(
            others,
            shared.db.atomically(Scope::All, step(queued, false)),
        )
        .await;
    }
    drop(watching);
    match done {
        Step::Dirty => Executed::Dirty,
        Step::Missed(_) => unreachable!("a step over the whole store holds every key"),
        Step::Done {
            out,
            ends,
            selected,
            cut_off,
            queued,
        } => {
            let mut out = out.freeze();
            let mut start = 0;
            let mut ends = ends.into_iter();
            let pieces = queued
                .into_iter()
                .map(|queued| match queued {
                    Queued::Data(..) | Queued::Script(_) => {
                        let end = ends.next().unwrap_or(start);
                        let reply = out.split_to(end - start);
                        start = end;
                        Piece::Reply(reply)
                    }
                    Queued::Server(argv) => Piece::Run(argv),
                })
                .collect();
            Executed::Ran {
                pieces,
                selected,
                cut_off,
            }
        }
    }
}

/// Whether a watched key changed since `WATCH`: a write told `watcher`, or
/// a key live then has expired since (and nobody has removed it yet).
fn changed(world: &mut dyn World, watcher: &Watcher, watched: &[(DbIndex, Bytes, bool)]) -> bool {
    let keys: &mut dyn Keys = world;
    watcher.is_dirty()
        || watched
            .iter()
            .any(|(db, key, live)| *live && !keys.read(*db, key, |e| e.is_some()))
}

/// The data commands of a transaction, in order, on a view of `world`.
fn run_in_step<D: Db>(
    shared: &Shared<D>,
    world: &mut dyn World,
    queued: Vec<Queued>,
    mut selected: DbIndex,
    resp3: bool,
    limit: usize,
    undoable: bool,
) -> Step {
    let view = StepView::new(world, undoable);
    let mut out = BytesMut::new();
    let mut ends = Vec::new();
    let mut cut_off = false;
    for queued in &queued {
        let (id, argv) = match queued {
            Queued::Data(id, argv) => (id, argv),
            Queued::Script(call) => {
                match call {
                    Ok(call) => out.extend_from_slice(&call.run(shared, &view, selected, resp3)),
                    Err(reply) => out.extend_from_slice(reply),
                }
                ends.push(out.len());
                continue;
            }
            Queued::Server(_) => continue,
        };
        let mut cx = Ctx {
            db: &view,
            selected,
            reply: Reply::new(&mut out, limit).resp3(resp3),
            settings: &shared.live.settings,
        };
        match view.run(sharedkv_commands::run(*id, &mut cx, argv.clone())) {
            Some(Ok(())) => {}
            Some(Err(e)) => cx.reply.error(&e),
            None => cx.reply.error(&sharedkv_commands::Error::Fixed(
                "ERR the command could not run inside a transaction",
            )),
        }
        cut_off |= cx.reply.was_cut_off();
        selected = cx.selected;
        ends.push(out.len());
    }
    if view.missed() {
        if view.rollback() {
            return Step::Missed(queued);
        }
        tracing::error!("a transaction touched a key it did not declare, with no way to undo");
    } else {
        drop(view);
        // Clients waiting on what the transaction pushed, at its end and
        // before anyone else sees it (see `blocking`).
        crate::blocking::serve_held(shared, world);
    }
    Step::Done {
        out,
        ends,
        selected,
        cut_off,
        queued,
    }
}

/// The commands of this module, as Redis 7.0 describes them.
pub(crate) static COMMANDS: &[Spec] = &[
    Spec {
        name: "multi",
        arity: 1,
        flags: &["noscript", "loading", "stale", "fast", "allow_busy"],
        keys: (0, 0, 0),
        acl: &["@fast", "@transaction"],
        summary: "Mark the start of a transaction block",
        since: "1.2.0",
        group: "transactions",
        complexity: "O(1)",
        args: &[],
        subcommands: &[],
    },
    Spec {
        name: "exec",
        arity: 1,
        flags: &["noscript", "loading", "stale", "skip_slowlog"],
        keys: (0, 0, 0),
        acl: &["@slow", "@transaction"],
        summary: "Execute all commands issued after MULTI",
        since: "1.2.0",
        group: "transactions",
        complexity: "Depends on commands in the transaction",
        args: &[],
        subcommands: &[],
    },
    Spec {
        name: "discard",
        arity: 1,
        flags: &["noscript", "loading", "stale", "fast", "allow_busy"],
        keys: (0, 0, 0),
        acl: &["@fast", "@transaction"],
        summary: "Discard all commands issued after MULTI",
        since: "2.0.0",
        group: "transactions",
        complexity: "O(N), when N is the number of queued commands",
        args: &[],
        subcommands: &[],
    },
    Spec {
        name: "watch",
        arity: -2,
        flags: &["noscript", "loading", "stale", "fast", "allow_busy"],
        keys: (1, -1, 1),
        acl: &["@fast", "@transaction"],
        summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
        since: "2.2.0",
        group: "transactions",
        complexity: "O(1) for every key.",
        args: &[arg!("key", Key, multiple: true)],
        subcommands: &[],
    },
    Spec {
        name: "unwatch",
        arity: 1,
        flags: &["noscript", "loading", "stale", "fast", "allow_busy"],
        keys: (0, 0, 0),
        acl: &["@fast", "@transaction"],
        summary: "Forget about all watched keys",
        since: "2.2.0",
        group: "transactions",
        complexity: "O(1)",
        args: &[],
        subcommands: &[],
    },
];
