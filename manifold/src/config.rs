//! Configuration: sizes, caches, checkpoint policy, and presets.

use crate::error::{Error, Result};
use crate::storage::io::{OsVfs, Vfs};
use std::sync::Arc;
use std::time::Duration;

/// How a commit waits for durability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `commit` returns once the transaction's log record is on stable storage
    /// (sharing one `fdatasync` with concurrent committers). The default.
    #[default]
    Immediate,
    /// `commit` returns once the record is written to the operating system. It survives
    /// the process crashing, and becomes durable at the next sync (a later immediate
    /// commit, a checkpoint, or [`crate::Database::sync`]); a power loss before then may
    /// lose it, but never half of it.
    Deferred,
}

/// Database configuration. Start from a preset and adjust with the builder.
#[derive(Debug, Clone)]
pub struct Config {
    /// Size of one data segment (the unit a column family grows by). Multiple of 4096.
    pub segment_size: u64,
    /// Page cache per column family, in bytes (redb's cache; set explicitly because its
    /// default is 1 GiB per database).
    pub cache_per_family: usize,
    /// Size of one log segment; also bounds the largest transaction that goes through the
    /// log (larger ones commit durably on their own, one family at a time).
    pub log_segment_size: u64,
    /// Log segments preallocated at creation (at least 1; the log grows by a segment
    /// whenever every segment holds records a checkpoint has not covered yet).
    pub log_segments: usize,
    /// Checkpoint when this many log bytes were written since the last one.
    pub checkpoint_log_bytes: u64,
    /// Also checkpoint at this interval, if set.
    pub checkpoint_interval: Option<Duration>,
    /// Run checkpoints on a background thread (otherwise only on `checkpoint()` and close).
    pub background_checkpoints: bool,
    /// Durability of transactions that do not choose one.
    pub durability: Durability,
    /// Where files live (the operating system, or a simulated disk in tests).
    pub vfs: Arc<dyn Vfs>,
}

const MIB: u64 = 1024 * 1024;

impl Default for Config {
    /// Balanced: 16 MiB segments, 64 MiB cache per family, 4 x 16 MiB log, checkpoint
    /// every 64 MiB of log or 30 s.
    fn default() -> Self {
        Config {
            segment_size: 16 * MIB,
            cache_per_family: 64 * MIB as usize,
            log_segment_size: 16 * MIB,
            log_segments: 4,
            checkpoint_log_bytes: 64 * MIB,
            checkpoint_interval: Some(Duration::from_secs(30)),
            background_checkpoints: true,
            durability: Durability::Immediate,
            vfs: Arc::new(OsVfs),
        }
    }
}

impl Config {
    /// Small files and caches: tests, tools, embedded devices.
    pub fn small() -> Self {
        Config {
            segment_size: MIB,
            cache_per_family: 4 * MIB as usize,
            log_segment_size: MIB,
            log_segments: 2,
            checkpoint_log_bytes: 4 * MIB,
            ..Config::default()
        }
    }

    /// Large data sets: big segments, big caches, a long log.
    pub fn large() -> Self {
        Config {
            segment_size: 256 * MIB,
            cache_per_family: 512 * MIB as usize,
            log_segment_size: 64 * MIB,
            log_segments: 8,
            checkpoint_log_bytes: 256 * MIB,
            ..Config::default()
        }
    }

    /// Mostly reads: a larger cache per family.
    pub fn read_heavy() -> Self {
        Config {
            cache_per_family: 256 * MIB as usize,
            ..Config::default()
        }
    }

    /// Mostly writes: a longer log and rarer checkpoints, so checkpoints batch more.
    pub fn write_heavy() -> Self {
        Config {
            log_segment_size: 64 * MIB,
            log_segments: 8,
            checkpoint_log_bytes: 256 * MIB,
            checkpoint_interval: Some(Duration::from_secs(60)),
            ..Config::default()
        }
    }

    /// A builder starting from the default preset.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder(Config::default())
    }

    /// A builder starting from this configuration.
    pub fn to_builder(self) -> ConfigBuilder {
        ConfigBuilder(self)
    }

    /// Checks the values; `open` calls it.
    pub fn validate(&self) -> Result<()> {
        if self.segment_size < 64 * 1024 || !self.segment_size.is_multiple_of(4096) {
            return Err(Error::Config(format!(
                "segment_size {} must be a multiple of 4096 and at least 64 KiB",
                self.segment_size
            )));
        }
        if self.log_segment_size < 64 * 1024 || !self.log_segment_size.is_multiple_of(4096) {
            return Err(Error::Config(format!(
                "log_segment_size {} must be a multiple of 4096 and at least 64 KiB",
                self.log_segment_size
            )));
        }
        if self.log_segments < 1 {
            return Err(Error::Config("log_segments must be at least 1".into()));
        }
        Ok(())
    }
}

/// Builds a [`Config`]; every setter mirrors a field of it.
#[derive(Debug, Clone)]
pub struct ConfigBuilder(Config);

impl ConfigBuilder {
    /// See [`Config::segment_size`].
    pub fn segment_size(mut self, bytes: u64) -> Self {
        self.0.segment_size = bytes;
        self
    }
    /// See [`Config::cache_per_family`].
    pub fn cache_per_family(mut self, bytes: usize) -> Self {
        self.0.cache_per_family = bytes;
        self
    }
    /// See [`Config::log_segment_size`].
    pub fn log_segment_size(mut self, bytes: u64) -> Self {
        self.0.log_segment_size = bytes;
        self
    }
    /// See [`Config::log_segments`].
    pub fn log_segments(mut self, n: usize) -> Self {
        self.0.log_segments = n;
        self
    }
    /// See [`Config::checkpoint_log_bytes`].
    pub fn checkpoint_log_bytes(mut self, bytes: u64) -> Self {
        self.0.checkpoint_log_bytes = bytes;
        self
    }
    /// See [`Config::checkpoint_interval`].
    pub fn checkpoint_interval(mut self, every: Option<Duration>) -> Self {
        self.0.checkpoint_interval = every;
        self
    }
    /// See [`Config::background_checkpoints`].
    pub fn background_checkpoints(mut self, on: bool) -> Self {
        self.0.background_checkpoints = on;
        self
    }
    /// See [`Config::durability`].
    pub fn durability(mut self, d: Durability) -> Self {
        self.0.durability = d;
        self
    }
    /// See [`Config::vfs`].
    pub fn vfs(mut self, vfs: Arc<dyn Vfs>) -> Self {
        self.0.vfs = vfs;
        self
    }
    /// The configuration, validated.
    pub fn build(self) -> Result<Config> {
        self.0.validate()?;
        Ok(self.0)
    }
}
