//! Raw shared-memory blocks (the core's shm allocator) for this crate's shared containers.

use std::ptr::NonNull;

use crate::sys;

/// Allocates `size` zeroed bytes in shm; `None` when shm is exhausted.
pub(crate) fn alloc_zeroed(size: usize) -> Option<NonNull<u8>> {
    // SAFETY: the core's allocator; the block is ours until `free`.
    let p = NonNull::new(unsafe { sys::krs_shm_malloc(size as _) }.cast::<u8>())?;
    // SAFETY: p points to `size` writable bytes.
    unsafe { std::ptr::write_bytes(p.as_ptr(), 0, size) };
    Some(p)
}

/// Frees a block from [`alloc_zeroed`].
///
/// # Safety
/// `p` came from `alloc_zeroed` and nothing uses it afterwards.
pub(crate) unsafe fn free(p: NonNull<u8>) {
    // SAFETY: guaranteed by the caller.
    unsafe { sys::krs_shm_free(p.as_ptr().cast()) }
}

/// Copies `bytes` into a new NUL-terminated shm block; `None` when shm is exhausted.
pub(crate) fn copy_bytes(bytes: &[u8]) -> Option<NonNull<u8>> {
    let p = alloc_zeroed(bytes.len() + 1)?;
    // SAFETY: p has room for bytes.len() + 1 bytes; the regions do not overlap.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p.as_ptr(), bytes.len()) };
    Some(p)
}
