//! Writes under the map's lock: the guards ([`MapGuard`], [`MapHold`]), the seqlock's write
//! window, insert and remove.

use std::marker::PhantomData;
use std::sync::atomic::{fence, AtomicU64, Ordering};

use super::key::{hash, hash_words, key_word, slot_value};
use super::{Header, InsertError, Record, ShmMap, ShmSafe, Slots, EMPTY, MAX_KEY, TOMB};
use crate::shm::ShmLockGuard;

impl<V: ShmSafe> ShmMap<V> {
    /// Takes the lock and gives access to the records.
    pub fn lock(&self) -> MapGuard<'_, V> {
        MapGuard {
            map: *self,
            _g: Some(self.hdr.lock()),
            _b: PhantomData,
        }
    }

    /// Takes the lock for a C API that locks and unlocks in separate calls (the keepalive
    /// API's lock_list): the returned token is the proof that the lock is held, gives
    /// access through [`MapHold::guard`], and releases the lock when dropped (unlock_list).
    ///
    /// ```compile_fail,E0599
    /// // There is no release without the token.
    /// let m = kamailio::shm_map::ShmMap::<u32>::new().unwrap();
    /// m.release_hold();
    /// ```
    ///
    /// ```compile_fail,E0499
    /// // A hold hands out one guard at a time: two `&mut V` to one record cannot coexist.
    /// let m = kamailio::shm_map::ShmMap::<u32>::new().unwrap();
    /// let mut hold = m.hold();
    /// let mut a = hold.guard();
    /// let mut b = hold.guard();
    /// let (x, y) = (a.get_mut(0), b.get_mut(0));
    /// *x = *y;
    /// ```
    pub fn hold(&self) -> MapHold<V> {
        MapHold {
            map: *self,
            _g: self.hdr.lock().detach(),
        }
    }
}

/// The lock of a map, held by this process from [`ShmMap::hold`] until dropped. Not `Send`
/// (the thread that took the lock releases it; keep it in a `thread_local`):
///
/// ```compile_fail,E0277
/// fn send<T: Send>(_: T) {}
/// let m = kamailio::shm_map::ShmMap::<u32>::new().unwrap();
/// send(m.hold());
/// ```
#[must_use = "the lock is released when the hold is dropped"]
pub struct MapHold<V> {
    map: ShmMap<V>,
    _g: ShmLockGuard<'static>,
}

impl<V: ShmSafe> MapHold<V> {
    /// Access to the records under this hold (one guard at a time).
    pub fn guard(&mut self) -> MapGuard<'_, V> {
        MapGuard {
            map: self.map,
            _g: None,
            _b: PhantomData,
        }
    }

    /// True if this is the hold of `map`.
    pub fn holds(&self, map: &ShmMap<V>) -> bool {
        self.map.hdr.addr() == map.hdr.addr()
    }
}

/// Access to a locked map; the lock is released when dropped (unless the access came from
/// a [`MapHold`], which keeps it).
pub struct MapGuard<'a, V> {
    pub(super) map: ShmMap<V>,
    /// `None` under a [`MapHold`] (borrowed mutably for `'a`).
    _g: Option<ShmLockGuard<'a>>,
    _b: PhantomData<&'a mut ()>,
}

/// The write window of a map's seqlock: the sequence counter is odd from its start until the
/// guard is dropped, also on unwind, so lock-free readers never stay locked out.
pub(super) struct WriteWindow<'a>(&'a AtomicU64);

impl<'a> WriteWindow<'a> {
    pub(super) fn open(seq: &'a AtomicU64) -> WriteWindow<'a> {
        let s = seq.load(Ordering::Relaxed);
        seq.store(s + 1, Ordering::Relaxed);
        fence(Ordering::Release);
        WriteWindow(seq)
    }
}

impl Drop for WriteWindow<'_> {
    fn drop(&mut self) {
        let s = self.0.load(Ordering::Relaxed);
        self.0.store(s + 1, Ordering::Release);
    }
}

