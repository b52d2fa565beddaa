//! The report step (`compare-summary`, `compare-charts`) finishes, and
//! draws what it has, on any selection of scenarios: each scenario alone,
//! with figures and with only failed rows (no figure to scale an axis by),
//! as a run narrowed by `--scenarios` or `--servers` leaves them.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sharedkv_compare::{Row, SCENARIOS, status};

/// How long one report step may take: they take milliseconds.
const LIMIT: Duration = Duration::from_secs(30);

/// Rows for `scenario` from redis-server and two strategies, two rounds,
/// with plausible figures if `ok`, else only `timeout` rows.
fn rows(scenario: &str, ok: bool) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, (server, kind)) in [
        ("redis", "baseline"),
        ("std-mutex", "strategy"),
        ("dashmap", "strategy"),
    ]
    .into_iter()
    .enumerate()
    {
        for round in 1..=2 {
            let scale = 1.0 + i as f64 * 0.1 + f64::from(round) * 0.01;
            let mut row = Row {
                unix_time: 1_800_000_000,
                round,
                server: server.into(),
                kind: kind.into(),
                scenario: scenario.into(),
                status: status::TIMEOUT.into(),
                connections: 50,
                pipeline: 16,
                note: "synthetic".into(),
                ..Row::default()
            };
            if ok {
                row.status = status::OK.into();
                row.requests = Some(1_000_000);
                row.elapsed_s = Some(scale);
                row.ops_per_sec = Some(1e6 / scale);
                row.p50_us = Some(100.0 * scale);
                row.p99_us = Some(900.0 * scale);
                row.cpu_s = Some(scale);
                row.cpu_us_per_req = Some(scale);
                row.rss_before_kb = Some(10_000);
                row.rss_after_kb = Some(10_000 + (90_000.0 * scale) as u64);
                row.hog_ops = Some(1_000);
                row.errors = Some(0);
            }
            rows.push(row);
        }
    }
    rows
}

/// Runs `binary` on `dir`, killing it past [`LIMIT`]; fails unless it
/// finished successfully.
fn report(binary: &str, dir: &Path) {
    let mut child = Command::new(binary)
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {binary}: {e}"));
    let started = Instant::now();
    loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                std::io::Read::read_to_string(&mut pipe, &mut stderr).ok();
            }
            assert!(
                exit.success(),
                "{binary} on {}: {exit}\n{stderr}",
                dir.display()
            );
            return;
        }
        if started.elapsed() > LIMIT {
            child.kill().ok();
            panic!(
                "{binary} did not finish on {} within {LIMIT:?}",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn every_single_scenario_reports_and_finishes() {
    let root = std::env::temp_dir().join(format!("compare-report-{}", std::process::id()));
    for scenario in SCENARIOS {
        for ok in [true, false] {
            let dir = root.join(format!(
                "{}-{}",
                scenario.id,
                if ok { "ok" } else { "failed" }
            ));
            std::fs::create_dir_all(&dir).expect("create the results directory");
            let mut writer = csv::Writer::from_path(dir.join("results.csv")).expect("create");
            for row in rows(scenario.id, ok) {
                writer.serialize(row).expect("write a row");
            }
            writer.flush().expect("flush");
            report(env!("CARGO_BIN_EXE_compare-summary"), &dir);
            report(env!("CARGO_BIN_EXE_compare-charts"), &dir);
            let summary = std::fs::read_to_string(dir.join("summary.md")).expect("summary.md");
            assert!(
                summary.contains(scenario.id) || !ok,
                "summary.md of {} does not name it",
                scenario.id
            );
        }
    }
    std::fs::remove_dir_all(&root).ok();
}
