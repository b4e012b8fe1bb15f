//! `$tcp(key)`: the current message's connection, or in `event_route[tcp:*]` the closing one.
//!
//! | key | value | since (C module) |
//! | --- | --- | --- |
//! | `conid` | the message's connection id, no lookup | 5.8 (before: looked up) |
//! | `c_si`, `c_sp` | the connection's client address (PROXY protocol) or peer; the message's source when the connection is gone | 5.8 |
//! | `aconid`, `ac_si`, `ac_sp` | the same for an active connection only: null when it is gone | 5.8 |

use kamailio::pv::PvValue;
use kamailio::tcp::Conn;
use kamailio::Msg;

use crate::events;

#[derive(Clone, Copy)]
enum Key {
    Conid,
    SrcIp,
    SrcPort,
    ActiveConid,
    ActiveSrcIp,
    ActiveSrcPort,
}

const KEYS: [(&[u8], Key); 6] = [
    (b"conid", Key::Conid),
    (b"c_si", Key::SrcIp),
    (b"c_sp", Key::SrcPort),
    (b"aconid", Key::ActiveConid),
    (b"ac_si", Key::ActiveSrcIp),
    (b"ac_sp", Key::ActiveSrcPort),
];

pub fn parse(key: &[u8]) -> Option<i32> {
    KEYS.iter().position(|(k, _)| *k == key).map(|i| i as i32)
}

/// Null for every key when the core runs without TCP (`disable_tcp=yes`).
pub fn get(msg: Option<&mut Msg>, key: i32, out: &mut dyn FnMut(PvValue)) {
    let Some(&(_, key)) = usize::try_from(key).ok().and_then(|i| KEYS.get(i)) else {
        return out(PvValue::Null);
    };
    if !Conn::tcp_enabled() {
        return out(PvValue::Null);
    }
    let in_event = events::CLOSING.with(|c| {
        c.borrow().as_ref().map(|c| match key {
            Key::Conid | Key::ActiveConid => out(PvValue::Int(c.id as i64)),
            Key::SrcIp | Key::ActiveSrcIp => out(PvValue::Str(c.src_ip.as_bytes())),
            Key::SrcPort | Key::ActiveSrcPort => out(PvValue::Int(c.src_port as i64)),
        })
    });
    if in_event.is_some() {
        return;
    }
    let Some(msg) = msg else {
        return out(PvValue::Null);
    };
    let id = msg.rcv_reserved_conid();
    if let Key::Conid = key {
        return out(PvValue::Int(id as i64));
    }
    let conn = Conn::by_id(id);
    match (key, conn) {
        (Key::ActiveConid, Some(c)) => out(PvValue::Int(c.id() as i64)),
        (Key::SrcIp | Key::ActiveSrcIp, Some(c)) => out(PvValue::Str(c.src_ip().as_bytes())),
        (Key::SrcPort | Key::ActiveSrcPort, Some(c)) => out(PvValue::Int(c.src_port() as i64)),
        (Key::SrcIp, None) => out(PvValue::Str(msg.src_ip().as_bytes())),
        (Key::SrcPort, None) => out(PvValue::Int(msg.src_port() as i64)),
        _ => out(PvValue::Null),
    }
}
