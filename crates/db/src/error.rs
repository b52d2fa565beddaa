//! The one error a `Db` operation can return.

use std::fmt;

/// An error from a `Db` operation. Its `Display` is Redis's reply text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbError {
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The stored value (or an argument) is not a decimal 64-bit integer.
    NotAnInteger,
    /// The result of an increment does not fit in an `i64`.
    Overflow,
    /// The key holds a value of another type than the command works on.
    WrongType,
}

impl DbError {
    /// An error of the given kind.
    pub const fn new(kind: ErrorKind) -> Self {
        Self { kind }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl From<ErrorKind> for DbError {
    fn from(kind: ErrorKind) -> Self {
        Self::new(kind)
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            ErrorKind::NotAnInteger => "ERR value is not an integer or out of range",
            ErrorKind::Overflow => "ERR increment or decrement would overflow",
            ErrorKind::WrongType => {
                "WRONGTYPE Operation against a key holding the wrong kind of value"
            }
        })
    }
}

impl std::error::Error for DbError {}
