//! A closed connection as the core reports it to its `SREV_TCP_CLOSED` callback.

use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::atomic::Ordering;

use super::{flags_of, identity_of, ip_text, origin};
use crate::sys;

/// Why the core closed a connection, as passed to `tcp:*` events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    Eof,
    Timeout,
    Reset,
}

/// A closed connection as the core reports it to the `SREV_TCP_CLOSED` callback.
pub struct ClosedConn<'a> {
    /// Alive for `'a` (the core's callback); read through [`field!`] only.
    raw: NonNull<sys::tcp_connection>,
    _l: PhantomData<&'a sys::tcp_connection>,
    pub reason: CloseReason,
}

impl ClosedConn<'_> {
    /// # Safety
    /// `raw` stays allocated for `'a` (the duration of the core's close callback).
    pub(crate) unsafe fn new<'a>(
        raw: NonNull<sys::tcp_connection>,
        reason: CloseReason,
    ) -> ClosedConn<'a> {
        ClosedConn {
            raw,
            _l: PhantomData,
            reason,
        }
    }
    pub fn id(&self) -> i32 {
        field!(self.raw.as_ptr(), id)
    }
    /// The connection's identity, as [`Conn::identity`](super::Conn::identity) gave it while
    /// it was open.
    pub fn identity(&self) -> (u64, u64) {
        identity_of(self.id(), self.raw.as_ptr() as usize)
    }
    /// Whether `tcp_enable_closed_event` was applied to this connection.
    pub fn close_event_enabled(&self) -> bool {
        // SAFETY: the connection stays alive during the callback (`'a`).
        let flags = unsafe { flags_of(self.raw.as_ptr()) };
        flags.load(Ordering::Relaxed) & sys::F_CONN_CLOSE_EV != 0
    }
    /// Source IP of the connection as text, as for [`Conn::src_ip`](super::Conn::src_ip).
    pub fn src_ip(&self) -> String {
        ip_text(&origin(self.raw.as_ptr()).0)
    }
    /// Source port of the connection, as for [`Conn::src_port`](super::Conn::src_port).
    pub fn src_port(&self) -> u16 {
        origin(self.raw.as_ptr()).1
    }
    /// A copy of the connection's receive information (for a message made for its event).
    pub(crate) fn rcv(&self) -> sys::receive_info {
        field!(self.raw.as_ptr(), rcv)
    }
}
