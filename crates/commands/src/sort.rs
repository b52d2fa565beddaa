//! `SORT` and `SORT_RO`, as Redis 7.0's `sort.c` has them: the elements of
//! a list, a set or a sorted set, sorted as numbers or as strings, by
//! themselves or by the keys a pattern names (`BY`), cut to a window
//! (`LIMIT`), each replaced by the keys other patterns name (`GET`), and
//! (`SORT` only) stored as a list (`STORE`).
//!
//! SORT only reads the stored values; the families that own them (lists,
//! sets, sorted sets) are not involved.
//!
//! # What Redis decides, and how it is kept
//!
//! - **Numbers** are parsed as C's `strtod` parses them (leading spaces,
//!   hex floats, `inf`; nothing after, but a NUL ends the text), and a
//!   result out of range (`1e400`, or `1e-310`, which is subnormal) is an
//!   error, as `ERANGE` is in Redis: `ERR One or more scores can't be
//!   converted into double`. Equal scores are ordered by the elements'
//!   bytes, so a numeric sort is one total order and its result is
//!   deterministic.
//! - **`ALPHA`** compares bytes up to the first NUL (`strcoll` in the C
//!   locale, which Redis uses unless its environment sets another), and
//!   whole bytes with `STORE`, as Redis does. Ties (equal strings, or `BY`
//!   keys that are equal or absent) keep the elements' order, as glibc's
//!   merge sort keeps it for redis-server on Linux; Redis's partial sort
//!   (`BY` with a `LIMIT` that cuts) and a set's iteration order are its
//!   own, so those ties may come out in another order here.
//! - **`BY` without `*`** (`BY nosort`) does not sort: a list or a sorted
//!   set keeps its order (reversed by `DESC`), a set its iteration order,
//!   except with `STORE`, where a set is sorted `ALPHA` so that the stored
//!   list does not depend on it.
//! - **Patterns**: the first `*` takes the element; `->field` after it
//!   reads a hash field; `#` is the element itself; a pattern without `*`
//!   names nothing (nil). A key of the wrong type is nil, never an error.
//!   The `*`, `->` and `#` are found as Redis finds them, in the text up to
//!   its first NUL.
//!
//! # Atomicity
//!
//! Which keys `BY` and `GET` read is known only once the elements are.
//! SORT runs as one multi-key step ([`Db::read_many`], or
//! [`Db::update_many`] with `STORE`) that declares the key, the
//! destination and every key its patterns name: a first step learns the
//! names, and a second one, declaring them, reads the elements again,
//! checks that they name no other key, and sorts, reads and stores. It is
//! thus atomic wherever the strategy's multi-key steps are. Should the
//! elements keep changing under it (a third attempt finds new names), or
//! should the patterns name more than [`ATOMIC_LOOKUPS`] keys, SORT reads
//! the elements, then the keys their patterns name, in batches of
//! [`BATCH`]: each batch is one step, the whole is not. Redis's SORT is
//! always atomic; this is a deliberate difference for those two cases.
//!
//! # What Redis does that is not copied
//!
//! - redis-server 7.0 tests `errno` after `strtod` without clearing it
//!   first, so an `ERANGE` that an earlier command left behind (`ZADD k
//!   1e-310 m`, `HINCRBYFLOAT h f 1e5000`) fails its next numeric sort of
//!   valid numbers, until something clears it (`SCAN 0` does). Here each
//!   SORT is judged by its own numbers.
//! - Redis's SORT converts a small sorted set to its big encoding
//!   (skiplist) for good; a `-0` score written to it afterwards then reads
//!   back as `-0`, where sharedkv, which keeps no encoding, reads `0`.
//! - With a locale in its environment (`LC_COLLATE`), Redis's `ALPHA`
//!   without `STORE` follows it; here it is always the bytes.
//! - `STORE` whose `GET`s multiply the elements past [`MAX_STORED`] is
//!   refused (`ERR the list SORT would store is too long`), where Redis
//!   would build the list until memory runs out. A reply of that size is
//!   cut off at the client's output limit instead, as every reply is.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};
use sharedkv_db::{DbIndex, Entry, Keys, List, ReadKeys, Store, Value};

use crate::strings::is_option;
use crate::{Args, Command, Ctx, Error, Reply, Spec, arg, c_str, notify, stored, token};

/// The most keys SORT's patterns may name for it to run as one step; past
/// it, it reads them in batches (see the module docs).
pub const ATOMIC_LOOKUPS: usize = 1 << 16;

/// How many elements' keys one batch reads, when SORT reads in batches.
pub const BATCH: usize = 1024;

/// The most bytes of key names a step may compute: the names of a long
/// pattern over many elements are read in batches instead.
const ATOMIC_NAME_BYTES: usize = 16 << 20;

/// How many steps SORT tries before it reads in batches.
const ATTEMPTS: usize = 3;

const NOT_A_DOUBLE: Error = Error::Fixed("ERR One or more scores can't be converted into double");

// ---------------------------------------------------------------- options

/// The options of one `SORT`, as [`sort`] takes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SortOptions {
    /// `BY pattern`: the last one given.
    pub by: Option<Bytes>,
    /// Whether some `BY` had no `*` (in its text up to a NUL): then nothing
    /// is sorted, even if a later `BY` has one, as in Redis.
    pub no_sort: bool,
    /// `LIMIT offset count`.
    pub limit: Option<(i64, i64)>,
    /// `GET pattern`, in order.
    pub get: Vec<Bytes>,
    /// `DESC`.
    pub desc: bool,
    /// `ALPHA`.
    pub alpha: bool,
    /// `STORE destination`. Stored as given: pass it through [`stored`] if
    /// it comes from a request.
    pub store: Option<Bytes>,
}

impl SortOptions {
    /// Parses the words after the key, in Redis's order: each option is
    /// judged as it comes, so the first bad one decides the error.
    fn parse(mut args: Args, read_only: bool) -> Result<SortOptions, Error> {
        let mut options = SortOptions::default();
        while let Some(word) = args.next() {
            let left = args.len();
            if is_option(&word, "ASC") {
                options.desc = false;
            } else if is_option(&word, "DESC") {
                options.desc = true;
            } else if is_option(&word, "ALPHA") {
                options.alpha = true;
            } else if is_option(&word, "LIMIT") && left >= 2 {
                let offset = args.int()?;
                let count = args.int()?;
                options.limit = Some((offset, count));
            } else if !read_only && is_option(&word, "STORE") && left >= 1 {
                options.store = Some(stored(args.required()?));
            } else if is_option(&word, "BY") && left >= 1 {
                let by = args.required()?;
                if !c_str(&by, by.len()).contains(&b'*') {
                    options.no_sort = true;
                }
                options.by = Some(by);
            } else if is_option(&word, "GET") && left >= 1 {
                options.get.push(args.required()?);
            } else {
                return Err(Error::SYNTAX);
            }
        }
        Ok(options)
    }
}

