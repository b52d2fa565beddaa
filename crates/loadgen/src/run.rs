//! A whole run: connect, prefill, warm up, measure, report.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use rand::SeedableRng;
use rand::rngs::StdRng;
use sharedkv_resp::{Frame, encode_request};
use tokio::net::lookup_host;
use tokio::sync::oneshot;
use tokio::task::{JoinError, JoinSet};

use crate::check::{Checker, Exec, Problems, Reply, show_frame};
use crate::client::Conn;
use crate::config::{Config, Hog, HogKind, Limit, Progress};
use crate::error::{Error, ErrorKind};
use crate::report::{Balances, Counts, HogReport, PrefillReport, Report};
use crate::workload::{
    INITIAL_BALANCE, Keyspace, Op, SESSION_FIELDS, Space, Step, TRANSFER_AMOUNT, TRANSFER_SCRIPT,
    Workload, sequence, splitmix64,
};

/// Connections opened at once; more would overflow the server's listen
/// backlog and wait out SYN retransmits.
const CONNECT_CONCURRENCY: usize = 64;
/// Prefill batches: at most this many `SET`s ...
const PREFILL_BATCH: usize = 1000;
/// ... or this many bytes per write.
const PREFILL_BATCH_BYTES: usize = 1 << 20;

/// Runs `config` on a runtime of its own: a current-thread runtime when
/// `config.threads` is 1, otherwise a multi-thread one with that many
/// workers.
pub fn run_blocking(config: &Config) -> Result<Report, Error> {
    config.validate()?;
    let runtime = if config.threads == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.threads)
            .enable_all()
            .build()
    }
    .map_err(|e| Error::new(ErrorKind::Io(e), "cannot start the runtime"))?;
    runtime.block_on(run(config))
}

/// Runs `config` on the current Tokio runtime.
///
/// In order: open every connection (and the hog's), prefill if asked,
/// `SCRIPT LOAD` the transfer script for `transfer-eval`, generate each
/// connection's operation sequence from the seed, then start the clock:
/// warm up, measure until the duration or request count is reached, and
/// merge the per-connection histograms and counts. A bank workload that
/// checks its replies (after a prefill) then reads every balance and
/// checks that their sum is still what the prefill wrote.
///
/// Returns `Err` only when the run could not go on (no connection, a
/// connection reset or closed, an unreadable reply, a refused `SCRIPT
/// LOAD`). Error replies and wrong values do not stop it: they are counted
/// in [`Report::problems`], and [`Report::is_ok`] is then false.
pub async fn run(config: &Config) -> Result<Report, Error> {
    config.validate()?;
    let addr = lookup_host(&config.addr)
        .await
        .map_err(|e| Error::new(ErrorKind::Resolve(e), config.addr.clone()))?
        .next()
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Resolve(std::io::Error::other("no address found")),
                config.addr.clone(),
            )
        })?;
    let keyspace = Keyspace::new(config.keys, config.value_size).with_members(config.members);
    let chatty = config.progress != Progress::Off;

    let mut conns = connect_all(addr, config.connections).await?;
    let hog_conn =
        match config.hog {
            Some(_) => Some(Conn::connect(addr).await.map_err(|e| {
                Error::new(ErrorKind::Connect(e), format!("hog connection to {addr}"))
            })?),
            None => None,
        };

    let mut problems = Problems::default();
    let prefill = if config.prefill {
        let began = Instant::now();
        let (back, keys, found) = prefill(conns, keyspace, config.workload).await?;
        conns = back;
        problems.merge(found);
        let report = PrefillReport {
            keys,
            elapsed: began.elapsed(),
        };
        if chatty {
            eprintln!(
                "prefill: {keys} keys in {:.2} s",
                report.elapsed.as_secs_f64()
            );
        }
        Some(report)
    } else {
        None
    };

    let script = if config.workload == Workload::TRANSFER_EVAL {
        let conn = conns
            .first_mut()
            .ok_or_else(|| Error::config("--connections must be at least 1"))?;
        load_script(conn).await?
    } else {
        Vec::new()
    };

    // Everything random is drawn now, before the clock starts.
    let sampler = config.dist.sampler(config.keys);
    let sequences: Vec<Vec<Step>> = (0..conns.len())
        .map(|i| {
            let mut rng = StdRng::seed_from_u64(connection_seed(config.seed, i));
            sequence(
                &config.workload,
                &sampler,
                config.members,
                config.sequence_len,
                &mut rng,
            )
        })
        .collect();
    let quotas: Vec<Option<u64>> = match config.limit {
        Limit::Duration(_) => vec![None; conns.len()],
        Limit::Requests(total) => {
            let n = conns.len() as u64;
            (0..n)
                .map(|i| Some(total / n + u64::from(i < total % n)))
                .collect()
        }
    };

    let start = Instant::now();
    let measure_from = start + config.warmup;
    let plan = Arc::new(Plan {
        keyspace,
        script,
        pipeline: config.pipeline,
        verify: config.prefill || config.assume_prefilled,
        measure_from,
        deadline: match config.limit {
            Limit::Duration(d) => Some(measure_from + d),
            Limit::Requests(_) => None,
        },
        ops: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    });

    // JoinSets abort what is left of their tasks when dropped, so returning
    // early on an error stops every connection, the hog and the ticker.
    let mut workers = JoinSet::new();
    let watch = config.workload == Workload::TRANSFER_WATCH;
    for (id, ((conn, steps), quota)) in conns.into_iter().zip(sequences).zip(quotas).enumerate() {
        let plan = Arc::clone(&plan);
        if watch {
            workers.spawn(watch_worker(conn, plan, steps, quota, id));
        } else {
            workers.spawn(worker(conn, plan, steps, quota, id));
        }
    }
    let mut hog_task = JoinSet::new();
    if let (Some(conn), Some(hog_config)) = (hog_conn, config.hog) {
        hog_task.spawn(hog(conn, hog_config, Arc::clone(&plan)));
    }
    let mut ticker = JoinSet::new();
    let (done, done_rx) = oneshot::channel();
    if chatty {
        let expected = match config.limit {
            Limit::Duration(d) => Some(config.warmup + d),
            Limit::Requests(_) => None,
        };
        ticker.spawn(progress(
            Arc::clone(&plan),
            start,
            config.progress,
            expected,
            done_rx,
        ));
    }

    let mut latency = new_histogram();
    let mut counts = Counts::default();
    let mut end = measure_from;
    while let Some(joined) = workers.join_next().await {
        let out = joined.map_err(task_failed)??;
        merge_histogram(&mut latency, &out.latency);
        counts.merge(&out.counts);
        problems.merge(out.problems);
        end = end.max(out.last_reply.unwrap_or(measure_from));
    }
    plan.stop.store(true, Ordering::Relaxed);
    let hog = match hog_task.join_next().await {
        Some(joined) => {
            let out = joined.map_err(task_failed)??;
            problems.merge(out.problems);
            Some(HogReport {
                hog: out.hog,
                ops: out.ops,
                latency: out.latency,
            })
        }
        None => None,
    };
    let _ = done.send(());
    while ticker.join_next().await.is_some() {}

    let balances = if config.workload.is_bank() && plan.verify {
        let mut conn = Conn::connect(addr).await.map_err(|e| {
            Error::new(
                ErrorKind::Connect(e),
                format!("balance check connection to {addr}"),
            )
        })?;
        Some(
            check_balances(&mut conn, keyspace, &mut problems)
                .await
                .map_err(|kind| Error::new(kind, "balance check connection"))?,
        )
    } else {
        None
    };

    Ok(Report {
        counts,
        elapsed: end - measure_from,
        latency,
        problems,
        prefill,
        hog,
        balances,
    })
}

