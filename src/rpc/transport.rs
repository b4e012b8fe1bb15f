//! Which RPC transport a call came over, and how large a reply it carries in one piece.
//!
//! `rpc_t` does not name its transport, but its functions live in the transport's module
//! (`dladdr` of its `add` names the file: ctl.so, jsonrpcs.so, xmlrpc.so) and jsonrpcs'
//! transports run in processes of their own (`JSONRPCS FIFO`, `JSONRPCS DATAGRAM`,
//! `JSONRPCS TCP` from 6.0; HTTP and `jsonrpc_exec` in SIP workers). What each carries:
//!
//! - ctl's binrpc (`kamcmd`, and any binrpc client): every top-level value costs 2 bytes of
//!   the reply body (`binrpc_max_body_size`, 32 KiB by default) and a buffer of its own
//!   (`binrpc_struct_max_body_size`, 8 KiB), both from the system's malloc; the reply's size
//!   on the wire has no limit of its own. ctl writes a reply with non-blocking writes and a
//!   10 ms timeout per batch, so a reply larger than the socket buffer would be cut when the
//!   client is slow to read: [`Rpc::send_blocking`] sends such a reply itself.
//! - jsonrpcs datagram: one `sendto`, so at most one UDP datagram (65,507 bytes).
//! - jsonrpcs FIFO and TCP: the system's malloc and blocking writes, no limit of their own.
//! - jsonrpcs over HTTP and xmlrpc (SIP workers): both build the reply with the system's
//!   malloc, then the reply lump and sl's reply copy it into pkg memory, both at once: a
//!   reply goes out when the worker's pkg holds both copies ([`Transport::room_for`]).
//! - anything else (ctl's own FIFO, a transport this crate does not know): [`BOUND`].

use std::cell::Cell;
use std::ffi::{c_int, CStr};
use std::time::Duration;

use crate::rpc::args::{Bound, Encoding, BOUND, MAX_WHOLE_ENTRIES};
use crate::rpc::Rpc;
use crate::sys;

/// The transport of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// ctl's binrpc, with ctl's reply limits (bytes, as ctl's mod_init leaves them).
    Binrpc {
        max_body: usize,
        struct_max: usize,
    },
    JsonDatagram,
    /// jsonrpcs FIFO, and its TCP transport (6.0 and later).
    JsonStream,
    /// jsonrpcs in a SIP worker: HTTP through xhttp, or `jsonrpc_exec` from a route.
    JsonWorker,
    Xmlrpc,
    Other,
}

/// The largest UDP datagram jsonrpcs can send, less room for the reply's own members.
const DATAGRAM_BYTES: usize = 65_507 - 1_024;

/// pkg bytes of the reply lump beyond the entries: the lump's header, the XML or JSON
/// document's own members and separators.
const LUMP_EXTRA: usize = 1024;

/// pkg bytes of sl's reply beyond the entries: the document's own members, the status line,
/// the core's headers and those it copies from the request (Via, From, To, Call-ID, CSeq:
/// at most the request, which Kamailio reads into 16 KiB by default), and what parsing the
/// request's headers allocates before.
const REPLY_EXTRA: usize = 64 * 1024;

/// ctl's system-malloc buffers for one reply at most (one per top-level value).
const CTL_MEMORY: usize = 256 << 20;

/// Above this estimated size a binrpc reply is sent by [`Rpc::send_blocking`]: a socket's
/// default send buffer takes about 200 KiB without the reader, a datagram 64 KiB.
pub const BINRPC_DIRECT_BYTES: usize = 60 * 1024;

impl Transport {
    /// What one reply of this transport carries.
    pub fn bound(self) -> Bound {
        let whole = Bound {
            entries: MAX_WHOLE_ENTRIES,
            bytes: usize::MAX,
            entry_max: usize::MAX,
            enc: Encoding::Json,
        };
        match self {
            Transport::Binrpc {
                max_body,
                struct_max,
            } => Bound {
                // 2 bytes of the body per entry, a few for anything else
                entries: (max_body.saturating_sub(64) / 2)
                    .min(CTL_MEMORY / (struct_max + 64))
                    .min(MAX_WHOLE_ENTRIES),
                // a struct's buffer holds its members
                entry_max: struct_max.saturating_sub(16),
                enc: Encoding::Binrpc,
                ..whole
            },
            Transport::JsonDatagram => Bound {
                bytes: DATAGRAM_BYTES,
                ..whole
            },
            Transport::JsonStream => whole,
            // (a build without a pkg manager reports 0 free)
            Transport::JsonWorker | Transport::Xmlrpc if pkg_available() == 0 => BOUND,
            Transport::JsonWorker => Bound {
                bytes: pkg_for_reply(),
                ..whole
            },
            Transport::Xmlrpc => Bound {
                bytes: pkg_for_reply(),
                enc: Encoding::Xml,
                ..whole
            },
            Transport::Other => BOUND,
        }
    }

