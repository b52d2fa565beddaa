//! `MONITOR`: every command any client runs, streamed to the clients that
//! asked, one line each, as Redis formats them:
//!
//! ```text
//! +1339518083.107412 [0 127.0.0.1:60866] "keys" "*"
//! ```
//!
//! # What it costs
//!
//! With no monitor connected, one relaxed load of [`Monitors::any`] per
//! command, on the connection's hot path; everything else is out of line.
//! With monitors, the client that ran the command formats its line once
//! and hands each monitor a reference-counted copy, under a short mutex
//! (never held across an `.await`).
//!
//! # Bounded memory
//!
//! A monitor that stops reading must not make the server buffer lines
//! without end. Each monitor's lines wait in an unbounded channel, but the
//! bytes waiting are counted, and its connection takes lines only while its
//! unwritten output is small; a monitor past [`MONITOR_LIMIT`] is dropped
//! and its client killed, as `CLIENT KILL` kills one, its lines discarded.
//! (Redis instead applies its normal client class, which by default has no
//! limit at all.) So a monitor costs at most the limit plus one line.

use std::net::SocketAddr;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::{BufMut, Bytes, BytesMut};
use tokio::sync::mpsc;

use crate::clients::Client;

/// The most bytes of lines one monitor may leave unread before it is
/// dropped: Redis's hard limit for its pub/sub class, the other clients
/// that cannot be paused.
pub(crate) const MONITOR_LIMIT: usize = 32 * 1024 * 1024;

/// The monitors connected now.
///
/// **Locking behaviour:** one `std::sync::Mutex` over the list, taken to
/// add a monitor and by each command while monitors exist; never held
/// across an `.await`.
#[derive(Debug, Default)]
pub(crate) struct Monitors {
    /// How many monitors there are: read by every command.
    count: AtomicUsize,
    list: Mutex<Vec<Sender>>,
}

/// One monitor, as the feeding clients see it.
#[derive(Debug)]
struct Sender {
    tx: mpsc::UnboundedSender<Bytes>,
    /// The monitor's client, killed if it falls too far behind.
    client: Arc<Client>,
    /// Bytes sent and not yet taken by the monitor's connection.
    pending: Arc<AtomicUsize>,
}

/// A monitor's end: its connection writes each line it receives.
#[derive(Debug)]
pub(crate) struct Receiver {
    rx: mpsc::UnboundedReceiver<Bytes>,
    pending: Arc<AtomicUsize>,
}

impl Receiver {
    /// The next line, or `None` once the monitor has been dropped for going
    /// past [`MONITOR_LIMIT`] and every line queued before has been taken.
    pub(crate) async fn recv(&mut self) -> Option<Bytes> {
        let line = self.rx.recv().await?;
        self.pending.fetch_sub(line.len(), Ordering::Relaxed);
        Some(line)
    }
}

impl Monitors {
    /// Whether any monitor is connected: the one check on the hot path.
    #[inline]
    pub(crate) fn any(&self) -> bool {
        self.count.load(Ordering::Relaxed) != 0
    }

    /// A new monitor, the connection of `client`, fed every command run
    /// from now on.
    pub(crate) fn add(&self, client: Arc<Client>) -> Receiver {
        let (tx, rx) = mpsc::unbounded_channel();
        let pending = Arc::new(AtomicUsize::new(0));
        let mut list = self.lock();
        list.push(Sender {
            tx,
            client,
            pending: Arc::clone(&pending),
        });
        self.count.store(list.len(), Ordering::Relaxed);
        Receiver { rx, pending }
    }