/// What every connection task shares. Read-only but for the counters.
struct Plan {
    keyspace: Keyspace,
    /// `transfer-eval`: the SHA1 of [`TRANSFER_SCRIPT`] that `SCRIPT LOAD`
    /// returned, which every `EVALSHA` names; empty otherwise.
    script: Vec<u8>,
    pipeline: usize,
    /// Every key holds its deterministic value: check `GET` replies.
    verify: bool,
    /// Batches sent from this instant on are measured.
    measure_from: Instant,
    /// No batch is sent from this instant on (duration mode).
    deadline: Option<Instant>,
    /// Replies received so far, warmup included, for the progress line.
    ops: AtomicU64,
    /// Set when the workload connections are done; the hog stops.
    stop: AtomicBool,
}

/// One connection's results.
struct WorkerOut {
    latency: Histogram<u64>,
    counts: Counts,
    problems: Problems,
    last_reply: Option<Instant>,
}

/// Drives one connection through its cycled sequence, a batch of
/// `pipeline` steps at a time (each of [`Op::frames`] requests), until the
/// deadline or its quota.
async fn worker(
    mut conn: Conn,
    plan: Arc<Plan>,
    steps: Vec<Step>,
    mut quota: Option<u64>,
    id: usize,
) -> Result<WorkerOut, Error> {
    let mut out = WorkerOut {
        latency: new_histogram(),
        counts: Counts::default(),
        problems: Problems::default(),
        last_reply: None,
    };
    let mut checker = Checker::new(plan.keyspace, plan.verify);
    let mut scratch = Scratch::default();
    let mut pos = 0;
    loop {
        let now = Instant::now();
        if plan.deadline.is_some_and(|deadline| now >= deadline) {
            break;
        }
        let measuring = now >= plan.measure_from;
        let n = match quota {
            Some(0) if measuring => break,
            Some(left) if measuring => plan
                .pipeline
                .min(usize::try_from(left).unwrap_or(usize::MAX)),
            _ => plan.pipeline,
        };
        conn.wbuf.clear();
        let mut frames = 0;
        for i in 0..n {
            let step = steps[(pos + i) % steps.len()];
            encode_step(
                &mut conn.wbuf,
                &plan.keyspace,
                step,
                &mut scratch,
                &plan.script,
            );
            frames += step.op.frames();
        }
        let WorkerOut {
            latency,
            counts,
            problems,
            ..
        } = &mut out;
        // Which step the next reply belongs to, which of its replies it is,
        // and the verdict on that step's replies so far. A step of one
        // request (every operation but `transfer`) ends with each reply.
        let (mut at, mut part, mut verdict) = (pos, 0, Reply::Fine);
        conn.round_trip(frames, |_, frame, took| {
            let step = steps[at];
            verdict = checker.part(step, part, frame, problems).and(verdict);
            part += 1;
            if part == step.op.frames() {
                // A step's latency is its last reply's: for a transfer, the
                // EXEC's.
                if measuring {
                    record(latency, took);
                    counts.record(step.op, verdict);
                }
                (part, verdict) = (0, Reply::Fine);
                at += 1;
                if at == steps.len() {
                    at = 0;
                }
            }
        })
        .await
        .map_err(|kind| Error::new(kind, format!("connection {id}")))?;
        pos = (pos + n) % steps.len();
        plan.ops.fetch_add(n as u64, Ordering::Relaxed);
        if measuring {
            out.last_reply = Some(Instant::now());
            if let Some(left) = &mut quota {
                *left -= n as u64;
            }
        }
    }
    Ok(out)
}

