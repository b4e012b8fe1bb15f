//! The core's TCP connection table: find a connection by id or by address, read its state,
//! act on its socket (from any process), set its lifetime, close it.
//!
//! A connection lives in shm and other processes (TCP main, readers) write it while we hold
//! a reference: no Rust reference to it is ever made (it would assert that it does not
//! change). Fields are read one by one through raw pointers: those that other processes
//! write while we read (`state`, `s`, `fd`, `reader_pid`) as relaxed atomic loads (the
//! `int_field!` macro), `flags` and `send_flags` through atomics too, the rest, fixed once
//! the connection is in the table, as volatile copies (the `field!` macro).
//!
//! ```compile_fail,E0599
//! // No `&tcp_connection` leaves the crate (there is no accessor to the raw struct).
//! fn peek(c: &kamailio::tcp::Conn) -> i32 { c.raw().id }
//! ```

pub mod diag;
mod sockopt;
pub mod table;
pub mod user_timeout;

use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};

use crate::process;
use crate::sys;
use socket::send_to_tcp_main;

/// Keepalive settings (`Some((idle, count, interval))`, or `None` for off).
pub type Keepalive = Option<(i32, i32, i32)>;

/// The identity of connection `id` whose shared structure is at `addr` (see
/// [`Conn::identity`]); also what [`crate::tcp::table::ConnInfo::identity`] gives.
pub(crate) fn identity_of(id: i32, addr: usize) -> (u64, u64) {
    (id as u32 as u64 + 1, addr as u64)
}

/// Reads field `$f` (a path such as `rcv.src_port`) of the shared connection `$c` (a
/// `*mut tcp_connection` that stays allocated for the read) as a volatile copy: no reference
/// to memory that other processes write.
macro_rules! field {
    ($c:expr, $($f:ident).+) => {{
        let c: *mut crate::sys::tcp_connection = $c;
        // SAFETY: `c` points to a connection kept alive by the caller (a reference we hold,
        // or the core's close callback); the field is plain data, any bit pattern valid,
        // read by value without making a reference.
        unsafe { std::ptr::addr_of!((*c).$($f).+).read_volatile() }
    }};
}

/// Reads an `int`-sized field of a connection that other processes write concurrently (the
/// core's plain stores of an aligned int) as a relaxed atomic load: no data race on our side,
/// and the value is one that was stored.
macro_rules! int_field {
    ($c:expr, $f:ident) => {{
        let c: *mut crate::sys::tcp_connection = $c;
        // SAFETY: `c` points to a connection kept alive by the caller; no reference is made.
        let p = unsafe { std::ptr::addr_of_mut!((*c).$f) };
        // SAFETY: as above; `load_int` checks at compile time that the field is int-sized.
        unsafe { crate::tcp::load_int(p) }
    }};
}

mod closed;
mod socket;

pub use closed::{CloseReason, ClosedConn};
pub use socket::{CloseRequestError, FdError, KeepaliveError};

/// Compile-time check that `T` is laid out as an `i32` (size 4, alignment 4).
struct IntSized<T>(PhantomData<T>);
impl<T> IntSized<T> {
    const OK: () = assert!(
        std::mem::size_of::<T>() == 4 && std::mem::align_of::<T>() == 4,
        "int_field! on a field that is not int-sized"
    );
}

/// # Safety
/// `p` points to a live, aligned, int-sized field of a connection in shm.
unsafe fn load_int<T>(p: *mut T) -> i32 {
    #[allow(clippy::let_unit_value)]
    let () = IntSized::<T>::OK;
    // SAFETY: guaranteed by the caller; the size and alignment are those of an AtomicI32
    // (checked above). Other processes' plain stores of the same int are word stores.
    unsafe { AtomicI32::from_ptr(p.cast::<i32>()) }.load(Ordering::Relaxed)
}