    /// Whether a reply whose entries take `bytes` (as estimated for [`Transport::bound`])
    /// goes out whole now. In a SIP worker the reply lump and sl's reply each copy it into
    /// pkg, both at once (measured on 5.6.3 with 8 MB of pkg, 7.5 MB free: a 3.73 MB
    /// reply went out, a 3.86 MB one came back empty, with the C module as with this one):
    /// both copies are allocated here and freed at once, so that the free pkg and how it is
    /// cut up answer; nothing allocates pkg between this and the transport's copies but
    /// the request's parsing (in `REPLY_EXTRA`).
    pub fn room_for(self, bytes: usize) -> bool {
        match self {
            Transport::JsonWorker | Transport::Xmlrpc if pkg_available() > 0 => {
                pkg_room(&[bytes + LUMP_EXTRA, bytes + REPLY_EXTRA])
            }
            _ => true,
        }
    }
}

/// The largest reply a SIP worker may hand to the core: both copies in its free pkg (a
/// first bound; [`Transport::room_for`] tells).
fn pkg_for_reply() -> usize {
    pkg_available().saturating_sub(LUMP_EXTRA + REPLY_EXTRA) / 2
}

/// Whether blocks of these sizes can be allocated from pkg together (they are freed again).
fn pkg_room(sizes: &[usize]) -> bool {
    let mut held = Vec::with_capacity(sizes.len());
    for &size in sizes {
        // SAFETY: a plain pkg allocation of this process, freed below.
        let p = unsafe { sys::krs_pkg_malloc(size as _) };
        if p.is_null() {
            break;
        }
        held.push(p);
    }
    let all = held.len() == sizes.len();
    for p in held {
        // SAFETY: allocated above by pkg_malloc, freed once.
        unsafe { sys::krs_pkg_free(p) };
    }
    all
}

/// Free pkg memory of this process.
fn pkg_available() -> usize {
    // SAFETY: reads the process's pkg manager's free count; no side effects.
    unsafe { sys::krs_pkg_available() as usize }
}

/// The file name (no directory) of the shared object that holds `addr`.
fn object_of(addr: *const ()) -> Option<String> {
    // SAFETY: Dl_info is plain C data that dladdr fills.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: dladdr only reads the loader's tables for the address.
    if unsafe { libc::dladdr(addr.cast(), &mut info) } == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dli_fname is a NUL-terminated string owned by the loader.
    let path = unsafe { CStr::from_ptr(info.dli_fname) }.to_string_lossy();
    Some(path.rsplit('/').next().unwrap_or_default().to_string())
}

thread_local! {
    /// The last call's RPC API and the transport found for it (a process serves one or a
    /// few transports, each with one API table).
    static LAST: Cell<Option<(usize, Transport)>> = const { Cell::new(None) };
}

impl Rpc<'_> {
    /// The transport this call came over.
    pub fn transport(&self) -> Transport {
        let key = self.api_ptr() as usize;
        if let Some((k, t)) = LAST.with(Cell::get) {
            if k == key {
                return t;
            }
        }
        let t = self.find_transport();
        LAST.with(|l| l.set(Some((key, t))));
        t
    }

    fn find_transport(&self) -> Transport {
        let api = self.api();
        let Some(add) = api.add else {
            return Transport::Other;
        };
        let module = object_of(add as *const ()).unwrap_or_default();
        let desc = crate::process::description();
        match module.as_str() {
            // ctl's own FIFO has array_add = struct_add; binrpc has a function of each
            "ctl.so"
                if desc == "ctl handler"
                    && api.array_add.map(|f| f as usize) != api.struct_add.map(|f| f as usize) =>
            {
                // after ctl's mod_init (this runs after the fork) the sizes are in bytes
                let bytes = |n: &str, default: i32| {
                    let v = crate::export::module::foreign_int_param("ctl", n).unwrap_or(default);
                    usize::try_from(v).unwrap_or(0).max(1024)
                };
                Transport::Binrpc {
                    max_body: bytes("binrpc_max_body_size", 32 * 1024),
                    struct_max: bytes("binrpc_struct_max_body_size", 8 * 1024),
                }
            }
            "jsonrpcs.so" => match desc.as_str() {
                "JSONRPCS DATAGRAM" => Transport::JsonDatagram,
                "JSONRPCS FIFO" | "JSONRPCS TCP" => Transport::JsonStream,
                _ if crate::process::rank() > 0 => Transport::JsonWorker,
                _ => Transport::Other,
            },
            "xmlrpc.so" if crate::process::rank() > 0 => Transport::Xmlrpc,
            _ => Transport::Other,
        }
    }

    /// Sends the reply built so far now, through the transport's `send`, with every
    /// connected stream socket of this process (ctl's client connections: this runs in
    /// ctl's process) blocking for up to `timeout` per write, so that a client slow to read
    /// gets the whole reply instead of a cut one. False when the transport has no `send` or
    /// it failed (over a datagram socket, a reply too large: nothing was sent, so a fault
    /// can still go out).
    pub fn send_blocking(&self, timeout: Duration) -> bool {
        let Some(send) = self.api().send else {
            return false;
        };
        let held = BlockingStreams::take(timeout);
        // SAFETY: the transport's send with this call's context, once, before the method
        // returns (the transport then sends nothing more).
        let rc = unsafe { send(self.ctx_ptr()) };
        drop(held);
        rc >= 0
    }
}

