//! The real `sharedkv-server` binary as a child process, for tests of what
//! only a process has: signals, exit codes, several runtimes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The server binary Cargo built for these tests.
pub const SERVER: &str = env!("CARGO_BIN_EXE_sharedkv-server");

/// Every backend the binary offers (`--list-backends`), one per line.
pub fn backends() -> Vec<String> {
    let out = Command::new(SERVER)
        .arg("--list-backends")
        .output()
        .expect("list backends");
    assert!(out.status.success());
    let backends: Vec<String> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_owned)
        .collect();
    // A test that loops over no backend would pass without testing anything.
    assert!(!backends.is_empty(), "--list-backends printed no backend");
    backends
}

/// A running server process; killed if a test fails before it exits.
pub struct ServerProcess(Child);

impl ServerProcess {
    /// Starts `sharedkv-server --port 0` with `args` and returns it with the
    /// address it printed on its first line (`listening on ADDR`).
    pub fn spawn(args: &[&str]) -> (ServerProcess, String) {
        let mut child = Command::new(SERVER)
            .args(["--port", "0"])
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sharedkv-server");
        let stdout = child.stdout.take().expect("stdout");
        let server = ServerProcess(child);
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the address");
        let address = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        (server, address)
    }

    /// Sends SIGTERM.
    pub fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// The exit status, waited for at most ten seconds.
    pub fn wait_exit(mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(exit) = self.0.try_wait().expect("wait") {
                return exit;
            }
            assert!(Instant::now() < deadline, "still running after 10 s");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// SIGTERM, then the exit status within ten seconds.
    pub fn terminate(self) -> ExitStatus {
        self.sigterm();
        self.wait_exit()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
