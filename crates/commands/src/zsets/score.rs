//! Scores as Redis 7.0 reads and writes them.
//!
//! Redis reads a score (`ZADD`, `ZINCRBY`, `WEIGHTS`) with `string2d` and
//! a range bound (`ZRANGEBYSCORE`'s `min`, `(1.5`) with a bare `strtod`;
//! both are glibc's `strtod` underneath, which this module follows: C's
//! white space, an optional sign, `inf`/`infinity`/`nan` in any case,
//! decimal with an optional exponent, and hexadecimal (`0x1p3`), each
//! correctly rounded. The two callers differ in what else they accept (see
//! [`parse_score`] and [`parse_bound`]).
//!
//! Redis 7.0 writes a double as `%.17g` (17 significant digits, so `0.1`
//! is `0.10000000000000001`), the infinities as `inf` and `-inf`: that is
//! `sharedkv_resp`'s `DoubleText`, which [`Reply::double`] writes; the
//! tests here pin it to what redis-server printed.
//!
//! [`Reply::double`]: crate::Reply::double

use std::fmt::Write as _;

use crate::c_str;

/// Whether `b` is white space to C's `isspace` in the C locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Whether `text` begins with `word`, ignoring ASCII case.
fn starts_with_ignore_case(text: &[u8], word: &[u8]) -> bool {
    text.get(..word.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(word))
}

/// What `strtod` reads at the start of a text.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Strtod {
    value: f64,
    /// How many bytes it took; 0 when it found no number.
    len: usize,
    /// `ERANGE` with an infinite or zero result: a finite number too large
    /// for a double, or a non-zero one too small for one.
    out_of_range: bool,
}

