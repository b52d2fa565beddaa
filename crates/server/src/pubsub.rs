//! Pub/sub: channels, patterns and shard channels, held by the server
//! beside the `Db` and the same for every strategy.
//!
//! ```text
//! PUBLISH ch msg ─▶ channels[ch] ─▶ each subscriber's mailbox ─▶ its connection's output
//!                └▶ every pattern that matches ch ─▶ each of its subscribers' mailboxes
//! ```
//!
//! Each subscribing connection has one **mailbox** (made on its first
//! subscription: a connection that never subscribes has none), an unbounded
//! queue that every channel, pattern and shard channel it subscribes to
//! delivers into, so a subscriber gets messages in the order they were
//! published, and a `message` before the `pmessage` of the same
//! publication, as in Redis.
//! A publisher only appends to queues: it never waits for a subscriber.
//!
//! - **Cost of a publish:** O(subscribers of the channel + patterns), as in
//!   Redis: one hash lookup, then one glob match per distinct pattern, one
//!   queue push per receiver; the message bytes are shared, not copied.
//! - **Memory:** what a mailbox holds is bounded by [`MAILBOX_LIMIT`]. The
//!   connection moves messages from its mailbox to its output buffer as
//!   soon as it runs, where the pubsub class of `client-output-buffer-limit`
//!   applies; the mailbox bound only catches a subscriber whose task cannot
//!   keep up at all, which is then disconnected as at the hard limit.
//! - **Shard channels** (`SSUBSCRIBE`, `SPUBLISH`) live in their own
//!   namespace, with no patterns: this server is one node, which owns every
//!   slot.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use sharedkv_commands::{Reply, glob_match};
use tokio::sync::mpsc;

/// The most bytes of messages one subscriber's mailbox holds before the
/// subscriber is disconnected: the default hard limit of Redis's pubsub
/// class (32 MB). Messages normally leave the mailbox at once for the
/// output buffer, whose limit is the configurable one.
pub(crate) const MAILBOX_LIMIT: usize = 32 * 1024 * 1024;

/// What a queued message costs beyond its bytes, for [`MAILBOX_LIMIT`].
const MESSAGE_OVERHEAD: usize = 64;

/// The three namespaces a client subscribes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `SUBSCRIBE`: a channel by its exact name.
    Channel,
    /// `PSUBSCRIBE`: every channel whose name matches a glob pattern.
    Pattern,
    /// `SSUBSCRIBE`: a shard channel by its exact name.
    Shard,
}

impl Kind {
    /// The confirmation's first word: `subscribe`, `punsubscribe`, ...
    fn confirmation(self, subscribe: bool) -> &'static [u8] {
        match (self, subscribe) {
            (Kind::Channel, true) => b"subscribe",
            (Kind::Channel, false) => b"unsubscribe",
            (Kind::Pattern, true) => b"psubscribe",
            (Kind::Pattern, false) => b"punsubscribe",
            (Kind::Shard, true) => b"ssubscribe",
            (Kind::Shard, false) => b"sunsubscribe",
        }
    }
}

/// One delivery to one subscriber.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Message {
    /// `message channel payload`.
    Channel { channel: Bytes, payload: Bytes },
    /// `pmessage pattern channel payload`.
    Pattern {
        pattern: Bytes,
        channel: Bytes,
        payload: Bytes,
    },
    /// `smessage channel payload`.
    Shard { channel: Bytes, payload: Bytes },
}

impl Message {
    /// Writes the message as Redis delivers it: a push in RESP3, an array
    /// in RESP2.
    pub(crate) fn encode(&self, reply: &mut Reply<'_>) {
        match self {
            Message::Channel { channel, payload } => {
                reply.push(3);
                reply.bulk(b"message");
                reply.bulk(channel);
                reply.bulk(payload);
            }
            Message::Pattern {
                pattern,
                channel,
                payload,
            } => {
                reply.push(4);
                reply.bulk(b"pmessage");
                reply.bulk(pattern);
                reply.bulk(channel);
                reply.bulk(payload);
            }
            Message::Shard { channel, payload } => {
                reply.push(3);
                reply.bulk(b"smessage");
                reply.bulk(channel);
                reply.bulk(payload);
            }
        }
    }

