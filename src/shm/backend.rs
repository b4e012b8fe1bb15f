//! Where shared memory and its locks come from, as Rust for Linux's `lock::Backend`: the
//! shm containers ([`crate::shm::ShmMutex`], [`crate::shm::cache::ShmCache`],
//! [`crate::shm::map::ShmMap`]) allocate and lock only through [`Active`]. In the server that
//! is [`Kamailio`] (the core's shm allocator and `gen_lock_t`); in this crate's unit tests
//! (`cfg(test)`) it is [`Heap`] (the process heap and a mutex), so `cargo test -p kamailio`
//! runs the containers' model and stress tests without a Kamailio. The choice is a type alias:
//! the server's code is the same as calling the core directly.

use std::ptr::NonNull;

use crate::sys;

/// Allocation and locking for the shm containers.
///
/// # Safety
/// An implementation gives blocks from `alloc_zeroed` that are zero-filled, at least `size`
/// bytes, aligned to at least 8 bytes, and valid until `free`, in memory that every process
/// (and thread) using the containers sees at the same address; and locks from `new_lock`
/// that exclude each other between `lock` and `unlock` across all of them.
pub(crate) unsafe trait Backend {
    /// A lock's state (allocated by `new_lock`, never freed while the server runs).
    type Lock;

    /// `size` zeroed bytes; `None` when memory is exhausted.
    fn alloc_zeroed(size: usize) -> Option<NonNull<u8>>;

    /// Frees a block.
    ///
    /// # Safety
    /// `p` came from `alloc_zeroed` of this backend and nothing uses it afterwards.
    unsafe fn free(p: NonNull<u8>);

    /// An initialised, unlocked lock; `None` when memory is exhausted.
    fn new_lock() -> Option<NonNull<Self::Lock>>;

    /// Takes the lock, waiting for it.
    ///
    /// # Safety
    /// `l` came from `new_lock` of this backend.
    unsafe fn lock(l: NonNull<Self::Lock>);

    /// Releases the lock.
    ///
    /// # Safety
    /// `l` came from `new_lock` and this thread holds it (took it with `lock`).
    unsafe fn unlock(l: NonNull<Self::Lock>);
}

/// The core's shm allocator and locks: the backend of the server.
#[cfg_attr(test, allow(dead_code))]
pub(crate) enum Kamailio {}

// SAFETY: the core's shm is mapped before the fork at one address in every process;
// `krs_shm_malloc` blocks are aligned for any C type; zero-filled here; `gen_lock_t` is the
// core's process-shared lock.
unsafe impl Backend for Kamailio {
    type Lock = sys::gen_lock_t;

    #[inline]
    fn alloc_zeroed(size: usize) -> Option<NonNull<u8>> {
        // SAFETY: the core's allocator; the block is ours until `free`.
        let p = NonNull::new(unsafe { sys::krs_shm_malloc(size as _) }.cast::<u8>())?;
        // SAFETY: p points to `size` writable bytes.
        unsafe { std::ptr::write_bytes(p.as_ptr(), 0, size) };
        Some(p)
    }

    #[inline]
    unsafe fn free(p: NonNull<u8>) {
        // SAFETY: guaranteed by the caller.
        unsafe { sys::krs_shm_free(p.as_ptr().cast()) }
    }

    #[inline]
    fn new_lock() -> Option<NonNull<sys::gen_lock_t>> {
        // SAFETY: allocation and init by the core; NULL on failure.
        NonNull::new(unsafe { sys::krs_lock_alloc() })
    }

    #[inline]
    unsafe fn lock(l: NonNull<sys::gen_lock_t>) {
        // SAFETY: a lock from `new_lock` (caller), never deallocated while the server runs.
        unsafe { sys::krs_lock_get(l.as_ptr()) }
    }

    #[inline]
    unsafe fn unlock(l: NonNull<sys::gen_lock_t>) {
        // SAFETY: as in `lock`; this thread holds it (caller).
        unsafe { sys::krs_lock_release(l.as_ptr()) }
    }
}

/// The process heap and `parking_lot`'s raw mutex (a mutex without a guard, as
/// `gen_lock_t`): the backend of the unit tests, whose threads stand for processes.
#[cfg(test)]
pub(crate) enum Heap {}

/// Bytes before each heap block that keep its size (for `dealloc`); keeps the block aligned.
#[cfg(test)]
const HEAP_HEADER: usize = 16;

#[cfg(test)]
fn heap_layout(size: usize) -> Option<std::alloc::Layout> {
    std::alloc::Layout::from_size_align(size.checked_add(HEAP_HEADER)?, HEAP_HEADER).ok()
}

// SAFETY: the heap is one address space for all the test's threads; blocks come from
// `alloc_zeroed` (zeroed) with 16-byte alignment; `RawMutex` excludes between lock and unlock.
#[cfg(test)]
unsafe impl Backend for Heap {
    type Lock = parking_lot::RawMutex;

    fn alloc_zeroed(size: usize) -> Option<NonNull<u8>> {
        let layout = heap_layout(size)?;
        // SAFETY: the layout's size is not zero (it includes the header).
        let base = NonNull::new(unsafe { std::alloc::alloc_zeroed(layout) })?;
        // SAFETY: the block is HEAP_HEADER + size bytes, 16-aligned: the size fits first.
        unsafe {
            base.cast::<usize>().write(size);
            Some(base.add(HEAP_HEADER))
        }
    }

    unsafe fn free(p: NonNull<u8>) {
        // SAFETY: p came from `alloc_zeroed` (caller): its block starts HEAP_HEADER bytes
        // before, with the size that made its layout.
        unsafe {
            let base = p.sub(HEAP_HEADER);
            let size = base.cast::<usize>().read();
            let layout = heap_layout(size).expect("the layout it was allocated with");
            std::alloc::dealloc(base.as_ptr(), layout);
        }
    }

    fn new_lock() -> Option<NonNull<parking_lot::RawMutex>> {
        use parking_lot::lock_api::RawMutex as _;
        Some(NonNull::from(Box::leak(Box::new(
            parking_lot::RawMutex::INIT,
        ))))
    }

    unsafe fn lock(l: NonNull<parking_lot::RawMutex>) {
        use parking_lot::lock_api::RawMutex as _;
        // SAFETY: a leaked (never freed) lock from `new_lock` (caller).
        unsafe { l.as_ref() }.lock();
    }

    unsafe fn unlock(l: NonNull<parking_lot::RawMutex>) {
        use parking_lot::lock_api::RawMutex as _;
        // SAFETY: as in `lock`; this thread holds it (caller).
        unsafe { l.as_ref().unlock() }
    }
}

/// The backend of this build: the core's in the server, the heap in unit tests.
#[cfg(not(test))]
pub(crate) type Active = Kamailio;
/// The backend of this build: the core's in the server, the heap in unit tests.
#[cfg(test)]
pub(crate) type Active = Heap;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heap_blocks_are_zeroed_aligned_and_freed() {
        for size in [1usize, 7, 8, 100, 4096] {
            let p = Heap::alloc_zeroed(size).expect("memory");
            assert_eq!(p.as_ptr() as usize % 16, 0);
            // SAFETY: a fresh block of `size` bytes.
            let b = unsafe { std::slice::from_raw_parts(p.as_ptr(), size) };
            assert!(b.iter().all(|&x| x == 0));
            // SAFETY: from alloc_zeroed, unused after.
            unsafe { Heap::free(p) };
        }
    }
}