/// glibc's `strtod` over `text`, which ends where the slice does.
fn strtod(text: &[u8]) -> Strtod {
    const NONE: Strtod = Strtod {
        value: 0.0,
        len: 0,
        out_of_range: false,
    };
    let mut i = text.iter().take_while(|&&b| is_space(b)).count();
    let negative = match text.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let sign = |v: f64| if negative { -v } else { v };
    let rest = &text[i..];
    if starts_with_ignore_case(rest, b"inf") {
        let n = if starts_with_ignore_case(rest, b"infinity") {
            8
        } else {
            3
        };
        return Strtod {
            value: sign(f64::INFINITY),
            len: i + n,
            out_of_range: false,
        };
    }
    if starts_with_ignore_case(rest, b"nan") {
        // `nan(chars)` takes the parenthesis only if it is well formed.
        let mut n = 3;
        if rest.get(3) == Some(&b'(') {
            let inner = rest[4..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            if rest.get(4 + inner) == Some(&b')') {
                n = 4 + inner + 1;
            }
        }
        return Strtod {
            value: f64::NAN,
            len: i + n,
            out_of_range: false,
        };
    }
    if let [b'0', b'x' | b'X', hex @ ..] = rest
        && let Some((magnitude, len, out_of_range)) = parse_hex(hex)
    {
        return Strtod {
            value: sign(magnitude),
            len: i + 2 + len,
            out_of_range,
        };
    }
    match parse_decimal(rest) {
        Some((magnitude, len, out_of_range)) => Strtod {
            value: sign(magnitude),
            len: i + len,
            out_of_range,
        },
        None => NONE,
    }
}

/// The decimal number at the start of `text` (no sign): its magnitude,
/// length and whether it was out of range; `None` without a digit.
fn parse_decimal(text: &[u8]) -> Option<(f64, usize, bool)> {
    let digits = |from: usize| {
        text[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let int_len = digits(0);
    let mut end = int_len;
    let mut frac = &text[0..0];
    if text.get(end) == Some(&b'.') {
        let n = digits(end + 1);
        frac = &text[end + 1..end + 1 + n];
        end += 1 + n;
    }
    if int_len + frac.len() == 0 {
        return None;
    }
    // An exponent counts only with at least one digit after its sign.
    let mut exponent: i64 = 0;
    if let Some(b'e' | b'E') = text.get(end) {
        let mut j = end + 1;
        let negative = match text.get(j) {
            Some(b'-') => {
                j += 1;
                true
            }
            Some(b'+') => {
                j += 1;
                false
            }
            _ => false,
        };
        let n = digits(j);
        if n > 0 {
            // Saturated far past any double's range.
            let e = text[j..j + n].iter().fold(0i64, |e, d| {
                (e * 10 + i64::from(d - b'0')).min(1_000_000_000)
            });
            exponent = if negative { -e } else { e };
            end = j + n;
        }
    }
    // Rust's parser rounds correctly, as glibc does; it is handed the
    // digits and a plain exponent, so C's and Rust's grammars need not
    // agree on forms like `1.e5`.
    let all: Vec<u8> = text[..int_len].iter().chain(frac).copied().collect();
    let first = all.iter().position(|&d| d != b'0');
    let Some(first) = first else {
        return Some((0.0, end, false));
    };
    let significant = &all[first..];
    let frac_len = i64::try_from(frac.len()).unwrap_or(i64::MAX);
    let mut normal = String::with_capacity(significant.len() + 24);
    normal.extend(significant.iter().map(|&d| char::from(d)));
    let _ = write!(normal, "e{}", exponent - frac_len);
    let magnitude: f64 = normal.parse().unwrap_or(0.0);
    let out_of_range = magnitude.is_infinite() || magnitude == 0.0;
    Some((magnitude, end, out_of_range))
}

/// The hexadecimal number after a `0x` (`[hex][.hex][p[sign]digits]`, a
/// digit at least): its magnitude, length from after the `0x` and whether
/// it was out of range; `None` without a digit (`strtod` then reads the
/// `0` alone).
fn parse_hex(text: &[u8]) -> Option<(f64, usize, bool)> {
    let hex = |from: usize| {
        text[from.min(text.len())..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count()
    };
    let int_len = hex(0);
    let mut frac: &[u8] = &[];
    let mut end = int_len;
    if text.get(int_len) == Some(&b'.') {
        let n = hex(int_len + 1);
        frac = &text[int_len + 1..int_len + 1 + n];
        if int_len + n > 0 {
            end = int_len + 1 + n;
        }
    }
    if int_len + frac.len() == 0 {
        return None;
    }
    // Up to 60 bits of significand, then only whether anything non-zero
    // was cut (a sticky bit).
    let (mut mant, mut exp, mut sticky) = (0u64, 0i64, false);
    let value = |b: u8| u64::from(char::from(b).to_digit(16).unwrap_or(0));
    for &d in &text[..int_len] {
        if mant >> 60 == 0 {
            mant = mant * 16 + value(d);
        } else {
            sticky |= d != b'0';
            exp += 4;
        }
    }
    for &d in frac {
        if mant >> 60 == 0 {
            mant = mant * 16 + value(d);
            exp -= 4;
        } else {
            sticky |= d != b'0';
        }
    }
    if let Some(b'p' | b'P') = text.get(end) {
        let mut j = end + 1;
        let negative = match text.get(j) {
            Some(b'-') => {
                j += 1;
                true
            }
            Some(b'+') => {
                j += 1;
                false
            }
            _ => false,
        };
        let n = text[j.min(text.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if n > 0 {
            let e = text[j..j + n].iter().fold(0i64, |e, d| {
                (e * 10 + i64::from(d - b'0')).min(1_000_000_000)
            });
            exp += if negative { -e } else { e };
            end = j + n;
        }
    }
    if mant == 0 {
        return Some((0.0, end, false));
    }
    let value = compose(mant, exp, sticky);
    Some((value, end, value.is_infinite() || value == 0.0))
}

/// `mant * 2^exp` (plus less than one unit of its last bit if `sticky`),
/// rounded to a double: to nearest, ties to even, subnormal when it must
/// be. `mant` is not 0.
fn compose(mant: u64, exp: i64, sticky: bool) -> f64 {
    let lz = i64::from(mant.leading_zeros());
    let (mant, exp) = (mant << lz, exp - lz);
    // The value is in [2^top, 2^(top+1)).
    let top = exp + 63;
    if top > 1023 {
        return f64::INFINITY;
    }
    // Significant bits a double keeps at this size: 53, fewer when
    // subnormal.
    let keep = if top >= -1022 { 53 } else { 53 - (-1022 - top) };
    if keep <= 0 {
        // Below the smallest subnormal: it rounds up to it only from above
        // half of it.
        let above_half = keep == 0 && (mant << 1 != 0 || sticky);
        return if above_half { f64::from_bits(1) } else { 0.0 };
    }
    let shift = 64 - keep;
    let kept = mant >> shift;
    let rest = mant & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    let up = rest > half || (rest == half && (sticky || kept & 1 == 1));
    let mut kept = kept + u64::from(up);
    let mut lsb = exp + shift;
    if kept >> keep != 0 {
        kept >>= 1;
        lsb += 1;
    }
    // `kept` has at most 53 bits and the result is representable, so
    // every step below is exact.
    let mut value = kept as f64;
    while lsb > 0 {
        let step = lsb.min(1000);
        value *= power_of_two(step);
        lsb -= step;
    }
    while lsb < 0 {
        let step = lsb.max(-1000);
        value *= power_of_two(step);
        lsb -= step;
    }
    value
}

/// 2^n for n in -1022..=1023.
fn power_of_two(n: i64) -> f64 {
    let biased = u64::try_from(n + 1023).unwrap_or(0);
    f64::from_bits(biased << 52)
}

/// A score or weight as `ZADD`, `ZINCRBY` and `WEIGHTS` take it (Redis's
/// `string2d`): the whole word, no leading space, not NaN, not out of a
/// double's range (`1e400`, and `1e-400`, which would read as 0).
/// `None` is the caller's "not a valid float" error.
pub(crate) fn parse_score(word: &[u8]) -> Option<f64> {
    if word.first().is_none_or(|&b| is_space(b)) {
        return None;
    }
    let read = strtod(word);
    (read.len == word.len() && !read.out_of_range && !read.value.is_nan()).then_some(read.value)
}

/// A score range's bound as `ZRANGEBYSCORE` and `ZCOUNT` take it (Redis's
/// `zslParseRange`): a leading `(` excludes it, then `strtod` must read
/// everything up to the first NUL, and not NaN. That is laxer than
/// [`parse_score`]: leading white space passes, an empty word is 0, and
/// `1e400` is infinite. The value and whether it is excluded.
pub(crate) fn parse_bound(word: &[u8]) -> Option<(f64, bool)> {
    let word = c_str(word, usize::MAX);
    let (text, excluded) = match word.split_first() {
        Some((b'(', rest)) => (rest, true),
        _ => (word, false),
    };
    let read = strtod(text);
    (read.len == text.len() && !read.value.is_nan()).then_some((read.value, excluded))
}

#[cfg(test)]
mod tests {
    use sharedkv_resp::DoubleText;

    use super::*;

    fn text(v: f64) -> String {
        String::from_utf8_lossy(DoubleText::new(v).as_bytes()).into_owned()
    }

    /// Scores print as redis-server 7.0 printed them (ZADD then ZSCORE).
    #[test]
    fn formats_like_redis() {
        for (v, redis) in [
            (1.0, "1"),
            (1.5, "1.5"),
            (0.1, "0.10000000000000001"),
            (1e20, "1e+20"),
            (1e-5, "1.0000000000000001e-05"),
            (3.0000000000000004, "3.0000000000000004"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (0.0, "0"),
            (-0.0, "-0"),
            (16.0, "16"),
            (1e-310, "9.9999999999999694e-311"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (4503599627370496.0, "4503599627370496"),
            (0.30000000000000004, "0.30000000000000004"),
            (2f64.powi(-25), "2.9802322387695312e-08"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (12345678901234567.0, "12345678901234568"),
            (1e-4, "0.0001"),
            (1.5e-5, "1.5e-05"),
            (-1e300, "-1.0000000000000001e+300"),
            (1e-320, "9.9998886718268301e-321"),
            (-20.0, "-20"),
            (11.0, "11"),
        ] {
            assert_eq!(text(v), redis, "{v:e}");
        }
    }

    /// ZADD's parser takes and refuses what redis-server 7.0 took and refused.
    #[test]
    fn scores_parse_like_string2d() {
        for (word, value) in [
            ("1", 1.0),
            ("+1", 1.0),
            ("-1.5", -1.5),
            (".5", 0.5),
            ("5.", 5.0),
            ("1e3", 1000.0),
            ("1E3", 1000.0),
            ("1.e2", 100.0),
            ("inf", f64::INFINITY),
            ("+inf", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("infinity", f64::INFINITY),
            ("0x10", 16.0),
            ("0x1p3", 8.0),
            ("0x.8", 0.5),
            ("-0", 0.0),
            ("1e-310", 1e-310),
            ("4503599627370497.0", 4503599627370497.0),
        ] {
            assert_eq!(parse_score(word.as_bytes()), Some(value), "{word:?}");
        }
        for bad in [
            "",
            " 1",
            "1 ",
            "abc",
            "1e",
            "1e+",
            "nan",
            "-nan",
            "NaN(1)",
            "1e400",
            "-1e400",
            "1e-400",
            "infin",
            "0x",
            "0x1p",
            "--1",
            ".",
            "e5",
            "1\0",
            "0x1p99999",
        ] {
            assert_eq!(parse_score(bad.as_bytes()), None, "{bad:?}");
        }
    }

    /// Range bounds are read as zslParseRange reads them: laxer, with `(` for exclusive.
    #[test]
    fn bounds_parse_like_zsl_parse_range() {
        for (word, bound) in [
            ("1", (1.0, false)),
            ("(1.5", (1.5, true)),
            ("", (0.0, false)),
            ("(", (0.0, true)),
            (" 1", (1.0, false)),
            ("0x1", (1.0, false)),
            ("+inf", (f64::INFINITY, false)),
            ("(-inf", (f64::NEG_INFINITY, true)),
            ("1e400", (f64::INFINITY, false)),
            ("1e-400", (0.0, false)),
            ("2\0junk", (2.0, false)),
        ] {
            assert_eq!(parse_bound(word.as_bytes()), Some(bound), "{word:?}");
        }
        for bad in ["1 ", "abc", "nan", "(nan", " ", "((1", "[1", "1e"] {
            assert_eq!(parse_bound(bad.as_bytes()), None, "{bad:?}");
        }
    }

    /// Hexadecimal significands round to nearest, ties to even, down to the subnormals.
    #[test]
    fn hex_rounds_correctly() {
        assert_eq!(parse_score(b"0x1.fffffffffffff8p0"), Some(2.0));
        assert_eq!(
            parse_score(b"0x1.fffffffffffff7p0"),
            Some(2.0 - f64::EPSILON)
        );
        assert_eq!(
            parse_score(b"0x1.00000000000008p0"),
            Some(1.0),
            "tie to even"
        );
        assert_eq!(
            parse_score(b"0x1.00000000000018p0"),
            Some(1.0 + 2.0 * f64::EPSILON)
        );
        assert_eq!(parse_score(b"0x1p-1074"), Some(f64::from_bits(1)));
        assert_eq!(parse_score(b"0x1.8p-1074"), Some(f64::from_bits(2)));
        assert_eq!(
            parse_score(b"0x1p-1075"),
            None,
            "a tie below the smallest rounds to 0"
        );
        assert_eq!(parse_score(b"0x1.1p-1075"), Some(f64::from_bits(1)));
        assert_eq!(parse_score(b"0x1.fffffffffffffp1023"), Some(f64::MAX));
        assert_eq!(parse_score(b"0x1p1024"), None);
        assert_eq!(
            parse_score(b"0x123456789abcdef0123"),
            Some(0x0123_4567_89ab_cdef_0123_u128 as f64)
        );
    }
}