    /// What the message costs in a mailbox.
    fn size(&self) -> usize {
        MESSAGE_OVERHEAD
            + match self {
                Message::Channel { channel, payload } | Message::Shard { channel, payload } => {
                    channel.len() + payload.len()
                }
                Message::Pattern {
                    pattern,
                    channel,
                    payload,
                } => pattern.len() + channel.len() + payload.len(),
            }
    }
}

/// What a mailbox's sender and its receiver share.
#[derive(Debug, Default)]
struct Gauge {
    /// Bytes queued and not yet taken ([`Message::size`]).
    queued: AtomicUsize,
    /// Set once a message was refused for [`MAILBOX_LIMIT`]: the
    /// subscriber must be disconnected, having lost a message.
    overflowed: AtomicBool,
}

/// The sending end of one connection's mailbox, as the registry holds it.
#[derive(Clone, Debug)]
struct Mailbox {
    tx: mpsc::UnboundedSender<Message>,
    gauge: Arc<Gauge>,
}

impl Mailbox {
    /// Queues `message`, or marks the mailbox overflowed. Never waits.
    fn deliver(&self, message: Message) {
        let size = message.size();
        let queued = self.gauge.queued.fetch_add(size, Ordering::Relaxed);
        if queued.saturating_add(size) > MAILBOX_LIMIT {
            self.gauge.queued.fetch_sub(size, Ordering::Relaxed);
            self.gauge.overflowed.store(true, Ordering::Relaxed);
            // Wakes the receiver, which then sees the flag.
            let _ = self.tx.send(Message::Channel {
                channel: Bytes::new(),
                payload: Bytes::new(),
            });
            return;
        }
        // Fails only once the connection is gone: nothing to do then.
        let _ = self.tx.send(message);
    }
}

/// The subscribers of one name, by connection id.
type Subscribers = HashMap<u64, Mailbox>;

/// One namespace: every name with at least one subscriber.
///
/// **Locking behaviour:** a std `Mutex`, held to look up, insert or remove
/// one name, or for one publication's pushes (which never wait), never
/// across an `.await`. A name is removed as soon as its last subscriber
/// leaves, so subscribing to many names and leaving does not grow it.
#[derive(Debug, Default)]
struct Table(Mutex<HashMap<Bytes, Subscribers>>);

impl Table {
    fn lock(&self) -> MutexGuard<'_, HashMap<Bytes, Subscribers>> {
        // Nothing panics while the lock is held; a poisoned map is intact.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn add(&self, name: &Bytes, id: u64, mailbox: &Mailbox) {
        self.lock()
            .entry(name.clone())
            .or_default()
            .insert(id, mailbox.clone());
    }

    fn remove(&self, name: &[u8], id: u64) {
        let mut table = self.lock();
        if let Some(subscribers) = table.get_mut(name) {
            subscribers.remove(&id);
            if subscribers.is_empty() {
                table.remove(name);
            }
        }
    }

    /// Delivers `make()` to every subscriber of `name`; returns how many.
    fn publish(&self, name: &[u8], make: impl Fn() -> Message) -> usize {
        let table = self.lock();
        let Some(subscribers) = table.get(name) else {
            return 0;
        };
        for mailbox in subscribers.values() {
            mailbox.deliver(make());
        }
        subscribers.len()
    }

    /// The names that match `pattern` (all without one), for `PUBSUB
    /// CHANNELS`.
    fn names(&self, pattern: Option<&[u8]>) -> Vec<Bytes> {
        self.lock()
            .keys()
            .filter(|name| pattern.is_none_or(|p| glob_match(p, name)))
            .cloned()
            .collect()
    }

    /// How many connections subscribe to `name`.
    fn subscribers(&self, name: &[u8]) -> usize {
        self.lock().get(name).map_or(0, HashMap::len)
    }

    fn len(&self) -> usize {
        self.lock().len()
    }
}

