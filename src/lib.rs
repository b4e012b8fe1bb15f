//! Safe Rust wrappers over the Kamailio core, for writing loadable Kamailio modules.
//!
//! Modules declare themselves with [`module!`] and are written against this crate's safe API
//! only; every raw pointer stays inside this crate. See `README.md` for the architecture.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]
// Casts between the bindings' integer types stay explicit: their C types differ between
// Kamailio versions (and bindgen versions), and the code must build against each.
#![allow(clippy::unnecessary_cast)]

pub mod sys;

pub mod cfg;
pub mod cfg_const;
mod compat;
pub mod event;
pub mod ffi_guard;
pub mod ka_api;
pub mod kemi;
pub mod lock;
pub mod log;
pub mod module;
pub mod msg;
pub mod process;
pub mod pv;
pub mod rpc;
pub mod send;
pub(crate) mod shm;
pub mod shm_cache;
pub mod shm_map;
pub mod stats;
pub mod tcp;
pub mod timer;
pub mod tm;

pub use msg::Msg;

/// `SER_FULL_VERSION` of the Kamailio this crate was built against, NUL-terminated.
pub const FULL_VERSION: &str = concat!(env!("KAMAILIO_FULL_VERSION"), "\0");
/// `SER_COMPILE_FLAGS` of the Kamailio this crate was built against, NUL-terminated.
pub const COMPILE_FLAGS: &str = concat!(env!("KAMAILIO_COMPILE_FLAGS"), "\0");
