//! Results of one suite: measured values per system, ratios between systems, written as
//! `bench-results/<suite>.json` and printed as a markdown table.

use serde::Serialize;
use std::time::Duration;

/// One measured figure of one system.
#[derive(Serialize, Clone, Debug)]
pub struct Measurement {
    /// System measured, e.g. `manifold`, `redb`, `fjall`.
    pub system: String,
    /// What was measured, e.g. `commit_latency_p50_us`.
    pub metric: String,
    /// The figure.
    pub value: f64,
    /// Its unit, e.g. `us`, `ops/s`.
    pub unit: String,
}

/// A ratio between two systems on the same metric, in the same run.
#[derive(Serialize, Clone, Debug)]
pub struct Ratio {
    /// e.g. `commit_latency_p50 manifold/fjall`.
    pub name: String,
    /// The ratio.
    pub value: f64,
}

/// Everything one suite measured.
#[derive(Serialize, Debug)]
pub struct Report {
    suite: String,
    machine: String,
    quick: bool,
    /// Free-form notes printed under the table (data set, parameters).
    notes: Vec<String>,
    results: Vec<Measurement>,
    ratios: Vec<Ratio>,
}

impl Report {
    /// An empty report for `suite`.
    pub fn new(suite: &str, quick: bool) -> Self {
        Report {
            suite: suite.to_string(),
            machine: machine_description(),
            quick,
            notes: Vec::new(),
            results: Vec::new(),
            ratios: Vec::new(),
        }
    }

    /// Records one figure and echoes it, so long suites show progress.
    pub fn add(&mut self, system: &str, metric: &str, value: f64, unit: &str) {
        eprintln!("  {system:<18} {metric:<40} {value:>14.3} {unit}");
        self.results.push(Measurement {
            system: system.to_string(),
            metric: metric.to_string(),
            value,
            unit: unit.to_string(),
        });
    }

    /// Adds a note shown under the table.
    pub fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    /// The value recorded for (`system`, `metric`), if any.
    pub fn get(&self, system: &str, metric: &str) -> Option<f64> {
        self.results
            .iter()
            .find(|m| m.system == system && m.metric == metric)
            .map(|m| m.value)
    }

    /// Records `metric` of `a` divided by that of `b`, when both were measured.
    pub fn ratio(&mut self, metric: &str, a: &str, b: &str) {
        if let (Some(x), Some(y)) = (self.get(a, metric), self.get(b, metric))
            && y != 0.0
        {
            self.ratios.push(Ratio {
                name: format!("{metric} {a}/{b}"),
                value: x / y,
            });
        }
    }

    /// Writes `bench-results/<suite>.json` and prints the markdown table.
    pub fn finish(&self) -> std::io::Result<()> {
        std::fs::create_dir_all("bench-results")?;
        let path = format!("bench-results/{}.json", self.suite);
        let json = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(&path, json)?;
        println!("{}", self.markdown());
        println!("(written to {path})");
        Ok(())
    }

    /// The report as markdown: one table of results, one of ratios, then the notes.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "\n## suite `{}`{} on {}\n\n| system | metric | value | unit |\n|---|---|---:|---|\n",
            self.suite,
            if self.quick { " (quick)" } else { "" },
            self.machine
        );
        for m in &self.results {
            out += &format!(
                "| {} | {} | {} | {} |\n",
                m.system,
                m.metric,
                fmt(m.value),
                m.unit
            );
        }
        if !self.ratios.is_empty() {
            out += "\n| ratio | value |\n|---|---:|\n";
            for r in &self.ratios {
                out += &format!("| {} | {:.3} |\n", r.name, r.value);
            }
        }
        for n in &self.notes {
            out += &format!("\n- {n}");
        }
        out
    }
}

fn fmt(v: f64) -> String {
    if v.abs() >= 1000.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// CPU model and core count, read from /proc where available.
fn machine_description() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cpu}, {cores} cores")
}

/// Median of `samples` (sorted in place). Zero for an empty slice.
pub fn median(samples: &mut [f64]) -> f64 {
    percentile(samples, 0.5)
}

/// The `p`-quantile (0..=1) of `samples` by nearest rank (sorted in place).
pub fn percentile(samples: &mut [f64], p: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort_by(f64::total_cmp);
    let idx = ((samples.len() - 1) as f64 * p).round() as usize;
    samples[idx.min(samples.len() - 1)]
}

/// Microseconds in a duration, as f64.
pub fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
