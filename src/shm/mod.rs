//! Shared memory (the core's shm allocator): what may live there ([`ShmSafe`]), the one
//! holder of a header and its lock that the shared containers are built on, and a typed lock
//! that owns its data ([`ShmMutex`], as pgrx's `PgLwLock<T>`).
//!
//! ```compile_fail,E0599
//! // A reference into process-private memory may not live in shm.
//! let m = kamailio::shm::ShmMutex::<&'static u32>::new();
//! ```
//!
//! ```compile_fail,E0599
//! // Nor a type for which all-zero bytes are not a valid value.
//! let m = kamailio::shm::ShmMutex::<std::num::NonZeroU32>::new();
//! ```
//!
//! ```compile_fail,E0597
//! // The guard is the only access to the data, and it releases the lock when dropped.
//! let m = kamailio::shm::ShmMutex::<u32>::new().unwrap();
//! let r: &mut u32 = {
//!     let mut g = m.lock();
//!     &mut *g
//! };
//! *r = 1;
//! ```

use std::cell::UnsafeCell;
use std::marker::PhantomData;
use std::mem::size_of;
use std::num::{NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU8, NonZeroUsize};
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, AtomicU16, AtomicU32, AtomicU64};

mod backend;
pub mod cache;
pub mod lock;
pub mod map;
pub mod slots;
#[cfg(test)]
mod tests;

pub use cache::{Begin, ShmCache};
pub use lock::{ShmLock, ShmLockGuard};
pub use map::{MapGuard, MapHold, ShmMap};
pub use slots::ShmSlots;

use crate::sys;
use backend::{Active, Backend};

/// The size of the shared memory Kamailio was started with (`-m`), in bytes.
pub fn size() -> u64 {
    // SAFETY: a core global set from the command line before modules load, read-only after.
    unsafe { sys::shm_mem_size as u64 }
}

/// Types that may live in shared memory, seen by every process of the server.
///
/// # Safety
/// Implement it only for a type that
/// - is valid when all its bytes are zero (shm blocks start zero-filled and records are
///   zeroed again when freed),
/// - holds no pointer or reference into process-private memory (heap, stack, a process's own
///   statics): another process would read it as garbage. Pointers into shm, and code
///   pointers of modules loaded before the fork, are the same in every process,
/// - is `Send + Sync + 'static` (it outlives any call; any process, and any thread, may use
///   it under the container's rules).
///
/// Record types of a module get it from [`crate::shm_safe!`], which checks each field; the
/// crate implements it for integers, `bool`, atomics, arrays and `Option<NonZero*>`.
pub unsafe trait ShmSafe: Send + Sync + 'static {}

macro_rules! shm_safe_prim {
    ($($t:ty),*) => {
        $(
            // SAFETY: plain data, valid when zero, no pointers.
            unsafe impl ShmSafe for $t {}
        )*
    };
}
shm_safe_prim!(
    u8,
    u16,
    u32,
    u64,
    usize,
    i8,
    i16,
    i32,
    i64,
    isize,
    bool,
    f32,
    f64,
    char,
    ()
);
shm_safe_prim!(AtomicBool, AtomicU16, AtomicU32, AtomicU64, AtomicI32, AtomicI64);
shm_safe_prim!(
    Option<NonZeroU8>,
    Option<NonZeroU16>,
    Option<NonZeroU32>,
    Option<NonZeroU64>,
    Option<NonZeroUsize>
);
// SAFETY: an array of ShmSafe elements is zero-valid and pointer-free as they are.
unsafe impl<T: ShmSafe, const N: usize> ShmSafe for [T; N] {}

