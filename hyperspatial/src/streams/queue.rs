//! The bounded queue in front of every consumer: a `VecDeque` behind a mutex with
//! two condition variables, so a producer can either give up at once (subscribers)
//! or wait a bounded time for room (processors), and a consumer can wait a bounded
//! time for a message. Closing wakes everyone. The queue is bounded twice: in items
//! and in bytes (each item comes with its weight; one item larger than the byte
//! bound is still taken when the queue is empty, so it can be delivered).

use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Why a push failed; the item comes back.
#[derive(Debug)]
pub(crate) enum PushError<T> {
    /// Still full after the allowed wait.
    Full(T),
    /// The queue was closed.
    Closed(T),
}

/// What a pop found.
#[derive(Debug)]
pub(crate) enum Pop<T> {
    /// The oldest item.
    Item(T),
    /// Nothing within the timeout.
    Empty,
    /// Closed and drained.
    Closed,
}

struct State<T> {
    items: VecDeque<(T, usize)>,
    /// The weights of `items`, summed.
    bytes: usize,
    closed: bool,
}

impl<T> State<T> {
    fn has_room(&self, capacity: usize, max_bytes: usize, weight: usize) -> bool {
        self.items.is_empty()
            || (self.items.len() < capacity && self.bytes.saturating_add(weight) <= max_bytes)
    }
}

/// A bounded multi-producer queue.
pub(crate) struct Queue<T> {
    state: Mutex<State<T>>,
    not_empty: Condvar,
    not_full: Condvar,
    capacity: usize,
    max_bytes: usize,
}

impl<T> Queue<T> {
    /// A queue of at most `capacity` items (at least 1) weighing at most `max_bytes`
    /// together.
    pub(crate) fn new(capacity: usize, max_bytes: usize) -> Self {
        Queue {
            state: Mutex::new(State {
                items: VecDeque::new(),
                bytes: 0,
                closed: false,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity: capacity.max(1),
            max_bytes,
        }
    }

    /// Appends `item` of `weight` bytes, waiting up to `wait` for room
    /// (`Duration::ZERO`: not at all).
    pub(crate) fn push(&self, item: T, weight: usize, wait: Duration) -> Result<(), PushError<T>> {
        let deadline = Instant::now() + wait;
        let mut st = self.state.lock();
        loop {
            if st.closed {
                return Err(PushError::Closed(item));
            }
            if st.has_room(self.capacity, self.max_bytes, weight) {
                st.items.push_back((item, weight));
                st.bytes = st.bytes.saturating_add(weight);
                drop(st);
                self.not_empty.notify_one();
                return Ok(());
            }
            if wait.is_zero() || self.not_full.wait_until(&mut st, deadline).timed_out() {
                // One last look: room may have appeared at the deadline.
                if !st.closed && st.has_room(self.capacity, self.max_bytes, weight) {
                    continue;
                }
                return Err(if st.closed {
                    PushError::Closed(item)
                } else {
                    PushError::Full(item)
                });
            }
        }
    }

    /// Takes the oldest item, waiting up to `timeout`. Items queued before the
    /// queue was closed are still handed out.
    pub(crate) fn pop(&self, timeout: Duration) -> Pop<T> {
        let deadline = Instant::now() + timeout;
        let mut st = self.state.lock();
        loop {
            if let Some((item, weight)) = st.items.pop_front() {
                st.bytes -= weight;
                drop(st);
                self.not_full.notify_one();
                return Pop::Item(item);
            }
            if st.closed {
                return Pop::Closed;
            }
            if self.not_empty.wait_until(&mut st, deadline).timed_out() && st.items.is_empty() {
                return if st.closed { Pop::Closed } else { Pop::Empty };
            }
        }
    }

    /// Refuses further pushes and wakes every waiter.
    pub(crate) fn close(&self) {
        self.state.lock().closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }

    /// Closes and forgets what is queued.
    pub(crate) fn close_and_clear(&self) {
        {
            let mut st = self.state.lock();
            st.closed = true;
            st.items.clear();
            st.bytes = 0;
        }
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }

    /// Whether it was closed.
    pub(crate) fn is_closed(&self) -> bool {
        self.state.lock().closed
    }

    /// Items queued.
    pub(crate) fn len(&self) -> usize {
        self.state.lock().items.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn full_queue_refuses_at_once_or_after_the_wait() {
        let q = Queue::new(2, usize::MAX);
        q.push(1, 1, Duration::ZERO).unwrap();
        q.push(2, 1, Duration::ZERO).unwrap();
        assert!(matches!(
            q.push(3, 1, Duration::ZERO),
            Err(PushError::Full(3))
        ));
        assert!(matches!(
            q.push(4, 1, Duration::from_millis(5)),
            Err(PushError::Full(4))
        ));
        assert!(matches!(q.pop(Duration::ZERO), Pop::Item(1)));
        q.push(5, 1, Duration::ZERO).unwrap();
        assert_eq!(q.len(), 2);
    }

    #[test]
    fn waiting_producer_gets_room_when_the_consumer_pops() {
        let q = Arc::new(Queue::new(1, usize::MAX));
        q.push(0, 1, Duration::ZERO).unwrap();
        let q2 = q.clone();
        let consumer = std::thread::spawn(move || {
            let mut got = Vec::new();
            while got.len() < 3 {
                if let Pop::Item(x) = q2.pop(Duration::from_secs(10)) {
                    got.push(x);
                }
            }
            got
        });
        // Each push waits for the consumer to take the previous item.
        q.push(1, 1, Duration::from_secs(10)).unwrap();
        q.push(2, 1, Duration::from_secs(10)).unwrap();
        assert_eq!(consumer.join().unwrap(), vec![0, 1, 2]);
    }

    #[test]
    fn close_drains_then_reports_closed_and_wakes_waiters() {
        let q = Arc::new(Queue::new(1, usize::MAX));
        q.push("a", 1, Duration::ZERO).unwrap();
        let q2 = q.clone();
        let blocked = std::thread::spawn(move || q2.push("b", 1, Duration::from_secs(30)));
        q.close();
        assert!(matches!(
            blocked.join().unwrap(),
            Err(PushError::Closed("b"))
        ));
        assert!(matches!(q.pop(Duration::ZERO), Pop::Item("a")));
        assert!(matches!(q.pop(Duration::from_secs(30)), Pop::Closed));
        assert!(q.is_closed());
        let c = Queue::new(4, usize::MAX);
        c.push(1, 1, Duration::ZERO).unwrap();
        c.close_and_clear();
        assert!(matches!(c.pop(Duration::ZERO), Pop::Closed));
    }

    #[test]
    fn the_byte_bound_refuses_heavy_items_but_takes_one_into_an_empty_queue() {
        let q = Queue::new(100, 10);
        q.push("a", 6, Duration::ZERO).unwrap();
        assert!(matches!(
            q.push("b", 6, Duration::ZERO),
            Err(PushError::Full("b"))
        ));
        q.push("c", 4, Duration::ZERO).unwrap();
        assert!(matches!(q.pop(Duration::ZERO), Pop::Item("a")));
        assert!(matches!(q.pop(Duration::ZERO), Pop::Item("c")));
        // Empty: even an item over the bound goes in (alone).
        q.push("huge", 50, Duration::ZERO).unwrap();
        assert!(matches!(
            q.push("d", 1, Duration::ZERO),
            Err(PushError::Full("d"))
        ));
        assert!(matches!(q.pop(Duration::ZERO), Pop::Item("huge")));
        q.push("d", 1, Duration::ZERO).unwrap();
    }
}
