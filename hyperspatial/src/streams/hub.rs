//! The hub: streams by name, producers, consumers, counters and shutdown.

use super::filter::MessageFilter;
use super::message::Source;
use super::processor::{self, Processor};
use super::producers;
use super::queue::Queue;
use super::stream::{Consumer, Stream, Target};
use super::subscription::StreamSubscription;
use super::{CHANGES, StreamError, check_stream_name};
use crate::Database;
use parking_lot::{Condvar, Mutex, RwLock};
use serde::Serialize;
use serde_json::Value as JsonValue;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::thread::JoinHandle;
use std::time::Duration;
use uuid::Uuid;

/// At most this many entity ids written by processors are remembered for the hop
/// count of their change messages (beyond, the memory is cleared: those changes
/// then count as fresh).
const MAX_REMEMBERED_WRITES: usize = 65_536;

/// Settings of a hub.
#[derive(Clone, Debug)]
pub struct HubConfig {
    /// Queue of each subscriber, in messages (default 1024).
    pub subscriber_capacity: usize,
    /// Queue of each processor or writer, in messages (default 1024).
    pub processor_capacity: usize,
    /// How long a publisher waits for room in a full processor queue before the
    /// message is dropped for that processor (default 100 ms).
    pub max_wait: Duration,
    /// Largest hop count of a message (default 8); see the loop-back rules.
    pub max_hops: u32,
    /// Most streams the hub holds (default 1024).
    pub max_streams: usize,
    /// Change-feed buffer of the `changes` bridge, in events (default 4096).
    pub feed_capacity: usize,
    /// Bytes of messages (their payloads, roughly as JSON) each subscriber's or
    /// processor's queue may hold besides its message count (default 64 MiB); a
    /// message that does not fit counts as dropped for that consumer, as when the
    /// queue is full. A single message larger than this still goes into an empty
    /// queue.
    pub queue_bytes: usize,
}

impl Default for HubConfig {
    fn default() -> Self {
        HubConfig {
            subscriber_capacity: 1024,
            processor_capacity: 1024,
            max_wait: Duration::from_millis(100),
            max_hops: 8,
            max_streams: 1024,
            feed_capacity: 4096,
            queue_bytes: 64 << 20,
        }
    }
}

/// Counters of a consumer.
#[derive(Clone, Debug, Serialize)]
pub struct ConsumerInfo {
    /// Its id (see [`StreamHub::remove`]).
    pub id: u64,
    /// `subscriber`, `processor` or `route`.
    pub kind: &'static str,
    /// The processor's name, the route's destination, or `subscriber`.
    pub name: String,
    /// Its filter, if any.
    #[serde(rename = "where")]
    pub filter: Option<String>,
    /// Messages handed to it.
    pub delivered: u64,
    /// Messages it did not get (queue full; for routes the hop limit).
    pub dropped: u64,
    /// Filter failures; for processors also failed messages.
    pub errors: u64,
    /// Messages waiting in its queue.
    pub queued: usize,
}

/// Counters of a stream (all since the stream was created).
#[derive(Clone, Debug, Serialize)]
pub struct StreamInfo {
    /// The name.
    pub name: String,
    /// Messages published (the last sequence number).
    pub published: u64,
    /// Deliveries to consumers (one message may be delivered to several).
    pub delivered: u64,
    /// Deliveries dropped (slow consumers, hop limit) plus, for `changes`, events
    /// the database feed dropped before they reached the stream.
    pub dropped: u64,
    /// Filter failures and failed route deliveries (a processor's own failures
    /// are in its consumer's `errors`).
    pub errors: u64,
    /// The consumers.
    pub consumers: Vec<ConsumerInfo>,
}

/// The shared state, held by the hub's handles and its threads.
pub(crate) struct Core {
    pub(crate) config: HubConfig,
    pub(crate) db: Option<Database>,
    streams: RwLock<HashMap<Arc<str>, Arc<Stream>>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    stopping: AtomicBool,
    /// Wakes sleeping producers at shutdown.
    sleep_lock: Mutex<()>,
    sleep_cv: Condvar,
    bridge: Mutex<bool>,
    /// Entity id -> hop count of writes by processors, until their change arrives.
    written: Mutex<HashMap<Uuid, u32>>,
    loop_dropped: AtomicU64,
    next_id: AtomicU64,
    /// Messages the hub's processors and writers have finished, and the condition
    /// that wakes [`StreamHub::wait_for`] when the count moves.
    finished: Mutex<u64>,
    finished_cv: Condvar,
}

