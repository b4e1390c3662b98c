//! A subscriber's end of a stream.

use super::message::Message;
use super::queue::{Pop, Queue};
use super::stream::{Consumer, Stream};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// Receives the messages of one stream that pass its filter, from its bounded
/// queue. When the queue is full newer messages are dropped for this subscriber
/// and counted in [`lagged`](Self::lagged). Dropping it detaches it.
pub struct StreamSubscription {
    pub(crate) queue: Arc<Queue<Arc<Message>>>,
    pub(crate) consumer: Arc<Consumer>,
    pub(crate) stream: Weak<Stream>,
    pub(crate) stream_name: Arc<str>,
}

impl StreamSubscription {
    /// The stream.
    pub fn stream(&self) -> &str {
        &self.stream_name
    }

    /// The filter's expression, if any.
    pub fn filter(&self) -> Option<&str> {
        self.consumer.filter.as_ref().map(|f| f.expr())
    }

    /// The next message, waiting up to `timeout`; `None` on timeout or once the
    /// hub shut down and the queue is drained.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Arc<Message>> {
        match self.queue.pop(timeout) {
            Pop::Item(m) => Some(m),
            Pop::Empty | Pop::Closed => None,
        }
    }

    /// The next message if one is queued.
    pub fn try_recv(&self) -> Option<Arc<Message>> {
        self.recv_timeout(Duration::ZERO)
    }

    /// Messages dropped because this subscriber's queue was full.
    pub fn lagged(&self) -> u64 {
        self.consumer.dropped.load(Relaxed)
    }

    /// Messages the filter failed on (they were not delivered).
    pub fn filter_errors(&self) -> u64 {
        self.consumer.errors.load(Relaxed)
    }

    /// Whether the hub shut down (no message will come any more once the queue
    /// is drained).
    pub fn is_closed(&self) -> bool {
        self.queue.is_closed()
    }
}

impl Drop for StreamSubscription {
    fn drop(&mut self) {
        self.queue.close_and_clear();
        if let Some(s) = self.stream.upgrade() {
            s.remove(&[self.consumer.id]);
        }
    }
}
