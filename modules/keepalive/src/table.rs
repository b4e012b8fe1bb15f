//! The destination table in shm: one probed destination per canonical URI, each with the
//! registrations (owner, callbacks) that asked for it.

use kamailio::ka_api::{DestView, ForeignCallbacks};
use kamailio::shm_map::ShmMap;
use kamailio::timer::monotonic_ms;
use once_cell::sync::OnceCell;

use crate::dest_uri::Canonical;
use crate::state::{self, Streak};

/// Delay of the first ping after a destination is added (as the C module).
pub const FIRST_PING_MS: u64 = 500;

/// A probed destination (plain data in shm; its status lives in the map record).
#[derive(Clone, Copy, Default)]
pub struct Dest {
    pub interval_ms: u32,
    pub next_due_ms: u64,
    pub in_flight: bool,
    pub ping_seq: u32,
    pub sent_at_us: u64,
    pub streak: Streak,
    pub stopped: bool,
    pub pings: u64,
    pub replies: u64,
    pub timeouts: u64,
    pub last_code: i32,
    pub rtt_last_us: u32,
    pub rtt_avg_us: u32,
    pub last_checked: i64,
    pub last_up: i64,
    pub last_down: i64,
    /// First registration (index + 1; 0 = none) and how many there are.
    pub first_reg: u32,
    pub nregs: u32,
}

/// One owner's registration of a destination.
#[derive(Clone, Copy)]
pub struct Reg {
    pub dest: u32,
    pub next: u32,
    pub cbs: ForeignCallbacks,
    pub view: Option<DestView>,
    /// Registered through the module API (another module owns it).
    pub api: bool,
}

pub struct Table {
    pub dests: ShmMap<Dest>,
    pub regs: ShmMap<Reg>,
}

static TABLE: OnceCell<Table> = OnceCell::new();

pub fn init() -> Result<(), String> {
    let t = Table {
        dests: ShmMap::new()?,
        regs: ShmMap::new()?,
    };
    let _ = TABLE.set(t);
    Ok(())
}

pub fn table() -> &'static Table {
    TABLE.get().expect("keepalive table made in mod_init")
}

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Key of a registration: destination key, NUL, owner.
fn reg_key(dest: &[u8], owner: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(dest.len() + 1 + owner.len());
    k.extend_from_slice(dest);
    k.push(0);
    k.extend_from_slice(owner);
    k
}

/// Why a table operation failed.
#[derive(Debug)]
pub enum Error {
    BadUri(crate::dest_uri::UriError),
    BadOwner,
    NotFound,
    Full,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::BadUri(e) => write!(f, "invalid destination: {e}"),
            Error::BadOwner => write!(f, "invalid owner (empty, longer than 255 bytes or NUL)"),
            Error::NotFound => write!(f, "no such destination for this owner"),
            Error::Full => write!(f, "destination table full or out of shared memory"),
        }
    }
}

fn check_owner(owner: &[u8]) -> Result<(), Error> {
    if owner.is_empty() || owner.len() > 255 || owner.contains(&0) {
        return Err(Error::BadOwner);
    }
    Ok(())
}

/// Adds (or refreshes) `owner`'s registration of `uri`. Re-adding replaces the owner's
/// callbacks and restarts probing if it had stopped. A new registrant of a destination
/// whose state is known is told that state at once.
pub fn add(
    uri: &[u8],
    owner: &[u8],
    interval_s: i32,
    cbs: ForeignCallbacks,
    api: bool,
) -> Result<(), Error> {
    let canon = Canonical::parse(uri).map_err(Error::BadUri)?;
    check_owner(owner)?;
    let key = canon.as_bytes();
    let t = table();
    let interval_ms = if interval_s > 0 {
        interval_s as u32 * 1000
    } else {
        crate::config::settings().interval_ms
    };
    let now = monotonic_ms();
    let known_state;
    {
        let mut dests = t.dests.lock();
        let (idx, created) = dests
            .insert(key, Dest::default())
            .map_err(|_| Error::Full)?;
        let gen = dests.gen(idx);
        let d = dests.get_mut(idx);
        if created {
            d.interval_ms = interval_ms;
            d.ping_seq = gen << 16;
            d.next_due_ms = now + FIRST_PING_MS;
        } else if d.stopped {
            d.stopped = false;
            d.streak.fail = 0;
            d.next_due_ms = now + FIRST_PING_MS;
        }
        known_state = d.streak.state;
        let rkey = reg_key(key, owner);
        let mut regs = t.regs.lock();
        if let Some(r) = regs.find(&rkey) {
            let reg = regs.get_mut(r);
            reg.cbs = cbs;
            reg.api |= api;
        } else {
            let reg = Reg {
                dest: idx,
                next: d.first_reg,
                cbs,
                view: None,
                api,
            };
            let Ok((r, _)) = regs.insert(&rkey, reg) else {
                drop(regs);
                if created {
                    dests.remove(idx);
                }
                return Err(Error::Full);
            };
            let d = dests.get_mut(idx);
            d.first_reg = r + 1;
            d.nregs += 1;
        }
    }
    if known_state != state::UNKNOWN {
        cbs.notify_state(key, known_state);
    }
    Ok(())
}

