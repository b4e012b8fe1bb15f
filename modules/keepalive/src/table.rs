//! The destination table in shm: one probed destination per canonical URI, each with the
//! registrations (owner, callbacks) that asked for it.
//!
//! Memory per destination is kept small: the first registration without callbacks (from
//! the config, RPC or `destination`, the common case) is inline in [`Dest`] as an interned
//! owner; only API registrations and further owners get a [`Reg`] record.

use std::cell::RefCell;
use std::num::NonZeroU32;

use kamailio::ka_api::{DestView, ForeignCallbacks, Lent};
use kamailio::shm_map::{MapGuard, MapHold, ShmMap};
use kamailio::timer::monotonic_ms;
use once_cell::sync::OnceCell;

use crate::attrs::{Attrs, Patch};
use crate::dest_uri::Canonical;
use crate::state::{self, Streak};

/// Delay of the first ping after a destination is added (as the C module).
pub const FIRST_PING_MS: u64 = 500;

/// The owner of the destinations from the `destination` modparam.
pub const PARAMS_OWNER: &[u8] = b"_params";

kamailio::shm_safe! {
    /// A link to a record of another map: its index, or none. Stored as index + 1 (0 = none),
    /// so a zero-filled record links nowhere.
    #[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
    pub struct Link {
        at: Option<NonZeroU32>,
    }
}

impl Link {
    pub const NONE: Link = Link { at: None };

    pub fn to(idx: u32) -> Link {
        Link {
            at: NonZeroU32::new(idx.wrapping_add(1)),
        }
    }

    /// The record index linked to.
    pub fn get(self) -> Option<u32> {
        self.at.map(|n| n.get() - 1)
    }

    pub fn is_none(self) -> bool {
        self.at.is_none()
    }
}

kamailio::shm_safe! {
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
        /// The inline registration's owner (in the owner map).
        pub owner: Link,
        /// Registrations with a record: the first, linked by `Reg::next`.
        pub first_reg: Link,
        pub last_code: u16,
        /// The number of state changes (wrapping; counted in any mode, read in cluster mode),
        /// so a late cluster message with an older state is told from a newer one.
        pub epoch: u16,
        pub in_flight: bool,
        pub stopped: bool,
        /// The `probing=0` attribute: not pinged (its state stays as it is).
        pub paused: bool,
        /// The destination's attributes (canonical text in the attribute map), or none.
        pub attrs: Link,
        /// Attribute `timeout` (ms; 0: `probe_timeout`).
        pub timeout_ms: u32,
        /// Attributes `down_after` / `up_after` (0: the modparams).
        pub down_after: u16,
        pub up_after: u16,
        /// Unix seconds of the last change of state; 0 = never.
        pub last_change: u32,
        /// The RTT estimate is above `latency_threshold` (hysteresis state).
        pub slow: bool,
        /// Latency and outcome statistics since the last `keepalive.stats_reset`.
        pub lat: crate::latency::Latency,
    }
}

kamailio::shm_safe! {
    /// A registration that needs its own record: made through the module API (callbacks,
    /// `ka_dest_t` view), or a further owner of a destination. Not `Copy`: it owns its view.
    pub struct Reg {
        pub next: Link,
        pub cbs: ForeignCallbacks,
        pub view: Option<DestView>,
        /// Registered through the module API (another module owns it).
        pub api: bool,
    }
}

/// The registration records linked from `first` (a destination's `first_reg`), in order,
/// with their indices (`regs` locked).
pub fn regs_from<'a>(
    regs: &'a MapGuard<'_, Reg>,
    first: Link,
) -> impl Iterator<Item = (u32, &'a Reg)> {
    std::iter::successors(first.get().map(|i| (i, regs.get(i))), move |(_, r)| {
        r.next.get().map(|i| (i, regs.get(i)))
    })
}

pub struct Table {
    pub dests: ShmMap<Dest>,
    pub regs: ShmMap<Reg>,
    /// Interned owner names of inline registrations, with their reference counts.
    owners: ShmMap<u32>,
    /// Interned canonical attribute texts ([`crate::attrs`]), with their reference counts.
    pub attrs: ShmMap<u32>,
}

static TABLE: OnceCell<Table> = OnceCell::new();