/// Connected stream sockets of this process switched to blocking writes with a send
/// timeout: (fd, its file status flags, its send timeout), put back as they were on drop.
/// Nothing else runs in the process meanwhile (the sockets stay open and untouched).
struct BlockingStreams(Vec<(c_int, c_int, libc::timeval)>);

const TIMEVAL_LEN: libc::socklen_t = std::mem::size_of::<libc::timeval>() as libc::socklen_t;

impl BlockingStreams {
    fn take(timeout: Duration) -> BlockingStreams {
        let mut held = Vec::new();
        let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
            return BlockingStreams(held);
        };
        let fds: Vec<c_int> = dir
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        let tv = libc::timeval {
            tv_sec: timeout.as_secs() as _,
            tv_usec: timeout.subsec_micros() as _,
        };
        for fd in fds {
            if !is_named_stream(fd) {
                continue;
            }
            // SAFETY: F_GETFL on an open fd of this process.
            let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
            if flags < 0 || flags & libc::O_NONBLOCK == 0 {
                continue;
            }
            let mut old = libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            };
            let mut len = TIMEVAL_LEN;
            // SAFETY: reads the send timeout into a timeval of the right size.
            let got = unsafe {
                libc::getsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_SNDTIMEO,
                    (&mut old as *mut libc::timeval).cast(),
                    &mut len,
                )
            };
            if got != 0 {
                continue;
            }
            // SAFETY: sets this socket's send timeout, then clears O_NONBLOCK; both are put
            // back on drop.
            let set = unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_SNDTIMEO,
                    (&tv as *const libc::timeval).cast(),
                    TIMEVAL_LEN,
                ) == 0
                    && libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) == 0
            };
            // (a failed set leaves the timeout or nothing changed: put back either way)
            held.push((fd, flags, old));
            if !set {
                log::warn!("RPC: cannot make socket {fd} blocking for a large reply");
            }
        }
        BlockingStreams(held)
    }
}

impl Drop for BlockingStreams {
    fn drop(&mut self) {
        for (fd, flags, old) in &self.0 {
            // SAFETY: puts back the flags and send timeout read in `take` on the same
            // open socket.
            unsafe {
                libc::fcntl(*fd, libc::F_SETFL, *flags);
                libc::setsockopt(
                    *fd,
                    libc::SOL_SOCKET,
                    libc::SO_SNDTIMEO,
                    (old as *const libc::timeval).cast(),
                    TIMEVAL_LEN,
                );
            }
        }
    }
}

/// True for a connected stream socket with a local name: a connection accepted on a unix
/// socket path or an IP listener (not a socketpair, nor a listening socket).
fn is_named_stream(fd: c_int) -> bool {
    let int_opt = |opt: c_int| {
        let (mut v, mut len) = (0 as c_int, std::mem::size_of::<c_int>() as libc::socklen_t);
        // SAFETY: an int socket option read into an int.
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                opt,
                (&mut v as *mut c_int).cast(),
                &mut len,
            )
        };
        (rc == 0).then_some(v)
    };
    if int_opt(libc::SO_TYPE) != Some(libc::SOCK_STREAM) || int_opt(libc::SO_ACCEPTCONN) != Some(0)
    {
        return false;
    }
    // SAFETY: sockaddr_storage is plain C data, large enough for any address.
    let mut sa: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: getpeername into a buffer of `len` bytes: fails unless connected.
    if unsafe {
        libc::getpeername(
            fd,
            (&mut sa as *mut libc::sockaddr_storage).cast(),
            &mut len,
        )
    } != 0
    {
        return false;
    }
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: getsockname into a buffer of `len` bytes.
    if unsafe {
        libc::getsockname(
            fd,
            (&mut sa as *mut libc::sockaddr_storage).cast(),
            &mut len,
        )
    } != 0
    {
        return false;
    }
    match c_int::from(sa.ss_family) {
        libc::AF_INET | libc::AF_INET6 => true,
        libc::AF_UNIX => {
            // SAFETY: the address is a sockaddr_un for AF_UNIX; a path name starts with a
            // byte other than NUL (unnamed: len covers the family only)
            let un =
                unsafe { &*(&sa as *const libc::sockaddr_storage).cast::<libc::sockaddr_un>() };
            (len as usize) > std::mem::size_of::<libc::sa_family_t>() && un.sun_path[0] != 0
        }
        _ => false,
    }
}
