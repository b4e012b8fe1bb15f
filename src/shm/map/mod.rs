//! A hash map in shared memory: byte-string keys, `Copy` values, stable record indices.
//!
//! - Writers (insert, remove, value access) hold the map's lock through a [`MapGuard`]; a C
//!   API that locks and unlocks in separate calls keeps a [`MapHold`], the token that proves
//!   this process holds the lock, and takes guards from it one at a time.
//! - Values are [`ShmSafe`]: a freed record's value is zeroed again, so every record holds a
//!   valid `V` and a value is moved out exactly once (by [`MapGuard::remove`]).
//! - A write window (the sequence counter odd) is a guard: a panic inside it still ends it.
//! - A record's `word` (a `u64` kept next to the value) is read lock-free by record index:
//!   a check that can turn a request away before anything takes the lock.
//! - Readers of a record's `status` (an `i32` kept next to the value) go lock-free: a seqlock
//!   over the slot array, the records' key fields and the key arena, retried a bounded
//!   number of times, then the lock.
//! - Slots are open-addressed (linear probing) `u32`s holding a 10-bit hash tag and a 22-bit
//!   record index, at most 5/8 full.
//! - Keys live in an arena of 8-byte words, in blocks of exactly the key's size; freed blocks
//!   go to a free list per size and are reused.
//! - Records and arena chunks are never freed while the server runs, and a grown slot array
//!   is kept (not freed), so a lock-free reader only ever reads memory that stays valid; a
//!   stale read is caught by the sequence check. Grown arrays add up to less than the
//!   current one; removed records are reused.
//! - The hash seed is chosen in `mod_init` and stored in shm, so every process hashes alike.

use std::cell::{Cell, UnsafeCell};
use std::marker::PhantomData;
use std::mem::size_of;
use std::ptr::NonNull;
use std::sync::atomic::{fence, AtomicI32, AtomicPtr, AtomicU32, AtomicU64, Ordering};

use crate::shm::lock::ShmLockGuard;
use crate::shm::{self, ShmError, ShmHolder, ShmSafe};

/// Longest key the map takes.
pub const MAX_KEY: usize = 512;
const KEY_CLASSES: usize = MAX_KEY / 8;
/// Records per chunk, and chunks at most: the map holds up to `CHUNK * MAX_CHUNKS` records,
/// whose indices fit in `IDX_BITS`.
const CHUNK: usize = 1024;
const MAX_CHUNKS: usize = 4096;
/// Records a map holds at most.
pub const CAPACITY: usize = CHUNK * MAX_CHUNKS;
const IDX_BITS: u32 = 22;
const IDX_MASK: u32 = (1 << IDX_BITS) - 1;
/// Key arena: words per chunk and chunks at most (256 MiB of keys).
const ARENA_CHUNK: usize = 8192;
const MAX_ARENA_CHUNKS: usize = 4096;
const EMPTY: u32 = 0;
const TOMB: u32 = u32::MAX;
/// Lock-free attempts before a reader falls back to the lock.
const READ_RETRIES: usize = 64;
/// Statuses 0..STATUS_COUNTED have a record count that reads without the lock.
pub const STATUS_COUNTED: usize = 4;

// Record indices fit their slot bits; a key block fits one arena chunk; arena word indices
// fit a u32.
const _: () = assert!(CHUNK * MAX_CHUNKS <= IDX_MASK as usize + 1);
const _: () = assert!(KEY_CLASSES <= ARENA_CHUNK);
const _: () = assert!(ARENA_CHUNK * MAX_ARENA_CHUNKS <= u32::MAX as usize);

#[repr(C)]
struct Record<V> {
    /// 0 = free.
    key_len: AtomicU32,
    /// First arena word of the key; the next free record (index + 1) while free.
    key_at: AtomicU32,
    gen: AtomicU32,
    status: AtomicI32,
    /// The user's second value: written under the lock, read lock-free with the status
    /// ([`ShmMap::status_aux_seen`]).
    aux: AtomicU32,
    /// The user's word: written under the lock, read lock-free by index ([`ShmMap::word`]).
    word: AtomicU64,
    value: UnsafeCell<V>,
}

#[repr(C)]
struct Slots {
    mask: u64,
    retired_next: *mut Slots,
    // followed by mask + 1 AtomicU32
}

impl Slots {
    fn slot(&self, i: u64) -> &AtomicU32 {
        // SAFETY: a Slots block is allocated with mask + 1 slots right after the header and
        // i is always masked.
        unsafe {
            &*(self as *const Slots)
                .add(1)
                .cast::<AtomicU32>()
                .add((i & self.mask) as usize)
        }
    }
}

