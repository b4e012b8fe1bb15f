//! The `user_timeout` modparam: `TCP_USER_TIMEOUT` for every new connection. 5.6 has no hook
//! for a new connection: accepted ones inherit it from the listening sockets (set before the
//! fork), and a timer process sets it once on each connection Kamailio opened, through a
//! copy of its socket from TCP main, as soon as it sees the connection in the table.

use std::cell::RefCell;
use std::collections::HashSet;

use kamailio::tcp::{Conn, ConnState};
use kamailio::tcp_table;
use log::{debug, warn};

thread_local! {
    /// Connections whose setting failed (warned once; tried again on every pass).
    static FAILED: RefCell<HashSet<i32>> = RefCell::new(HashSet::new());
}

use crate::USER_TIMEOUT;

/// How often the timer looks for new outbound connections.
pub const TICK_MS: u32 = 200;

/// The modparam in ms, if set.
pub fn configured() -> Option<u32> {
    u32::try_from(USER_TIMEOUT.get()).ok().filter(|&ms| ms > 0)
}

/// One pass: sets the modparam's user timeout on each outbound connection that has none
/// recorded (an explicit `tcp_set_user_timeout` is recorded, and so is kept).
pub fn tick(_now_ms: u64) {
    let Some(ms) = configured() else {
        return;
    };
    let conns = tcp_table::snapshot();
    FAILED.with(|f| {
        let mut f = f.borrow_mut();
        f.retain(|id| conns.iter().any(|c| c.id == *id));
    });
    for c in conns {
        if c.accepted || c.applied_user_timeout().is_some() {
            continue;
        }
        if !matches!(
            c.state,
            ConnState::Ok | ConnState::Init | ConnState::Other(_)
        ) {
            continue;
        }
        let Some(conn) = Conn::by_id(c.id) else {
            continue;
        };
        match conn.set_user_timeout(ms) {
            Ok(()) => {
                debug!("user_timeout {ms} ms set on outbound conid {}", c.id);
                FAILED.with(|f| f.borrow_mut().remove(&c.id));
            }
            // e.g. a connection whose socket TCP main does not have yet: next pass
            Err(e) => {
                if FAILED.with(|f| f.borrow_mut().insert(c.id)) {
                    warn!(
                        "user_timeout on outbound conid {}: {e} (trying again)",
                        c.id
                    );
                }
            }
        }
    }
}
