//! Pub/sub: one broadcast channel per channel name, held by the server
//! beside the `Db` and the same for every strategy (as in mini-redis).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::StreamMap;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

/// How many messages a channel buffers for its slowest subscriber. A
/// subscriber that falls further behind skips what it missed (it is
/// "lagged"), so one slow reader never blocks a publisher. 1024, as in
/// mini-redis: enough for a pipelined publisher's whole batch of `PUBLISH`
/// to reach a subscriber on the same worker thread.
///
/// **Cost:** the ring is allocated up front, about 64 bytes a slot, so each
/// channel with subscribers holds about 64 KiB however quiet it is.
const CHANNEL_CAPACITY: usize = 1024;

/// The registry of channels that have subscribers. Clones share it.
#[derive(Clone, Debug, Default)]
pub(crate) struct PubSub {
    /// Why a std `Mutex`: it is held only to look up, insert or remove one
    /// entry, never across an `.await`. A channel is removed as soon as its
    /// last subscriber leaves, so subscribing to many names and leaving
    /// does not grow the map.
    channels: Arc<Mutex<HashMap<Bytes, broadcast::Sender<Bytes>>>>,
}

impl PubSub {
    /// Sends `message` to every current subscriber of `channel`; returns
    /// how many there were.
    pub(crate) fn publish(&self, channel: &[u8], message: Bytes) -> usize {
        // Clone the sender and send outside the lock.
        let sender = self.lock().get(channel).cloned();
        sender.map_or(0, |tx| tx.send(message).unwrap_or(0))
    }

    /// `INFO`'s `pubsub_channels`: channels with at least one subscriber.
    pub(crate) fn channel_count(&self) -> usize {
        self.lock().len()
    }

    /// A receiver of `channel`, creating the channel if needed.
    fn subscribe(&self, channel: &[u8]) -> broadcast::Receiver<Bytes> {
        let mut channels = self.lock();
        if let Some(tx) = channels.get(channel) {
            return tx.subscribe();
        }
        // Copied: the name may be a slice of a connection's read buffer.
        let (tx, rx) = broadcast::channel(CHANNEL_CAPACITY);
        channels.insert(Bytes::copy_from_slice(channel), tx);
        rx
    }

    /// Forgets `channel` if its last receiver is gone. Call after dropping
    /// a receiver; the check and the removal happen under the lock that
    /// `subscribe` takes, so no new subscriber can be lost.
    fn release(&self, channel: &[u8]) {
        let mut channels = self.lock();
        if channels
            .get(channel)
            .is_some_and(|tx| tx.receiver_count() == 0)
        {
            channels.remove(channel);
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Bytes, broadcast::Sender<Bytes>>> {
        // Nothing panics while the lock is held; a poisoned map is intact.
        self.channels.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One connection's subscriptions. Dropping it unsubscribes from all.
#[derive(Debug)]
pub(crate) struct Subscriptions {
    registry: PubSub,
    /// One stream per subscribed channel, keyed by the channel name.
    streams: StreamMap<Bytes, BroadcastStream<Bytes>>,
}

impl Subscriptions {
    pub(crate) fn new(registry: PubSub) -> Self {
        Self {
            registry,
            streams: StreamMap::new(),
        }
    }

    /// How many channels this connection is subscribed to.
    pub(crate) fn count(&self) -> usize {
        self.streams.len()
    }

    /// Whether the connection is in subscribe mode.
    pub(crate) fn is_active(&self) -> bool {
        !self.streams.is_empty()
    }

    /// Subscribes to `channel` (again is a no-op); returns the new count.
    pub(crate) fn subscribe(&mut self, channel: &Bytes) -> usize {
        if !self.streams.contains_key(channel) {
            let stream = BroadcastStream::new(self.registry.subscribe(channel));
            self.streams.insert(Bytes::copy_from_slice(channel), stream);
        }
        self.count()
    }

    /// Unsubscribes from `channel` (if subscribed); returns the new count.
    pub(crate) fn unsubscribe(&mut self, channel: &[u8]) -> usize {
        if self.streams.remove(channel).is_some() {
            self.registry.release(channel);
        }
        self.count()
    }

    /// The names of every subscribed channel.
    pub(crate) fn channels(&self) -> Vec<Bytes> {
        self.streams.keys().cloned().collect()
    }

    /// Unsubscribes from everything.
    pub(crate) fn clear(&mut self) {
        for channel in self.channels() {
            self.unsubscribe(&channel);
        }
    }

    /// The next message on any subscribed channel, as `(channel, message)`.
    /// Messages a lagging subscriber missed are skipped. Pending forever
    /// while there are no subscriptions.
    ///
    /// Cancel-safe: dropping the future loses no message.
    pub(crate) async fn next_message(&mut self) -> (Bytes, Bytes) {
        loop {
            match self.streams.next().await {
                Some((channel, Ok(message))) => return (channel, message),
                Some((channel, Err(BroadcastStreamRecvError::Lagged(missed)))) => {
                    tracing::debug!(?channel, missed, "slow subscriber skipped messages");
                }
                None => std::future::pending::<()>().await,
            }
        }
    }
}

impl Drop for Subscriptions {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A channel exists while it has subscribers and is forgotten after the last one leaves.
    #[tokio::test]
    async fn channels_live_as_long_as_their_subscribers() {
        let registry = PubSub::default();
        let mut a = Subscriptions::new(registry.clone());
        let mut b = Subscriptions::new(registry.clone());
        assert_eq!(a.subscribe(&Bytes::from_static(b"news")), 1);
        assert_eq!(a.subscribe(&Bytes::from_static(b"news")), 1);
        assert_eq!(b.subscribe(&Bytes::from_static(b"news")), 1);
        assert_eq!(registry.publish(b"news", Bytes::from_static(b"hi")), 2);
        assert_eq!(
            a.next_message().await,
            (Bytes::from_static(b"news"), Bytes::from_static(b"hi"))
        );
        assert_eq!(a.unsubscribe(b"news"), 0);
        assert_eq!(registry.publish(b"news", Bytes::from_static(b"again")), 1);
        drop(b);
        assert_eq!(registry.publish(b"news", Bytes::from_static(b"gone")), 0);
        assert!(registry.lock().is_empty());
    }
}
