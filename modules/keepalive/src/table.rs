//! The destination table in shm: one probed destination per canonical URI, each with the
//! registrations (owner, callbacks) that asked for it.
//!
//! Memory per destination is kept small: the first registration without callbacks (from
//! the config, RPC or `destination`, the common case) is inline in [`Dest`] as an interned
//! owner; only API registrations and further owners get a [`Reg`] record.

use kamailio::ka_api::{DestView, ForeignCallbacks};
use kamailio::shm_map::{MapGuard, ShmMap};
use kamailio::timer::monotonic_ms;
use once_cell::sync::OnceCell;

use crate::dest_uri::Canonical;
use crate::state::{self, Streak};

/// Delay of the first ping after a destination is added (as the C module).
pub const FIRST_PING_MS: u64 = 500;

/// A probed destination (plain data in shm; its status lives in the map record).
#[derive(Clone, Copy, Default)]
pub struct Dest {
    pub next_due_ms: u64,
    pub interval_ms: u32,
    pub ping_seq: u32,
    /// Low 32 bits of the monotonic µs clock when the ping in flight went out.
    pub sent_at_us: u32,
    pub pings: u32,
    pub replies: u32,
    pub timeouts: u32,
    pub rtt_last_us: u32,
    pub rtt_avg_us: u32,
    /// Unix seconds; 0 = never.
    pub last_checked: u32,
    pub last_up: u32,
    pub last_down: u32,
    pub streak: Streak,
    /// The inline registration's owner (index in the owner map + 1; 0 = none).
    pub owner: u32,
    /// Registrations with a record: first index + 1 (0 = none), linked by `Reg::next`.
    pub first_reg: u32,
    pub last_code: u16,
    pub in_flight: bool,
    pub stopped: bool,
}

/// A registration that needs its own record: made through the module API (callbacks,
/// `ka_dest_t` view), or a further owner of a destination.
#[derive(Clone, Copy)]
pub struct Reg {
    pub next: u32,
    pub cbs: ForeignCallbacks,
    pub view: Option<DestView>,
    /// Registered through the module API (another module owns it).
    pub api: bool,
}

pub struct Table {
    pub dests: ShmMap<Dest>,
    pub regs: ShmMap<Reg>,
    /// Interned owner names of inline registrations, with their reference counts.
    owners: ShmMap<u32>,
}

static TABLE: OnceCell<Table> = OnceCell::new();

pub fn init() -> Result<(), String> {
    let t = Table {
        dests: ShmMap::new()?,
        regs: ShmMap::new()?,
        owners: ShmMap::new()?,
    };
    let _ = TABLE.set(t);
    Ok(())
}

pub fn table() -> &'static Table {
    TABLE.get().expect("keepalive table made in mod_init")
}

/// The API's lock_list: holds the destination list lock until [`api_unlock`].
pub fn api_lock() {
    table().dests.hold();
}

/// The API's unlock_list.
pub fn api_unlock() {
    table().dests.release_hold();
}

/// Unix time in seconds (as stored in [`Dest`]).
pub fn now_unix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32)
}

/// Key of a registration record: destination key, NUL, owner.
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
    /// `max_destinations` reached (logged, rate-limited, where it happened).
    Limit(u32),
}

impl Error {
    /// True if the error was logged already (callers log the others).
    pub fn logged(&self) -> bool {
        matches!(self, Error::Limit(_))
    }
}

