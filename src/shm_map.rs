//! A hash map in shared memory: byte-string keys, `Copy` values, stable record indices.
//!
//! - Writers (insert, remove, value access) hold the map's [`ShmLock`] through a [`MapGuard`].
//! - Readers of a record's `status` (an `i32` kept next to the value) go lock-free: a seqlock
//!   over the slot array and the keys, retried a bounded number of times, then the lock.
//!   Keys up to [`INLINE_KEY`] bytes are compared lock-free; longer keys take the lock.
//! - Slots are open-addressed (linear probing) `u64`s holding a hash tag and a record index.
//!   Records live in chunks that are never freed while the server runs, and a grown slot
//!   array is kept (not freed), so a lock-free reader only ever reads memory that stays
//!   valid; a stale read is caught by the sequence check. Grown arrays add up to less than
//!   the current one; removed records are reused.
//! - The hash seed is chosen in `mod_init` and stored in shm, so every process hashes alike.

use std::cell::UnsafeCell;
use std::marker::PhantomData;
use std::mem::size_of;
use std::ptr::NonNull;
use std::sync::atomic::{fence, AtomicI32, AtomicPtr, AtomicU32, AtomicU64, Ordering};

use crate::lock::{ShmLock, ShmLockGuard};
use crate::shm;

/// Keys up to this length are compared without the lock.
pub const INLINE_KEY: usize = 40;
const KEY_WORDS: usize = INLINE_KEY / 8;
/// Records per chunk, and chunks at most: the map holds up to `CHUNK * MAX_CHUNKS` records.
const CHUNK: usize = 1024;
const MAX_CHUNKS: usize = 4096;
const EMPTY: u64 = 0;
const TOMB: u64 = u64::MAX;
/// Lock-free attempts before a reader falls back to the lock.
const READ_RETRIES: usize = 64;

#[repr(C)]
struct Record<V> {
    /// 0 = free.
    key_len: AtomicU32,
    gen: AtomicU32,
    status: AtomicI32,
    next_free: UnsafeCell<u32>,
    key: [AtomicU64; KEY_WORDS],
    /// Whole key when longer than INLINE_KEY (lock held to read it).
    long_key: UnsafeCell<*mut u8>,
    value: UnsafeCell<V>,
}

#[repr(C)]
struct Slots {
    mask: u64,
    retired_next: *mut Slots,
    // followed by mask + 1 AtomicU64
}

impl Slots {
    fn slot(&self, i: u64) -> &AtomicU64 {
        // SAFETY: a Slots block is allocated with mask + 1 slots right after the header and
        // i is always masked.
        unsafe {
            &*(self as *const Slots)
                .add(1)
                .cast::<AtomicU64>()
                .add((i & self.mask) as usize)
        }
    }
}

#[repr(C)]
struct Header {
    lock: ShmLock,
    seq: AtomicU64,
    seed: u64,
    slots: AtomicPtr<Slots>,
    live: UnsafeCell<u32>,
    tombs: UnsafeCell<u32>,
    used: UnsafeCell<u32>,
    free_head: UnsafeCell<u32>,
    chunks: [AtomicPtr<u8>; MAX_CHUNKS],
}

/// A handle to a map in shm; copy it freely (all processes see the same map).
pub struct ShmMap<V> {
    hdr: NonNull<Header>,
    _v: PhantomData<V>,
}

impl<V> Clone for ShmMap<V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<V> Copy for ShmMap<V> {}

// SAFETY: the map lives in shm; all shared mutation is under the shm lock or atomic.
unsafe impl<V: Copy + Send> Send for ShmMap<V> {}
// SAFETY: as above.
unsafe impl<V: Copy + Send> Sync for ShmMap<V> {}

/// The map is full (record limit) or shm is exhausted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapFull;

