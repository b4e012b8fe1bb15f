//! Acting on a connection's socket from any process: in TCP main or the reader that owns it
//! directly, elsewhere through a copy TCP main sends over (`CONN_GET_FD`); keepalive and user
//! timeout options; asking TCP main to close the connection.

use std::os::fd::{BorrowedFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU16, Ordering};

use super::{Conn, Keepalive};
use crate::{process, sys};

/// Why a connection's socket could not be had.
#[derive(Debug)]
pub enum FdError {
    /// The request to TCP main failed (it answered nothing usable).
    Request(std::io::Error),
    /// The connection has no socket in this process.
    NoSocket,
}

impl std::fmt::Display for FdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FdError::Request(e) => write!(f, "fd request to tcp main failed: {e}"),
            FdError::NoSocket => write!(f, "the connection has no socket in this process"),
        }
    }
}

/// Why keepalive settings could not be applied.
#[derive(Debug)]
pub enum KeepaliveError {
    Fd(FdError),
    Socket(std::io::Error),
}

impl std::fmt::Display for KeepaliveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeepaliveError::Fd(e) => e.fmt(f),
            KeepaliveError::Socket(e) => write!(f, "setsockopt failed: {e}"),
        }
    }
}

impl Conn {
    /// Sets (or, with `None`, turns off) TCP keepalive on the connection's socket (see
    /// [`Conn::with_socket`]).
    pub fn set_keepalive(&self, ka: Keepalive) -> Result<(), KeepaliveError> {
        self.set_socket_options(ka, || None)
    }

    /// Sets keepalive as [`Conn::set_keepalive`] and then, if `user_timeout_ms()` gives
    /// `Some(ms)`, `TCP_USER_TIMEOUT` to `ms` (0 = the kernel's default), in one access to the
    /// socket (one copy of it from TCP main for another process's connection). The user
    /// timeout is asked for and set after the keepalive options, so it replaces what keeping
    /// the two consistent made of it (`user_timeout::align`), and a value another
    /// process recorded meanwhile is the one set: for a caller with a user timeout of its own
    /// that must stay.
    pub fn set_socket_options(
        &self,
        ka: Keepalive,
        user_timeout_ms: impl FnOnce() -> Option<u32>,
    ) -> Result<(), KeepaliveError> {
        self.set_socket_options_from(ka, None, user_timeout_ms)
    }

    /// As [`Conn::set_socket_options`], with `prev` the keepalive settings known to be in
    /// force on the socket (`Some`), whose unchanged options are not set again.
    pub fn set_socket_options_from(
        &self,
        ka: Keepalive,
        prev: Option<Keepalive>,
        user_timeout_ms: impl FnOnce() -> Option<u32>,
    ) -> Result<(), KeepaliveError> {
        self.with_socket(|fd| {
            set_keepalive(fd, ka, prev)?;
            user_timeout_ms().map_or(Ok(()), |ms| crate::tcp::user_timeout::set(fd, ms))
        })
        .map_err(KeepaliveError::Fd)
        .and_then(|r| r.map_err(KeepaliveError::Socket))
    }

    /// Runs `f` with the connection's socket: the one this process holds when it is the TCP
    /// reader handling the connection (as the core decides when it sends) or TCP main;
    /// otherwise a copy borrowed from TCP main for the call.
    pub fn with_socket<R>(&self, f: impl FnOnce(BorrowedFd) -> R) -> Result<R, FdError> {
        // `fd` is the reader's own copy, valid only in that reader (not, e.g., in a
        // failure_route that a timer process runs for a message that came over it)
        let reader = int_field!(self.raw_mut(), reader_pid) == process::pid();
        if process::is_tcp_main() || reader {
            let fd = if process::is_tcp_main() {
                int_field!(self.raw_mut(), s)
            } else {
                int_field!(self.raw_mut(), fd)
            };
            if fd < 0 {
                return Err(FdError::NoSocket);
            }
            // SAFETY: the fd is open in this process for the duration of the call: TCP main
            // owns `s`; the reader handling the connection owns `fd`.
            return Ok(f(unsafe { BorrowedFd::borrow_raw(fd) }));
        }
        let fd = self.request_fd()?;
        Ok(f(std::os::fd::AsFd::as_fd(&fd)))
    }

