//! [`Error`]: why a command got an error reply, rendered as Redis's text.

use bytes::{BufMut, Bytes, BytesMut};
use sharedkv_db::DbError;
use sharedkv_resp::encode_error;

/// An error reply. The connection stays open after every one of them.
///
/// Most error texts are fixed ([`Error::Fixed`]: no allocation on the hot
/// path); those that echo the request are rendered once, when they happen
/// ([`Error::Text`]). CR and LF in echoed text are turned into spaces by the
/// encoder, so a client cannot break the framing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// A fixed text: `ERR syntax error`.
    Fixed(&'static str),
    /// A text rendered from the request.
    Text(Bytes),
    /// `ERR wrong number of arguments for '<name>' command`, with the
    /// command's full name (`get`, `object|encoding`).
    WrongArity(&'static str),
}

impl Error {
    /// `ERR syntax error`
    pub const SYNTAX: Error = Error::Fixed("ERR syntax error");
    /// `ERR value is not an integer or out of range`
    pub const NOT_AN_INTEGER: Error = Error::Fixed("ERR value is not an integer or out of range");
    /// `ERR value is not a valid float`
    pub const NOT_A_FLOAT: Error = Error::Fixed("ERR value is not a valid float");
    /// `WRONGTYPE Operation against a key holding the wrong kind of value`
    pub const WRONG_TYPE: Error =
        Error::Fixed("WRONGTYPE Operation against a key holding the wrong kind of value");
    /// `ERR no such key`
    pub const NO_SUCH_KEY: Error = Error::Fixed("ERR no such key");
    /// `ERR DB index is out of range`
    pub const DB_INDEX_OUT_OF_RANGE: Error = Error::Fixed("ERR DB index is out of range");
    /// `ERR increment or decrement would overflow`
    pub const OVERFLOW: Error = Error::Fixed("ERR increment or decrement would overflow");

    /// An error whose text is `parts` joined, with each part that came from
    /// the request cut at its first NUL and at 128 bytes, as Redis's `%.128s`.
    pub fn render(parts: &[&[u8]]) -> Error {
        let mut text = BytesMut::new();
        for part in parts {
            text.put_slice(part);
        }
        Error::Text(text.freeze())
    }

    /// `ERR <before><arg><after>`, `arg` cut as C's `%.128s` prints it.
    pub fn with_arg(before: &str, arg: &[u8], after: &str) -> Error {
        Error::render(&[before.as_bytes(), c_str(arg, 128), after.as_bytes()])
    }

    /// `ERR invalid expire time in '<name>' command`
    pub fn invalid_expire_time(name: &str) -> Error {
        Error::render(&[
            b"ERR invalid expire time in '",
            name.as_bytes(),
            b"' command",
        ])
    }

    /// `ERR unknown command '<name>', with args beginning with: '<a1>' ...`,
    /// truncated exactly as Redis 7 truncates it.
    pub fn unknown_command(args: &[Bytes]) -> Error {
        let mut text = Vec::with_capacity(128);
        text.extend_from_slice(b"ERR unknown command '");
        text.extend_from_slice(c_str(args.first().map_or(&[][..], |a| a), 128));
        text.extend_from_slice(b"', with args beginning with: ");
        // Redis appends `'%.*s' ` while its buffer of arguments is under 128
        // bytes, each one cut to what is left of those 128.
        let mut quoted: Vec<u8> = Vec::new();
        for arg in args.iter().skip(1) {
            if quoted.len() >= 128 {
                break;
            }
            let room = 128 - quoted.len();
            quoted.push(b'\'');
            quoted.extend_from_slice(c_str(arg, room));
            quoted.extend_from_slice(b"' ");
        }
        text.extend_from_slice(&quoted);
        Error::Text(text.into())
    }

    /// `ERR unknown subcommand '<sub>'. Try <COMMAND> HELP.`
    pub fn unknown_subcommand(command: &str, sub: &[u8]) -> Error {
        Error::render(&[
            b"ERR unknown subcommand '",
            c_str(sub, 128),
            b"'. Try ",
            command.to_ascii_uppercase().as_bytes(),
            b" HELP.",
        ])
    }

    /// Appends the error reply.
    pub fn encode(&self, out: &mut BytesMut) {
        match self {
            Error::Fixed(text) => encode_error(out, text.as_bytes()),
            Error::Text(text) => encode_error(out, text),
            Error::WrongArity(name) => {
                let mut text = BytesMut::with_capacity(64);
                text.put_slice(b"ERR wrong number of arguments for '");
                text.put_slice(name.as_bytes());
                text.put_slice(b"' command");
                encode_error(out, &text);
            }
        }
    }

    /// The reply's text, for tests and logs.
    pub fn text(&self) -> String {
        let mut out = BytesMut::new();
        self.encode(&mut out);
        let body = out.get(1..out.len().saturating_sub(2)).unwrap_or_default();
        String::from_utf8_lossy(body).into_owned()
    }
}

impl From<DbError> for Error {
    fn from(e: DbError) -> Self {
        use sharedkv_db::ErrorKind;
        match e.kind() {
            ErrorKind::NotAnInteger => Error::NOT_AN_INTEGER,
            ErrorKind::Overflow => Error::OVERFLOW,
            ErrorKind::WrongType => Error::WRONG_TYPE,
            _ => Error::Text(Bytes::from(e.to_string())),
        }
    }
}

/// `arg` as C's `%.*s` prints it: up to the first NUL, at most `max` bytes.
pub fn c_str(arg: &[u8], max: usize) -> &[u8] {
    let end = arg
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(arg.len())
        .min(max);
    &arg[..end]
}
