//! Kamailio locks (`gen_lock_t` in shm): the locks that guard state shared by processes.
//!
//! A lock is released only by the guard that took it ([`ShmLockGuard`], RAII as in
//! `lock_api`): there is no safe way to unlock a lock this process does not hold. The typed
//! form that owns its data is [`crate::shm::ShmMutex`].
//!
//! ```compile_fail,E0599
//! // No safe release: unlocking a lock the caller may not hold does not compile.
//! let l = kamailio::lock::ShmLock::new().unwrap();
//! l.release();
//! ```
//!
//! ```compile_fail,E0599
//! // No guard-less acquire either.
//! let l = kamailio::lock::ShmLock::new().unwrap();
//! l.acquire();
//! ```

use std::marker::PhantomData;
use std::ptr::NonNull;

use crate::shm::backend::{Active, Backend};

/// A lock in shared memory, usable from every process forked after it was made.
#[derive(Clone, Copy)]
pub struct ShmLock(NonNull<<Active as Backend>::Lock>);

// SAFETY: the lock lives in shm and is made for concurrent use by processes (and threads).
unsafe impl Send for ShmLock {}
// SAFETY: as above.
unsafe impl Sync for ShmLock {}

impl ShmLock {
    /// Allocates and initialises a lock in shm (call in mod_init, before the fork).
    pub fn new() -> Option<ShmLock> {
        Active::new_lock().map(ShmLock)
    }

    /// Takes the lock until the guard is dropped (also on unwind, so a panic never leaves
    /// it held in every process).
    pub fn lock(&self) -> ShmLockGuard<'_> {
        // SAFETY: a lock initialised by `new`, never deallocated while the server runs.
        unsafe { Active::lock(self.0) }
        ShmLockGuard {
            lock: *self,
            _l: PhantomData,
            _not_send: PhantomData,
        }
    }
}

/// Holds a [`ShmLock`]; releases it when dropped. The only way to release a lock.
///
/// Not `Send`: where `gen_lock_t` is a pthread mutex, only the thread that locked it may
/// unlock it.
///
/// ```compile_fail,E0277
/// fn send<T: Send>(_: T) {}
/// let l = kamailio::lock::ShmLock::new().unwrap();
/// send(l.lock());
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct ShmLockGuard<'a> {
    lock: ShmLock,
    _l: PhantomData<&'a ShmLock>,
    /// `!Send` (and `!Sync`, which a guard never needs).
    _not_send: PhantomData<*const ()>,
}

impl ShmLockGuard<'_> {
    /// The same guard, not tied to a borrow of the lock: locks in shm are never freed
    /// while the server runs, so the guard may outlive the handle it came from.
    pub(crate) fn detach(self) -> ShmLockGuard<'static> {
        let lock = self.lock;
        std::mem::forget(self);
        ShmLockGuard {
            lock,
            _l: PhantomData,
            _not_send: PhantomData,
        }
    }
}

impl Drop for ShmLockGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: this guard took the lock in `ShmLock::lock` (on this thread: the guard is
        // not Send) and releases it once.
        unsafe { Active::unlock(self.lock.0) }
    }
}