/// Whether the core runs TCP at all (`disable_tcp=no`). With TCP disabled the core never
/// creates its connection table or its lock: every lookup here then finds nothing.
#[inline]
fn enabled() -> bool {
    // SAFETY: a plain read of a core global set while parsing the config, before the fork.
    unsafe { sys::tcp_disable == 0 }
}

/// The longest lifetime the core can represent, in seconds: its `MAX_TCP_CON_LIFETIME`
/// (2^31 - 1 ticks, about 4.25 years). A longer one would wrap when converted to ticks, or
/// look expired at once to the core's signed tick comparison.
pub const MAX_LIFETIME_S: u32 = {
    let ticks = (1u64 << (std::mem::size_of::<sys::ticks_t>() * 8 - 1)) - 1;
    (ticks / sys::TIMER_TICKS_HZ as u64) as u32
};

/// A connection's state as the core sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnState {
    Ok,
    Init,
    Eof,
    Accept,
    Connect,
    Error,
    Bad,
    Other(i32),
}

/// A reference to a connection in the core's table; released on drop.
pub struct Conn(NonNull<sys::tcp_connection>);

impl Drop for Conn {
    /// Drops our reference. Normally another holder (TCP main, while the connection is in
    /// its table) remains. When TCP main has already taken the connection out of its table
    /// and dropped its own reference, ours is the last: then the connection must be freed,
    /// which only the core's (static) code does correctly, so the reference is handed to TCP
    /// main with `CONN_EOF`, whose handler frees an unhashed connection on its last reference.
    fn drop(&mut self) {
        let c = self.0.as_ptr();
        // SAFETY: we hold one reference, taken by tcpconn_get; the shim decrements it unless
        // it is the last one, atomically.
        if unsafe { sys::krs_tcpconn_unref(c) } == 0 {
            return;
        }
        // The last holder: nobody else can find the connection any more (it is unhashed).
        if process::is_tcp_main() {
            // TCP main drops its table reference only in its own destroy path, never while
            // our code runs in it: not reachable. Leaking beats freeing it half-way.
            ::log::error!("BUG: last reference to an unhashed connection in TCP main: leaked");
            return;
        }
        if let Err(e) = send_to_tcp_main(c, sys::CONN_EOF as libc::c_long) {
            ::log::error!(
                "cannot hand the last reference of a closed connection to TCP main ({}): leaked",
                e.map_or_else(|| "no channel to TCP main".to_string(), |e| e.to_string())
            );
        }
    }
}

impl Conn {
    /// Whether the core runs TCP (`disable_tcp=no`); without it no connection is ever found.
    #[inline]
    pub fn tcp_enabled() -> bool {
        enabled()
    }

    /// The most connections the core accepts at once: `tcp_max_connections` plus
    /// `tls_max_connections` (read once the cfg is parsed, e.g. in mod_init).
    pub fn max_connections() -> usize {
        // SAFETY: two ints of the core, set while the cfg is parsed and only read afterwards.
        let (tcp, tls) = unsafe { (sys::tcp_max_connections, sys::tls_max_connections) };
        tcp.max(0) as usize + tls.max(0) as usize
    }

    fn raw_mut(&self) -> *mut sys::tcp_connection {
        self.0.as_ptr()
    }

    /// The connection with this id (`$conid`), if it exists (never with TCP disabled).
    pub fn by_id(id: i32) -> Option<Conn> {
        if id <= 0 || !enabled() {
            return None;
        }
        // SAFETY: a lookup by id only; the core returns a referenced connection or NULL.
        NonNull::new(unsafe {
            sys::tcpconn_get(id, std::ptr::null_mut(), 0, std::ptr::null_mut(), 0)
        })
        .map(Conn)
    }

