//! Pseudo-variables: writing a variable named by a cfg parameter, and exporting a
//! module's own `$name(key)` variables.

use crate::msg::Msg;
use crate::sys;

/// A writable variable (`$var(x)`, `$avp(x)`, ...) named by a cfg parameter.
pub struct PvTarget<'a> {
    spec: &'a sys::pv_spec_t,
    msg: *mut sys::sip_msg,
}

impl<'a> PvTarget<'a> {
    /// # Safety
    /// `spec` is NULL or a pv_spec_t that lives as long as `'a`; `msg` is this call's message.
    pub(crate) unsafe fn from_raw(
        spec: *const sys::pv_spec_t,
        msg: *mut sys::sip_msg,
    ) -> Option<Self> {
        // SAFETY: guaranteed by the caller.
        unsafe { spec.as_ref() }.map(|spec| PvTarget { spec, msg })
    }

    /// The variable named `name` (`$var(x)`, `$avp(y)`, ...), parsed once per process and
    /// kept in the core's PV cache, for KEMI functions that take a variable's name. `None`
    /// (the core logs why) if the name does not parse.
    pub fn by_name(msg: &'a mut Msg, name: &[u8]) -> Option<PvTarget<'a>> {
        // the core takes a mutable str and keeps its own copy in the cache
        let mut buf = name.to_vec();
        let mut s = crate::str::str_over(&mut buf);
        // SAFETY: a lookup (and, on a miss, a parse and insert) in the core's PV cache; the
        // name lives across the call. Cached specs are never freed.
        let spec = unsafe { sys::pv_cache_get(&mut s) };
        // SAFETY: a cached spec lives as long as the process; the message is this call's.
        unsafe { PvTarget::from_raw(spec, msg.as_ptr()) }
    }

    /// True if the variable can be assigned to.
    pub fn is_writable(&self) -> bool {
        self.spec.setf.is_some()
    }

    /// Assigns an integer; false if the variable is read-only or the core refuses.
    pub fn set_int(&self, v: i32) -> bool {
        let Some(setf) = self.spec.setf else {
            return false;
        };
        // SAFETY: pv_value_t is plain data; all-zero is its empty value.
        let mut val: sys::pv_value_t = unsafe { std::mem::zeroed() };
        val.ri = v as _;
        val.flags = (sys::PV_VAL_INT | sys::PV_TYPE_INT) as _;
        // SAFETY: setf is the variable's own setter, given its own param and this call's
        // message; the value lives across the call. The core takes a mutable param pointer
        // but does not change the spec of a fixed-up parameter.
        let rc = unsafe {
            setf(
                self.msg,
                &self.spec.pvp as *const _ as *mut _,
                sys::EQ_T as i32,
                &mut val,
            )
        };
        rc >= 0
    }

    /// Assigns a string (the variable keeps its own copy); false if the variable is
    /// read-only or the core refuses.
    pub fn set_str(&self, v: &[u8]) -> bool {
        let Some(setf) = self.spec.setf else {
            return false;
        };
        let mut buf = v.to_vec();
        // SAFETY: pv_value_t is plain data; all-zero is its empty value.
        let mut val: sys::pv_value_t = unsafe { std::mem::zeroed() };
        val.rs = crate::str::str_over(&mut buf);
        val.flags = sys::PV_VAL_STR as _;
        // SAFETY: as in `set_int`; `buf` lives across the call and setters copy strings.
        let rc = unsafe {
            setf(
                self.msg,
                &self.spec.pvp as *const _ as *mut _,
                sys::EQ_T as i32,
                &mut val,
            )
        };
        rc >= 0
    }
}

/// The value a module's pseudo-variable yields.
pub enum PvValue<'a> {
    Null,
    Int(i64),
    Str(&'a [u8]),
}

/// Parses the key inside `$name(key)` at start-up: `Some(id)` for a known key.
pub type PvParse = fn(&[u8]) -> Option<i32>;
/// Reads the variable with the parsed key id.
pub type PvGet = for<'m> fn(Option<&mut Msg<'m>>, i32, &mut dyn FnMut(PvValue));

/// Copies a string value into the next slot of the core's ring of PV print buffers (as the
/// core's own variables do), so that one expression may hold several values at once: a
/// transformation over two `$tcp(...)` reads sees both. `None` if it does not fit.
fn ring_copy(s: &[u8]) -> Option<sys::str_> {
    // SAFETY: the core's ring buffer API; each slot holds pv_get_buffer_size() bytes and
    // stays valid until the ring comes round again.
    let (buf, size) = unsafe { (sys::pv_get_buffer(), sys::pv_get_buffer_size()) };
    if buf.is_null() || s.len() >= usize::try_from(size).unwrap_or(0) {
        return None;
    }
    // SAFETY: the slot has room for `s` and a NUL (checked above).
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), s.len());
        *buf.add(s.len()) = 0;
    }
    Some(sys::str_ {
        s: buf,
        len: s.len() as i32,
    })
}

