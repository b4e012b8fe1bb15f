//! The keepalive module API (`modules/keepalive/api.h`) that other modules bind to with
//! `find_export("bind_keepalive")` (drouting does): the C ABI side, over Rust functions.

use std::ffi::{c_int, c_void};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicI32, Ordering};

use once_cell::sync::OnceCell;

use crate::export::cfg::Fixup;
use crate::export::module::Cmd;
use crate::ffi_guard::guard;
use crate::modapi::tm::Reply;
use crate::shm::{self, ShmSafe};
use crate::str::{str_arg, str_bytes, str_over};
use crate::sys;

/// Callbacks and `user_attr` given by an API user; stored as plain data (in shm).
#[derive(Clone, Copy)]
pub struct ForeignCallbacks {
    statechanged: sys::ka_statechanged_f,
    response: sys::ka_response_f,
    user_attr: usize,
}

// SAFETY: all-zero is "no callbacks". The callbacks are code of a module loaded before the
// fork (the same address in every process); `user_attr` is opaque to us, never dereferenced,
// only handed back to the API user's own callback (as the C module does: what it points to
// is the API user's contract, as in C).
unsafe impl ShmSafe for ForeignCallbacks {}

impl ForeignCallbacks {
    /// No callbacks (registrations made from the config or RPC).
    pub const NONE: ForeignCallbacks = ForeignCallbacks {
        statechanged: None,
        response: None,
        user_attr: 0,
    };

    /// True if there is nothing to call (nor any user data to keep).
    pub fn is_none(&self) -> bool {
        self.statechanged.is_none() && self.response.is_none() && self.user_attr == 0
    }

    /// True if a response callback is registered (it takes tm's reply parameters, so its
    /// destination is pinged through tm).
    pub fn has_response(&self) -> bool {
        self.response.is_some()
    }

    /// Runs the state-changed callback, if any, with `uri` and `state` (0/1/2).
    pub fn notify_state(&self, uri: &[u8], state: i32) {
        if let Some(f) = self.statechanged {
            let mut u = uri.to_vec();
            let mut s = str_over(&mut u);
            // SAFETY: a callback the API user registered, with its own user_attr; the uri
            // lives across the call.
            unsafe { f(&mut s, state, self.user_attr as *mut c_void) };
        }
    }

    /// Runs the response callback, if any, with `uri` and tm's callback parameters.
    pub fn notify_response(&self, uri: &[u8], reply: &mut Reply) {
        if let Some(f) = self.response {
            let mut u = uri.to_vec();
            let mut s = str_over(&mut u);
            // SAFETY: as above; tm's params are valid during the tm callback we are in.
            unsafe { f(&mut s, reply.params, self.user_attr as *mut c_void) };
        }
    }
}

/// A `ka_dest_t` in shm handed to API users by `find_destination` (uri, owner, state and
/// flags are filled; the rest is zero). Owned linearly: not `Copy` nor `Clone`, freed once by
/// [`DestView::free`] (which consumes it); API users get a [`Lent`] of it.
///
/// ```compile_fail,E0382
/// fn twice(v: kamailio::ka_api::DestView) {
///     v.free();
///     v.free(); // a double free does not compile: `free` took the view
/// }
/// ```
///
/// ```compile_fail,E0507
/// fn copy(v: &kamailio::ka_api::DestView) -> kamailio::ka_api::DestView {
///     *v // not Copy
/// }
/// ```
#[repr(transparent)]
pub struct DestView(NonNull<sys::ka_dest_t>);

// SAFETY: lives in shm; its state is written atomically (`set_state`), the rest only in
// `new` and `free`, which own the view.
unsafe impl Send for DestView {}
// SAFETY: as above.
unsafe impl Sync for DestView {}
// SAFETY: all-zero is `None` (a repr(transparent) NonNull); the view is in shm, the same in
// every process.
unsafe impl ShmSafe for Option<DestView> {}

/// A view as lent to an API user by `find_destination`: it names the view for C, nothing
/// more (it cannot free it or read it).
#[derive(Clone, Copy)]
pub struct Lent(NonNull<sys::ka_dest_t>);