/// Declares a struct and implements [`ShmSafe`](crate::shm::ShmSafe) for it, after checking
/// that every field type is `ShmSafe` (so modules need no `unsafe`):
///
/// ```
/// kamailio::shm_safe! {
///     #[derive(Clone, Copy, Default)]
///     pub struct Counter { pub hits: u64, last: u32 }
/// }
/// ```
///
/// ```compile_fail,E0277
/// kamailio::shm_safe! {
///     pub struct Bad { name: String } // a heap pointer: not ShmSafe
/// }
/// ```
#[macro_export]
macro_rules! shm_safe {
    (
        $(#[$m:meta])*
        $vis:vis struct $name:ident {
            $($(#[$fm:meta])* $fvis:vis $f:ident : $t:ty),* $(,)?
        }
    ) => {
        $(#[$m])*
        $vis struct $name {
            $($(#[$fm])* $fvis $f: $t),*
        }
        const _: () = {
            fn field_is_shm_safe<T: $crate::shm::ShmSafe>() {}
            #[allow(dead_code)]
            fn all_fields() {
                $(field_is_shm_safe::<$t>();)*
            }
        };
        // SAFETY: every field is ShmSafe (checked above), so the struct is zero-valid,
        // holds no pointer into process memory, and is Send + Sync + 'static.
        #[allow(unsafe_code)]
        unsafe impl $crate::shm::ShmSafe for $name {}
    };
}

/// Why a shared container could not be made (in mod_init).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShmError {
    /// Shared memory is exhausted (Kamailio's `-m` is too small for what is asked).
    OutOfShm,
    /// The core could not make a lock.
    NoLock,
    /// A cache of this many slots cannot exist (0, or more than memory can address).
    BadSlots(usize),
    /// A slot array of this many slots cannot exist ([`ShmSlots::new`]).
    TooManySlots,
}

impl std::fmt::Display for ShmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShmError::OutOfShm => f.write_str("out of shm"),
            ShmError::NoLock => f.write_str("cannot allocate a shm lock"),
            ShmError::BadSlots(n) => write!(f, "shm cache: cannot hold {n} slots"),
            ShmError::TooManySlots => f.write_str("too many slots"),
        }
    }
}

impl std::error::Error for ShmError {}

/// Allocates `size` zeroed bytes in shm; `None` when shm is exhausted.
pub(crate) fn alloc_zeroed(size: usize) -> Option<NonNull<u8>> {
    Active::alloc_zeroed(size)
}

/// Frees a block from [`alloc_zeroed`].
///
/// # Safety
/// `p` came from `alloc_zeroed` and nothing uses it afterwards.
pub(crate) unsafe fn free(p: NonNull<u8>) {
    // SAFETY: guaranteed by the caller.
    unsafe { Active::free(p) }
}

/// Copies `bytes` into a new NUL-terminated shm block; `None` when shm is exhausted.
pub(crate) fn copy_bytes(bytes: &[u8]) -> Option<NonNull<u8>> {
    let p = alloc_zeroed(bytes.len() + 1)?;
    // SAFETY: p has room for bytes.len() + 1 bytes; the regions do not overlap.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p.as_ptr(), bytes.len()) };
    Some(p)
}

#[repr(C)]
struct Holder<H> {
    lock: ShmLock,
    head: H,
}

/// A header of type `H` in shm with its lock: the common setup of the shared containers.
/// Never freed while the server runs (lock-free readers may look at it at any time).
pub(crate) struct ShmHolder<H> {
    p: NonNull<Holder<H>>,
}

impl<H> Clone for ShmHolder<H> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<H> Copy for ShmHolder<H> {}

impl<H: ShmSafe> ShmHolder<H> {
    /// Allocates the lock and a zero-filled header, then lets `init` set the header up (in
    /// mod_init, before the fork, so no other process sees it yet).
    pub(crate) fn new(init: impl FnOnce(&mut H) -> Result<(), ShmError>) -> Result<Self, ShmError> {
        let lock = ShmLock::new().ok_or(ShmError::NoLock)?;
        let p = alloc_zeroed(size_of::<Holder<H>>())
            .ok_or(ShmError::OutOfShm)?
            .cast::<Holder<H>>();
        // SAFETY: a fresh zeroed block sized for Holder<H>: all-zero is a valid H (ShmSafe);
        // the lock field is written before anything reads it; no one else has the block.
        unsafe {
            std::ptr::addr_of_mut!((*p.as_ptr()).lock).write(lock);
            init(&mut (*p.as_ptr()).head)?;
        }
        Ok(ShmHolder { p })
    }

    /// The header, for the fields that are read without the lock (atomics) or that the
    /// caller reaches only while holding [`ShmHolder::lock`].
    pub(crate) fn head(&self) -> &H {
        // SAFETY: allocated in `new`, never freed while the server runs; after `new`,
        // the header is only accessed through shared references (interior mutability).
        unsafe { &(*self.p.as_ptr()).head }
    }

    pub(crate) fn lock(&self) -> ShmLockGuard<'_> {
        // SAFETY: as in `head`.
        unsafe { (*self.p.as_ptr()).lock.lock() }
    }

    /// Address of the holder (identifies the container in every process).
    pub(crate) fn addr(&self) -> usize {
        self.p.as_ptr() as usize
    }
}

/// The data of a [`ShmMutex`]: reached only through a guard.
#[repr(transparent)]
struct MutexCell<T>(UnsafeCell<T>);

// SAFETY: shared only through ShmMutex, whose guard holds the lock (so access is exclusive).
unsafe impl<T: ShmSafe> Sync for MutexCell<T> {}
// SAFETY: UnsafeCell<T> has T's layout and validity: zero-valid and pointer-free as T.
unsafe impl<T: ShmSafe> ShmSafe for MutexCell<T> {}

/// A `T` in shm under a Kamailio lock; [`ShmMutex::lock`] hands out the only access to it.
pub struct ShmMutex<T> {
    h: ShmHolder<MutexCell<T>>,
}

impl<T> Clone for ShmMutex<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for ShmMutex<T> {}

// SAFETY: the data lives in shm and is reached only through a guard that holds the lock.
unsafe impl<T: ShmSafe> Send for ShmMutex<T> {}
// SAFETY: as above.
unsafe impl<T: ShmSafe> Sync for ShmMutex<T> {}

impl<T: ShmSafe> ShmMutex<T> {
    /// A zero-filled `T` and its lock in shm (call in mod_init, before the fork).
    pub fn new() -> Result<ShmMutex<T>, ShmError> {
        Ok(ShmMutex {
            h: ShmHolder::new(|_| Ok(()))?,
        })
    }

    /// Takes the lock until the guard is dropped.
    pub fn lock(&self) -> ShmMutexGuard<'_, T> {
        let g = self.h.lock();
        ShmMutexGuard {
            _g: g,
            v: &self.h.head().0,
            _t: PhantomData,
        }
    }
}

/// Access to the data of a locked [`ShmMutex`]; releases the lock when dropped.
pub struct ShmMutexGuard<'a, T> {
    _g: ShmLockGuard<'a>,
    v: &'a UnsafeCell<T>,
    _t: PhantomData<&'a mut T>,
}

impl<T> Deref for ShmMutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the lock is held by this guard, so no other access exists.
        unsafe { &*self.v.get() }
    }
}

impl<T> DerefMut for ShmMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; &mut self makes this the only borrow.
        unsafe { &mut *self.v.get() }
    }
}
