//! The table's maps locked together, and the record changes made under that lock.

use kamailio::ka_api::ForeignCallbacks;
use kamailio::shm_map::MapGuard;
use kamailio::timer::monotonic_ms;

use super::records::{Dest, Link, Reg};
use super::{Error, Table, FIRST_PING_MS};
use crate::attrs::{Attrs, Patch};

/// Key of a registration record: destination key, NUL, owner.
fn reg_key(dest: &[u8], owner: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(dest.len() + 1 + owner.len());
    k.extend_from_slice(dest);
    k.push(0);
    k.extend_from_slice(owner);
    k
}
/// Where a registration lives.
pub(super) enum RegAt {
    Inline,
    Record(u32),
}

/// The maps locked in order (destinations, registrations, owners, attributes).
pub(super) struct Locked<'a> {
    pub(super) dests: MapGuard<'a, Dest>,
    pub(super) regs: MapGuard<'a, Reg>,
    pub(super) owners: MapGuard<'a, u32>,
    pub(super) attrs: MapGuard<'a, u32>,
}

impl Locked<'_> {
    pub(super) fn new(t: &Table) -> Locked<'_> {
        let dests = t.dests.lock();
        Locked {
            dests,
            regs: t.regs.lock(),
            owners: t.owners.lock(),
            attrs: t.attrs.lock(),
        }
    }

    /// `owner`'s registration of destination `idx` (whose key is `key`).
    pub(super) fn find_reg(&self, idx: u32, key: &[u8], owner: &[u8]) -> Option<RegAt> {
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
    pub(super) fn remove_record(&mut self, idx: u32, r: u32) {
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
    pub(super) fn remove_dest(&mut self, idx: u32) {
        self.release_attrs(idx);
        self.dests.remove(idx);
    }

    /// The attributes of destination `idx`.
    pub(super) fn attrs_of(&self, idx: u32) -> Attrs {
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
    pub(super) fn apply_attrs(&mut self, idx: u32, patch: &Patch) -> Result<String, Error> {
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
    pub(super) fn clear_inline(&mut self, idx: u32) {
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
    pub(super) fn inline_to_record(
        &mut self,
        idx: u32,
        key: &[u8],
        owner: &[u8],
    ) -> Result<u32, Error> {
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
impl Locked<'_> {
    /// `Err(max)` if `key` is a new destination and `max_destinations` are there already.
    pub(super) fn room_for(&self, key: &[u8]) -> Result<(), u32> {
        let max = crate::config::settings().max_destinations;
        if max > 0 && self.dests.len() >= max as usize && self.dests.find(key).is_none() {
            return Err(max);
        }
        Ok(())
    }

    /// The destination `key`, made if new (first ping soon) or restarted if its probing had
    /// stopped: (index, made, its state).
    pub(super) fn upsert_dest(
        &mut self,
        key: &[u8],
        interval_ms: u32,
    ) -> Result<(u32, bool, i32), Error> {
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
    pub(super) fn register(
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
