//! Timer processes made the way the core expects (`fork_basic_utimer`: the core keeps their
//! config current, so tm's settings apply).

use std::ffi::{c_uint, c_void, CString};

use crate::ffi_guard::guard;
use crate::sys;

/// Why a timer process could not be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimerError {
    #[error("cannot register timer processes")]
    Reserve,
    /// The process name holds a NUL.
    #[error("bad process name")]
    BadName,
    #[error("cannot fork the timer process")]
    Fork,
}

/// Reserves `n` timer processes; call in mod_init.
pub fn reserve_processes(n: i32) -> Result<(), TimerError> {
    // SAFETY: updates the core's process count before the fork (5.6 has no separate
    // register_basic_utimers: its header defines that name as itself).
    if unsafe { sys::register_basic_timers(n) } < 0 {
        return Err(TimerError::Reserve);
    }
    Ok(())
}

/// Forks a process that runs `f(ms)` every `interval_ms` (`ms`: a monotonic time in
/// milliseconds); call in child_init for the main process (rank PROC_MAIN).
pub fn fork(desc: &str, interval_ms: u32, f: fn(u64)) -> Result<(), TimerError> {
    let desc = CString::new(desc).map_err(|_| TimerError::BadName)?;
    let desc = desc.into_raw(); // the core keeps the description
                                // SAFETY: the core forks; the child loops forever calling `tick` with `f` as param.
    let pid = unsafe {
        sys::fork_basic_utimer(
            sys::PROC_TIMER,
            desc,
            1,
            Some(tick),
            f as *mut c_void,
            // the header says milliseconds, but 5.6's loop passes it to sleep_us()
            interval_ms.saturating_mul(1000) as i32,
        )
    };
    if pid < 0 {
        return Err(TimerError::Fork);
    }
    Ok(())
}

unsafe extern "C" fn tick(_ticks: c_uint, param: *mut c_void) {
    guard("timer", (), || {
        // SAFETY: param is the `fn(u64)` given to `fork`.
        let f: fn(u64) = unsafe { std::mem::transmute::<*mut c_void, fn(u64)>(param) };
        f(monotonic_ms());
    })
}

/// Milliseconds in `ticks` of the core's timer (as tm keeps `fr_timer`).
pub fn ticks_to_ms(ticks: u64) -> u64 {
    ticks * 1000 / u64::from(sys::TIMER_TICKS_HZ)
}

/// A monotonic clock in milliseconds, the same in every process.
pub fn monotonic_ms() -> u64 {
    monotonic_us() / 1000
}

/// A monotonic clock in microseconds, the same in every process.
pub fn monotonic_us() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000 + ts.tv_nsec as u64 / 1000
}

/// `ctime`-style local time of a Unix timestamp ("Mon Nov 23 15:04:05 2026"), no newline.
pub fn ctime(t: i64) -> String {
    let mut buf = [0 as libc::c_char; 32];
    let tt = t as libc::time_t;
    // SAFETY: ctime_r writes at most 26 bytes into a 32-byte buffer.
    let p = unsafe { libc::ctime_r(&tt, buf.as_mut_ptr()) };
    if p.is_null() {
        return t.to_string();
    }
    // SAFETY: ctime_r NUL-terminated the buffer.
    let s = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
    s.to_string_lossy().trim_end().to_string()
}
