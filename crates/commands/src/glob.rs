//! Glob patterns as `KEYS` and `SCAN ... MATCH` read them: Redis's
//! `stringmatchlen` (`util.c`), case-sensitive.
//!
//! - `*` matches any run of bytes, `?` any one byte.
//! - `[abc]`, `[a-z]` (ends in either order), `[^...]` a set of bytes;
//!   `\x` inside a set is `x`.
//! - `\x` outside a set is the byte `x`; a `\` that ends the pattern is
//!   itself.
//!
//! Redis's quirks are kept, since clients see them:
//!
//! - An unterminated set (`[ab`, `[a-]`) ends the pattern: it matches one
//!   byte against what it holds so far. `[a-]` is the range `a` to `]`.
//! - Ranges compare bytes as C's signed `char`: `[a-\xff]` is the range
//!   from -1 (0xff) to 97 (`a`), which holds 0xff and 0x00 to `a`, but
//!   neither `b` nor 0x80 to 0xfe.
//! - The empty string matches only the empty pattern: `**` does not match
//!   it. (`KEYS *` and `SCAN` without `MATCH` return every key, the empty
//!   one included, because they never call the matcher for `*`: see
//!   [`matches_everything`].)
//!
//! Redis matches recursively, one level per `*`; this matcher walks the
//! pattern once with one backtracking point (the last `*`), which decides
//! the same thing without recursion, so no pattern can exhaust the stack.
//! It costs O(pattern × string) at worst, as Redis's does, and allocates
//! nothing.

/// Whether `pattern` is the one that `KEYS` and `SCAN` treat as "no
/// filter": exactly `*`.
pub(crate) fn matches_everything(pattern: &[u8]) -> bool {
    pattern == b"*"
}

/// Whether `string` matches `pattern`, exactly as Redis 7.0's
/// `stringmatchlen(pattern, string, nocase = 0)` decides.
pub fn matches(pattern: &[u8], string: &[u8]) -> bool {
    if string.is_empty() {
        // Redis's loop runs only while both are non-empty.
        return pattern.is_empty();
    }
    let (mut p, mut s) = (0, 0);
    // The token after the last `*` seen, and the string position that `*`
    // stops matching at: on a mismatch, the `*` takes one byte more.
    let mut star: Option<(usize, usize)> = None;
    while let Some(&byte) = string.get(s) {
        if pattern.get(p) == Some(&b'*') {
            while pattern.get(p) == Some(&b'*') {
                p += 1;
            }
            star = Some((p, s));
            continue;
        }
        if p < pattern.len() {
            let (hit, next) = one(pattern, p, byte);
            if hit {
                p = next;
                s += 1;
                continue;
            }
        }
        match star {
            Some((after, from)) => {
                star = Some((after, from + 1));
                p = after;
                s = from + 1;
            }
            None => return false,
        }
    }
    // The string is used up: only stars may be left.
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&b| b == b'*'))
}

/// Matches the one-byte token at `p` (not `*`) against `byte`: whether it
/// matches, and where the next token starts. Every branch follows Redis's
/// `switch` line by line; `at` reads past the end as the NUL that ends an
/// sds string, as Redis does.
fn one(pattern: &[u8], mut p: usize, byte: u8) -> (bool, usize) {
    let at = |i: usize| pattern.get(i).copied().unwrap_or(0);
    let left = |i: usize| pattern.len().saturating_sub(i);
    match at(p) {
        b'?' => (true, p + 1),
        b'[' => {
            p += 1;
            let not = at(p) == b'^';
            if not {
                p += 1;
            }
            let mut hit = false;
            loop {
                if at(p) == b'\\' && left(p) >= 2 {
                    p += 1;
                    hit |= at(p) == byte;
                } else if at(p) == b']' {
                    break;
                } else if left(p) == 0 {
                    // Unterminated: step back onto the last byte, so that
                    // the `+ 1` below ends the pattern.
                    p = p.saturating_sub(1);
                    break;
                } else if left(p) >= 3 && at(p + 1) == b'-' {
                    hit |= in_range(at(p), at(p + 2), byte);
                    p += 2;
                } else {
                    hit |= at(p) == byte;
                }
                p += 1;
            }
            (hit != not, p + 1)
        }
        b'\\' if left(p) >= 2 => (at(p + 1) == byte, p + 2),
        literal => (literal == byte, p + 1),
    }
}

