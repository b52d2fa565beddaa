//! The errors the engine's own operations return (compiling, the cache,
//! `SCRIPT KILL`). A script's runtime errors are not here: they are part of
//! the reply [`Engine::run`](crate::Engine::run) returns, as in Redis.

use std::fmt;

/// An error from [`Engine`](crate::Engine). Its text is Redis 7.0's reply,
/// error code first and without the leading `-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    /// The reply text. Bytes, not a `String`: a syntax error quotes the
    /// script, which may be any bytes.
    text: Vec<u8>,
}

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The script does not compile (`ERR Error compiling script ...`).
    Compile,
    /// The `#!` line is not valid: another engine, an unknown option or
    /// flag.
    Shebang,
    /// `EVALSHA` of a script that is not in the cache (`NOSCRIPT`).
    NoScript,
    /// `SCRIPT KILL` with no script running past the busy threshold
    /// (`NOTBUSY`).
    NotBusy,
    /// `SCRIPT KILL` of a script that has written (`UNKILLABLE`).
    Unkillable,
    /// `EVAL_RO` or `EVALSHA_RO` of a script whose shebang does not declare
    /// `no-writes`.
    WriteFlagReadOnly,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, text: impl Into<Vec<u8>>) -> Error {
        Error {
            kind,
            text: text.into(),
        }
    }

    pub(crate) fn no_script() -> Error {
        Error::new(
            ErrorKind::NoScript,
            "NOSCRIPT No matching script. Please use EVAL.",
        )
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The reply text, error code first, without the leading `-` or the
    /// final CRLF. It holds no CR or LF.
    pub fn text(&self) -> &[u8] {
        &self.text
    }

    /// The error as a complete RESP error reply (`-...\r\n`), the same in
    /// both protocols.
    pub fn reply(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len() + 3);
        out.push(b'-');
        out.extend_from_slice(&self.text);
        out.extend_from_slice(b"\r\n");
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.text))
    }
}

impl std::error::Error for Error {}