/// `ZREVRANGE`'s stop index: the last of the [`TOP`](crate::workload::TOP) ranks.
const TOP_STOP: &[u8] = b"9";

/// Buffers reused to build requests: a key, a member, two values.
#[derive(Default)]
struct Scratch {
    key: Vec<u8>,
    member: Vec<u8>,
    value: Vec<u8>,
    other: Vec<u8>,
}

/// [`TRANSFER_AMOUNT`] as sent.
const AMOUNT: &[u8] = b"7";

/// Appends the [`Op::frames`] requests of `step`; for `transfer-watch`,
/// the reads of an attempt (`WATCH`, `MGET`: [`encode_watch_writes`] has
/// the rest). `script` is the SHA1 an `EVALSHA` names.
fn encode_step(
    wbuf: &mut bytes::BytesMut,
    keyspace: &Keyspace,
    step: Step,
    s: &mut Scratch,
    script: &[u8],
) {
    let index = u64::from(step.key);
    let member = u64::from(step.member);
    keyspace.key_into(step.op, index, &mut s.key);
    let key = &s.key[..];
    match step.op {
        Op::Get => encode_request(wbuf, &[&b"GET"[..], key]),
        Op::Set => {
            keyspace.value_into(index, &mut s.value);
            encode_request(wbuf, &[&b"SET"[..], key, &s.value]);
        }
        Op::Incr => encode_request(wbuf, &[&b"INCR"[..], key]),
        Op::Lpush => {
            keyspace.value_into(index, &mut s.value);
            encode_request(wbuf, &[&b"LPUSH"[..], key, &s.value]);
        }
        Op::Rpop => encode_request(wbuf, &[&b"RPOP"[..], key]),
        Op::Hset => {
            keyspace.field_value_into(index, 0, &mut s.value);
            keyspace.field_value_into(index, 1, &mut s.other);
            let [user, token] = SESSION_FIELDS;
            encode_request(wbuf, &[&b"HSET"[..], key, user, &s.value, token, &s.other]);
        }
        Op::Hget => {
            let field = SESSION_FIELDS
                .get(step.member as usize)
                .copied()
                .unwrap_or(SESSION_FIELDS[0]);
            encode_request(wbuf, &[&b"HGET"[..], key, field]);
        }
        Op::Hgetall => encode_request(wbuf, &[&b"HGETALL"[..], key]),
        Op::Sadd | Op::Sismember => {
            keyspace.member_into(Space::Tags, member, &mut s.member);
            let name: &[u8] = if step.op == Op::Sadd {
                b"SADD"
            } else {
                b"SISMEMBER"
            };
            encode_request(wbuf, &[name, key, &s.member]);
        }
        Op::Zincrby => {
            keyspace.member_into(Space::Board, member, &mut s.member);
            encode_request(wbuf, &[&b"ZINCRBY"[..], key, b"1", &s.member]);
        }
        Op::Zrevrange => {
            encode_request(
                wbuf,
                &[&b"ZREVRANGE"[..], key, b"0", TOP_STOP, b"WITHSCORES"],
            );
        }
        Op::Transfer => {
            keyspace.key_into(step.op, member, &mut s.member);
            encode_request(wbuf, &[&b"MULTI"[..]]);
            encode_request(wbuf, &[&b"DECRBY"[..], key, AMOUNT]);
            encode_request(wbuf, &[&b"INCRBY"[..], &s.member, AMOUNT]);
            encode_request(wbuf, &[&b"EXEC"[..]]);
        }
        Op::TransferEval => {
            keyspace.key_into(step.op, member, &mut s.member);
            encode_request(
                wbuf,
                &[&b"EVALSHA"[..], script, b"2", key, &s.member, AMOUNT],
            );
        }
        Op::TransferWatch => {
            keyspace.key_into(step.op, member, &mut s.member);
            encode_request(wbuf, &[&b"WATCH"[..], key, &s.member]);
            encode_request(wbuf, &[&b"MGET"[..], key, &s.member]);
        }
    }
}