// ---------------------------------------------------------------- patterns

/// A `BY` or `GET` pattern, parsed as Redis's `lookupKeyByPattern` reads
/// it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pattern {
    /// `#`: the element itself.
    Element,
    /// No `*`: no key, always nil.
    Nothing,
    /// `prefix*suffix`: the string at that key.
    Key { prefix: Bytes, suffix: Bytes },
    /// `prefix*suffix->field`: that field of the hash at that key.
    Field {
        prefix: Bytes,
        suffix: Bytes,
        field: Bytes,
    },
}

impl Pattern {
    fn parse(pattern: &Bytes) -> Pattern {
        // Redis tests `p[0] == '#' && p[1] == '\0'`, so `#\0...` is `#`.
        if pattern.first() == Some(&b'#') && pattern.get(1).is_none_or(|&b| b == 0) {
            return Pattern::Element;
        }
        let text = c_str(pattern, pattern.len());
        let Some(star) = text.iter().position(|&b| b == b'*') else {
            return Pattern::Nothing;
        };
        let prefix = pattern.slice(..star);
        // `->` is searched for after the `*`, up to a NUL, and counts only
        // with something (before a NUL) after it; the field then runs to
        // the end of the pattern, NULs included.
        let after = &text[star + 1..];
        let arrow = after
            .windows(2)
            .position(|w| w == b"->")
            .filter(|&at| at + 2 < after.len());
        match arrow {
            Some(at) => Pattern::Field {
                prefix,
                suffix: pattern.slice(star + 1..star + 1 + at),
                field: pattern.slice(star + 1 + at + 2..),
            },
            None => Pattern::Key {
                prefix,
                suffix: pattern.slice(star + 1..),
            },
        }
    }

    /// The key this pattern names for `element`, if it names one.
    fn name(&self, element: &[u8]) -> Option<Bytes> {
        let (prefix, suffix) = match self {
            Pattern::Key { prefix, suffix } | Pattern::Field { prefix, suffix, .. } => {
                (prefix, suffix)
            }
            Pattern::Element | Pattern::Nothing => return None,
        };
        let mut name = BytesMut::with_capacity(prefix.len() + element.len() + suffix.len());
        name.put_slice(prefix);
        name.put_slice(element);
        name.put_slice(suffix);
        Some(name.freeze())
    }

    /// How many bytes [`name`](Pattern::name) takes for `element`.
    fn name_len(&self, element: &[u8]) -> usize {
        match self {
            Pattern::Key { prefix, suffix } | Pattern::Field { prefix, suffix, .. } => {
                prefix.len() + element.len() + suffix.len()
            }
            Pattern::Element | Pattern::Nothing => 0,
        }
    }

    /// What the pattern reads from the entry at its key: a string, or a
    /// hash's field; `None` for an absent key, another type or no field.
    fn extract(&self, entry: Option<&Entry>) -> Option<Bytes> {
        let value = &entry?.value;
        match self {
            Pattern::Field { field, .. } => match value {
                Value::Hash(hash) => hash.get(field).cloned(),
                _ => None,
            },
            _ => value.string_bytes().ok(),
        }
    }
}

/// What one `GET` writes for an element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Get {
    /// `GET #`.
    Element,
    /// A pattern without `*`: nil (an empty string in a stored list).
    Nothing,
    /// The value read through the distinct pattern of this index.
    Read(usize),
}

/// A SORT ready to run: the options with their patterns parsed.
#[derive(Debug)]
struct Plan {
    index: DbIndex,
    key: Bytes,
    /// The pattern to sort by, if the elements are sorted by one.
    by: Option<Pattern>,
    /// Whether the elements are sorted at all.
    sort: bool,
    alpha: bool,
    desc: bool,
    limit: Option<(i64, i64)>,
    /// Each `GET`, in order.
    gets: Vec<Get>,
    /// The distinct patterns that read a key, which [`Get::Read`] indexes.
    reads: Vec<Pattern>,
    store: Option<Bytes>,
}

impl Plan {
    fn new(index: DbIndex, key: Bytes, options: SortOptions) -> Plan {
        let mut reads: Vec<Pattern> = Vec::new();
        let gets = options
            .get
            .iter()
            .map(|p| match Pattern::parse(p) {
                Pattern::Element => Get::Element,
                Pattern::Nothing => Get::Nothing,
                pattern => match reads.iter().position(|r| *r == pattern) {
                    Some(at) => Get::Read(at),
                    None => {
                        reads.push(pattern);
                        Get::Read(reads.len() - 1)
                    }
                },
            })
            .collect();
        let by = options
            .by
            .as_ref()
            .filter(|_| !options.no_sort)
            .map(Pattern::parse);
        Plan {
            index,
            key,
            by,
            sort: !options.no_sort,
            alpha: options.alpha,
            desc: options.desc,
            limit: options.limit,
            gets,
            reads,
            store: options.store,
        }
    }

    /// The plan for the value found: a set with nothing to sort by is
    /// sorted `ALPHA` when it is stored, so that the stored list does not
    /// depend on the set's iteration order.
    fn for_value(&self, is_set: bool) -> (bool, bool, Option<&Pattern>) {
        if !self.sort && is_set && self.store.is_some() {
            (true, true, None)
        } else {
            (self.sort, self.alpha, self.by.as_ref())
        }
    }
}

// ---------------------------------------------------------------- the window

/// `LIMIT`'s window over `len` elements, as Redis 7.0 clamps it: the first
/// index and how many.
fn window(len: usize, limit: Option<(i64, i64)>) -> (usize, usize) {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    let (offset, count) = limit.unwrap_or((0, -1));
    let mut start = offset.clamp(0, len);
    let count = count.clamp(-1, len);
    let mut end = if count < 0 {
        len - 1
    } else {
        start + count - 1
    };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    end = end.min(len - 1);
    let n = (end - start + 1).max(0);
    (
        usize::try_from(start.max(0)).unwrap_or(0),
        usize::try_from(n).unwrap_or(0),
    )
}