/// Whether `byte` lies between `a` and `b` (in either order), compared as
/// C's signed `char` on the platforms Redis runs on.
fn in_range(a: u8, b: u8, byte: u8) -> bool {
    let signed = |x: u8| i8::from_ne_bytes([x]);
    let (a, b, c) = (signed(a), signed(b), signed(byte));
    let (low, high) = if a > b { (b, a) } else { (a, b) };
    (low..=high).contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases written by hand, each checked with redis-server 7.0 (`KEYS`,
    /// and `PUBSUB CHANNELS` for the empty string, which `KEYS *` hides).
    #[test]
    fn hand_written_cases_match_redis() {
        let cases: &[(&[u8], &[u8], bool)] = &[
            (b"", b"", true),
            (b"*", b"", false),
            (b"**", b"", false),
            (b"", b"a", false),
            (b"*", b"abc", true),
            (b"a*", b"a", true),
            (b"a*c", b"abbbc", true),
            (b"a*c", b"abbbcd", false),
            (b"*a*b", b"xaxxbxb", true),
            (b"?", b"a", true),
            (b"?", b"ab", false),
            (b"h?llo", b"hallo", true),
            (b"h[ae]llo", b"hello", true),
            (b"h[ae]llo", b"hillo", false),
            (b"h[^e]llo", b"hallo", true),
            (b"h[^e]llo", b"hello", false),
            (b"h[a-b]llo", b"hbllo", true),
            (b"h[b-a]llo", b"hallo", true),
            (b"[a-]", b"]", true),
            (b"[a-]", b"_", true),
            (b"[a-]", b"b", false),
            (b"[a-]", b"-", false),
            (b"[ab", b"a", true),
            (b"[ab", b"c", false),
            (b"[ab", b"ab", false),
            (b"[", b"a", false),
            (b"[^", b"a", true),
            (b"[]", b"]", false),
            (b"[]]", b"]", false),
            (b"[\\]]", b"]", true),
            (b"[\\", b"\\", true),
            (b"\\*", b"*", true),
            (b"\\*", b"a", false),
            (b"\\", b"\\", true),
            (b"a\\", b"a\\", true),
            (b"[a-\xff]", b"\x80", false),
            (b"[a-\xff]", b"\xff", true),
            (b"[a-\xff]", b"b", false),
            (b"[a-\xff]", b"\x00", true),
        ];
        for &(pattern, string, expected) in cases {
            assert_eq!(
                matches(pattern, string),
                expected,
                "pattern {:?} string {:?}",
                String::from_utf8_lossy(pattern),
                String::from_utf8_lossy(string),
            );
        }
        assert!(matches_everything(b"*") && !matches_everything(b"**"));
    }

    /// A pattern of many stars runs without recursion, in bounded time.
    #[test]
    fn many_stars_neither_recurse_nor_blow_up() {
        let pattern = b"a*".repeat(100_000);
        let string = b"a".repeat(100_000);
        assert!(matches(&pattern, &string));
        let mut miss = b"a*".repeat(50);
        miss.push(b'b');
        assert!(!matches(&miss, &b"a".repeat(5_000)));
    }

    /// The generated comparison: every pattern of
    /// `testdata/glob-redis-7.0.txt` against every string there, as
    /// redis-server 7.0's `KEYS` answered (`scripts/glob-cases` wrote it).
    #[test]
    fn generated_cases_match_redis() {
        check_file(include_str!("../testdata/glob-redis-7.0.txt"));
    }

    /// The same comparison on a larger file written by
    /// `scripts/glob-cases --out FILE` (not kept in the repository):
    /// `GLOB_CASES=FILE cargo test -p sharedkv-commands -- --ignored glob`.
    #[test]
    #[ignore = "needs GLOB_CASES, a file that scripts/glob-cases wrote"]
    fn cases_from_file_match_redis() {
        let path = std::env::var("GLOB_CASES").expect("GLOB_CASES names a file");
        check_file(&std::fs::read_to_string(path).expect("GLOB_CASES is readable"));
    }

    /// Checks a file of `s=<string>` lines, then `p=<pattern> <bits>` lines
    /// whose bit `i` says whether the `i`th string matched.
    fn check_file(text: &str) {
        let mut strings = Vec::new();
        let mut checked = 0;
        for line in text.lines() {
            if let Some(string) = line.strip_prefix("s=") {
                strings.push(unescape(string));
            } else if let Some(rest) = line.strip_prefix("p=") {
                let (pattern, bits) = rest.split_once(' ').expect("p=<pattern> <bits>");
                let pattern = unescape(pattern);
                assert_eq!(bits.len(), strings.len(), "one bit per string");
                for (string, bit) in strings.iter().zip(bits.bytes()) {
                    assert_eq!(
                        matches(&pattern, string),
                        bit == b'1',
                        "pattern {:?} string {:?}",
                        String::from_utf8_lossy(&pattern),
                        String::from_utf8_lossy(string),
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 0, "the file holds cases");
    }

    /// `%HH` is the byte 0xHH; anything else stands for itself.
    fn unescape(text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let mut bytes = text.bytes();
        while let Some(b) = bytes.next() {
            if b == b'%' {
                let hex: String = bytes.by_ref().take(2).map(char::from).collect();
                out.push(u8::from_str_radix(&hex, 16).expect("%HH"));
            } else {
                out.push(b);
            }
        }
        out
    }
}