/// Called by trampolines from [`crate::pv!`]: parses `$name(key)`.
///
/// # Safety
/// `sp` and `input` are the pointers the core passes to a `parse_name` function.
#[doc(hidden)]
pub unsafe fn parse_name(
    what: &str,
    sp: *mut sys::pv_spec_t,
    input: *mut sys::str_,
    parse: PvParse,
) -> i32 {
    crate::ffi_guard::guard(what, -1, || {
        // SAFETY: guaranteed by the caller.
        let (Some(sp), Some(input)) = (unsafe { sp.as_mut() }, unsafe { input.as_ref() }) else {
            return -1;
        };
        // SAFETY: the core's str is valid for its length.
        let key = unsafe { crate::str::str_bytes(input) };
        match parse(key) {
            Some(id) => {
                sp.pvp.pvn.type_ = sys::PV_NAME_INTSTR as _;
                // Writing union members is safe; type 0 selects the integer name.
                sp.pvp.pvn.u.isname.type_ = 0;
                sp.pvp.pvn.u.isname.name.n = id as _;
                0
            }
            None => {
                ::log::error!("unknown key in ${what}({})", String::from_utf8_lossy(key));
                -1
            }
        }
    })
}

/// Called by trampolines from [`crate::pv!`]: reads the variable.
///
/// # Safety
/// The pointers are those the core passes to a `getf` function.
#[doc(hidden)]
pub unsafe fn get(
    what: &str,
    msg: *mut sys::sip_msg,
    param: *mut sys::pv_param_t,
    res: *mut sys::pv_value_t,
    getter: PvGet,
) -> i32 {
    crate::ffi_guard::guard(what, -1, || {
        // SAFETY: guaranteed by the caller.
        let Some(p) = (unsafe { param.as_ref() }) else {
            return -1;
        };
        // SAFETY: parse_name above stored an integer name.
        let id = unsafe { p.pvn.u.isname.name.n } as i32;
        /// What the getter gave, kept until its borrow of the message has ended.
        enum Out {
            None,
            Null,
            Int(i64),
            Str(sys::str_),
            TooLong(usize),
        }
        let mut out = Out::None;
        {
            // SAFETY: guaranteed by the caller. `m` (a `&mut sip_msg`) lives only in this
            // block: the raw `msg` is handed back to the core after it has ended.
            let mut m = unsafe { Msg::from_raw(msg) };
            getter(m.as_mut(), id, &mut |v| {
                out = match v {
                    PvValue::Null => Out::Null,
                    PvValue::Int(i) => Out::Int(i),
                    // copied into the core's PV ring buffer, which outlives the core's use
                    // of `res`; no use of the message
                    PvValue::Str(s) => ring_copy(s).map_or(Out::TooLong(s.len()), Out::Str),
                };
            });
        }
        // SAFETY: msg/param/res come from the core; no Rust reference to the message is
        // alive any more.
        unsafe {
            match out {
                Out::None => -1,
                Out::Null => sys::pv_get_null(msg, param, res),
                Out::Int(i) => sys::pv_get_sintval(msg, param, res, i as _),
                Out::Str(mut st) => sys::pv_get_strval(msg, param, res, &mut st),
                Out::TooLong(n) => {
                    ::log::error!("${what}: value of {n} bytes too long");
                    sys::pv_get_null(msg, param, res)
                }
            }
        }
    })
}

/// A pseudo-variable a module exports.
pub struct PvDef {
    pub(crate) name: &'static str,
    pub(crate) get: *const (),
    pub(crate) parse: *const (),
}

impl PvDef {
    /// # Safety
    /// `get` and `parse` are the core's `pv_getf_t` and `pv_parse_name_f` functions (what
    /// [`crate::pv!`] generates).
    #[doc(hidden)]
    pub unsafe fn new(name: &'static str, get: *const (), parse: *const ()) -> Self {
        PvDef { name, get, parse }
    }
}

/// Declares a pseudo-variable `$name(key)`: `pv!("tcp", parse_fn, get_fn)`.
#[macro_export]
macro_rules! pv {
    ($name:literal, $parse:path, $get:path) => {{
        #[allow(unsafe_code)]
        unsafe extern "C" fn parse(
            sp: *mut $crate::sys::pv_spec_t,
            input: *mut $crate::sys::str_,
        ) -> i32 {
            // SAFETY: the core passes the spec being built and the key text.
            unsafe { $crate::export::pv::parse_name($name, sp, input, $parse) }
        }
        #[allow(unsafe_code)]
        unsafe extern "C" fn get(
            msg: *mut $crate::sys::sip_msg,
            param: *mut $crate::sys::pv_param_t,
            res: *mut $crate::sys::pv_value_t,
        ) -> i32 {
            // SAFETY: the core passes the message, the parsed param and the result slot.
            unsafe { $crate::export::pv::get($name, msg, param, res, $get) }
        }
        // SAFETY: `get` and `parse` are the trampolines above, of the core's signatures.
        #[allow(unsafe_code)]
        let p =
            unsafe { $crate::export::pv::PvDef::new($name, get as *const (), parse as *const ()) };
        p
    }};
}
