//! The dmq module's API (`bind_dmq`): a peer of our own on dmq's bus of KDMQ requests
//! between Kamailio nodes, broadcasting to every active node and sending to one.
//!
//! dmq is reached through `find_export("bind_dmq")` (as htable and dialog do). Bind it in
//! mod_init, with dmq loaded before the module. dmq runs the peer's callback in its own
//! worker processes, for every KDMQ request routed to `dmq_handle_message()` whose R-URI
//! user is our peer name; it runs the init callback once, in one process, when it first
//! learns the node list (a joining node asks its peers for their state there).
//!
//! The API used here (`dmq_api_t`, `dmq_peer_t`, `peer_reponse_t`, `dmq_resp_cback_t`) is
//! the same in 5.6 and 6.0 (src/compat.rs); the node (`dmq_node_t`) stays opaque: only
//! passed back to dmq, never read.
//!
//! The node dmq passes to the peer's callback is the one the request's From names, or NULL;
//! but when a From does not parse, dmq's worker passes the node of its previous request (its
//! variable is not reset, 5.6 to 6.1): [`Sender::node_key`] is `None` then.

use std::ffi::c_int;
use std::marker::PhantomData;

use once_cell::sync::OnceCell;

use crate::ffi_guard::guard;
use crate::str::static_str;
use crate::sys;

/// A KDMQ request for our peer: its body and who sent it.
pub type MessageHandler = fn(body: &[u8], from: &Sender);
/// dmq's init callback: runs once, when the node list is first known.
pub type InitHandler = fn();

struct Bound {
    api: sys::dmq_api_t,
    peer: *mut sys::dmq_peer_t,
    content_type: sys::str_,
    ok: sys::str_,
}
// SAFETY: function pointers and a shm peer record set before the fork, read-only afterwards
// (the peer record and the content type's static text are valid in every process).
unsafe impl Send for Bound {}
// SAFETY: as above.
unsafe impl Sync for Bound {}

/// What went wrong binding dmq's API or sending through it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DmqError {
    #[error("cannot find dmq's bind_dmq: load the dmq module before this one")]
    NotFound,
    #[error("dmq's bind_dmq failed")]
    BindFailed,
    /// dmq's API lacks this function.
    #[error("dmq has no {0}")]
    Missing(&'static str),
    /// dmq did not register the peer of this id.
    #[error("dmq refused the peer {0}")]
    PeerRefused(&'static str),
    #[error("dmq API already bound")]
    AlreadyBound,
    #[error("dmq API not bound")]
    NotBound,
    /// bcast_message's return code.
    #[error("dmq bcast_message failed ({0})")]
    Broadcast(i32),
    #[error("the sender is not a known dmq node")]
    UnknownSender,
    /// send_message's return code.
    #[error("dmq send_message failed ({0})")]
    Send(i32),
}

static DMQ: OnceCell<Bound> = OnceCell::new();
static ON_MESSAGE: OnceCell<MessageHandler> = OnceCell::new();
static ON_INIT: OnceCell<InitHandler> = OnceCell::new();

/// Binds dmq's API and registers the peer `peer_id` (the R-URI user of its KDMQ requests);
/// call once, in mod_init. `content_type` labels the bodies sent.
pub fn bind(
    peer_id: &'static str,
    description: &'static str,
    content_type: &'static str,
    on_message: MessageHandler,
    on_init: Option<InitHandler>,
) -> Result<(), DmqError> {
    // SAFETY: looks up a cmd export by name in the loaded modules.
    let f = unsafe { sys::find_export(c"bind_dmq".as_ptr().cast_mut(), 0, 0) };
    let f = f.ok_or(DmqError::NotFound)?;
    // SAFETY: dmq exports bind_dmq as `int bind_dmq(dmq_api_t *)` under a cmd_function type;
    // calling it through its real signature.
    let bind: unsafe extern "C" fn(*mut sys::dmq_api_t) -> c_int =
        unsafe { std::mem::transmute(f) };
    let mut api = sys::dmq_api_t::default();
    // SAFETY: dmq fills the struct it is given.
    if unsafe { bind(&mut api) } < 0 {
        return Err(DmqError::BindFailed);
    }
    let register = api
        .register_dmq_peer
        .ok_or(DmqError::Missing("register_dmq_peer"))?;
    let _ = ON_MESSAGE.set(on_message);
    if let Some(h) = on_init {
        let _ = ON_INIT.set(h);
    }
    let mut peer = sys::dmq_peer_t {
        peer_id: static_str(peer_id),
        description: static_str(description),
        callback: Some(peer_callback),
        init_callback: on_init.map(|_| init_callback as unsafe extern "C" fn() -> c_int),
        next: std::ptr::null_mut(),
    };
    // SAFETY: dmq copies the record and its two strings into shm and returns its copy.
    let registered = unsafe { register(&mut peer) };
    if registered.is_null() {
        return Err(DmqError::PeerRefused(peer_id));
    }
    DMQ.set(Bound {
        api,
        peer: registered,
        content_type: static_str(content_type),
        ok: static_str("OK"),
    })
    .map_err(|_| DmqError::AlreadyBound)
}

fn bound() -> Result<&'static Bound, DmqError> {
    DMQ.get().ok_or(DmqError::NotBound)
}

