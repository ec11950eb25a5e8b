//! Per-call samples -> median, p99 and friends, in microseconds.

use serde_json::{json, Value};

/// Nearest-rank percentile of sorted samples.
fn rank(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let r = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[r.clamp(1, sorted.len()) - 1]
}

pub fn summary(samples: &mut [u64]) -> Value {
    samples.sort_unstable();
    let us = |ns: u64| (ns as f64 / 1000.0 * 100.0).round() / 100.0;
    let mean = if samples.is_empty() {
        0.0
    } else {
        samples.iter().map(|&s| s as f64).sum::<f64>() / samples.len() as f64
    };
    json!({
        "n": samples.len(),
        "min_us": us(rank(samples, 0.0)),
        "median_us": us(rank(samples, 50.0)),
        "mean_us": (mean / 1000.0 * 100.0).round() / 100.0,
        "p90_us": us(rank(samples, 90.0)),
        "p99_us": us(rank(samples, 99.0)),
        "max_us": us(*samples.last().unwrap_or(&0)),
    })
}

/// Median of a few wall-clock runs, in milliseconds.
pub fn median_ms(runs: &mut [f64]) -> f64 {
    runs.sort_by(|a, b| a.total_cmp(b));
    if runs.is_empty() {
        return 0.0;
    }
    let m = runs[runs.len() / 2];
    (m * 100.0).round() / 100.0
}
