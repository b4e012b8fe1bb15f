//! Copies of the core's TCP connection table's entries, made under the table's lock
//! (`TCPCONN_LOCK`) a chunk at a time (never the whole table under one hold), for listings
//! built after it is released. Nothing here takes a reference to a connection or reads one
//! outside the lock.

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

/// Every connection in the core's table, by id (read a chunk per lock hold: a connection
/// opened meanwhile may be missing, one closed meanwhile is).
pub fn snapshot() -> Vec<ConnInfo> {
    page(0, 0, usize::MAX)
}

/// Connection `id`, if the table holds it.
pub fn one(id: i32) -> Option<ConnInfo> {
    if id <= 0 || !crate::tcp::Conn::tcp_enabled() {
        return None;
    }
    rows_of(&[id]).first().map(info)
}

/// The connections Kamailio opened whose id is above `after_id`, by id: what is new since a
/// pass that saw ids up to `after_id` (connection ids only grow), a page at a time.
pub fn outbound_after(after_id: i32) -> Vec<ConnInfo> {
    const CHUNK: usize = 256;
    let mut out = Vec::new();
    let mut last = after_id;
    loop {
        let rows = page_rows(last, 0, CHUNK);
        let Some(r) = rows.last() else { break };
        last = r.id;
        out.extend(
            rows.iter()
                .filter(|r| r.flags & sys::F_CONN_PASSIVE == 0)
                .map(info),
        );
        if rows.len() < CHUNK {
            break;
        }
    }
    out
}

/// Ids probed one by one per lock hold when paging from a cursor, and in all before the
/// page is looked for among every id instead (many closed connections after the cursor).
const PROBE_CHUNK: i32 = 64;
const PROBE_BUDGET: i32 = 1024;
/// Ids read (and connections visited) per lock hold at most when every id is read.
const IDS_CHUNK: usize = 512;

/// Up to `n` connections with an id above `after`, in id order, after skipping the first
/// `skip` of them: what a page costs is its own size, not the table's. Ids are looked up one
/// by one from the cursor in their hash bucket (ids are given in order, so a table without
/// many closed connections after the cursor is dense), else read from every bucket a chunk
/// per lock hold and the page's chosen among them; the lock is never held for the table.
pub fn page(after: i32, skip: usize, n: usize) -> Vec<ConnInfo> {
    page_rows(after, skip, n).iter().map(info).collect()
}

fn page_rows(after: i32, skip: usize, n: usize) -> Vec<sys::krs_tcp_row> {
    if !crate::tcp::Conn::tcp_enabled() || n == 0 {
        return Vec::new();
    }
    let mut rows: Vec<sys::krs_tcp_row> = Vec::new();
    let mut skip = skip;
    let mut last = after.max(0);
    if skip.saturating_add(n) <= PROBE_BUDGET as usize {
        let mut probed = 0;
        while rows.len() < skip + n && probed < PROBE_BUDGET && last < i32::MAX {
            let k = PROBE_CHUNK.min(i32::MAX - last);
            let left = skip + n - rows.len();
            let got = probe(last, left, k);
            last = match got.last() {
                Some(r) if got.len() == left => r.id,
                _ => last + k,
            };
            probed += k;
            rows.extend(got);
        }
        let skipped = skip.min(rows.len());
        rows.drain(..skipped);
        skip -= skipped;
    }
    // the rest among every id above the last probed: the smallest, looked up (one closed
    // meanwhile is replaced by the next)
    while rows.len() < n {
        let mut ids = ids_after(last);
        let k = skip.saturating_add(n - rows.len()).min(ids.len());
        let all_taken = k == ids.len();
        if ids.len() > k {
            ids.select_nth_unstable(k);
            ids.truncate(k);
        }
        ids.sort_unstable();
        let Some(&max) = ids.last() else { break };
        let wanted = ids.get(skip..).unwrap_or_default();
        let before = rows.len();
        for chunk in wanted.chunks(PROBE_CHUNK as usize) {
            rows.extend(rows_of(chunk));
        }
        if all_taken && rows.len() - before == wanted.len() {
            break;
        }
        skip = 0;
        last = max;
    }
    rows.truncate(n);
    rows
}

/// How many connections have an id above `after` (read a chunk per lock hold).
pub fn count_after(after: i32) -> usize {
    ids_after(after).len()
}

/// The longest `TCPCONN_LOCK` hold (µs) of [`page`]/[`count_after`] in this process since
/// the last call, and how many holds there were.
pub fn lock_holds() -> (f64, u32) {
    let mut holds = 0;
    // SAFETY: reads and resets two process-local counters of the shim.
    let ns = unsafe { sys::krs_tcp_lock_hold_take(&mut holds) };
    (ns as f64 / 1000.0, holds)
}

fn probe(after: i32, max: usize, probes: i32) -> Vec<sys::krs_tcp_row> {
    let mut rows = vec![zero_row(); max];
    // SAFETY: `rows` holds `max` writable rows, of which the shim fills at most `max` under
    // the table lock and returns the count.
    let n = unsafe { sys::krs_tcp_table_probe(rows.as_mut_ptr(), max as i32, after, probes) };
    rows.truncate(n.clamp(0, max as i32) as usize);
    rows
}

fn ids_after(after: i32) -> Vec<i32> {
    let mut out = Vec::new();
    if !crate::tcp::Conn::tcp_enabled() {
        return out;
    }
    let mut buf = vec![0i32; IDS_CHUNK];
    let mut first = 0;
    while first < sys::TCP_ID_HASH_SIZE as i32 {
        let mut next = 0;
        // SAFETY: `buf` holds `buf.len()` writable ints; the shim writes at most that many
        // under the table lock, returns the count and the next bucket in `next`.
        let n = unsafe {
            sys::krs_tcp_ids_chunk(buf.as_mut_ptr(), buf.len() as i32, first, after, &mut next)
        };
        let n = n.max(0) as usize;
        if n > buf.len() {
            // one bucket alone holds more: room for it, and the bucket again
            buf.resize(n + n / 4, 0);
            continue;
        }
        out.extend_from_slice(&buf[..n]);
        first = next;
    }
    out
}

fn rows_of(ids: &[i32]) -> Vec<sys::krs_tcp_row> {
    let mut rows = vec![zero_row(); ids.len()];
    // SAFETY: `rows` holds as many writable rows as there are ids; the shim fills at most
    // one per id under the table lock and returns the count.
    let n = unsafe { sys::krs_tcp_table_rows(rows.as_mut_ptr(), ids.as_ptr(), ids.len() as i32) };
    rows.truncate(n.clamp(0, ids.len() as i32) as usize);
    rows
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