/// Logs a refused addition at most once per 10 s per process, with how many were refused.
fn log_limit(max: u32) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST_MS: AtomicU64 = AtomicU64::new(0);
    static REFUSED: AtomicU64 = AtomicU64::new(0);
    let n = REFUSED.fetch_add(1, Ordering::Relaxed) + 1;
    let now = monotonic_ms();
    let last = LAST_MS.load(Ordering::Relaxed);
    if last != 0 && now.saturating_sub(last) < 10_000 {
        return;
    }
    LAST_MS.store(now.max(1), Ordering::Relaxed);
    REFUSED.fetch_sub(n, Ordering::Relaxed);
    log::error!(
        "max_destinations ({max}) reached: {n} new destination(s) refused (this line comes at most every 10 s)"
    );
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::BadUri(e) => write!(f, "invalid destination: {e}"),
            Error::BadOwner => write!(f, "invalid owner (empty, longer than 255 bytes or NUL)"),
            Error::NotFound => write!(f, "no such destination for this owner"),
            Error::Full => write!(f, "destination table full or out of shared memory"),
            Error::Limit(max) => write!(f, "max_destinations ({max}) reached"),
        }
    }
}

fn check_owner(owner: &[u8]) -> Result<(), Error> {
    if owner.is_empty() || owner.len() > 255 || owner.contains(&0) {
        return Err(Error::BadOwner);
    }
    Ok(())
}

/// Where a registration lives.
enum RegAt {
    Inline,
    Record(u32),
}

/// The maps locked in order (destinations, registrations, owners).
struct Locked<'a> {
    dests: MapGuard<'a, Dest>,
    regs: MapGuard<'a, Reg>,
    owners: MapGuard<'a, u32>,
}

