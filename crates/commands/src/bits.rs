//! The bitmap family: `SETBIT`, `GETBIT`, `BITCOUNT`, `BITPOS`, `BITOP`,
//! `BITFIELD` and `BITFIELD_RO`. Redis keeps these in `bitops.c`.
//!
//! A bitmap is a string: bit 0 is the most significant bit of the first
//! byte, and the string reads as if padded with zero bytes on the right.
//! Writes grow it with zero bytes up to the last bit they touch; offsets
//! are limited to 2^32 bits (512 MB), as Redis limits them, so no argument
//! can make a command allocate more. An integer-form string is its decimal
//! text, as in Redis.

use bytes::Bytes;
use sharedkv_db::{DbIndex, Entry, Keys, Slot, Store, Value, parse_i64};

use crate::strings::{MAX_STRING, Text, is_option, take_buffer, with_bytes};
use crate::{Args, Command, Ctx, Error, Spec, arg, c_str, notify, stored, token};

/// `ERR bit offset is not an integer or out of range`
const BAD_OFFSET: Error = Error::Fixed("ERR bit offset is not an integer or out of range");

/// A bit offset argument, as Redis's `getBitOffsetFromArgument` reads it:
/// a decimal below 2^32; with `field_bits` (`BITFIELD`), `#n` is the n-th
/// field of that width, multiplied as C multiplies (wrapping) before the
/// range check.
fn bit_offset(word: &[u8], field_bits: Option<u32>) -> Result<u64, Error> {
    let (digits, times) = match (word.split_first(), field_bits) {
        (Some((b'#', rest)), Some(bits)) => (rest, Some(bits)),
        _ => (word, None),
    };
    let mut n = parse_i64(digits).ok_or(BAD_OFFSET)?;
    if let Some(bits) = times {
        n = n.wrapping_mul(i64::from(bits));
    }
    match u64::try_from(n) {
        Ok(n) if n >> 3 < MAX_STRING as u64 => Ok(n),
        _ => Err(BAD_OFFSET),
    }
}

/// The bytes of the string under an entry (none for an absent key).
fn read_bits<R>(entry: Option<&Entry>, f: impl FnOnce(Option<&[u8]>) -> R) -> Result<R, Error> {
    match entry {
        None => Ok(f(None)),
        Some(e) => with_bytes(&e.value, |b| f(Some(b))),
    }
}

