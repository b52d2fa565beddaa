//! `INCRBYFLOAT`'s arithmetic, as redis-server does it: in C's `long
//! double`, which on x86-64 is the x87 80-bit extended format (a 64-bit
//! significand, a 15-bit exponent).
//!
//! Redis parses both operands with `strtold`, adds them in `long double`
//! and prints the sum with `%.17Lf`, trailing zeros trimmed. An `f64`
//! gives other digits (`10.5 + 0.1` would print `10.59999999999999964`,
//! where Redis prints `10.6`), so this module does the same three steps in
//! software, each rounded exactly as glibc and the x87 unit round: to
//! nearest, ties to even.

use std::cmp::Ordering;

/// The longest text Redis parses as a float (`MAX_LONG_DOUBLE_CHARS`).
const MAX_CHARS: usize = 5 * 1024;

/// The exponent of the last bit of the smallest subnormal (2^-16445).
const MIN_EXP: i64 = -16445;

/// The largest exponent of the last bit of a finite value: the largest
/// value is (2^64 - 1) * 2^16320.
const MAX_EXP: i64 = 16320;

/// A `long double` that Redis can meet: finite, or infinite (`inf` parses;
/// NaN does not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LongDouble {
    /// `mant * 2^exp`, negated if `negative`. `mant` has its top bit set
    /// unless the value is subnormal (`exp` is then [`MIN_EXP`]) or zero
    /// (`mant` is 0).
    Finite {
        /// The sign.
        negative: bool,
        /// The significand.
        mant: u64,
        /// The power of two of its last bit.
        exp: i64,
    },
    /// Either infinity.
    Infinite,
}

impl LongDouble {
    /// Zero.
    pub(crate) const ZERO: LongDouble = LongDouble::Finite {
        negative: false,
        mant: 0,
        exp: 0,
    };

    /// An integer, exactly (every `i64` fits in 64 bits of significand).
    pub(crate) fn from_i64(n: i64) -> LongDouble {
        let mant = n.unsigned_abs();
        if mant == 0 {
            return LongDouble::ZERO;
        }
        let shift = mant.leading_zeros();
        LongDouble::Finite {
            negative: n < 0,
            mant: mant << shift,
            exp: -i64::from(shift),
        }
    }