#[repr(C)]
struct Header {
    seq: AtomicU64,
    seed: u64,
    slots: AtomicPtr<Slots>,
    /// Records (changed under the lock, read lock-free by [`ShmMap::count`]).
    live: AtomicU32,
    /// Records per status 0..STATUS_COUNTED (changed under the lock, read lock-free).
    by_status: [AtomicU32; STATUS_COUNTED],
    tombs: UnsafeCell<u32>,
    used: UnsafeCell<u32>,
    free_head: UnsafeCell<u32>,
    /// Arena words handed out so far (the bump pointer).
    arena_used: UnsafeCell<u32>,
    /// Free key blocks per size in words (first word index + 1; the block's first word
    /// links to the next).
    key_free: [UnsafeCell<u32>; KEY_CLASSES],
    chunks: [AtomicPtr<u8>; MAX_CHUNKS],
    arena: [AtomicPtr<AtomicU64>; MAX_ARENA_CHUNKS],
}

// SAFETY: the plain (UnsafeCell) fields are only touched under the map's lock, the others
// are atomics.
unsafe impl Sync for Header {}
// SAFETY: zero is a valid start for every field (null pointers, zero counters); its pointers
// point into shm only; Send as all its fields are.
unsafe impl ShmSafe for Header {}

/// A handle to a map in shm; copy it freely (all processes see the same map).
///
/// ```compile_fail,E0599
/// // A value holding a reference into process memory may not live in the map.
/// let m = kamailio::shm_map::ShmMap::<&'static [u8]>::new();
/// ```
pub struct ShmMap<V> {
    hdr: ShmHolder<Header>,
    _v: PhantomData<V>,
}

impl<V> Clone for ShmMap<V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<V> Copy for ShmMap<V> {}

// SAFETY: the map lives in shm; all shared mutation is under the shm lock or atomic.
unsafe impl<V: ShmSafe> Send for ShmMap<V> {}
// SAFETY: as above.
unsafe impl<V: ShmSafe> Sync for ShmMap<V> {}

/// Why [`MapGuard::insert`] added no record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertError {
    /// The map holds [`CAPACITY`] records, or shm is exhausted.
    Full,
    /// The key is empty or longer than [`MAX_KEY`].
    BadKey,
}

impl std::fmt::Display for InsertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            InsertError::Full => "the shm map is full (record limit or out of shm)",
            InsertError::BadKey => "the key is empty or too long for the shm map",
        })
    }
}

impl std::error::Error for InsertError {}

/// Word `j` of a key: 8 bytes, little-endian, the last one padded with zeroes.
#[inline]
fn key_word(key: &[u8], j: usize) -> u64 {
    if let Some(c) = key.get(j * 8..j * 8 + 8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        return u64::from_le_bytes(b);
    }
    let c = &key[j * 8..key.len().min(j * 8 + 8)];
    let mut b = [0u8; 8];
    b[..c.len()].copy_from_slice(c);
    u64::from_le_bytes(b)
}

/// The words of `key` in order, as [`key_word`] gives them.
#[inline]
fn key_words(key: &[u8]) -> impl Iterator<Item = u64> + '_ {
    let chunks = key.chunks_exact(8);
    let tail = chunks.remainder().len();
    let last = (tail > 0).then(|| tail_word(key, tail));
    chunks
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .chain(last)
}

/// The last `tail` (1..8) bytes of `key` as a zero-padded little-endian word: the last 8
/// bytes read at once and shifted when the key is that long (no byte loop, no memcpy call).
#[inline]
fn tail_word(key: &[u8], tail: usize) -> u64 {
    let n = key.len();
    if n >= 8 {
        let w = u64::from_le_bytes(key[n - 8..].try_into().expect("8 bytes"));
        return w >> (8 * (8 - tail));
    }
    key.iter().rev().fold(0u64, |w, &b| (w << 8) | u64::from(b))
}