pub fn init() -> Result<(), String> {
    let t = Table {
        dests: ShmMap::new()?,
        regs: ShmMap::new()?,
        owners: ShmMap::new()?,
        attrs: ShmMap::new()?,
    };
    let _ = TABLE.set(t);
    Ok(())
}

pub fn table() -> &'static Table {
    TABLE.get().expect("keepalive table made in mod_init")
}

thread_local! {
    /// The destination list lock as this thread holds it between the API's lock_list and
    /// unlock_list: the token that [`find_view`] works under. Per thread, as the lock is
    /// released by the thread that took it.
    static API_HOLD: RefCell<Option<MapHold<Dest>>> = const { RefCell::new(None) };
}

/// The API's lock_list: holds the destination list lock until [`api_unlock`].
pub fn api_lock() {
    API_HOLD.with(|h| {
        let mut hold = h.borrow_mut();
        if hold.is_some() {
            log::warn!("lock_destination_list: this process holds the list already");
            return;
        }
        *hold = Some(table().dests.hold());
    })
}

/// The API's unlock_list: releases the lock taken by [`api_lock`] (only that one).
pub fn api_unlock() {
    // taken out of the cell before the drop releases the lock
    let held = API_HOLD.with(|h| h.borrow_mut().take());
    if held.is_none() {
        log::warn!("unlock_destination_list without lock_destination_list: ignored");
    }
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
    /// A cluster peer asked to change what only this node can (`_params`, API registrations).
    Protected,
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
            Error::Protected => write!(
                f,
                "a peer cannot change _params or a module's API registration"
            ),
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

/// The maps locked in order (destinations, registrations, owners, attributes).
struct Locked<'a> {
    dests: MapGuard<'a, Dest>,
    regs: MapGuard<'a, Reg>,
    owners: MapGuard<'a, u32>,
    attrs: MapGuard<'a, u32>,
}