// ---------------------------------------------------------------- the elements

/// The elements read from the key to sort.
#[derive(Debug, Default)]
struct Elements {
    /// The elements, in the value's order; with nothing to sort, already
    /// cut to the window and in the order to reply.
    items: Vec<Bytes>,
    /// Whether `items` is already the window.
    windowed: bool,
    /// Whether the value is a set.
    is_set: bool,
}

/// The elements of `entry`, `WRONGTYPE` unless it is a list, a set or a
/// sorted set (an absent key has none). A list or a sorted set with nothing
/// to sort is read only within the window, as Redis reads it.
fn elements(entry: Option<&Entry>, plan: &Plan) -> Result<Elements, Error> {
    let Some(entry) = entry else {
        return Ok(Elements::default());
    };
    let windowed = |len: usize, in_order: &mut dyn Iterator<Item = Bytes>| -> Vec<Bytes> {
        let (start, n) = window(len, plan.limit);
        in_order.skip(start).take(n).collect()
    };
    match &entry.value {
        Value::List(list) if !plan.sort => {
            let items = if plan.desc {
                windowed(list.len(), &mut list.iter().rev().cloned())
            } else {
                windowed(list.len(), &mut list.iter().cloned())
            };
            Ok(Elements {
                items,
                windowed: true,
                is_set: false,
            })
        }
        Value::ZSet(zset) if !plan.sort => {
            let items = if plan.desc {
                windowed(zset.len(), &mut zset.iter().rev().map(|(m, _)| m.clone()))
            } else {
                windowed(zset.len(), &mut zset.iter().map(|(m, _)| m.clone()))
            };
            Ok(Elements {
                items,
                windowed: true,
                is_set: false,
            })
        }
        Value::List(list) => Ok(Elements {
            items: list.iter().cloned().collect(),
            ..Elements::default()
        }),
        Value::ZSet(zset) => Ok(Elements {
            items: zset.iter().map(|(m, _)| m.clone()).collect(),
            ..Elements::default()
        }),
        Value::Set(set) => Ok(Elements {
            items: set.iter().cloned().collect(),
            windowed: false,
            is_set: true,
        }),
        Value::Str(_) | Value::Int(_) | Value::Hash(_) => Err(Error::WRONG_TYPE),
    }
}

// ---------------------------------------------------------------- reading keys

/// Reads the keys a pattern names, within one step: only the keys the step
/// declared (`declared`). Past the first other name it reads nothing more
/// and says so (`missed`): the caller declares the names and tries again.
struct Reader<'v, 'k> {
    view: &'v mut dyn ReadKeys,
    index: DbIndex,
    declared: &'k HashSet<Bytes>,
    missed: bool,
}

impl Reader<'_, '_> {
    /// The values `pattern` reads for each of `elements`.
    fn read_all(&mut self, pattern: &Pattern, elements: &[Bytes]) -> Vec<Option<Bytes>> {
        elements
            .iter()
            .map(|element| {
                if self.missed {
                    return None;
                }
                let name = pattern.name(element)?;
                if !self.declared.contains(&name) {
                    self.missed = true;
                    return None;
                }
                self.view
                    .read(self.index, &name, |entry| pattern.extract(entry))
            })
            .collect()
    }
}

/// The key names the plan's patterns need for `elements` (all of them:
/// before sorting, the window is not known), or `None` if they are more
/// than one step may read.
fn names_needed(plan: &Plan, by: Option<&Pattern>, elements: &[Bytes]) -> Option<Vec<Bytes>> {
    let patterns = by.into_iter().chain(&plan.reads);
    let (mut count, mut bytes) = (0usize, 0usize);
    for pattern in patterns.clone() {
        for element in elements {
            count += 1;
            bytes = bytes.saturating_add(pattern.name_len(element));
            if count > ATOMIC_LOOKUPS || bytes > ATOMIC_NAME_BYTES {
                return None;
            }
        }
    }
    let mut names = Vec::with_capacity(count);
    for pattern in patterns {
        names.extend(elements.iter().filter_map(|e| pattern.name(e)));
    }
    Some(names)
}

// ---------------------------------------------------------------- sorting

/// What an element is sorted by.
enum SortKey {
    Score(f64),
    Text(Option<Bytes>),
}

/// Sorts `items` (with what `by` read for each, if sorted by a pattern)
/// and cuts the window. `NOT_A_DOUBLE` if a numeric sort meets a value
/// that is no number, which Redis reports once everything is read.
fn sort_window(
    items: Vec<Bytes>,
    by_values: Option<Vec<Option<Bytes>>>,
    alpha: bool,
    plan: &Plan,
) -> Result<Vec<Bytes>, Error> {
    let by_pattern = by_values.is_some();
    let keys: Vec<SortKey> = match (alpha, by_values) {
        (true, Some(values)) => values.into_iter().map(SortKey::Text).collect(),
        (true, None) => items.iter().map(|_| SortKey::Text(None)).collect(),
        (false, Some(values)) => values
            .iter()
            .map(|v| match v {
                // An absent key sorts as 0.
                None => Some(SortKey::Score(0.0)),
                Some(text) => strtod(text).map(SortKey::Score),
            })
            .collect::<Option<_>>()
            .ok_or(NOT_A_DOUBLE)?,
        (false, None) => items
            .iter()
            .map(|e| strtod(e).map(SortKey::Score))
            .collect::<Option<_>>()
            .ok_or(NOT_A_DOUBLE)?,
    };
    let whole = plan.store.is_some();
    let mut rows: Vec<(Bytes, SortKey)> = items.into_iter().zip(keys).collect();
    // A stable sort: ties keep the elements' order.
    rows.sort_by(|(ea, ka), (eb, kb)| {
        let order = match (ka, kb) {
            (SortKey::Score(a), SortKey::Score(b)) => a
                .partial_cmp(b)
                .unwrap_or(Ordering::Equal)
                .then_with(|| ea.cmp(eb)),
            (SortKey::Text(a), SortKey::Text(b)) if by_pattern => match (a, b) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => compare_text(a, b, whole),
            },
            _ => compare_text(ea, eb, whole),
        };
        if plan.desc { order.reverse() } else { order }
    });
    let (start, n) = window(rows.len(), plan.limit);
    Ok(rows
        .into_iter()
        .skip(start)
        .take(n)
        .map(|(e, _)| e)
        .collect())
}

