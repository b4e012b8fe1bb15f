//! A small direct-mapped record in shared memory of the outcome of operations with side
//! effects (e.g. socket options applied to a connection), so that repeating an operation
//! whose outcome is known can be skipped. A fixed number of slots, each holding the latest
//! key that maps to it, guarded by one shm lock; a newer key replaces an older one, so
//! the record never grows. Key `k` has slot `k mod slots`: keys given in sequence (connection
//! ids) each have a slot of their own while the live ones span fewer than `slots` values.
//!
//! An operation runs between [`ShmCache::begin_from`] and [`ShmCache::end`], outside the lock. When
//! two operations on the same key overlap, their side effects may interleave, so the key's
//! value is dropped rather than recorded.

use std::mem::size_of;

use crate::shm::{self, ShmError, ShmHolder, ShmSafe};

#[repr(C)]
#[derive(Clone, Copy)]
struct Entry<V> {
    /// 0 = empty (keys are never 0).
    key: u64,
    /// Tells a reused key apart (e.g. the address of the object the key named).
    tag: u64,
    /// Operations on this key under way.
    pending: u32,
    /// Operations overlapped since `pending` was last 0: the outcome is unknown.
    conflict: bool,
    /// `value` holds the outcome of the last operation.
    known: bool,
    value: V,
}

#[repr(C)]
struct Header<V> {
    mask: u64,
    /// mask + 1 entries in shm.
    entries: *mut Entry<V>,
}

// SAFETY: Send: the entries pointer points into shm, the same in every process; Sync: the
// entries are only reached under the cache's lock, `mask` is not written after `new`.
unsafe impl<V: ShmSafe> Send for Header<V> {}
// SAFETY: as above.
unsafe impl<V: ShmSafe> Sync for Header<V> {}
// SAFETY: zero-valid (a null pointer is replaced in `new` before use); it points into shm
// only.
unsafe impl<V: ShmSafe> ShmSafe for Header<V> {}

/// What [`ShmCache::begin_from`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Begin<V> {
    /// The value is known to be in force and nothing is under way: skip the operation.
    Skip,
    /// Registered: do it, then [`ShmCache::end`]; `before` is the value known to be in
    /// force before it (`None`: unknown).
    Run { before: Option<V> },
}

/// A handle to a cache in shm; copy it freely.
///
/// ```compile_fail,E0599
/// // Values must be ShmSafe: a heap pointer would mean nothing in another process.
/// let c = kamailio::shm_cache::ShmCache::<Box<u32>>::new(16);
/// ```
pub struct ShmCache<V> {
    h: ShmHolder<Header<V>>,
}

impl<V> Clone for ShmCache<V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<V> Copy for ShmCache<V> {}

// SAFETY: the cache lives in shm; entries are read and written only under its shm lock.
unsafe impl<V: ShmSafe> Send for ShmCache<V> {}
// SAFETY: as above.
unsafe impl<V: ShmSafe> Sync for ShmCache<V> {}

impl<V: ShmSafe + Copy + PartialEq> ShmCache<V> {
    /// Allocates a cache of `slots` (rounded up to a power of two) entries in shm; call in
    /// mod_init, before the fork. An error for 0 slots or more than memory can address.
    pub fn new(slots: usize) -> Result<ShmCache<V>, ShmError> {
        let (n, bytes) = entries_size::<V>(slots).ok_or(ShmError::BadSlots(slots))?;
        let h = ShmHolder::new(|h: &mut Header<V>| {
            // zero-filled entries are empty (key 0) and valid (V is ShmSafe)
            let e = shm::alloc_zeroed(bytes).ok_or(ShmError::OutOfShm)?;
            h.mask = n as u64 - 1;
            h.entries = e.as_ptr().cast();
            Ok(())
        })?;
        Ok(ShmCache { h })
    }

    /// Runs `f` on the slot of `key`, under the lock.
    fn with_slot<R>(&self, key: u64, f: impl FnOnce(&mut Entry<V>) -> R) -> R {
        let h = self.h.head();
        let i = key & h.mask;
        let _g = self.h.lock();
        // SAFETY: the entries block holds mask + 1 entries and i <= mask; the lock makes
        // this the only access to the entry.
        let e = unsafe { &mut *h.entries.add(i as usize) };
        f(e)
    }

    /// Before an operation that would give `value` on (`key`, `tag`; `key` not 0): skip it if
    /// it is known to have given `value` already and none is under way; else the operation is
    /// registered and [`ShmCache::end`] must follow.
    pub fn begin_from(&self, key: u64, tag: u64, value: V) -> Begin<V> {
        self.with_slot(key, |e| {
            if e.key == key && e.tag == tag {
                if e.pending == 0 && e.known && e.value == value {
                    return Begin::Skip;
                }
                let before = (e.pending == 0 && e.known).then_some(e.value);
                e.conflict |= e.pending > 0;
                e.pending += 1;
                Begin::Run { before }
            } else {
                *e = Entry {
                    key,
                    tag,
                    pending: 1,
                    conflict: false,
                    known: false,
                    value,
                };
                Begin::Run { before: None }
            }
        })
    }

    /// After the operation registered by [`ShmCache::begin_from`]: records `value` as its outcome
    /// (`None`: failed, the outcome is unknown), unless operations on the key overlapped.
    pub fn end(&self, key: u64, tag: u64, outcome: Option<V>) {
        self.with_slot(key, |e| {
            if e.key != key || e.tag != tag || e.pending == 0 {
                return;
            }
            e.pending -= 1;
            match outcome {
                Some(v) if !e.conflict => {
                    e.value = v;
                    e.known = true;
                }
                _ => e.known = false,
            }
            if e.pending == 0 {
                e.conflict = false;
            }
        });
    }

    /// The recorded outcome for (`key`, `tag`), if known and no operation is under way.
    pub fn peek(&self, key: u64, tag: u64) -> Option<V> {
        self.with_slot(key, |e| {
            (e.key == key && e.tag == tag && e.pending == 0 && e.known).then_some(e.value)
        })
    }
}

/// The number of entries (`slots` rounded up to a power of two) and their size in bytes;
/// `None` for 0 slots or when either does not fit in a `usize` (or an `isize`, the most an
/// allocation may hold).
fn entries_size<V>(slots: usize) -> Option<(usize, usize)> {
    if slots == 0 {
        return None;
    }
    let n = slots.checked_next_power_of_two()?;
    let bytes = n.checked_mul(size_of::<Entry<V>>())?;
    (bytes <= isize::MAX as usize).then_some((n, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_that_do_not_fit_are_refused_before_any_allocation() {
        assert_eq!(entries_size::<u32>(0), None);
        assert_eq!(
            entries_size::<u32>(usize::MAX),
            None,
            "next_power_of_two wraps"
        );
        assert_eq!(entries_size::<u32>(usize::MAX / 2 + 2), None);
        assert_eq!(
            entries_size::<u32>(1 << (usize::BITS - 2)),
            None,
            "n * size wraps"
        );
        assert_eq!(entries_size::<[u8; 64]>(usize::MAX / 64), None);
        let e = size_of::<Entry<u32>>();
        assert_eq!(entries_size::<u32>(1), Some((1, e)));
        assert_eq!(entries_size::<u32>(1000), Some((1024, 1024 * e)));
        // refused in `new` too, before shm is touched (no shm in a unit test)
        assert_eq!(ShmCache::<u32>::new(0).err(), Some(ShmError::BadSlots(0)));
        assert_eq!(
            ShmCache::<u32>::new(usize::MAX).err(),
            Some(ShmError::BadSlots(usize::MAX))
        );
    }
}