impl Core {
    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping.load(Relaxed)
    }

    /// The stream `name`, created if new.
    pub(crate) fn stream(&self, name: &str) -> Result<Arc<Stream>, StreamError> {
        if self.is_stopping() {
            return Err(StreamError::ShutDown);
        }
        if let Some(s) = self.streams.read().get(name) {
            return Ok(s.clone());
        }
        check_stream_name(name)?;
        let mut w = self.streams.write();
        if let Some(s) = w.get(name) {
            return Ok(s.clone());
        }
        if w.len() >= self.config.max_streams {
            return Err(StreamError::TooManyStreams(self.config.max_streams));
        }
        let s = Arc::new(Stream::new(name));
        w.insert(s.name.clone(), s.clone());
        Ok(s)
    }

    pub(crate) fn publish(
        &self,
        stream: &str,
        payload: JsonValue,
        source: Source,
        hops: u32,
    ) -> Result<u64, StreamError> {
        self.stream(stream)?.publish(self, payload, source, hops)
    }

    /// A processor or writer finished a message (its outputs are published and its
    /// counters updated): wakes [`StreamHub::wait_for`].
    pub(crate) fn note_finished(&self) {
        *self.finished.lock() += 1;
        self.finished_cv.notify_all();
    }

    pub(crate) fn count_loop_drop(&self) {
        self.loop_dropped.fetch_add(1, Relaxed);
    }

    /// Sleeps `d`; false when the hub stops (at once, not after `d`).
    pub(crate) fn sleep(&self, d: Duration) -> bool {
        let mut g = self.sleep_lock.lock();
        if self.is_stopping() {
            return false;
        }
        let _ = self.sleep_cv.wait_for(&mut g, d);
        !self.is_stopping()
    }

    fn spawn(&self, what: String, f: impl FnOnce() + Send + 'static) -> Result<(), StreamError> {
        let h = std::thread::Builder::new()
            .name(format!("stream {what}"))
            .spawn(f)
            .map_err(StreamError::Thread)?;
        self.threads.lock().push(h);
        Ok(())
    }

    /// Remembers that a processor writes `ids` at hop `hops` (only while the
    /// change bridge runs: nothing else would ever take them back).
    pub(crate) fn note_writes(&self, ids: &[Uuid], hops: u32) {
        if !*self.bridge.lock() {
            return;
        }
        let mut w = self.written.lock();
        if w.len() + ids.len() > MAX_REMEMBERED_WRITES {
            w.clear();
        }
        for id in ids {
            w.insert(*id, hops);
        }
    }

    pub(crate) fn forget_writes(&self, ids: &[Uuid]) {
        let mut w = self.written.lock();
        for id in ids {
            w.remove(id);
        }
    }

    /// The hop count of a change of `id`: the processor write's, or 0.
    pub(crate) fn take_hops(&self, id: Uuid) -> u32 {
        self.written.lock().remove(&id).unwrap_or(0)
    }

    fn shutdown(&self) {
        {
            let _g = self.sleep_lock.lock();
            self.stopping.store(true, Relaxed);
        }
        self.sleep_cv.notify_all();
        for s in self.streams.read().values() {
            for c in s.consumers().iter() {
                match &c.target {
                    Target::Subscriber(q) => q.close(),
                    Target::Worker(q) => q.close_and_clear(),
                    Target::Route(_) => {}
                }
            }
        }
        let threads = std::mem::take(&mut *self.threads.lock());
        let me = std::thread::current().id();
        for t in threads {
            if t.thread().id() != me {
                let _ = t.join();
            }
        }
        self.streams.write().clear();
    }
}

/// Shuts the hub down when the last handle goes.
struct Owner(Arc<Core>);

impl Drop for Owner {
    fn drop(&mut self) {
        self.0.shutdown();
    }
}

/// Named streams of JSON messages with producers, routes and consumers (see the
/// `streams` module docs for the design and the slow-consumer policy). Cheap to
/// clone; the hub shuts down when the last clone is dropped.
#[derive(Clone)]
pub struct StreamHub {
    core: Arc<Core>,
    _owner: Arc<Owner>,
}

impl StreamHub {
    /// A hub without a database (no `changes` stream, no writers).
    pub fn new(config: HubConfig) -> StreamHub {
        Self::build(None, config)
    }

    /// A hub over `db`: the `changes` stream, writers, and the database's
    /// functions in filters.
    pub fn with_database(db: Database, config: HubConfig) -> StreamHub {
        Self::build(Some(db), config)
    }