/// `ALPHA`'s comparison: whole bytes when storing (Redis's
/// `compareStringObjects`), else up to the first NUL (`strcoll` in the C
/// locale).
fn compare_text(a: &[u8], b: &[u8], whole: bool) -> Ordering {
    if whole {
        a.cmp(b)
    } else {
        c_str(a, a.len()).cmp(c_str(b, b.len()))
    }
}

// ---------------------------------------------------------------- strtod

/// The exact decimal digits of 2^-1022 - 2^-1076, whose leading digit is
/// at 10^-308. glibc on x86-64 judges tininess after rounding: a decimal
/// below this rounds, at 53 bits and with no bound on the exponent, below
/// the smallest normal `f64` (2^-1022), so `strtod` sets `ERANGE` for it
/// even where the subnormal result rounds up to 2^-1022.
const TINY_BELOW_DIGITS: &str = concat!(
    "222507385850720125957382125702076802007701776340698873928837676330601332841749757068540634",
    "146032305423910824932203771605601126030012402737719183479639276972143707899083653279890443",
    "184986473250411046727308469697781202871623655696793589565735186820278872249481153015131761",
    "636633329694595343136922219030805378769494041174370780982258074098888055161790711900214875",
    "940191589215148208192489026331270225732118475077186145222409621263169862363877686014183806",
    "116570226377664090764819443553605433637372797801459310067866049211751678490852151115976737",
    "332333919198322132685351912833878489191338071553284097100387899362724068672666339760914983",
    "434983134487967665346909155913018989911452112478238054734100977559067609629158594969774301",
    "8930811385869272811532937339507043361663818359375",
);

/// A sort score as Redis 7.0 reads one with `strtod`: the whole text (up to
/// a NUL) must be one number after optional white space; an empty text is
/// 0; NaN and a result out of range (`ERANGE`: overflow, or an inexact
/// result below the smallest normal number) are refused (`None`).
///
/// An exact subnormal decimal (hundreds of digits) is refused here, where
/// `strtod` takes it: the one case this does not decide as glibc does.
fn strtod(text: &[u8]) -> Option<f64> {
    let text = c_str(text, text.len());
    if text.is_empty() {
        return Some(0.0);
    }
    let start = text
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))?;
    let number = &text[start..];
    let (negative, body) = match number.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, number),
    };
    if let [b'0', b'x' | b'X', hex @ ..] = body {
        let value = parse_hex(hex)?;
        return Some(if negative { -value } else { value });
    }
    let value: f64 = std::str::from_utf8(number).ok()?.parse().ok()?;
    if value.is_nan() {
        return None;
    }
    if value.is_infinite() {
        // Only `inf` and `infinity` are infinite; anything else overflowed.
        return body
            .first()
            .is_some_and(|b| b.eq_ignore_ascii_case(&b'i'))
            .then_some(value);
    }
    let magnitude = value.abs();
    if magnitude < f64::MIN_POSITIVE {
        // Zero is in range only if every digit is 0.
        let mantissa = body
            .split(|&b| b == b'e' || b == b'E')
            .next()
            .unwrap_or(body);
        return (!mantissa.iter().any(|&b| (b'1'..=b'9').contains(&b))).then_some(value);
    }
    if magnitude == f64::MIN_POSITIVE && tiny(body) {
        return None;
    }
    Some(value)
}

/// Whether the decimal `body` (no sign, known to parse to 2^-1022) is
/// below [`TINY_BELOW_DIGITS`].
fn tiny(body: &[u8]) -> bool {
    let (mantissa, exponent) = match body.iter().position(|&b| b == b'e' || b == b'E') {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (body, &[][..]),
    };
    let exponent = std::str::from_utf8(exponent)
        .ok()
        .and_then(|e| e.parse::<i64>().ok())
        .unwrap_or(0);
    let (int, frac) = match mantissa.iter().position(|&b| b == b'.') {
        Some(dot) => (&mantissa[..dot], &mantissa[dot + 1..]),
        None => (mantissa, &[][..]),
    };
    let digits: Vec<u8> = int.iter().chain(frac).copied().collect();
    let Some(first) = digits.iter().position(|&d| d != b'0') else {
        return true;
    };
    // The power of ten of the leading digit.
    let lead = i64::try_from(int.len()).unwrap_or(i64::MAX) - 1 - i64::try_from(first).unwrap_or(0)
        + exponent;
    match lead.cmp(&-308) {
        Ordering::Less => true,
        Ordering::Greater => false,
        Ordering::Equal => {
            let ours = digits[first..].iter().copied();
            let theirs = TINY_BELOW_DIGITS.bytes();
            // Compared digit by digit, the shorter padded with zeros.
            let width = (digits.len() - first).max(TINY_BELOW_DIGITS.len());
            let pad = |it: &mut dyn Iterator<Item = u8>| -> Vec<u8> {
                let mut v: Vec<u8> = it.collect();
                v.resize(width, b'0');
                v
            };
            pad(&mut ours.into_iter()) < pad(&mut theirs.into_iter())
        }
    }
}

/// `m` (plus less than one unit of its last bit if `sticky`) without its
/// last `shift` bits, rounded to nearest, ties to even (shifted left for a
/// negative `shift`), and whether bits were lost.
fn round_bits(m: u64, shift: i64, sticky: bool) -> (u64, bool) {
    if shift <= 0 {
        return (m << shift.unsigned_abs().min(63), sticky);
    }
    if shift > 64 {
        return (0, true);
    }
    let (kept, rem, half) = if shift == 64 {
        (0, m, 1u64 << 63)
    } else {
        (m >> shift, m & ((1u64 << shift) - 1), 1u64 << (shift - 1))
    };
    let up = rem > half || (rem == half && (sticky || kept & 1 == 1));
    (kept + u64::from(up), rem != 0 || sticky)
}

