//! Lock-free reads: counts, a record's word by index, and a key's status through the
//! seqlock (bounded retries, then the lock), with the per-process memo [`Seen`].

use std::cell::Cell;
use std::sync::atomic::{fence, AtomicI32, AtomicU32, Ordering};

use super::key::{hash, tag};
use super::{
    Record, ShmMap, ShmSafe, Slots, EMPTY, IDX_BITS, IDX_MASK, MAX_KEY, READ_RETRIES, TOMB,
};

impl<V: ShmSafe> ShmMap<V> {
    /// Number of records, read without the lock (a statistic: it may be a moment old).
    pub fn count(&self) -> usize {
        self.h().live.load(Ordering::Relaxed) as usize
    }

    /// Number of records whose status is `status` (in
    /// 0..[`STATUS_COUNTED`](super::STATUS_COUNTED), else `None`), read without the lock.
    pub fn count_with_status(&self, status: i32) -> Option<usize> {
        let c = self.h().by_status.get(usize::try_from(status).ok()?)?;
        Some(c.load(Ordering::Relaxed) as usize)
    }

    /// The word of the record at `idx` ([`MapGuard::set_word`](super::MapGuard::set_word))
    /// without taking the lock; 0 for a free record (removal clears it) or an index out of
    /// range. Any index is safe: records are never freed while the server runs.
    pub fn word(&self, idx: u32) -> u64 {
        self.record(idx)
            .map_or(0, |r| r.word.load(Ordering::Acquire))
    }

    /// The status of `key`'s record without taking the lock (unless writers keep it busy);
    /// `None` if absent. Allocates nothing.
    pub fn status(&self, key: &[u8]) -> Option<i32> {
        if key.is_empty() || key.len() > MAX_KEY {
            return None;
        }
        self.status_hashed(self.key_hash(key), key)
    }

    /// The hash [`ShmMap::status_hashed`] takes for `key` (the same in every process: the
    /// seed is chosen in mod_init). Compute it once for a key looked up often.
    pub fn key_hash(&self, key: &[u8]) -> u64 {
        hash(self.h().seed, key)
    }

    /// [`ShmMap::status`] with the key's hash from [`ShmMap::key_hash`] already computed.
    pub fn status_hashed(&self, hv: u64, key: &[u8]) -> Option<i32> {
        self.status_seen(&Cell::new(Seen::default()), hv, key)
    }

    /// [`ShmMap::status_hashed`] that remembers where `key` was (or that it was absent) in
    /// `seen`, at the map's version: while no record is inserted or removed since, the next
    /// lookup of the same key through the same `seen` is one status read, no probe.
    #[inline]
    pub fn status_seen(&self, seen: &Cell<Seen>, hv: u64, key: &[u8]) -> Option<i32> {
        let h = self.h();
        let last = seen.get();
        let s1 = h.seq.load(Ordering::Acquire);
        // (only even versions are remembered, so a write window in progress never matches)
        if s1 == last.version {
            // SAFETY: a non-NULL pointer is a record's status, remembered at this version:
            // records are never freed while the server runs.
            let status = unsafe { last.status.as_ref() }.map(|s| s.load(Ordering::Relaxed));
            fence(Ordering::Acquire);
            if h.seq.load(Ordering::Relaxed) == s1 {
                return status;
            }
        }
        self.status_probed(seen, hv, key)
    }

    /// [`ShmMap::status_seen`] that also reads the record's aux value
    /// ([`MapGuard::set_aux`](super::MapGuard::set_aux)), consistent with the status (one
    /// version of the map).
    #[inline]
    pub fn status_aux_seen(&self, seen: &Cell<Seen>, hv: u64, key: &[u8]) -> Option<(i32, u32)> {
        let h = self.h();
        let last = seen.get();
        let s1 = h.seq.load(Ordering::Acquire);
        if s1 == last.version {
            // SAFETY: non-NULL pointers are a record's status and aux, remembered at this
            // version: records are never freed while the server runs.
            let found = unsafe { last.status.as_ref().zip(last.aux.as_ref()) }
                .map(|(s, a)| (s.load(Ordering::Relaxed), a.load(Ordering::Relaxed)));
            fence(Ordering::Acquire);
            if h.seq.load(Ordering::Relaxed) == s1 {
                return found;
            }
        }
        self.probed(seen, hv, key)
    }

    /// [`ShmMap::status_seen`] when nothing remembered holds: a probe, remembered.
    #[inline(never)]
    fn status_probed(&self, seen: &Cell<Seen>, hv: u64, key: &[u8]) -> Option<i32> {
        self.probed(seen, hv, key).map(|(status, _)| status)
    }

    /// A probe for `key`'s status and aux value, remembered in `seen`.
    fn probed(&self, seen: &Cell<Seen>, hv: u64, key: &[u8]) -> Option<(i32, u32)> {
        let h = self.h();
        if key.is_empty() || key.len() > MAX_KEY {
            return None;
        }
        for _ in 0..READ_RETRIES {
            let s1 = h.seq.load(Ordering::Acquire);
            if s1 & 1 == 1 {
                std::hint::spin_loop();
                continue;
            }
            // SAFETY: slot arrays are never freed while the server runs.
            let slots = unsafe { &*h.slots.load(Ordering::Acquire) };
            let found = self.probe(slots, hv, key).map(|(_, r)| {
                (
                    r,
                    r.status.load(Ordering::Relaxed),
                    r.aux.load(Ordering::Relaxed),
                )
            });
            fence(Ordering::Acquire);
            if h.seq.load(Ordering::Relaxed) == s1 {
                seen.set(Seen {
                    version: s1,
                    status: found.map_or(std::ptr::null(), |(r, _, _)| &r.status),
                    aux: found.map_or(std::ptr::null(), |(r, _, _)| &r.aux),
                });
                return found.map(|(_, status, aux)| (status, aux));
            }
        }
        // writers kept the window open: ask under the lock (nothing remembered)
        let g = self.lock();
        g.find(key)
            .map(|i| (g.status(i), g.rec(i).aux.load(Ordering::Relaxed)))
    }

    /// Finds `key` in `slots`: its record index and record.
    pub(super) fn probe(&self, slots: &Slots, hv: u64, key: &[u8]) -> Option<(u32, &Record<V>)> {
        let tag = tag(hv);
        let mut i = hv;
        for _ in 0..=slots.mask {
            let v = slots.slot(i).load(Ordering::Relaxed);
            if v == EMPTY {
                return None;
            }
            if v != TOMB && v >> IDX_BITS == tag {
                let idx = v & IDX_MASK;
                if let Some(r) = self.record(idx).filter(|r| self.key_eq(r, key)) {
                    return Some((idx, r));
                }
            }
            i = i.wrapping_add(1);
        }
        None
    }
}

/// Where one key's status was in a map (or that the key was absent) at one version of it,
/// as one process last looked it up with [`ShmMap::status_seen`]; process-local.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    version: u64,
    /// The record's status in shm (the same address in every process); NULL: absent.
    status: *const AtomicI32,
    /// The record's aux value, as `status`.
    aux: *const AtomicU32,
}

impl Seen {
    /// Nothing remembered (a version no map reaches: the sequence grows by 2 per write).
    pub const NOTHING: Seen = Seen {
        version: u64::MAX,
        status: std::ptr::null(),
        aux: std::ptr::null(),
    };
}

impl Default for Seen {
    fn default() -> Seen {
        Seen::NOTHING
    }
}