impl Locked<'_> {
    fn new(t: &Table) -> Locked<'_> {
        let dests = t.dests.lock();
        Locked {
            dests,
            regs: t.regs.lock(),
            owners: t.owners.lock(),
            attrs: t.attrs.lock(),
        }
    }

    /// `owner`'s registration of destination `idx` (whose key is `key`).
    fn find_reg(&self, idx: u32, key: &[u8], owner: &[u8]) -> Option<RegAt> {
        let inline = self.dests.get(idx).owner.get();
        if inline.is_some() && self.owners.find(owner) == inline {
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
        self.dests.get_mut(idx).first_reg = Link::to(r);
        Ok(r)
    }

    /// Unlinks and removes registration record `r` of destination `idx`.
    fn remove_record(&mut self, idx: u32, r: u32) {
        let next = self.regs.get(r).next;
        let d = self.dests.get_mut(idx);
        if d.first_reg == Link::to(r) {
            d.first_reg = next;
        } else {
            let mut cur = d.first_reg.get();
            while let Some(c) = cur {
                if self.regs.get(c).next == Link::to(r) {
                    self.regs.get_mut(c).next = next;
                    break;
                }
                cur = self.regs.get(c).next.get();
            }
        }
        if let Some(v) = self.regs.remove(r).and_then(|r| r.view) {
            v.free();
        }
    }

    /// Removes destination `idx` (its registrations are gone) with its attributes.
    fn remove_dest(&mut self, idx: u32) {
        self.release_attrs(idx);
        self.dests.remove(idx);
    }

    /// The attributes of destination `idx`.
    fn attrs_of(&self, idx: u32) -> Attrs {
        self.dests
            .get(idx)
            .attrs
            .get()
            .map_or_else(Attrs::default, |a| Attrs::from_text(&self.attrs.key(a)))
    }

    /// Drops destination `idx`'s link to its attribute text.
    fn release_attrs(&mut self, idx: u32) {
        let a = std::mem::take(&mut self.dests.get_mut(idx).attrs);
        if let Some(a) = a.get() {
            let refs = self.attrs.get_mut(a);
            *refs -= 1;
            if *refs == 0 {
                self.attrs.remove(a);
            }
        }
    }

    /// Merges `patch` into destination `idx`'s attributes and applies them to its record;
    /// the next ping goes out one (new) interval from now at the latest. The new text.
    fn apply_attrs(&mut self, idx: u32, patch: &Patch) -> Result<String, Error> {
        let mut a = self.attrs_of(idx);
        a.merge(patch);
        let text = a.text();
        let link = if text.is_empty() {
            Link::NONE
        } else {
            let (i, _) = self
                .attrs
                .insert(text.as_bytes(), 0)
                .map_err(|_| Error::Full)?;
            *self.attrs.get_mut(i) += 1;
            Link::to(i)
        };
        self.release_attrs(idx);
        let s = crate::config::settings();
        let now = monotonic_ms();
        let d = self.dests.get_mut(idx);
        d.attrs = link;
        if patch.names("interval") {
            d.interval_ms = a.interval.map_or(s.interval_ms, |v| v * 1000);
        }
        d.timeout_ms = a.timeout.unwrap_or(0);
        d.down_after = a.down_after.unwrap_or(0);
        d.up_after = a.up_after.unwrap_or(0);
        d.paused = a.probing == Some(false);
        d.next_due_ms = d.next_due_ms.min(now + u64::from(d.interval_ms));
        // the timer process remakes its schedule
        self.dests.bump_version();
        Ok(text)
    }

    /// Interns `owner` for an inline registration: the link to it.
    fn owner_ref(&mut self, owner: &[u8]) -> Result<Link, Error> {
        let (o, _) = self.owners.insert(owner, 0).map_err(|_| Error::Full)?;
        *self.owners.get_mut(o) += 1;
        Ok(Link::to(o))
    }

    /// Drops the inline registration of destination `idx`.
    fn clear_inline(&mut self, idx: u32) {
        let o = std::mem::take(&mut self.dests.get_mut(idx).owner);
        if let Some(o) = o.get() {
            let refs = self.owners.get_mut(o);
            *refs -= 1;
            if *refs == 0 {
                self.owners.remove(o);
            }
        }
    }

    /// Moves the inline registration of destination `idx` into a record (to give it
    /// callbacks or a view); returns the record.
    fn inline_to_record(&mut self, idx: u32, key: &[u8], owner: &[u8]) -> Result<u32, Error> {
        let reg = Reg {
            next: Link::NONE,
            cbs: ForeignCallbacks::NONE,
            view: None,
            api: false,
        };
        let r = self.add_record(idx, key, owner, reg)?;
        self.clear_inline(idx);
        Ok(r)
    }
}

/// Adds (or refreshes) `owner`'s registration of `uri`, probed every `interval_ms` (`None`:
/// `ping_interval`) if the destination is new, with `attrs` merged into the destination's
/// attributes. Re-adding replaces the owner's callbacks and restarts probing if it had
/// stopped. A new registrant of a destination whose state is
/// known is told that state at once.
pub fn add(
    uri: &[u8],
    owner: &[u8],
    interval_ms: Option<u32>,
    cbs: ForeignCallbacks,
    api: bool,
    attrs: Option<&Patch>,
) -> Result<(), Error> {
    let canon = Canonical::parse(uri).map_err(Error::BadUri)?;
    check_owner(owner)?;
    let key = canon.as_bytes();
    let interval_ms = interval_ms.unwrap_or(crate::config::settings().interval_ms);
    let known_state = {
        let mut l = Locked::new(table());
        if let Err(max) = l.room_for(key) {
            drop(l);
            log_limit(max);
            return Err(Error::Limit(max));
        }
        let (idx, created, known_state) = l.upsert_dest(key, interval_ms)?;
        let applied = attrs.map_or(Ok(()), |p| l.apply_attrs(idx, p).map(|_| ()));
        if let Err(e) = applied.and_then(|()| l.register(idx, key, owner, cbs, api)) {
            if created {
                l.remove_dest(idx);
            }
            return Err(e);
        }
        known_state
    };
    if known_state != state::UNKNOWN {
        cbs.notify_state(key, known_state);
    }
    Ok(())
}

