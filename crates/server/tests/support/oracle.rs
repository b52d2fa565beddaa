//! Redis as the oracle for conversations between several clients: the same
//! script runs against a redis-server child process and against sharedkv,
//! and the transcripts (every frame each client received, step by step)
//! must be equal.
//!
//! A script is a list of steps, each `"<client> <command words>"`, such as
//! `"1 PUBLISH news hi"`. After each step every client sends `PING` and
//! reads up to its answer, so a transcript holds, per step and client,
//! exactly what reached that client in between: the command's replies and
//! the messages it caused. A step whose client number is prefixed with `~`
//! (`"~0 UNSUBSCRIBE"`) has its frames, and the elements of its arrays,
//! compared in any order: Redis answers those from a hash table; with `^`
//! (`"^sleep 600"`) the frames are compared whole, in any order. A step
//! `"sleep <ms>"` waits, for events that come by time (expiry).
//!
//! Used by the pub/sub and keyspace-notification tests. A test needing
//! redis-server prints `SKIPPED` when it is missing, and fails instead
//! when `CI` is set (CI installs it).

use std::net::SocketAddr;
use std::time::Duration;

use sharedkv_resp::Frame;

use crate::support::RawClient;

pub use crate::support::RedisServer;

/// What each client sends after a step, and reads up to the answer of.
const SYNC: &str = "sharedkv-oracle-sync";

/// Whether `frame` answers the sync `PING`: the bulk [`SYNC`], or a RESP2
/// subscriber's `["pong", SYNC]`.
fn is_sync(frame: &Frame) -> bool {
    match frame {
        Frame::Bulk(text) => &text[..] == SYNC.as_bytes(),
        Frame::Array(items) => {
            matches!(items.as_slice(), [Frame::Bulk(a), Frame::Bulk(b)] if &a[..] == b"pong" && &b[..] == SYNC.as_bytes())
        }
        _ => false,
    }
}

/// The leaves of `frame` (strings, numbers, nulls), for steps compared in
/// any order: the pairing of names and counts in `UNSUBSCRIBE`'s
/// confirmations depends on the order Redis walks its table.
fn leaves(frame: Frame, out: &mut Vec<String>) {
    match frame {
        Frame::Array(items) | Frame::Set(items) | Frame::Push(items) => {
            for item in items {
                leaves(item, out);
            }
        }
        Frame::Map(pairs) => {
            for (k, v) in pairs {
                leaves(k, out);
                leaves(v, out);
            }
        }
        other => out.push(format!("{other:?}")),
    }
}

/// Runs `script` on a server at `addr` with `clients` clients (those in
/// `resp3` switched to RESP3 first) and returns the transcript, one line
/// per step and per frame.
pub async fn transcript(
    addr: SocketAddr,
    clients: usize,
    resp3: &[usize],
    script: &[&str],
) -> Vec<String> {
    let mut conns = Vec::new();
    for i in 0..clients {
        let mut c = RawClient::connect(addr).await;
        if resp3.contains(&i) {
            c.send_command(&["HELLO", "3"]).await;
            // The map names the server, its version and the client's id.
            assert!(matches!(c.read_frame().await, Frame::Map(_)));
        }
        conns.push(Numbered {
            index: i,
            client: c,
        });
    }
    let mut lines = Vec::new();
    for step in script {
        lines.push(format!("> {step}"));
        // `~`: frames taken apart and their leaves sorted; `^`: whole frames
        // sorted.
        let (unordered, sort_frames) = (step.starts_with('~'), step.starts_with('^'));
        let step = step.trim_start_matches(['~', '^']);
        if let Some(ms) = step.strip_prefix("sleep ") {
            let ms: u64 = ms.parse().expect("sleep <ms>");
            tokio::time::sleep(Duration::from_millis(ms)).await;
        } else {
            let (who, words) = step.split_once(' ').expect("<client> <command>");
            let who: usize = who.parse().expect("client number");
            let words: Vec<&str> = words.split(' ').collect();
            conns[who].client.send_command(&words).await;
            // The client that sent the step first: once it has its reply,
            // whatever the step published has been.
            conns.swap(0, who);
        }
        let mut step_lines = Vec::new();
        for c in conns.iter_mut() {
            let i = c.index;
            let mut frames = Vec::new();
            drain_frames(&mut c.client, &mut frames).await;
            if unordered {
                let mut found = Vec::new();
                for frame in frames {
                    leaves(frame, &mut found);
                }
                step_lines.extend(found.into_iter().map(|leaf| format!("{i} ~ {leaf}")));
            } else {
                step_lines.extend(frames.iter().map(|frame| format!("{i} < {frame:?}")));
            }
        }
        if unordered || sort_frames {
            step_lines.sort();
        }
        lines.extend(step_lines);
        conns.sort_by_key(|c| c.index);
    }
    lines
}

/// A client of the script, with its number.
struct Numbered {
    index: usize,
    client: RawClient,
}

/// Sends `PING` and collects every frame before its answer.
async fn drain_frames(c: &mut RawClient, frames: &mut Vec<Frame>) {
    c.send_command(&["PING", SYNC]).await;
    loop {
        let frame = c.read_frame().await;
        if is_sync(&frame) {
            return;
        }
        frames.push(frame);
    }
}

/// Fails with both transcripts side by side from the first line where
/// they differ.
pub fn assert_same(what: &str, reference: &[String], ours: &[String]) {
    if reference == ours {
        return;
    }
    let first = reference
        .iter()
        .zip(ours)
        .position(|(a, b)| a != b)
        .unwrap_or(reference.len().min(ours.len()));
    let from = first.saturating_sub(6);
    let show = |t: &[String]| {
        t.iter()
            .skip(from)
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "{what}: sharedkv differs from redis-server at line {first}\n--- redis-server\n{}\n--- sharedkv\n{}",
        show(reference),
        show(ours)
    );
}
