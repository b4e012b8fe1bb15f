//! `ka_prom_metrics`: the Prometheus text exposition (format 0.0.4) of every registration's
//! state, RTT estimate, failures and timeouts, labelled with its destination and owner, at
//! most `prom_max_series` series.

use std::fmt::Write as _;

use kamailio::module::IntParam;

use crate::table::Entry;

/// At most this many series (samples) in one exposition.
pub static PROM_MAX_SERIES: IntParam = IntParam::new(2000);

/// Series per registration.
const PER_ENTRY: usize = 4;

/// The families, in the order written: name, type, help.
const FAMILIES: [(&str, &str, &str); PER_ENTRY] = [
    (
        "kamailio_keepalive_dest_state",
        "gauge",
        "Destination state: 0 unknown, 1 up, 2 down.",
    ),
    (
        "kamailio_keepalive_dest_rtt_seconds",
        "gauge",
        "RTT estimate (EWMA with latency_alpha); NaN: never measured.",
    ),
    (
        "kamailio_keepalive_dest_failures_total",
        "counter",
        "Failed probes but timeouts (4xx, 5xx, 6xx, other codes, send errors) since the last reset.",
    ),
    (
        "kamailio_keepalive_dest_timeouts_total",
        "counter",
        "Probes unanswered in time since the last reset.",
    ),
];

/// How many registrations fit the series cap `max_series`.
pub fn entries_for(max_series: usize) -> usize {
    max_series / PER_ENTRY
}

/// Escapes a label value (backslash, double quote, line feed).
fn label(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// The exposition of `entries` (of `total` registrations: when some were left out, a
/// `kamailio_keepalive_dest_series_truncated` gauge says how many).
pub fn exposition(entries: &[Entry], total: usize) -> String {
    let mut out = String::with_capacity(entries.len() * PER_ENTRY * 120 + 512);
    let labels: Vec<String> = entries
        .iter()
        .map(|e| format!("uri=\"{}\",owner=\"{}\"", label(&e.uri), label(&e.owner)))
        .collect();
    for (i, (name, kind, help)) in FAMILIES.iter().enumerate() {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for (e, l) in entries.iter().zip(&labels) {
            let lat = &e.dest.lat;
            let v = match i {
                0 => e.state.to_string(),
                1 if lat.ewma_us == 0 => "NaN".to_string(),
                1 => format!("{}", f64::from(lat.ewma_us) / 1e6),
                2 => (u64::from(lat.fail_4xx)
                    + u64::from(lat.fail_5xx)
                    + u64::from(lat.fail_6xx)
                    + u64::from(lat.fail_other)
                    + u64::from(lat.fail_send))
                .to_string(),
                _ => lat.fail_timeout.to_string(),
            };
            let _ = writeln!(out, "{name}{{{l}}} {v}");
        }
    }
    let left_out = total.saturating_sub(entries.len());
    let _ = writeln!(
        out,
        "# HELP kamailio_keepalive_dest_series_truncated Registrations left out by prom_max_series.\n\
         # TYPE kamailio_keepalive_dest_series_truncated gauge\n\
         kamailio_keepalive_dest_series_truncated {left_out}"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Dest;

    fn entry(uri: &str, owner: &str, state: i32, ewma_us: u32) -> Entry {
        let mut dest = Dest::default();
        dest.lat.ewma_us = ewma_us;
        dest.lat.fail_5xx = 2;
        dest.lat.fail_send = 1;
        dest.lat.fail_timeout = 3;
        Entry {
            uri: uri.into(),
            owner: owner.into(),
            state,
            dest,
            attrs: String::new(),
        }
    }

    #[test]
    fn exposition_format() {
        let e = [
            entry("sip:10.0.0.1:5060", "gw", 1, 20_500),
            entry("sip:10.0.0.2:5060", "a\"b\\c\nd", 0, 0),
        ];
        let t = exposition(&e, 3);
        assert!(t.contains("# TYPE kamailio_keepalive_dest_state gauge\n"));
        assert!(
            t.contains("kamailio_keepalive_dest_state{uri=\"sip:10.0.0.1:5060\",owner=\"gw\"} 1\n")
        );
        assert!(t.contains(
            "kamailio_keepalive_dest_rtt_seconds{uri=\"sip:10.0.0.1:5060\",owner=\"gw\"} 0.0205\n"
        ));
        assert!(t.contains("owner=\"a\\\"b\\\\c\\nd\"} NaN\n"), "{t}");
        assert!(t.contains(
            "kamailio_keepalive_dest_failures_total{uri=\"sip:10.0.0.1:5060\",owner=\"gw\"} 3\n"
        ));
        assert!(t.contains(
            "kamailio_keepalive_dest_timeouts_total{uri=\"sip:10.0.0.1:5060\",owner=\"gw\"} 3\n"
        ));
        assert!(t.ends_with("kamailio_keepalive_dest_series_truncated 1\n"));
        // one sample line per family and entry, plus the truncation gauge
        let samples = t.lines().filter(|l| !l.starts_with('#')).count();
        assert_eq!(samples, PER_ENTRY * e.len() + 1);
        assert_eq!(entries_for(2000), 500);
    }
}
