//! The core's network events, watched for messages over TCP-based transports (TCP, TLS, WS,
//! WSS) without changing anything: a SIP message received (`SREV_NET_DATA_IN`, raised in
//! `receive_msg` before the message is parsed and reaches the cfg, in the process that
//! received it: a TCP reader for TCP) and a message sent (`SREV_NET_DATA_SENT`, raised after
//! the core's send, in the sending process). Handlers see the peer only; the data is left
//! alone. Other messages (UDP, SCTP) cost a test of their protocol.

use std::ffi::c_int;
use std::net::IpAddr;

use once_cell::sync::OnceCell;

use crate::ffi_guard::guard;
use crate::msg::Proto;
use crate::sys;
use crate::tcp::table::ip_of;

/// The far end of a message received or sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    pub proto: Proto,
    /// The TCP connection's id (0: none known: a message sent by address).
    pub conid: i32,
    pub ip: IpAddr,
    pub port: u16,
}

/// What a module runs for each message sent.
pub type PeerHandler = fn(&Peer);
/// What a module runs for each message received: the peer and the message as received.
pub type ReceivedHandler = fn(&Peer, &[u8]);

/// Why a data handler could not be registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NetEventError {
    #[error("received-data handler already set")]
    DataInSet,
    #[error("the core's received-data event has no free slot")]
    DataInFull,
    #[error("sent-data handler already set")]
    DataSentSet,
    #[error("the core's sent-data event is taken by another module")]
    DataSentTaken,
}

static DATA_IN: OnceCell<ReceivedHandler> = OnceCell::new();
static DATA_SENT: OnceCell<PeerHandler> = OnceCell::new();

/// Runs `handler` for every message received over a TCP-based transport, before it is
/// parsed (call in mod_init). The core keeps up to 8 such handlers.
pub fn on_data_in(handler: ReceivedHandler) -> Result<(), NetEventError> {
    DATA_IN.set(handler).map_err(|_| NetEventError::DataInSet)?;
    // SAFETY: registers a guarded callback with the core's event API.
    if unsafe { sys::sr_event_register_cb(sys::SREV_NET_DATA_IN as i32, Some(data_in_cb)) } != 0 {
        return Err(NetEventError::DataInFull);
    }
    Ok(())
}

/// Runs `handler` after every message sent over a TCP-based transport (call in mod_init).
/// The core has one slot for this event (siptrace's core-callback mode takes it too): an
/// error when it is taken.
pub fn on_data_sent(handler: PeerHandler) -> Result<(), NetEventError> {
    DATA_SENT
        .set(handler)
        .map_err(|_| NetEventError::DataSentSet)?;
    // SAFETY: registers a guarded callback with the core's event API.
    if unsafe { sys::sr_event_register_cb(sys::SREV_NET_DATA_SENT as i32, Some(data_sent_cb)) } != 0
    {
        return Err(NetEventError::DataSentTaken);
    }
    Ok(())
}

extern "C" fn data_in_cb(evp: *mut sys::sr_event_param_t) -> c_int {
    guard("received-data event", 0, || {
        // SAFETY: receive_msg passes an event parameter whose `rcv` is the message's
        // receive info and whose data is the message's buffer (a `str`), valid for the
        // duration of the callback.
        let (rcv, buf) = unsafe {
            let e = evp.as_ref();
            (
                e.and_then(|e| e.rcv.as_ref()),
                e.and_then(|e| (e.data as *const sys::str_).as_ref()),
            )
        };
        let (Some(rcv), Some(buf), Some(h)) = (rcv, buf, DATA_IN.get()) else {
            return 0;
        };
        let proto = Proto::from_raw(rcv.proto as i32);
        if !proto.is_tcp_based() {
            return 0;
        }
        let data: &[u8] = if buf.s.is_null() || buf.len <= 0 {
            &[]
        } else {
            // SAFETY: the message's bytes, `len` of them at `s`, valid during the callback
            // and not written by anyone while it runs.
            unsafe { std::slice::from_raw_parts(buf.s as *const u8, buf.len as usize) }
        };
        if let Some(ip) = ip_of(&rcv.src_ip) {
            h(
                &Peer {
                    proto,
                    conid: rcv.proto_reserved1,
                    ip,
                    port: rcv.src_port,
                },
                data,
            );
        }
        0
    })
}

extern "C" fn data_sent_cb(evp: *mut sys::sr_event_param_t) -> c_int {
    guard("sent-data event", 0, || {
        // SAFETY: msg_send_buffer passes an event parameter whose data is an sr_net_info_t
        // with the destination, both valid for the duration of the callback.
        let dst = unsafe {
            evp.as_ref()
                .and_then(|e| (e.data as *const sys::sr_net_info).as_ref())
                .and_then(|n| n.dst.as_mut())
        };
        let (Some(dst), Some(h)) = (dst, DATA_SENT.get()) else {
            return 0;
        };
        let proto = Proto::from_raw(dst.proto as i32);
        if !proto.is_tcp_based() {
            return 0;
        }
        // SAFETY: plain C data; all-zero is an empty address.
        let mut ip: sys::ip_addr = unsafe { std::mem::zeroed() };
        // SAFETY: `to` is the destination's socket address, converted into `ip`.
        let port = unsafe {
            sys::krs_su2ip_addr(&mut ip, &mut dst.to);
            sys::krs_su_getport(&mut dst.to)
        };
        if let Some(ip) = ip_of(&ip) {
            h(&Peer {
                proto,
                conid: dst.id,
                ip,
                port,
            });
        }
        0
    })
}
