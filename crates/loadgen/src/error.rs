//! The error that stops a run: the server could not be reached, or a
//! connection broke. Wrong replies do not stop a run; they are counted in the
//! [`Report`](crate::Report).

use std::fmt;
use std::io;

use sharedkv_resp::ProtocolError;

/// Why a run stopped early.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    context: String,
}

/// The kind of an [`Error`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The configuration is inconsistent (no connections, a pipeline of 0, ...).
    Config(String),
    /// The address did not resolve.
    Resolve(io::Error),
    /// Connecting failed (refused, timed out, out of file descriptors).
    Connect(io::Error),
    /// An established connection failed (reset, broken pipe).
    Io(io::Error),
    /// The server closed a connection while replies were still due.
    Closed,
    /// A reply could not be framed.
    Protocol(ProtocolError),
    /// The server sent bytes that no request asked for.
    Unsolicited,
    /// The server refused a request the workload cannot do without (the
    /// `SCRIPT LOAD` of `transfer-eval`), with this reply.
    Refused(String),
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, context: impl Into<String>) -> Error {
        Error {
            kind,
            context: context.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config(message.into()), "invalid configuration")
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.context)?;
        match &self.kind {
            ErrorKind::Config(message) => f.write_str(message),
            ErrorKind::Resolve(e) => write!(f, "cannot resolve the address: {e}"),
            ErrorKind::Connect(e) => {
                write!(f, "cannot connect: {e}")?;
                match e.kind() {
                    io::ErrorKind::ConnectionRefused => {
                        f.write_str(" (is the server running on that port?)")
                    }
                    _ if e.raw_os_error() == Some(EMFILE) => {
                        f.write_str(" (raise the file descriptor limit: ulimit -n)")
                    }
                    _ => Ok(()),
                }
            }
            ErrorKind::Io(e) => write!(f, "connection failed: {e}"),
            ErrorKind::Closed => f.write_str("the server closed the connection"),
            ErrorKind::Protocol(e) => write!(f, "unreadable reply: {e}"),
            ErrorKind::Unsolicited => f.write_str("the server sent more replies than requests"),
            ErrorKind::Refused(reply) => write!(f, "the server refused it: {reply}"),
        }
    }
}

/// "Too many open files" on Linux and the BSDs.
const EMFILE: i32 = 24;

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Resolve(e) | ErrorKind::Connect(e) | ErrorKind::Io(e) => Some(e),
            ErrorKind::Protocol(e) => Some(e),
            _ => None,
        }
    }
}
