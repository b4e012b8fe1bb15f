//! The module API's list lock and its `ka_dest_t` views.

use std::cell::RefCell;

use kamailio::ka_api::{DestView, Lent};
use kamailio::shm_map::MapHold;

use super::locked::{Locked, RegAt};
use super::{table, Dest};
use crate::dest_uri::Canonical;

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