    fn build(db: Option<Database>, config: HubConfig) -> StreamHub {
        let core = Arc::new(Core {
            config,
            db,
            streams: RwLock::new(HashMap::new()),
            threads: Mutex::new(Vec::new()),
            stopping: AtomicBool::new(false),
            sleep_lock: Mutex::new(()),
            sleep_cv: Condvar::new(),
            bridge: Mutex::new(false),
            written: Mutex::new(HashMap::new()),
            loop_dropped: AtomicU64::new(0),
            next_id: AtomicU64::new(1),
            finished: Mutex::new(0),
            finished_cv: Condvar::new(),
        });
        StreamHub {
            _owner: Arc::new(Owner(core.clone())),
            core,
        }
    }

    /// The settings.
    pub fn config(&self) -> &HubConfig {
        &self.core.config
    }

    /// Publishes `payload` to `stream` (created if new) as an external message;
    /// its sequence number. Waits at most [`HubConfig::max_wait`] per slow
    /// processor of the stream (and of the streams it routes to).
    pub fn publish(&self, stream: &str, payload: JsonValue) -> Result<u64, StreamError> {
        self.core.publish(stream, payload, Source::Api, 0)
    }

    /// Subscribes to `stream` (created if new) with the default queue size and
    /// an optional filter (a HyperQL WHERE expression, see [`MessageFilter`]).
    pub fn subscribe(
        &self,
        stream: &str,
        filter: Option<&str>,
    ) -> Result<StreamSubscription, StreamError> {
        self.subscribe_with_capacity(stream, filter, self.core.config.subscriber_capacity)
    }

    /// [`subscribe`](Self::subscribe) with a queue of `capacity` messages.
    pub fn subscribe_with_capacity(
        &self,
        stream: &str,
        filter: Option<&str>,
        capacity: usize,
    ) -> Result<StreamSubscription, StreamError> {
        let filter = self.filter(filter)?;
        let s = self.core.stream(stream)?;
        let queue = Arc::new(Queue::new(capacity, self.core.config.queue_bytes));
        let consumer = Arc::new(Consumer::new(
            self.next_id(),
            Arc::from("subscriber"),
            Target::Subscriber(queue.clone()),
            filter,
        ));
        s.add(consumer.clone());
        self.attached(&s)?;
        Ok(StreamSubscription {
            queue,
            consumer,
            stream: Arc::downgrade(&s),
            stream_name: s.name.clone(),
        })
    }

    /// Forwards the messages of `from` that pass `filter` into `to` (both created
    /// if new), in the publisher's thread, one hop further; the route's id.
    pub fn route(&self, from: &str, to: &str, filter: Option<&str>) -> Result<u64, StreamError> {
        let filter = self.filter(filter)?;
        let dest = self.core.stream(to)?;
        let s = self.core.stream(from)?;
        let id = self.next_id();
        s.add(Arc::new(Consumer::new(
            id,
            dest.name.clone(),
            Target::Route(dest),
            filter,
        )));
        self.attached(&s)?;
        Ok(id)
    }

    /// Runs `processor` on its own thread for the messages of `from` that pass
    /// `filter`; the consumer's id. Its writes need a database.
    pub fn process(
        &self,
        name: &str,
        from: &str,
        filter: Option<&str>,
        processor: impl Processor,
    ) -> Result<u64, StreamError> {
        let filter = self.filter(filter)?;
        let s = self.core.stream(from)?;
        let id = self.next_id();
        let name: Arc<str> = Arc::from(name);
        let queue = Arc::new(Queue::new(
            self.core.config.processor_capacity,
            self.core.config.queue_bytes,
        ));
        let consumer = Arc::new(Consumer::new(
            id,
            name.clone(),
            Target::Worker(queue.clone()),
            filter,
        ));
        let (core, c) = (self.core.clone(), consumer.clone());
        let boxed: Box<dyn Processor> = Box::new(processor);
        self.core.spawn(format!("processor {name}"), move || {
            processor::run(&core, &c, &queue, &name, boxed);
        })?;
        s.add(consumer);
        self.attached(&s)?;
        Ok(id)
    }

