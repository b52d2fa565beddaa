//! C's `printf("%.*g")` for doubles, as glibc writes it: Redis formats a
//! Lua number with `%.17g` for a command argument or a RESP double, and
//! cjson with `%.14g`.

use std::io::Write as _;

/// Appends `x` formatted as C's `%.{precision}g` (1 to 17 digits), with
/// glibc's `inf`, `-inf`, `nan` and `-nan` (the sign of a NaN is kept: on
/// x86 `0/0` gives a negative one, which glibc prints as `-nan`).
pub(crate) fn push_g(out: &mut Vec<u8>, x: f64, precision: usize) {
    let precision = precision.clamp(1, 17);
    if x.is_nan() {
        out.extend_from_slice(if x.is_sign_negative() {
            b"-nan"
        } else {
            b"nan"
        });
        return;
    }
    if x.is_infinite() {
        out.extend_from_slice(if x < 0.0 { b"-inf" } else { b"inf" });
        return;
    }
    // Rust's `{:.*e}` rounds correctly to `precision` significant digits,
    // as glibc does; only the layout differs.
    let mut sci = Vec::with_capacity(32);
    // Writing to a Vec cannot fail.
    let _ = write!(sci, "{:.*e}", precision - 1, x);
    let e_at = sci.iter().position(|&b| b == b'e').unwrap_or(sci.len());
    let exp: i32 = std::str::from_utf8(sci.get(e_at + 1..).unwrap_or_default())
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    let mantissa = &sci[..e_at];
    let (negative, mantissa) = match mantissa.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, mantissa),
    };
    let digits: Vec<u8> = mantissa
        .iter()
        .copied()
        .filter(u8::is_ascii_digit)
        .collect();
    if negative {
        out.push(b'-');
    }
    let p = precision as i32;
    if exp < -4 || exp >= p {
        // d.ddde±XX, trailing zeros (and a bare point) dropped.
        let (first, rest) = digits.split_first().unwrap_or((&b'0', &[]));
        out.push(*first);
        let rest = trim_zeros(rest);
        if !rest.is_empty() {
            out.push(b'.');
            out.extend_from_slice(rest);
        }
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push(b'0');
        }
        let _ = write!(out, "{abs}");
    } else if exp >= 0 {
        // The integer part is the first exp + 1 digits.
        let int_len = (exp as usize + 1).min(digits.len());
        out.extend_from_slice(&digits[..int_len]);
        let frac = trim_zeros(&digits[int_len..]);
        if !frac.is_empty() {
            out.push(b'.');
            out.extend_from_slice(frac);
        }
    } else {
        // 0.000ddd
        out.extend_from_slice(b"0.");
        for _ in 0..(-exp - 1) {
            out.push(b'0');
        }
        out.extend_from_slice(trim_zeros(&digits));
    }
}

/// `x` formatted as `%.{precision}g`, as a new vector.
pub(crate) fn g(x: f64, precision: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(24);
    push_g(&mut out, x, precision);
    out
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let end = digits.iter().rposition(|&b| b != b'0').map_or(0, |i| i + 1);
    &digits[..end]
}

/// A Lua number cast to a C `long long` as Redis's `(long long)` cast does
/// on x86-64: truncated toward zero, and `i64::MIN` for NaN and for what
/// does not fit (Rust's `as` would saturate instead).
pub(crate) fn lua_number_to_i64(n: f64) -> i64 {
    if n.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&n) {
        i64::MIN
    } else {
        n as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: f64, p: usize) -> String {
        String::from_utf8(g(x, p)).unwrap_or_default()
    }

    /// `%.17g` and `%.14g` lay digits out as glibc's printf does.
    #[test]
    fn g_matches_printf() {
        assert_eq!(s(0.1, 17), "0.10000000000000001");
        assert_eq!(s(1e300, 17), "1.0000000000000001e+300");
        assert_eq!(s(2.0, 17), "2");
        assert_eq!(s(1.5, 17), "1.5");
        assert_eq!(s(-0.0, 17), "-0");
        assert_eq!(s(1e20, 17), "1e+20");
        assert_eq!(s(123456789012345678.0, 17), "1.2345678901234568e+17");
        assert_eq!(s(0.0001, 17), "0.0001");
        assert_eq!(s(0.00001, 17), "1.0000000000000001e-05");
        assert_eq!(s(1e15, 14), "1e+15");
        assert_eq!(s(2f64.powi(53), 14), "9.007199254741e+15");
        assert_eq!(s(std::f64::consts::PI, 14), "3.1415926535898");
        assert_eq!(s(100.0, 14), "100");
        assert_eq!(s(f64::INFINITY, 17), "inf");
        assert_eq!(s(f64::NEG_INFINITY, 14), "-inf");
        assert_eq!(s(-f64::NAN, 17), "-nan");
    }

    /// Out-of-range numbers and NaN become `i64::MIN`, as the C cast does on x86-64.
    #[test]
    fn cast_like_x86() {
        assert_eq!(lua_number_to_i64(3.99), 3);
        assert_eq!(lua_number_to_i64(-3.99), -3);
        assert_eq!(lua_number_to_i64(1e300), i64::MIN);
        assert_eq!(lua_number_to_i64(f64::NAN), i64::MIN);
        assert_eq!(lua_number_to_i64(-9_223_372_036_854_775_808.0), i64::MIN);
    }
}
