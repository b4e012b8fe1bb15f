//! Which Kamailio process this code runs in (process-local; set in child_init).

use std::sync::atomic::{AtomicI32, Ordering};

use crate::sys;

static RANK: AtomicI32 = AtomicI32::new(sys::PROC_INIT);

/// The kind of process a child_init rank names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rank {
    /// Before the fork (the core's listening sockets exist).
    Init,
    /// The main (attendant) process, after the fork: where a module forks its own.
    Main,
    /// The TCP main process.
    TcpMain,
    /// Any other (SIP workers, TCP readers, timers, RPC handlers).
    Other(i32),
}

impl From<i32> for Rank {
    fn from(rank: i32) -> Rank {
        match rank {
            sys::PROC_INIT => Rank::Init,
            r if r == sys::PROC_MAIN as i32 => Rank::Main,
            sys::PROC_TCP_MAIN => Rank::TcpMain,
            r => Rank::Other(r),
        }
    }
}

/// Records the rank Kamailio gave this process (called by the module glue in child_init).
pub fn set_rank(rank: i32) {
    RANK.store(rank, Ordering::Relaxed);
}

/// The rank child_init was called with in this process (`PROC_INIT` before the fork).
pub fn rank() -> i32 {
    RANK.load(Ordering::Relaxed)
}

/// True in the TCP main process, which owns every TCP socket and serves fd requests.
pub fn is_tcp_main() -> bool {
    rank() == sys::PROC_TCP_MAIN
}

/// This process's pid as Kamailio's process table knows it (no system call).
pub fn pid() -> i32 {
    // SAFETY: `pt` and `process_no` are the core's globals, set before the fork and updated
    // in each child by the core; `process_no` indexes this process's entry.
    unsafe {
        if sys::pt.is_null() {
            libc::getpid()
        } else {
            (*sys::pt.add(sys::process_no as usize)).pid
        }
    }
}

/// This process's description in the process table, as `core.psx` shows it
/// (`"JSONRPCS FIFO"`, `"ctl handler"`, ...); empty if there is none.
pub fn description() -> String {
    // SAFETY: my_desc() returns the core's NUL-terminated description of this process (a
    // fixed array in `pt`, or a static string before the table exists), or NULL; we copy it.
    unsafe {
        let p = sys::my_desc();
        if p.is_null() {
            return String::new();
        }
        std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}