/// Appends the writes of a `transfer-watch` attempt that read the balances
/// `from` and `to`: `MULTI`, the `SET` of each new balance, `EXEC`.
fn encode_watch_writes(
    wbuf: &mut bytes::BytesMut,
    keyspace: &Keyspace,
    step: Step,
    [from, to]: [i64; 2],
    s: &mut Scratch,
) {
    keyspace.key_into(step.op, u64::from(step.key), &mut s.key);
    keyspace.key_into(step.op, u64::from(step.member), &mut s.member);
    let mut from_digits = itoa::Buffer::new();
    let mut to_digits = itoa::Buffer::new();
    let from = from_digits.format(from.wrapping_sub(TRANSFER_AMOUNT));
    let to = to_digits.format(to.wrapping_add(TRANSFER_AMOUNT));
    encode_request(wbuf, &[&b"MULTI"[..]]);
    encode_request(wbuf, &[&b"SET"[..], &s.key, from.as_bytes()]);
    encode_request(wbuf, &[&b"SET"[..], &s.member, to.as_bytes()]);
    encode_request(wbuf, &[&b"EXEC"[..]]);
}

/// Drives one connection through `transfer-watch` transfers, one at a time
/// whatever the pipeline (the `MULTI` carries values the `MGET` read): each
/// attempt is two round trips, `WATCH` and `MGET`, then `MULTI`, `SET`,
/// `SET`, `EXEC`; a null `EXEC` (a watched account changed in between) is
/// a retry, counted, from the `WATCH`. One operation is one transfer that
/// committed, and its latency runs from its first `WATCH` to the `EXEC`
/// that committed it, retries included.
async fn watch_worker(
    mut conn: Conn,
    plan: Arc<Plan>,
    steps: Vec<Step>,
    mut quota: Option<u64>,
    id: usize,
) -> Result<WorkerOut, Error> {
    let mut out = WorkerOut {
        latency: new_histogram(),
        counts: Counts::default(),
        problems: Problems::default(),
        last_reply: None,
    };
    let mut checker = Checker::new(plan.keyspace, plan.verify);
    let mut scratch = Scratch::default();
    let fail = |kind| Error::new(kind, format!("connection {id}"));
    let problems = &mut out.problems;
    let mut pos = 0;
    loop {
        let began = Instant::now();
        if plan.deadline.is_some_and(|deadline| began >= deadline) {
            break;
        }
        let measuring = began >= plan.measure_from;
        if measuring && quota == Some(0) {
            break;
        }
        let step = steps[pos];
        pos = (pos + 1) % steps.len();
        let mut retries = 0;
        let verdict = loop {
            conn.wbuf.clear();
            encode_step(&mut conn.wbuf, &plan.keyspace, step, &mut scratch, &[]);
            let (mut read, mut bad) = (None, false);
            conn.round_trip(2, |part, frame, _| {
                match checker.watched(step, part, frame, problems) {
                    Ok(Some(balances)) => read = Some(balances),
                    Ok(None) => {}
                    Err(()) => bad = true,
                }
            })
            .await
            .map_err(fail)?;
            let Some(balances) = read.filter(|_| !bad) else {
                unwatch(&mut conn, &mut checker, problems)
                    .await
                    .map_err(fail)?;
                break Reply::Bad;
            };
            conn.wbuf.clear();
            encode_watch_writes(&mut conn.wbuf, &plan.keyspace, step, balances, &mut scratch);
            let (mut exec, mut bad) = (Exec::Queued, false);
            conn.round_trip(4, |part, frame, _| {
                match checker.committed(step, part, frame, problems) {
                    Exec::Bad => bad = true,
                    other => exec = other,
                }
            })
            .await
            .map_err(fail)?;
            match exec {
                _ if bad => {
                    // A refused MULTI leaves the WATCH in place.
                    unwatch(&mut conn, &mut checker, problems)
                        .await
                        .map_err(fail)?;
                    break Reply::Bad;
                }
                Exec::Committed => break Reply::Fine,
                Exec::Aborted => retries += 1,
                // The last reply is the EXEC's, which is one of the above.
                Exec::Queued | Exec::Bad => break Reply::Bad,
            }
        };
        plan.ops.fetch_add(1, Ordering::Relaxed);
        if measuring {
            record(&mut out.latency, began.elapsed());
            out.counts.record(step.op, verdict);
            out.counts.retries += retries;
            out.last_reply = Some(Instant::now());
            if let Some(left) = &mut quota {
                *left -= 1;
            }
        }
    }
    Ok(out)
}

/// Drops a `transfer-watch` attempt's `WATCH` after a bad reply, so that
/// the next attempt starts clean.
async fn unwatch(
    conn: &mut Conn,
    checker: &mut Checker,
    problems: &mut Problems,
) -> Result<(), ErrorKind> {
    conn.wbuf.clear();
    encode_request(&mut conn.wbuf, &[&b"UNWATCH"[..]]);
    conn.round_trip(1, |_, frame, _| checker.ok("UNWATCH", frame, problems))
        .await
}