/// The registry of every subscription. Clones share it.
#[derive(Clone, Debug, Default)]
pub(crate) struct PubSub {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    channels: Table,
    patterns: Table,
    shards: Table,
}

/// `PUBSUB` subcommands.
#[derive(Debug)]
pub(crate) enum Query {
    /// `PUBSUB CHANNELS [pattern]`.
    Channels(Option<Bytes>),
    /// `PUBSUB NUMSUB [channel ...]`.
    NumSub(Vec<Bytes>),
    /// `PUBSUB NUMPAT`.
    NumPat,
    /// `PUBSUB SHARDCHANNELS [pattern]`.
    ShardChannels(Option<Bytes>),
    /// `PUBSUB SHARDNUMSUB [shardchannel ...]`.
    ShardNumSub(Vec<Bytes>),
}

impl PubSub {
    /// `PUBLISH`: sends `payload` to every subscriber of `channel` and of
    /// every pattern that matches it; returns how many deliveries that
    /// was (a client subscribed to the channel and to a matching pattern
    /// counts twice and gets both, as in Redis). `channel` and `payload`
    /// must own their memory (see `sharedkv_commands::stored`).
    pub(crate) fn publish(&self, channel: &Bytes, payload: &Bytes) -> usize {
        let mut receivers = self.inner.channels.publish(channel, || Message::Channel {
            channel: channel.clone(),
            payload: payload.clone(),
        });
        let patterns = self.inner.patterns.lock();
        for (pattern, subscribers) in patterns.iter() {
            if glob_match(pattern, channel) {
                for mailbox in subscribers.values() {
                    mailbox.deliver(Message::Pattern {
                        pattern: pattern.clone(),
                        channel: channel.clone(),
                        payload: payload.clone(),
                    });
                }
                receivers += subscribers.len();
            }
        }
        receivers
    }

    /// `SPUBLISH`: sends `payload` to every subscriber of the shard
    /// channel `channel`; returns how many there were.
    pub(crate) fn spublish(&self, channel: &Bytes, payload: &Bytes) -> usize {
        self.inner.shards.publish(channel, || Message::Shard {
            channel: channel.clone(),
            payload: payload.clone(),
        })
    }

    /// How many channels have at least one subscriber: `INFO`'s
    /// `pubsub_channels`.
    pub(crate) fn channel_count(&self) -> usize {
        self.inner.channels.len()
    }

    /// How many distinct patterns have at least one subscriber: `INFO`'s
    /// `pubsub_patterns` and `PUBSUB NUMPAT`.
    pub(crate) fn pattern_count(&self) -> usize {
        self.inner.patterns.len()
    }

    /// How many shard channels have at least one subscriber: `INFO`'s
    /// `pubsubshard_channels`.
    pub(crate) fn shard_channel_count(&self) -> usize {
        self.inner.shards.len()
    }

    /// Answers a `PUBSUB` subcommand.
    pub(crate) fn query(&self, query: &Query, reply: &mut Reply<'_>) {
        let names = |table: &Table, pattern: &Option<Bytes>, reply: &mut Reply<'_>| {
            let names = table.names(pattern.as_deref());
            reply.array(names.len());
            for name in &names {
                reply.bulk(name);
            }
        };
        let counts = |table: &Table, channels: &[Bytes], reply: &mut Reply<'_>| {
            // A flat array in RESP3 too, as Redis 7.0 answers.
            reply.array(2 * channels.len());
            for channel in channels {
                reply.bulk(channel);
                reply.count(table.subscribers(channel));
            }
        };
        match query {
            Query::Channels(pattern) => names(&self.inner.channels, pattern, reply),
            Query::ShardChannels(pattern) => names(&self.inner.shards, pattern, reply),
            Query::NumSub(channels) => counts(&self.inner.channels, channels, reply),
            Query::ShardNumSub(channels) => counts(&self.inner.shards, channels, reply),
            Query::NumPat => reply.count(self.pattern_count()),
        }
    }

    fn table(&self, kind: Kind) -> &Table {
        match kind {
            Kind::Channel => &self.inner.channels,
            Kind::Pattern => &self.inner.patterns,
            Kind::Shard => &self.inner.shards,
        }
    }
}