    /// The text as Redis's `string2ld` reads it: `strtold` must consume it
    /// all (a NUL stops it short), no leading space, at most 5119 bytes, and
    /// neither NaN nor a value out of range (overflow, or a non-zero
    /// number that rounds to zero). `None` is `value is not a valid float`.
    pub(crate) fn parse(text: &[u8]) -> Option<LongDouble> {
        if text.is_empty() || text.len() >= MAX_CHARS {
            return None;
        }
        if let Some(b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') = text.first() {
            return None;
        }
        let (negative, body) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            Some((b'+', rest)) => (false, rest),
            _ => (false, text),
        };
        let lower = |s: &[u8]| s.to_ascii_lowercase();
        if body.len() >= 3 && lower(&body[..3]) == b"inf" {
            return match lower(&body[3..]).as_slice() {
                b"" | b"inity" => Some(LongDouble::Infinite),
                _ => None,
            };
        }
        let value = match body {
            [b'0', b'x' | b'X', hex @ ..] => parse_hex(negative, hex)?,
            _ => parse_decimal(negative, body)?,
        };
        Some(value)
    }

    /// The sum, rounded once; `None` if it is infinite or NaN (`increment
    /// would produce NaN or Infinity`).
    pub(crate) fn checked_add(self, other: LongDouble) -> Option<LongDouble> {
        let (
            LongDouble::Finite {
                negative: na,
                mant: ma,
                exp: ea,
            },
            LongDouble::Finite {
                negative: nb,
                mant: mb,
                exp: eb,
            },
        ) = (self, other)
        else {
            return None;
        };
        if ma == 0 {
            return Some(other);
        }
        if mb == 0 {
            return Some(self);
        }
        // `hi` has the larger exponent.
        let ((n_hi, m_hi, e_hi), (n_lo, m_lo, e_lo)) = if ea >= eb {
            ((na, ma, ea), (nb, mb, eb))
        } else {
            ((nb, mb, eb), (na, ma, ea))
        };
        let diff = e_hi - e_lo;
        let (x, y, exp) = if diff < 64 {
            // Both fit exactly in 128 bits at the smaller exponent.
            (u128::from(m_hi) << diff, u128::from(m_lo), e_lo)
        } else {
            // `hi` is normal and far larger: keep 63 bits below it, and
            // fold what `lo` loses under them into its last bit (a sticky
            // bit), which rounds the same as the exact value.
            let shift = diff - 63;
            let lo = u128::from(m_lo);
            let y = if shift >= 64 {
                1
            } else {
                (lo >> shift) | u128::from(lo & ((1 << shift) - 1) != 0)
            };
            (u128::from(m_hi) << 63, y, e_hi - 63)
        };
        if n_hi == n_lo {
            return round(n_hi, x + y, exp, false);
        }
        match x.cmp(&y) {
            Ordering::Equal => Some(LongDouble::ZERO),
            Ordering::Greater => round(n_hi, x - y, exp, false),
            Ordering::Less => round(n_lo, y - x, exp, false),
        }
    }

    /// The text Redis stores and replies: `%.17Lf` (exact, rounded to
    /// nearest, ties to even), trailing zeros and a trailing point
    /// removed, `-0` written `0`. Infinity has no such text; it is never
    /// stored.
    pub(crate) fn to_text(self) -> Vec<u8> {
        let LongDouble::Finite {
            negative,
            mant,
            exp,
        } = self
        else {
            return b"inf".to_vec();
        };
        const SCALE: u128 = 100_000_000_000_000_000; // 10^17
        let (int_digits, frac) = if exp >= 0 {
            let mut n = Big::from_u64(mant);
            n.shl(exp.unsigned_abs());
            (n.into_decimal(), 0)
        } else {
            let shift = exp.unsigned_abs();
            let m = u128::from(mant);
            let (int, frac_bits) = if shift >= 64 {
                (0, m)
            } else {
                (m >> shift, m & ((1 << shift) - 1))
            };
            // The fraction is frac_bits / 2^shift; its 17 digits are
            // frac_bits * 10^17 / 2^shift, rounded (< 2^121: no overflow).
            let scaled = frac_bits * SCALE;
            let mut digits = if shift >= 128 {
                0
            } else {
                let q = scaled >> shift;
                let rem = scaled & ((1 << shift) - 1);
                let half = 1u128 << (shift - 1);
                q + u128::from(rem > half || (rem == half && q & 1 == 1))
            };
            let mut int = int;
            if digits == SCALE {
                digits = 0;
                int += 1;
            }
            (itoa::Buffer::new().format(int).as_bytes().to_vec(), digits)
        };
        let mut text = Vec::with_capacity(int_digits.len() + 19);
        if negative {
            text.push(b'-');
        }
        text.extend_from_slice(&int_digits);
        text.push(b'.');
        let frac = format!("{frac:017}");
        text.extend_from_slice(frac.as_bytes());
        while text.last() == Some(&b'0') {
            text.pop();
        }
        if text.last() == Some(&b'.') {
            text.pop();
        }
        if text == b"-0" {
            text.remove(0);
        }
        text
    }
}

