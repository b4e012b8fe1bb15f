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
use std::collections::{HashMap, HashSet};

use kamailio::shm::ShmMutex;
use kamailio::shm_map::ShmMap;
use kamailio::tcp::table::{self, ConnInfo};
use kamailio::tcp::{Conn, ConnState, KeepaliveError};
use log::{debug, warn};
use once_cell::sync::OnceCell;

use crate::error::InitError;

/// The user timeouts (ms) set through [`set`], per connection (by [`Conn::identity`]).
static SET: OnceCell<ShmMap<u32>> = OnceCell::new();

/// The record count at which [`set`] sweeps the record (twice what a sweep left, at least
/// [`SWEEP_AT`]): without the timer (no modparam) and without close events, records of
/// closed connections go then, at an amortised constant cost per record.
static NEXT_SWEEP: OnceCell<ShmMutex<usize>> = OnceCell::new();

const SWEEP_AT: usize = 1024;

/// Makes the shared record; call in mod_init (before the fork).
pub fn init() -> Result<(), InitError> {
    if SET.get().is_none() {
        let _ = SET.set(ShmMap::new().map_err(InitError::core)?);
    }
    if NEXT_SWEEP.get().is_none() {
        let _ = NEXT_SWEEP.set(ShmMutex::new().map_err(InitError::core)?);
    }
    Ok(())
}

/// Drops the record of a connection that closed.
pub fn forget(identity: (u64, u64)) {
    if let Some(map) = SET.get() {
        if map.count() > 0 {
            let _ = record(identity, None);
        }
    }
}

/// Sweeps the record once it grew to twice what the last sweep left.
fn sweep_if_grown() {
    let (Some(map), Some(next)) = (SET.get(), NEXT_SWEEP.get()) else {
        return;
    };
    let mut at = next.lock();
    if map.count() < (*at).max(SWEEP_AT) {
        return;
    }
    sweep(&table::snapshot());
    *at = map.count().saturating_mul(2);
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
    if old.is_none() {
        sweep_if_grown();
    }
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

/// What the timer process knows of outbound connections.
#[derive(Default)]
struct Seen {
    /// The highest connection id a pass saw (ids only grow): older ones were handled.
    high: i32,
    /// Seen but not set yet (not ready, or the setting failed), by id: tried on each pass.
    pending: HashMap<i32, Pending>,
    /// Passes since the last full table copy.
    passes: u32,
}

struct Pending {
    identity: (u64, u64),
    /// Warned about a failure already.
    warned: bool,
}

thread_local! {
    static SEEN: RefCell<Seen> = RefCell::new(Seen::default());
}

use crate::USER_TIMEOUT;

/// How often the timer looks for new outbound connections.
pub const TICK_MS: u32 = 200;

/// Every this many passes the timer copies the whole table, to drop the records of
/// connections that are gone (5 s).
const SWEEP_PASSES: u32 = 25;

/// The modparam in ms, if set.
pub fn configured() -> Option<u32> {
    u32::try_from(USER_TIMEOUT.get()).ok().filter(|&ms| ms > 0)
}

/// One pass: sets the modparam's user timeout once on each outbound connection without an
/// explicit one (an explicit `tcp_set_user_timeout` is recorded, and so is kept). A pass
/// copies only the outbound connections newer than those seen before; every
/// [`SWEEP_PASSES`] the whole table, against which the records are swept.
pub fn tick(_now_ms: u64) {
    let Some(ms) = configured() else {
        return;
    };
    SEEN.with(|s| pass(&mut s.borrow_mut(), ms));
}

fn pass(seen: &mut Seen, ms: u32) {
    seen.passes += 1;
    if seen.passes >= SWEEP_PASSES {
        seen.passes = 0;
        let all = table::snapshot();
        sweep(&all);
        let live: HashSet<(u64, u64)> = all.iter().map(|c| c.identity).collect();
        seen.pending.retain(|_, p| live.contains(&p.identity));
        // ids wrapped around
        if all.last().is_some_and(|c| c.id < seen.high) {
            seen.high = 0;
        }
    }
    let new = table::outbound_after(seen.high);
    for c in &new {
        seen.high = seen.high.max(c.id);
        seen.pending.entry(c.id).or_insert(Pending {
            identity: c.identity,
            warned: false,
        });
    }
    if seen.pending.is_empty() {
        return;
    }
    let ids: Vec<i32> = seen.pending.keys().copied().collect();
    for id in ids {
        let Some(p) = seen.pending.get_mut(&id) else {
            continue;
        };
        let c = match new.iter().find(|c| c.id == id) {
            Some(c) => Some(c.clone()),
            None => table::one(id),
        };
        let Some(c) = c.filter(|c| c.identity == p.identity) else {
            seen.pending.remove(&id); // gone
            continue;
        };
        // being connected: a later pass; failed or at EOF: going
        match c.state {
            ConnState::Ok | ConnState::Init => {}
            ConnState::Connect | ConnState::Accept => continue,
            _ => {
                seen.pending.remove(&id);
                continue;
            }
        }
        if applied(c.identity).is_some() {
            seen.pending.remove(&id); // explicit: kept
            continue;
        }
        let Some(conn) = Conn::by_id(c.id) else {
            seen.pending.remove(&id);
            continue;
        };
        match conn.set_user_timeout(ms) {
            Ok(()) => {
                debug!("user_timeout {ms} ms set on outbound conid {id}");
                seen.pending.remove(&id);
                // a tcp_set_user_timeout in another process meanwhile: its value again
                if let Some(v) = applied(c.identity) {
                    let _ = conn.set_user_timeout(v);
                }
            }
            // e.g. a connection whose socket TCP main does not have yet: next pass
            Err(e) => {
                if !p.warned {
                    p.warned = true;
                    warn!("user_timeout on outbound conid {id}: {e} (trying again)");
                }
            }
        }
    }
}