/// `SCRIPT LOAD`s [`TRANSFER_SCRIPT`] and returns its SHA1, which the
/// `EVALSHA`s then name, as clients do (the server keeps loaded scripts for
/// every connection). A server that refuses it (one without scripting)
/// stops the run: no transfer could be sent.
async fn load_script(conn: &mut Conn) -> Result<Vec<u8>, Error> {
    conn.wbuf.clear();
    encode_request(
        &mut conn.wbuf,
        &[&b"SCRIPT"[..], b"LOAD", TRANSFER_SCRIPT.as_bytes()],
    );
    let mut reply = None;
    conn.round_trip(1, |_, frame, _| reply = Some(frame))
        .await
        .map_err(|kind| Error::new(kind, "SCRIPT LOAD"))?;
    match reply {
        Some(Frame::Bulk(sha)) if sha.len() == 40 && sha.iter().all(u8::is_ascii_hexdigit) => {
            Ok(sha.to_vec())
        }
        other => Err(Error::new(
            ErrorKind::Refused(other.as_ref().map_or_else(String::new, show_frame)),
            "SCRIPT LOAD of the transfer script",
        )),
    }
}

/// Accounts per `MGET` of the balance check.
const BALANCE_BATCH: u64 = 100_000;

/// Reads every account (one `MGET`, or one per [`BALANCE_BATCH`] accounts,
/// all in one round trip) and checks that the balances still sum to what
/// the prefill wrote: transfers move money, never make or lose it.
async fn check_balances(
    conn: &mut Conn,
    keyspace: Keyspace,
    problems: &mut Problems,
) -> Result<Balances, ErrorKind> {
    let accounts = keyspace.keys();
    conn.wbuf.clear();
    let mut batches = Vec::new();
    for first in (0..accounts).step_by(BALANCE_BATCH as usize) {
        let batch = first..(first + BALANCE_BATCH).min(accounts);
        let names: Vec<Vec<u8>> = batch
            .clone()
            .map(|i| keyspace.key(Op::Transfer, i))
            .collect();
        let mut args: Vec<&[u8]> = Vec::with_capacity(1 + names.len());
        args.push(b"MGET");
        args.extend(names.iter().map(Vec::as_slice));
        encode_request(&mut conn.wbuf, &args);
        batches.push(batch);
    }
    let mut checker = Checker::new(keyspace, true);
    let mut sum = 0i128;
    conn.round_trip(batches.len(), |i, frame, _| {
        let batch = &batches[i];
        sum += checker.balances(batch.start, batch.end - batch.start, frame, problems);
    })
    .await?;
    let balances = Balances {
        accounts,
        sum,
        expected: i128::from(accounts) * i128::from(INITIAL_BALANCE),
    };
    checker.balance_sum(&balances, problems);
    Ok(balances)
}

/// Opens `count` connections, [`CONNECT_CONCURRENCY`] at a time.
async fn connect_all(addr: std::net::SocketAddr, count: usize) -> Result<Vec<Conn>, Error> {
    let mut conns = Vec::with_capacity(count);
    let mut pending = JoinSet::new();
    let mut next = 0;
    while conns.len() < count {
        while next < count && pending.len() < CONNECT_CONCURRENCY {
            let id = next;
            pending.spawn(async move {
                Conn::connect(addr).await.map_err(|e| {
                    Error::new(ErrorKind::Connect(e), format!("connection {id} to {addr}"))
                })
            });
            next += 1;
        }
        match pending.join_next().await {
            Some(joined) => conns.push(joined.map_err(task_failed)??),
            None => break,
        }
    }
    Ok(conns)
}

/// Writes every key of the workload's namespaces once, pipelined, each
/// connection taking a contiguous slice of the key range: `key:<i>` gets
/// its value, `ctr:<i>` gets `0`, `queue:<i>` gets `members` jobs (each the
/// value of `i`), `session:<i>` both its fields, `tags:<i>` every item,
/// `board:<i>` every player at score 0 and `account:<i>`
/// [`INITIAL_BALANCE`]. Returns the connections, the number
/// of keys written and any bad replies.
async fn prefill(
    conns: Vec<Conn>,
    keyspace: Keyspace,
    workload: Workload,
) -> Result<(Vec<Conn>, u64, Problems), Error> {
    let spaces = workload.spaces();
    let keys = keyspace.keys();
    let n = conns.len() as u64;
    let mut tasks = JoinSet::new();
    for (i, conn) in conns.into_iter().enumerate() {
        let i = i as u64;
        let range = keys * i / n..keys * (i + 1) / n;
        let spaces = spaces.clone();
        tasks.spawn(async move {
            let mut conn = conn;
            let mut problems = Problems::default();
            for space in spaces {
                prefill_range(&mut conn, keyspace, space, range.clone(), &mut problems)
                    .await
                    .map_err(|kind| Error::new(kind, format!("prefill connection {i}")))?;
            }
            Ok::<_, Error>((conn, problems))
        });
    }
    let mut conns = Vec::with_capacity(tasks.len());
    let mut problems = Problems::default();
    while let Some(joined) = tasks.join_next().await {
        let (conn, found) = joined.map_err(task_failed)??;
        conns.push(conn);
        problems.merge(found);
    }
    Ok((conns, keys * spaces.len() as u64, problems))
}

