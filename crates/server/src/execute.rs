//! Runs the commands that act on shared state, generic over the strategy,
//! and encodes each reply straight into the connection's output buffer.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use sharedkv_db::{Db, Instant, SetExpiry, SetOptions, Ttl};
use sharedkv_resp::{encode_array_len, encode_bulk, encode_integer, encode_null, encode_simple};

use crate::Shared;
use crate::command::{CommandError, ExpiryArg, ServerCommand};
use crate::connection::READ_CHUNK;
use crate::introspect;

/// Whether a reply was appended whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reply {
    Whole,
    /// An `MGET` reply stopped growing at the output buffer limit. It must
    /// never be sent: the client is to be disconnected, as Redis drops a
    /// client whose replies pass the limit.
    CutOff,
}

/// Runs `command` and appends its reply (or its error) to `out`.
pub(crate) async fn execute<D: Db>(
    shared: &Shared<D>,
    command: ServerCommand,
    out: &mut BytesMut,
) -> Reply {
    match run(shared, command, out).await {
        Ok(reply) => reply,
        Err(e) => {
            e.encode(out);
            Reply::Whole
        }
    }
}

async fn run<D: Db>(
    shared: &Shared<D>,
    command: ServerCommand,
    out: &mut BytesMut,
) -> Result<Reply, CommandError> {
    let db = &shared.db;
    match command {
        ServerCommand::Get(key) => bulk_or_null(out, db.get(&key).await.as_deref()),
        ServerCommand::Set {
            key,
            value,
            options,
        } => {
            let expiry = match options.expiry {
                ExpiryArg::None => SetExpiry::Clear,
                ExpiryArg::Keep => SetExpiry::Keep,
                ExpiryArg::In(millis) => {
                    // Redis adds the Unix time and rejects an overflow.
                    unix_now_millis()
                        .checked_add(millis)
                        .ok_or(CommandError::InvalidExpireTime("set"))?;
                    SetExpiry::At(
                        deadline_in(millis).ok_or(CommandError::InvalidExpireTime("set"))?,
                    )
                }
                ExpiryArg::At(unix_millis) => SetExpiry::At(
                    deadline_at_unix(unix_millis).ok_or(CommandError::InvalidExpireTime("set"))?,
                ),
            };
            let opts = SetOptions {
                condition: options.condition,
                expiry,
                get: options.get,
            };
            let outcome = db.set(stored(key), stored(value), opts).await;
            if options.get {
                bulk_or_null(out, outcome.previous.as_deref());
            } else if outcome.written {
                encode_simple(out, b"OK");
            } else {
                encode_null(out);
            }
        }
        ServerCommand::GetDel(key) => bulk_or_null(out, db.getdel(&key).await.as_deref()),
        ServerCommand::Del(keys) => encode_count(out, db.del(&keys).await),
        ServerCommand::Exists(keys) => encode_count(out, db.exists(&keys).await),
        ServerCommand::IncrBy { key, delta } => {
            encode_integer(out, db.incr_by(stored(key), delta).await?);
        }
        ServerCommand::MGet(keys) => {
            let values = db.mget(&keys).await;
            encode_array_len(out, values.len());
            // The values are shared handles; encoding copies them. A key
            // repeated 10,000 times in one MGET would copy its value 10,000
            // times, so the reply stops growing at the output buffer limit.
            let limit = shared.config.client_output_buffer_limit;
            for value in &values {
                if limit != 0 && out.len() > limit {
                    return Ok(Reply::CutOff);
                }
                bulk_or_null(out, value.as_deref());
            }
        }
        ServerCommand::MSet(pairs) => {
            let pairs = pairs
                .into_iter()
                .map(|(k, v)| (stored(k), stored(v)))
                .collect();
            db.mset(pairs).await;
            encode_simple(out, b"OK");
        }
        ServerCommand::Expire {
            key,
            millis,
            condition,
            command,
        } => {
            unix_now_millis()
                .checked_add(millis)
                .ok_or(CommandError::InvalidExpireTime(command))?;
            let at = deadline_in(millis).ok_or(CommandError::InvalidExpireTime(command))?;
            // The key is copied: a strategy may keep it in its expiry index.
            let done = db.expire(&stored(key), at, condition).await;
            encode_integer(out, i64::from(done));
        }
        ServerCommand::Ttl { key, millis } => {
            let reply = match db.ttl(&key).await {
                Ttl::Missing => -2,
                Ttl::Persistent => -1,
                Ttl::Expires(left) => {
                    let ms = i64::try_from(left.as_millis()).unwrap_or(i64::MAX);
                    // TTL rounds to the nearest second, as Redis does.
                    if millis {
                        ms
                    } else {
                        ms.saturating_add(500) / 1000
                    }
                }
            };
            encode_integer(out, reply);
        }
        ServerCommand::Persist(key) => encode_integer(out, i64::from(db.persist(&key).await)),
        ServerCommand::DbSize => encode_count(out, db.len().await),
        ServerCommand::Flush => {
            db.clear().await;
            encode_simple(out, b"OK");
        }
        ServerCommand::Echo(message) => encode_bulk(out, &message),
        ServerCommand::Select => encode_simple(out, b"OK"),
        ServerCommand::Publish { channel, message } => {
            let receivers = shared.pubsub.publish(&channel, stored(message));
            encode_count(out, receivers);
        }
        ServerCommand::Info(sections) => introspect::info(shared, &sections, out).await,
        ServerCommand::ConfigGet(patterns) => introspect::config_get(shared, &patterns, out),
        ServerCommand::CommandAll => introspect::command_all(out),
        ServerCommand::CommandCount => introspect::command_count(out),
        ServerCommand::CommandList => introspect::command_list(out),
        ServerCommand::CommandInfo(names) => introspect::command_info(&names, out),
        ServerCommand::CommandDocs(names) => introspect::command_docs(&names, out),
    }
    Ok(Reply::Whole)
}

