//! The SIP message a cfg function, KEMI function or event route runs on.

use crate::{compat, sys};

/// Transport protocols as Kamailio numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    Udp,
    Tcp,
    Tls,
    Sctp,
    Ws,
    Wss,
    Other(i32),
}

impl Proto {
    pub(crate) fn from_raw(p: i32) -> Proto {
        match p as u32 {
            sys::PROTO_UDP => Proto::Udp,
            sys::PROTO_TCP => Proto::Tcp,
            sys::PROTO_TLS => Proto::Tls,
            sys::PROTO_SCTP => Proto::Sctp,
            sys::PROTO_WS => Proto::Ws,
            sys::PROTO_WSS => Proto::Wss,
            _ => Proto::Other(p),
        }
    }

    /// True for the protocols that run over a Kamailio TCP connection.
    pub fn is_tcp_based(self) -> bool {
        matches!(self, Proto::Tcp | Proto::Tls | Proto::Ws | Proto::Wss)
    }
}

/// A borrowed `sip_msg` for the duration of one call from Kamailio.
pub struct Msg<'a> {
    raw: &'a mut sys::sip_msg,
}

impl<'a> Msg<'a> {
    /// Wraps a message pointer given by Kamailio; `None` for NULL.
    ///
    /// # Safety
    /// `raw` is NULL or points to a valid `sip_msg` not aliased for `'a`.
    #[inline]
    pub unsafe fn from_raw(raw: *mut sys::sip_msg) -> Option<Msg<'a>> {
        // SAFETY: guaranteed by the caller.
        unsafe { raw.as_mut() }.map(|raw| Msg { raw })
    }

    /// The raw pointer, for passing back into the core inside this crate.
    pub(crate) fn as_ptr(&mut self) -> *mut sys::sip_msg {
        self.raw
    }

    /// Protocol the message was received over.
    pub fn rcv_proto(&self) -> Proto {
        Proto::from_raw(self.raw.rcv.proto as i32)
    }

    /// Id of the TCP connection the message came over (`$conid`), if it came over one.
    pub fn rcv_conid(&self) -> Option<i32> {
        self.rcv_proto()
            .is_tcp_based()
            .then_some(self.raw.rcv.proto_reserved1)
    }

    /// The source address the message came from (`$si`), as text.
    pub fn src_ip(&self) -> String {
        crate::tcp::ip_text(&self.raw.rcv.src_ip)
    }

    /// The source port the message came from (`$sp`).
    pub fn src_port(&self) -> u16 {
        self.raw.rcv.src_port
    }

    /// The raw `rcv.proto_reserved1` field, whatever the protocol.
    pub fn rcv_reserved_conid(&self) -> i32 {
        self.raw.rcv.proto_reserved1
    }

    /// Sets the outbound TCP connection id (`msg->otcpid`).
    pub fn set_otcpid(&mut self, conid: i32) {
        self.raw.otcpid = conid;
    }

    /// Sets or clears the flag that makes the core send over `otcpid`.
    pub fn set_use_otcpid(&mut self, on: bool) {
        self.raw.msg_flags = compat::with_flag(self.raw.msg_flags, sys::FL_USE_OTCPID as u64, on);
    }
}
