//! Module statistics through the core's counters (`core/counters.h`): what `kamcmd
//! stats.get_statistics <module>:` (kex), `cnt.*` and `xhttp_prom` show.
//!
//! - A [`Counter`] is a per-process row slot that only its process writes; the core sums
//!   the rows when someone reads it. [`Counter::inc`] is one call into the shim and a plain
//!   add: no lock, no atomic, no shared cache line (rows are padded to cache lines).
//!   `stats.reset_statistics` / `cnt.reset` set it back to 0.
//! - A gauge is a function the core calls in the *reading* process (an RPC or HTTP worker)
//!   each time the value is read; it reads shared state (shm) itself. Gauges are not reset.
//!
//! Modules declare both in [`crate::export::module::ModuleDef::stats`]; the crate registers them
//! (group = module name) in mod_init, before the module's own init, which is the last moment
//! the core accepts new counters.

use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::atomic::{AtomicU16, Ordering};

use crate::ffi_guard::guard;
use crate::sys;

/// A counter handle; declare it `static` and list it in the module's stats.
pub struct Counter {
    /// The core's counter id; 0 (the core's invalid id) until registered.
    id: AtomicU16,
}

impl Counter {
    pub const fn new() -> Self {
        Counter {
            id: AtomicU16::new(0),
        }
    }

    /// Adds 1 to this process's share of the counter.
    #[inline]
    pub fn inc(&self) {
        self.add(1)
    }

    /// Adds `n` to this process's share of the counter.
    #[inline]
    pub fn add(&self, n: i32) {
        // the handle is written once in mod_init, before the fork: a relaxed load of
        // process-private memory
        let id = self.id.load(Ordering::Relaxed);
        // SAFETY: krs_counter_add only writes this process's row of the core's counter
        // array, and does nothing before that array exists; id 0 (not registered) is a
        // valid, unused slot.
        unsafe { sys::krs_counter_add(id, n as c_int) }
    }

    /// The value summed over all processes (what the RPCs show); 0 if not registered.
    pub fn get(&self) -> i64 {
        let id = self.id.load(Ordering::Relaxed);
        if id == 0 {
            return 0;
        }
        let h = sys::counter_handle_t { id };
        // SAFETY: a registered handle; the core checks that its counters exist.
        unsafe { sys::counter_get_val(h) as i64 }
    }
}

impl Default for Counter {
    fn default() -> Self {
        Self::new()
    }
}

/// One statistic a module exports.
pub enum Stat {
    /// A counter: incremented by the module, summed over processes, reset by the RPCs.
    Counter {
        name: &'static str,
        doc: &'static str,
        handle: &'static Counter,
    },
    /// A gauge: `get` runs in the reading process each time the value is read.
    Gauge {
        name: &'static str,
        doc: &'static str,
        get: fn() -> i64,
    },
}

/// A gauge's function, kept for the callback.
struct GaugeFn {
    name: &'static str,
    get: fn() -> i64,
}

extern "C" fn gauge_cb(_h: sys::counter_handle_t, param: *mut c_void) -> sys::counter_val_t {
    if param.is_null() {
        return 0;
    }
    // SAFETY: param is the leaked GaugeFn registered with this callback in `register`.
    let g = unsafe { &*param.cast::<GaugeFn>() };
    guard(g.name, 0, || (g.get)() as sys::counter_val_t)
}

/// Why a statistic could not be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatsError {
    /// A group, name or description holds a NUL.
    #[error("statistic name {0:?} contains NUL")]
    Nul(String),
    #[error("statistic {module}:{name} is registered already")]
    Registered { module: String, name: String },
    #[error("cannot register statistic {module}:{name}")]
    Register { module: String, name: String },
}

fn leak(s: &str) -> Result<*const c_char, StatsError> {
    let c = CString::new(s).map_err(|_| StatsError::Nul(s.to_string()))?;
    Ok(Box::leak(c.into_boxed_c_str()).as_ptr())
}

/// Registers `stats` in group `module` (call before the fork; done by the crate's
/// mod_init).
pub(crate) fn register(module: &str, stats: &[Stat]) -> Result<(), StatsError> {
    if stats.is_empty() {
        return Ok(());
    }
    let group = leak(module)?;
    for s in stats {
        let cb: unsafe extern "C" fn(sys::counter_handle_t, *mut c_void) -> sys::counter_val_t =
            gauge_cb;
        let (name, doc, flags, cbk, param, handle): (
            &str,
            &str,
            u32,
            sys::counter_cbk_f,
            *mut c_void,
            _,
        ) = match s {
            Stat::Counter { name, doc, handle } => {
                (*name, *doc, 0, None, std::ptr::null_mut(), Some(*handle))
            }
            Stat::Gauge { name, doc, get } => {
                let g = Box::leak(Box::new(GaugeFn { name, get: *get }));
                let param: *mut GaugeFn = g;
                (
                    *name,
                    *doc,
                    sys::CNT_F_NO_RESET,
                    Some(cb),
                    param.cast(),
                    None,
                )
            }
        };
        let mut h = sys::counter_handle_t { id: 0 };
        // SAFETY: NUL-terminated strings leaked for the life of the process (the core keeps
        // the name and doc pointers); `param` is leaked too; the core accepts registrations
        // until counters_prefork_init, after mod_init.
        let rc = unsafe {
            sys::counter_register(
                &mut h,
                group,
                leak(name)?,
                flags as c_int,
                cbk,
                param,
                leak(doc)?,
                0,
            )
        };
        if rc < 0 {
            let (module, name) = (module.to_string(), name.to_string());
            return Err(if rc == -2 {
                StatsError::Registered { module, name }
            } else {
                StatsError::Register { module, name }
            });
        }
        if let Some(c) = handle {
            c.id.store(h.id, Ordering::Relaxed);
        }
    }
    Ok(())
}
