//! Kamailio locks (`gen_lock_t` in shm): the locks that guard state shared by processes.

use std::ptr::NonNull;

use crate::sys;

/// A lock in shared memory, usable from every process forked after it was made.
#[derive(Clone, Copy)]
pub struct ShmLock(NonNull<sys::gen_lock_t>);

// SAFETY: the lock lives in shm and is made for concurrent use by processes (and threads).
unsafe impl Send for ShmLock {}
// SAFETY: as above.
unsafe impl Sync for ShmLock {}

impl ShmLock {
    /// Allocates and initialises a lock in shm (call in mod_init, before the fork).
    pub fn new() -> Option<ShmLock> {
        // SAFETY: allocation and init by the core; NULL on failure.
        NonNull::new(unsafe { sys::krs_lock_alloc() }).map(ShmLock)
    }

    /// Takes the lock until the guard is dropped (also on unwind, so a panic never leaves
    /// it held in every process).
    pub fn lock(&self) -> ShmLockGuard<'_> {
        self.acquire();
        ShmLockGuard(self)
    }

    /// Takes the lock without a guard, for C APIs that lock and unlock in separate calls.
    pub fn acquire(&self) {
        // SAFETY: a lock initialised by `new`, never deallocated while the server runs.
        unsafe { sys::krs_lock_get(self.0.as_ptr()) }
    }

    /// Releases a lock taken with [`ShmLock::acquire`].
    pub fn release(&self) {
        // SAFETY: as in `acquire`; the caller holds the lock.
        unsafe { sys::krs_lock_release(self.0.as_ptr()) }
    }
}

/// Holds a [`ShmLock`]; releases it when dropped.
pub struct ShmLockGuard<'a>(&'a ShmLock);

impl Drop for ShmLockGuard<'_> {
    fn drop(&mut self) {
        self.0.release();
    }
}
