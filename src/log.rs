//! A `log` crate backend that writes through Kamailio's own logging, so `debug=`, the
//! per-module levels of the debugger module and the log facility all apply.

use crate::sys;
use once_cell::sync::OnceCell;

/// Kamailio's log levels (`L_ERR` ...), as the `log` crate's levels map onto them.
fn kamailio_level(level: ::log::Level) -> i32 {
    match level {
        ::log::Level::Error => sys::L_ERR as i32,
        ::log::Level::Warn => sys::L_WARN as i32,
        ::log::Level::Info => sys::L_INFO as i32,
        ::log::Level::Debug | ::log::Level::Trace => sys::L_DBG as i32,
    }
}

struct KamailioLogger {
    module: &'static str,
}

static LOGGER: OnceCell<KamailioLogger> = OnceCell::new();

impl ::log::Log for KamailioLogger {
    fn enabled(&self, meta: &::log::Metadata) -> bool {
        // SAFETY: the name is valid for its length; the core only reads it.
        unsafe {
            sys::krs_log_enabled(
                kamailio_level(meta.level()),
                self.module.as_ptr().cast(),
                self.module.len() as i32,
            ) != 0
        }
    }

    fn log(&self, record: &::log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let text = record.args().to_string();
        let func = record.module_path().unwrap_or(self.module);
        let func = std::ffi::CString::new(func).unwrap_or_default();
        // SAFETY: every pointer is valid for the given length for the duration of the call;
        // the format string used by the shim is fixed ("%.*s").
        unsafe {
            sys::krs_log(
                kamailio_level(record.level()),
                self.module.as_ptr().cast(),
                self.module.len() as i32,
                func.as_ptr(),
                text.as_ptr().cast(),
                text.len() as i32,
            )
        }
    }

    fn flush(&self) {}
}

/// Routes this module's `log` records into Kamailio's log under `module`'s name.
/// Each module (cdylib) has its own copy of the `log` crate, so its own logger.
pub fn init(module: &'static str) {
    if LOGGER.set(KamailioLogger { module }).is_ok() {
        if let Some(logger) = LOGGER.get() {
            let _ = ::log::set_logger(logger);
            ::log::set_max_level(::log::LevelFilter::Trace);
        }
    }
}