/// A response callback without a function: dmq reads the struct, calls nothing.
fn no_response() -> sys::dmq_resp_cback_t {
    sys::dmq_resp_cback_t {
        f: None,
        param: std::ptr::null_mut(),
    }
}

/// Sends `body` to every active node but this one (dmq's `bcast_message`, through tm).
pub fn broadcast(body: &[u8]) -> Result<(), DmqError> {
    let b = bound()?;
    let f = b
        .api
        .bcast_message
        .ok_or(DmqError::Missing("bcast_message"))?;
    let mut text = body.to_vec();
    let mut s = crate::str::str_over(&mut text);
    let mut ct = b.content_type;
    let mut cb = no_response();
    // SAFETY: peer is dmq's own record; body, callback and content type live across the
    // call (tm copies the body into its request); NULL: except no node.
    let rc = unsafe { f(b.peer, &mut s, std::ptr::null_mut(), &mut cb, 1, &mut ct) };
    if rc < 0 {
        return Err(DmqError::Broadcast(rc));
    }
    Ok(())
}

/// The node a KDMQ request came from, for replying to it while its callback runs.
pub struct Sender<'a> {
    node: *mut sys::dmq_node_t,
    _call: PhantomData<&'a ()>,
}

impl Sender<'_> {
    /// The dmq node that sent the request, as an opaque key (the same for every request
    /// from that node while dmq keeps it in its list); `None` when the request's From URI
    /// names no node dmq knows (dmq still hands such requests to the peer).
    pub fn node_key(&self) -> Option<u64> {
        (!self.node.is_null()).then_some(self.node as usize as u64)
    }

    /// Sends `body` to this node alone (dmq's `send_message`).
    pub fn send(&self, body: &[u8]) -> Result<(), DmqError> {
        if self.node.is_null() {
            return Err(DmqError::UnknownSender);
        }
        let b = bound()?;
        let f = b
            .api
            .send_message
            .ok_or(DmqError::Missing("send_message"))?;
        let mut text = body.to_vec();
        let mut s = crate::str::str_over(&mut text);
        let mut ct = b.content_type;
        let mut cb = no_response();
        // SAFETY: node is the one dmq handed to the running callback (valid for its
        // duration, which this borrow cannot outlive); the rest as in `broadcast`.
        let rc = unsafe { f(b.peer, &mut s, self.node, &mut cb, 1, &mut ct) };
        if rc < 0 {
            return Err(DmqError::Send(rc));
        }
        Ok(())
    }
}

/// The body of a KDMQ request (empty when it has none).
fn body_of(msg: &mut sys::sip_msg) -> &[u8] {
    // SAFETY: get_body parses the headers of a valid message and returns a pointer into its
    // buffer, or NULL.
    let start = unsafe { sys::get_body(msg) };
    if start.is_null() || msg.buf.is_null() {
        return &[];
    }
    let begin = msg.buf as usize;
    let end = begin + msg.len as usize;
    let at = start as usize;
    if at < begin || at > end {
        return &[];
    }
    // SAFETY: [at, end) lies inside the message buffer, which outlives the callback.
    unsafe { std::slice::from_raw_parts(start as *const u8, end - at) }
}

unsafe extern "C" fn peer_callback(
    msg: *mut sys::sip_msg,
    resp: *mut sys::peer_reponse_t,
    node: *mut sys::dmq_node_t,
) -> c_int {
    guard("dmq peer callback", 0, || {
        // SAFETY: dmq passes the request and a zeroed response record for this call.
        let (Some(msg), Some(resp)) = (unsafe { msg.as_mut() }, unsafe { resp.as_mut() }) else {
            return 0;
        };
        // dmq's worker does not reset its node between requests: when a request's From does
        // not parse, it hands over the node of the request before; a sender counts as a
        // node only with a From that parsed
        // SAFETY: `from` is NULL or the request's parsed From header field.
        let from_parsed = unsafe { msg.from.as_ref() }.is_some_and(|h| !h.parsed.is_null());
        let sender = Sender {
            node: if from_parsed {
                node
            } else {
                std::ptr::null_mut()
            },
            _call: PhantomData,
        };
        let (Some(h), Some(b)) = (ON_MESSAGE.get(), DMQ.get()) else {
            return 0;
        };
        h(body_of(msg), &sender);
        // dmq replies with this code and reason (text made before the fork: dmq frees only
        // a body); a body we cannot use was logged and dropped, the reply is still 200
        resp.resp_code = 200;
        resp.reason = b.ok;
        0
    })
}

unsafe extern "C" fn init_callback() -> c_int {
    guard("dmq init callback", 0, || {
        if let Some(h) = ON_INIT.get() {
            h();
        }
        0
    })
}
