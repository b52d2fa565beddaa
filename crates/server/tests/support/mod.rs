//! Helpers for the end-to-end tests: a real server on a free loopback port
//! with a shutdown the test controls, and a raw RESP client that asserts on
//! exact bytes.
//!
//! Not every test file uses every helper.
#![allow(dead_code)]

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::BytesMut;
use sharedkv_db::Db;
use sharedkv_resp::{Frame, Limits, decode_frame, encode_request};
use sharedkv_server::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

/// How long any single wait may take before the test fails. Generous: the
/// suite runs in debug builds, in parallel, on two cores.
pub const WAIT: Duration = Duration::from_secs(10);

/// A server running on its own task.
pub struct TestServer {
    pub addr: SocketAddr,
    shutdown: CancellationToken,
    task: JoinHandle<io::Result<()>>,
}

/// Starts a server over `db` with the default configuration.
pub async fn start<D: Db>(db: D) -> TestServer {
    start_with(db, Config::default()).await
}

/// Starts a server over `db` on `127.0.0.1:0`.
pub async fn start_with<D: Db>(db: D, config: Config) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local_addr");
    let shutdown = CancellationToken::new();
    let until = shutdown.clone().cancelled_owned();
    let task = tokio::spawn(sharedkv_server::run(listener, db, config, until));
    TestServer {
        addr,
        shutdown,
        task,
    }
}

/// A configuration with a password.
pub fn with_password(password: &str) -> Config {
    Config {
        requirepass: Some(password.to_owned()),
        ..Config::default()
    }
}

impl TestServer {
    /// A new raw client.
    pub async fn client(&self) -> RawClient {
        RawClient::connect(self.addr).await
    }

    /// Triggers the shutdown without waiting for it.
    pub fn trigger_shutdown(&self) {
        self.shutdown.cancel();
    }

    /// Shuts the server down and checks that `run` returned `Ok` in time.
    pub async fn stop(self) {
        self.shutdown.cancel();
        let result = timeout(WAIT, self.task)
            .await
            .expect("run did not return in time");
        result.expect("server task panicked").expect("run failed");
    }
}

/// A client that speaks raw bytes.
pub struct RawClient {
    stream: TcpStream,
    /// Received bytes not yet matched by an expectation.
    received: BytesMut,
}

impl RawClient {
    pub async fn connect(addr: SocketAddr) -> Self {
        let stream = timeout(WAIT, TcpStream::connect(addr))
            .await
            .expect("connect timed out");
        RawClient {
            stream: stream.expect("connect"),
            received: BytesMut::new(),
        }
    }