/// The part of a hex float after `0x`: `[hex][.hex][p[sign]digits]`, at
/// least one hex digit, rounded to nearest, ties to even; `None` where
/// `strtod` would stop short or set `ERANGE`.
fn parse_hex(text: &[u8]) -> Option<f64> {
    let end = text
        .iter()
        .position(|&b| b == b'p' || b == b'P')
        .unwrap_or(text.len());
    let (mantissa, exponent) = text.split_at(end);
    let exp2: i64 = match exponent {
        [] => 0,
        [_, rest @ ..] => {
            let (negative, digits) = match rest.split_first() {
                Some((b'-', d)) => (true, d),
                Some((b'+', d)) => (false, d),
                _ => (false, rest),
            };
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let n = digits.iter().fold(0i64, |n, d| {
                (n * 10 + i64::from(d - b'0')).min(1_000_000_000)
            });
            if negative { -n } else { n }
        }
    };
    let (int, frac) = match mantissa.iter().position(|&b| b == b'.') {
        Some(dot) => (&mantissa[..dot], &mantissa[dot + 1..]),
        None => (mantissa, &[][..]),
    };
    if int.len() + frac.len() == 0 || !int.iter().chain(frac).all(u8::is_ascii_hexdigit) {
        return None;
    }
    // The significant digits, up to 60 bits of them, and what is dropped.
    let (mut m, mut e2, mut sticky) = (0u64, exp2, false);
    for (i, &d) in int.iter().chain(frac).enumerate() {
        let v = u64::from(char::from(d).to_digit(16).unwrap_or(0));
        let fraction = i >= int.len();
        if m >> 56 == 0 {
            m = (m << 4) | v;
            if fraction {
                e2 -= 4;
            }
        } else {
            sticky |= v != 0;
            if !fraction {
                e2 += 4;
            }
        }
    }
    if m == 0 {
        return Some(0.0);
    }
    // m * 2^e2 (+ sticky): keep 53 bits, or fewer down to 2^-1074.
    let bits = i64::from(64 - m.leading_zeros());
    let lead = bits - 1 + e2;
    let lsb = (lead - 52).max(-1074);
    let (kept, inexact) = round_bits(m, lsb - e2, sticky);
    // Tiny, judged after rounding to 53 bits with no bound on the
    // exponent, as glibc on x86-64 judges it: below 2^-1022 even so.
    let tiny = lead < -1023 || (lead == -1023 && round_bits(m, lead - 52 - e2, sticky).0 < 1 << 53);
    // Out of range (`ERANGE`): an inexact result that is tiny.
    if inexact && tiny {
        return None;
    }
    let (kept, lsb) = if kept == 1 << 53 {
        (kept >> 1, lsb + 1)
    } else {
        (kept, lsb)
    };
    if kept >> 52 == 0 {
        // Subnormal (lsb is -1074): the bits are the fraction.
        return Some(f64::from_bits(kept));
    }
    let biased = lsb + 52 + 1023;
    if biased >= 2047 {
        return None;
    }
    let biased = u64::try_from(biased).ok()?;
    Some(f64::from_bits((biased << 52) | (kept & ((1 << 52) - 1))))
}

// ---------------------------------------------------------------- one step

/// What one attempt at SORT as a single step found.
enum Attempt<T> {
    /// It ran.
    Done(T),
    /// These keys must be declared too.
    Undeclared(Vec<Bytes>),
    /// The patterns name too many keys for one step.
    TooMany,
}

/// The sorted window, and for each distinct read pattern its value per
/// element of the window.
#[derive(Debug, Default)]
struct Sorted {
    rows: Vec<Bytes>,
    columns: Vec<Vec<Option<Bytes>>>,
}

/// SORT as one step over the keys in `declared`.
fn attempt(
    view: &mut dyn ReadKeys,
    plan: &Plan,
    declared: &HashSet<Bytes>,
) -> Result<Attempt<Sorted>, Error> {
    let found = view.read(plan.index, &plan.key, |e| elements(e, plan))?;
    let (sort, alpha, by) = plan.for_value(found.is_set);
    let mut reader = Reader {
        view,
        index: plan.index,
        declared,
        missed: false,
    };
    let by_values = match by {
        Some(pattern) if sort => Some(reader.read_all(pattern, &found.items)),
        _ => None,
    };
    if reader.missed {
        return Ok(
            match names_needed(plan, by.filter(|_| sort), &found.items) {
                Some(names) => Attempt::Undeclared(names),
                None => Attempt::TooMany,
            },
        );
    }
    let rows = if found.windowed {
        found.items
    } else if sort {
        sort_window(found.items, by_values, alpha, plan)?
    } else {
        let (start, n) = window(found.items.len(), plan.limit);
        found.items.into_iter().skip(start).take(n).collect()
    };
    let columns = plan
        .reads
        .iter()
        .map(|pattern| reader.read_all(pattern, &rows))
        .collect();
    if reader.missed {
        return Ok(match names_needed(plan, None, &rows) {
            Some(names) => Attempt::Undeclared(names),
            None => Attempt::TooMany,
        });
    }
    Ok(Attempt::Done(Sorted { rows, columns }))
}

/// The most elements `STORE` writes when its `GET`s multiply them (a
/// hundred `GET #` over a long list): past it, and past the elements
/// sorted, SORT refuses with [`TOO_LONG_TO_STORE`] rather than fill the
/// memory. Redis has no such limit.
pub const MAX_STORED: usize = 1 << 26;

const TOO_LONG_TO_STORE: Error = Error::Fixed("ERR the list SORT would store is too long");

/// What one `GET` gives for row `i`: the element, or what its pattern read
/// (`columns` holds one value per row for each read pattern).
fn cell<'r>(
    get: Get,
    row: &'r Bytes,
    columns: &'r [Vec<Option<Bytes>>],
    i: usize,
) -> Option<&'r Bytes> {
    match get {
        Get::Element => Some(row),
        Get::Nothing => None,
        Get::Read(c) => columns.get(c)?.get(i)?.as_ref(),
    }
}

/// Appends the rows to the list `STORE` writes: per element, its `GET`s (an
/// absent value is an empty string), or the element itself without any.
fn append_rows(list: &mut List, rows: &[Bytes], columns: &[Vec<Option<Bytes>>], gets: &[Get]) {
    for (i, row) in rows.iter().enumerate() {
        if gets.is_empty() {
            list.push_back(row.clone());
        }
        for &get in gets {
            list.push_back(cell(get, row, columns, i).cloned().unwrap_or_default());
        }
    }
}

