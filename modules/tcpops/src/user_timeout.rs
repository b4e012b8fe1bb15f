//! `TCP_USER_TIMEOUT` as tcpops gives it: the user timeouts `tcp_set_user_timeout` set, per
//! connection in shm (so that keepalive settings applied later keep them, and `tcpops.list`
//! shows them), and the `user_timeout` modparam for every new connection. 5.6 has no hook
//! for a new connection: accepted ones inherit the modparam from the listening sockets (set
//! before the fork), and a timer process sets it once on each connection Kamailio opened,
//! through a copy of its socket from TCP main, as soon as it sees the connection in the table.
//!
//! Which user timeout stays on a connection: `tcp_set_user_timeout` > the modparam > the
//! core's (`tcp_send_timeout`, 5.8+) > what keeping it consistent with keepalive makes of it.

use std::cell::RefCell;
use std::collections::HashSet;

use kamailio::shm_cache::ShmCache;
use kamailio::tcp::{Conn, ConnState, KeepaliveError};
use kamailio::tcp_table;
use log::{debug, warn};
use once_cell::sync::OnceCell;

kamailio::shm_safe! {
    /// A user timeout set on one connection, as the shared cache stores it.
    #[derive(Clone, Copy, PartialEq)]
    struct UserTimeout {
        ms: u32,
    }
}

/// The user timeouts set through [`set`], per connection (by [`Conn::identity`]).
static SET: OnceCell<ShmCache<UserTimeout>> = OnceCell::new();

/// Connections whose user timeout is remembered (more only evict older ones).
const SLOTS: usize = 16_384;

/// Makes the shared record; call in mod_init (before the fork).
pub fn init() -> Result<(), String> {
    if SET.get().is_none() {
        let _ = SET.set(ShmCache::new(SLOTS)?);
    }
    Ok(())
}

/// Sets `ms` (0 = the kernel's default) as the connection's user timeout and records it, so
/// that keepalive settings applied later ([`crate::applied::apply`]) keep it.
pub fn set(c: &Conn, ms: u32) -> Result<(), KeepaliveError> {
    let (key, tag) = c.identity();
    let value = UserTimeout { ms };
    let rec = SET.get();
    // applied even when recorded: it costs one call, and an unknown state is worse; an
    // overlapping call makes the record unknown (see ShmCache)
    let skip = rec.is_some_and(|u| u.begin(key, tag, value));
    let r = c.set_user_timeout(ms);
    if let (Some(u), false) = (rec, skip) {
        u.end(key, tag, r.is_ok().then_some(value));
    }
    r
}

/// The user timeout last set on the connection `identity` through [`set`], if known.
pub fn applied(identity: (u64, u64)) -> Option<u32> {
    let (key, tag) = identity;
    SET.get()?.peek(key, tag).map(|u| u.ms)
}

/// The user timeout that must stay in force on the connection `identity`: the one set on
/// it, else the modparam's, if any.
pub fn explicit(identity: (u64, u64)) -> Option<u32> {
    applied(identity).or_else(configured)
}

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
        if c.accepted || applied(c.identity).is_some() {
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
        match set(&conn, ms) {
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
