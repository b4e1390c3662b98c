//! A day of host metrics and robot position snapshots: write in batches, read back raw
//! points, rollups, a downsampled view and the latest snapshot, then apply retention.
//!
//! Run with `cargo run --release -p manifold-timeseries --example metrics`.

use manifold_timeseries::{
    Config, Granularity, Record, Retention, TimeSeries, TimeUnit, WriteBatch,
};

/// Where a robot is: three 17-d f32 arrays (joint positions, velocities, torques).
#[derive(Debug, Clone, PartialEq)]
struct Pose {
    joints: [f32; 17],
    velocities: [f32; 17],
    torques: [f32; 17],
}

impl Record for Pose {
    const SIZE: usize = 3 * 17 * 4;
    const TYPE_NAME: &'static str = "pose17";
    fn write(&self, out: &mut [u8]) {
        let all = self
            .joints
            .iter()
            .chain(&self.velocities)
            .chain(&self.torques);
        for (slot, x) in out.chunks_exact_mut(4).zip(all) {
            slot.copy_from_slice(&x.to_le_bytes());
        }
    }
    fn read(bytes: &[u8]) -> Self {
        let mut xs = bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        let mut next = || std::array::from_fn(|_| xs.next().unwrap_or(0.0));
        Pose {
            joints: next(),
            velocities: next(),
            torques: next(),
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("ts-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = manifold::Database::open(dir.join("metrics.manifold"))?;
    const DAY: i64 = 86_400;
    let config = Config {
        unit: TimeUnit::Seconds,
        retention: Retention {
            raw: Some(DAY),
            minute: Some(7 * DAY),
            hour: None,
            day: None,
        },
        ..Config::default()
    };
    let ts = TimeSeries::open(&db, "metrics", config)?;

    // Two days of CPU load for three hosts, every 10 s, written an hour at a time.
    let hosts: Vec<_> = (0..3)
        .map(|h| ts.series::<f64>(&format!("host{h}.cpu")))
        .collect::<Result<_, _>>()?;
    for hour in 0..48i64 {
        let mut batch = WriteBatch::new();
        for (h, s) in hosts.iter().enumerate() {
            for i in 0..360i64 {
                let t = hour * 3600 + i * 10;
                let load = 20.0 + 10.0 * h as f64 + ((t / 600) % 7) as f64;
                batch.push(s, t, &load);
            }
        }
        ts.write(batch)?;
    }
    let cpu = &hosts[1];
    let stats = ts.stats(cpu)?;
    println!(
        "{}: {} points in {} chunks, {:.2} bytes/point",
        cpu.name(),
        stats.points,
        stats.chunks,
        stats.bytes as f64 / stats.points as f64
    );
    println!("first minute raw: {:?}", ts.range(cpu, 0..60)?);
    for (start, agg) in ts.aggregate(cpu, Granularity::Hour, 0..3 * 3600)? {
        println!(
            "hour {start:>6}: n={} min={} max={} mean={:.2}",
            agg.count,
            agg.min,
            agg.max,
            agg.mean()
        );
    }
    let quarter_days = ts.downsample(cpu, 0..2 * DAY, 6 * 3600)?;
    println!("6-hour buckets: {}", quarter_days.len());

    // A robot's pose ten times a second for a minute.
    let robot = ts.series::<Pose>("robot7.pose")?;
    let poses: Vec<(i64, Pose)> = (0..600)
        .map(|i| {
            let a = i as f32 * 0.01;
            let pose = Pose {
                joints: std::array::from_fn(|j| a * j as f32),
                velocities: [0.01; 17],
                torques: [0.0; 17],
            };
            (DAY + i / 10, pose)
        })
        .collect();
    // Ten points share each second: the last one of each second wins.
    ts.append(&robot, &poses)?;
    let (at, pose) = ts.latest(&robot)?.ok_or("no pose")?;
    println!("latest pose at {at}: joint 3 = {}", pose.joints[3]);

    // Drop raw points older than a day (in whole days); rollups stay for a week.
    let report = ts.apply_retention(2 * DAY)?;
    println!("retention removed {} raw points", report.points);
    println!(
        "raw points left for {}: {}, hour rollups: {}",
        cpu.name(),
        ts.range(cpu, ..)?.len(),
        ts.aggregate(cpu, Granularity::Hour, ..)?.len()
    );
    drop(ts);
    drop(db);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
