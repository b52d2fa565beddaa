//! One connection's session: who the client is and what it chose (its id,
//! authentication, name, selected database, subscriptions, protocol), and the
//! commands that read or change only that. The connection's I/O loop
//! (`connection.rs`) owns a `Session` and hands it these commands; the data
//! commands read only its selected database.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use sharedkv_commands::Reply;
use sharedkv_db::DbIndex;

use crate::clients::Client;
use crate::command::{HelloOption, ReplyMode, SessionCommand, is_printable_word};
use crate::config_params::Live;
use crate::error::CommandError;
use crate::pubsub::{Kind, Subscriptions};
use crate::{Shared, introspect};

/// A connection's own state. `RESET` returns every field but `id` to what
/// a new connection has.
pub(crate) struct Session {
    /// `CLIENT ID`: unique for the server's lifetime.
    pub(crate) id: u64,
    /// False until `AUTH` succeeds when a password is configured when the
    /// connection starts. A client connected before `CONFIG SET
    /// requirepass` stays authenticated, as in Redis; one not authenticated
    /// is let through once the password is removed (see `connection.rs`).
    pub(crate) authenticated: bool,
    /// `CLIENT SETNAME`.
    pub(crate) name: Option<Bytes>,
    /// `SELECT`: the database this connection's data commands act on.
    pub(crate) selected: DbIndex,
    pub(crate) subscriptions: Subscriptions,
    /// Whether the client chose RESP3 (`HELLO 3`): every reply to it,
    /// pub/sub messages included, is written in RESP3 then, and it may run
    /// any command while subscribed. `HELLO 2` and `RESET` go back to RESP2.
    pub(crate) resp3: bool,
    /// `CLIENT REPLY`: whether this client's replies are written. The
    /// connection drops a command's reply after it runs unless this is
    /// `On` (see `connection.rs`).
    pub(crate) reply_mode: ReplyMode,
    /// This connection's record in the client registry, which `CLIENT
    /// LIST` reads: kept in step with the name, protocol, subscriptions
    /// and library info here.
    pub(crate) me: Arc<Client>,
    /// After `MULTI`: the requests queued for `EXEC`.
    pub(crate) multi: Option<crate::transaction::Multi>,
    /// After `WATCH`: the keys watched, until `EXEC`, `DISCARD` or
    /// `UNWATCH`.
    pub(crate) watching: Option<crate::transaction::Watching>,
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
    pub(crate) fn new<D>(me: Arc<Client>, shared: &Shared<D>) -> Self {
        let id = me.id;
        Session {
            id,
            me,
            reply_mode: ReplyMode::On,
            authenticated: shared.live.requirepass().is_none(),
            name: None,
            selected: DbIndex::ZERO,
            subscriptions: Subscriptions::new(shared.pubsub.clone(), id),
            resp3: false,
            multi: None,
            watching: None,
        }
    }