/// A key or value as it is handed to the store.
///
/// The decoder's arguments are zero-copy slices of the connection's read
/// buffer, and a `Bytes` keeps its whole allocation alive: a 10-byte value
/// kept as such a slice would pin a 16 KiB buffer for as long as the key
/// lives, and make the connection allocate a new buffer for its next read.
/// So short arguments are copied into an allocation of their own.
///
/// Up to [`INLINE_MAX`] bytes, that allocation also holds the reference
/// count ([`Inline`]): one allocation, and every clone is one atomic
/// increment. A `Bytes::copy_from_slice` would allocate a second time on its
/// first clone (a `Vec`-backed `Bytes` moves its count to a new shared
/// header then), and every stored key is cloned (the store keeps one copy,
/// the command another), as is every value a GET returns. Measured with
/// callgrind under `redis-benchmark -t set,get -P 16`: one malloc and one
/// free fewer per SET, and per first GET of a value.
///
/// Arguments of at least [`READ_CHUNK`] bytes are kept as they are: such a
/// bulk made the read buffer grow around it, so it fills most of that
/// buffer, and copying it would cost more than the little it pins.
fn stored(arg: Bytes) -> Bytes {
    match arg.len() {
        0..=23 => Inline::<23>::bytes(&arg),
        24..=39 => Inline::<39>::bytes(&arg),
        40..=INLINE_MAX => Inline::<INLINE_MAX>::bytes(&arg),
        n if n < READ_CHUNK => Bytes::copy_from_slice(&arg),
        _ => arg,
    }
}

/// The longest argument [`stored`] keeps in an [`Inline`].
const INLINE_MAX: usize = 103;

/// Up to `N` bytes stored in place, as the owner of a `Bytes`
/// ([`Bytes::from_owner`] puts it in one allocation after the reference
/// count and a drop function, 16 bytes). The sizes used, 23, 39 and 103,
/// make that allocation 40, 56 and 120 bytes: glibc's 48-, 64- and 128-byte
/// chunks, with no byte wasted to rounding.
struct Inline<const N: usize> {
    len: u8,
    data: [u8; N],
}

impl<const N: usize> Inline<N> {
    /// A `Bytes` holding a copy of `src`, which is at most `N` (< 256) bytes.
    fn bytes(src: &[u8]) -> Bytes {
        let mut inline = Inline {
            len: 0,
            data: [0; N],
        };
        inline.data[..src.len()].copy_from_slice(src);
        inline.len = u8::try_from(src.len()).unwrap_or(u8::MAX);
        Bytes::from_owner(inline)
    }
}

impl<const N: usize> AsRef<[u8]> for Inline<N> {
    fn as_ref(&self) -> &[u8] {
        &self.data[..usize::from(self.len)]
    }
}

fn bulk_or_null(out: &mut BytesMut, value: Option<&[u8]>) {
    match value {
        Some(value) => encode_bulk(out, value),
        None => encode_null(out),
    }
}

fn encode_count(out: &mut BytesMut, n: usize) {
    encode_integer(out, i64::try_from(n).unwrap_or(i64::MAX));
}

/// Milliseconds since the Unix epoch by the wall clock (0 before it).
fn unix_now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The instant `millis` from now on the store's clock. Zero or negative is
/// now, which has already passed for the store (a deadline equal to the
/// present is expired). `None` if the clock cannot represent the instant.
fn deadline_in(millis: i64) -> Option<Instant> {
    let now = Instant::now();
    match u64::try_from(millis) {
        Ok(ms) => now.checked_add(Duration::from_millis(ms)),
        Err(_) => Some(now),
    }
}

/// The instant at which the wall clock will read `unix_millis`, on the
/// store's monotonic clock. A Unix time in the past maps to now (expired),
/// without underflow however far back it is.
fn deadline_at_unix(unix_millis: i64) -> Option<Instant> {
    deadline_in(unix_millis.saturating_sub(unix_now_millis()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative deadlines never panic: past ones are now, huge ones are far off or refused.
    #[test]
    fn deadlines_at_the_extremes() {
        let before = Instant::now();
        assert!(deadline_in(i64::MIN).is_some_and(|at| at >= before));
        assert!(deadline_in(0).is_some_and(|at| at >= before));
        assert!(deadline_at_unix(1).is_some_and(|at| at <= Instant::now()));
        assert!(deadline_at_unix(i64::MAX).is_none_or(|at| at > before));
    }

    /// Short arguments are copied out of the read buffer, long ones are kept as slices.
    #[test]
    fn stored_copies_only_short_arguments() {
        let buffer = Bytes::from(vec![7u8; 2 * READ_CHUNK]);
        let short = buffer.slice(0..10);
        assert_ne!(stored(short.clone()).as_ptr(), short.as_ptr());
        let long = buffer.slice(0..READ_CHUNK);
        assert_eq!(stored(long.clone()).as_ptr(), long.as_ptr());
    }

    /// Every length round-trips, across the inline sizes and past them.
    #[test]
    fn stored_keeps_every_length() {
        let source: Vec<u8> = (0..=255u8).cycle().take(600).collect();
        let buffer = Bytes::from(source);
        for len in (0..=130).chain([255, 256, 599]) {
            let arg = buffer.slice(1..1 + len);
            let kept = stored(arg.clone());
            assert_eq!(kept, arg, "length {len}");
            assert_eq!(kept.clone(), arg, "clone of length {len}");
            assert_eq!(kept.slice(len / 2..), arg.slice(len / 2..));
        }
    }
}