/// `q * 2^exp` (plus less than one unit of its last bit if `sticky`) as a
/// `long double`, rounded to nearest, ties to even, subnormal when it must
/// be; `None` on overflow. `q` has more than 64 bits whenever `sticky` is
/// set, so that the rounding bit is known.
fn round(negative: bool, q: u128, exp: i64, sticky: bool) -> Option<LongDouble> {
    if q == 0 {
        return Some(LongDouble::ZERO);
    }
    let len = i64::from(128 - q.leading_zeros());
    let shift = (len - 64).max(MIN_EXP - exp);
    let (mant, exp) = if shift <= 0 {
        (q << shift.unsigned_abs(), exp + shift)
    } else if shift > 128 {
        // Every bit is below half of the smallest subnormal.
        (0, MIN_EXP)
    } else {
        let (kept, rem) = if shift == 128 {
            (0, q)
        } else {
            (q >> shift, q & ((1 << shift) - 1))
        };
        let half = 1u128 << (shift - 1);
        let up = rem > half || (rem == half && (sticky || kept & 1 == 1));
        let kept = kept + u128::from(up);
        if kept >> 64 != 0 {
            (kept >> 1, exp + shift + 1)
        } else {
            (kept, exp + shift)
        }
    };
    let mant = u64::try_from(mant).ok()?;
    if mant == 0 {
        return Some(LongDouble::Finite {
            negative,
            mant: 0,
            exp: 0,
        });
    }
    if exp > MAX_EXP {
        return None;
    }
    Some(LongDouble::Finite {
        negative,
        mant,
        exp,
    })
}

/// A parsed value as `strtold` gives it, `None` where Redis refuses it:
/// overflow, or a non-zero value that rounds to zero (`ERANGE`).
fn in_range(value: Option<LongDouble>, nonzero: bool) -> Option<LongDouble> {
    match value? {
        LongDouble::Finite { mant: 0, .. } if nonzero => None,
        value => Some(value),
    }
}

/// The decimal exponent after the `e` of a number, saturated far beyond
/// the range of a `long double`; `None` if it has no digits or junk.
fn parse_exponent(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits.iter().fold(0i64, |n, d| {
        (n * 10 + i64::from(d - b'0')).min(1_000_000_000)
    });
    Some(if negative { -n } else { n })
}

/// `[digits][.digits][e[sign]digits]`, at least one digit.
fn parse_decimal(negative: bool, body: &[u8]) -> Option<LongDouble> {
    let mantissa_end = body
        .iter()
        .position(|&b| b == b'e' || b == b'E')
        .unwrap_or(body.len());
    let (mantissa, exponent) = body.split_at(mantissa_end);
    let mut exp10 = match exponent {
        [] => 0,
        [_, rest @ ..] => parse_exponent(rest)?,
    };
    let (int, frac) = match mantissa.iter().position(|&b| b == b'.') {
        Some(dot) => (&mantissa[..dot], &mantissa[dot + 1..]),
        None => (mantissa, &[][..]),
    };
    if int.len() + frac.len() == 0 || !int.iter().chain(frac).all(u8::is_ascii_digit) {
        return None;
    }
    exp10 -= i64::try_from(frac.len()).ok()?;
    let all: Vec<u8> = int.iter().chain(frac).copied().collect();
    let first = all.iter().position(|&d| d != b'0');
    let Some(first) = first else {
        return Some(LongDouble::Finite {
            negative,
            mant: 0,
            exp: 0,
        });
    };
    let last = all.iter().rposition(|&d| d != b'0').unwrap_or(first);
    let digits = &all[first..=last];
    exp10 += i64::try_from(all.len() - 1 - last).ok()?;
    let count = i64::try_from(digits.len()).ok()?;
    // The value is in [10^(count-1+exp10), 10^(count+exp10)). The largest
    // long double is about 1.19e4932, half the smallest subnormal about
    // 1.82e-4951.
    if count - 1 + exp10 >= 4933 {
        return None;
    }
    if count + exp10 < -4952 {
        return None;
    }
    let d = Big::from_decimal(digits);
    let value = if exp10 >= 0 {
        let mut n = d;
        n.mul_pow10(exp10.unsigned_abs());
        let (q, shift, sticky) = n.top128();
        round(negative, q, i64::from(shift), sticky)
    } else {
        let mut p = Big::from_u64(1);
        p.mul_pow10(exp10.unsigned_abs());
        // q = d * 2^s / p has 66 or 67 bits.
        let s = i64::from(p.bit_len()) - i64::from(d.bit_len()) + 66;
        let mut num = d;
        if s >= 0 {
            num.shl(s.unsigned_abs());
        } else {
            p.shl(s.unsigned_abs());
        }
        let (q, sticky) = num.div_small_quotient(&p, 68);
        round(negative, q, -s, sticky)
    };
    in_range(value, true)
}

