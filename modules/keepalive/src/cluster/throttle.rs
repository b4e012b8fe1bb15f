//! Log lines about what the network sends, at most one per [`EVERY_MS`] per kind and process
//! (a flood of forged messages must not become a flood of log lines); the others go to the
//! debug level and are counted in the next line.

use std::sync::atomic::{AtomicU64, Ordering};

use kamailio::timer::monotonic_ms;

/// One warning per kind and process at most this often.
pub const EVERY_MS: u64 = 10_000;

/// The throttle of one kind of log line (a `static` per kind; per process).
pub struct Throttle {
    last_ms: AtomicU64,
    skipped: AtomicU64,
}

impl Throttle {
    pub const fn new() -> Throttle {
        Throttle {
            last_ms: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
        }
    }

    /// Logs `what` as a warning if none of this kind went out in the last [`EVERY_MS`], else
    /// at debug level.
    pub fn warn(&self, what: std::fmt::Arguments) {
        let now = monotonic_ms();
        let last = self.last_ms.load(Ordering::Relaxed);
        if last != 0 && now.saturating_sub(last) < EVERY_MS {
            self.skipped.fetch_add(1, Ordering::Relaxed);
            log::debug!("{what}");
            return;
        }
        self.last_ms.store(now.max(1), Ordering::Relaxed);
        match self.skipped.swap(0, Ordering::Relaxed) {
            0 => log::warn!("{what}"),
            n => log::warn!("{what} ({n} more like it since the last such line)"),
        }
    }
}
