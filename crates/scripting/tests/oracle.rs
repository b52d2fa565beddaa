//! The engine's replies against redis-server 7.0.15's, byte for byte: each
//! table in `cases/` holds scripts and the replies redis-server gave them.

mod support;

#[path = "cases/cjson.rs"]
mod cjson_cases;
#[path = "cases/cmsgpack.rs"]
mod cmsgpack_cases;
#[path = "cases/core.rs"]
mod core_cases;
#[path = "cases/structlib.rs"]
mod struct_cases;

use support::{engine, run_bytes};

fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

/// Runs every case for a RESP2 and a RESP3 client and lists the mismatches.
fn check(cases: &[(&[u8], &[u8], &[u8])]) {
    let e = engine();
    let mut wrong = Vec::new();
    for (script, resp2, resp3) in cases {
        for (is3, want) in [(false, resp2), (true, resp3)] {
            let got = run_bytes(&e, script, is3);
            if got != *want {
                wrong.push(format!(
                    "{}\n  resp3: {is3}\n  redis: {}\n  ours:  {}",
                    show(script),
                    show(want),
                    show(&got)
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} mismatches:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Conversions, redis.* functions, error texts and the sandbox answer as redis-server does.
#[test]
fn core_matches_redis() {
    check(core_cases::CASES);
}

/// cjson encodes, decodes and fails as redis-server's does.
#[test]
fn cjson_matches_redis() {
    check(cjson_cases::CASES);
}

/// cmsgpack packs, unpacks and fails as redis-server's does.
#[test]
fn cmsgpack_matches_redis() {
    check(cmsgpack_cases::CASES);
}

/// struct packs, unpacks and fails as redis-server's does.
#[test]
fn struct_matches_redis() {
    check(struct_cases::CASES);
}
