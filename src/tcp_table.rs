//! A snapshot of the core's TCP connection table: the connections copied under the table's
//! lock (`TCPCONN_LOCK`, held only for the copy), for listings built after it is released.
//! Nothing here takes a reference to a connection or reads one outside the lock.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::sys;
use crate::tcp::{self, ConnState, Keepalive};

/// One connection as the table held it at the time of the copy.
#[derive(Debug, Clone)]
pub struct ConnInfo {
    pub id: i32,
    /// `TCP`, `TLS`, `WS`, `WSS` (as `core.tcp_list`), or `UNKNOWN`.
    pub proto: &'static str,
    pub state: ConnState,
    /// Kamailio's local end (the address the connection was accepted on or made from).
    pub local: SocketAddr,
    /// The peer.
    pub remote: SocketAddr,
    /// Seconds until the core's lifetime timer closes the connection (negative: overdue).
    pub lifetime_left_s: i64,
    /// Whether `tcp:*` event routes were asked for on this connection.
    pub closed_event: bool,
    /// Accepted (true) or opened by Kamailio (false).
    pub accepted: bool,
    /// Bytes Kamailio queued for the connection and has not yet handed to the kernel.
    pub queued_bytes: u32,
    /// The connection's identity, the same (key, tag) as [`tcp::Conn::identity`] gives for
    /// it: what records kept per connection are looked up by.
    pub identity: (u64, u64),
}

fn zero_row() -> sys::krs_tcp_row {
    // SAFETY: plain C data; all-zero is a valid (empty) row.
    unsafe { std::mem::zeroed() }
}

/// Copies the table (or the one connection `only_id > 0`; or those with an id above
/// `after_id`, only outbound ones with `outbound_only`); the buffer is allocated before the
/// lock is taken and grown (and the copy repeated) when the table outgrew it meanwhile.
fn copy(only_id: i32, after_id: i32, outbound_only: bool) -> Vec<sys::krs_tcp_row> {
    if !crate::tcp::Conn::tcp_enabled() {
        return Vec::new();
    }
    let mut cap = match (only_id, after_id) {
        (1.., _) => 1,
        (_, 1..) => 16,
        _ => 256,
    };
    loop {
        let mut rows = vec![zero_row(); cap];
        // SAFETY: `rows` holds `cap` writable rows; the shim copies at most that many under
        // the table lock (the table exists since TCP is enabled) and returns the count.
        let n = unsafe {
            sys::krs_tcp_table_copy(
                rows.as_mut_ptr(),
                cap as i32,
                only_id,
                after_id,
                i32::from(outbound_only),
            )
        };
        let n = n.max(0) as usize;
        if n <= cap {
            rows.truncate(n);
            return rows;
        }
        cap = n + n / 4 + 16;
    }
}

/// Every connection in the core's table, by id.
pub fn snapshot() -> Vec<ConnInfo> {
    let mut v: Vec<ConnInfo> = copy(0, 0, false).iter().map(info).collect();
    v.sort_by_key(|c| c.id);
    v
}

/// Connection `id`, if the table holds it.
pub fn one(id: i32) -> Option<ConnInfo> {
    if id <= 0 {
        return None;
    }
    copy(id, 0, false).first().map(info)
}

/// The connections Kamailio opened whose id is above `after_id`, by id: what is new since a
/// pass that saw ids up to `after_id` (connection ids only grow), without copying the rest.
pub fn outbound_after(after_id: i32) -> Vec<ConnInfo> {
    let mut v: Vec<ConnInfo> = copy(0, after_id, true).iter().map(info).collect();
    v.sort_by_key(|c| c.id);
    v
}

/// An address of the core (`ip_addr`) as a std one.
pub(crate) fn ip_of(ip: &sys::ip_addr) -> Option<IpAddr> {
    // SAFETY: every variant of the union is plain bytes.
    let b = unsafe { ip.u.addr };
    match ip.af as i32 {
        libc::AF_INET => Some(IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))),
        libc::AF_INET6 => Some(IpAddr::V6(Ipv6Addr::from(b))),
        _ => None,
    }
}

fn info(r: &sys::krs_tcp_row) -> ConnInfo {
    let any = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    let proto = match r.proto as u32 {
        sys::PROTO_TCP => "TCP",
        sys::PROTO_TLS => "TLS",
        sys::PROTO_WS => "WS",
        sys::PROTO_WSS => "WSS",
        _ => "UNKNOWN",
    };
    let ticks = i64::from(r.timeout_left_ticks);
    ConnInfo {
        id: r.id,
        proto,
        state: tcp::state_of(r.state),
        local: SocketAddr::new(ip_of(&r.dst_ip).unwrap_or(any), r.dst_port),
        remote: SocketAddr::new(ip_of(&r.src_ip).unwrap_or(any), r.src_port),
        lifetime_left_s: ticks.div_euclid(i64::from(sys::TIMER_TICKS_HZ)),
        closed_event: r.flags & sys::F_CONN_CLOSE_EV != 0,
        accepted: r.flags & sys::F_CONN_PASSIVE != 0,
        queued_bytes: r.queued,
        identity: tcp::identity_of(r.id, r.conn as usize),
    }
}

/// The keepalive settings of the core's TCP config (`tcp_keepalive`, `tcp_keepidle`,
/// `tcp_keepcnt`, `tcp_keepintvl`), which the core applies to every new connection.
pub fn global_keepalive() -> Keepalive {
    let (mut on, mut idle, mut cnt, mut intvl) = (0, 0, 0, 0);
    // SAFETY: cfg framework reads of the TCP group into four ints.
    unsafe { sys::krs_tcp_keepalive_cfg(&mut on, &mut idle, &mut cnt, &mut intvl) };
    (on != 0).then_some((idle, cnt, intvl))
}