/// The part after `0x`: `[hex][.hex][p[sign]digits]`, at least one hex
/// digit.
fn parse_hex(negative: bool, body: &[u8]) -> Option<LongDouble> {
    let mantissa_end = body
        .iter()
        .position(|&b| b == b'p' || b == b'P')
        .unwrap_or(body.len());
    let (mantissa, exponent) = body.split_at(mantissa_end);
    let mut exp2 = match exponent {
        [] => 0,
        [_, rest @ ..] => parse_exponent(rest)?,
    };
    let (int, frac) = match mantissa.iter().position(|&b| b == b'.') {
        Some(dot) => (&mantissa[..dot], &mantissa[dot + 1..]),
        None => (mantissa, &[][..]),
    };
    if int.len() + frac.len() == 0 || !int.iter().chain(frac).all(u8::is_ascii_hexdigit) {
        return None;
    }
    exp2 -= 4 * i64::try_from(frac.len()).ok()?;
    let mut n = Big::default();
    for &d in int.iter().chain(frac) {
        let v = char::from(d).to_digit(16).unwrap_or(0);
        n.mul_small(16);
        n.add_small(v);
    }
    if n.is_zero() {
        return Some(LongDouble::Finite {
            negative,
            mant: 0,
            exp: 0,
        });
    }
    let bits = i64::from(n.bit_len());
    if bits - 1 + exp2 >= 16384 {
        return None;
    }
    if bits + exp2 < MIN_EXP - 1 {
        return None;
    }
    let (q, shift, sticky) = n.top128();
    in_range(round(negative, q, exp2 + i64::from(shift), sticky), true)
}