    /// The connection to a remote IP address and port, if one exists (never with TCP
    /// disabled). No resolver is involved. As in the C module, finding a connection refreshes
    /// its idle timeout to the global `tcp_connection_lifetime`.
    pub fn by_ip(ip: std::net::IpAddr, port: u16) -> Option<Conn> {
        // SAFETY: plain C data; all-zero is an empty address.
        let mut raw: sys::ip_addr = unsafe { std::mem::zeroed() };
        match ip {
            std::net::IpAddr::V4(v4) => {
                raw.af = libc::AF_INET as _;
                raw.len = 4;
                let mut a = [0u8; 16];
                a[..4].copy_from_slice(&v4.octets());
                raw.u.addr = a;
            }
            std::net::IpAddr::V6(v6) => {
                raw.af = libc::AF_INET6 as _;
                raw.len = 16;
                raw.u.addr = v6.octets();
            }
        }
        Self::by_raw_addr(&mut raw, port)
    }

    /// The connection to a remote `host:port`, the host resolved by the core's resolver (with
    /// its DNS cache: a name missing from the cache blocks the caller on a DNS query), if one
    /// exists; as [`Conn::by_ip`] otherwise.
    pub fn by_host(host: &[u8], port: u16) -> Option<Conn> {
        if !enabled() {
            return None;
        }
        // the core takes a mutable str: a copy, on the stack for any DNS name
        let mut stack = [0u8; 256];
        let mut heap = Vec::new();
        let buf: &mut [u8] = if host.len() <= stack.len() {
            stack[..host.len()].copy_from_slice(host);
            &mut stack[..host.len()]
        } else {
            heap.extend_from_slice(host);
            &mut heap
        };
        let mut h = sys::str_ {
            s: buf.as_mut_ptr().cast(),
            len: buf.len() as i32,
        };
        // SAFETY: plain C data; all-zero is an empty address.
        let mut su: sys::sockaddr_union = unsafe { std::mem::zeroed() };
        let mut proto: std::ffi::c_char = sys::PROTO_TCP as _;
        // SAFETY: the host string lives across the call; the core writes `su` and `proto`.
        if unsafe { sys::sip_hostport2su(&mut su, &mut h, port, &mut proto) } != 0 {
            ::log::error!("cannot resolve [{}]", String::from_utf8_lossy(host));
            return None;
        }
        // SAFETY: plain C data.
        let mut ip: sys::ip_addr = unsafe { std::mem::zeroed() };
        // SAFETY: `su` was filled by the resolver; `ip` is written.
        let port = unsafe {
            sys::krs_su2ip_addr(&mut ip, &mut su);
            sys::krs_su_getport(&mut su)
        };
        Self::by_raw_addr(&mut ip, port)
    }

    fn by_raw_addr(ip: &mut sys::ip_addr, port: u16) -> Option<Conn> {
        if !enabled() {
            return None;
        }
        // SAFETY: a cfg framework read of the TCP group, valid in every process.
        let lifetime = unsafe { sys::krs_tcp_con_lifetime_ticks() };
        // SAFETY: a lookup by address in the core's table (which exists since TCP is
        // enabled); the core returns a referenced connection or NULL.
        NonNull::new(unsafe {
            sys::tcpconn_get(0, ip, port as i32, std::ptr::null_mut(), lifetime as _)
        })
        .map(Conn)
    }

    pub fn id(&self) -> i32 {
        field!(self.raw_mut(), id)
    }

    pub fn state(&self) -> ConnState {
        state_of(int_field!(self.raw_mut(), state))
    }

    /// The state of connection `id`, read under the table lock without taking a reference
    /// (cheaper than [`Conn::by_id`] when one field is all that is needed).
    #[inline]
    pub fn peek_state(id: i32) -> Option<ConnState> {
        if !enabled() {
            return None;
        }
        // SAFETY: a read of one field under the core's connection-table lock, which exists
        // since TCP is enabled.
        let s = unsafe { sys::krs_tcpconn_peek_state(id) };
        (s != sys::KRS_NO_CONN).then(|| state_of(s))
    }

