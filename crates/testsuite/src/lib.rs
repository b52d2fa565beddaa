//! The conformance and stress suite every sharedkv strategy must pass, and
//! [`for_each_strategy!`], the one list of strategies that tests and benches
//! enumerate.
//!
//! Each check is written once, as an `async fn` generic over
//! [`Db`](sharedkv_db::Db), in `tests/conformance/` (single-task semantics,
//! compared with Redis's documented behaviour, expiry on paused time) and
//! `tests/stress/` (many tasks on a multi-threaded runtime, checks inside
//! the loop), and `tests/maps.rs` (what the four `MapDb` strategies share:
//! steps on copies and in place, deadline hints). [`for_each_strategy!`] stamps every check into one module per
//! strategy, the way tokio's `rt_test!` stamps its tests per runtime, so a
//! failing test names its strategy in its path
//! (`dashmap::set_nx_only_writes_absent_keys`) and every strategy runs tests
//! of the same names.
//!
//! ```text
//! cargo test -p sharedkv-testsuite                  # every strategy
//! cargo test -p sharedkv-testsuite dashmap::        # one strategy
//! cargo test -p sharedkv-testsuite ::incr_by        # one group of checks, every strategy
//! cargo test -p sharedkv-testsuite --test stress -- --test-threads=1   # stress only, serially
//! ```
//!
//! The library itself holds no test and no Tokio `test-util` code, so crates
//! that only need the list of strategies (the server's end-to-end tests, the
//! criterion benches) can depend on it without changing how Tokio's clock
//! works for them. A new strategy is added in one place: a line in
//! [`for_each_strategy!`] and a re-export in [`strategies`].

pub mod linearizability;
pub mod support;

/// The `Db` trait crate, so that users of this crate need no other
/// dependency to call the strategies it lists.
pub use sharedkv_db as db;

/// The command layer, whose typed functions the checks call (through
/// [`support::Commands`]) and whose `find` and `run` they drive.
pub use sharedkv_commands as commands;

/// Every strategy's handle type, re-exported so that the constructor
/// expressions of [`for_each_strategy!`] resolve through this crate alone.
pub mod strategies {
    pub use sharedkv_actor::ActorDb;
    pub use sharedkv_dashmap::DashMapDb;
    pub use sharedkv_flurry::FlurryDb;
    pub use sharedkv_papaya::PapayaDb;
    pub use sharedkv_rwlock::RwLockDb;
    pub use sharedkv_scc::SccDb;
    pub use sharedkv_sharded::ShardedDb;
    pub use sharedkv_sharded_actor::ShardedActorDb;
    pub use sharedkv_std_mutex::StdMutexDb;
    pub use sharedkv_tokio_mutex::TokioMutexDb;
}

/// Calls `$m!(name, constructor)` once for every strategy: **the** list of
/// strategies that tests and benches enumerate.
///
/// `name` is an identifier (`std_mutex`, `tokio_mutex`, `rwlock`, `sharded`,
/// `dashmap`, `flurry`, `papaya`, `scc`, `actor`, `sharded_actor`) fit for a
/// module or benchmark name (with `_` as `-`, it is the server's `--backend`
/// value), and `constructor` is an expression that builds a fresh, empty
/// store with its default settings (for example
/// `$crate::strategies::StdMutexDb::new()`). Every constructor
/// spawns the store's expiry sweep, so **evaluate it inside a Tokio runtime**.
/// Each invocation is followed by `;`, so `$m` may expand to items (one
/// `mod $name { ... }` per strategy, as the test files do) or to statements.
/// A callback defined with `macro_rules!` inside a function, after its
/// `let`s, can use those locals (a criterion group, a runtime) directly, and
/// `stringify!($name)` gives the strategy's name as a `&str` for a
/// `BenchmarkId`.
///
/// ```
/// use sharedkv_testsuite::commands::strings::{get, set, SetOptions};
/// use sharedkv_testsuite::db::{Bytes, DbIndex};
/// use sharedkv_testsuite::for_each_strategy;
///
/// macro_rules! round_trip {
///     ($name:ident, $new:expr) => {
///         let (db, key) = ($new, Bytes::from_static(b"k"));
///         let value = Bytes::from_static(b"v");
///         set(&db, DbIndex::ZERO, key.clone(), value, SetOptions::default()).await.unwrap();
///         let back = get(&db, DbIndex::ZERO, &key).await.unwrap();
///         assert_eq!(back.as_deref(), Some(&b"v"[..]), "{}", stringify!($name));
///     };
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// for_each_strategy!(round_trip);
/// # });
/// ```
#[macro_export]
macro_rules! for_each_strategy {
    ($m:ident) => {
        $m!(std_mutex, $crate::strategies::StdMutexDb::new());
        $m!(tokio_mutex, $crate::strategies::TokioMutexDb::new());
        $m!(rwlock, $crate::strategies::RwLockDb::new());
        $m!(sharded, $crate::strategies::ShardedDb::new());
        $m!(dashmap, $crate::strategies::DashMapDb::new());
        $m!(flurry, $crate::strategies::FlurryDb::new());
        $m!(papaya, $crate::strategies::PapayaDb::new());
        $m!(scc, $crate::strategies::SccDb::new());
        $m!(actor, $crate::strategies::ActorDb::new());
        $m!(sharded_actor, $crate::strategies::ShardedActorDb::new());
    };
}

/// Stamps generic checks into Tokio tests for one strategy: for every
/// `#[attr] check` it writes
///
/// ```text
/// #[attr]
/// async fn check() { super::check(<constructor>).await; }
/// ```
///
/// Invoke it inside the per-strategy module that a [`for_each_strategy!`]
/// callback writes, in a file whose root defines each `check` as an
/// `async fn check<D: Db>(db: D)`. The constructor runs inside the test's
/// runtime, so each test gets a fresh store on its own runtime (paused,
/// multi-threaded, ... as its attribute says).
///
/// ```text
/// macro_rules! stamp {
///     ($strategy:ident, $new:expr) => {
///         mod $strategy {
///             sharedkv_testsuite::stamp_checks! { $new =>
///                 #[tokio::test] get_missing_key_returns_none,
///                 #[tokio::test(start_paused = true)] get_sees_a_key_until_its_deadline,
///             }
///         }
///     };
/// }
/// sharedkv_testsuite::for_each_strategy!(stamp);
/// ```
#[macro_export]
macro_rules! stamp_checks {
    ($new:expr => $( #[$attr:meta] $check:ident ),+ $(,)?) => {
        $(
            #[$attr]
            async fn $check() {
                super::$check($new).await;
            }
        )+
    };
}