    /// Sends the line of a command (`argv`, run by the client at `addr` in
    /// database `db`) to every monitor, forgetting those that have gone and
    /// dropping those past the limit.
    #[cold]
    #[inline(never)]
    pub(crate) fn feed(&self, db: usize, addr: SocketAddr, argv: &[Bytes], redacted: Range<usize>) {
        let line = format_line(SystemTime::now(), db, addr, argv, redacted);
        let mut list = self.lock();
        list.retain(|monitor| {
            let pending = monitor.pending.load(Ordering::Relaxed);
            if pending.saturating_add(line.len()) > MONITOR_LIMIT {
                tracing::warn!(
                    id = monitor.client.id,
                    pending,
                    "closing a monitor that does not read its lines"
                );
                monitor.client.kill();
                return false;
            }
            monitor.pending.fetch_add(line.len(), Ordering::Relaxed);
            monitor.tx.send(line.clone()).is_ok()
        });
        self.count.store(list.len(), Ordering::Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Sender>> {
        // Nothing panics while the list is held; a list left by a panic
        // is still a valid list.
        self.list.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A monitor line: `+<secs>.<micros> [<db> <addr>] "arg" ...` and CRLF,
/// each argument escaped as Redis's `sdscatrepr` does; those at the
/// indexes `redacted` show as `"(redacted)"`.
fn format_line(
    at: SystemTime,
    db: usize,
    addr: SocketAddr,
    argv: &[Bytes],
    redacted: Range<usize>,
) -> Bytes {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let mut line = BytesMut::with_capacity(64 + argv.iter().map(|a| a.len() + 3).sum::<usize>());
    line.put_slice(
        format!(
            "+{}.{:06} [{db} {addr}]",
            since.as_secs(),
            since.subsec_micros()
        )
        .as_bytes(),
    );
    for (i, arg) in argv.iter().enumerate() {
        line.put_u8(b' ');
        if redacted.contains(&i) {
            line.put_slice(b"\"(redacted)\"");
        } else {
            repr(&mut line, arg);
        }
    }
    line.put_slice(b"\r\n");
    line.freeze()
}

/// Redis's `sdscatrepr`: quoted, `\\`, `\"`, `\n`, `\r`, `\t`, `\a`, `\b`
/// escaped, other bytes outside printable ASCII as `\xhh`.
pub(crate) fn repr(out: &mut BytesMut, bytes: &[u8]) {
    out.put_u8(b'"');
    for &b in bytes {
        match b {
            b'\\' => out.put_slice(b"\\\\"),
            b'"' => out.put_slice(b"\\\""),
            b'\n' => out.put_slice(b"\\n"),
            b'\r' => out.put_slice(b"\\r"),
            b'\t' => out.put_slice(b"\\t"),
            0x07 => out.put_slice(b"\\a"),
            0x08 => out.put_slice(b"\\b"),
            b' '..=b'~' => out.put_u8(b),
            _ => out.put_slice(format!("\\x{b:02x}").as_bytes()),
        }
    }
    out.put_u8(b'"');
}

/// Which arguments of a command's line are redacted, as Redis 7.0 hides
/// passwords: every argument of `AUTH`, the two after `HELLO`'s `AUTH`.
pub(crate) fn redacted(name: &str, argv: &[Bytes]) -> Range<usize> {
    match name {
        "auth" => 1..usize::MAX,
        "hello" => argv
            .iter()
            .position(|a| a.eq_ignore_ascii_case(b"AUTH"))
            .map_or(0..0, |i| i + 1..i + 3),
        _ => 0..0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn args(words: &[&[u8]]) -> Vec<Bytes> {
        words.iter().map(|w| Bytes::copy_from_slice(w)).collect()
    }

    /// The line is Redis's, byte for byte: time with six digits of
    /// microseconds, database and address, arguments escaped.
    #[test]
    fn line_format() {
        let at = UNIX_EPOCH + Duration::from_micros(1_339_518_083_007_412);
        let addr: SocketAddr = "127.0.0.1:60866".parse().unwrap();
        let argv = args(&[
            b"set",
            b"a b",
            b"x\"y\\z\nw\r\t\x07\x08",
            b"\xff\x01\xc3\xa9",
        ]);
        assert_eq!(
            &format_line(at, 3, addr, &argv, 0..0)[..],
            &b"+1339518083.007412 [3 127.0.0.1:60866] \"set\" \"a b\" \
               \"x\\\"y\\\\z\\nw\\r\\t\\a\\b\" \"\\xff\\x01\\xc3\\xa9\"\r\n"[..]
        );
    }

    /// AUTH and HELLO's AUTH lose their secrets, as in Redis 7.0.
    #[test]
    fn redaction() {
        let at = UNIX_EPOCH;
        let addr: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let auth = args(&[b"auth", b"user", b"secret"]);
        assert_eq!(
            &format_line(at, 0, addr, &auth, redacted("auth", &auth))[..],
            &b"+0.000000 [0 127.0.0.1:1] \"auth\" \"(redacted)\" \"(redacted)\"\r\n"[..]
        );
        let hello = args(&[b"hello", b"3", b"auth", b"u", b"p", b"setname", b"n"]);
        let line = format_line(at, 0, addr, &hello, redacted("hello", &hello));
        assert!(line.ends_with(
            b"\"hello\" \"3\" \"auth\" \"(redacted)\" \"(redacted)\" \"setname\" \"n\"\r\n"
        ));
        assert_eq!(redacted("get", &hello), 0..0);
    }

    /// A monitor that reads nothing is dropped once its lines pass the
    /// limit, and its receiver then ends after the lines queued.
    #[tokio::test]
    async fn slow_monitor_is_dropped() {
        let registry = Arc::new(crate::clients::Registry::default());
        let addr: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let registered = registry.register(1, addr, addr, -1, Default::default());
        let monitors = Monitors::default();
        let mut rx = monitors.add(Arc::clone(&registered.client));
        assert!(monitors.any());
        let big = Bytes::from(vec![b'x'; 1024 * 1024]);
        let argv = vec![Bytes::from_static(b"set"), Bytes::from_static(b"k"), big];
        let mut sent = 0;
        while monitors.any() {
            monitors.feed(0, addr, &argv, 0..0);
            sent += 1;
            assert!(sent < 64, "never dropped");
        }
        let mut received = 0;
        while rx.recv().await.is_some() {
            received += 1;
        }
        assert_eq!(received, sent - 1);
        assert!(received > 0);
        assert!(registered.client.is_killed());
    }
}
