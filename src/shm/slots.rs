//! A fixed array of atomic 64-bit slots in shm, read and written without a lock by every
//! process (e.g. one mark per connection id, slot `id mod len`).

use std::mem::size_of;
use std::ptr::NonNull;
use std::sync::atomic::AtomicU64;

use crate::shm::{self, ShmError};

/// A handle to the slots; copy it freely.
#[derive(Clone, Copy)]
pub struct ShmSlots {
    p: NonNull<AtomicU64>,
    /// A power of two.
    len: usize,
}

// SAFETY: the slots live in shm, the same address in every process, and are atomics.
unsafe impl Send for ShmSlots {}
// SAFETY: as above.
unsafe impl Sync for ShmSlots {}

impl ShmSlots {
    /// `n` slots (rounded up to a power of two), all 0, in shm; call in mod_init (before
    /// the fork). Never freed while the server runs.
    pub fn new(n: usize) -> Result<ShmSlots, ShmError> {
        let len = n
            .max(1)
            .checked_next_power_of_two()
            .ok_or(ShmError::TooManySlots)?;
        let size = len
            .checked_mul(size_of::<AtomicU64>())
            .ok_or(ShmError::TooManySlots)?;
        let p = shm::alloc_zeroed(size).ok_or(ShmError::OutOfShm)?;
        Ok(ShmSlots { p: p.cast(), len })
    }

    /// The slot of `key` (`key mod len`).
    #[inline]
    pub fn slot(&self, key: u64) -> &AtomicU64 {
        let i = (key as usize) & (self.len - 1);
        // SAFETY: i < len; the block holds len zero-initialised (valid) atomics, aligned by
        // the shm allocator (8 bytes or more), and is never freed.
        unsafe { &*self.p.as_ptr().add(i) }
    }
}
