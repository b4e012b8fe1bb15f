//! Integer socket options: the one place that calls `setsockopt`/`getsockopt` with an int.

use std::os::fd::{AsRawFd, BorrowedFd};

const INT_LEN: libc::socklen_t = std::mem::size_of::<i32>() as libc::socklen_t;

/// Sets the int option `opt` at `level` to `v` on a socket.
pub(crate) fn set_int(fd: BorrowedFd, level: i32, opt: i32, v: i32) -> std::io::Result<()> {
    // SAFETY: a plain setsockopt with a valid int buffer on a borrowed open fd.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            opt,
            (&v as *const i32).cast(),
            INT_LEN,
        )
    };
    if rc < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Reads the int option `opt` at `level` of a socket.
pub(crate) fn get_int(fd: BorrowedFd, level: i32, opt: i32) -> std::io::Result<i32> {
    let (mut v, mut len) = (0i32, INT_LEN);
    // SAFETY: a plain getsockopt into a valid int buffer on a borrowed open fd.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            opt,
            (&mut v as *mut i32).cast(),
            &mut len,
        )
    };
    if rc < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(v)
    }
}