fn hash(seed: u64, key: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(K);
    for c in key.chunks(8) {
        let mut w = [0u8; 8];
        w[..c.len()].copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K);
        h ^= h >> 31;
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// Slot value for a record: a non-zero tag from the hash's high half and the index.
fn slot_value(h: u64, idx: u32) -> u64 {
    let tag = ((h >> 32) as u32 | 1) & 0x7fff_ffff;
    (u64::from(tag) << 32) | u64::from(idx)
}

fn key_words(key: &[u8]) -> [u64; KEY_WORDS] {
    let mut w = [0u64; KEY_WORDS];
    for (i, c) in key.chunks(8).take(KEY_WORDS).enumerate() {
        let mut b = [0u8; 8];
        b[..c.len()].copy_from_slice(c);
        w[i] = u64::from_le_bytes(b);
    }
    w
}

fn random_seed() -> u64 {
    let mut b = [0u8; 8];
    if std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut b))
        .is_err()
    {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        b = (t ^ u64::from(std::process::id())).to_le_bytes();
    }
    u64::from_le_bytes(b)
}

fn alloc_slots(cap: u64) -> Option<NonNull<Slots>> {
    let size = size_of::<Slots>() + cap as usize * size_of::<AtomicU64>();
    let p = shm::alloc_zeroed(size)?.cast::<Slots>();
    // SAFETY: a fresh zeroed block big enough for the header; zero slots are EMPTY.
    unsafe { (*p.as_ptr()).mask = cap - 1 };
    Some(p)
}

impl<V: Copy + Send> ShmMap<V> {
    /// Creates an empty map in shm (call in mod_init, before the fork).
    pub fn new() -> Result<ShmMap<V>, String> {
        let lock = ShmLock::new().ok_or("cannot allocate a shm lock")?;
        let slots = alloc_slots(64).ok_or("out of shm")?;
        let hdr = shm::alloc_zeroed(size_of::<Header>())
            .ok_or("out of shm")?
            .cast::<Header>();
        // SAFETY: a fresh zeroed block sized for Header; zero is a valid start for every
        // field but the ones written here.
        unsafe {
            std::ptr::addr_of_mut!((*hdr.as_ptr()).lock).write(lock);
            (*hdr.as_ptr()).seed = random_seed();
            (*hdr.as_ptr()).slots = AtomicPtr::new(slots.as_ptr());
        }
        Ok(ShmMap {
            hdr,
            _v: PhantomData,
        })
    }

    fn h(&self) -> &Header {
        // SAFETY: the header is allocated in `new` and never freed while the server runs.
        unsafe { self.hdr.as_ref() }
    }

    fn record(&self, idx: u32) -> Option<&Record<V>> {
        let chunk = self
            .h()
            .chunks
            .get(idx as usize / CHUNK)?
            .load(Ordering::Acquire);
        if chunk.is_null() {
            return None;
        }
        // SAFETY: a published chunk holds CHUNK records and is never freed while the server
        // runs; the offset is below CHUNK.
        Some(unsafe { &*chunk.cast::<Record<V>>().add(idx as usize % CHUNK) })
    }

    /// The map's lock, for C APIs that lock and unlock the list in separate calls.
    pub fn raw_lock(&self) -> ShmLock {
        self.h().lock
    }