    /// Sets the lifetime of connection `id` under the table lock, without taking a
    /// reference; false if there is no such connection. Lifetimes above [`MAX_LIFETIME_S`]
    /// are clamped to it.
    #[inline]
    pub fn set_lifetime_by_id(id: i32, secs: u32) -> bool {
        if !enabled() {
            return false;
        }
        // SAFETY: two field writes under the core's connection-table lock (which exists
        // since TCP is enabled); the clamped value cannot overflow when made ticks.
        unsafe { sys::krs_tcpconn_set_lifetime(id, secs.min(MAX_LIFETIME_S)) == 0 }
    }

    /// Asks for `tcp:*` event routes on this connection (closed_event mode 2).
    pub fn enable_close_event(&self) {
        // An atomic OR, so that our bit never erases one that TCP main sets at the same
        // moment. TCP main itself updates `flags` with plain read-modify-writes, so a bit we
        // set while it does so can still be lost (the C module has the same race).
        self.flags()
            .fetch_or(sys::F_CONN_CLOSE_EV, Ordering::SeqCst);
    }

    /// Whether [`Conn::enable_close_event`] was applied.
    pub fn close_event_enabled(&self) -> bool {
        self.flags().load(Ordering::Relaxed) & sys::F_CONN_CLOSE_EV != 0
    }

    /// The connection's `flags`, which other processes update while we hold the connection.
    fn flags(&self) -> &AtomicU32 {
        // SAFETY: the shared connection stays alive while we hold our reference.
        unsafe { flags_of(self.raw_mut()) }
    }

    /// Source IP of the connection as text (`$tcp(c_si)`): the original client address
    /// given by the PROXY protocol, else the peer's address.
    pub fn src_ip(&self) -> String {
        ip_text(&origin(self.raw_mut()).0)
    }

    /// Source port of the connection (`$tcp(c_sp)`), as for [`Conn::src_ip`].
    pub fn src_port(&self) -> u16 {
        origin(self.raw_mut()).1
    }

    /// Names this very connection in every process: (id + 1, never 0; the address of its
    /// shared structure, which tells a reused id apart while the connection lives).
    pub fn identity(&self) -> (u64, u64) {
        identity_of(self.id(), self.0.as_ptr() as usize)
    }
}

/// The connection's `flags`, which other processes update (all our accesses to it go
/// through this atomic).
///
/// # Safety
/// `c` points to a connection that stays allocated for `'a`.
unsafe fn flags_of<'a>(c: *mut sys::tcp_connection) -> &'a AtomicU32 {
    // SAFETY: `flags` is an aligned `unsigned int` of a live connection (caller).
    unsafe { AtomicU32::from_ptr(std::ptr::addr_of_mut!((*c).flags)) }
}

/// The client's address (copied): `cinfo` is only filled for PROXY-protocol connections.
fn origin(c: *mut sys::tcp_connection) -> (sys::ip_addr, u16) {
    if field!(c, cinfo.src_ip.af) != 0 {
        (field!(c, cinfo.src_ip), field!(c, cinfo.src_port))
    } else {
        (field!(c, rcv.src_ip), field!(c, rcv.src_port))
    }
}

pub(crate) fn ip_text(ip: &sys::ip_addr) -> String {
    let mut ip = *ip;
    // SAFETY: ip_addr2a formats into a static buffer that we copy at once.
    unsafe { std::ffi::CStr::from_ptr(sys::ip_addr2a(&mut ip)) }
        .to_string_lossy()
        .into_owned()
}

pub(crate) fn state_of(s: i32) -> ConnState {
    match s {
        s if s == sys::S_CONN_OK as i32 => ConnState::Ok,
        s if s == sys::S_CONN_INIT as i32 => ConnState::Init,
        s if s == sys::S_CONN_EOF as i32 => ConnState::Eof,
        s if s == sys::S_CONN_ACCEPT as i32 => ConnState::Accept,
        s if s == sys::S_CONN_CONNECT as i32 => ConnState::Connect,
        s if s == sys::S_CONN_ERROR as i32 => ConnState::Error,
        s if s == sys::S_CONN_BAD as i32 => ConnState::Bad,
        s => ConnState::Other(s),
    }
}
