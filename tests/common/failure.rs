//! A failed test's reason, repeated after the Kamailio logs its `Drop` prints: CI shows the
//! tail of a run, where the panic message itself is thousands of log lines up.

use std::cell::RefCell;
use std::sync::Once;

thread_local! {
    static REASON: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once per test binary) a panic hook that keeps the panic's message for its
/// thread, then reports it as the default hook does.
pub fn remember() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            REASON.with(|r| *r.borrow_mut() = Some(info.to_string()));
            report(info);
        }));
    });
}

/// Prints this thread's panic message again, if it panicked.
pub fn repeat() {
    REASON.with(|r| {
        if let Some(m) = r.borrow().as_ref() {
            eprintln!("----- the test failed: {m}");
        }
    });
}