    /// Takes the lock and gives access to the records.
    pub fn lock(&self) -> MapGuard<'_, V> {
        let h = self.h();
        MapGuard {
            map: *self,
            _g: h.lock.lock(),
        }
    }

    /// The status of `key`'s record, without taking the lock for keys up to [`INLINE_KEY`]
    /// bytes; `None` if absent. Allocates nothing.
    pub fn status(&self, key: &[u8]) -> Option<i32> {
        if key.is_empty() || key.len() > INLINE_KEY {
            return self.status_locked(key);
        }
        let h = self.h();
        let hv = hash(h.seed, key);
        let want = slot_value(hv, 0) >> 32;
        let words = key_words(key);
        for _ in 0..READ_RETRIES {
            let s1 = h.seq.load(Ordering::Acquire);
            if s1 & 1 == 1 {
                std::hint::spin_loop();
                continue;
            }
            let found = self.probe_lockfree(hv, want, key.len() as u32, &words);
            fence(Ordering::Acquire);
            if h.seq.load(Ordering::Relaxed) == s1 {
                return found;
            }
        }
        self.status_locked(key)
    }

    fn probe_lockfree(&self, hv: u64, tag: u64, len: u32, words: &[u64; KEY_WORDS]) -> Option<i32> {
        // SAFETY: slot arrays are never freed while the server runs.
        let slots = unsafe { &*self.h().slots.load(Ordering::Acquire) };
        let mut i = hv;
        for _ in 0..=slots.mask {
            let v = slots.slot(i).load(Ordering::Relaxed);
            if v == EMPTY {
                return None;
            }
            if v != TOMB && v >> 32 == tag {
                let r = self.record(v as u32)?;
                if r.key_len.load(Ordering::Relaxed) == len
                    && r.key
                        .iter()
                        .zip(words)
                        .all(|(a, b)| a.load(Ordering::Relaxed) == *b)
                {
                    return Some(r.status.load(Ordering::Relaxed));
                }
            }
            i = i.wrapping_add(1);
        }
        None
    }

    fn status_locked(&self, key: &[u8]) -> Option<i32> {
        let g = self.lock();
        g.find(key).map(|i| g.status(i))
    }

    /// The status of the record at `idx` (lock-free).
    pub fn status_at(&self, idx: u32) -> i32 {
        self.record(idx)
            .map(|r| r.status.load(Ordering::Relaxed))
            .unwrap_or(0)
    }
}

/// Access to a locked map; the lock is released when dropped.
pub struct MapGuard<'a, V> {
    map: ShmMap<V>,
    _g: ShmLockGuard<'a>,
}

