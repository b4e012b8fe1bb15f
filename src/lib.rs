//! Safe Rust wrappers over the Kamailio core, for writing loadable Kamailio modules.
//!
//! Modules declare themselves with [`module!`] and are written against this crate's safe API
//! only; every raw pointer stays inside this crate. See `README.md` for the architecture.
//!
//! # Soundness
//!
//! No public safe function of this crate can cause undefined behaviour, whatever the caller
//! does. What makes it hold where it is not obvious:
//!
//! - **Locks** ([`shm::lock`], [`shm::ShmMutex`], [`shm::map`]): a lock is released only by the
//!   guard that took it; a C API that locks and unlocks in separate calls keeps a
//!   [`shm::MapHold`], the token that proves the lock is held, and takes one guard at a
//!   time from it.
//! - **Shared memory**: only [`shm::ShmSafe`] types live in shm. It is the one `unsafe`
//!   trait to implement: an implementation promises that all-zero bytes are a valid value
//!   (blocks start zeroed, freed records are zeroed again) and that the type holds no pointer
//!   into process-private memory (every process sees the same bytes); `Send + 'static`
//!   follow from its bounds. Modules get it with the checked [`shm_safe!`] declaration, not
//!   with `unsafe impl`.
//! - **Shared core structures** (TCP connections) are never behind a Rust reference: their
//!   fields are copied through raw pointers (volatile or atomic), as other processes write
//!   them.
//! - **Exports**: the constructors that take a raw function pointer (`Cmd::new`,
//!   `KemiDef::new`, `FuncParam::new`) are `unsafe`; the macros ([`cmd!`], [`kemi!`],
//!   [`func_param!`]) generate the trampoline and its table entry from one typed list.
//! - **Owned shm objects handed to C** ([`modapi::ka_api::DestView`]) are linear: not `Copy`, freed
//!   once by a consuming `free`.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]
// Casts between the bindings' integer types stay explicit: their C types differ between
// Kamailio versions (and bindgen versions), and the code must build against each.
#![allow(clippy::unnecessary_cast)]

pub mod sys;

mod compat;
pub mod event;
pub mod export;
pub mod ffi_guard;
pub mod log;
pub mod modapi;
pub mod msg;
pub mod net_event;
pub mod process;
pub mod random;
pub mod rpc;
pub mod send;
pub mod shm;
pub mod stats;
pub mod str;
pub mod tcp;
pub mod timer;

// One-hop paths for module code (`kamailio::cfg::routes`, `kamailio::shm_map::ShmMap`): the
// modules import these, and the folders above hold the files.
pub use export::{cfg, cfg_const, module, pv};
pub use modapi::{dmq, ka_api, tm};
pub use shm::{cache as shm_cache, map as shm_map, slots as shm_slots};

pub use msg::Msg;

/// `SER_FULL_VERSION` of the Kamailio this crate was built against, NUL-terminated.
pub const FULL_VERSION: &str = concat!(env!("KAMAILIO_FULL_VERSION"), "\0");
/// `SER_COMPILE_FLAGS` of the Kamailio this crate was built against, NUL-terminated.
pub const COMPILE_FLAGS: &str = concat!(env!("KAMAILIO_COMPILE_FLAGS"), "\0");
