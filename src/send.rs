//! Stateless sending through the core's send API (`get_send_socket` + `msg_send_buffer` on a
//! `dest_info`: UDP, TCP and TLS alike, as the core forwards), and the module reply hook
//! (`response_f`) that sees every reply the core receives.
//!
//! TCP and TLS from a process of our own need its channel to TCP main: timer processes made
//! with [`crate::timer::fork`] have one.

use std::ffi::c_int;
use std::sync::OnceLock;

use crate::ffi_guard::guard;
use crate::sys;

/// Transport of a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Udp,
    Tcp,
    Tls,
}

impl Transport {
    fn proto(self) -> i32 {
        (match self {
            Transport::Udp => sys::PROTO_UDP,
            Transport::Tcp => sys::PROTO_TCP,
            Transport::Tls => sys::PROTO_TLS,
        }) as i32
    }

    /// The Via transport token.
    pub fn via_name(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Tls => "TLS",
        }
    }
}

/// Why a destination could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("host name too long")]
    HostTooLong,
    /// The host (as text) resolves to no address.
    #[error("cannot resolve {0}")]
    Unresolved(String),
    /// No local socket of this transport (its Via name) reaches the host.
    #[error("no {transport} socket to send to {host}")]
    NoSocket {
        transport: &'static str,
        host: String,
    },
}

/// Why [`Dest::send`] sent nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("message too long")]
    TooLong,
    #[error("send failed")]
    Failed,
}

/// A resolved destination with the local socket the core sends from.
pub struct Dest {
    dst: sys::dest_info,
    transport: Transport,
}

impl Dest {
    /// Resolves `host` (an IP literal, IPv6 bracketed or not, or a name through the core's
    /// resolver and DNS cache: A/AAAA, the port given) and picks the send socket.
    pub fn resolve(host: &[u8], port: u16, transport: Transport) -> Result<Dest, ResolveError> {
        let mut buf = [0u8; 256];
        let h = buf.get_mut(..host.len()).ok_or(ResolveError::HostTooLong)?;
        h.copy_from_slice(host);
        let mut hs = crate::str::str_over(h);
        // SAFETY: plain C data; all-zero is an empty destination.
        let mut dst: sys::dest_info = unsafe { std::mem::zeroed() };
        let mut proto = transport.proto() as std::ffi::c_char;
        // SAFETY: the host string lives across the call; the core writes `to` and `proto`.
        if unsafe { sys::sip_hostport2su(&mut dst.to, &mut hs, port, &mut proto) } != 0 {
            return Err(ResolveError::Unresolved(
                String::from_utf8_lossy(host).into_owned(),
            ));
        }
        dst.proto = transport.proto() as _;
        // SAFETY: a lookup in the core's socket list for this address family and protocol.
        dst.send_sock = unsafe {
            sys::get_send_socket2(
                std::ptr::null_mut(),
                &mut dst.to,
                transport.proto(),
                std::ptr::null_mut(),
            )
        };
        if dst.send_sock.is_null() {
            return Err(ResolveError::NoSocket {
                transport: transport.via_name(),
                host: String::from_utf8_lossy(host).into_owned(),
            });
        }
        Ok(Dest { dst, transport })
    }

    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// The address and port a Via of a request sent from the chosen socket carries (its
    /// advertised ones if set), IPv6 in brackets.
    pub fn via_hostport(&self) -> (String, String) {
        // SAFETY: `send_sock` is a socket of the core's list, never freed while it runs.
        let si = unsafe { &*self.dst.send_sock };
        let text = |s: &sys::str_| {
            // SAFETY: the socket's strings live as long as the socket.
            String::from_utf8_lossy(unsafe { crate::str::str_bytes(s) }).into_owned()
        };
        let (host, port) = if si.useinfo.name.len > 0 {
            (text(&si.useinfo.name), text(&si.useinfo.port_no_str))
        } else {
            (text(&si.address_str), text(&si.port_no_str))
        };
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host
        };
        (host, port)
    }

    /// Sends `buf` as it is (a complete SIP message).
    pub fn send(&mut self, buf: &[u8]) -> Result<(), SendError> {
        let mut copy = buf.to_vec();
        let len = c_int::try_from(copy.len()).map_err(|_| SendError::TooLong)?;
        // SAFETY: the destination was filled by `resolve`; the buffer lives across the call
        // (the core copies what it queues, for TCP too).
        let rc = unsafe { sys::krs_msg_send_buffer(&mut self.dst, copy.as_mut_ptr().cast(), len) };
        if rc == 0 {
            Ok(())
        } else {
            Err(SendError::Failed)
        }
    }
}