/// [`TOO_LONG_TO_STORE`] if storing `rows` with `gets` passes [`MAX_STORED`].
fn check_store_size(rows: usize, gets: &[Get]) -> Result<usize, Error> {
    let total = rows.saturating_mul(gets.len().max(1));
    if total > rows.max(MAX_STORED) {
        return Err(TOO_LONG_TO_STORE);
    }
    Ok(total)
}

/// The list `STORE` writes for `sorted`.
fn stored_list(sorted: &Sorted, gets: &[Get]) -> Result<List, Error> {
    let total = check_store_size(sorted.rows.len(), gets)?;
    let mut list = List::with_capacity(total.min(BATCH * BATCH));
    append_rows(&mut list, &sorted.rows, &sorted.columns, gets);
    Ok(list)
}

/// Writes `list` to `dst` (removes `dst` if empty); its length.
fn store_list(view: &mut dyn Keys, index: DbIndex, dst: &Bytes, list: List) -> usize {
    let len = list.len();
    let value = (!list.is_empty()).then(|| Value::List(Box::new(list)));
    view.update(index, dst, |slot| match &value {
        Some(value) => slot.put(Entry::new(value.clone())),
        None => slot.remove(),
    });
    len
}

// ---------------------------------------------------------------- running

/// The answer of a SORT.
#[derive(Debug)]
enum Outcome {
    /// The rows and what their `GET`s read, in one step.
    Reply(Sorted),
    /// The rows, whose `GET`s are read batch by batch as the reply is
    /// written ([`batches`]).
    Rows(Arc<Plan>, Vec<Bytes>),
    /// How many elements `STORE` wrote.
    Stored(usize),
}

/// Runs `plan`: as one step if it can (see the module docs), else in
/// batches.
async fn run_plan<D: Store>(db: &D, plan: Plan) -> Result<Outcome, Error> {
    let plan = Arc::new(plan);
    let mut declared: HashSet<Bytes> = HashSet::new();
    declared.insert(plan.key.clone());
    declared.extend(plan.store.iter().cloned());
    for _ in 0..ATTEMPTS {
        let names: Vec<Bytes> = declared.iter().cloned().collect();
        let (plan2, seen) = (plan.clone(), declared.clone());
        let tried = match plan.store.clone() {
            None => {
                db.read_many(&names, move |view: &mut dyn ReadKeys| {
                    Ok::<_, Error>(match attempt(view, &plan2, &seen)? {
                        Attempt::Done(sorted) => Attempt::Done(Outcome::Reply(sorted)),
                        Attempt::Undeclared(names) => Attempt::Undeclared(names),
                        Attempt::TooMany => Attempt::TooMany,
                    })
                })
                .await?
            }
            Some(dst) => {
                db.update_many(&names, move |view: &mut dyn Keys| {
                    Ok::<_, Error>(match attempt(&mut *view, &plan2, &seen)? {
                        Attempt::Done(sorted) => {
                            let list = stored_list(&sorted, &plan2.gets)?;
                            let n = store_list(view, plan2.index, &dst, list);
                            Attempt::Done(Outcome::Stored(n))
                        }
                        Attempt::Undeclared(names) => Attempt::Undeclared(names),
                        Attempt::TooMany => Attempt::TooMany,
                    })
                })
                .await?
            }
        };
        match tried {
            Attempt::Done(outcome) => return Ok(outcome),
            Attempt::Undeclared(names) => declared.extend(names),
            Attempt::TooMany => break,
        }
    }
    in_batches(db, plan).await
}

/// SORT with its pattern keys read in [`batches`], each batch one step:
/// the elements, then the `BY` keys, then (with `STORE`) the `GET` keys,
/// which a reply otherwise reads as it is written.
async fn in_batches<D: Store>(db: &D, plan: Arc<Plan>) -> Result<Outcome, Error> {
    let reading = plan.clone();
    let found = db
        .read(plan.index, &plan.key, move |e| elements(e, &reading))
        .await?;
    let (sort, alpha, by) = plan.for_value(found.is_set);
    let by_values = match by {
        Some(pattern) if sort => {
            let mut values = Vec::with_capacity(found.items.len());
            for batch in batches(&found.items, &[pattern]) {
                let read = read_batch(db, plan.index, std::slice::from_ref(pattern), batch).await;
                values.extend(read.into_iter().next().unwrap_or_default());
            }
            Some(values)
        }
        _ => None,
    };
    let rows = if found.windowed {
        found.items
    } else if sort {
        sort_window(found.items, by_values, alpha, &plan)?
    } else {
        let (start, n) = window(found.items.len(), plan.limit);
        found.items.into_iter().skip(start).take(n).collect()
    };
    let Some(dst) = &plan.store else {
        return Ok(Outcome::Rows(plan, rows));
    };
    let total = check_store_size(rows.len(), &plan.gets)?;
    let mut list = List::with_capacity(total.min(BATCH * BATCH));
    let reads: Vec<&Pattern> = plan.reads.iter().collect();
    for batch in batches(&rows, &reads) {
        let columns = read_batch(db, plan.index, &plan.reads, batch).await;
        append_rows(&mut list, batch, &columns, &plan.gets);
    }
    let (index, key) = (plan.index, dst.clone());
    let n = db
        .update_many(std::slice::from_ref(dst), move |view: &mut dyn Keys| {
            store_list(view, index, &key, list)
        })
        .await;
    Ok(Outcome::Stored(n))
}