impl DestView {
    pub fn new(uri: &[u8], owner: &[u8], state: i32) -> Option<DestView> {
        let v = shm::alloc_zeroed(std::mem::size_of::<sys::ka_dest_t>())?.cast::<sys::ka_dest_t>();
        let u = shm::copy_bytes(uri);
        let o = shm::copy_bytes(owner);
        let (Some(u), Some(o)) = (u, o) else {
            // SAFETY: fresh blocks, not shared.
            unsafe {
                for p in [u, o].into_iter().flatten() {
                    shm::free(p);
                }
                shm::free(v.cast());
            }
            return None;
        };
        // SAFETY: a fresh zeroed ka_dest_t.
        unsafe {
            let d = &mut *v.as_ptr();
            d.uri = sys::str_ {
                s: u.as_ptr().cast(),
                len: uri.len() as c_int,
            };
            d.owner = sys::str_ {
                s: o.as_ptr().cast(),
                len: owner.len() as c_int,
            };
            d.state = state;
        }
        Some(DestView(v))
    }

    /// Lends the view to an API user (valid until the view is freed, which the API user's
    /// protocol rules out while it holds the list lock).
    pub fn lend(&self) -> Lent {
        Lent(self.0)
    }

    /// Updates the state API users read.
    pub fn set_state(&self, state: i32) {
        // SAFETY: the view is alive until `free` (which takes it); `state` is an aligned int
        // that C readers read (under the list lock) while we may write it: an atomic store.
        let s = unsafe { AtomicI32::from_ptr(std::ptr::addr_of_mut!((*self.0.as_ptr()).state)) };
        s.store(state, Ordering::Relaxed);
    }

    /// Frees the view and its strings.
    pub fn free(self) {
        // SAFETY: the view and its strings were allocated in `new`; the registration that
        // owned it is gone, so no one hands it out any more.
        unsafe {
            let d = &*self.0.as_ptr();
            for p in [d.uri.s, d.owner.s] {
                if let Some(p) = NonNull::new(p.cast::<u8>()) {
                    shm::free(p);
                }
            }
            shm::free(self.0.cast());
        }
    }
}

/// The module's side of the API.
pub struct ApiImpl {
    /// (uri, owner, flags, ping_interval, callbacks) -> 0 ok, -1 error.
    pub add: fn(&[u8], &[u8], i32, i32, ForeignCallbacks) -> i32,
    /// uri -> state (0 unknown, 1 up, 2 down) or -1 when not monitored.
    pub state: fn(&[u8]) -> i32,
    /// (uri, owner) -> 1 removed, -1 not found.
    pub del: fn(&[u8], &[u8]) -> i32,
    /// (uri, owner) -> the registration's view; call with the list locked.
    pub find: fn(&[u8], &[u8]) -> Option<Lent>,
    pub lock: fn(),
    pub unlock: fn(),
}

static API: OnceCell<ApiImpl> = OnceCell::new();

/// The `bind_keepalive` cmd export (param_no 0, not usable from the config) over `api`.
pub fn bind_cmd(api: ApiImpl) -> Cmd {
    let _ = API.set(api);
    // SAFETY: not a cfg function, but exported with no routes (flags 0) so that no config
    // calls it: only find_export("bind_keepalive") users call it, with its own signature.
    unsafe {
        Cmd::new(
            "bind_keepalive",
            bind_keepalive as *const (),
            0,
            Fixup::None,
            0,
        )
    }
}

fn api() -> Option<&'static ApiImpl> {
    API.get()
}

unsafe extern "C" fn bind_keepalive(api: *mut sys::keepalive_api_t) -> c_int {
    guard("bind_keepalive", -1, || {
        // SAFETY: the caller passes its API struct to fill.
        let Some(a) = (unsafe { api.as_mut() }) else {
            ::log::error!("bind_keepalive: NULL API struct");
            return -1;
        };
        a.add_destination = Some(add_destination);
        a.destination_state = Some(destination_state);
        a.del_destination = Some(del_destination);
        a.find_destination = Some(find_destination);
        a.lock_destination_list = Some(lock_list);
        a.unlock_destination_list = Some(unlock_list);
        0
    })
}