    /// A writer for a reply to this client, in the protocol it speaks now.
    pub(crate) fn reply<'a>(&self, out: &'a mut BytesMut) -> Reply<'a> {
        Reply::new(out, 0).resp3(self.resp3)
    }

    /// Runs a command on the connection's own state, writing its reply to
    /// `out`.
    pub(crate) fn run(
        &mut self,
        command: SessionCommand,
        config: &Live,
        out: &mut BytesMut,
    ) -> Result<Done, CommandError> {
        match command {
            SessionCommand::Ping(message) if self.subscriptions.is_active() && !self.resp3 => {
                // In subscribe mode a RESP2 PING answers in the shape of a
                // message, so clients can tell it from published ones. (A
                // RESP3 client tells them apart by the push type.)
                let mut reply = self.reply(out);
                reply.array(2);
                reply.bulk(b"pong");
                reply.bulk(message.as_deref().unwrap_or_default());
            }
            SessionCommand::Ping(Some(message)) => self.reply(out).bulk(&message),
            SessionCommand::Ping(None) => self.reply(out).simple(b"PONG"),
            SessionCommand::Quit => {
                self.reply(out).ok();
                return Ok(Done::Close);
            }
            SessionCommand::ClientId => {
                self.reply(out)
                    .int(i64::try_from(self.id).unwrap_or(i64::MAX));
            }
            SessionCommand::ClientGetName => self.reply(out).bulk_or_null(self.name.as_deref()),
            SessionCommand::ClientSetInfo { lib_name, value } => {
                // Copied: it lives as long as the connection.
                let value = (!value.is_empty()).then(|| Bytes::copy_from_slice(&value));
                self.me.set_lib(lib_name, value);
                self.reply(out).ok();
            }
            SessionCommand::ClientReply(mode) => {
                // As Redis: SKIP while OFF changes nothing; ON answers.
                match mode {
                    ReplyMode::SkipNext if self.reply_mode == ReplyMode::Off => {}
                    mode => self.reply_mode = mode,
                }
                self.reply(out).ok();
            }
            SessionCommand::ClientSetName(name) => {
                self.set_name(name)?;
                self.reply(out).ok();
            }
            SessionCommand::Reset => {
                self.multi = None;
                self.watching = None;
                self.subscriptions.clear();
                self.name = None;
                self.selected = DbIndex::ZERO;
                self.authenticated = config.requirepass().is_none();
                self.resp3 = false;
                self.reply_mode = ReplyMode::On;
                self.me.reset();
                self.reply(out).simple(b"RESET");
            }
            SessionCommand::Auth { username, password } => {
                check_password(config, username.as_deref(), &password)?;
                self.authenticated = true;
                self.reply(out).ok();
            }
            SessionCommand::Hello { resp3, options } => {
                // As Redis does: each option in turn (an AUTH that succeeds
                // holds even if a later option is bad), then the check that
                // the client is authenticated, then the switch.
                for option in options {
                    match option {
                        HelloOption::Auth(username, password) => {
                            check_password(config, Some(&username), &password)?;
                            self.authenticated = true;
                        }
                        HelloOption::SetName(name) => self.set_name(name)?,
                        HelloOption::Invalid(word) => return Err(CommandError::HelloSyntax(word)),
                    }
                }
                if !self.authenticated {
                    return Err(CommandError::HelloNoAuth);
                }
                if let Some(resp3) = resp3 {
                    self.resp3 = resp3;
                    self.me.set_resp3(resp3);
                }
                introspect::hello(&mut self.reply(out), self.id);
            }
            SessionCommand::Subscribe(channels) => {
                self.subscription(Kind::Channel, true, channels, out);
            }
            SessionCommand::Unsubscribe(channels) => {
                self.subscription(Kind::Channel, false, channels, out);
            }
            SessionCommand::Subscription {
                kind,
                subscribe,
                names,
            } => self.subscription(kind, subscribe, names, out),
        }
        Ok(Done::Continue)
    }

    /// A `(P|S)(UN)SUBSCRIBE`: its confirmations, and `CLIENT LIST`'s
    /// counts kept in step.
    fn subscription(&mut self, kind: Kind, subscribe: bool, names: Vec<Bytes>, out: &mut BytesMut) {
        let mut reply = self.reply(out);
        self.subscriptions.run(kind, subscribe, names, &mut reply);
        let (sub, psub, ssub) = self.subscriptions.counts();
        self.me.set_subscriptions(sub, psub, ssub);
    }

    /// `CLIENT SETNAME`: printable ASCII without spaces; empty clears it.
    fn set_name(&mut self, name: Bytes) -> Result<(), CommandError> {
        if !is_printable_word(&name) {
            return Err(CommandError::InvalidClientName);
        }
        // Copied: the name lives as long as the connection.
        self.name = (!name.is_empty()).then(|| Bytes::copy_from_slice(&name));
        self.me.set_name(self.name.clone());
        Ok(())
    }
}

/// Checks `AUTH [username] password` against the configuration as it is
/// now. Without a password the `default` user accepts any (Redis's
/// `nopass`).
fn check_password(
    config: &Live,
    username: Option<&[u8]>,
    password: &[u8],
) -> Result<(), CommandError> {
    let is_default = username.is_none_or(|u| u == b"default");
    match (config.requirepass(), username) {
        (None, None) => Err(CommandError::AuthNotConfigured),
        (None, Some(_)) if is_default => Ok(()),
        (Some(secret), _) if is_default && constant_time_eq(password, &secret) => Ok(()),
        _ => Err(CommandError::WrongPass),
    }
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
