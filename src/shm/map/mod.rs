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
//!
//! Here the layout in shm and the handle; `key` (words, hash, tags), `read` (lock-free), `write`
//! (the guards, insert, remove) and `alloc` (records, key blocks, growing) hold the rest.

use std::cell::UnsafeCell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicI32, AtomicPtr, AtomicU32, AtomicU64, Ordering};

use crate::shm::{ShmError, ShmHolder, ShmSafe};
use alloc::alloc_slots;

mod alloc;
mod key;
mod read;
mod write;

pub use read::Seen;
pub use write::{MapGuard, MapHold};

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
}

#[cfg(test)]
mod tests;