impl Locked<'_> {
    fn new(t: &Table) -> Locked<'_> {
        let dests = t.dests.lock();
        Locked {
            dests,
            regs: t.regs.lock(),
            owners: t.owners.lock(),
        }
    }

    /// `owner`'s registration of destination `idx` (whose key is `key`).
    fn find_reg(&self, idx: u32, key: &[u8], owner: &[u8]) -> Option<RegAt> {
        let inline = self.dests.get(idx).owner;
        if inline != 0 && self.owners.find(owner) == Some(inline - 1) {
            return Some(RegAt::Inline);
        }
        self.regs.find(&reg_key(key, owner)).map(RegAt::Record)
    }

    /// Makes a registration record for destination `idx` and links it first.
    fn add_record(&mut self, idx: u32, key: &[u8], owner: &[u8], reg: Reg) -> Result<u32, Error> {
        let next = self.dests.get(idx).first_reg;
        let (r, _) = self
            .regs
            .insert(&reg_key(key, owner), Reg { next, ..reg })
            .map_err(|_| Error::Full)?;
        self.dests.get_mut(idx).first_reg = r + 1;
        Ok(r)
    }

    /// Unlinks and removes registration record `r` of destination `idx`.
    fn remove_record(&mut self, idx: u32, r: u32) {
        let next = self.regs.get(r).next;
        let d = self.dests.get_mut(idx);
        if d.first_reg == r + 1 {
            d.first_reg = next;
        } else {
            let mut cur = d.first_reg;
            while cur != 0 {
                if self.regs.get(cur - 1).next == r + 1 {
                    self.regs.get_mut(cur - 1).next = next;
                    break;
                }
                cur = self.regs.get(cur - 1).next;
            }
        }
        if let Some(v) = self.regs.remove(r).and_then(|r| r.view) {
            v.free();
        }
    }

    /// Interns `owner` for an inline registration: its index + 1.
    fn owner_ref(&mut self, owner: &[u8]) -> Result<u32, Error> {
        let (o, _) = self.owners.insert(owner, 0).map_err(|_| Error::Full)?;
        *self.owners.get_mut(o) += 1;
        Ok(o + 1)
    }

    /// Drops the inline registration of destination `idx`.
    fn clear_inline(&mut self, idx: u32) {
        let o = std::mem::take(&mut self.dests.get_mut(idx).owner);
        if o != 0 {
            let refs = self.owners.get_mut(o - 1);
            *refs -= 1;
            if *refs == 0 {
                self.owners.remove(o - 1);
            }
        }
    }

    /// Moves the inline registration of destination `idx` into a record (to give it
    /// callbacks or a view); returns the record.
    fn inline_to_record(&mut self, idx: u32, key: &[u8], owner: &[u8]) -> Result<u32, Error> {
        let reg = Reg {
            next: 0,
            cbs: ForeignCallbacks::NONE,
            view: None,
            api: false,
        };
        let r = self.add_record(idx, key, owner, reg)?;
        self.clear_inline(idx);
        Ok(r)
    }
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
    let interval_ms = if interval_s > 0 {
        (interval_s as u32).min(u32::MAX / 1000) * 1000
    } else {
        crate::config::settings().interval_ms
    };
    let now = monotonic_ms();
    let known_state;
    {
        let mut l = Locked::new(table());
        let max = crate::config::settings().max_destinations;
        if max > 0 && l.dests.len() >= max as usize && l.dests.find(key).is_none() {
            drop(l);
            log_limit(max);
            return Err(Error::Limit(max));
        }
        let (idx, created) = l
            .dests
            .insert(key, Dest::default())
            .map_err(|_| Error::Full)?;
        let gen = l.dests.gen(idx);
        let d = l.dests.get_mut(idx);
        let restarted = !created && d.stopped;
        if created {
            d.interval_ms = interval_ms;
            d.ping_seq = gen << 16;
            d.next_due_ms = now + FIRST_PING_MS;
        } else if d.stopped {
            d.stopped = false;
            d.streak.fail = 0;
            d.next_due_ms = now + FIRST_PING_MS;
        }
        known_state = d.streak.state();
        if restarted {
            // the timer process remakes its schedule
            l.dests.bump_version();
        }
        let plain = !api && cbs.is_none();
        let added = match l.find_reg(idx, key, owner) {
            Some(RegAt::Inline) if plain => Ok(()),
            Some(RegAt::Inline) => l.inline_to_record(idx, key, owner).map(|r| {
                let reg = l.regs.get_mut(r);
                reg.cbs = cbs;
                reg.api = api;
            }),
            Some(RegAt::Record(r)) => {
                let reg = l.regs.get_mut(r);
                reg.cbs = cbs;
                reg.api |= api;
                Ok(())
            }
            None if plain && l.dests.get(idx).owner == 0 => {
                l.owner_ref(owner).map(|o| l.dests.get_mut(idx).owner = o)
            }
            None => {
                let reg = Reg {
                    next: 0,
                    cbs,
                    view: None,
                    api,
                };
                l.add_record(idx, key, owner, reg).map(|_| ())
            }
        };
        if let Err(e) = added {
            if created {
                l.dests.remove(idx);
            }
            return Err(e);
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
    let mut l = Locked::new(table());
    let idx = l.dests.find(key).ok_or(Error::NotFound)?;
    match l.find_reg(idx, key, owner).ok_or(Error::NotFound)? {
        RegAt::Inline => l.clear_inline(idx),
        RegAt::Record(r) => l.remove_record(idx, r),
    }
    let d = l.dests.get(idx);
    if d.owner == 0 && d.first_reg == 0 {
        l.dests.remove(idx);
    }
    Ok(())
}

/// `remove_unreachable`: removes destination `idx` of generation `gen` with all its
/// registrations, in one locked section, if it is still that destination, its probing is
/// still stopped, and no registration is owned by the API (a module's callbacks or a
/// `ka_dest_t` view it may hold). An add in between (a `ka_add_destination` in
/// `event_route[keepalive:dst-down]`, an RPC or API add) restarted probing or took
/// ownership, so it survives. True if removed.
pub fn remove_unreachable(idx: u32, gen: u32) -> bool {
    let mut l = Locked::new(table());
    if !l.dests.is_current(idx, gen) || !l.dests.get(idx).stopped {
        return false;
    }
    let mut r = l.dests.get(idx).first_reg;
    while r != 0 {
        let reg = l.regs.get(r - 1);
        if reg.api || reg.view.is_some() {
            return false;
        }
        r = reg.next;
    }
    l.clear_inline(idx);
    while let Some(r) = l.dests.get(idx).first_reg.checked_sub(1) {
        l.remove_record(idx, r);
    }
    l.dests.remove(idx);
    true
}

/// Removes every destination and registration.
pub fn flush() -> usize {
    let mut l = Locked::new(table());
    for r in l.regs.indices() {
        if let Some(v) = l.regs.remove(r).and_then(|r| r.view) {
            v.free();
        }
    }
    for o in l.owners.indices() {
        l.owners.remove(o);
    }
    let all = l.dests.indices();
    for &i in &all {
        l.dests.remove(i);
    }
    all.len()
}

/// The API's find_destination: the registration's `ka_dest_t` view (made on first use).
/// Works whether or not the caller holds the list lock (as C callers do).
pub fn find_view(uri: &[u8], owner: &[u8]) -> Option<DestView> {
    let canon = Canonical::parse(uri).ok()?;
    let key = canon.as_bytes();
    let t = table();
    let mut l = Locked {
        dests: t.dests.lock_unless_held(),
        regs: t.regs.lock(),
        owners: t.owners.lock(),
    };
    let idx = l.dests.find(key)?;
    let r = match l.find_reg(idx, key, owner)? {
        RegAt::Inline => l.inline_to_record(idx, key, owner).ok()?,
        RegAt::Record(r) => r,
    };
    if let Some(v) = l.regs.get(r).view {
        return Some(v);
    }
    let v = DestView::new(key, owner, l.dests.status(idx))?;
    l.regs.get_mut(r).view = Some(v);
    Some(v)
}

/// One registration as RPC shows it.
pub struct Entry {
    pub uri: String,
    pub owner: String,
    pub state: i32,
    pub dest: Dest,
}

/// One registration (`owner`'s) of `uri`, if it exists.
pub fn get(uri: &[u8], owner: &[u8]) -> Result<Entry, Error> {
    let canon = Canonical::parse(uri).map_err(Error::BadUri)?;
    let l = Locked::new(table());
    let idx = l.dests.find(canon.as_bytes()).ok_or(Error::NotFound)?;
    l.find_reg(idx, canon.as_bytes(), owner)
        .ok_or(Error::NotFound)?;
    Ok(l.entry(idx, owner))
}

impl Locked<'_> {
    fn entry(&self, idx: u32, owner: &[u8]) -> Entry {
        Entry {
            uri: String::from_utf8_lossy(&self.dests.key(idx)).into_owned(),
            owner: String::from_utf8_lossy(owner).into_owned(),
            state: self.dests.status(idx),
            dest: *self.dests.get(idx),
        }
    }
}

