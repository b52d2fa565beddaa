//! The real binary on SIGTERM: every request it had received gets its reply
//! before the process exits, and it exits 0 (and by default it listens on
//! loopback only). Run for every backend the
//! binary lists, one after the other (a process each; no `Db` in this
//! process).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server binary Cargo built for these tests.
const SERVER: &str = env!("CARGO_BIN_EXE_sharedkv-server");

/// INCRs in flight when SIGTERM arrives: 40 KB of requests, which the
/// kernel's socket buffers hold whole, so all of it has reached the server
/// by the time the signal is sent.
const PIPELINE: usize = 5_000;

/// Kills the child if a test fails before it exits.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `sharedkv-server --backend <backend> --port 0` and returns it with
/// the address it printed.
fn spawn(backend: &str) -> (Server, String) {
    let mut child = Command::new(SERVER)
        .args(["--backend", backend, "--port", "0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sharedkv-server");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the address");
    let address = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    // Without --bind, only loopback is served, as Redis's default config.
    assert!(address.starts_with("127.0.0.1:"), "bound to {address}");
    (server, address)
}

fn backends() -> Vec<String> {
    let out = Command::new(SERVER)
        .arg("--list-backends")
        .output()
        .expect("list backends");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// SIGTERM with 5,000 pipelined INCRs just sent and none of their replies read: all 5,000 replies arrive, in order, then the connection closes and the process exits 0. For every backend.
#[test]
fn sigterm_answers_the_pipeline_in_flight() {
    for backend in backends() {
        let (mut server, address) = spawn(&backend);
        let mut c = TcpStream::connect(&address).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        // The connection is accepted and served before the pipeline.
        c.write_all(b"PING\r\n").expect("write");
        let mut pong = [0; 7];
        c.read_exact(&mut pong).expect("PONG");
        assert_eq!(&pong, b"+PONG\r\n");

        c.write_all(&b"INCR n\r\n".repeat(PIPELINE)).expect("write");
        let status = Command::new("kill")
            .args(["-TERM", &server.0.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());

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

        let deadline = Instant::now() + Duration::from_secs(10);
        let exit = loop {
            if let Some(exit) = server.0.try_wait().expect("wait") {
                break exit;
            }
            assert!(Instant::now() < deadline, "{backend}: still running");
            std::thread::sleep(Duration::from_millis(10));
        };
        assert!(exit.success(), "{backend}: exited with {exit}");
    }
}