/// `elements` cut into runs of at most [`BATCH`] whose key names, through
/// `patterns`, take about [`ATOMIC_NAME_BYTES`] at most (a run has one
/// element at least, however long its names).
fn batches<'e>(elements: &'e [Bytes], patterns: &[&Pattern]) -> Vec<&'e [Bytes]> {
    let mut runs = Vec::new();
    let (mut start, mut bytes) = (0, 0usize);
    for (i, element) in elements.iter().enumerate() {
        let len = patterns
            .iter()
            .fold(0usize, |n, p| n.saturating_add(p.name_len(element)));
        if i > start && (i - start >= BATCH || bytes.saturating_add(len) > ATOMIC_NAME_BYTES) {
            runs.push(&elements[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes = bytes.saturating_add(len);
    }
    if start < elements.len() {
        runs.push(&elements[start..]);
    }
    runs
}

/// What each of `patterns` reads for each of `batch`, in one step.
async fn read_batch<D: Store>(
    db: &D,
    index: DbIndex,
    patterns: &[Pattern],
    batch: &[Bytes],
) -> Vec<Vec<Option<Bytes>>> {
    if patterns.is_empty() {
        return Vec::new();
    }
    let names: HashSet<Bytes> = patterns
        .iter()
        .flat_map(|p| batch.iter().filter_map(|e| p.name(e)))
        .collect();
    let keys: Vec<Bytes> = names.iter().cloned().collect();
    let (patterns, batch) = (patterns.to_vec(), batch.to_vec());
    db.read_many(&keys, move |view: &mut dyn ReadKeys| {
        let mut reader = Reader {
            view,
            index,
            declared: &names,
            missed: false,
        };
        patterns
            .iter()
            .map(|pattern| reader.read_all(pattern, &batch))
            .collect()
    })
    .await
}

/// Writes the rows: per element, its `GET`s, or the element itself
/// without any; stops at the output limit (a few `GET #` over a long list
/// make a reply far larger than the request) and says so (`false`).
fn write_rows(
    reply: &mut Reply<'_>,
    rows: &[Bytes],
    columns: &[Vec<Option<Bytes>>],
    gets: &[Get],
) -> bool {
    for (i, row) in rows.iter().enumerate() {
        if gets.is_empty() {
            if reply.over_limit() {
                reply.cut_off();
                return false;
            }
            reply.bulk(row);
        }
        for &get in gets {
            if reply.over_limit() {
                reply.cut_off();
                return false;
            }
            reply.bulk_or_null(cell(get, row, columns, i).map(|b| &b[..]));
        }
    }
    true
}

// ---------------------------------------------------------------- typed

/// What [`sort`] answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortOutcome {
    /// Without `STORE`: per element, its `GET`s (nil for an absent
    /// value), or the element itself without any.
    Reply(Vec<Option<Bytes>>),
    /// With `STORE`: how many elements the destination list got (0: it
    /// was deleted).
    Stored(usize),
}

/// `SORT`, typed: sorts the list, set or sorted set at `key` in `index`
/// with `options`; `WRONGTYPE` for another type, `ERR One or more scores
/// can't be converted into double` for a numeric sort of something else.
/// The reply is collected whole: the caller bounds it.
pub async fn sort<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    options: SortOptions,
) -> Result<SortOutcome, Error> {
    let plan = Plan::new(index, key, options);
    let gets = plan.gets.clone();
    let collect = |out: &mut Vec<Option<Bytes>>, rows: &[Bytes], columns: &[Vec<Option<Bytes>>]| {
        for (i, row) in rows.iter().enumerate() {
            if gets.is_empty() {
                out.push(Some(row.clone()));
            }
            for &get in &gets {
                out.push(cell(get, row, columns, i).cloned());
            }
        }
    };
    let mut out = Vec::new();
    match run_plan(db, plan).await? {
        Outcome::Stored(n) => return Ok(SortOutcome::Stored(n)),
        Outcome::Reply(sorted) => collect(&mut out, &sorted.rows, &sorted.columns),
        Outcome::Rows(plan, rows) => {
            let reads: Vec<&Pattern> = plan.reads.iter().collect();
            for batch in batches(&rows, &reads) {
                let columns = read_batch(db, plan.index, &plan.reads, batch).await;
                collect(&mut out, batch, &columns);
            }
        }
    }
    Ok(SortOutcome::Reply(out))
}

// ---------------------------------------------------------------- commands

async fn run_sort<D: Store>(
    cx: &mut Ctx<'_, D>,
    mut args: Args,
    read_only: bool,
) -> Result<(), Error> {
    let key = args.required()?;
    let options = SortOptions::parse(args, read_only)?;
    // With events on and `STORE`: whether the destination existed, for
    // the `del` of an empty result.
    let existed = match options.store.as_ref() {
        Some(dst) if cx.notifies(notify::LIST | notify::GENERIC) => {
            let probe = dst.clone();
            let existed = cx.db.read(cx.selected, &probe, |e| e.is_some()).await;
            Some((dst.clone(), existed))
        }
        _ => None,
    };
    let plan = Plan::new(cx.selected, key, options);
    let gets = plan.gets.clone();
    let per_row = gets.len().max(1);
    match run_plan(cx.db, plan).await? {
        Outcome::Stored(n) => {
            match existed {
                Some((dst, _)) if n > 0 => cx.notify(notify::LIST, "sortstore", &dst),
                Some((dst, true)) => cx.notify(notify::GENERIC, "del", &dst),
                _ => {}
            }
            cx.reply.count(n);
        }
        Outcome::Reply(sorted) => {
            cx.reply.array(sorted.rows.len().saturating_mul(per_row));
            write_rows(&mut cx.reply, &sorted.rows, &sorted.columns, &gets);
        }
        Outcome::Rows(plan, rows) => {
            cx.reply.array(rows.len().saturating_mul(per_row));
            let reads: Vec<&Pattern> = plan.reads.iter().collect();
            for batch in batches(&rows, &reads) {
                if cx.reply.over_limit() {
                    cx.reply.cut_off();
                    break;
                }
                let columns = read_batch(cx.db, plan.index, &plan.reads, batch).await;
                if !write_rows(&mut cx.reply, batch, &columns, &gets) {
                    break;
                }
            }
        }
    }
    Ok(())
}

/// `SORT key [BY pattern] [LIMIT offset count] [GET pattern ...]
/// [ASC|DESC] [ALPHA] [STORE destination]` (see the module docs).
pub struct Sort;