/// Keyspace events are published as `PUBLISH` publishes.
impl sharedkv_commands::notify::Notify for PubSub {
    fn publish(&self, channel: Bytes, message: Bytes) {
        PubSub::publish(self, &channel, &message);
    }
}

/// One connection's subscriptions and its mailbox. Dropping it
/// unsubscribes from all.
#[derive(Debug)]
pub(crate) struct Subscriptions {
    registry: PubSub,
    /// The connection's id: its key in the registry's tables.
    id: u64,
    /// Made on the first subscription, so a connection that never
    /// subscribes allocates none; kept after the last one leaves, for the
    /// messages still queued.
    mailbox: Option<(Mailbox, mpsc::UnboundedReceiver<Message>)>,
    channels: HashSet<Bytes>,
    /// In the order subscribed, as Redis lists them when `PUNSUBSCRIBE`
    /// leaves them all. Found by a linear search, as in Redis.
    patterns: Vec<Bytes>,
    shards: HashSet<Bytes>,
    /// How many names are held in all three: kept so that
    /// [`is_active`](Self::is_active), asked several times per request, is
    /// one comparison.
    held: usize,
}

impl Subscriptions {
    /// No subscriptions yet, for the connection `id`.
    pub(crate) fn new(registry: PubSub, id: u64) -> Self {
        Self {
            registry,
            id,
            mailbox: None,
            channels: HashSet::new(),
            patterns: Vec::new(),
            shards: HashSet::new(),
            held: 0,
        }
    }

    /// What subscription replies count: channels and patterns together,
    /// or shard channels alone (as Redis 7.0 counts them).
    fn count(&self, kind: Kind) -> usize {
        match kind {
            Kind::Channel | Kind::Pattern => self.channels.len() + self.patterns.len(),
            Kind::Shard => self.shards.len(),
        }
    }

    /// `CLIENT LIST`'s `sub`, `psub` and `ssub`.
    pub(crate) fn counts(&self) -> (usize, usize, usize) {
        (self.channels.len(), self.patterns.len(), self.shards.len())
    }

    /// Whether the connection is in subscribe mode: subscribed to anything
    /// in any namespace.
    #[inline]
    pub(crate) fn is_active(&self) -> bool {
        self.held != 0
    }

    /// Whether the connection must read its mailbox: it is subscribed, or
    /// messages sent before it left are still queued.
    pub(crate) fn is_listening(&self) -> bool {
        self.is_active()
            || self
                .mailbox
                .as_ref()
                .is_some_and(|(m, _)| m.gauge.queued.load(Ordering::Relaxed) > 0)
    }

    /// Subscribes to `name` in `kind`'s namespace (again is a no-op);
    /// returns whether it was new.
    fn subscribe(&mut self, kind: Kind, name: &Bytes) -> bool {
        let new = match kind {
            Kind::Channel => !self.channels.contains(name),
            Kind::Pattern => !self.patterns.contains(name),
            Kind::Shard => !self.shards.contains(name),
        };
        if new {
            // Copied: the name may be a slice of a connection's read buffer.
            let name = Bytes::copy_from_slice(name);
            let (mailbox, _) = self.mailbox.get_or_insert_with(|| {
                let (tx, inbox) = mpsc::unbounded_channel();
                let gauge = Arc::default();
                (Mailbox { tx, gauge }, inbox)
            });
            self.registry.table(kind).add(&name, self.id, mailbox);
            match kind {
                Kind::Channel => {
                    self.channels.insert(name);
                }
                Kind::Pattern => self.patterns.push(name),
                Kind::Shard => {
                    self.shards.insert(name);
                }
            }
            self.held += 1;
        }
        new
    }