/// The number of set bits.
fn popcount(bytes: &[u8]) -> i64 {
    let mut words = bytes.chunks_exact(8);
    let mut n: u64 = (&mut words)
        .map(|w| u64::from(u64::from_ne_bytes(w.try_into().unwrap_or([0; 8])).count_ones()))
        .sum();
    n += words
        .remainder()
        .iter()
        .map(|b| u64::from(b.count_ones()))
        .sum::<u64>();
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Redis's `redisBitpos`: the position of the first bit equal to `bit`;
/// none set is -1, none clear is the length in bits (the string reads as
/// padded with zeros).
fn first_bit(bytes: &[u8], bit: bool) -> i64 {
    let skip = if bit { 0x00 } else { 0xff };
    let len = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    match bytes.iter().position(|&b| b != skip) {
        Some(i) => {
            let b = if bit { bytes[i] } else { !bytes[i] };
            i64::try_from(i).unwrap_or(i64::MAX) * 8 + i64::from(b.leading_zeros())
        }
        None if bit => -1,
        None => len * 8,
    }
}

/// `BYTE` or `BIT`, the unit of a range.
fn bit_unit(word: &[u8]) -> Result<bool, Error> {
    if is_option(word, "BIT") {
        Ok(true)
    } else if is_option(word, "BYTE") {
        Ok(false)
    } else {
        Err(Error::SYNTAX)
    }
}

fn int(word: &[u8]) -> Result<i64, Error> {
    parse_i64(word).ok_or(Error::NOT_AN_INTEGER)
}

/// A range of a string of `total` units turned into indexes, as `BITCOUNT`
/// and `BITPOS` do: negative counts from the end, then clamped.
fn clamp(start: i64, end: i64, total: i64) -> (i64, i64) {
    let start = if start < 0 {
        start.saturating_add(total)
    } else {
        start
    }
    .max(0);
    let end = if end < 0 {
        end.saturating_add(total)
    } else {
        end
    }
    .max(0);
    (start, end.min(total - 1))
}

/// For a bit range `start..=end`, the bits of its first and last bytes
/// that lie outside it, and the range in bytes.
fn bit_masks(start: i64, end: i64) -> (u8, u8, i64, i64) {
    let first = !(((1u16 << (8 - (start & 7))) - 1) as u8);
    let last = ((1u16 << (7 - (end & 7))) - 1) as u8;
    (first, last, start >> 3, end >> 3)
}

// --------------------------------------------------------- SETBIT, GETBIT

/// The step of `SETBIT`: the old bit; the string grows to hold the bit.
fn setbit_step(slot: &mut Slot<'_>, offset: u64, on: bool) -> Result<bool, Error> {
    let byte = (offset >> 3) as usize;
    let mask = 0x80u8 >> (offset & 7);
    let Some(value) = slot.value() else {
        let mut bits = vec![0u8; byte + 1];
        if on {
            bits[byte] = mask;
        }
        slot.put(Entry::new(Value::string(Bytes::from(bits))));
        return Ok(false);
    };
    let (len, was) = with_bytes(value, |b| {
        (b.len(), b.get(byte).is_some_and(|&x| x & mask != 0))
    })?;
    if len > byte && was == on {
        return Ok(was);
    }
    if let Some(value) = slot.value_mut()
        && let Some(mut bits) = take_buffer(value)
    {
        if bits.len() <= byte {
            bits.resize(byte + 1, 0);
        }
        if on {
            bits[byte] |= mask;
        } else {
            bits[byte] &= !mask;
        }
        *value = Value::string(Bytes::from(bits));
    }
    Ok(was)
}

/// `SETBIT`, typed: sets or clears the bit at `offset` (below 2^32) of the
/// string at `key`; the bit it had.
pub async fn setbit<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    offset: u64,
    on: bool,
) -> Result<bool, Error> {
    if offset >> 3 >= MAX_STRING as u64 {
        return Err(BAD_OFFSET);
    }
    db.update(index, &key, move |slot| setbit_step(slot, offset, on))
        .await
}

/// `SETBIT key offset value`
pub struct SetBit;

impl Command for SetBit {
    const SPEC: Spec = Spec {
        name: "setbit",
        arity: 4,
        flags: &["write", "denyoom"],
        keys: (1, 1, 1),
        acl: &["@write", "@bitmap", "@slow"],
        summary: "Sets or clears one bit of the string stored at a key.",
        since: "2.2.0",
        group: "bitmap",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("offset", Integer),
            arg!("value", Integer),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let offset = bit_offset(&args.required()?, None)?;
        let on = match parse_i64(&args.required()?) {
            Some(0) => false,
            Some(1) => true,
            _ => return Err(Error::Fixed("ERR bit is not an integer or out of range")),
        };
        let kept = cx.notifies(notify::STRING).then(|| key.clone());
        let was = setbit(cx.db, cx.selected, stored(key), offset, on).await?;
        if let Some(key) = kept {
            cx.notify(notify::STRING, "setbit", &key);
        }
        cx.reply.int(i64::from(was));
        Ok(())
    }
}

/// `GETBIT`, typed: the bit at `offset` of the string at `key` (0 past its
/// end or if the key is absent).
pub async fn getbit<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    offset: u64,
) -> Result<bool, Error> {
    let byte = usize::try_from(offset >> 3).unwrap_or(usize::MAX);
    let mask = 0x80u8 >> (offset & 7);
    db.read(index, key, move |entry| {
        read_bits(entry, |b| {
            b.and_then(|b| b.get(byte)).is_some_and(|&x| x & mask != 0)
        })
    })
    .await
}

/// `GETBIT key offset`
pub struct GetBit;

impl Command for GetBit {
    const SPEC: Spec = Spec {
        name: "getbit",
        arity: 3,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@bitmap", "@fast"],
        summary: "Returns one bit of the string stored at a key.",
        since: "2.2.0",
        group: "bitmap",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("offset", Integer)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let offset = bit_offset(&args.required()?, None)?;
        let bit = getbit(cx.db, cx.selected, &key, offset).await?;
        cx.reply.int(i64::from(bit));
        Ok(())
    }
}