/// Registrations `offset..offset + limit` in table order (one entry each), and how many
/// registrations there are.
pub fn list_page(offset: usize, limit: usize) -> (Vec<Entry>, usize) {
    let l = Locked::new(table());
    let end = offset.saturating_add(limit);
    let mut out = Vec::new();
    let mut n = 0usize;
    for idx in l.dests.indices() {
        let d = l.dests.get(idx);
        if d.owner != 0 {
            if n >= offset && n < end {
                out.push(l.entry(idx, &l.owners.key(d.owner - 1)));
            }
            n += 1;
        }
        let mut r = d.first_reg;
        while r != 0 {
            if n >= offset && n < end {
                let rk = l.regs.key(r - 1);
                let cut = rk.iter().position(|&b| b == 0).map_or(rk.len(), |c| c + 1);
                out.push(l.entry(idx, &rk[cut..]));
            }
            n += 1;
            r = l.regs.get(r - 1).next;
        }
    }
    (out, n)
}

/// Destinations `offset..offset + limit` in table order (`owner` empty), and how many
/// destinations there are.
pub fn dest_page(offset: usize, limit: usize) -> (Vec<Entry>, usize) {
    let l = Locked::new(table());
    let all = l.dests.indices();
    let out = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|&idx| l.entry(idx, b""))
        .collect();
    (out, all.len())
}
