//! The `tcp:closed`, `tcp:timeout` and `tcp:reset` events, run in TCP main when the core
//! reports a closed connection.

use kamailio::event::{self, EventTarget};
use kamailio::module::{IntParam, StrParam};
use kamailio::tcp::{CloseReason, ClosedConn};
use once_cell::sync::OnceCell;
use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};

use crate::error::InitError;
use crate::stats;

/// modparam `closed_event`: 0 never, 1 always, 2 only where `tcp_enable_closed_event` was used.
pub static CLOSED_EVENT: IntParam = IntParam::new(1);
/// modparam `event_callback`: KEMI function run instead of the event routes.
pub static EVENT_CALLBACK: StrParam = StrParam::new();

/// What to run for each reason, resolved in mod_init (before the fork).
struct Targets {
    closed: Option<EventTarget>,
    timeout: Option<EventTarget>,
    reset: Option<EventTarget>,
}

static TARGETS: OnceCell<Targets> = OnceCell::new();

pub fn closed_event_mode() -> i32 {
    CLOSED_EVENT.get()
}

/// Checks the params and, unless events are off, takes the core's TCP-closed event.
pub fn init() -> Result<(), InitError> {
    let mode = closed_event_mode();
    if !(0..=2).contains(&mode) {
        return Err(InitError::Param {
            name: "closed_event",
            got: i64::from(mode),
            want: "0, 1 or 2",
        });
    }
    if mode == 0 {
        return Ok(());
    }
    let cb = EVENT_CALLBACK.get();
    let target = |name: &'static str| EventTarget::resolve(name, cb);
    let _ = TARGETS.set(Targets {
        closed: target("tcp:closed"),
        timeout: target("tcp:timeout"),
        reset: target("tcp:reset"),
    });
    event::on_tcp_closed(on_closed).map_err(InitError::core)
}

fn on_closed(conn: &ClosedConn) {
    if !first_report(conn.identity()) {
        log::debug!(
            "conid {} closed again ({:?}): its event ran",
            conn.id(),
            conn.reason
        );
        return;
    }
    crate::user_timeout::forget(conn.identity());
    if closed_event_mode() != 1 && !conn.close_event_enabled() {
        return;
    }
    let Some(t) = TARGETS.get() else { return };
    let (target, counter) = match conn.reason {
        CloseReason::Eof => (&t.closed, &stats::EVENTS_CLOSED),
        CloseReason::Timeout => (&t.timeout, &stats::EVENTS_TIMEOUT),
        CloseReason::Reset => (&t.reset, &stats::EVENTS_RESET),
    };
    counter.inc();
    log::debug!("conid {} closed ({:?})", conn.id(), conn.reason);
    if let Some(target) = target {
        CLOSING.with(|c| {
            c.replace(Some(Closing {
                id: conn.id(),
                src_ip: conn.src_ip(),
                src_port: conn.src_port(),
            }))
        });
        event::run_for_conn(target, conn);
        CLOSING.with(|c| c.replace(None));
    }
}

/// How many closed connections [`first_report`] remembers: the core's second report of one
/// follows its first within the connection's last moments, far fewer closes apart.
const REPORTED_MAX: usize = 4096;

/// The connections the core reported closed, oldest first (TCP main only, where it reports).
#[derive(Default)]
struct Reported {
    set: HashSet<(u64, u64)>,
    order: VecDeque<(u64, u64)>,
}

thread_local! {
    static REPORTED: RefCell<Reported> = RefCell::new(Reported::default());
}

/// Whether this is the core's first report of the connection `identity` (an id and a
/// connection never come back together). From 6.1.4 the core reports some closes twice (a
/// SIP worker's or the message timer's close request, then the reader's release of the same
/// connection; modules/tcpops/README.md): the event runs for the first only.
fn first_report(identity: (u64, u64)) -> bool {
    REPORTED.with(|r| {
        let mut r = r.borrow_mut();
        if !r.set.insert(identity) {
            return false;
        }
        r.order.push_back(identity);
        if r.order.len() > REPORTED_MAX {
            if let Some(old) = r.order.pop_front() {
                r.set.remove(&old);
            }
        }
        true
    })
}

/// The connection whose event route runs now (TCP main only). The core has already taken it
/// out of its table, so `$conid` is null there; `$tcp(...)` reads this instead.
pub struct Closing {
    pub id: i32,
    pub src_ip: String,
    pub src_port: u16,
}

thread_local! {
    pub static CLOSING: RefCell<Option<Closing>> = const { RefCell::new(None) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_report_of_a_connection_is_not_a_first() {
        assert!(first_report((7, 0x1000)));
        assert!(!first_report((7, 0x1000)), "the same connection again");
        assert!(first_report((8, 0x1000)), "another id at the same address");
        for i in 0..REPORTED_MAX as u64 {
            assert!(first_report((100 + i, 0x2000)));
        }
        // the oldest were forgotten to make room
        assert!(first_report((7, 0x1000)));
        assert!(!first_report((100 + REPORTED_MAX as u64 - 1, 0x2000)));
    }
}