    /// Sends `bytes` as they are.
    pub async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("write");
    }

    /// Sends `bytes`; false if the server has closed the connection.
    pub async fn try_send(&mut self, bytes: &[u8]) -> bool {
        self.stream.write_all(bytes).await.is_ok()
    }

    /// Sends a request as an array of bulk strings.
    pub async fn send_command(&mut self, args: &[&str]) {
        let mut buf = BytesMut::new();
        encode_request(&mut buf, args);
        self.send(&buf).await;
    }

    /// Reads until exactly `expected` has arrived, and fails on anything
    /// else (or nothing, within [`WAIT`]).
    pub async fn expect(&mut self, expected: &[u8]) {
        while self.received.len() < expected.len()
            && self.received[..] == expected[..self.received.len()]
        {
            match timeout(WAIT, self.stream.read_buf(&mut self.received)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(_)) => {}
                Err(_) => panic!(
                    "timed out waiting for {:?}, got {:?}",
                    String::from_utf8_lossy(expected),
                    String::from_utf8_lossy(&self.received)
                ),
            }
        }
        let got = self
            .received
            .split_to(self.received.len().min(expected.len()));
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(expected),
            "unexpected reply"
        );
    }

    /// Sends `request` and expects exactly `reply`.
    pub async fn roundtrip(&mut self, request: &[u8], reply: &[u8]) {
        self.send(request).await;
        self.expect(reply).await;
    }

    /// Sends `request` and reports whether exactly `reply` came back: false
    /// if the server closed the connection or said something else.
    pub async fn try_roundtrip(&mut self, request: &[u8], reply: &[u8]) -> bool {
        if self.stream.write_all(request).await.is_err() {
            return false;
        }
        while self.received.len() < reply.len() {
            match timeout(WAIT, self.stream.read_buf(&mut self.received)).await {
                Ok(Ok(n)) if n > 0 => {}
                _ => break,
            }
        }
        let matched = self.received[..] == reply[..];
        self.received.clear();
        matched
    }

    /// Sends a command as a bulk array and expects exactly `reply`.
    pub async fn command(&mut self, args: &[&str], reply: &[u8]) {
        self.send_command(args).await;
        self.expect(reply).await;
    }

    /// Reads one whole reply frame.
    pub async fn read_frame(&mut self) -> Frame {
        loop {
            if let Some(frame) =
                decode_frame(&mut self.received, &Limits::default()).expect("valid reply")
            {
                return frame;
            }
            let read = timeout(WAIT, self.stream.read_buf(&mut self.received))
                .await
                .expect("timed out waiting for a reply")
                .expect("read");
            assert_ne!(read, 0, "connection closed while waiting for a reply");
        }
    }

    /// Expects the server to close the connection with nothing more sent.
    pub async fn expect_closed(&mut self) {
        let mut rest = Vec::new();
        let read = timeout(WAIT, self.stream.read_to_end(&mut rest))
            .await
            .expect("not closed");
        // A reset also means closed: the server may close with our unread
        // bytes in its buffer.
        if let Err(e) = read {
            assert_eq!(e.kind(), io::ErrorKind::ConnectionReset, "{e}");
        }
        assert!(
            self.received.is_empty() && rest.is_empty(),
            "unexpected bytes before close: {:?}",
            String::from_utf8_lossy(&[&self.received[..], &rest[..]].concat())
        );
    }

    /// Splits the client into its halves, for tests that write and read
    /// concurrently.
    pub fn into_split(
        self,
    ) -> (
        tokio::net::tcp::OwnedReadHalf,
        tokio::net::tcp::OwnedWriteHalf,
    ) {
        assert!(self.received.is_empty());
        self.stream.into_split()
    }
}

/// `$len\r\ntext\r\n`.
pub fn bulk(text: &str) -> Vec<u8> {
    format!("${}\r\n{text}\r\n", text.len()).into_bytes()
}

/// Whether the external program `name` is on `PATH`. Without it a test
/// prints `SKIPPED` and passes, except under `CI`, which installs it
/// (`.ci/run`): there the test fails.
pub fn have_tool(name: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()));
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} not found on PATH, and CI is set: CI installs it (.ci/run)"
        );
        eprintln!("SKIPPED: {name} not found on PATH (.ci/run installs it)");
    }
    found
}

/// A redis-server of its own, on a free loopback port, killed when
/// dropped: the oracle the tests compare replies with.
pub struct RedisServer {
    child: std::process::Child,
    pub addr: SocketAddr,
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RedisServer {
    /// Starts one, or `None` (after [`have_tool`] has said why) without
    /// redis-server.
    pub async fn start() -> Option<RedisServer> {
        if !have_tool("redis-server") {
            return None;
        }
        for _ in 0..5 {
            let addr = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free loopback port");
            let child = std::process::Command::new("redis-server")
                .args(["--port", &addr.port().to_string()])
                .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("start redis-server");
            let server = RedisServer { child, addr };
            let deadline = tokio::time::Instant::now() + WAIT;
            while tokio::time::Instant::now() < deadline {
                if TcpStream::connect(addr).await.is_ok() {
                    return Some(server);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        panic!("redis-server did not start");
    }

    /// A raw client of it.
    pub async fn client(&self) -> RawClient {
        RawClient::connect(self.addr).await
    }
}