/// Removes `owner`'s registration of `uri`; the destination goes with its last one.
pub fn del(uri: &[u8], owner: &[u8]) -> Result<(), Error> {
    let canon = Canonical::parse(uri).map_err(Error::BadUri)?;
    let key = canon.as_bytes();
    let t = table();
    let mut dests = t.dests.lock();
    let idx = dests.find(key).ok_or(Error::NotFound)?;
    let mut regs = t.regs.lock();
    let r = regs.find(&reg_key(key, owner)).ok_or(Error::NotFound)?;
    // unlink r from the destination's list
    let next = regs.get(r).next;
    let d = dests.get_mut(idx);
    if d.first_reg == r + 1 {
        d.first_reg = next;
    } else {
        let mut cur = d.first_reg;
        while cur != 0 {
            if regs.get(cur - 1).next == r + 1 {
                regs.get_mut(cur - 1).next = next;
                break;
            }
            cur = regs.get(cur - 1).next;
        }
    }
    d.nregs = d.nregs.saturating_sub(1);
    let last = d.nregs == 0;
    if let Some(v) = regs.remove(r).and_then(|r| r.view) {
        v.free();
    }
    if last {
        dests.remove(idx);
    }
    Ok(())
}

/// Removes every destination and registration.
pub fn flush() -> usize {
    let t = table();
    let mut dests = t.dests.lock();
    let mut regs = t.regs.lock();
    for r in regs.indices() {
        if let Some(v) = regs.remove(r).and_then(|r| r.view) {
            v.free();
        }
    }
    let all = dests.indices();
    for &i in &all {
        dests.remove(i);
    }
    all.len()
}

/// State of `uri`: 0 unknown, 1 up, 2 down; `None` when not monitored or malformed.
/// Lock-free and allocation-free for canonical forms up to 40 bytes.
pub fn state_of(uri: &[u8]) -> Option<i32> {
    let canon = Canonical::parse(uri).ok()?;
    table().dests.status(canon.as_bytes())
}

/// The API's find_destination: the registration's `ka_dest_t` view (made on first use).
/// The caller holds the list lock (as with the C module), so only the registrations'
/// own lock is taken here.
pub fn find_view(uri: &[u8], owner: &[u8]) -> Option<DestView> {
    let canon = Canonical::parse(uri).ok()?;
    let key = canon.as_bytes();
    let t = table();
    let mut regs = t.regs.lock();
    let r = regs.find(&reg_key(key, owner))?;
    if let Some(v) = regs.get(r).view {
        return Some(v);
    }
    let state = t.dests.status_at(regs.get(r).dest);
    let v = DestView::new(key, owner, state)?;
    regs.get_mut(r).view = Some(v);
    Some(v)
}

/// One registration as RPC shows it.
pub struct Entry {
    pub uri: String,
    pub owner: String,
    pub state: i32,
    pub dest: Dest,
}

/// A snapshot of the table (one entry per registration), optionally for one (uri, owner).
pub fn snapshot(only: Option<(&[u8], &[u8])>) -> Result<Vec<Entry>, Error> {
    let t = table();
    let dests = t.dests.lock();
    let regs = t.regs.lock();
    let wanted = match only {
        Some((uri, owner)) => {
            let canon = Canonical::parse(uri).map_err(Error::BadUri)?;
            let r = regs
                .find(&reg_key(canon.as_bytes(), owner))
                .ok_or(Error::NotFound)?;
            vec![r]
        }
        None => regs.indices(),
    };
    Ok(wanted
        .into_iter()
        .map(|r| {
            let rk = regs.key(r);
            let cut = rk.iter().position(|&b| b == 0).unwrap_or(rk.len());
            let di = regs.get(r).dest;
            Entry {
                uri: String::from_utf8_lossy(&rk[..cut]).into_owned(),
                owner: String::from_utf8_lossy(rk.get(cut + 1..).unwrap_or(&[])).into_owned(),
                state: dests.status(di),
                dest: *dests.get(di),
            }
        })
        .collect())
}