unsafe extern "C" fn add_destination(
    uri: *mut sys::str_,
    owner: *mut sys::str_,
    flags: c_int,
    ping_interval: c_int,
    statechanged: sys::ka_statechanged_f,
    response: sys::ka_response_f,
    user_attr: *mut c_void,
) -> c_int {
    guard("keepalive add_destination", -1, || {
        let Some(a) = api() else { return -1 };
        let cbs = ForeignCallbacks {
            statechanged,
            response,
            user_attr: user_attr as usize,
        };
        // SAFETY: the API user passes valid strs (or NULL).
        let (u, o) = unsafe { (str_arg(uri), str_arg(owner)) };
        (a.add)(u, o, flags, ping_interval, cbs)
    })
}

unsafe extern "C" fn destination_state(uri: *mut sys::str_) -> sys::ka_state {
    guard("keepalive destination_state", -1, || {
        // SAFETY: as above.
        api().map_or(-1, |a| (a.state)(unsafe { str_arg(uri) }))
    })
}

unsafe extern "C" fn del_destination(uri: *mut sys::str_, owner: *mut sys::str_) -> c_int {
    guard("keepalive del_destination", -1, || {
        // SAFETY: as above.
        let (u, o) = unsafe { (str_arg(uri), str_arg(owner)) };
        api().map_or(-1, |a| (a.del)(u, o))
    })
}

unsafe extern "C" fn find_destination(
    uri: *mut sys::str_,
    owner: *mut sys::str_,
    target: *mut *mut sys::ka_dest_t,
    head: *mut *mut sys::ka_dest_t,
) -> c_int {
    guard("keepalive find_destination", 0, || {
        // SAFETY: as above.
        let (u, o) = unsafe { (str_arg(uri), str_arg(owner)) };
        let found = api().and_then(|a| (a.find)(u, o));
        // SAFETY: the caller passes NULL or valid out-pointers.
        unsafe {
            if let Some(h) = head.as_mut() {
                *h = std::ptr::null_mut();
            }
            if let Some(t) = target.as_mut() {
                *t = found.map_or(std::ptr::null_mut(), |v| v.0.as_ptr());
            }
        }
        i32::from(found.is_some())
    })
}

unsafe extern "C" fn lock_list() -> c_int {
    guard("keepalive lock_destination_list", 0, || {
        api().map_or(0, |a| {
            (a.lock)();
            1
        })
    })
}

unsafe extern "C" fn unlock_list() -> c_int {
    guard("keepalive unlock_destination_list", 0, || {
        api().map_or(0, |a| {
            (a.unlock)();
            1
        })
    })
}

/// A user of the keepalive API (what drouting does in C), for Rust modules and tests:
/// binds whichever module exports `bind_keepalive` (ours or the C one).
pub struct Client(sys::keepalive_api_t);

// SAFETY: function pointers filled by the keepalive module; read-only afterwards.
unsafe impl Send for Client {}
// SAFETY: as above.
unsafe impl Sync for Client {}

/// A state-changed callback for [`Client::add`]: (uri, state).
pub type OnState = fn(&[u8], i32);

unsafe extern "C" fn on_state_tramp(uri: *mut sys::str_, state: c_int, user_attr: *mut c_void) {
    guard("keepalive state callback", (), || {
        if user_attr.is_null() {
            return;
        }
        // SAFETY: user_attr is the OnState given to `Client::add`; uri is a valid str.
        let (f, u) = unsafe {
            (
                std::mem::transmute::<*mut c_void, OnState>(user_attr),
                str_arg(uri),
            )
        };
        f(u, state);
    })
}

/// Why [`Client::bind`] bound nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BindError {
    #[error("cannot find bind_keepalive: load the keepalive module first")]
    NotFound,
    #[error("bind_keepalive failed")]
    Failed,
}