impl Locked<'_> {
    /// `Err(max)` if `key` is a new destination and `max_destinations` are there already.
    fn room_for(&self, key: &[u8]) -> Result<(), u32> {
        let max = crate::config::settings().max_destinations;
        if max > 0 && self.dests.len() >= max as usize && self.dests.find(key).is_none() {
            return Err(max);
        }
        Ok(())
    }

    /// The destination `key`, made if new (first ping soon) or restarted if its probing had
    /// stopped: (index, made, its state).
    fn upsert_dest(&mut self, key: &[u8], interval_ms: u32) -> Result<(u32, bool, i32), Error> {
        let now = monotonic_ms();
        let (idx, created) = self
            .dests
            .insert(key, Dest::default())
            .map_err(|_| Error::Full)?;
        let gen = self.dests.gen(idx);
        let d = self.dests.get_mut(idx);
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
        let known_state = d.streak.state();
        if restarted {
            // the timer process remakes its schedule
            self.dests.bump_version();
        }
        Ok((idx, created, known_state))
    }

    /// Makes or updates `owner`'s registration of destination `idx`: inline when it has no
    /// callbacks and the inline place is free, else a record.
    fn register(
        &mut self,
        idx: u32,
        key: &[u8],
        owner: &[u8],
        cbs: ForeignCallbacks,
        api: bool,
    ) -> Result<(), Error> {
        let plain = !api && cbs.is_none();
        match self.find_reg(idx, key, owner) {
            Some(RegAt::Inline) if plain => Ok(()),
            Some(RegAt::Inline) => self.inline_to_record(idx, key, owner).map(|r| {
                let reg = self.regs.get_mut(r);
                reg.cbs = cbs;
                reg.api = api;
            }),
            Some(RegAt::Record(r)) => {
                let reg = self.regs.get_mut(r);
                reg.cbs = cbs;
                reg.api |= api;
                Ok(())
            }
            None if plain && self.dests.get(idx).owner.is_none() => {
                let o = self.owner_ref(owner)?;
                self.dests.get_mut(idx).owner = o;
                Ok(())
            }
            None => {
                let reg = Reg {
                    next: Link::NONE,
                    cbs,
                    view: None,
                    api,
                };
                self.add_record(idx, key, owner, reg).map(|_| ())
            }
        }
    }
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
    if d.owner.is_none() && d.first_reg.is_none() {
        l.remove_dest(idx);
    }
    Ok(())
}

/// Cluster mode: adds `owner`'s registration of `uri` as a peer did (`dmq_replicate_adds`),
/// without callbacks, unless it is there already (whatever it is, it stays as it is) or the
/// owner is `_params`. True if added.
pub fn add_replicated(uri: &[u8], owner: &[u8]) -> Result<bool, Error> {
    let canon = Canonical::parse(uri).map_err(Error::BadUri)?;
    check_owner(owner)?;
    if owner == PARAMS_OWNER {
        return Err(Error::Protected);
    }
    let key = canon.as_bytes();
    let mut l = Locked::new(table());
    if let Some(idx) = l.dests.find(key) {
        if l.find_reg(idx, key, owner).is_some() {
            return Ok(false);
        }
    }
    if let Err(max) = l.room_for(key) {
        drop(l);
        log_limit(max);
        return Err(Error::Limit(max));
    }
    let interval_ms = crate::config::settings().interval_ms;
    let (idx, created, _) = l.upsert_dest(key, interval_ms)?;
    if let Err(e) = l.register(idx, key, owner, ForeignCallbacks::NONE, false) {
        if created {
            l.remove_dest(idx);
        }
        return Err(e);
    }
    Ok(true)
}