/// A non-negative integer of any size: base 2^32 limbs, least significant
/// first, no zero limb at the top.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(n: u64) -> Big {
        let mut big = Big(vec![n as u32, (n >> 32) as u32]);
        big.trim();
        big
    }

    fn from_decimal(digits: &[u8]) -> Big {
        let mut n = Big::default();
        for chunk in digits.chunks(9) {
            let value = chunk.iter().fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
            n.mul_small(10u32.pow(chunk.len() as u32));
            n.add_small(value);
        }
        n
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn bit_len(&self) -> u32 {
        match self.0.last() {
            None => 0,
            Some(top) => (self.0.len() as u32 - 1) * 32 + (32 - top.leading_zeros()),
        }
    }

    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }

    fn add_small(&mut self, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.0 {
            if carry == 0 {
                break;
            }
            let v = u64::from(*limb) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut n: u64) {
        while n >= 9 {
            self.mul_small(1_000_000_000);
            n -= 9;
        }
        self.mul_small(10u32.pow(n as u32));
    }

    fn shl(&mut self, bits: u64) {
        if self.is_zero() {
            return;
        }
        let limbs = (bits / 32) as usize;
        let bits = (bits % 32) as u32;
        if bits != 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let v = (*limb << bits) | carry;
                carry = *limb >> (32 - bits);
                *limb = v;
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    /// The number shifted right by `shift` so that at most 128 bits are
    /// left, `shift`, and whether a bit shifted out was set.
    fn top128(&self) -> (u128, u32, bool) {
        let shift = self.bit_len().saturating_sub(128);
        let (limbs, bits) = ((shift / 32) as usize, shift % 32);
        let sticky = self.0[..limbs].iter().any(|&l| l != 0)
            || self
                .0
                .get(limbs)
                .is_some_and(|&l| bits != 0 && l & ((1 << bits) - 1) != 0);
        let mut q = 0u128;
        for (i, &limb) in self.0.iter().enumerate().skip(limbs) {
            let at = (i - limbs) as u32 * 32;
            let v = u128::from(limb);
            if at >= bits {
                let pos = at - bits;
                if pos < 128 {
                    q |= v << pos;
                }
            } else {
                q |= v >> (bits - at);
            }
        }
        (q, shift, sticky)
    }

    fn compare(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    /// `self -= other`, which is not larger.
    fn sub_assign(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = i64::from(*limb) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            *limb = v.rem_euclid(1 << 32) as u32;
        }
        self.trim();
    }

    /// `self >>= 1`.
    fn shr1(&mut self) {
        let mut carry = 0u32;
        for limb in self.0.iter_mut().rev() {
            let next = *limb & 1;
            *limb = (*limb >> 1) | (carry << 31);
            carry = next;
        }
        self.trim();
    }

    /// The quotient of `self / d`, known to be below `2^bits` (at most
    /// 128), and whether the remainder is non-zero. Binary long division:
    /// the quotient is short, however long the operands.
    fn div_small_quotient(mut self, d: &Big, bits: u32) -> (u128, bool) {
        let mut shifted = d.clone();
        shifted.shl(u64::from(bits - 1));
        let mut q = 0u128;
        for i in (0..bits).rev() {
            if shifted.compare(&self) != Ordering::Greater {
                self.sub_assign(&shifted);
                q |= 1 << i;
            }
            shifted.shr1();
        }
        (q, !self.is_zero())
    }

    /// The decimal digits.
    fn into_decimal(mut self) -> Vec<u8> {
        let mut chunks = Vec::new();
        while !self.is_zero() {
            let mut rem = 0u64;
            for limb in self.0.iter_mut().rev() {
                let v = (rem << 32) | u64::from(*limb);
                *limb = (v / 1_000_000_000) as u32;
                rem = v % 1_000_000_000;
            }
            self.trim();
            chunks.push(rem as u32);
        }
        let mut text = String::new();
        for (i, chunk) in chunks.iter().rev().enumerate() {
            if i == 0 {
                text.push_str(itoa::Buffer::new().format(*chunk));
            } else {
                text.push_str(&format!("{chunk:09}"));
            }
        }
        if text.is_empty() {
            text.push('0');
        }
        text.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incr(current: &str, by: &str) -> Option<String> {
        let a = LongDouble::parse(current.as_bytes())?;
        let b = LongDouble::parse(by.as_bytes())?;
        Some(String::from_utf8_lossy(&a.checked_add(b)?.to_text()).into_owned())
    }

    /// Sums print as redis-server 7.0 on x86-64 prints them (outputs taken from it).
    #[test]
    fn sums_match_redis() {
        assert_eq!(incr("0", "0.1").as_deref(), Some("0.1"));
        assert_eq!(incr("0.1", "0.1").as_deref(), Some("0.2"));
        assert_eq!(incr("0.2", "0.1").as_deref(), Some("0.3"));
        assert_eq!(incr("10.5", "0.1").as_deref(), Some("10.6"));
        assert_eq!(
            incr("10.6", "5.0e3").as_deref(),
            Some("5010.60000000000000009")
        );
        assert_eq!(incr("1", "1e-30").as_deref(), Some("1"));
        assert_eq!(
            incr("1", "1e300").as_deref(),
            Some(
                "1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144"
            )
        );
    }

    /// The parser refuses what Redis's `string2ld` refuses and takes what it takes.
    #[test]
    fn parses_like_string2ld() {
        for bad in [
            "", " 1", "1 ", "abc", "1e", "0x", "nan", "-nan", "infin", "1e5000", "1e-5000", "--1",
            ".", "e5", "0x1p",
        ] {
            assert_eq!(LongDouble::parse(bad.as_bytes()), None, "{bad:?}");
        }
        for good in [
            "1",
            "+1",
            "-1.5",
            ".5",
            "5.",
            "1e3",
            "1E-3",
            "0x1p3",
            "inf",
            "-Infinity",
        ] {
            assert!(LongDouble::parse(good.as_bytes()).is_some(), "{good:?}");
        }
        assert_eq!(
            LongDouble::parse(b"inf").and_then(|v| v.checked_add(LongDouble::ZERO)),
            None
        );
    }
}
