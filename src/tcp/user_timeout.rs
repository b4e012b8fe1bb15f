//! `TCP_USER_TIMEOUT` (tcp(7), RFC 5482): how long unacknowledged data (and unanswered
//! keepalive probes) may wait before the kernel drops the connection. Set on one connection's
//! socket ([`Conn::set_user_timeout`], or with its keepalive options in one socket access:
//! [`Conn::set_socket_options`]), or on the listening sockets for every accepted connection
//! ([`set_listen`]). Which value a connection should keep is the caller's business (tcpops
//! records its own).

use std::os::fd::BorrowedFd;

use crate::sys;
use crate::tcp::sockopt;
use crate::tcp::{Conn, Keepalive, KeepaliveError};

impl Conn {
    /// Sets `TCP_USER_TIMEOUT` (ms; 0 = the kernel's default) on the connection's socket (see
    /// [`Conn::with_socket`]). Keepalive options set later through [`Conn::set_keepalive`]
    /// may change it (see there); [`Conn::set_socket_options`] sets both and keeps it.
    pub fn set_user_timeout(&self, ms: u32) -> Result<(), KeepaliveError> {
        self.with_socket(|fd| set(fd, ms))
            .map_err(KeepaliveError::Fd)
            .and_then(|r| r.map_err(KeepaliveError::Socket))
    }
}

/// Sets `TCP_USER_TIMEOUT` to `ms` milliseconds on a socket.
pub(crate) fn set(fd: BorrowedFd, ms: u32) -> std::io::Result<()> {
    let v = i32::try_from(ms).unwrap_or(i32::MAX);
    sockopt::set_int(fd, libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT, v)
}

/// A socket's `TCP_USER_TIMEOUT` (ms; 0 = none).
fn get(fd: BorrowedFd) -> std::io::Result<i32> {
    sockopt::get_int(fd, libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT)
}

/// From 5.8 on the core sets `TCP_USER_TIMEOUT` (`tcp_send_timeout`, 10 s by default) on its
/// listening sockets, and accepted connections inherit it; from 6.0.2 on it also sets it on
/// each connection it opens ([`core_outbound`]). tcp(7): a user timeout overrides
/// keepalive in deciding when a dead peer is dropped (after it, not after `count` unanswered
/// probes). Where a socket has one, it is set to [`aligned`] (`idle + count * interval`
/// seconds), so that the keepalive values keep their meaning (they then also bound how long
/// unacknowledged data is retransmitted), and back to the core's value when keepalive is
/// turned off. A socket without one (Kamailio before 5.8, connections Kamailio opened before
/// 6.0.2) is left without. Called by the keepalive setters, right after the keepalive options.
pub(crate) fn align(fd: BorrowedFd, params: Keepalive) -> std::io::Result<()> {
    let current = get(fd)?;
    if current == 0 {
        return Ok(());
    }
    let want = match params {
        Some(ka) => aligned(ka),
        // SAFETY: reads the core's TCP config as this process sees it.
        None => unsafe { sys::krs_tcp_send_timeout_ms() },
    };
    let want = i32::try_from(want).unwrap_or(i32::MAX);
    if want == current {
        return Ok(());
    }
    sockopt::set_int(fd, libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT, want)
}

/// The user timeout (ms) that keeps keepalive `(idle, count, interval)` meaningful on a
/// socket that has one: `idle + count * interval` seconds (see `align`).
pub fn aligned((idle, count, interval): (i32, i32, i32)) -> u32 {
    let secs = i64::from(idle) + i64::from(count) * i64::from(interval);
    (secs * 1000).clamp(1, i64::from(i32::MAX)) as u32
}

/// Sets `TCP_USER_TIMEOUT` to `ms` on every TCP and TLS listening socket, so that the
/// connections accepted on them inherit it. Call before the fork, once the core made its
/// sockets (child_init with rank `PROC_INIT`).
pub fn set_listen(ms: u32) -> std::io::Result<()> {
    extern "C" fn each(fd: i32, arg: *mut std::ffi::c_void) -> i32 {
        crate::ffi_guard::guard("tcp::user_timeout::set_listen", -1, || {
            // SAFETY: `arg` is the u32 passed below, alive for the whole walk.
            let ms = unsafe { *(arg as *const u32) };
            // SAFETY: the core's listening socket, open in this process during the call.
            let fd = unsafe { BorrowedFd::borrow_raw(fd) };
            set(fd, ms).map_or_else(|e| e.raw_os_error().unwrap_or(libc::EIO), |()| 0)
        })
    }
    if !Conn::tcp_enabled() {
        return Ok(());
    }
    let mut v = ms;
    // SAFETY: the walk calls `each` synchronously on each listening socket with `arg` = &v.
    let rc = unsafe { sys::krs_tcp_listen_each(Some(each), (&mut v as *mut u32).cast()) };
    match rc {
        0 => Ok(()),
        e if e > 0 => Err(std::io::Error::from_raw_os_error(e)),
        _ => Err(std::io::Error::other("panic while setting the option")),
    }
}

/// The `TCP_USER_TIMEOUT` (ms) the core gives a connection it opens now: `tcp_send_timeout`
/// from 6.0.2 on (`None` when that is 0), `None` before (crate::compat).
pub fn core_outbound() -> Option<u32> {
    if !crate::compat::CORE_OUTBOUND_USER_TIMEOUT {
        return None;
    }
    // SAFETY: reads the core's TCP config as this process sees it.
    Some(unsafe { sys::krs_tcp_send_timeout_ms() }).filter(|&ms| ms > 0)
}

/// The `TCP_USER_TIMEOUT` of the first TCP/TLS listening socket (what accepted connections
/// inherit; the core sets its `tcp_send_timeout` there from 5.8 on), `None` without a
/// listening socket or without a user timeout on it (0).
pub fn listen_value() -> Option<u32> {
    extern "C" fn first(fd: i32, arg: *mut std::ffi::c_void) -> i32 {
        crate::ffi_guard::guard("tcp::user_timeout::listen_value", -1, || {
            // SAFETY: the core's listening socket, open in this process during the call.
            let fd = unsafe { BorrowedFd::borrow_raw(fd) };
            if let Ok(v) = get(fd) {
                // SAFETY: `arg` is the i64 passed below, alive for the whole walk.
                unsafe { *(arg as *mut i64) = i64::from(v) };
            }
            1 // the first socket is enough
        })
    }
    if !Conn::tcp_enabled() {
        return None;
    }
    let mut v: i64 = -1;
    // SAFETY: the walk calls `first` synchronously with `arg` = &v.
    unsafe { sys::krs_tcp_listen_each(Some(first), (&mut v as *mut i64).cast()) };
    u32::try_from(v).ok().filter(|&v| v > 0)
}