    /// Asks TCP main for a duplicate of the connection's socket.
    fn request_fd(&self) -> Result<OwnedFd, FdError> {
        let sock = send_to_tcp_main(self.raw_mut(), sys::CONN_GET_FD as libc::c_long)
            .map_err(|e| e.map_or(FdError::NoSocket, FdError::Request))?;
        let mut echoed: *mut sys::tcp_connection = std::ptr::null_mut();
        let mut fd: i32 = -1;
        // SAFETY: receive_fd writes the echoed pointer and the passed fd.
        let n = unsafe {
            sys::receive_fd(
                sock,
                (&mut echoed as *mut *mut sys::tcp_connection).cast(),
                std::mem::size_of::<*mut sys::tcp_connection>() as i32,
                &mut fd,
                libc::MSG_WAITALL,
            )
        };
        if n < 0 {
            return Err(FdError::Request(std::io::Error::last_os_error()));
        }
        if n == 0 {
            return Err(FdError::Request(std::io::Error::other(
                "TCP main closed the channel",
            )));
        }
        if fd < 0 {
            // TCP main answers a NULL connection and no fd when the connection is already
            // closing (marked bad, or its socket closed): no errno is involved
            return Err(FdError::NoSocket);
        }
        // SAFETY: the fd was just received and is owned by us alone.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        if echoed != self.raw_mut() {
            return Err(FdError::Request(std::io::Error::other(
                "TCP main answered for another connection",
            )));
        }
        Ok(fd)
    }

    /// Asks TCP main to close the connection. Not possible inside TCP main itself.
    pub fn close(self) -> Result<(), CloseRequestError> {
        if process::is_tcp_main() {
            return Err(CloseRequestError::InTcpMain);
        }
        let c = self.raw_mut();
        // SAFETY: `send_flags.f` is an aligned u16 in the shared connection we hold; atomic
        // ORs, as for `enable_close_event`.
        let send_flags = unsafe { AtomicU16::from_ptr(std::ptr::addr_of_mut!((*c).send_flags.f)) };
        send_flags.fetch_or(sys::SND_F_CON_CLOSE as u16, Ordering::SeqCst);
        self.flags()
            .fetch_or(sys::F_CONN_FORCE_EOF, Ordering::SeqCst);
        send_to_tcp_main(c, sys::CONN_EOF as libc::c_long).map_err(|e| match e {
            Some(e) => CloseRequestError::Send(e),
            None => CloseRequestError::NoChannel,
        })?;
        // TCP main consumes our reference with the CONN_EOF command.
        std::mem::forget(self);
        Ok(())
    }
}

/// Why [`Conn::close`] could not ask TCP main to close the connection.
#[derive(Debug, thiserror::Error)]
pub enum CloseRequestError {
    #[error("cannot close a connection from the TCP main process")]
    InTcpMain,
    #[error("this process has no channel to TCP main")]
    NoChannel,
    #[error("close request failed: {0}")]
    Send(std::io::Error),
}

/// Sends `[connection, command]` to TCP main over this process's channel; returns the
/// channel. `Err(None)`: this process has no channel; `Err(Some(e))`: the send failed.
pub(super) fn send_to_tcp_main(
    c: *mut sys::tcp_connection,
    cmd: libc::c_long,
) -> Result<i32, Option<std::io::Error>> {
    // SAFETY: unix_tcp_sock is this process's own socket to TCP main (a plain int read).
    // Processes given no channel keep the global's default, 0 (never a channel: the core
    // itself treats fd 0 as invalid here).
    let sock = unsafe { sys::unix_tcp_sock };
    if sock <= 0 {
        return Err(None);
    }
    let mut req: [libc::c_long; 2] = [c as libc::c_long, cmd];
    // SAFETY: the buffer is valid for its size; the request names a connection we hold a
    // reference to, which TCP main only reads (or takes over, for CONN_EOF).
    let n = unsafe {
        sys::send_all(
            sock,
            req.as_mut_ptr().cast(),
            std::mem::size_of_val(&req) as i32,
        )
    };
    if n <= 0 {
        return Err(Some(std::io::Error::last_os_error()));
    }
    Ok(sock)
}

/// Sets SO_KEEPALIVE and, with `Some((idle, count, interval))`, the probe timing; keeps a
/// user timeout the socket has consistent with it (see [`crate::tcp::user_timeout::align`]).
/// `prev`: the settings known to be in force (`Some(value)`), whose unchanged options are not
/// set again.
fn set_keepalive(
    fd: BorrowedFd,
    params: Keepalive,
    prev: Option<Keepalive>,
) -> std::io::Result<()> {
    use crate::tcp::sockopt::set_int as set;
    match params {
        Some((idle, count, interval)) => {
            let was = prev.flatten();
            if was.is_none() {
                set(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1)?;
            }
            if was.is_none_or(|w| w.0 != idle) {
                set(fd, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, idle)?;
            }
            if was.is_none_or(|w| w.1 != count) {
                set(fd, libc::IPPROTO_TCP, libc::TCP_KEEPCNT, count)?;
            }
            if was.is_none_or(|w| w.2 != interval) {
                set(fd, libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, interval)?;
            }
        }
        None => set(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, 0)?,
    }
    crate::tcp::user_timeout::align(fd, params)
}