/// Cluster mode: removes `owner`'s registration of `uri` as a peer did, unless the owner is
/// `_params` or a module registered it through the API. True if removed.
pub fn del_replicated(uri: &[u8], owner: &[u8]) -> Result<bool, Error> {
    let canon = Canonical::parse(uri).map_err(Error::BadUri)?;
    if owner == PARAMS_OWNER {
        return Err(Error::Protected);
    }
    let key = canon.as_bytes();
    let mut l = Locked::new(table());
    let Some(idx) = l.dests.find(key) else {
        return Ok(false);
    };
    match l.find_reg(idx, key, owner) {
        None => return Ok(false),
        Some(RegAt::Inline) => l.clear_inline(idx),
        Some(RegAt::Record(r)) => {
            let reg = l.regs.get(r);
            if reg.api || reg.view.is_some() || !reg.cbs.is_none() {
                return Err(Error::Protected);
            }
            l.remove_record(idx, r);
        }
    }
    let d = l.dests.get(idx);
    if d.owner.is_none() && d.first_reg.is_none() {
        l.remove_dest(idx);
    }
    Ok(true)
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
    if regs_from(&l.regs, l.dests.get(idx).first_reg).any(|(_, r)| r.api || r.view.is_some()) {
        return false;
    }
    l.clear_inline(idx);
    while let Some(r) = l.dests.get(idx).first_reg.get() {
        l.remove_record(idx, r);
    }
    l.remove_dest(idx);
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
    for a in l.attrs.indices() {
        l.attrs.remove(a);
    }
    let all = l.dests.indices();
    for &i in &all {
        l.dests.remove(i);
    }
    all.len()
}

/// The API's find_destination: the registration's `ka_dest_t` view (made on first use).
/// Works whether or not the caller holds the list lock (as C callers do).
pub fn find_view(uri: &[u8], owner: &[u8]) -> Option<Lent> {
    let canon = Canonical::parse(uri).ok()?;
    let key = canon.as_bytes();
    let t = table();
    API_HOLD.with(|hold| {
        let mut hold = hold.borrow_mut();
        let dests = match hold.as_mut() {
            Some(h) => h.guard(),
            None => t.dests.lock(),
        };
        let mut l = Locked {
            dests,
            regs: t.regs.lock(),
            owners: t.owners.lock(),
            attrs: t.attrs.lock(),
        };
        let idx = l.dests.find(key)?;
        let r = match l.find_reg(idx, key, owner)? {
            RegAt::Inline => l.inline_to_record(idx, key, owner).ok()?,
            RegAt::Record(r) => r,
        };
        if let Some(v) = &l.regs.get(r).view {
            return Some(v.lend());
        }
        let v = DestView::new(key, owner, l.dests.status(idx))?;
        let lent = v.lend();
        l.regs.get_mut(r).view = Some(v);
        Some(lent)
    })
}

/// One registration as RPC shows it.
pub struct Entry {
    pub uri: String,
    pub owner: String,
    pub state: i32,
    pub dest: Dest,
    /// The destination's attributes (canonical text; empty: none).
    pub attrs: String,
}

/// `keepalive.set`: merges `patch` into the attributes of destination `uri` (whoever
/// registered it); the new attribute text.
pub fn set_attrs(uri: &[u8], patch: &Patch) -> Result<String, Error> {
    let canon = Canonical::parse(uri).map_err(Error::BadUri)?;
    let mut l = Locked::new(table());
    let idx = l.dests.find(canon.as_bytes()).ok_or(Error::NotFound)?;
    l.apply_attrs(idx, patch)
}

/// `keepalive.stats_reset`: clears the latency and outcome statistics of destination `uri`,
/// or of all (`None`); how many destinations.
pub fn reset_stats(uri: Option<&[u8]>) -> Result<usize, Error> {
    let mut dests = table().dests.lock();
    let all = match uri {
        Some(u) => {
            let canon = Canonical::parse(u).map_err(Error::BadUri)?;
            vec![dests.find(canon.as_bytes()).ok_or(Error::NotFound)?]
        }
        None => dests.indices(),
    };
    for &i in &all {
        dests.get_mut(i).lat = Default::default();
        dests.set_aux(i, 0);
    }
    Ok(all.len())
}

/// The attributes of the destination of record `idx` (table locked as `dests`).
pub fn attrs_at(dests: &MapGuard<Dest>, idx: u32) -> Option<Attrs> {
    let a = dests.get(idx).attrs.get()?;
    Some(Attrs::from_text(&table().attrs.lock().key(a)))
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
            attrs: self.attrs_of(idx).text(),
        }
    }
}

/// Where a page of a listing stopped: the entry number the next page starts at, the
/// destination it is in and how many of that destination's entries came before it, valid
/// while no destination, registration or owner was added or removed (the maps' versions).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Resume {
    pub next: usize,
    idx: u32,
    within: usize,
    versions: (u64, u64, u64),
}