/// Elements per prefill command of a collection (an `LPUSH`, `SADD` or
/// `ZADD` of up to this many).
const PREFILL_CHUNK: u64 = 1000;

/// Appends the `chunk`-th prefill command of key `index` in `space`;
/// `false` (and nothing appended) when the key has no such chunk.
fn encode_prefill(
    wbuf: &mut bytes::BytesMut,
    keyspace: &Keyspace,
    space: Space,
    index: u64,
    chunk: u64,
    s: &mut Scratch,
) -> bool {
    let members = keyspace.members();
    let elements = chunk * PREFILL_CHUNK..((chunk + 1) * PREFILL_CHUNK).min(members);
    let single = matches!(
        space,
        Space::Key | Space::Ctr | Space::Session | Space::Account
    );
    if (single && chunk > 0) || (!single && elements.is_empty()) {
        return false;
    }
    let op = match space {
        Space::Key => Op::Set,
        Space::Ctr => Op::Incr,
        Space::Queue => Op::Lpush,
        Space::Session => Op::Hset,
        Space::Tags => Op::Sadd,
        Space::Board => Op::Zincrby,
        Space::Account => Op::Transfer,
    };
    keyspace.key_into(op, index, &mut s.key);
    match space {
        Space::Key => {
            keyspace.value_into(index, &mut s.value);
            encode_request(wbuf, &[&b"SET"[..], &s.key, &s.value]);
        }
        Space::Ctr => encode_request(wbuf, &[&b"SET"[..], &s.key, b"0"]),
        Space::Session => encode_step(
            wbuf,
            keyspace,
            Step {
                op: Op::Hset,
                key: u32::try_from(index).unwrap_or(u32::MAX),
                member: 0,
            },
            s,
            &[],
        ),
        Space::Account => {
            let balance = itoa::Buffer::new().format(INITIAL_BALANCE).to_owned();
            encode_request(wbuf, &[&b"SET"[..], &s.key, balance.as_bytes()]);
        }
        Space::Queue => {
            keyspace.value_into(index, &mut s.value);
            let mut args: Vec<&[u8]> = vec![b"LPUSH", &s.key];
            args.extend(elements.map(|_| &s.value[..]));
            encode_request(wbuf, &args);
        }
        Space::Tags | Space::Board => {
            let names: Vec<Vec<u8>> = elements.map(|j| keyspace.member(space, j)).collect();
            let mut args: Vec<&[u8]> = Vec::with_capacity(2 + 2 * names.len());
            if space == Space::Tags {
                args.extend([&b"SADD"[..], &s.key]);
                args.extend(names.iter().map(Vec::as_slice));
            } else {
                args.extend([&b"ZADD"[..], &s.key]);
                for name in &names {
                    args.extend([&b"0"[..], name]);
                }
            }
            encode_request(wbuf, &args);
        }
    }
    true
}

/// Writes every key of `range` in `space`.
async fn prefill_range(
    conn: &mut Conn,
    keyspace: Keyspace,
    space: Space,
    range: Range<u64>,
    problems: &mut Problems,
) -> Result<(), ErrorKind> {
    let mut checker = Checker::new(keyspace, false);
    let mut scratch = Scratch::default();
    // The next command: key `next`, chunk `chunk` of it.
    let (mut next, mut chunk) = (range.start, 0);
    let mut sent: Vec<u64> = Vec::new();
    while next < range.end {
        conn.wbuf.clear();
        sent.clear();
        while next < range.end
            && sent.len() < PREFILL_BATCH
            && conn.wbuf.len() < PREFILL_BATCH_BYTES
        {
            if encode_prefill(&mut conn.wbuf, &keyspace, space, next, chunk, &mut scratch) {
                sent.push(next);
                chunk += 1;
            } else {
                next += 1;
                chunk = 0;
            }
        }
        conn.round_trip(sent.len(), |i, frame, _| {
            checker.prefill(space, sent[i], frame, problems);
        })
        .await?;
    }
    Ok(())
}

/// What the hog did.
struct HogOut {
    hog: Hog,
    ops: u64,
    latency: Histogram<u64>,
    problems: Problems,
}

