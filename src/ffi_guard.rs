//! The boundary guard: no panic ever unwinds into Kamailio.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`; if it panics, logs the panic with `what` and returns `fail` instead.
#[inline(always)]
pub fn guard<R>(what: &str, fail: R, f: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            ::log::error!("panic in {what}: {text}; returning the failure value");
            fail
        }
    }
}

/// Installs a panic hook that writes the panic's location through Kamailio's log
/// (stderr may be /dev/null in a daemonized server).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let loc = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        ::log::error!("panic at {loc}");
    }));
}