impl Client {
    /// Binds the API through `find_export("bind_keepalive")`; call in mod_init.
    pub fn bind() -> Result<Client, BindError> {
        // SAFETY: looks up a cmd export by name in the loaded modules.
        let f = unsafe { sys::find_export(c"bind_keepalive".as_ptr().cast_mut(), 0, 0) };
        let f = f.ok_or(BindError::NotFound)?;
        // SAFETY: bind_keepalive is exported as a cmd_function but is `int (*)(keepalive_api_t *)`.
        let bind: unsafe extern "C" fn(*mut sys::keepalive_api_t) -> c_int =
            unsafe { std::mem::transmute(f) };
        let mut api = sys::keepalive_api_t::default();
        // SAFETY: the module fills the struct it is given.
        if unsafe { bind(&mut api) } < 0 {
            return Err(BindError::Failed);
        }
        Ok(Client(api))
    }

    /// add_destination(uri, owner, 0, interval, on_state, NULL, on_state): the API's return.
    pub fn add(&self, uri: &[u8], owner: &[u8], interval: i32, on_state: Option<OnState>) -> i32 {
        let Some(add) = self.0.add_destination else {
            return -1;
        };
        let (mut u, mut o) = (uri.to_vec(), owner.to_vec());
        let (mut us, mut os) = (str_over(&mut u), str_over(&mut o));
        let cb: sys::ka_statechanged_f = on_state.map(|_| on_state_tramp as _);
        let attr = on_state.map_or(std::ptr::null_mut(), |f| f as *mut c_void);
        // SAFETY: valid strs for the call; the callback trampoline matches ka_statechanged_f.
        unsafe { add(&mut us, &mut os, 0, interval, cb, None, attr) }
    }

    /// destination_state(uri).
    pub fn state(&self, uri: &[u8]) -> i32 {
        let Some(f) = self.0.destination_state else {
            return -1;
        };
        let mut u = uri.to_vec();
        let mut us = str_over(&mut u);
        // SAFETY: a valid str for the call.
        unsafe { f(&mut us) }
    }

    /// del_destination(uri, owner).
    pub fn del(&self, uri: &[u8], owner: &[u8]) -> i32 {
        let Some(f) = self.0.del_destination else {
            return -1;
        };
        let (mut u, mut o) = (uri.to_vec(), owner.to_vec());
        let (mut us, mut os) = (str_over(&mut u), str_over(&mut o));
        // SAFETY: valid strs for the call.
        unsafe { f(&mut us, &mut os) }
    }

    /// lock_destination_list, find_destination, read (uri, owner, state), unlock.
    pub fn find(&self, uri: &[u8], owner: &[u8]) -> Option<(Vec<u8>, Vec<u8>, i32)> {
        let (lock, find, unlock) = (
            self.0.lock_destination_list?,
            self.0.find_destination?,
            self.0.unlock_destination_list?,
        );
        let (mut u, mut o) = (uri.to_vec(), owner.to_vec());
        let (mut us, mut os) = (str_over(&mut u), str_over(&mut o));
        let mut target: *mut sys::ka_dest_t = std::ptr::null_mut();
        let mut head: *mut sys::ka_dest_t = std::ptr::null_mut();
        // SAFETY: the API's own lock protocol; the target is read before unlocking. No
        // reference to the destination is made: other processes store its state atomically
        // (`DestView::set_state`) without the list lock, so the state is read atomically
        // through a raw pointer; uri and owner are not written while the entry is listed.
        unsafe {
            lock();
            let found = find(&mut us, &mut os, &mut target, &mut head);
            let out = (found == 1 && !target.is_null()).then(|| {
                let state = AtomicI32::from_ptr(std::ptr::addr_of_mut!((*target).state));
                (
                    str_bytes(&*std::ptr::addr_of!((*target).uri)).to_vec(),
                    str_bytes(&*std::ptr::addr_of!((*target).owner)).to_vec(),
                    state.load(Ordering::Relaxed),
                )
            });
            unlock();
            out
        }
    }
}
