//! Event routes (`event_route[name]`), KEMI event callbacks, and the core's TCP-closed event.

use std::ffi::{c_int, CString};

use once_cell::sync::OnceCell;

use crate::ffi_guard::guard;
use crate::str::str_over;
use crate::sys;
use crate::tcp::{CloseReason, ClosedConn};

/// A config's `event_route[name]` block, looked up once at start-up.
#[derive(Debug, Clone, Copy)]
pub struct EventRoute(i32);

impl EventRoute {
    /// The block named `name`, or `None` if the config has none.
    pub fn lookup(name: &str) -> Option<EventRoute> {
        let c = CString::new(name).ok()?;
        // SAFETY: a lookup in the config's event route table with a valid C string.
        let rt = unsafe { sys::krs_event_route_lookup(c.as_ptr()) };
        (rt >= 0).then_some(EventRoute(rt))
    }
}

/// What runs for an event: a cfg event route, or a KEMI callback given the event's name.
#[derive(Debug, Clone)]
pub enum EventTarget {
    Route(EventRoute),
    Kemi(KemiCallback),
}

/// A KEMI function run for an event, with the event's name as its argument. Both names are
/// kept NUL-terminated: engines such as app_lua read the function name as a C string,
/// whatever length its `str` says.
#[derive(Debug, Clone)]
pub struct KemiCallback {
    callback: CString,
    event: CString,
}

impl EventTarget {
    /// What runs for event `name`: the KEMI function `callback` if one is set (it gets the
    /// event's name), else the config's `event_route[name]` if it has one.
    pub fn resolve(name: &'static str, callback: &[u8]) -> Option<EventTarget> {
        if callback.is_empty() {
            return EventRoute::lookup(name).map(EventTarget::Route);
        }
        match (CString::new(callback), CString::new(name)) {
            (Ok(callback), Ok(event)) => Some(EventTarget::Kemi(KemiCallback { callback, event })),
            _ => {
                ::log::error!("event callback name contains a NUL byte: not run for {name}");
                None
            }
        }
    }
}

impl KemiCallback {
    /// Runs the callback on `fmsg` through the config's KEMI engine.
    fn run(&self, fmsg: *mut sys::sip_msg) {
        // SAFETY: reads the core's pointer to the engine set at start-up.
        let keng = unsafe { sys::sr_kemi_eng_get() };
        if keng.is_null() {
            ::log::debug!("event callback set, but no KEMI engine");
            return;
        }
        // mutable copies, NUL included, that the engine may hold across the call
        let mut cb = self.callback.as_bytes_with_nul().to_vec();
        let mut ev = self.event.as_bytes_with_nul().to_vec();
        let (cb_len, ev_len) = (cb.len() - 1, ev.len() - 1);
        let mut cbs = str_over(&mut cb[..cb_len]);
        let mut evs = str_over(&mut ev[..ev_len]);
        // SAFETY: the engine, the message and both strings (NUL-terminated beyond their
        // length) are valid across the call; the route type is restored afterwards.
        unsafe {
            let backup = sys::krs_get_route_type();
            sys::krs_set_route_type(sys::EVENT_ROUTE as i32);
            if sys::sr_kemi_route(keng, fmsg, sys::EVENT_ROUTE as i32, &mut cbs, &mut evs) < 0 {
                ::log::error!(
                    "error running KEMI event callback {} for {}",
                    self.callback.to_string_lossy(),
                    self.event.to_string_lossy()
                );
            }
            sys::krs_set_route_type(backup);
        }
    }
}