// ------------------------------------------------------ BITCOUNT, BITPOS

/// `BITCOUNT` of `bits` (an existing string) with the arguments after the
/// key, checked in Redis 7.0's order: the range, an empty negative range
/// (0 before the unit is even read), then the unit.
fn bitcount_of(bits: &[u8], args: &[Bytes]) -> Result<i64, Error> {
    let (start, end) = match args {
        [] => return Ok(popcount(bits)),
        [start, end] | [start, end, _] => (int(start)?, int(end)?),
        _ => return Err(Error::SYNTAX),
    };
    if start < 0 && end < 0 && start > end {
        return Ok(0);
    }
    let in_bits = args
        .get(2)
        .map(|u| bit_unit(u))
        .transpose()?
        .unwrap_or(false);
    let len = i64::try_from(bits.len()).unwrap_or(i64::MAX);
    let total = if in_bits { len * 8 } else { len };
    let (start, end) = clamp(start, end, total);
    if start > end {
        return Ok(0);
    }
    let (first, last, start, end) = if in_bits {
        bit_masks(start, end)
    } else {
        (0, 0, start, end)
    };
    let (Ok(lo), Ok(hi)) = (usize::try_from(start), usize::try_from(end)) else {
        return Ok(0);
    };
    let Some(range) = bits.get(lo..=hi) else {
        return Ok(0);
    };
    let outside = (bits[lo] & first).count_ones() + (bits[hi] & last).count_ones();
    Ok(popcount(range) - i64::from(outside))
}

/// `BITCOUNT key [start end [BYTE|BIT]]`
pub struct BitCount;