/// Sends the same huge `MSET` or `MGET` over and over until the workload
/// connections are done (or the deadline passes).
async fn hog(mut conn: Conn, hog: Hog, plan: Arc<Plan>) -> Result<HogOut, Error> {
    if hog.kind == HogKind::Del {
        return del_hog(conn, hog, plan).await;
    }
    let keyspace = plan.keyspace;
    let keys: Vec<u64> = (0..hog.keys as u64).map(|i| i % keyspace.keys()).collect();
    let mget = hog.kind == HogKind::Mget;
    let mut args: Vec<Vec<u8>> = vec![if mget {
        b"MGET".to_vec()
    } else {
        b"MSET".to_vec()
    }];
    for &k in &keys {
        args.push(keyspace.key(Op::Set, k));
        if !mget {
            args.push(keyspace.value(k));
        }
    }
    conn.wbuf.clear();
    encode_request(&mut conn.wbuf, &args);
    drop(args);

    let mut out = HogOut {
        hog,
        ops: 0,
        latency: new_histogram(),
        problems: Problems::default(),
    };
    let mut checker = Checker::new(keyspace, plan.verify);
    loop {
        let now = Instant::now();
        if plan.stop.load(Ordering::Relaxed) || plan.deadline.is_some_and(|d| now >= d) {
            break;
        }
        let measuring = now >= plan.measure_from;
        let mut took = Duration::ZERO;
        conn.round_trip(1, |_, frame: Frame, latency| {
            checker.multi(mget, &keys, frame, &mut out.problems);
            took = latency;
        })
        .await
        .map_err(|kind| Error::new(kind, "hog connection"))?;
        if measuring {
            out.ops += 1;
            record(&mut out.latency, took);
        }
    }
    Ok(out)
}

/// Builds a set of `hog.keys` members and `DEL`s it, over and over, until
/// the workload connections are done; each `DEL`'s latency is the hog's.
async fn del_hog(mut conn: Conn, hog: Hog, plan: Arc<Plan>) -> Result<HogOut, Error> {
    const KEY: &[u8] = b"loadgen:hog:set";
    const BATCH: usize = 1000;
    let mut out = HogOut {
        hog,
        ops: 0,
        latency: new_histogram(),
        problems: Problems::default(),
    };
    let integer = |frame: &Frame, problems: &mut Problems| match frame {
        Frame::Integer(_) => {}
        Frame::Error(_) => problems.error_replies += 1,
        _ => problems.wrong_replies += 1,
    };
    let fail = |kind| Error::new(kind, "hog connection");
    loop {
        let now = Instant::now();
        if plan.stop.load(Ordering::Relaxed) || plan.deadline.is_some_and(|d| now >= d) {
            break;
        }
        for first in (0..hog.keys).step_by(BATCH) {
            let mut args: Vec<Vec<u8>> = vec![b"SADD".to_vec(), KEY.to_vec()];
            args.extend((first..(first + BATCH).min(hog.keys)).map(|m| m.to_string().into_bytes()));
            conn.wbuf.clear();
            encode_request(&mut conn.wbuf, &args);
            conn.round_trip(1, |_, frame: Frame, _| integer(&frame, &mut out.problems))
                .await
                .map_err(fail)?;
        }
        conn.wbuf.clear();
        encode_request(&mut conn.wbuf, &[b"DEL".as_slice(), KEY]);
        let measuring = Instant::now() >= plan.measure_from;
        let mut took = Duration::ZERO;
        conn.round_trip(1, |_, frame: Frame, latency| {
            integer(&frame, &mut out.problems);
            took = latency;
        })
        .await
        .map_err(fail)?;
        if measuring {
            out.ops += 1;
            record(&mut out.latency, took);
        }
    }
    Ok(out)
}

/// Prints a progress line on stderr once a second until `done` fires: from
/// the first second when the run is known to last over two seconds,
/// otherwise from the second second on.
async fn progress(
    plan: Arc<Plan>,
    start: Instant,
    mode: Progress,
    expected: Option<Duration>,
    mut done: oneshot::Receiver<()>,
) {
    let second = Duration::from_secs(1);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::from_std(start + second), second);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut last_at, mut last_ops) = (start, 0);
    let mut printed = false;
    loop {
        tokio::select! {
            _ = &mut done => break,
            _ = tick.tick() => {}
        }
        let now = Instant::now();
        let ops = plan.ops.load(Ordering::Relaxed);
        let rate = (ops - last_ops) as f64 / (now - last_at).as_secs_f64().max(1e-9);
        (last_at, last_ops) = (now, ops);
        let elapsed = now - start;
        if !expected.map_or(elapsed >= 2 * second, |e| e > 2 * second) {
            continue;
        }
        let phase = if now < plan.measure_from {
            "  (warmup)"
        } else {
            ""
        };
        let line = format!(
            "{:>7.1} s  {ops:>11} ops  {rate:>10.0} ops/s{phase}",
            elapsed.as_secs_f64()
        );
        match mode {
            Progress::Overwrite => eprint!("\r{line:<60}"),
            _ => eprintln!("{line}"),
        }
        printed = true;
    }
    if printed && mode == Progress::Overwrite {
        eprintln!();
    }
}

/// Latency histograms count microseconds, 3 significant digits, and grow
/// as needed (they start at a few KiB, which matters with a thousand
/// connections).
pub(crate) fn new_histogram() -> Histogram<u64> {
    let mut histogram = Histogram::new(3).expect("3 significant digits is valid");
    histogram.auto(true);
    histogram
}

