//! One connection's session: who the client is and what it chose (its id,
//! authentication, name, selected database, subscriptions), and the
//! commands that read or change only that. The connection's I/O loop
//! (`connection.rs`) owns a `Session` and hands it these commands; the data
//! commands read only its selected database.

use bytes::{Bytes, BytesMut};
use sharedkv_db::DbIndex;
use sharedkv_resp::{encode_array_len, encode_bulk, encode_integer, encode_null, encode_simple};

use crate::command::{SessionCommand, is_printable_word};
use crate::error::CommandError;
use crate::pubsub::Subscriptions;
use crate::{Config, Shared, introspect};

/// A connection's own state. `RESET` returns every field but `id` to what
/// a new connection has.
pub(crate) struct Session {
    /// `CLIENT ID`: unique for the server's lifetime.
    pub(crate) id: u64,
    /// False until `AUTH` succeeds when a password is configured.
    pub(crate) authenticated: bool,
    /// `CLIENT SETNAME`.
    pub(crate) name: Option<Bytes>,
    /// `SELECT`: the database this connection's data commands act on.
    pub(crate) selected: DbIndex,
    pub(crate) subscriptions: Subscriptions,
}

/// Whether the connection goes on after a session command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Done {
    Continue,
    /// `QUIT`: close once the replies so far are written.
    Close,
}

impl Session {
    /// A new connection's session.
    pub(crate) fn new<D>(id: u64, shared: &Shared<D>) -> Self {
        Session {
            id,
            authenticated: shared.config.requirepass.is_none(),
            name: None,
            selected: DbIndex::ZERO,
            subscriptions: Subscriptions::new(shared.pubsub.clone()),
        }
    }

    /// Runs a command on the connection's own state, writing its reply to
    /// `out`.
    pub(crate) fn run(
        &mut self,
        command: SessionCommand,
        config: &Config,
        out: &mut BytesMut,
    ) -> Result<Done, CommandError> {
        match command {
            SessionCommand::Ping(message) if self.subscriptions.is_active() => {
                // In subscribe mode a RESP2 PING answers in the shape of a
                // message, so clients can tell it from published ones.
                encode_array_len(out, 2);
                encode_bulk(out, b"pong");
                encode_bulk(out, message.as_deref().unwrap_or_default());
            }
            SessionCommand::Ping(Some(message)) => encode_bulk(out, &message),
            SessionCommand::Ping(None) => encode_simple(out, b"PONG"),
            SessionCommand::Quit => {
                encode_simple(out, b"OK");
                return Ok(Done::Close);
            }
            SessionCommand::ClientId => {
                encode_integer(out, i64::try_from(self.id).unwrap_or(i64::MAX));
            }
            SessionCommand::ClientGetName => introspect::client_name(out, self.name.as_ref()),
            SessionCommand::ClientSetInfo => encode_simple(out, b"OK"),
            SessionCommand::ClientSetName(name) => {
                self.set_name(name)?;
                encode_simple(out, b"OK");
            }
            SessionCommand::Reset => {
                self.subscriptions.clear();
                self.name = None;
                self.selected = DbIndex::ZERO;
                self.authenticated = config.requirepass.is_none();
                encode_simple(out, b"RESET");
            }
            SessionCommand::Auth { username, password } => {
                check_password(config, username.as_deref(), &password)?;
                self.authenticated = true;
                encode_simple(out, b"OK");
            }
            SessionCommand::Hello { auth, setname } => {
                if let Some((username, password)) = auth {
                    check_password(config, Some(&username), &password)?;
                    self.authenticated = true;
                }
                if !self.authenticated {
                    return Err(CommandError::HelloNoAuth);
                }
                if let Some(name) = setname {
                    self.set_name(name)?;
                }
                introspect::hello(out, self.id);
            }
            SessionCommand::Subscribe(channels) => {
                for channel in channels {
                    let count = self.subscriptions.subscribe(&channel);
                    encode_subscription(out, b"subscribe", Some(&channel), count);
                }
            }
            SessionCommand::Unsubscribe(mut channels) => {
                if channels.is_empty() {
                    channels = self.subscriptions.channels();
                }
                if channels.is_empty() {
                    encode_subscription(out, b"unsubscribe", None, 0);
                }
                for channel in channels {
                    let count = self.subscriptions.unsubscribe(&channel);
                    encode_subscription(out, b"unsubscribe", Some(&channel), count);
                }
            }
        }
        Ok(Done::Continue)
    }

    /// `CLIENT SETNAME`: printable ASCII without spaces; empty clears it.
    fn set_name(&mut self, name: Bytes) -> Result<(), CommandError> {
        if !is_printable_word(&name) {
            return Err(CommandError::InvalidClientName);
        }
        // Copied: the name lives as long as the connection.
        self.name = (!name.is_empty()).then(|| Bytes::copy_from_slice(&name));
        Ok(())
    }
}

/// Checks `AUTH [username] password` against the configuration. Without
/// a password the `default` user accepts any (Redis's `nopass`).
fn check_password(
    config: &Config,
    username: Option<&[u8]>,
    password: &[u8],
) -> Result<(), CommandError> {
    let is_default = username.is_none_or(|u| u == b"default");
    match (&config.requirepass, username) {
        (None, None) => Err(CommandError::AuthNotConfigured),
        (None, Some(_)) if is_default => Ok(()),
        (Some(secret), _) if is_default && constant_time_eq(password, secret.as_bytes()) => Ok(()),
        _ => Err(CommandError::WrongPass),
    }
}

/// `*3`, the kind, the channel (or a null), the subscription count.
fn encode_subscription(out: &mut BytesMut, kind: &[u8], channel: Option<&[u8]>, count: usize) {
    encode_array_len(out, 3);
    encode_bulk(out, kind);
    match channel {
        Some(channel) => encode_bulk(out, channel),
        None => encode_null(out),
    }
    encode_integer(out, i64::try_from(count).unwrap_or(i64::MAX));
}

/// Compares a password attempt with the secret in time that depends only
/// on the attempt's length: not on where the first difference is, nor on
/// the secret's length (each byte of the attempt is compared with the
/// secret's bytes in a cycle, the same work for every byte).
fn constant_time_eq(attempt: &[u8], secret: &[u8]) -> bool {
    if secret.is_empty() {
        return attempt.is_empty();
    }
    let mut difference = u8::from(attempt.len() != secret.len());
    for (i, &byte) in attempt.iter().enumerate() {
        difference |= byte ^ secret.get(i % secret.len()).copied().unwrap_or_default();
    }
    difference == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equal only when both length and content match.
    #[test]
    fn constant_time_eq_compares_fully() {
        assert!(constant_time_eq(b"sekret", b"sekret"));
        assert!(!constant_time_eq(b"sekreT", b"sekret"));
        assert!(!constant_time_eq(b"sekret!", b"sekret"));
        assert!(!constant_time_eq(b"sek", b"sekret"));
        assert!(!constant_time_eq(b"", b"sekret"));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"x", b""));
        // A repetition of the secret matches it byte for byte in the cycle;
        // only the length tells them apart.
        assert!(!constant_time_eq(b"sekretsekret", b"sekret"));
    }
}