impl Command for BitCount {
    const SPEC: Spec = Spec {
        name: "bitcount",
        arity: -2,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@bitmap", "@slow"],
        summary: "Counts the set bits of the string stored at a key, or of a range of it.",
        since: "2.6.0",
        group: "bitmap",
        complexity: "O(N)",
        args: &[
            arg!("key", Key),
            arg!("index", Block, optional: true, args: &[
                arg!("start", Integer),
                arg!("end", Integer),
                arg!("index_unit", OneOf, since: Some("7.0.0"), optional: true, args: &[
                    token!("byte", "BYTE"),
                    token!("bit", "BIT"),
                ]),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let rest = args.rest();
        // Redis 7.0 looks the key up first: an absent key counts 0 whatever
        // the arguments.
        let n = cx
            .db
            .read(cx.selected, &key, move |entry| {
                read_bits(entry, |b| b.map_or(Ok(0), |b| bitcount_of(b, &rest)))
            })
            .await??;
        cx.reply.int(n);
        Ok(())
    }
}

/// `BITPOS` of `bit` in `bits` (an existing string) with the arguments
/// after the bit, as Redis 7.0 computes it, edge cases included.
fn bitpos_of(bits: &[u8], bit: bool, args: &[Bytes]) -> Result<i64, Error> {
    let len = i64::try_from(bits.len()).unwrap_or(i64::MAX);
    let (start, end, end_given, masks) = match args {
        [] => (0, len - 1, false, (0, 0)),
        [start, rest @ ..] if rest.len() <= 2 => {
            let start = int(start)?;
            let in_bits = rest
                .get(1)
                .map(|u| bit_unit(u))
                .transpose()?
                .unwrap_or(false);
            let end = match rest.first() {
                Some(end) => int(end)?,
                None => len - 1,
            };
            let total = if in_bits { len * 8 } else { len };
            let (start, end) = clamp(start, end, total);
            if in_bits && start <= end {
                let (first, last, start, end) = bit_masks(start, end);
                (start, end, !rest.is_empty(), (first, last))
            } else {
                (start, end, !rest.is_empty(), (0, 0))
            }
        }
        _ => return Err(Error::SYNTAX),
    };
    if start > end {
        return Ok(-1);
    }
    let (first_mask, last_mask) = masks;
    let byte = |i: i64| {
        usize::try_from(i)
            .ok()
            .and_then(|i| bits.get(i))
            .copied()
            .unwrap_or(0)
    };
    let pick = |b: u8, mask: u8| if bit { b & !mask } else { b | mask };
    let (mut start, mut count) = (start, end - start + 1);
    let mut pos;
    'found: {
        if first_mask != 0 {
            let mut b = pick(byte(start), first_mask);
            if last_mask != 0 && count == 1 {
                b = pick(b, last_mask);
            }
            pos = first_bit(&[b], bit);
            if count == 1 || (pos != -1 && pos != 8) {
                break 'found;
            }
            start += 1;
            count -= 1;
        }
        // A last byte with bits outside the range is looked at on its own.
        let whole = count - i64::from(last_mask != 0);
        if whole > 0 {
            let slice = usize::try_from(start)
                .ok()
                .zip(usize::try_from(start + whole).ok())
                .and_then(|(lo, hi)| bits.get(lo..hi))
                .unwrap_or_default();
            pos = first_bit(slice, bit);
            if count == whole || (pos != -1 && pos != whole * 8) {
                break 'found;
            }
            start += whole;
            count -= whole;
        }
        pos = first_bit(&[pick(byte(end), last_mask)], bit);
    }
    // With an explicit end, clear bits past the range are not assumed.
    if end_given && !bit && pos == count * 8 {
        return Ok(-1);
    }
    if pos != -1 {
        pos += start * 8;
    }
    Ok(pos)
}

/// `BITPOS key bit [start [end [BYTE|BIT]]]`
pub struct BitPos;

impl Command for BitPos {
    const SPEC: Spec = Spec {
        name: "bitpos",
        arity: -3,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@bitmap", "@slow"],
        summary: "Finds the first set or clear bit of the string stored at a key.",
        since: "2.8.7",
        group: "bitmap",
        complexity: "O(N)",
        args: &[
            arg!("key", Key),
            arg!("bit", Integer),
            arg!("index", Block, optional: true, args: &[
                arg!("start", Integer),
                arg!("end_index", Block, optional: true, args: &[
                    arg!("end", Integer),
                    arg!("index_unit", OneOf, since: Some("7.0.0"), optional: true, args: &[
                        token!("byte", "BYTE"),
                        token!("bit", "BIT"),
                    ]),
                ]),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let bit = match args.int()? {
            0 => false,
            1 => true,
            _ => return Err(Error::Fixed("ERR The bit argument must be 1 or 0.")),
        };
        let rest = args.rest();
        // An absent key is an endless run of clear bits, whatever the range.
        let n = cx
            .db
            .read(cx.selected, &key, move |entry| {
                read_bits(entry, |b| match b {
                    None => Ok(if bit { -1 } else { 0 }),
                    Some(b) => bitpos_of(b, bit, &rest),
                })
            })
            .await??;
        cx.reply.int(n);
        Ok(())
    }
}

// ------------------------------------------------------------------ BITOP

/// The operation of `BITOP`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BitOperation {
    /// `AND`
    And,
    /// `OR`
    Or,
    /// `XOR`
    Xor,
    /// `NOT` (one source)
    Not,
}

/// `op` over `sources` (absent ones are empty), each padded with zero
/// bytes to the longest.
pub fn bitop_of(op: BitOperation, sources: &[&[u8]]) -> Vec<u8> {
    let len = sources.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![0u8; len];
    let Some((first, rest)) = sources.split_first() else {
        return out;
    };
    out[..first.len()].copy_from_slice(first);
    for source in rest {
        let (head, tail) = out.split_at_mut(source.len().min(len));
        let pairs = head.iter_mut().zip(source.iter());
        match op {
            BitOperation::And => {
                pairs.for_each(|(o, s)| *o &= s);
                tail.fill(0);
            }
            BitOperation::Or => pairs.for_each(|(o, s)| *o |= s),
            BitOperation::Xor => pairs.for_each(|(o, s)| *o ^= s),
            BitOperation::Not => {}
        }
    }
    if op == BitOperation::Not {
        out.iter_mut().for_each(|b| *b = !*b);
    }
    out
}

/// `BITOP`, typed: stores `op` over the strings at `sources` in `dest` (an
/// empty result deletes it); the result's length. `WRONGTYPE`, writing
/// nothing, if a source is not a string.
pub async fn bitop<D: Store>(
    db: &D,
    index: DbIndex,
    op: BitOperation,
    dest: Bytes,
    sources: Vec<Bytes>,
) -> Result<usize, Error> {
    let mut keys = Vec::with_capacity(sources.len() + 1);
    keys.push(dest.clone());
    keys.extend(sources.iter().cloned());
    db.update_many(&keys, move |view: &mut dyn Keys| {
        let mut texts = Vec::with_capacity(sources.len());
        for key in &sources {
            let text = view.read(index, key, |e| e.map(|e| Text::of(&e.value)).transpose())?;
            texts.push(text.map(Text::into_bytes).unwrap_or_default());
        }
        let slices: Vec<&[u8]> = texts.iter().map(|t| &t[..]).collect();
        let result = Bytes::from(bitop_of(op, &slices));
        let len = result.len();
        view.update(index, &dest, |slot| {
            if result.is_empty() {
                slot.remove();
            } else {
                slot.put(Entry::new(Value::string(result.clone())));
            }
        });
        Ok(len)
    })
    .await
}

/// `BITOP AND|OR|XOR|NOT destkey key [key ...]`
pub struct BitOp;

impl Command for BitOp {
    const SPEC: Spec = Spec {
        name: "bitop",
        arity: -4,
        flags: &["write", "denyoom"],
        keys: (2, -1, 1),
        acl: &["@write", "@bitmap", "@slow"],
        summary: "Stores the bitwise AND, OR, XOR or NOT of strings at a key.",
        since: "2.6.0",
        group: "bitmap",
        complexity: "O(N)",
        args: &[
            arg!("operation", String),
            arg!("destkey", Key),
            arg!("key", Key, multiple: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let name = args.required()?;
        let op = [
            ("AND", BitOperation::And),
            ("OR", BitOperation::Or),
            ("XOR", BitOperation::Xor),
            ("NOT", BitOperation::Not),
        ]
        .into_iter()
        .find(|(word, _)| is_option(&name, word))
        .map(|(_, op)| op)
        .ok_or(Error::SYNTAX)?;
        let dest = args.required()?;
        let sources = args.rest();
        if op == BitOperation::Not && sources.len() != 1 {
            return Err(Error::Fixed(
                "ERR BITOP NOT must be called with a single source key.",
            ));
        }
        // With events on: whether `dest` existed, for the `del` of an empty
        // result.
        let existed = if cx.notifies(notify::STRING | notify::GENERIC) {
            let dest = dest.clone();
            Some(cx.db.read(cx.selected, &dest, |e| e.is_some()).await)
        } else {
            None
        };
        let n = bitop(cx.db, cx.selected, op, stored(dest.clone()), sources).await?;
        match existed {
            Some(_) if n > 0 => cx.notify(notify::STRING, "set", &dest),
            Some(true) => cx.notify(notify::GENERIC, "del", &dest),
            _ => {}
        }
        cx.reply.count(n);
        Ok(())
    }
}

// --------------------------------------------------------------- BITFIELD

/// What `BITFIELD` does when a write does not fit its field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Overflow {
    /// `WRAP`: modulo the field's range (the default).
    #[default]
    Wrap,
    /// `SAT`: clamp to the field's minimum or maximum.
    Sat,
    /// `FAIL`: write nothing and answer nil.
    Fail,
}

/// One `BITFIELD` operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldOp {
    /// `GET`
    Get,
    /// `SET value`
    Set(i64),
    /// `INCRBY increment`
    IncrBy(i64),
}

/// An operation on one field: `i<bits>` or `u<bits>` at a bit offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// What to do.
    pub op: FieldOp,
    /// `i` (two's complement) or `u`.
    pub signed: bool,
    /// The width: 1 to 64 signed, 1 to 63 unsigned.
    pub bits: u32,
    /// The offset of its first bit, below 2^32.
    pub offset: u64,
    /// The `OVERFLOW` in force.
    pub overflow: Overflow,
}

/// `i8`, `u16`, ...: the signedness and the width.
fn field_type(word: &[u8]) -> Result<(bool, u32), Error> {
    let invalid = Error::Fixed(
        "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
    );
    let signed = match word.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(invalid),
    };
    // Redis reads the width as a C string: up to a NUL.
    let width = word.get(1..).unwrap_or_default();
    match parse_i64(c_str(width, width.len())) {
        Some(bits @ 1..=63) => Ok((signed, bits as u32)),
        Some(64) if signed => Ok((signed, 64)),
        _ => Err(invalid),
    }
}

/// The operations of a `BITFIELD` request, checked as Redis checks them
/// before touching the key.
fn parse_fields(words: &[Bytes]) -> Result<Vec<Field>, Error> {
    let mut fields = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 0;
    while let Some(sub) = words.get(j) {
        let more = words.len() - j - 1;
        let get = is_option(sub, "GET") && more >= 2;
        if !get && !((is_option(sub, "SET") || is_option(sub, "INCRBY")) && more >= 3) {
            if is_option(sub, "OVERFLOW") && more >= 1 {
                let kind = &words[j + 1];
                overflow = if is_option(kind, "WRAP") {
                    Overflow::Wrap
                } else if is_option(kind, "SAT") {
                    Overflow::Sat
                } else if is_option(kind, "FAIL") {
                    Overflow::Fail
                } else {
                    return Err(Error::Fixed("ERR Invalid OVERFLOW type specified"));
                };
                j += 2;
                continue;
            }
            return Err(Error::SYNTAX);
        }
        let (signed, bits) = field_type(&words[j + 1])?;
        let offset = bit_offset(&words[j + 2], Some(bits))?;
        let op = if get {
            FieldOp::Get
        } else {
            let n = int(&words[j + 3])?;
            if is_option(sub, "SET") {
                FieldOp::Set(n)
            } else {
                FieldOp::IncrBy(n)
            }
        };
        fields.push(Field {
            op,
            signed,
            bits,
            offset,
            overflow,
        });
        j += if get { 3 } else { 4 };
    }
    Ok(fields)
}

/// The unsigned field at `offset`; bytes past the end read as zero.
fn get_unsigned(bytes: &[u8], offset: u64, bits: u32) -> u64 {
    (offset..offset + u64::from(bits)).fold(0, |value, pos| {
        let byte = usize::try_from(pos >> 3)
            .ok()
            .and_then(|i| bytes.get(i))
            .copied()
            .unwrap_or(0);
        (value << 1) | u64::from((byte >> (7 - (pos & 7))) & 1)
    })
}

/// The signed field at `offset`: the unsigned one, sign-extended.
fn get_signed(bytes: &[u8], offset: u64, bits: u32) -> i64 {
    let value = get_unsigned(bytes, offset, bits);
    if bits < 64 && value & (1 << (bits - 1)) != 0 {
        (value | (u64::MAX << bits)) as i64
    } else {
        value as i64
    }
}

/// Writes the low `bits` bits of `value` at `offset` (the bytes exist).
fn set_field(bytes: &mut [u8], offset: u64, bits: u32, value: u64) {
    for j in 0..u64::from(bits) {
        let on = value >> (u64::from(bits) - 1 - j) & 1 != 0;
        let pos = offset + j;
        let mask = 0x80u8 >> (pos & 7);
        if let Some(byte) = usize::try_from(pos >> 3)
            .ok()
            .and_then(|i| bytes.get_mut(i))
        {
            if on {
                *byte |= mask;
            } else {
                *byte &= !mask;
            }
        }
    }
}

/// Redis's `checkUnsignedBitfieldOverflow`: `None` if `value + incr` fits
/// `bits` unsigned bits, else what to store (`FAIL` stores nothing).
fn unsigned_overflow(value: u64, incr: i64, bits: u32, overflow: Overflow) -> Option<u64> {
    let max = (1u64 << bits) - 1;
    let max_incr = max.wrapping_sub(value) as i64;
    let min_incr = value.wrapping_neg() as i64;
    let wrapped = value.wrapping_add(incr as u64) & max;
    if value > max || (incr > 0 && incr > max_incr) {
        Some(if overflow == Overflow::Sat {
            max
        } else {
            wrapped
        })
    } else if incr < 0 && incr < min_incr {
        Some(if overflow == Overflow::Sat {
            0
        } else {
            wrapped
        })
    } else {
        None
    }
}

/// Redis's `checkSignedBitfieldOverflow`, likewise for two's complement.
fn signed_overflow(value: i64, incr: i64, bits: u32, overflow: Overflow) -> Option<i64> {
    let max = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let max_incr = (max as u64).wrapping_sub(value as u64) as i64;
    let min_incr = min.wrapping_sub(value);
    let wrapped = || {
        let sum = (value as u64).wrapping_add(incr as u64);
        let sum = if bits < 64 {
            let mask = u64::MAX << bits;
            if sum & (1 << (bits - 1)) != 0 {
                sum | mask
            } else {
                sum & !mask
            }
        } else {
            sum
        };
        sum as i64
    };
    if value > max || (bits != 64 && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr)
    {
        Some(if overflow == Overflow::Sat {
            max
        } else {
            wrapped()
        })
    } else if value < min
        || (bits != 64 && incr < min_incr)
        || (value < 0 && incr < 0 && incr < min_incr)
    {
        Some(if overflow == Overflow::Sat {
            min
        } else {
            wrapped()
        })
    } else {
        None
    }
}

/// The field `f` names, as `GET` answers it.
fn read_field(bytes: &[u8], f: &Field) -> i64 {
    if f.signed {
        get_signed(bytes, f.offset, f.bits)
    } else {
        get_unsigned(bytes, f.offset, f.bits) as i64
    }
}

/// Runs one field operation on `bytes`, which hold every bit a write
/// touches: its answer, `None` for a write refused by `OVERFLOW FAIL`.
fn run_field(bytes: &mut [u8], f: &Field) -> Option<i64> {
    let (write, incr) = match f.op {
        FieldOp::Get => return Some(read_field(bytes, f)),
        FieldOp::Set(v) => (v, false),
        FieldOp::IncrBy(v) => (v, true),
    };
    let (new, answer, overflowed) = if f.signed {
        let old = get_signed(bytes, f.offset, f.bits);
        let (value, delta) = if incr { (old, write) } else { (write, 0) };
        let limit = signed_overflow(value, delta, f.bits, f.overflow);
        let new = limit.unwrap_or(value.wrapping_add(delta));
        (new as u64, if incr { new } else { old }, limit.is_some())
    } else {
        let old = get_unsigned(bytes, f.offset, f.bits);
        let (value, delta) = if incr {
            (old, write)
        } else {
            (write as u64, 0)
        };
        let limit = unsigned_overflow(value, delta, f.bits, f.overflow);
        let new = limit.unwrap_or(value.wrapping_add(delta as u64));
        (
            new,
            if incr { new as i64 } else { old as i64 },
            limit.is_some(),
        )
    };
    if overflowed && f.overflow == Overflow::Fail {
        return None;
    }
    set_field(bytes, f.offset, f.bits, new);
    Some(answer)
}

/// The step of a `BITFIELD` that writes: the string is created or grown
/// to hold the last bit written (even if `FAIL` then refuses every write,
/// as in Redis), then the operations run in order.
fn bitfield_step(slot: &mut Slot<'_>, fields: &[Field]) -> Result<Vec<Option<i64>>, Error> {
    let last = fields
        .iter()
        .filter(|f| f.op != FieldOp::Get)
        .map(|f| f.offset + u64::from(f.bits) - 1)
        .max()
        .unwrap_or(0);
    let len = (last >> 3) as usize + 1;
    if let Some(value) = slot.value() {
        with_bytes(value, |_| ())?;
    }
    let mut bytes = match slot.value_mut() {
        Some(value) => take_buffer(value).ok_or(Error::WRONG_TYPE)?,
        None => Vec::new(),
    };
    if bytes.len() < len {
        bytes.resize(len, 0);
    }
    let answers = fields.iter().map(|f| run_field(&mut bytes, f)).collect();
    let value = Value::string(Bytes::from(bytes));
    match slot.value_mut() {
        Some(place) => *place = value,
        None => slot.put(Entry::new(value)),
    }
    Ok(answers)
}

/// `BITFIELD`, typed: runs `fields` in order on the string at `key`; an
/// answer per field, `None` where `OVERFLOW FAIL` refused a write. Only
/// `GET`s read without writing.
pub async fn bitfield<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    fields: Vec<Field>,
) -> Result<Vec<Option<i64>>, Error> {
    if fields.iter().all(|f| f.op == FieldOp::Get) {
        return db
            .read(index, &key, move |entry| {
                read_bits(entry, |b| {
                    let bytes = b.unwrap_or_default();
                    fields.iter().map(|f| Some(read_field(bytes, f))).collect()
                })
            })
            .await;
    }
    db.update(index, &key, move |slot| bitfield_step(slot, &fields))
        .await
}

async fn run_bitfield<D: Store>(
    cx: &mut Ctx<'_, D>,
    mut args: Args,
    read_only: bool,
) -> Result<(), Error> {
    let key = args.required()?;
    let fields = parse_fields(&args.rest())?;
    let writes = fields.iter().any(|f| f.op != FieldOp::Get);
    if read_only && writes {
        return Err(Error::Fixed(
            "ERR BITFIELD_RO only supports the GET subcommand",
        ));
    }
    // With events on: which answers are writes' (one that overflowed under
    // `OVERFLOW FAIL` answers nil and changes nothing).
    let kept = (writes && cx.notifies(notify::STRING)).then(|| {
        let is_write: Vec<bool> = fields.iter().map(|f| f.op != FieldOp::Get).collect();
        (key.clone(), is_write)
    });
    let key = if writes { stored(key) } else { key };
    let answers = bitfield(cx.db, cx.selected, key, fields).await?;
    if let Some((key, is_write)) = kept
        && answers
            .iter()
            .zip(&is_write)
            .any(|(answer, write)| *write && answer.is_some())
    {
        cx.notify(notify::STRING, "setbit", &key);
    }
    cx.reply.array(answers.len());
    for answer in answers {
        match answer {
            Some(n) => cx.reply.int(n),
            None => cx.reply.null(),
        }
    }
    Ok(())
}

/// `BITFIELD key [GET type offset | [OVERFLOW WRAP|SAT|FAIL] SET type offset value | INCRBY type offset increment ...]`
pub struct BitField;

impl Command for BitField {
    const SPEC: Spec = Spec {
        name: "bitfield",
        arity: -2,
        flags: &["write", "denyoom"],
        keys: (1, 1, 1),
        acl: &["@write", "@bitmap", "@slow"],
        summary: "Reads, writes and increments integer fields of any width in the string stored at a key.",
        since: "3.2.0",
        group: "bitmap",
        complexity: "O(1) for each subcommand specified",
        args: &[
            arg!("key", Key),
            arg!("operation", OneOf, optional: true, multiple: true, args: &[
                arg!("encoding_offset", Block, token: Some("GET"), args: &[
                    arg!("encoding", String),
                    arg!("offset", Integer),
                ]),
                arg!("write", Block, args: &[
                    arg!("wrap_sat_fail", OneOf, token: Some("OVERFLOW"), optional: true, args: &[
                        token!("wrap", "WRAP"),
                        token!("sat", "SAT"),
                        token!("fail", "FAIL"),
                    ]),
                    arg!("write_operation", OneOf, args: &[
                        arg!("encoding_offset_value", Block, token: Some("SET"), args: &[
                            arg!("encoding", String),
                            arg!("offset", Integer),
                            arg!("value", Integer),
                        ]),
                        arg!("encoding_offset_increment", Block, token: Some("INCRBY"), args: &[
                            arg!("encoding", String),
                            arg!("offset", Integer),
                            arg!("increment", Integer),
                        ]),
                    ]),
                ]),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_bitfield(cx, args, false).await
    }
}

/// `BITFIELD_RO key [GET type offset ...]`
pub struct BitFieldRo;

impl Command for BitFieldRo {
    const SPEC: Spec = Spec {
        name: "bitfield_ro",
        arity: -2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@bitmap", "@fast"],
        summary: "Reads integer fields of any width in the string stored at a key.",
        since: "6.0.0",
        group: "bitmap",
        complexity: "O(1) for each subcommand specified",
        args: &[
            arg!("key", Key),
            arg!("encoding_offset", Block, token: Some("GET"), optional: true, multiple: true, args: &[
                arg!("encoding", String),
                arg!("offset", Integer),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_bitfield(cx, args, true).await
    }
}