    /// A database writer: inserts every message of `from` that passes `filter`
    /// into `collection` as a document (see [`StreamHub::process`]).
    pub fn write_to(
        &self,
        from: &str,
        filter: Option<&str>,
        collection: &str,
    ) -> Result<u64, StreamError> {
        if self.core.db.is_none() {
            return Err(StreamError::NoDatabase("a writer needs one"));
        }
        crate::store::check_name(collection)?;
        let name = format!("writer:{collection}");
        self.process(
            &name,
            from,
            filter,
            processor::collection_writer(collection.to_string()),
        )
    }

    /// Publishes `{"tick": n, "every_ms": ms}` to `stream` every `every`, on its own
    /// thread, until the hub shuts down.
    pub fn tick(&self, stream: &str, every: Duration) -> Result<(), StreamError> {
        if every < Duration::from_millis(1) {
            return Err(StreamError::BadInterval);
        }
        let s = self.core.stream(stream)?;
        let core = self.core.clone();
        let name = s.name.clone();
        self.core.spawn(format!("tick {name}"), move || {
            producers::run_ticks(&core, &name, every);
        })
    }

    /// Detaches the consumer `id` (a processor stops after the message in hand).
    /// Whether it existed.
    pub fn remove(&self, id: u64) -> bool {
        let streams: Vec<_> = self.core.streams.read().values().cloned().collect();
        for s in streams {
            if let Some(c) = s.remove(&[id]).first() {
                if let Target::Worker(q) = &c.target {
                    q.close();
                }
                return true;
            }
        }
        false
    }

    /// Every stream with its counters, by name.
    pub fn streams(&self) -> Vec<StreamInfo> {
        let streams: Vec<_> = self.core.streams.read().values().cloned().collect();
        let mut out: Vec<StreamInfo> = streams.iter().map(|s| info(s)).collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// One stream's counters.
    pub fn stream_info(&self, name: &str) -> Option<StreamInfo> {
        self.core.streams.read().get(name).map(|s| info(s))
    }

    /// Messages dropped because they would have exceeded the hop limit.
    pub fn loop_dropped(&self) -> u64 {
        self.core.loop_dropped.load(Relaxed)
    }

    /// Waits until `cond` holds, checking it now and each time a processor or writer
    /// of the hub finishes a message (no polling); false if it still does not hold
    /// after `timeout`. For conditions that a consumer's work makes true: counters,
    /// the documents a writer inserts.
    pub fn wait_for(&self, timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        let mut finished = self.core.finished.lock();
        loop {
            if cond() {
                return true;
            }
            if self
                .core
                .finished_cv
                .wait_until(&mut finished, deadline)
                .timed_out()
            {
                return cond();
            }
        }
    }

    /// Stops producers and processors, closes every queue and joins the threads.
    /// Later calls do nothing; later publishes fail with [`StreamError::ShutDown`].
    pub fn shutdown(&self) {
        self.core.shutdown();
    }

    fn next_id(&self) -> u64 {
        self.core.next_id.fetch_add(1, Relaxed)
    }

    fn filter(&self, filter: Option<&str>) -> Result<Option<MessageFilter>, StreamError> {
        filter
            .map(|f| MessageFilter::new(f, self.core.db.as_ref()))
            .transpose()
    }

    /// Starts the change bridge when the first consumer attaches to `changes`.
    fn attached(&self, s: &Stream) -> Result<(), StreamError> {
        if &*s.name != CHANGES {
            return Ok(());
        }
        let Some(db) = &self.core.db else {
            return Ok(());
        };
        let mut started = self.core.bridge.lock();
        if *started {
            return Ok(());
        }
        // Subscribed here, not in the thread: changes committed after this call
        // returns reach the stream.
        let sub = db.subscribe(self.core.config.feed_capacity);
        let core = self.core.clone();
        self.core.spawn("changes".into(), move || {
            producers::run_changes(&core, &sub)
        })?;
        *started = true;
        Ok(())
    }
}

fn info(s: &Stream) -> StreamInfo {
    let get = |c: &AtomicU64| c.load(Relaxed);
    StreamInfo {
        name: s.name.to_string(),
        published: get(&s.published),
        delivered: get(&s.delivered),
        dropped: get(&s.dropped),
        errors: get(&s.errors),
        consumers: s
            .consumers()
            .iter()
            .map(|c| ConsumerInfo {
                id: c.id,
                kind: c.target.kind(),
                name: c.name.to_string(),
                filter: c.filter.as_ref().map(|f| f.expr().to_string()),
                delivered: get(&c.delivered),
                dropped: get(&c.dropped),
                errors: get(&c.errors),
                queued: c.target.queue().map_or(0, |q| q.len()),
            })
            .collect(),
    }
}
