//! Resident memory stays bounded under hostile clients: junk without line
//! ends, lengths declared and never sent, a client that never reads, and a
//! 100 MB value arriving in small writes, then read.
//!
//! The server runs in this test process, so its resident set is ours:
//! before each case the peak (`VmHWM` in `/proc/self/status`) is reset
//! through `/proc/self/clear_refs`, and after it the peak's growth over the
//! resident set before the case is checked against a stated bound. This file
//! is one test, its own test binary, so nothing else allocates meanwhile.
//! Linux only; elsewhere it passes without measuring. Once, on std-mutex:
//! the connection code measured is the same for every strategy.

mod support;

use std::time::Duration;

use sharedkv_server::Config;
use sharedkv_testsuite::strategies::StdMutexDb;
use support::{TestServer, WAIT, start_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const MIB: u64 = 1024 * 1024;

/// Reads a `kB` field of `/proc/self/status`, in bytes.
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Measures the growth of the resident set at its peak during one case.
struct Peak {
    before: u64,
}

impl Peak {
    /// Resets the peak to the current resident set. `None` where that is
    /// not possible (not Linux, or clear_refs refused).
    fn start() -> Option<Peak> {
        std::fs::write("/proc/self/clear_refs", "5").ok()?;
        Some(Peak {
            before: status_bytes("VmRSS")?,
        })
    }

    /// How far the peak rose above the resident set at `start`.
    fn growth(&self) -> u64 {
        status_bytes("VmHWM")
            .unwrap_or(0)
            .saturating_sub(self.before)
    }
}

/// Runs `case`, then asserts the resident set's peak grew by less than
/// `bound` bytes; prints the growth.
async fn within<F: Future<Output = ()>>(name: &str, bound: u64, case: F) {
    let peak = Peak::start();
    case.await;
    if let Some(peak) = peak {
        let growth = peak.growth();
        eprintln!(
            "{name}: resident set peaked {:.1} MiB above its start (bound {} MiB)",
            growth as f64 / MIB as f64,
            bound / MIB
        );
        assert!(
            growth < bound,
            "{name}: resident set grew by {growth} bytes, bound {bound}"
        );
    }
}

/// Opens `n` connections and sends `input` on each, keeping them open.
async fn hold(server: &TestServer, n: usize, input: &[u8]) -> Vec<TcpStream> {
    let mut held = Vec::with_capacity(n);
    for _ in 0..n {
        let mut s = TcpStream::connect(server.addr).await.expect("connect");
        s.write_all(input).await.expect("write");
        held.push(s);
    }
    held
}

/// Every hostile case in turn, each within its stated bound of resident
/// memory, and the server answering PING after each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resident_memory_stays_bounded() {
    // 1,000 connections need 2,000 descriptors in this one process.
    rlimit::increase_nofile_limit(4_096).expect("raise the open-file limit");
    let server = start_with(StdMutexDb::new(), Config::default()).await;
    let mut probe = server.client().await;
    probe.roundtrip(b"PING\r\n", b"+PONG\r\n").await;

    // 200 connections each holding 64 KiB of junk with no line end (just
    // under the cut-off): 12.5 MiB of input, which the server must hold.
    within("200 x 64 KiB of junk without a newline", 32 * MIB, async {
        let mut junk = b"\x00".to_vec();
        junk.resize(64 * 1024, b'A');
        let held = hold(&server, 200, &junk).await;
        probe.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
        drop(held);
    })
    .await;

    // 1,000 connections each declaring a 2^31 - 1 element request and a
    // 512 MiB bulk, and sending 1 KiB of it: if the server allocated from
    // either declared length it would need terabytes. What it does hold is a
    // 16 KiB read buffer per connection (16 MiB), hence the bound.
    within(
        "1,000 declared 512 MiB bulks and 2^31 counts",
        48 * MIB,
        async {
            let mut declared = b"*2147483647\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n".to_vec();
            declared.resize(declared.len() + 1024, b'x');
            let held = hold(&server, 1_000, &declared).await;
            probe.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
            drop(held);
        },
    )
    .await;

    // A client pipelining GETs and never reading: once 1 MiB of replies
    // waits, the server stops reading its requests, so its sends stall in
    // TCP flow control after a few MiB (the kernel's buffers), far short of
    // the 400 MB it tries to send. It is not disconnected (Redis has no
    // limit for normal clients), and costs the server a bounded amount of
    // memory: under 16 MiB, for a small value (replies copied) and for a
    // 1 MiB one (replies sent from the stored bytes).
    let value = vec![b'v'; 1024 * 1024];
    let mut set = b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$1048576\r\n".to_vec();
    set.extend_from_slice(&value);
    set.extend_from_slice(b"\r\n");
    probe.roundtrip(&set, b"+OK\r\n").await;
    probe
        .roundtrip(b"SET small 0123456789abcdef\r\n", b"+OK\r\n")
        .await;
    for key in ["small", "big"] {
        let name = format!("a client that never reads, sending 400 MB of GET {key}");
        within(&name, 16 * MIB, async {
            let s = TcpStream::connect(server.addr).await.expect("connect");
            let (reader, writer) = s.into_split();
            let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let request = format!("GET {key}\r\n").repeat(7_000);
            let writing = tokio::spawn({
                let sent = std::sync::Arc::clone(&sent);
                let mut writer = writer;
                async move {
                    while sent.load(std::sync::atomic::Ordering::Relaxed) < 400_000_000 {
                        if writer.write_all(request.as_bytes()).await.is_err() {
                            return;
                        }
                        sent.fetch_add(request.len(), std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
            // Wait until the client's sends stall: no progress for 500 ms.
            let mut last = 0;
            let deadline = tokio::time::Instant::now() + WAIT;
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let now = sent.load(std::sync::atomic::Ordering::Relaxed);
                if now == last {
                    break;
                }
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "the client's sends never stalled ({now} bytes sent)"
                );
                last = now;
            }
            assert!(
                last < 100_000_000,
                "the server took {last} bytes of requests from a client that reads nothing"
            );
            eprintln!("  the client's sends stalled after {last} bytes");
            // Other clients are served meanwhile, and the stalled one is
            // still connected.
            probe.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
            probe.send(b"INFO clients\r\n").await;
            let sharedkv_resp::Frame::Bulk(info) = probe.read_frame().await else {
                panic!("INFO is a bulk");
            };
            assert!(
                info.windows(20).any(|w| w == b"connected_clients:2\r"),
                "the client that never reads was dropped"
            );
            writing.abort();
            drop(reader);
        })
        .await;
    }

    // A 100 MB value in 4 KiB writes: the read buffer grows with what
    // arrives (by doubling, but only pages written to are resident), the
    // store keeps it as that buffer, and GET sends it from there, without
    // a copy. Bound: the value plus 48 MiB.
    within(
        "a 100 MB value in 4 KiB writes, then GET",
        100_000_000 + 48 * MIB,
        async {
            const LEN: usize = 100_000_000;
            let mut s = TcpStream::connect(server.addr).await.expect("connect");
            let header = format!("*3\r\n$3\r\nSET\r\n$4\r\nhuge\r\n${LEN}\r\n");
            s.write_all(header.as_bytes()).await.expect("write");
            let chunk = [b'h'; 4096];
            let mut left = LEN;
            while left > 0 {
                let n = left.min(chunk.len());
                s.write_all(&chunk[..n]).await.expect("write");
                left -= n;
            }
            s.write_all(b"\r\n").await.expect("write");
            let mut ok = [0; 5];
            tokio::time::timeout(WAIT, s.read_exact(&mut ok))
                .await
                .expect("SET timed out")
                .expect("read");
            assert_eq!(&ok, b"+OK\r\n");
            s.write_all(b"GET huge\r\n").await.expect("write");
            let expected_header = format!("${LEN}\r\n");
            let mut got = vec![0; expected_header.len()];
            s.read_exact(&mut got).await.expect("read");
            assert_eq!(got, expected_header.as_bytes());
            let mut buf = vec![0; 1 << 20];
            let mut left = LEN + 2;
            while left > 0 {
                let n = tokio::time::timeout(WAIT, s.read(&mut buf[..left.min(1 << 20)]))
                    .await
                    .expect("GET timed out")
                    .expect("read");
                assert_ne!(n, 0, "closed mid-reply");
                assert!(
                    buf[..n]
                        .iter()
                        .all(|&b| b == b'h' || b == b'\r' || b == b'\n')
                );
                left -= n;
            }
            probe.roundtrip(b"DEL huge\r\n", b":1\r\n").await;
        },
    )
    .await;

    // INFO reports the same resident set.
    probe.send(b"INFO memory\r\n").await;
    let sharedkv_resp::Frame::Bulk(info) = probe.read_frame().await else {
        panic!("INFO is a bulk");
    };
    let info = String::from_utf8_lossy(&info).into_owned();
    if let Some(rss) = status_bytes("VmRSS") {
        let reported: u64 = info
            .lines()
            .find_map(|l| l.strip_prefix("used_memory_rss:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no used_memory_rss in {info:?}"));
        let diff = reported.abs_diff(rss);
        assert!(diff < 64 * MIB, "INFO says {reported}, /proc says {rss}");
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
    server.stop().await;
}
