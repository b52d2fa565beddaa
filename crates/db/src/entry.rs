//! What is stored under one key: a typed [`Value`] and its deadline, and the
//! integer parsing Redis uses.

use bytes::Bytes;
use tokio::time::Instant;

use crate::{DbError, ErrorKind};

/// A value with its optional deadline: what every strategy stores per key.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The value.
    pub value: Value,
    /// When the key stops existing; `None` for a persistent key.
    pub expires_at: Option<Instant>,
}

/// A typed value. A command on a value of the wrong type answers
/// `WRONGTYPE` ([`ErrorKind::WrongType`]).
///
/// Strings come in two forms, as in Redis: text ([`Value::Str`]) and an
/// integer ([`Value::Int`]) for a string that reads as a decimal `i64`, so
/// `INCR` does no parsing and the value costs no allocation. Both are the
/// type `string`; [`Value::string_bytes`] gives the text of either.
/// Collections (hashes, lists, sets, sorted sets) are added as further
/// variants, each boxed so that a string entry stays small.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string kept as its bytes.
    Str(Bytes),
    /// A string that is the decimal form of this integer (Redis's `int`
    /// encoding).
    Int(i64),
    /// A hash: field to value.
    Hash(Box<Hash>),
    /// A list: elements in order, pushed and popped at both ends.
    List(Box<List>),
    /// A set of distinct members.
    Set(Box<Set>),
    /// A sorted set: members ordered by score, then by their bytes.
    ZSet(Box<SortedSet>),
}

/// The map behind a [`Value::Hash`]: a hash table over a vector of its
/// pairs, so a field is found by hash in O(1) and also reached by position
/// (`get_index`) in O(1), which is what `HRANDFIELD` picks with and what
/// `HSCAN`'s cursor counts (see `sharedkv_commands::hashes`).
///
/// Fields are removed with `swap_remove` (the last pair moves into the
/// hole, O(1)), never `shift_remove` (O(N)): the order is not insertion
/// order once a field has gone.
///
/// The cost: more memory than a plain hash table, since the pairs' vector
/// and the index table each keep spare capacity: measured on 1M fields of
/// 13-byte names and 8-byte values, 171 heap bytes a field against std's
/// `HashMap`'s 157 (+9%), paid for O(1) random picks and cursors that page.
pub type Hash = indexmap::IndexMap<Bytes, Bytes, crate::BuildHasher>;

/// The deque behind a [`Value::List`]: O(1) at both ends, O(1) by index.
pub type List = std::collections::VecDeque<Bytes>;

/// The set behind a [`Value::Set`]: as [`Hash`], a hash table over a
/// vector of the members, for O(1) membership and O(1) access by position
/// (`SPOP`, `SRANDMEMBER`, `SSCAN`'s cursor). Members are removed with
/// `swap_remove`, never `shift_remove`.
///
/// The cost, as for [`Hash`]: on 1M 14-byte members, 106 heap bytes a
/// member against std's `HashSet`'s 83 (+28%: the vector stores each
/// member's hash beside it, and the index table an 8-byte position).
pub type Set = indexmap::IndexSet<Bytes, crate::BuildHasher>;

pub use crate::zset::SortedSet;

/// The type of a value, as `TYPE` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `string`
    String,
    /// `hash`
    Hash,
    /// `list`
    List,
    /// `set`
    Set,
    /// `zset`
    ZSet,
}

impl Kind {
    /// The name `TYPE` replies with.
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Hash => "hash",
            Kind::List => "list",
            Kind::Set => "set",
            Kind::ZSet => "zset",
        }
    }
}

impl Value {
    /// A string value, in its integer form when it reads as one (at most 20
    /// bytes, as Redis's `tryObjectEncoding`).
    pub fn string(bytes: Bytes) -> Value {
        match bytes.len() {
            1..=20 => match parse_i64(&bytes) {
                Some(n) => Value::Int(n),
                None => Value::Str(bytes),
            },
            _ => Value::Str(bytes),
        }
    }

    /// The value's type.
    pub fn kind(&self) -> Kind {
        match self {
            Value::Str(_) | Value::Int(_) => Kind::String,
            Value::Hash(_) => Kind::Hash,
            Value::List(_) => Kind::List,
            Value::Set(_) => Kind::Set,
            Value::ZSet(_) => Kind::ZSet,
        }
    }

    /// The text of a string value; `WRONGTYPE` for any other type. An
    /// integer is formatted (a small allocation).
    pub fn string_bytes(&self) -> Result<Bytes, DbError> {
        match self {
            Value::Str(bytes) => Ok(bytes.clone()),
            Value::Int(n) => Ok(Bytes::copy_from_slice(
                itoa::Buffer::new().format(*n).as_bytes(),
            )),
            Value::Hash(_) | Value::List(_) | Value::Set(_) | Value::ZSet(_) => {
                Err(ErrorKind::WrongType.into())
            }
        }
    }
}

impl Entry {
    /// A persistent entry.
    pub fn new(value: Value) -> Self {
        Self {
            value,
            expires_at: None,
        }
    }

    /// Whether the entry still exists at `now`. A deadline equal to `now` has
    /// passed, as in Redis.
    pub fn is_live(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}

/// The entry as commands see it at `now`: an expired entry is absent.
pub fn live(entry: Option<&Entry>, now: Instant) -> Option<&Entry> {
    entry.filter(|e| e.is_live(now))
}

/// Parses a decimal `i64` exactly as Redis's `string2ll` does: an optional
/// `-`, then digits with no leading zero, no `+`, no spaces, no overflow.
///
/// ```
/// use sharedkv_db::parse_i64;
/// assert_eq!(parse_i64(b"-42"), Some(-42));
/// assert_eq!(parse_i64(b"9223372036854775808"), None);
/// assert_eq!(parse_i64(b"007"), None);
/// assert_eq!(parse_i64(b" 1"), None);
/// ```
pub fn parse_i64(text: &[u8]) -> Option<i64> {
    if text == b"0" {
        return Some(0);
    }
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    // Redis rejects leading zeros ("01", "-0"), which also keeps every
    // integer's text form unique.
    if digits.is_empty() || digits.len() > 19 || digits[0] == b'0' {
        return None;
    }
    let mut magnitude: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        magnitude = magnitude
            .checked_mul(10)?
            .checked_add(u64::from(d - b'0'))?;
    }
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts exactly the forms Redis accepts, up to both ends of the range.
    #[test]
    fn parses_like_redis() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"12"), Some(12));
        assert_eq!(parse_i64(b"-12"), Some(-12));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"-",
            b"+1",
            b"01",
            b"-0",
            b"1 ",
            b"1.5",
            b"abc",
            b"9223372036854775808",
            b"-9223372036854775809",
            b"99999999999999999999999",
        ] {
            assert_eq!(parse_i64(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    /// A string that reads as an integer takes the integer form, and both forms give back the same text.
    #[test]
    fn strings_take_their_integer_form() {
        assert_eq!(Value::string(Bytes::from("42")), Value::Int(42));
        assert_eq!(
            Value::string(Bytes::from("042")),
            Value::Str(Bytes::from("042"))
        );
        assert_eq!(Value::string(Bytes::from("")), Value::Str(Bytes::new()));
        assert_eq!(
            Value::Int(-7).string_bytes().unwrap(),
            Bytes::from_static(b"-7")
        );
        let hash = Value::Hash(Box::default());
        assert_eq!(hash.kind().name(), "hash");
        assert_eq!(
            hash.string_bytes().unwrap_err().kind(),
            ErrorKind::WrongType
        );
    }
}
