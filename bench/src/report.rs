//! Collected measurements, the printed table and the saved copy.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::side::Side;
use crate::Plan;

/// How a metric is judged against its target.
#[derive(Clone, Copy)]
pub enum Target {
    /// ratio ours / C at most this
    RatioAtMost(f64),
    /// a control: ratio close to 1
    Control,
    /// reported only
    None,
}

struct Metric {
    unit: &'static str,
    target: Target,
    c: Vec<f64>,
    ours: Vec<f64>,
}

/// Measurements by metric name, in insertion order.
#[derive(Default)]
pub struct Results {
    order: Vec<String>,
    metrics: BTreeMap<String, Metric>,
    notes: Vec<String>,
}

fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let m = s.len() / 2;
    // odd count: the middle one; even: the mean of the two middle ones
    Some((s[(s.len() - 1) / 2] + s[m]) / 2.0)
}

/// Target for the geometric mean of the judged ratios.
const GEOMEAN_TARGET: f64 = 0.35;

fn geometric_mean(v: &[f64]) -> Option<f64> {
    let pos: Vec<f64> = v.iter().copied().filter(|r| *r > 0.0).collect();
    (!pos.is_empty()).then(|| (pos.iter().map(|r| r.ln()).sum::<f64>() / pos.len() as f64).exp())
}

fn fmt_val(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.4}")
    }
}

fn spread(v: &[f64]) -> String {
    let lo = v.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    if v.len() < 2 {
        String::new()
    } else {
        format!(" [{}–{}]", fmt_val(lo), fmt_val(hi))
    }
}

impl Results {
    /// Records one value of `name` for `side`.
    pub fn add(&mut self, name: &str, unit: &'static str, target: Target, side: Side, v: f64) {
        if !self.metrics.contains_key(name) {
            self.order.push(name.to_string());
        }
        let m = self.metrics.entry(name.to_string()).or_insert(Metric {
            unit,
            target,
            c: Vec::new(),
            ours: Vec::new(),
        });
        match side {
            Side::C => m.c.push(v),
            Side::Ours => m.ours.push(v),
        }
    }

    /// A line printed under the table (failed checks, skipped measurements).
    pub fn note(&mut self, s: String) {
        if !self.notes.contains(&s) {
            eprintln!("note: {s}");
            self.notes.push(s);
        }
    }

    /// Median of `name` for our side (for derived checks such as flatness).
    pub fn median_ours(&self, name: &str) -> Option<f64> {
        self.metrics.get(name).and_then(|m| median(&m.ours))
    }

    pub fn table(&self, plan: &Plan, took: Duration) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "kamailio-rs benchmark ({}, {} rounds, {:.0} s; medians, [min–max] over rounds; CPU of all Kamailio processes)",
            if plan.quick { "BENCH_QUICK" } else { "full" },
            plan.rounds,
            took.as_secs_f64()
        );
        let _ = writeln!(
            t,
            "| metric | unit | C | ours | ours / C | target |\n| --- | --- | --- | --- | --- | --- |"
        );
        let (mut met, mut missed) = (0, Vec::new());
        let mut judged = Vec::new();
        for name in &self.order {
            let m = &self.metrics[name];
            let (c, o) = (median(&m.c), median(&m.ours));
            let ratio = match (c, o) {
                (Some(c), Some(o)) if c > 0.0 => Some(o / c),
                _ => None,
            };
            let verdict = match (m.target, ratio) {
                (Target::RatioAtMost(x), Some(r)) => {
                    judged.push(r);
                    if r <= x {
                        met += 1;
                        format!("≤ {x}: met")
                    } else {
                        missed.push(name.clone());
                        format!("≤ {x}: MISSED")
                    }
                }
                (Target::Control, Some(r)) => {
                    if (0.8..=1.25).contains(&r) {
                        "control ≈ 1: ok".to_string()
                    } else {
                        missed.push(format!("{name} (control: run disturbed)"));
                        "control ≈ 1: DISTURBED".to_string()
                    }
                }
                _ => String::new(),
            };
            let show = |v: Option<f64>, all: &[f64]| {
                v.map_or("–".to_string(), |v| {
                    format!("{}{}", fmt_val(v), spread(all))
                })
            };
            let _ = writeln!(
                t,
                "| {name} | {} | {} | {} | {} | {verdict} |",
                m.unit,
                show(c, &m.c),
                show(o, &m.ours),
                ratio.map_or("–".to_string(), |r| format!("{r:.3}"))
            );
        }
        for n in &self.notes {
            let _ = writeln!(t, "\nnote: {n}");
        }
        if let Some(g) = geometric_mean(&judged) {
            let ok = g <= GEOMEAN_TARGET;
            let _ = writeln!(
                t,
                "\ngeometric mean of the {} ratios with a target: {g:.3} (target: ≤ {GEOMEAN_TARGET}: {})",
                judged.len(),
                if ok { "met" } else { "MISSED" }
            );
            if ok {
                met += 1;
            } else {
                missed.push("geometric mean".to_string());
            }
        }
        let _ = writeln!(
            t,
            "\nverdict: {met} targets met, {} missed{}",
            missed.len(),
            if missed.is_empty() {
                String::new()
            } else {
                format!(" ({})", missed.join(", "))
            }
        );
        t
    }
}

/// Writes the table under bench/results/ (git-ignored).
pub fn save(table: &str) -> std::io::Result<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("results");
    std::fs::create_dir_all(&dir)?;
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let p = dir.join(format!("bench-{secs}.md"));
    std::fs::write(&p, table)?;
    std::fs::write(dir.join("latest.md"), table)?;
    Ok(p)
}