fn merge_histogram(into: &mut Histogram<u64>, from: &Histogram<u64>) {
    into.add(from)
        .expect("auto-resizing histograms of the same precision always merge");
}

/// Records `latency` in microseconds. `saturating_record` would clamp to
/// the current top of an auto-resizing histogram instead of growing it, so
/// this records and only clamps if growing fails.
fn record(histogram: &mut Histogram<u64>, latency: Duration) {
    let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
    if histogram.record(micros).is_err() {
        histogram.saturating_record(micros);
    }
}

/// Each connection's own seed, derived from the run's.
fn connection_seed(seed: u64, connection: usize) -> u64 {
    let mut state = seed ^ (connection as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
    splitmix64(&mut state)
}

fn task_failed(e: JoinError) -> Error {
    match e.try_into_panic() {
        Ok(panic) => std::panic::resume_unwind(panic),
        Err(e) => Error::new(ErrorKind::Io(std::io::Error::other(e)), "a connection task"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ZREVRANGE`'s stop index asks for exactly the top ten.
    #[test]
    fn top_stop_matches_top() {
        let top = crate::workload::TOP;
        assert_eq!(TOP_STOP, (top - 1).to_string().as_bytes());
    }

    /// Latency histograms grow to hold any latency instead of clamping it,
    /// and merge.
    #[test]
    fn histograms_grow_and_merge() {
        let mut a = new_histogram();
        record(&mut a, Duration::from_micros(3));
        record(&mut a, Duration::from_secs(5));
        let mut b = new_histogram();
        record(&mut b, Duration::from_millis(40));
        merge_histogram(&mut b, &a);
        assert_eq!(b.len(), 3);
        assert!(b.max() >= 5_000_000 && b.max() < 5_010_000, "{}", b.max());
        assert_eq!(b.min(), 3);
        let p50 = b.value_at_quantile(0.5);
        assert!((39_900..40_100).contains(&p50), "{p50}");
    }

    /// The requests of `step` as [`encode_step`] writes them, then, for
    /// `transfer-watch`, its writes after reading 100 and 200.
    fn encoded(op: Op) -> (Vec<u8>, Vec<u8>) {
        let keyspace = Keyspace::new(1000, 16);
        let step = Step {
            op,
            key: 3,
            member: 5,
        };
        let mut s = Scratch::default();
        let mut wbuf = bytes::BytesMut::new();
        encode_step(&mut wbuf, &keyspace, step, &mut s, b"abc");
        let mut writes = bytes::BytesMut::new();
        if op == Op::TransferWatch {
            encode_watch_writes(&mut writes, &keyspace, step, [100, 200], &mut s);
        }
        (wbuf.to_vec(), writes.to_vec())
    }

    /// The requests of `commands`, encoded one after another.
    fn requests(commands: &[&[&str]]) -> Vec<u8> {
        let mut out = bytes::BytesMut::new();
        for command in commands {
            encode_request(&mut out, command);
        }
        out.to_vec()
    }

    /// Each transfer sends what its workload says: one batch of `MULTI`,
    /// `DECRBY`, `INCRBY`, `EXEC`; one `EVALSHA` of the loaded script's
    /// SHA1; `WATCH` and `MGET`, then `MULTI`, the two new balances and
    /// `EXEC`.
    #[test]
    fn transfers_encode() {
        let (from, to) = ("account:000003", "account:000005");
        assert_eq!(
            encoded(Op::Transfer).0,
            requests(&[
                &["MULTI"],
                &["DECRBY", from, "7"],
                &["INCRBY", to, "7"],
                &["EXEC"]
            ])
        );
        assert_eq!(
            encoded(Op::TransferEval).0,
            requests(&[&["EVALSHA", "abc", "2", from, to, "7"]])
        );
        let (reads, writes) = encoded(Op::TransferWatch);
        assert_eq!(
            reads,
            requests(&[&["WATCH", from, to], &["MGET", from, to]])
        );
        assert_eq!(
            writes,
            requests(&[
                &["MULTI"],
                &["SET", from, "93"],
                &["SET", to, "207"],
                &["EXEC"]
            ])
        );
        assert_eq!(AMOUNT, TRANSFER_AMOUNT.to_string().as_bytes());
    }

    /// The prefill sets every account to the initial balance.
    #[test]
    fn accounts_prefill_to_the_initial_balance() {
        let keyspace = Keyspace::new(1000, 16);
        let mut wbuf = bytes::BytesMut::new();
        let mut s = Scratch::default();
        assert!(encode_prefill(
            &mut wbuf,
            &keyspace,
            Space::Account,
            42,
            0,
            &mut s
        ));
        assert!(!encode_prefill(
            &mut wbuf,
            &keyspace,
            Space::Account,
            42,
            1,
            &mut s
        ));
        assert_eq!(
            wbuf.to_vec(),
            requests(&[&["SET", "account:000042", &INITIAL_BALANCE.to_string()]])
        );
    }
}
