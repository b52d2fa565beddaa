//! `LATENCY`: Redis's latency monitor. With `latency-monitor-threshold`
//! set to a number of milliseconds (0, the default, turns it off), every
//! command that runs at least that long adds a sample to its event:
//! `fast-command` for a command with Redis's `fast` flag, `command` for
//! any other, as Redis files them.
//!
//! Each event keeps, as Redis's `latency.c` does, its all-time maximum and
//! its last [`HISTORY_LEN`] samples, at most one a second (the highest of
//! that second). No other event (fork, AOF, expiry cycles) exists here.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use sharedkv_commands::Reply;

/// Redis's `LATENCY_TS_LEN`: samples kept per event.
pub(crate) const HISTORY_LEN: usize = 160;

#[derive(Debug)]
struct Event {
    name: &'static str,
    /// `(unix seconds, milliseconds)`, oldest first.
    samples: VecDeque<(u64, u64)>,
    max: u64,
}

/// Every event's samples, shared by every connection.
#[derive(Debug, Default)]
pub(crate) struct Latency {
    /// Why a std `Mutex`: taken only for a command slower than the
    /// threshold (rare by definition) and by `LATENCY`, never across an
    /// `.await`. Two events at most: a list.
    events: Mutex<Vec<Event>>,
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Latency {
    fn lock(&self) -> MutexGuard<'_, Vec<Event>> {
        self.events.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a sample of `ms` milliseconds to the event `name`.
    pub(crate) fn add(&self, name: &'static str, ms: u64) {
        self.add_at(name, ms, unix_now());
    }

    fn add_at(&self, name: &'static str, ms: u64, now: u64) {
        let mut events = self.lock();
        let event = match events.iter().position(|e| e.name == name) {
            Some(at) => events.get_mut(at),
            None => {
                events.push(Event {
                    name,
                    samples: VecDeque::new(),
                    max: 0,
                });
                events.last_mut()
            }
        };
        let Some(event) = event else { return };
        event.max = event.max.max(ms);
        match event.samples.back_mut() {
            Some((time, latency)) if *time == now => *latency = (*latency).max(ms),
            _ => {
                if event.samples.len() == HISTORY_LEN {
                    event.samples.pop_front();
                }
                event.samples.push_back((now, ms));
            }
        }
    }

    /// `LATENCY LATEST`: per event, its name, the time and latency of its
    /// last sample, and its maximum.
    pub(crate) fn latest(&self, reply: &mut Reply<'_>) {
        let events = self.lock();
        reply.array(events.len());
        for event in events.iter() {
            let (time, ms) = event.samples.back().copied().unwrap_or_default();
            reply.array(4);
            reply.bulk(event.name.as_bytes());
            reply.int(int(time));
            reply.int(int(ms));
            reply.int(int(event.max));
        }
    }

    /// `LATENCY HISTORY event`: its samples, oldest first; none for an
    /// event without samples.
    pub(crate) fn history(&self, name: &[u8], reply: &mut Reply<'_>) {
        let events = self.lock();
        let Some(event) = events.iter().find(|e| e.name.as_bytes() == name) else {
            reply.array(0);
            return;
        };
        reply.array(event.samples.len());
        for &(time, ms) in &event.samples {
            reply.array(2);
            reply.int(int(time));
            reply.int(int(ms));
        }
    }

    /// `LATENCY RESET [event ...]`: forgets the named events (every event
    /// without names); answers how many there were.
    pub(crate) fn reset(&self, names: &[Bytes]) -> usize {
        let mut events = self.lock();
        let before = events.len();
        if names.is_empty() {
            events.clear();
        } else {
            events.retain(|e| !names.iter().any(|n| n[..] == *e.name.as_bytes()));
        }
        before - events.len()
    }

    /// `LATENCY GRAPH event`: the event's samples as text, one bar each,
    /// under a line with its highest, lowest and all-time-highest
    /// latencies (Redis's heading); `None` for an event without samples.
    pub(crate) fn graph(&self, name: &[u8]) -> Option<String> {
        let events = self.lock();
        let event = events.iter().find(|e| e.name.as_bytes() == name)?;
        let high = event.samples.iter().map(|&(_, ms)| ms).max()?;
        let low = event.samples.iter().map(|&(_, ms)| ms).min()?;
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{} - high {high} ms, low {low} ms (all time high {} ms)",
            event.name, event.max
        );
        text.push_str(&"-".repeat(80));
        text.push('\n');
        let now = unix_now();
        for &(time, ms) in &event.samples {
            // Bars of at most 60 characters, scaled to the highest sample.
            let width = usize::try_from(ms.saturating_mul(60) / high.max(1)).unwrap_or(60);
            let _ = writeln!(
                text,
                "{:>6}s ago {:>6} ms |{}",
                now.saturating_sub(time),
                ms,
                "#".repeat(width.max(1))
            );
        }
        Some(text)
    }

    /// `LATENCY DOCTOR`: a short report in words, for a monitor with the
    /// threshold `threshold_ms` (0: off).
    pub(crate) fn doctor(&self, threshold_ms: u64) -> String {
        if threshold_ms == 0 {
            return String::from(
                "Latency monitoring is disabled on this server. Enable it with \
                 \"CONFIG SET latency-monitor-threshold <milliseconds>\" and ask again.\n",
            );
        }
        let events = self.lock();
        if events.is_empty() {
            return format!(
                "No command has run for {threshold_ms} ms or longer since the monitor's \
                 data was last reset: no latency spike to report.\n"
            );
        }
        let mut text = String::from("Latency spikes seen by the monitor:\n\n");
        for (i, event) in events.iter().enumerate() {
            let n = event.samples.len() as u64;
            let sum: u64 = event.samples.iter().map(|&(_, ms)| ms).sum();
            let first = event.samples.front().map_or(0, |&(t, _)| t);
            let last = event.samples.back().map_or(0, |&(t, _)| t);
            let _ = writeln!(
                text,
                "{}. {}: {n} latency spikes (average {}ms) over {} seconds. Worst of all time: {}ms.",
                i + 1,
                event.name,
                sum / n.max(1),
                last.saturating_sub(first),
                event.max
            );
        }
        text.push_str(
            "\nEvery spike is a command that ran at least the threshold: look for commands \
             whose work grows with their input (SLOWLOG GET lists them), or for a host that \
             leaves the server too little CPU.\n",
        );
        text
    }
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One sample a second, the highest; the history bounded; max kept.
    #[test]
    fn samples_per_second() {
        let latency = Latency::default();
        latency.add_at("command", 5, 100);
        latency.add_at("command", 9, 100);
        latency.add_at("command", 3, 100);
        latency.add_at("command", 2, 101);
        {
            let events = latency.lock();
            let event = events
                .first()
                .map(|e| e.samples.clone())
                .unwrap_or_default();
            assert_eq!(event, VecDeque::from([(100, 9), (101, 2)]));
            assert_eq!(events.first().map(|e| e.max), Some(9));
        }
        for t in 0..(HISTORY_LEN as u64 + 10) {
            latency.add_at("fast-command", 1, 1000 + t);
        }
        assert_eq!(
            latency.lock().get(1).map(|e| e.samples.len()),
            Some(HISTORY_LEN)
        );
        assert!(latency.graph(b"command").is_some_and(|g| {
            g.starts_with("command - high 9 ms, low 2 ms (all time high 9 ms)\n")
        }));
        assert_eq!(
            latency.reset(&[Bytes::from("command"), Bytes::from("x")]),
            1
        );
        assert_eq!(latency.reset(&[]), 1);
        assert!(latency.graph(b"command").is_none());
    }
}