impl Locked<'_> {
    fn versions(&self) -> (u64, u64, u64) {
        (
            self.dests.version(),
            self.regs.version(),
            self.owners.version(),
        )
    }

    /// The owners of destination `idx`'s registrations, in listing order (the inline one,
    /// then the records).
    fn owners_of(&self, idx: u32) -> Vec<Vec<u8>> {
        let d = self.dests.get(idx);
        let mut v: Vec<Vec<u8>> = d
            .owner
            .get()
            .map(|o| self.owners.key(o))
            .into_iter()
            .collect();
        for (ri, _) in regs_from(&self.regs, d.first_reg) {
            let rk = self.regs.key(ri);
            let cut = rk.iter().position(|&b| b == 0).map_or(rk.len(), |c| c + 1);
            v.push(rk[cut..].to_vec());
        }
        v
    }

    /// Entries `offset..offset + limit` of a listing in table order, each destination giving
    /// `entries(idx)` of them (owners); from `resume` when it is where the page before
    /// stopped and the table is unchanged since (no walk to the offset), and with the total
    /// only when `count` (else the walk stops at the page's end). Returns the entries, the
    /// total (when counted) and where this page stopped.
    fn page(
        &self,
        offset: usize,
        limit: usize,
        count: bool,
        resume: Option<Resume>,
        entries: impl Fn(&Self, u32) -> Vec<Vec<u8>>,
    ) -> (Vec<Entry>, Option<usize>, Option<Resume>) {
        let versions = self.versions();
        let (from, mut within, mut n) = match resume {
            Some(r) if r.next == offset && r.versions == versions => (r.idx, r.within, offset),
            _ => (0, 0, 0),
        };
        let end = offset.saturating_add(limit);
        let mut out = Vec::new();
        let mut stopped = None;
        'walk: for idx in self.dests.live_from(from) {
            let owners = entries(self, idx);
            let skip = std::mem::take(&mut within);
            if n + owners.len().saturating_sub(skip) <= offset && !count {
                n += owners.len().saturating_sub(skip);
                continue;
            }
            for (j, o) in owners.iter().enumerate().skip(skip) {
                if n >= offset && n < end {
                    out.push(self.entry(idx, o));
                }
                n += 1;
                if n == end && !count {
                    stopped = Some(Resume {
                        next: end,
                        idx,
                        within: j + 1,
                        versions,
                    });
                    break 'walk;
                }
            }
        }
        (out, count.then_some(n), stopped)
    }
}

/// Registrations `offset..offset + limit` in table order (one entry each; see
/// [`Locked::page`] for `count` and `resume`).
pub fn list_page(
    offset: usize,
    limit: usize,
    count: bool,
    resume: Option<Resume>,
) -> (Vec<Entry>, Option<usize>, Option<Resume>) {
    let l = Locked::new(table());
    l.page(offset, limit, count, resume, Locked::owners_of)
}

/// Destinations `offset..offset + limit` in table order (`owner` empty; see
/// [`Locked::page`] for `count` and `resume`).
pub fn dest_page(
    offset: usize,
    limit: usize,
    count: bool,
    resume: Option<Resume>,
) -> (Vec<Entry>, Option<usize>, Option<Resume>) {
    let l = Locked::new(table());
    l.page(offset, limit, count, resume, |_, _| vec![Vec::new()])
}

/// The first `limit` registrations of `owner` (`None`: all) in table order, and how many
/// registrations of it there are.
pub fn owner_page(owner: Option<&[u8]>, limit: usize) -> (Vec<Entry>, usize) {
    let l = Locked::new(table());
    let (out, total, _) = l.page(0, limit, true, None, |l, idx| {
        let mut v = l.owners_of(idx);
        v.retain(|o| owner.is_none_or(|w| w == o.as_slice()));
        v
    });
    (out, total.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::Link;

    #[test]
    fn links_name_an_index_or_none() {
        assert_eq!(Link::default(), Link::NONE);
        assert!(Link::NONE.is_none());
        assert_eq!(Link::NONE.get(), None);
        for i in [0, 1, 4_194_303] {
            assert_eq!(Link::to(i).get(), Some(i));
        }
        assert_eq!(std::mem::size_of::<Link>(), 4);
    }
}