/// Hash of a key of `len` bytes given as its words (so the arena copy hashes alike).
#[inline]
fn hash_words(seed: u64, len: usize, words: impl Iterator<Item = u64>) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = seed ^ (len as u64).wrapping_mul(K);
    for w in words {
        h = (h ^ w).wrapping_mul(K);
        h ^= h >> 31;
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

fn hash(seed: u64, key: &[u8]) -> u64 {
    hash_words(seed, key.len(), key_words(key))
}

/// The tag a hash gives in its slots: 1..=1022, so a slot is never EMPTY or TOMB.
fn tag(h: u64) -> u32 {
    ((h >> 54) as u32 % 1022) + 1
}

fn slot_value(h: u64, idx: u32) -> u32 {
    (tag(h) << IDX_BITS) | idx
}

fn alloc_slots(cap: u64) -> Option<NonNull<Slots>> {
    let size = size_of::<Slots>() + cap as usize * size_of::<AtomicU32>();
    let p = shm::alloc_zeroed(size)?.cast::<Slots>();
    // SAFETY: a fresh zeroed block big enough for the header; zero slots are EMPTY.
    unsafe { (*p.as_ptr()).mask = cap - 1 };
    Some(p)
}

impl<V: ShmSafe> ShmMap<V> {
    /// Creates an empty map in shm (call in mod_init, before the fork).
    pub fn new() -> Result<ShmMap<V>, ShmError> {
        let hdr = ShmHolder::new(|h: &mut Header| {
            let slots = alloc_slots(64).ok_or(ShmError::OutOfShm)?;
            h.seed = crate::random::u64();
            h.slots = AtomicPtr::new(slots.as_ptr());
            Ok(())
        })?;
        Ok(ShmMap {
            hdr,
            _v: PhantomData,
        })
    }

    fn h(&self) -> &Header {
        self.hdr.head()
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

    /// The `words` arena words from `at`; `None` if out of range (a stale read).
    fn block(&self, at: u32, words: usize) -> Option<&[AtomicU64]> {
        let (c, off) = (at as usize / ARENA_CHUNK, at as usize % ARENA_CHUNK);
        if off + words > ARENA_CHUNK {
            return None;
        }
        let chunk = self.h().arena.get(c)?.load(Ordering::Acquire);
        if chunk.is_null() {
            return None;
        }
        // SAFETY: a published arena chunk holds ARENA_CHUNK words and is never freed while
        // the server runs; off + words is within it.
        Some(unsafe { std::slice::from_raw_parts(chunk.add(off), words) })
    }

    /// True if record `r` holds `key` (any stale read is caught by the caller's seqlock).
    fn key_eq(&self, r: &Record<V>, key: &[u8]) -> bool {
        if r.key_len.load(Ordering::Relaxed) as usize != key.len() {
            return false;
        }
        let words = key.len().div_ceil(8);
        self.block(r.key_at.load(Ordering::Relaxed), words)
            .is_some_and(|b| {
                b.iter()
                    .zip(key_words(key))
                    .all(|(w, k)| w.load(Ordering::Relaxed) == k)
            })
    }

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

    /// Number of records, read without the lock (a statistic: it may be a moment old).
    pub fn count(&self) -> usize {
        self.h().live.load(Ordering::Relaxed) as usize
    }

    /// Number of records whose status is `status` (in 0..[`STATUS_COUNTED`], else `None`),
    /// read without the lock.
    pub fn count_with_status(&self, status: i32) -> Option<usize> {
        let c = self.h().by_status.get(usize::try_from(status).ok()?)?;
        Some(c.load(Ordering::Relaxed) as usize)
    }

    /// The word of the record at `idx` ([`MapGuard::set_word`]) without taking the lock; 0
    /// for a free record (removal clears it) or an index out of range. Any index is safe:
    /// records are never freed while the server runs.
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
    /// ([`MapGuard::set_aux`]), consistent with the status (one version of the map).
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
    fn probe(&self, slots: &Slots, hv: u64, key: &[u8]) -> Option<(u32, &Record<V>)> {
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
    map: ShmMap<V>,
    /// `None` under a [`MapHold`] (borrowed mutably for `'a`).
    _g: Option<ShmLockGuard<'a>>,
    _b: PhantomData<&'a mut ()>,
}

/// The write window of a map's seqlock: the sequence counter is odd from its start until the
/// guard is dropped, also on unwind, so lock-free readers never stay locked out.
struct WriteWindow<'a>(&'a AtomicU64);

impl<'a> WriteWindow<'a> {
    fn open(seq: &'a AtomicU64) -> WriteWindow<'a> {
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

    /// The key words of the record at `idx` (lock held, so the block is the record's).
    fn key_block(&self, idx: u32) -> (usize, &[AtomicU64]) {
        let r = self.rec(idx);
        let len = r.key_len.load(Ordering::Relaxed) as usize;
        let b = self
            .map
            .block(r.key_at.load(Ordering::Relaxed), len.div_ceil(8))
            .expect("a live record's key block");
        (len, b)
    }

    fn hash_of(&self, idx: u32) -> u64 {
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
    fn write_window(&self) -> WriteWindow<'_> {
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

    fn alloc_record(&mut self) -> Option<u32> {
        let h = self.h();
        // SAFETY: lock held for all the counters below.
        unsafe {
            let head = *h.free_head.get();
            if head != 0 {
                let idx = head - 1;
                *h.free_head.get() = self.rec(idx).key_at.load(Ordering::Relaxed);
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

    /// A key block of `words` words (1..=KEY_CLASSES): a freed one of that size, else the
    /// next words of the arena (a block never spans two chunks).
    fn alloc_block(&mut self, words: usize) -> Option<u32> {
        let h = self.h();
        // SAFETY: lock held for the free lists and the bump pointer.
        unsafe {
            let head = *h.key_free[words - 1].get();
            if head != 0 {
                let at = head - 1;
                let first = &self.map.block(at, 1)?[0];
                *h.key_free[words - 1].get() = first.load(Ordering::Relaxed) as u32;
                return Some(at);
            }
            let used = *h.arena_used.get() as usize;
            let room = ARENA_CHUNK - used % ARENA_CHUNK;
            let at = if room < words { used + room } else { used };
            let c = at / ARENA_CHUNK;
            if c >= MAX_ARENA_CHUNKS {
                return None;
            }
            if h.arena[c].load(Ordering::Relaxed).is_null() {
                let p = shm::alloc_zeroed(ARENA_CHUNK * size_of::<AtomicU64>())?;
                h.arena[c].store(p.as_ptr().cast(), Ordering::Release);
            }
            if at != used {
                // the previous chunk's tail becomes a free block of its size
                self.free_block(used as u32, room);
            }
            *h.arena_used.get() = (at + words) as u32;
            Some(at as u32)
        }
    }

    /// Puts a key block on the free list of its size.
    fn free_block(&self, at: u32, words: usize) {
        let h = self.h();
        if let Some(first) = self.map.block(at, 1) {
            // SAFETY: lock held for the free lists.
            unsafe {
                let list = h.key_free[words - 1].get();
                first[0].store(u64::from(*list), Ordering::Relaxed);
                *list = at + 1;
            }
        }
    }

    /// Keeps the slot array at most 5/8 full of records and 3/4 full with tombstones:
    /// doubles it when the records pass 5/8, else clears the tombstones in place.
    fn make_room(&mut self) -> Result<(), InsertError> {
        let cap = self.slots().mask + 1;
        // SAFETY: lock held.
        let (live, tombs) = unsafe { (self.len() as u64, *self.h().tombs.get() as u64) };
        let grow = (live + 1) * 8 > cap * 5;
        if !grow && (live + tombs + 1) * 4 <= cap * 3 {
            return Ok(());
        }
        let old = self.h().slots.load(Ordering::Relaxed);
        let target = if grow {
            alloc_slots(cap * 2).ok_or(InsertError::Full)?.as_ptr()
        } else {
            old
        };
        let _w = self.write_window();
        // SAFETY: `target` is a slot array owned by this map; lock held.
        let t = unsafe { &*target };
        if !grow {
            for i in 0..cap {
                t.slot(i).store(EMPTY, Ordering::Relaxed);
            }
        }
        for idx in self.indices() {
            let hv = self.hash_of(idx);
            let mut i = hv;
            while t.slot(i).load(Ordering::Relaxed) != EMPTY {
                i = i.wrapping_add(1);
            }
            t.slot(i).store(slot_value(hv, idx), Ordering::Relaxed);
        }
        if grow {
            // SAFETY: the new array is not yet visible; the old one is kept (readers may still
            // be in it) on the retired list.
            unsafe { (*target).retired_next = old };
            self.h().slots.store(target, Ordering::Release);
        }
        // SAFETY: lock held.
        unsafe { *self.h().tombs.get() = 0 };
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
        for h in [0u64, u64::MAX, 1 << 54, 0xffc0_0000_0000_0000] {
            for idx in [0u32, 1, IDX_MASK] {
                let v = slot_value(h, idx);
                assert!(v != EMPTY && v != TOMB);
                assert_eq!(v & IDX_MASK, idx);
                assert_eq!(v >> IDX_BITS, tag(h));
            }
        }
    }

    #[test]
    fn a_panic_in_a_write_window_still_ends_it() {
        let seq = AtomicU64::new(4);
        let r = std::panic::catch_unwind(|| {
            let _w = WriteWindow::open(&seq);
            assert_eq!(seq.load(Ordering::Relaxed), 5, "odd inside the window");
            panic!("inside the write window");
        });
        assert!(r.is_err());
        assert_eq!(
            seq.load(Ordering::Relaxed),
            6,
            "even again: readers are not locked out"
        );
    }

    #[test]
    fn key_words_pad_with_zeroes() {
        assert_eq!(key_word(b"abcdefghi", 0), u64::from_le_bytes(*b"abcdefgh"));
        assert_eq!(key_word(b"abcdefghi", 1), u64::from(b'i'));
        for k in [
            &b""[..],
            b"a",
            b"abcdefgh",
            b"abcdefghi",
            b"sip:d0@127.0.0.1:5060",
        ] {
            let by_index: Vec<u64> = (0..k.len().div_ceil(8)).map(|j| key_word(k, j)).collect();
            assert_eq!(key_words(k).collect::<Vec<_>>(), by_index);
        }
    }
}
