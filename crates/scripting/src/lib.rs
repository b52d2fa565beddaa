//! Redis 7.0's Lua scripting for sharedkv (placeholder docs).

mod builtins;
mod convert;
mod engine;
mod error;
mod flags;
mod fmt;
mod host;
mod libs;
mod raise;
mod rand;
mod vm;

pub use engine::{Engine, Limits, Script};
pub use error::{Error, ErrorKind};
pub use flags::{ScriptFlags, parse_shebang};
pub use host::{CallContext, Host, LogLevel};
