//! Why a table operation failed, and the rate-limited log of refused additions.

use kamailio::timer::monotonic_ms;

/// Why a table operation failed.
#[derive(Debug)]
pub enum Error {
    BadUri(crate::dest_uri::UriError),
    BadOwner,
    NotFound,
    Full,
    /// `max_destinations` reached (logged, rate-limited, where it happened).
    Limit(u32),
    /// A cluster peer asked to change what only this node can (`_params`, API registrations).
    Protected,
}

impl Error {
    /// True if the error was logged already (callers log the others).
    pub fn logged(&self) -> bool {
        matches!(self, Error::Limit(_))
    }
}
impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::BadUri(e) => write!(f, "invalid destination: {e}"),
            Error::BadOwner => write!(f, "invalid owner (empty, longer than 255 bytes or NUL)"),
            Error::NotFound => write!(f, "no such destination for this owner"),
            Error::Full => write!(f, "destination table full or out of shared memory"),
            Error::Limit(max) => write!(f, "max_destinations ({max}) reached"),
            Error::Protected => write!(
                f,
                "a peer cannot change _params or a module's API registration"
            ),
        }
    }
}
/// Logs a refused addition at most once per 10 s per process, with how many were refused.
pub(super) fn log_limit(max: u32) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST_MS: AtomicU64 = AtomicU64::new(0);
    static REFUSED: AtomicU64 = AtomicU64::new(0);
    let n = REFUSED.fetch_add(1, Ordering::Relaxed) + 1;
    let now = monotonic_ms();
    let last = LAST_MS.load(Ordering::Relaxed);
    if last != 0 && now.saturating_sub(last) < 10_000 {
        return;
    }
    LAST_MS.store(now.max(1), Ordering::Relaxed);
    REFUSED.fetch_sub(n, Ordering::Relaxed);
    log::error!(
        "max_destinations ({max}) reached: {n} new destination(s) refused (this line comes at most every 10 s)"
    );
}
