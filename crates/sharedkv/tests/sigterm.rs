//! The real binary on SIGTERM: every request it had received gets its reply
//! before the process exits, and it exits 0 (and by default it listens on
//! loopback only). Run for every backend the
//! binary lists, one after the other (a process each; no `Db` in this
//! process).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

mod support;

use support::process::{ServerProcess, backends};

/// INCRs in flight when SIGTERM arrives: 40 KB of requests, which the
/// kernel's socket buffers hold whole, so all of it has reached the server
/// by the time the signal is sent.
const PIPELINE: usize = 5_000;

/// Starts `sharedkv-server --backend <backend> --port 0` and returns it with
/// the address it printed.
fn spawn(backend: &str) -> (ServerProcess, String) {
    let (server, address) = ServerProcess::spawn(&["--backend", backend]);
    // Without --bind, only loopback is served, as Redis's default config.
    assert!(address.starts_with("127.0.0.1:"), "bound to {address}");
    (server, address)
}

/// SIGTERM with 5,000 pipelined INCRs just sent and none of their replies read: all 5,000 replies arrive, in order, then the connection closes and the process exits 0. For every backend.
#[test]
fn sigterm_answers_the_pipeline_in_flight() {
    for backend in backends() {
        let (server, address) = spawn(&backend);
        let mut c = TcpStream::connect(&address).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        // The connection is accepted and served before the pipeline.
        c.write_all(b"PING\r\n").expect("write");
        let mut pong = [0; 7];
        c.read_exact(&mut pong).expect("PONG");
        assert_eq!(&pong, b"+PONG\r\n");

        c.write_all(&b"INCR n\r\n".repeat(PIPELINE)).expect("write");
        server.sigterm();

        let mut replies = Vec::new();
        c.read_to_end(&mut replies).expect("read the replies");
        let expected: Vec<u8> = (1..=PIPELINE)
            .flat_map(|i| format!(":{i}\r\n").into_bytes())
            .collect();
        assert!(
            replies == expected,
            "{backend}: {} of {} reply bytes, ending {:?}",
            replies.len(),
            expected.len(),
            String::from_utf8_lossy(&replies[replies.len().saturating_sub(40)..])
        );

        let exit = server.wait_exit();
        assert!(exit.success(), "{backend}: exited with {exit}");
    }
}
