//! The module's statistics (`kamcmd stats.get_statistics tcpops:`; README "Statistics").

use kamailio::stats::{Counter, Stat};

pub static KEEPALIVE_ENABLED: Counter = Counter::new();
pub static KEEPALIVE_DISABLED: Counter = Counter::new();
pub static LIFETIME_SET: Counter = Counter::new();
pub static CONNECTIONS_CLOSED: Counter = Counter::new();
pub static EVENTS_CLOSED: Counter = Counter::new();
pub static EVENTS_RESET: Counter = Counter::new();
pub static EVENTS_TIMEOUT: Counter = Counter::new();
pub static USER_TIMEOUT_SET: Counter = Counter::new();

pub fn list() -> Vec<Stat> {
    let c = |name, doc, handle| Stat::Counter { name, doc, handle };
    vec![
        c(
            "keepalive_enabled",
            "successful tcp_keepalive_enable calls",
            &KEEPALIVE_ENABLED,
        ),
        c(
            "keepalive_disabled",
            "successful tcp_keepalive_disable calls",
            &KEEPALIVE_DISABLED,
        ),
        c(
            "lifetime_set",
            "successful tcp_set_connection_lifetime calls",
            &LIFETIME_SET,
        ),
        c(
            "connections_closed",
            "connections whose close was requested with tcp_close_connection",
            &CONNECTIONS_CLOSED,
        ),
        c("events_closed", "tcp:closed events raised", &EVENTS_CLOSED),
        c("events_reset", "tcp:reset events raised", &EVENTS_RESET),
        c(
            "events_timeout",
            "tcp:timeout events raised",
            &EVENTS_TIMEOUT,
        ),
        c(
            "user_timeout_set",
            "successful tcp_set_user_timeout calls",
            &USER_TIMEOUT_SET,
        ),
    ]
}