impl<V: Copy + Send> MapGuard<'_, V> {
    fn h(&self) -> &Header {
        self.map.h()
    }

    fn rec(&self, idx: u32) -> &Record<V> {
        self.map.record(idx).expect("record index in range")
    }

    fn slots(&self) -> &Slots {
        // SAFETY: slot arrays are never freed while the server runs.
        unsafe { &*self.h().slots.load(Ordering::Relaxed) }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        // SAFETY: counters change only under the lock, which we hold.
        unsafe { *self.h().live.get() as usize }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn key_matches(&self, r: &Record<V>, key: &[u8]) -> bool {
        if r.key_len.load(Ordering::Relaxed) as usize != key.len() {
            return false;
        }
        if key.len() <= INLINE_KEY {
            let w = key_words(key);
            return r
                .key
                .iter()
                .zip(&w)
                .all(|(a, b)| a.load(Ordering::Relaxed) == *b);
        }
        // SAFETY: long_key holds key_len bytes when key_len > INLINE_KEY; lock held.
        let lk = unsafe { *r.long_key.get() };
        // SAFETY: as above.
        !lk.is_null() && unsafe { std::slice::from_raw_parts(lk, key.len()) } == key
    }

    /// The index of `key`'s record.
    pub fn find(&self, key: &[u8]) -> Option<u32> {
        if key.is_empty() {
            return None;
        }
        let hv = hash(self.h().seed, key);
        let tag = slot_value(hv, 0) >> 32;
        let slots = self.slots();
        let mut i = hv;
        for _ in 0..=slots.mask {
            let v = slots.slot(i).load(Ordering::Relaxed);
            if v == EMPTY {
                return None;
            }
            if v != TOMB && v >> 32 == tag && self.key_matches(self.rec(v as u32), key) {
                return Some(v as u32);
            }
            i = i.wrapping_add(1);
        }
        None
    }

    /// The key of the record at `idx`.
    pub fn key(&self, idx: u32) -> Vec<u8> {
        let r = self.rec(idx);
        let len = r.key_len.load(Ordering::Relaxed) as usize;
        if len > INLINE_KEY {
            // SAFETY: long_key holds len bytes; lock held.
            return unsafe { std::slice::from_raw_parts(*r.long_key.get(), len) }.to_vec();
        }
        let mut out: Vec<u8> = r
            .key
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

    /// Sets the status that lock-free readers see.
    pub fn set_status(&self, idx: u32, status: i32) {
        self.rec(idx).status.store(status, Ordering::Relaxed);
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

    /// Runs `f` on every record (index and value) without allocating.
    pub fn for_each_mut(&mut self, mut f: impl FnMut(u32, &mut V)) {
        // SAFETY: lock held.
        let used = unsafe { *self.h().used.get() };
        for i in 0..used {
            if self.rec(i).key_len.load(Ordering::Relaxed) != 0 {
                f(i, self.get_mut(i));
            }
        }
    }

    /// Indices of all records.
    pub fn indices(&self) -> Vec<u32> {
        // SAFETY: lock held.
        let used = unsafe { *self.h().used.get() };
        (0..used)
            .filter(|&i| self.rec(i).key_len.load(Ordering::Relaxed) != 0)
            .collect()
    }

    fn write_begin(&self) {
        let s = self.h().seq.load(Ordering::Relaxed);
        self.h().seq.store(s + 1, Ordering::Relaxed);
        fence(Ordering::Release);
    }

    fn write_end(&self) {
        let s = self.h().seq.load(Ordering::Relaxed);
        self.h().seq.store(s + 1, Ordering::Release);
    }

    /// Inserts `key` with `value` and status 0; `Ok((idx, false))` without change if the
    /// key is there already.
    pub fn insert(&mut self, key: &[u8], value: V) -> Result<(u32, bool), MapFull> {
        if let Some(i) = self.find(key) {
            return Ok((i, false));
        }
        if key.is_empty() || key.len() > u32::MAX as usize {
            return Err(MapFull);
        }
        self.make_room()?;
        let long_key = if key.len() > INLINE_KEY {
            shm::copy_bytes(key).ok_or(MapFull)?.as_ptr()
        } else {
            std::ptr::null_mut()
        };
        let idx = match self.alloc_record() {
            Some(i) => i,
            None => {
                if let Some(p) = NonNull::new(long_key) {
                    // SAFETY: just allocated, not shared.
                    unsafe { shm::free(p) };
                }
                return Err(MapFull);
            }
        };
        let hv = hash(self.h().seed, key);
        self.write_begin();
        let r = self.rec(idx);
        // SAFETY: lock held; the record is free, so no one else uses value or long_key.
        unsafe {
            *r.value.get() = value;
            *r.long_key.get() = long_key;
        }
        for (a, b) in r.key.iter().zip(key_words(key)) {
            a.store(b, Ordering::Relaxed);
        }
        r.status.store(0, Ordering::Relaxed);
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
        // SAFETY: lock held.
        unsafe { *self.h().live.get() += 1 };
        self.write_end();
        Ok((idx, true))
    }

    /// Removes the record at `idx`, returning its value.
    pub fn remove(&mut self, idx: u32) -> Option<V> {
        let r = self.map.record(idx)?;
        if r.key_len.load(Ordering::Relaxed) == 0 {
            return None;
        }
        let key = self.key(idx);
        let hv = hash(self.h().seed, &key);
        let want = slot_value(hv, idx);
        let slots = self.slots();
        let mut i = hv;
        self.write_begin();
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
        r.gen.fetch_add(1, Ordering::Relaxed);
        r.status.store(0, Ordering::Relaxed);
        for w in &r.key {
            w.store(0, Ordering::Relaxed);
        }
        self.write_end();
        // SAFETY: lock held; the record is no longer reachable from the slots.
        let (value, long_key) = unsafe {
            let lk = std::mem::replace(&mut *r.long_key.get(), std::ptr::null_mut());
            *r.next_free.get() = *self.h().free_head.get();
            *self.h().free_head.get() = idx + 1;
            *self.h().live.get() -= 1;
            (*r.value.get(), lk)
        };
        if let Some(p) = NonNull::new(long_key) {
            // SAFETY: only this record referenced it, and only under the lock.
            unsafe { shm::free(p) };
        }
        Some(value)
    }

    fn alloc_record(&mut self) -> Option<u32> {
        let h = self.h();
        // SAFETY: lock held for all the counters below.
        unsafe {
            let head = *h.free_head.get();
            if head != 0 {
                let idx = head - 1;
                *h.free_head.get() = *self.rec(idx).next_free.get();
                return Some(idx);
            }
            let idx = *h.used.get();
            let c = idx as usize / CHUNK;
            if c >= MAX_CHUNKS {
                return None;
            }
            if h.chunks[c].load(Ordering::Relaxed).is_null() {
                let p = shm::alloc_zeroed(CHUNK * size_of::<Record<V>>())?;
                h.chunks[c].store(p.as_ptr(), Ordering::Release);
            }
            *h.used.get() = idx + 1;
            Some(idx)
        }
    }

    /// Keeps the slot array at most 3/4 full (live + tombstones): grows it when live records
    /// pass half of it, else clears the tombstones in place.
    fn make_room(&mut self) -> Result<(), MapFull> {
        let cap = self.slots().mask + 1;
        // SAFETY: lock held.
        let (live, tombs) = unsafe { (*self.h().live.get() as u64, *self.h().tombs.get() as u64) };
        if (live + tombs + 1) * 4 <= cap * 3 {
            return Ok(());
        }
        let new_cap = if (live + 1) * 2 > cap { cap * 2 } else { cap };
        let old = self.h().slots.load(Ordering::Relaxed);
        let target = if new_cap == cap {
            old
        } else {
            alloc_slots(new_cap).ok_or(MapFull)?.as_ptr()
        };
        self.write_begin();
        // SAFETY: `target` is a slot array owned by this map; lock held.
        let t = unsafe { &*target };
        if new_cap == cap {
            for i in 0..cap {
                t.slot(i).store(EMPTY, Ordering::Relaxed);
            }
        }
        for idx in self.indices() {
            let hv = hash(self.h().seed, &self.key(idx));
            let mut i = hv;
            while t.slot(i).load(Ordering::Relaxed) != EMPTY {
                i = i.wrapping_add(1);
            }
            t.slot(i).store(slot_value(hv, idx), Ordering::Relaxed);
        }
        if new_cap != cap {
            // SAFETY: the new array is not yet visible; the old one is kept (readers may still
            // be in it) on the retired list.
            unsafe { (*target).retired_next = old };
            self.h().slots.store(target, Ordering::Release);
        }
        // SAFETY: lock held.
        unsafe { *self.h().tombs.get() = 0 };
        self.write_end();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_spreads_and_is_seeded() {
        assert_ne!(hash(1, b"sip:1.2.3.4:5060"), hash(2, b"sip:1.2.3.4:5060"));
        assert_ne!(hash(1, b"sip:1.2.3.4:5060"), hash(1, b"sip:1.2.3.5:5060"));
        assert_ne!(hash(1, b"a"), hash(1, b"a\0"));
    }

    #[test]
    fn slot_values_are_never_empty_or_tomb() {
        for h in [0u64, u64::MAX, 1 << 32, 0xffff_ffff_0000_0000] {
            for idx in [0u32, 1, CHUNK as u32 * MAX_CHUNKS as u32 - 1] {
                let v = slot_value(h, idx);
                assert!(v != EMPTY && v != TOMB);
                assert_eq!(v as u32, idx);
            }
        }
    }

    #[test]
    fn key_words_pad_with_zeroes() {
        let w = key_words(b"abcdefghi");
        assert_eq!(w[0], u64::from_le_bytes(*b"abcdefgh"));
        assert_eq!(w[1], u64::from(b'i'));
        assert_eq!(w[2..], [0, 0, 0]);
    }
}
