//! [`CommandError`]: why a request to one of the server's own commands got
//! an error reply, rendered as Redis's exact text. The data commands' errors
//! are `sharedkv_commands::Error`, which this wraps.

use bytes::{BufMut, Bytes, BytesMut};
use sharedkv_resp::encode_error;

/// Why a request got an error reply. The connection stays open after all
/// of them. [`CommandError::encode`] writes Redis's exact text.
///
/// Hot-path variants carry no allocation; the two that echo the request
/// render their text once, when they happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CommandError {
    /// Carries the command's full name: `get`, `client|setname`.
    WrongArity(&'static str),
    NoAuth,
    WrongPass,
    AuthNotConfigured,
    HelloNoAuth,
    HelloSyntax(Bytes),
    ProtocolVersionNotInteger,
    /// `HELLO` with a version Redis does not know either.
    UnsupportedProtocol,
    InvalidClientName,
    /// `CLIENT SETINFO` with an attribute other than `LIB-NAME`/`LIB-VER`.
    UnrecognizedOption(Bytes),
    /// `CLIENT SETINFO` with spaces or special characters; carries the
    /// attribute as typed.
    InvalidLibInfo(Bytes),
    /// Carries the command's full name.
    NotAllowedWhileSubscribed(&'static str),
    /// An error of the data commands' kind, which the server's own
    /// commands share.
    Data(sharedkv_commands::Error),
}

impl From<sharedkv_commands::Error> for CommandError {
    fn from(e: sharedkv_commands::Error) -> Self {
        match e {
            sharedkv_commands::Error::WrongArity(name) => CommandError::WrongArity(name),
            e => CommandError::Data(e),
        }
    }
}

impl CommandError {
    /// Appends the error reply. Text taken from the request has CR and LF
    /// turned into spaces by the encoder, so it cannot break the framing.
    pub(crate) fn encode(&self, out: &mut BytesMut) {
        let fixed: &str = match self {
            CommandError::WrongArity(name) => {
                return formatted(
                    out,
                    &["ERR wrong number of arguments for '", name, "' command"],
                );
            }
            CommandError::NoAuth => "NOAUTH Authentication required.",
            CommandError::WrongPass => {
                "WRONGPASS invalid username-password pair or user is disabled."
            }
            CommandError::AuthNotConfigured => {
                "ERR AUTH <password> called without any password configured for the default \
                 user. Are you sure your configuration is correct?"
            }
            CommandError::HelloNoAuth => {
                "NOAUTH HELLO must be called with the client already authenticated, otherwise \
                 the HELLO AUTH <user> <pass> option can be used to authenticate the client and \
                 select the RESP protocol version at the same time"
            }
            CommandError::HelloSyntax(option) => {
                return with_arg(out, "ERR Syntax error in HELLO option '", option, "'");
            }
            CommandError::ProtocolVersionNotInteger => {
                "ERR Protocol version is not an integer or out of range"
            }
            CommandError::UnsupportedProtocol => "NOPROTO unsupported protocol version",
            CommandError::InvalidClientName => {
                "ERR Client names cannot contain spaces, newlines or special characters."
            }
            CommandError::UnrecognizedOption(option) => {
                return with_arg(out, "ERR Unrecognized option '", option, "'");
            }
            CommandError::InvalidLibInfo(attr) => {
                return with_arg(
                    out,
                    "ERR ",
                    attr,
                    " cannot contain spaces, newlines or special characters.",
                );
            }
            CommandError::NotAllowedWhileSubscribed(name) => {
                return formatted(
                    out,
                    &[
                        "ERR Can't execute '",
                        name,
                        "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are \
                         allowed in this context",
                    ],
                );
            }
            CommandError::Data(e) => return e.encode(out),
        };
        encode_error(out, fixed.as_bytes());
    }
}

fn formatted(out: &mut BytesMut, parts: &[&str]) {
    let mut text = BytesMut::new();
    for part in parts {
        text.put_slice(part.as_bytes());
    }
    encode_error(out, &text);
}

fn with_arg(out: &mut BytesMut, before: &str, arg: &[u8], after: &str) {
    let mut text = BytesMut::new();
    text.put_slice(before.as_bytes());
    text.put_slice(sharedkv_commands::c_str(arg, 128));
    text.put_slice(after.as_bytes());
    encode_error(out, &text);
}
