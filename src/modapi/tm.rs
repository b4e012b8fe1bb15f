//! The tm module's API: sending a request (`t_request`) and receiving its final reply.
//!
//! tm is reached through `find_export("load_tm")` (modules are loaded RTLD_LOCAL, so its
//! symbols cannot be linked directly). Load it in mod_init; the bindings are then valid in
//! every process forked afterwards.

use std::ffi::{c_int, c_void};

use once_cell::sync::OnceCell;

use crate::ffi_guard::guard;
use crate::str::str_over;
use crate::sys;

struct Binds(sys::tm_binds);
// SAFETY: function pointers filled by tm before the fork, read-only afterwards.
unsafe impl Send for Binds {}
// SAFETY: as above.
unsafe impl Sync for Binds {}

static TM: OnceCell<Binds> = OnceCell::new();
static ON_REPLY: OnceCell<ReplyHandler> = OnceCell::new();

/// Final outcome of a request sent with [`send_request`]: a reply code (408 when tm timed
/// out, or the code of the final reply).
pub struct Reply<'a> {
    pub code: i32,
    /// True when tm made the reply itself (a timeout), false for a reply from the network.
    pub local: bool,
    pub(crate) params: &'a mut sys::tmcb_params,
}

/// Called with the token given to [`send_request`] and the final reply, in whatever process
/// tm completes the transaction (a SIP worker for a reply, tm's timer for a timeout).
pub type ReplyHandler = fn(token: u64, reply: &mut Reply);

/// Why tm's API could not be bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TmError {
    #[error("cannot find tm's load_tm: load the tm module before this one")]
    NotFound,
    #[error("tm's load_tm failed")]
    LoadFailed,
    #[error("tm API already loaded")]
    AlreadyLoaded,
    #[error("tm API not loaded")]
    NotLoaded,
    #[error("tm has no t_request")]
    NoRequest,
    #[error("t_request failed ({0})")]
    RequestFailed(i32),
}

/// Binds tm's API and sets the handler for completed requests; call in mod_init.
pub fn load(on_reply: ReplyHandler) -> Result<(), TmError> {
    let name = c"load_tm";
    // SAFETY: looks up a cmd export by name in the loaded modules.
    let f = unsafe { sys::find_export(name.as_ptr().cast_mut(), sys::NO_SCRIPT, 0) };
    let f = f.ok_or(TmError::NotFound)?;
    // SAFETY: tm exports load_tm as `int load_tm(struct tm_binds *)` under a cmd_function
    // type; calling it through its real signature.
    let load: unsafe extern "C" fn(*mut sys::tm_binds) -> c_int = unsafe { std::mem::transmute(f) };
    let mut binds = sys::tm_binds::default();
    // SAFETY: tm fills the struct it is given.
    if unsafe { load(&mut binds) } < 0 {
        return Err(TmError::LoadFailed);
    }
    let _ = ON_REPLY.set(on_reply);
    TM.set(Binds(binds)).map_err(|_| TmError::AlreadyLoaded)
}

/// Sends a stateful request outside any dialog (R-URI and To = `ruri`); `token` comes back
/// to the [`ReplyHandler`] when it completes. Holds no lock: tm may complete the request
/// (and run the handler) inside this call.
pub fn send_request(method: &[u8], ruri: &[u8], from: &[u8], token: u64) -> Result<(), TmError> {
    send_request_via(method, ruri, from, token, Route::default())
}

/// Where a request sent with [`send_request_via`] goes out: a local socket (`proto:ip:port`,
/// as tm's `ssock`) and an outbound proxy (next hop URI); `None`: tm's choice.
#[derive(Clone, Copy, Default)]
pub struct Route<'a> {
    pub socket: Option<&'a [u8]>,
    pub proxy: Option<&'a [u8]>,
}

/// [`send_request`] from a given local socket and/or through an outbound proxy. An unknown
/// socket makes tm refuse the request (an error here).
pub fn send_request_via(
    method: &[u8],
    ruri: &[u8],
    from: &[u8],
    token: u64,
    route: Route,
) -> Result<(), TmError> {
    let tm = TM.get().ok_or(TmError::NotLoaded)?;
    let req = tm.0.t_request.ok_or(TmError::NoRequest)?;
    let (mut m, mut r, mut t, mut f) =
        (method.to_vec(), ruri.to_vec(), ruri.to_vec(), from.to_vec());
    let (mut sock, mut hop) = (
        route.socket.unwrap_or_default().to_vec(),
        route.proxy.unwrap_or_default().to_vec(),
    );
    let (mut ms, mut rs, mut ts, mut fs, mut ss, mut hs) = (
        str_over(&mut m),
        str_over(&mut r),
        str_over(&mut t),
        str_over(&mut f),
        str_over(&mut sock),
        str_over(&mut hop),
    );
    let mut uac = sys::uac_req_t {
        method: &mut ms,
        // `int` up to 5.8, `unsigned int` from 6.0
        cb_flags: sys::TMCB_LOCAL_COMPLETED as _,
        cb: Some(on_completed),
        cbp: token as usize as *mut c_void,
        ..Default::default()
    };
    if route.socket.is_some() {
        uac.ssock = &mut ss;
    }
    let hop_ptr: *mut sys::str_ = if route.proxy.is_some() {
        &mut hs
    } else {
        std::ptr::null_mut()
    };
    // SAFETY: all strings (and the str structs pointing at them) live across the call; tm
    // copies what it keeps.
    let rc = unsafe { req(&mut uac, &mut rs, &mut ts, &mut fs, hop_ptr) };
    if rc < 0 {
        return Err(TmError::RequestFailed(rc));
    }
    Ok(())
}

unsafe extern "C" fn on_completed(_t: *mut sys::cell, _ty: c_int, ps: *mut sys::tmcb_params) {
    guard("tm reply callback", (), || {
        // SAFETY: tm passes valid callback params for the duration of the call.
        let Some(ps) = (unsafe { ps.as_mut() }) else {
            return;
        };
        // SAFETY: param points to the cbp given to t_request.
        let token = unsafe { ps.param.as_ref() }.map_or(0, |p| *p as usize as u64);
        let local = ps.rpl.is_null() || ps.rpl as isize == -1; // FAKED_REPLY
        let mut reply = Reply {
            code: ps.code,
            local,
            params: ps,
        };
        if let Some(h) = ON_REPLY.get() {
            h(token, &mut reply);
        }
    })
}
