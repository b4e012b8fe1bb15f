//! The `tcp:closed`, `tcp:timeout` and `tcp:reset` events, run in TCP main when the core
//! reports a closed connection.

use kamailio::event::{self, EventTarget};
use kamailio::module::{IntParam, StrParam};
use kamailio::tcp::{CloseReason, ClosedConn};
use once_cell::sync::OnceCell;
use std::cell::RefCell;

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
pub fn init() -> Result<(), String> {
    let mode = closed_event_mode();
    if !(0..=2).contains(&mode) {
        return Err(format!(
            "invalid \"closed_event\" value {mode}: must be 0, 1 or 2"
        ));
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
    event::on_tcp_closed(on_closed)
}

fn on_closed(conn: &ClosedConn) {
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