/// A received SIP reply, as a module's reply hook sees it.
pub struct SipReply<'a> {
    msg: *mut sys::sip_msg,
    callid: &'a [u8],
    code: i32,
}

/// The parts of a reply that name the request it answers (see [`SipReply::ids`]).
pub struct ReplyIds<'a> {
    /// The top Via's branch.
    pub branch: &'a [u8],
    /// The CSeq number, as text.
    pub cseq: &'a [u8],
    pub method: &'a [u8],
    /// The transport the reply came over (`None`: one sent through tm only).
    pub transport: Option<Transport>,
}

impl SipReply<'_> {
    pub fn callid(&self) -> &[u8] {
        self.callid
    }

    pub fn code(&self) -> i32 {
        self.code
    }

    /// The reply's top Via branch, CSeq and transport (parsing the CSeq header); `None`
    /// when one is missing or malformed.
    pub fn ids(&self) -> Option<ReplyIds<'_>> {
        let empty = || sys::str_ {
            s: std::ptr::null_mut(),
            len: 0,
        };
        let (mut branch, mut num, mut method, mut proto) = (empty(), empty(), empty(), 0);
        // SAFETY: the message is the one the core is processing for this call; the shim
        // only parses it and points into its buffer.
        let rc =
            unsafe { sys::krs_reply_ids(self.msg, &mut branch, &mut num, &mut method, &mut proto) };
        if rc != 0 {
            return None;
        }
        let transport = [Transport::Udp, Transport::Tcp, Transport::Tls]
            .into_iter()
            .find(|t| t.proto() == proto);
        // SAFETY: the three strings point into the message's buffer, valid for this call
        // (as long as `self`).
        unsafe {
            Some(ReplyIds {
                branch: crate::str::str_bytes(&branch),
                cseq: crate::str::str_bytes(&num),
                method: crate::str::str_bytes(&method),
                transport,
            })
        }
    }
}

/// A module's reply hook: true if the reply is the module's own and is consumed (the core
/// drops it), false to pass it on (to tm and the core). Called for every reply, in whatever
/// process receives it: keep the foreign case to a compare of the Call-ID.
pub type ReplyHook = fn(&SipReply) -> bool;

static REPLY_HOOK: OnceLock<ReplyHook> = OnceLock::new();

pub(crate) fn set_reply_hook(f: ReplyHook) {
    let _ = REPLY_HOOK.set(f);
}

/// The module's `response_f`.
///
/// # Safety
/// Called by the core with a received reply.
pub(crate) unsafe extern "C" fn response_tramp(msg: *mut sys::sip_msg) -> c_int {
    guard("reply hook", 1, || {
        let Some(hook) = REPLY_HOOK.get() else {
            return 1;
        };
        let mut callid = sys::str_ {
            s: std::ptr::null_mut(),
            len: 0,
        };
        // SAFETY: the core passes the message it is processing.
        let code = unsafe { sys::krs_reply_callid(msg, &mut callid) };
        if code < 0 {
            return 1;
        }
        // SAFETY: the Call-ID body lies in the message's buffer, valid for this call.
        let callid = unsafe { crate::str::str_bytes(&callid) };
        if hook(&SipReply { msg, callid, code }) {
            0
        } else {
            1
        }
    })
}

/// Whether `sock` (`proto:ip:port`) names one of the server's listening sockets.
pub fn local_socket_exists(sock: &[u8]) -> bool {
    let mut b = sock.to_vec();
    let mut s = crate::str::str_over(&mut b);
    // SAFETY: `s` points at `b`, alive across the call; the core only reads it and its
    // socket lists (fixed before mod_init).
    !unsafe { sys::lookup_local_socket(&mut s) }.is_null()
}