/// Runs `target` on a faked SIP message that `prepare` fills first (receive info, request
/// URI).
fn run(target: &EventTarget, prepare: impl FnOnce(&mut sys::sip_msg)) {
    // SAFETY: the core's faked-message API; the message is process-local and valid until
    // the next faked_msg_next() in this process.
    let fmsg = unsafe {
        if sys::faked_msg_init() < 0 {
            ::log::error!("cannot initialize the faked message");
            return;
        }
        sys::faked_msg_next()
    };
    if fmsg.is_null() {
        return;
    }
    // SAFETY: fmsg is a valid message, ours until the route ends.
    prepare(unsafe { &mut *fmsg });
    match target {
        // SAFETY: runs a route of the config on a valid message.
        EventTarget::Route(rt) => unsafe {
            sys::krs_run_event_route(rt.0, fmsg);
        },
        EventTarget::Kemi(cb) => cb.run(fmsg),
    }
    // whatever ran (or did not), a request URI set by `prepare` or by the route is freed
    // SAFETY: such a URI is a pkg block of this message.
    unsafe {
        if !(*fmsg).new_uri.s.is_null() {
            sys::krs_pkg_free((*fmsg).new_uri.s.cast());
            (*fmsg).new_uri = sys::str_::default();
        }
    }
}

/// Runs `target` for a closed TCP connection, with the connection's receive info.
pub fn run_for_conn(target: &EventTarget, conn: &ClosedConn) {
    run(target, |m| m.rcv = conn.rcv());
}

/// Runs `target` with `ruri` as the message's request URI (`$ru`).
pub fn run_with_ruri(target: &EventTarget, ruri: &[u8]) {
    run(target, |m| {
        // SAFETY: a pkg block the core may free or replace (e.g. `$ru = ...` in the route);
        // freed after the route by `run`.
        let p = unsafe { sys::krs_pkg_malloc(ruri.len() as _) }.cast::<u8>();
        if p.is_null() {
            ::log::error!("out of pkg memory");
            return;
        }
        // SAFETY: p has room for ruri.len() bytes.
        unsafe { std::ptr::copy_nonoverlapping(ruri.as_ptr(), p, ruri.len()) };
        m.new_uri = sys::str_ {
            s: p.cast(),
            len: ruri.len() as _,
        };
        m.parsed_uri_ok = 0;
    });
}

type ClosedHandler = fn(&ClosedConn);

/// Why [`on_tcp_closed`] could not take the core's TCP-closed event.
#[derive(Debug, thiserror::Error)]
pub enum TcpClosedError {
    #[error("TCP closed handler already set")]
    AlreadySet,
    #[error("the core's TCP closed event is already taken by another module")]
    Taken,
}
static TCP_CLOSED: OnceCell<ClosedHandler> = OnceCell::new();

/// Registers `handler` for the core's TCP-closed event (raised in TCP main). The core has
/// one slot for this event: only one module can take it.
pub fn on_tcp_closed(handler: ClosedHandler) -> Result<(), TcpClosedError> {
    TCP_CLOSED
        .set(handler)
        .map_err(|_| TcpClosedError::AlreadySet)?;
    // SAFETY: registers a guarded callback with the core's event API.
    if unsafe { sys::sr_event_register_cb(sys::SREV_TCP_CLOSED as i32, Some(tcp_closed_cb)) } != 0 {
        return Err(TcpClosedError::Taken);
    }
    Ok(())
}

extern "C" fn tcp_closed_cb(evp: *mut sys::sr_event_param_t) -> c_int {
    guard("tcp closed event", -1, || {
        // SAFETY: the core passes an event parameter whose data is a tcp_closed_event_info_t
        // with a connection valid for the duration of the callback.
        let info = unsafe {
            evp.as_ref()
                .and_then(|e| (e.data as *const sys::tcp_closed_event_info_t).as_ref())
        };
        let Some(info) = info else {
            ::log::warn!("received a bad TCP closed event");
            return -1;
        };
        let Some(raw) = std::ptr::NonNull::new(info.con) else {
            ::log::warn!("received a TCP closed event without a connection");
            return -1;
        };
        let reason = match info.reason {
            sys::TCP_CLOSED_TIMEOUT => CloseReason::Timeout,
            sys::TCP_CLOSED_RESET => CloseReason::Reset,
            _ => CloseReason::Eof,
        };
        if let Some(h) = TCP_CLOSED.get() {
            // SAFETY: the core keeps the connection allocated during its close callback.
            h(&unsafe { ClosedConn::new(raw, reason) });
        }
        0
    })
}