impl Command for Sort {
    const SPEC: Spec = Spec {
        name: "sort",
        arity: -2,
        flags: &["write", "denyoom", "movablekeys"],
        keys: (1, 1, 1),
        acl: &[
            "@write",
            "@set",
            "@sortedset",
            "@list",
            "@slow",
            "@dangerous",
        ],
        summary: "Sorts the elements of a list, set or sorted set, optionally by other keys, and returns or stores them.",
        since: "1.0.0",
        group: "generic",
        complexity: "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
        args: &[
            arg!("key", Key),
            arg!("pattern", Pattern, token: Some("BY"), optional: true),
            arg!("offset_count", Block, token: Some("LIMIT"), optional: true, args: &[
                arg!("offset", Integer),
                arg!("count", Integer),
            ]),
            arg!("pattern", Pattern, token: Some("GET"), optional: true, multiple: true),
            arg!("order", OneOf, optional: true, args: &[
                token!("asc", "ASC"),
                token!("desc", "DESC"),
            ]),
            token!("sorting", "ALPHA", optional: true),
            arg!("destination", Key, token: Some("STORE"), optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_sort(cx, args, false).await
    }
}

/// `SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...]
/// [ASC|DESC] [ALPHA]`: `SORT` without `STORE`.
pub struct SortRo;

impl Command for SortRo {
    const SPEC: Spec = Spec {
        name: "sort_ro",
        arity: -2,
        flags: &["readonly", "movablekeys"],
        keys: (1, 1, 1),
        acl: &[
            "@read",
            "@set",
            "@sortedset",
            "@list",
            "@slow",
            "@dangerous",
        ],
        summary: "Sorts the elements of a list, set or sorted set, optionally by other keys, and returns them (SORT without STORE).",
        since: "7.0.0",
        group: "generic",
        complexity: "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
        args: &[
            arg!("key", Key),
            arg!("pattern", Pattern, token: Some("BY"), optional: true),
            arg!("offset_count", Block, token: Some("LIMIT"), optional: true, args: &[
                arg!("offset", Integer),
                arg!("count", Integer),
            ]),
            arg!("pattern", Pattern, token: Some("GET"), optional: true, multiple: true),
            arg!("order", OneOf, optional: true, args: &[
                token!("asc", "ASC"),
                token!("desc", "DESC"),
            ]),
            token!("sorting", "ALPHA", optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_sort(cx, args, true).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scores parse as glibc's strtod parses them for redis-server 7.0 (answers taken from it).
    #[test]
    fn scores_parse_like_strtod() {
        for (text, value) in [
            ("", 0.0),
            (" 1", 1.0),
            ("\t2", 2.0),
            ("0x10", 16.0),
            ("0X1P3", 8.0),
            ("0x1.8p1", 3.0),
            ("0x.8", 0.5),
            ("+3", 3.0),
            ("1.", 1.0),
            (".5", 0.5),
            ("-0", -0.0),
            ("0e-400", 0.0),
            ("00012", 12.0),
            ("1e308", 1e308),
            ("1.7976931348623158e308", f64::MAX),
            ("2.2250738585072013e-308", f64::MIN_POSITIVE),
            ("0x1p-1022", f64::MIN_POSITIVE),
            ("0x0.0000000000001p-1022", 5e-324),
            ("0x.8p-1073", 5e-324),
            ("0x1.fffffffffffff7p1023", f64::MAX),
            ("1\0junk", 1.0),
        ] {
            assert_eq!(strtod(text.as_bytes()), Some(value), "{text:?}");
        }
        assert_eq!(strtod(b"inf"), Some(f64::INFINITY));
        assert_eq!(strtod(b"-Infinity"), Some(f64::NEG_INFINITY));
        for bad in [
            " ",
            "1 ",
            "abc",
            "nan",
            "nan(1)",
            "1e",
            "0x",
            "0xp1",
            "1_0",
            "1e400",
            "1.8e308",
            "1e-310",
            "1e-320",
            "4.9e-324",
            "1e-999999999999",
            "2.225073858507201e-308",
            "2.2250738585072011e-308",
            "2.2250738585072012e-308",
            "0x1p1024",
            "0x1p-1075",
            "0x3p-1076",
            "0x1.fffffffffffff8p1023",
            "0x0.fffffffffffff8p-1022",
            "infinit",
        ] {
            assert_eq!(strtod(bad.as_bytes()), None, "{bad:?}");
        }
    }

    /// LIMIT clamps as Redis 7.0 does, never overflowing.
    #[test]
    fn window_clamps_like_redis() {
        assert_eq!(window(5, None), (0, 5));
        assert_eq!(window(5, Some((1, 2))), (1, 2));
        assert_eq!(window(5, Some((-5, 2))), (0, 2));
        assert_eq!(window(5, Some((1, -1))), (1, 4));
        assert_eq!(window(5, Some((2, i64::MAX))), (2, 3));
        assert_eq!(window(5, Some((i64::MIN, 2))), (0, 2));
        assert_eq!(window(5, Some((5, 1))), (4, 0));
        assert_eq!(window(5, Some((4, -5))), (4, 1));
        assert_eq!(window(5, Some((0, i64::MIN))), (0, 5));
        assert_eq!(window(5, Some((i64::MAX, i64::MAX))), (4, 0));
        assert_eq!(window(5, Some((0, 0))), (0, 0));
        assert_eq!(window(0, None), (0, 0));
        assert_eq!(window(0, Some((3, 3))), (0, 0));
    }

    /// Patterns split as lookupKeyByPattern splits them.
    #[test]
    fn patterns_split_like_redis() {
        let p = |s: &'static [u8]| Pattern::parse(&Bytes::from_static(s));
        assert_eq!(p(b"#"), Pattern::Element);
        assert_eq!(p(b"#\0x"), Pattern::Element);
        assert_eq!(p(b"nostar"), Pattern::Nothing);
        assert_eq!(p(b"a\0*"), Pattern::Nothing);
        let key = |pre: &'static [u8], suf: &'static [u8]| Pattern::Key {
            prefix: Bytes::from_static(pre),
            suffix: Bytes::from_static(suf),
        };
        assert_eq!(p(b"w_*"), key(b"w_", b""));
        assert_eq!(p(b"*"), key(b"", b""));
        assert_eq!(p(b"k_*->"), key(b"k_", b"->"));
        assert_eq!(p(b"k_*->\0f"), key(b"k_", b"->\0f"));
        assert_eq!(
            p(b"h_*x->a->b"),
            Pattern::Field {
                prefix: Bytes::from_static(b"h_"),
                suffix: Bytes::from_static(b"x"),
                field: Bytes::from_static(b"a->b"),
            }
        );
        assert_eq!(
            p(b"->*->f\0g"),
            Pattern::Field {
                prefix: Bytes::from_static(b"->"),
                suffix: Bytes::new(),
                field: Bytes::from_static(b"f\0g"),
            }
        );
        assert_eq!(p(b"h_*->f").name(b"1").as_deref(), Some(&b"h_1"[..]));
    }
}
