//! The module's statistics (`kamcmd stats.get_statistics keepalive:`; README "Statistics").

use kamailio::stats::{Counter, Stat};

use crate::state;
use crate::table::table;

pub static PINGS_SENT: Counter = Counter::new();
pub static RETRANSMISSIONS: Counter = Counter::new();
pub static REPLIES_ALIVE: Counter = Counter::new();
pub static REPLIES_FAILED: Counter = Counter::new();
pub static TIMEOUTS: Counter = Counter::new();
pub static STATE_CHANGES: Counter = Counter::new();
pub static DMQ_UPDATES_SENT: Counter = Counter::new();
pub static DMQ_UPDATES_RECEIVED: Counter = Counter::new();

fn with_status(s: i32) -> i64 {
    table().dests.count_with_status(s).unwrap_or(0) as i64
}

/// The statistics, the cluster's gauges read by `probed_here` and `peers`.
pub fn list(probed_here: fn() -> i64, peers: fn() -> i64) -> Vec<Stat> {
    vec![
        Stat::Gauge {
            name: "destinations",
            doc: "destinations monitored",
            get: || table().dests.count() as i64,
        },
        Stat::Gauge {
            name: "destinations_up",
            doc: "destinations in state up",
            get: || with_status(state::UP),
        },
        Stat::Gauge {
            name: "destinations_down",
            doc: "destinations in state down",
            get: || with_status(state::DOWN),
        },
        Stat::Gauge {
            name: "destinations_unknown",
            doc: "destinations not decided yet (not probed, or hysteresis pending)",
            get: || with_status(state::UNKNOWN),
        },
        Stat::Counter {
            name: "pings_sent",
            doc: "OPTIONS pings handed to tm",
            handle: &PINGS_SENT,
        },
        Stat::Counter {
            name: "ping_retransmissions",
            doc: "copies of stateless UDP pings sent again on tm's schedule while unanswered",
            handle: &RETRANSMISSIONS,
        },
        Stat::Counter {
            name: "ping_replies_alive",
            doc: "ping replies with an alive code (alive_codes)",
            handle: &REPLIES_ALIVE,
        },
        Stat::Counter {
            name: "ping_replies_failed",
            doc: "ping replies with any other code",
            handle: &REPLIES_FAILED,
        },
        Stat::Counter {
            name: "ping_timeouts",
            doc: "pings unanswered (probe_timeout, tm's 408 or the next ping due)",
            handle: &TIMEOUTS,
        },
        Stat::Counter {
            name: "state_changes",
            doc: "destination state changes (up or down events)",
            handle: &STATE_CHANGES,
        },
        Stat::Counter {
            name: "dmq_updates_sent",
            doc: "state changes this node broadcast to its cluster peers (dmq mode)",
            handle: &DMQ_UPDATES_SENT,
        },
        Stat::Counter {
            name: "dmq_updates_received",
            doc: "state changes received from cluster peers (dmq mode)",
            handle: &DMQ_UPDATES_RECEIVED,
        },
        Stat::Gauge {
            name: "destinations_probed_here",
            doc: "destinations this node probes (dmq mode: as of the last digest; else all)",
            get: probed_here,
        },
        Stat::Gauge {
            name: "max_destinations",
            doc: "the max_destinations limit in force (0: none)",
            get: || i64::from(crate::config::settings().max_destinations),
        },
        Stat::Gauge {
            name: "cluster_peers",
            doc: "cluster peers this node hears (dmq mode; 0 otherwise)",
            get: peers,
        },
    ]
}
