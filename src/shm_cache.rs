//! A small direct-mapped cache in shared memory: a fixed number of slots, each holding the
//! latest entry whose key maps to it, guarded by one [`ShmLock`]. Entries are plain `Copy`
//! data; a newer entry replaces whatever shares its slot, so the cache never grows.

use std::marker::PhantomData;
use std::mem::size_of;
use std::ptr::NonNull;

use crate::lock::ShmLock;
use crate::shm;

#[repr(C)]
#[derive(Clone, Copy)]
struct Entry<V> {
    /// 0 = empty (keys are never 0).
    key: u64,
    /// Tells a reused key apart (e.g. the address of the object the key named).
    tag: u64,
    value: V,
}

#[repr(C)]
struct Header {
    lock: ShmLock,
    mask: u64,
    // followed by mask + 1 entries
}

/// A handle to a cache in shm; copy it freely.
pub struct ShmCache<V> {
    hdr: NonNull<Header>,
    _v: PhantomData<V>,
}

impl<V> Clone for ShmCache<V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<V> Copy for ShmCache<V> {}

// SAFETY: the cache lives in shm; entries are read and written only under its shm lock.
unsafe impl<V: Copy + Send> Send for ShmCache<V> {}
// SAFETY: as above.
unsafe impl<V: Copy + Send> Sync for ShmCache<V> {}

impl<V: Copy + Send> ShmCache<V> {
    /// Allocates a cache of `slots` (rounded up to a power of two) entries in shm; call in
    /// mod_init, before the fork.
    pub fn new(slots: usize) -> Result<ShmCache<V>, String> {
        let n = slots.next_power_of_two();
        let lock = ShmLock::new().ok_or("cannot allocate a shm lock")?;
        let hdr = shm::alloc_zeroed(size_of::<Header>() + n * size_of::<Entry<V>>())
            .ok_or("out of shm")?
            .cast::<Header>();
        // SAFETY: a fresh zeroed block sized for the header and n entries; zeroed entries are
        // empty (key 0) and their values are never read.
        unsafe {
            std::ptr::addr_of_mut!((*hdr.as_ptr()).lock).write(lock);
            (*hdr.as_ptr()).mask = n as u64 - 1;
        }
        Ok(ShmCache {
            hdr,
            _v: PhantomData,
        })
    }

    /// Runs `f` on the slot of `key`, under the lock.
    fn with_slot<R>(&self, key: u64, f: impl FnOnce(&mut Entry<V>) -> R) -> R {
        // SAFETY: the header is allocated in `new` and never freed while the server runs.
        let h = unsafe { self.hdr.as_ref() };
        let i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) & h.mask;
        let _g = h.lock.lock();
        // SAFETY: the entries follow the header and i <= mask; the lock makes this the only
        // access to the entry.
        let e = unsafe {
            &mut *(self.hdr.as_ptr().add(1))
                .cast::<Entry<V>>()
                .add(i as usize)
        };
        f(e)
    }

    /// The value stored for (`key`, `tag`), if it is still there.
    pub fn get(&self, key: u64, tag: u64) -> Option<V> {
        self.with_slot(key, |e| (e.key == key && e.tag == tag).then_some(e.value))
    }

    /// Stores `value` for (`key`, `tag`) (`key` must not be 0), replacing the slot's entry.
    pub fn put(&self, key: u64, tag: u64, value: V) {
        if key != 0 {
            self.with_slot(key, |e| *e = Entry { key, tag, value });
        }
    }

    /// Drops the entry of `key`, if any.
    pub fn forget(&self, key: u64) {
        self.with_slot(key, |e| {
            if e.key == key {
                e.key = 0;
            }
        });
    }
}
