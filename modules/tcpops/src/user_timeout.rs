//! The `user_timeout` modparam: `TCP_USER_TIMEOUT` for every new connection. 5.6 has no hook
//! for a new connection: accepted ones inherit it from the listening sockets (set before the
//! fork), and a timer process sets it once on each connection Kamailio opened, through a
//! copy of its socket from TCP main, as soon as it sees the connection in the table.

use kamailio::tcp::{Conn, ConnState};
use kamailio::tcp_table;
use log::{debug, warn};

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
    for c in tcp_table::snapshot() {
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
            Ok(()) => debug!("user_timeout {ms} ms set on outbound conid {}", c.id),
            // a connection still connecting has no socket in TCP main yet: next pass
            Err(e) => warn!("user_timeout on outbound conid {}: {e}", c.id),
        }
    }
}