impl<V: ShmSafe> MapGuard<'_, V> {
    pub(super) fn h(&self) -> &Header {
        self.map.h()
    }

    pub(super) fn rec(&self, idx: u32) -> &Record<V> {
        self.map.record(idx).expect("record index in range")
    }

    pub(super) fn slots(&self) -> &Slots {
        // SAFETY: slot arrays are never freed while the server runs.
        unsafe { &*self.h().slots.load(Ordering::Relaxed) }
    }

    /// The key words of the record at `idx` (lock held, so the block is the record's).
    pub(super) fn key_block(&self, idx: u32) -> (usize, &[AtomicU64]) {
        let r = self.rec(idx);
        let len = r.key_len.load(Ordering::Relaxed) as usize;
        let b = self
            .map
            .block(r.key_at.load(Ordering::Relaxed), len.div_ceil(8))
            .expect("a live record's key block");
        (len, b)
    }

    pub(super) fn hash_of(&self, idx: u32) -> u64 {
        let (len, b) = self.key_block(idx);
        hash_words(
            self.h().seed,
            len,
            b.iter().map(|w| w.load(Ordering::Relaxed)),
        )
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.h().live.load(Ordering::Relaxed) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index of `key`'s record.
    pub fn find(&self, key: &[u8]) -> Option<u32> {
        if key.is_empty() || key.len() > MAX_KEY {
            return None;
        }
        let hv = hash(self.h().seed, key);
        self.map.probe(self.slots(), hv, key).map(|(i, _)| i)
    }

    /// The key of the record at `idx`.
    pub fn key(&self, idx: u32) -> Vec<u8> {
        let (len, b) = self.key_block(idx);
        let mut out: Vec<u8> = b
            .iter()
            .flat_map(|w| w.load(Ordering::Relaxed).to_le_bytes())
            .collect();
        out.truncate(len);
        out
    }

    /// Generation of the record at `idx`: changes each time the record is reused.
    pub fn gen(&self, idx: u32) -> u32 {
        self.rec(idx).gen.load(Ordering::Relaxed)
    }

    /// True if `idx` holds a record of generation `gen` (it was not removed since).
    pub fn is_current(&self, idx: u32, gen: u32) -> bool {
        self.map.record(idx).is_some_and(|r| {
            r.key_len.load(Ordering::Relaxed) != 0 && r.gen.load(Ordering::Relaxed) == gen
        })
    }

    /// True if `idx` holds a record.
    pub fn is_live(&self, idx: u32) -> bool {
        self.map
            .record(idx)
            .is_some_and(|r| r.key_len.load(Ordering::Relaxed) != 0)
    }

    pub fn status(&self, idx: u32) -> i32 {
        self.rec(idx).status.load(Ordering::Relaxed)
    }

    /// Sets the word of the record at `idx` that [`ShmMap::word`] reads.
    pub fn set_word(&self, idx: u32, word: u64) {
        self.rec(idx).word.store(word, Ordering::Release);
    }

    /// Sets the aux value that lock-free readers see with the status
    /// ([`ShmMap::status_aux_seen`]).
    pub fn set_aux(&self, idx: u32, aux: u32) {
        self.rec(idx).aux.store(aux, Ordering::Relaxed);
    }

    /// Sets the status that lock-free readers see.
    pub fn set_status(&self, idx: u32, status: i32) {
        let r = self.rec(idx);
        let old = r.status.swap(status, Ordering::Relaxed);
        if r.key_len.load(Ordering::Relaxed) != 0 {
            self.count_status(old, -1);
            self.count_status(status, 1);
        }
    }

    /// Keeps [`ShmMap::count_with_status`] up to date (lock held).
    fn count_status(&self, status: i32, delta: i32) {
        if let Some(c) = usize::try_from(status)
            .ok()
            .and_then(|s| self.h().by_status.get(s))
        {
            c.fetch_add(delta as u32, Ordering::Relaxed);
        }
    }

    /// The value of the record at `idx`.
    pub fn get(&self, idx: u32) -> &V {
        // SAFETY: values are accessed only under the lock, which this guard holds; the
        // returned borrow ends before any &mut from this guard.
        unsafe { &*self.rec(idx).value.get() }
    }

    /// The value of the record at `idx`, mutable.
    pub fn get_mut(&mut self, idx: u32) -> &mut V {
        // SAFETY: as in `get`; &mut self makes this the only borrow.
        unsafe { &mut *self.rec(idx).value.get() }
    }

    /// Indices of all records.
    pub fn indices(&self) -> Vec<u32> {
        // SAFETY: lock held.
        let used = unsafe { *self.h().used.get() };
        (0..used).filter(|&i| self.is_live(i)).collect()
    }

    /// The indices of the records from index `from` on, in index order (as [`Self::indices`]
    /// lists them), without collecting the rest.
    pub fn live_from(&self, from: u32) -> impl Iterator<Item = u32> + '_ {
        // SAFETY: lock held.
        let used = unsafe { *self.h().used.get() };
        (from..used).filter(|&i| self.is_live(i))
    }

    /// Changes whenever a record is inserted or removed, and on [`MapGuard::bump_version`]:
    /// lets a process keep its own view of the map (a schedule) until the map changes.
    pub fn version(&self) -> u64 {
        self.h().seq.load(Ordering::Relaxed)
    }

    /// Changes [`MapGuard::version`] (after a change to values that others keep a view of).
    pub fn bump_version(&self) {
        drop(self.write_window());
    }

    /// Opens a write window (lock held); it ends when the returned guard is dropped.
    pub(super) fn write_window(&self) -> WriteWindow<'_> {
        WriteWindow::open(&self.h().seq)
    }

    /// Inserts `key` with `value` and status 0; `Ok((idx, false))` without change if the
    /// key is there already.
    pub fn insert(&mut self, key: &[u8], value: V) -> Result<(u32, bool), InsertError> {
        if let Some(i) = self.find(key) {
            return Ok((i, false));
        }
        if key.is_empty() || key.len() > MAX_KEY {
            return Err(InsertError::BadKey);
        }
        self.make_room()?;
        let words = key.len().div_ceil(8);
        let at = self.alloc_block(words).ok_or(InsertError::Full)?;
        let Some(idx) = self.alloc_record() else {
            self.free_block(at, words);
            return Err(InsertError::Full);
        };
        let hv = hash(self.h().seed, key);
        let _w = self.write_window();
        let block = self.map.block(at, words).expect("a fresh key block");
        for (j, w) in block.iter().enumerate() {
            w.store(key_word(key, j), Ordering::Relaxed);
        }
        let r = self.rec(idx);
        // SAFETY: lock held; the record is free, so no one else uses its value, which is a
        // zero-filled V (forgotten, not dropped: it owns nothing).
        unsafe { r.value.get().write(value) };
        r.status.store(0, Ordering::Relaxed);
        r.aux.store(0, Ordering::Relaxed);
        r.word.store(0, Ordering::Relaxed);
        r.key_at.store(at, Ordering::Relaxed);
        r.key_len.store(key.len() as u32, Ordering::Relaxed);
        let slots = self.slots();
        let mut i = hv;
        loop {
            let v = slots.slot(i).load(Ordering::Relaxed);
            if v == EMPTY || v == TOMB {
                if v == TOMB {
                    // SAFETY: lock held.
                    unsafe { *self.h().tombs.get() -= 1 };
                }
                slots.slot(i).store(slot_value(hv, idx), Ordering::Relaxed);
                break;
            }
            i = i.wrapping_add(1);
        }
        self.h().live.fetch_add(1, Ordering::Relaxed);
        self.count_status(0, 1);
        Ok((idx, true))
    }

    /// Removes the record at `idx`, returning its value.
    pub fn remove(&mut self, idx: u32) -> Option<V> {
        if !self.is_live(idx) {
            return None;
        }
        let hv = self.hash_of(idx);
        let want = slot_value(hv, idx);
        let r = self.rec(idx);
        let (at, words) = (
            r.key_at.load(Ordering::Relaxed),
            (r.key_len.load(Ordering::Relaxed) as usize).div_ceil(8),
        );
        let slots = self.slots();
        let mut i = hv;
        let _w = self.write_window();
        for _ in 0..=slots.mask {
            let v = slots.slot(i).load(Ordering::Relaxed);
            if v == EMPTY {
                break;
            }
            if v == want {
                slots.slot(i).store(TOMB, Ordering::Relaxed);
                // SAFETY: lock held.
                unsafe { *self.h().tombs.get() += 1 };
                break;
            }
            i = i.wrapping_add(1);
        }
        r.key_len.store(0, Ordering::Relaxed);
        r.word.store(0, Ordering::Release);
        r.gen.fetch_add(1, Ordering::Relaxed);
        self.count_status(r.status.swap(0, Ordering::Relaxed), -1);
        self.h().live.fetch_sub(1, Ordering::Relaxed);
        self.free_block(at, words);
        // SAFETY: lock held; the record is no longer reachable from the slots. The value is
        // moved out and the record zero-filled again (a valid V, ShmSafe), so it is never
        // moved out twice.
        let value = unsafe {
            r.key_at.store(*self.h().free_head.get(), Ordering::Relaxed);
            *self.h().free_head.get() = idx + 1;
            let v = r.value.get().read();
            std::ptr::write_bytes(r.value.get(), 0, 1);
            v
        };
        Some(value)
    }
}