    /// Unsubscribes from `name` in `kind`'s namespace, if subscribed.
    fn unsubscribe(&mut self, kind: Kind, name: &[u8]) {
        let was = match kind {
            Kind::Channel => self.channels.remove(name),
            Kind::Shard => self.shards.remove(name),
            Kind::Pattern => match self.patterns.iter().position(|p| p == name) {
                Some(i) => {
                    self.patterns.remove(i);
                    true
                }
                None => false,
            },
        };
        if was {
            self.held -= 1;
            self.registry.table(kind).remove(name, self.id);
        }
    }

    /// The names subscribed to in `kind`'s namespace.
    fn names(&self, kind: Kind) -> Vec<Bytes> {
        match kind {
            Kind::Channel => self.channels.iter().cloned().collect(),
            Kind::Pattern => self.patterns.clone(),
            Kind::Shard => self.shards.iter().cloned().collect(),
        }
    }

    /// `SUBSCRIBE`, `PSUBSCRIBE`, `SSUBSCRIBE` (`subscribe`), or their
    /// `UN` forms, on `names`: writes one confirmation per name, as Redis
    /// does. The `UN` forms without names leave every subscription of the
    /// namespace, or confirm with a null name and a count of 0 when there
    /// is none.
    pub(crate) fn run(
        &mut self,
        kind: Kind,
        subscribe: bool,
        mut names: Vec<Bytes>,
        reply: &mut Reply<'_>,
    ) {
        let word = kind.confirmation(subscribe);
        if !subscribe && names.is_empty() {
            names = self.names(kind);
            if names.is_empty() {
                confirm(reply, word, None, self.count(kind));
            }
        }
        for name in names {
            if subscribe {
                self.subscribe(kind, &name);
            } else {
                self.unsubscribe(kind, &name);
            }
            confirm(reply, word, Some(&name), self.count(kind));
        }
    }

    /// Unsubscribes from everything (`RESET`).
    pub(crate) fn clear(&mut self) {
        for kind in [Kind::Channel, Kind::Pattern, Kind::Shard] {
            for name in self.names(kind) {
                self.unsubscribe(kind, &name);
            }
        }
    }

    /// The next message in the mailbox, or `None` if the mailbox overflowed
    /// (the subscriber fell [`MAILBOX_LIMIT`] behind and must be
    /// disconnected). Pending forever while none comes.
    ///
    /// Cancel-safe: dropping the future loses no message.
    pub(crate) async fn next_message(&mut self) -> Option<Message> {
        let Some((mailbox, inbox)) = &mut self.mailbox else {
            return std::future::pending().await;
        };
        let message = inbox.recv().await;
        let gauge = &mailbox.gauge;
        if gauge.overflowed.load(Ordering::Relaxed) {
            return None;
        }
        match message {
            Some(message) => {
                gauge.queued.fetch_sub(message.size(), Ordering::Relaxed);
                Some(message)
            }
            // Unreachable while `mailbox` holds a sender.
            None => std::future::pending().await,
        }
    }

    /// A message already in the mailbox, without waiting: `None` when there
    /// is none, or when the mailbox overflowed (which
    /// [`next_message`](Self::next_message) then reports).
    pub(crate) fn try_message(&mut self) -> Option<Message> {
        let (mailbox, inbox) = self.mailbox.as_mut()?;
        if mailbox.gauge.overflowed.load(Ordering::Relaxed) {
            return None;
        }
        let message = inbox.try_recv().ok()?;
        mailbox
            .gauge
            .queued
            .fetch_sub(message.size(), Ordering::Relaxed);
        Some(message)
    }
}

impl Drop for Subscriptions {
    fn drop(&mut self) {
        self.clear();
    }
}

/// A subscription's confirmation: the kind, the name (or a null), the
/// count; a push in RESP3, an array of 3 in RESP2.
fn confirm(reply: &mut Reply<'_>, word: &[u8], name: Option<&[u8]>, count: usize) {
    reply.push(3);
    reply.bulk(word);
    reply.bulk_or_null(name);
    reply.count(count);
}

