//! `TCP_USER_TIMEOUT` as tcpops gives it: the user timeouts `tcp_set_user_timeout` set, per
//! connection in shm (so that keepalive settings applied later keep them, and `tcpops.list`
//! shows them), and the `user_timeout` modparam for every new connection. 5.6 has no hook
//! for a new connection: accepted ones inherit the modparam from the listening sockets (set
//! before the fork), and a timer process sets it once on each connection Kamailio opened,
//! through a copy of its socket from TCP main, as soon as it sees the connection in the table.
//!
//! Which user timeout stays on a connection: `tcp_set_user_timeout` > the modparam > the
//! core's (`tcp_send_timeout`, 5.8+) > what keeping it consistent with keepalive makes of it.
//!
//! The explicit values are an exact record ([`ShmMap`] keyed by [`Conn::identity`]): one is
//! never lost to another connection's. A record goes when its connection is gone from the
//! core's table ([`sweep`], run against the table copies the timer and `tcpops.list` make;
//! the `tcp:closed` event may be off, so it cannot be relied on).

use std::cell::RefCell;
use std::collections::HashSet;

use kamailio::shm_map::ShmMap;
use kamailio::tcp::{Conn, ConnState, KeepaliveError};
use kamailio::tcp_table::{self, ConnInfo};
use log::{debug, warn};
use once_cell::sync::OnceCell;

/// The user timeouts (ms) set through [`set`], per connection (by [`Conn::identity`]).
static SET: OnceCell<ShmMap<u32>> = OnceCell::new();

/// Makes the shared record; call in mod_init (before the fork).
pub fn init() -> Result<(), String> {
    if SET.get().is_none() {
        let _ = SET.set(ShmMap::new()?);
    }
    Ok(())
}

fn key((k, t): (u64, u64)) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&k.to_le_bytes());
    b[8..].copy_from_slice(&t.to_le_bytes());
    b
}

/// Records `ms` (or, with `None`, nothing) as the connection's explicit user timeout; the
/// previous record.
fn record(identity: (u64, u64), ms: Option<u32>) -> Result<Option<u32>, KeepaliveError> {
    let Some(map) = SET.get() else {
        return Ok(None);
    };
    let k = key(identity);
    let mut g = map.lock();
    let old = g.find(&k).map(|i| (i, *g.get(i)));
    match (ms, old) {
        (Some(ms), Some((i, _))) => *g.get_mut(i) = ms,
        (Some(ms), None) => {
            g.insert(&k, ms)
                .map_err(|_| KeepaliveError::Socket(std::io::Error::other("shm record full")))?;
        }
        (None, Some((i, _))) => {
            g.remove(i);
        }
        (None, None) => {}
    }
    Ok(old.map(|(_, v)| v))
}

/// Sets `ms` (0 = the kernel's default) as the connection's user timeout and records it, so
/// that keepalive settings applied later ([`crate::applied::apply`]) keep it. The record is
/// written first, so that a keepalive change in another process that reads it after setting
/// its options (in the same socket access) sets this value too; a failed setting restores
/// the previous record.
pub fn set(c: &Conn, ms: u32) -> Result<(), KeepaliveError> {
    let identity = c.identity();
    let old = record(identity, Some(ms))?;
    let r = c.set_user_timeout(ms);
    if r.is_err() {
        let _ = record(identity, old);
    }
    r
}

/// The user timeout last set on the connection `identity` through [`set`], if any.
pub fn applied(identity: (u64, u64)) -> Option<u32> {
    let map = SET.get()?;
    let g = map.lock();
    g.find(&key(identity)).map(|i| *g.get(i))
}

/// The user timeout that must stay in force on the connection `identity`: the one set on
/// it, else the modparam's, if any.
pub fn explicit(identity: (u64, u64)) -> Option<u32> {
    applied(identity).or_else(configured)
}

/// Drops the records of connections that are gone: those not in `conns` (a copy of the
/// whole table) whose id is not above the highest id there (a connection made after the
/// copy has a higher id, and must keep its record).
pub fn sweep(conns: &[ConnInfo]) {
    let Some(map) = SET.get() else {
        return;
    };
    if map.count() == 0 {
        return;
    }
    let Some(max_id) = conns.iter().map(|c| c.id).max() else {
        return;
    };
    let live: HashSet<[u8; 16]> = conns.iter().map(|c| key(c.identity)).collect();
    let mut g = map.lock();
    for i in g.indices() {
        let k = g.key(i);
        let Ok(b) = <[u8; 16]>::try_from(k.as_slice()) else {
            continue;
        };
        // identity key: connection id + 1
        let id = u64::from_le_bytes(b[..8].try_into().unwrap_or_default()).wrapping_sub(1);
        if !live.contains(&b) && i64::try_from(id).is_ok_and(|id| id <= i64::from(max_id)) {
            g.remove(i);
        }
    }
}

thread_local! {
    /// This process's view of outbound connections (timer process): those the modparam was
    /// set on (or that have an explicit value), and those whose setting failed (warned once;
    /// tried again on every pass), by identity; pruned against each table copy.
    static DONE: RefCell<HashSet<(u64, u64)>> = RefCell::new(HashSet::new());
    static FAILED: RefCell<HashSet<(u64, u64)>> = RefCell::new(HashSet::new());
}

use crate::USER_TIMEOUT;

/// How often the timer looks for new outbound connections.
pub const TICK_MS: u32 = 200;

/// The modparam in ms, if set.
pub fn configured() -> Option<u32> {
    u32::try_from(USER_TIMEOUT.get()).ok().filter(|&ms| ms > 0)
}

/// One pass: sets the modparam's user timeout once on each outbound connection without an
/// explicit one (an explicit `tcp_set_user_timeout` is recorded, and so is kept), and drops
/// the records of connections that are gone.
pub fn tick(_now_ms: u64) {
    let Some(ms) = configured() else {
        return;
    };
    let conns = tcp_table::snapshot();
    sweep(&conns);
    let live: HashSet<(u64, u64)> = conns.iter().map(|c| c.identity).collect();
    DONE.with(|d| d.borrow_mut().retain(|i| live.contains(i)));
    FAILED.with(|f| f.borrow_mut().retain(|i| live.contains(i)));
    for c in conns {
        // connections being accepted or connected are taken on a later pass; those failed or
        // at EOF are going
        if c.accepted
            || !matches!(c.state, ConnState::Ok | ConnState::Init)
            || DONE.with(|d| d.borrow().contains(&c.identity))
        {
            continue;
        }
        if applied(c.identity).is_some() {
            DONE.with(|d| d.borrow_mut().insert(c.identity));
            continue;
        }
        let Some(conn) = Conn::by_id(c.id) else {
            continue;
        };
        match conn.set_user_timeout(ms) {
            Ok(()) => {
                debug!("user_timeout {ms} ms set on outbound conid {}", c.id);
                DONE.with(|d| d.borrow_mut().insert(c.identity));
                FAILED.with(|f| f.borrow_mut().remove(&c.identity));
                // a tcp_set_user_timeout in another process meanwhile: its value again
                if let Some(v) = applied(c.identity) {
                    let _ = conn.set_user_timeout(v);
                }
            }
            // e.g. a connection whose socket TCP main does not have yet: next pass
            Err(e) => {
                if FAILED.with(|f| f.borrow_mut().insert(c.identity)) {
                    warn!(
                        "user_timeout on outbound conid {}: {e} (trying again)",
                        c.id
                    );
                }
            }
        }
    }
}
