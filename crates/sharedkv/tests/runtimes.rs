//! The binary's `--runtime` flavours, thread-per-core above all: one
//! current-thread runtime per worker, each accepting on its own
//! `SO_REUSEPORT` listener, all sharing one `Db`, one pub/sub registry and
//! one client count. Each test runs the real binary (a process each; no `Db`
//! in this process) and talks RESP over blocking sockets.
//!
//! Connections cannot tell which runtime serves them, so the tests open many
//! (16 over 4 runtimes): the kernel spreads them over the listeners by a hash
//! of their ports, and all of them landing on one listener has a probability
//! of 4^-15.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

mod support;

use support::process::{SERVER, ServerProcess as Server, backends};

/// Connections per test: enough to reach every runtime.
const CONNECTIONS: usize = 16;

/// Runtimes of the thread-per-core server: more than this machine's cores,
/// so that several runtimes share a core too.
const WORKERS: &str = "4";

/// A blocking RESP client that returns raw replies.
struct Client {
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(address: &str) -> Client {
        let stream = TcpStream::connect(address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        Client {
            reader: BufReader::new(stream),
        }
    }

    /// Sends one command and returns its whole reply, as bytes.
    fn call(&mut self, args: &[&str]) -> String {
        self.send(args);
        self.reply()
    }

    fn send(&mut self, args: &[&str]) {
        let mut request = format!("*{}\r\n", args.len());
        for arg in args {
            request += &format!("${}\r\n{arg}\r\n", arg.len());
        }
        self.reader
            .get_mut()
            .write_all(request.as_bytes())
            .expect("write");
    }

    /// One reply: a line, plus a bulk's payload or an array's elements.
    fn reply(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("read a reply");
        assert!(line.ends_with("\r\n"), "truncated reply {line:?}");
        let count = |line: &str| line[1..line.len() - 2].parse::<i64>().expect("a length");
        match line.as_bytes()[0] {
            b'$' if count(&line) >= 0 => {
                let mut payload = vec![0; count(&line) as usize + 2];
                self.reader.read_exact(&mut payload).expect("a bulk");
                line + &String::from_utf8(payload).expect("utf-8")
            }
            b'*' if count(&line) > 0 => {
                let mut whole = line.clone();
                for _ in 0..count(&line) {
                    whole += &self.reply();
                }
                whole
            }
            _ => line,
        }
    }
}

fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// Runs the shared-state checks against a server started with `args`.
fn check_shared_state(args: &[&str]) {
    let (server, address) = Server::spawn(args);
    let mut clients: Vec<Client> = (0..CONNECTIONS)
        .map(|_| Client::connect(&address))
        .collect();

    // A SET on one connection is seen by a GET on every other.
    assert_eq!(clients[0].call(&["SET", "shared", "one"]), "+OK\r\n");
    for (i, c) in clients.iter_mut().enumerate() {
        assert_eq!(
            c.call(&["GET", "shared"]),
            bulk("one"),
            "{args:?}: connection {i}"
        );
    }
    // Each connection writes its own key; the next one reads it.
    for i in 0..CONNECTIONS {
        let key = format!("k{i}");
        assert_eq!(clients[i].call(&["SET", &key, &i.to_string()]), "+OK\r\n");
        let next = (i + 1) % CONNECTIONS;
        assert_eq!(clients[next].call(&["GET", &key]), bulk(&i.to_string()));
    }
    // INCRs from every connection add up in one counter.
    for c in &mut clients {
        for _ in 0..10 {
            c.send(&["INCR", "counter"]);
        }
    }
    for c in &mut clients {
        for _ in 0..10 {
            assert!(c.reply().starts_with(':'));
        }
    }
    let total = (CONNECTIONS * 10).to_string();
    assert_eq!(clients[3].call(&["GET", "counter"]), bulk(&total));
    assert_eq!(
        clients[5].call(&["DBSIZE"]),
        format!(":{}\r\n", CONNECTIONS + 2)
    );

    // One pub/sub registry: a subscriber hears publishers on any runtime.
    let mut subscriber = Client::connect(&address);
    assert_eq!(
        subscriber.call(&["SUBSCRIBE", "news"]),
        format!("*3\r\n{}{}:1\r\n", bulk("subscribe"), bulk("news"))
    );
    for (i, c) in clients.iter_mut().enumerate() {
        let message = format!("m{i}");
        assert_eq!(c.call(&["PUBLISH", "news", &message]), ":1\r\n");
        assert_eq!(
            subscriber.reply(),
            format!(
                "*3\r\n{}{}{}",
                bulk("message"),
                bulk("news"),
                bulk(&message)
            )
        );
    }
    // One client count across runtimes.
    let info = clients[0].call(&["INFO", "clients"]);
    assert!(
        info.contains(&format!("connected_clients:{}", CONNECTIONS + 1)),
        "{args:?}: {info}"
    );

    drop(clients);
    drop(subscriber);
    let exit = server.terminate();
    assert!(exit.success(), "{args:?}: exited with {exit}");
}

/// Thread per core, every backend: SETs seen by GETs on other connections, INCRs adding up, one DBSIZE, pub/sub and the client count shared by all runtimes, and exit 0 on SIGTERM.
#[test]
fn thread_per_core_shares_one_state() {
    for backend in backends() {
        check_shared_state(&[
            "--runtime",
            "thread-per-core",
            "--workers",
            WORKERS,
            "--backend",
            &backend,
        ]);
    }
}

/// The other flavours pass the same checks.
#[test]
fn multi_thread_and_current_thread_share_one_state() {
    check_shared_state(&["--runtime", "multi-thread"]);
    check_shared_state(&["--runtime", "current-thread"]);
}

/// Thread per core with the default worker count (one per core) starts, answers and stops.
#[test]
fn thread_per_core_defaults_to_one_runtime_per_core() {
    let (server, address) = Server::spawn(&["--runtime", "thread-per-core"]);
    assert_eq!(Client::connect(&address).call(&["PING"]), "+PONG\r\n");
    assert!(server.terminate().success());
}

/// `--workers` is accepted with thread-per-core and still refused with current-thread.
#[test]
fn workers_flag_combinations() {
    let refused = Command::new(SERVER)
        .args([
            "--runtime",
            "current-thread",
            "--workers",
            "2",
            "--port",
            "0",
        ])
        .output()
        .expect("run");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--workers"));
}