/// `PUBSUB HELP`'s lines (Redis's subcommands, our words).
pub(crate) const HELP: &[&str] = &[
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the channels that have subscribers, those matching <pattern> if given.",
    "NUMPAT",
    "    Return how many distinct patterns have subscribers.",
    "NUMSUB [<channel> ...]",
    "    Return each channel with its number of subscribers, pattern subscribers not counted.",
    "SHARDCHANNELS [<pattern>]",
    "    Return the shard channels that have subscribers, those matching <pattern> if given.",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return each shard channel with its number of subscribers.",
    "HELP",
    "    Print this help.",
];

#[cfg(test)]
mod tests {
    use bytes::BytesMut;

    use super::*;

    fn b(s: &'static str) -> Bytes {
        Bytes::from_static(s.as_bytes())
    }

    fn subscribe(subs: &mut Subscriptions, kind: Kind, names: &[&'static str]) {
        let mut out = BytesMut::new();
        let names = names.iter().map(|n| b(n)).collect();
        subs.run(kind, true, names, &mut Reply::new(&mut out, 0));
    }

    /// A name exists while it has subscribers and is forgotten after the last one leaves.
    #[tokio::test]
    async fn names_live_as_long_as_their_subscribers() {
        let registry = PubSub::default();
        let mut a = Subscriptions::new(registry.clone(), 1);
        let mut b_ = Subscriptions::new(registry.clone(), 2);
        subscribe(&mut a, Kind::Channel, &["news", "news"]);
        subscribe(&mut b_, Kind::Channel, &["news"]);
        assert_eq!(a.count(Kind::Channel), 1);
        assert_eq!(registry.publish(&b("news"), &b("hi")), 2);
        assert_eq!(
            a.next_message().await,
            Some(Message::Channel {
                channel: b("news"),
                payload: b("hi")
            })
        );
        a.unsubscribe(Kind::Channel, b"news");
        assert_eq!(registry.publish(&b("news"), &b("again")), 1);
        drop(b_);
        assert_eq!(registry.publish(&b("news"), &b("gone")), 0);
        assert_eq!(registry.channel_count(), 0);
    }

    /// A channel subscriber that also holds a matching pattern gets the message, then the pmessage; shard channels are apart.
    #[tokio::test]
    async fn patterns_count_and_deliver_after_channels() {
        let registry = PubSub::default();
        let mut a = Subscriptions::new(registry.clone(), 1);
        subscribe(&mut a, Kind::Pattern, &["n*"]);
        subscribe(&mut a, Kind::Channel, &["news"]);
        subscribe(&mut a, Kind::Shard, &["news"]);
        assert_eq!(registry.publish(&b("news"), &b("hi")), 2);
        assert_eq!(registry.publish(&b("other"), &b("x")), 0);
        assert_eq!(registry.spublish(&b("news"), &b("s")), 1);
        assert!(matches!(a.try_message(), Some(Message::Channel { .. })));
        assert!(
            matches!(a.try_message(), Some(Message::Pattern { pattern, .. }) if pattern == "n*")
        );
        assert!(matches!(a.try_message(), Some(Message::Shard { .. })));
        assert_eq!(a.try_message(), None);
        assert_eq!(a.counts(), (1, 1, 1));
        a.clear();
        assert!(!a.is_active());
        assert_eq!(registry.pattern_count(), 0);
    }

    /// A subscriber that never takes its messages is cut off at the mailbox limit, and the publisher never waits.
    #[tokio::test]
    async fn a_full_mailbox_overflows() {
        let registry = PubSub::default();
        let mut a = Subscriptions::new(registry.clone(), 1);
        subscribe(&mut a, Kind::Channel, &["c"]);
        let big = Bytes::from(vec![b'x'; 1024 * 1024]);
        for _ in 0..(MAILBOX_LIMIT / big.len() + 2) {
            registry.publish(&b("c"), &big);
        }
        assert_eq!(a.next_message().await, None);
    }
}
