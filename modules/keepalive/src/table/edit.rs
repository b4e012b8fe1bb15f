//! Adding and removing registrations and destinations, and changing their attributes
//! and statistics.

use kamailio::ka_api::ForeignCallbacks;

use super::error::log_limit;
use super::locked::{Locked, RegAt};
use super::records::regs_from;
use super::{table, Error, PARAMS_OWNER};
use crate::attrs::Patch;
use crate::dest_uri::Canonical;
use crate::state;

fn check_owner(owner: &[u8]) -> Result<(), Error> {
    if owner.is_empty() || owner.len() > 255 || owner.contains(&0) {
        return Err(Error::BadOwner);
    }
    Ok(())
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
