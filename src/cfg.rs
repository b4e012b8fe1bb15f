//! cfg functions: their parameters (through the core's own fixups, so literal values and
//! `$var`/`$avp` values work exactly as in every C module) and the trampolines that Kamailio
//! calls.

use std::ffi::c_char;

use crate::msg::Msg;
use crate::pv::PvTarget;
use crate::sys;

/// How Kamailio prepares ("fixes up") a cfg function's parameters at start-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixup {
    /// No parameters.
    None,
    /// Every parameter an integer or a variable (`fixup_igp_all`).
    IntAll,
    /// Every parameter a string with variables (`fixup_spve_all`).
    StrAll,
    /// A string with variables, then a writable variable name (`fixup_spve_pvar`).
    StrPvar,
    /// As [`Fixup::StrAll`]; a parameter without variables is also handed to the module's
    /// [`crate::cfg_const`] hook at fixup time.
    StrConst,
}

impl Fixup {
    pub(crate) fn functions(self) -> (sys::fixup_function, sys::free_fixup_function) {
        match self {
            Fixup::None => (None, None),
            Fixup::IntAll => (Some(sys::fixup_igp_all), Some(sys::fixup_free_igp_all)),
            Fixup::StrAll => (Some(sys::fixup_spve_all), Some(sys::fixup_free_spve_all)),
            Fixup::StrPvar => (Some(sys::fixup_spve_pvar), Some(sys::fixup_free_spve_pvar)),
            Fixup::StrConst => (
                Some(crate::cfg_const::fixup_spve_const),
                Some(sys::fixup_free_spve_all),
            ),
        }
    }
}

/// Where a cfg function may be used (`REQUEST_ROUTE | ...`).
pub mod routes {
    use crate::sys;
    pub const REQUEST: u32 = sys::REQUEST_ROUTE;
    pub const FAILURE: u32 = sys::FAILURE_ROUTE;
    pub const ONREPLY: u32 = sys::ONREPLY_ROUTE;
    pub const BRANCH: u32 = sys::BRANCH_ROUTE;
    pub const ONSEND: u32 = sys::ONSEND_ROUTE;
    pub const ANY: u32 = sys::ANY_ROUTE;
}

/// Why a parameter could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamError {
    pub index: usize,
}

/// One call of a cfg function: the message and the fixed-up parameters.
pub struct Call<'a> {
    msg: Option<Msg<'a>>,
    params: &'a [*mut c_char],
}

impl<'a> Call<'a> {
    /// The message the function runs on (`None` only in the rare contexts without one).
    pub fn msg(&mut self) -> Option<&mut Msg<'a>> {
        self.msg.as_mut()
    }

    fn msg_ptr(&mut self) -> *mut sys::sip_msg {
        self.msg
            .as_mut()
            .map_or(std::ptr::null_mut(), |m| m.as_ptr())
    }

    /// Identity of fixed-up parameter `i` (for [`Fixup::StrConst`]: see [`crate::cfg_const`]).
    pub fn param_id(&self, i: usize) -> Option<crate::cfg_const::ParamId> {
        self.params
            .get(i)
            .map(|p| crate::cfg_const::ParamId(*p as usize))
    }

    /// Parameter `i` as an integer (fixed up by [`Fixup::IntAll`]).
    pub fn int(&mut self, i: usize) -> Result<i32, ParamError> {
        let gp = *self.params.get(i).ok_or(ParamError { index: i })?;
        let fp: *mut sys::fparam_t = gp.cast();
        // SAFETY: `gp` is the fparam_t the core's fixup made for this parameter.
        if unsafe { (*fp).type_ } == sys::FPARAM_PVS as i32 {
            // A variable's integer is a `long` in 6.0, which the core's get_int_fparam
            // truncates to an int: read it here and refuse what an int cannot hold.
            // SAFETY: plain C data; all-zero is a null value.
            let mut val: sys::pv_value_t = unsafe { std::mem::zeroed() };
            // SAFETY: the spec is the one the fixup parsed; the message is this call's.
            let rc = unsafe { sys::pv_get_spec_value(self.msg_ptr(), (*fp).v.pvs, &mut val) };
            let int = (val.flags as u32 & (sys::PV_VAL_NULL | sys::PV_VAL_INT)) == sys::PV_VAL_INT;
            let r = match crate::compat::pv_int(val.ri) {
                Some(v) if rc == 0 && int => Ok(v),
                _ => Err(ParamError { index: i }),
            };
            if rc == 0 && val.flags as u32 & (sys::PV_VAL_PKG | sys::PV_VAL_SHM) != 0 {
                // SAFETY: frees what the getter allocated for this value, once.
                unsafe { sys::pv_value_destroy(&mut val) };
            }
            return r;
        }
        let mut v = 0;
        // SAFETY: `gp` is the gparam_t the core's fixup made for this parameter; the message
        // pointer is the one Kamailio passed (or NULL, which the core accepts for constants).
        let rc = unsafe { sys::get_int_fparam(&mut v, self.msg_ptr(), gp.cast()) };
        if rc == 0 {
            Ok(v)
        } else {
            Err(ParamError { index: i })
        }
    }

    /// Parameter `i` as bytes (fixed up by [`Fixup::StrAll`] or [`Fixup::StrPvar`]); valid
    /// until the next parameter read of this call.
    pub fn str(&mut self, i: usize) -> Result<&[u8], ParamError> {
        let gp = *self.params.get(i).ok_or(ParamError { index: i })?;
        let mut s = sys::str_ {
            s: std::ptr::null_mut(),
            len: 0,
        };
        // SAFETY: as in `int`; the core fills `s` with a pointer valid for this call.
        let rc = unsafe { sys::get_str_fparam(&mut s, self.msg_ptr(), gp.cast()) };
        if rc != 0 {
            return Err(ParamError { index: i });
        }
        // SAFETY: the core returned a string of `len` bytes that outlives this call.
        Ok(unsafe { crate::kemi::str_bytes(&s) })
    }

    /// Parameter `i` as a variable to write (the second parameter of [`Fixup::StrPvar`]).
    pub fn pv_target(&mut self, i: usize) -> Result<PvTarget<'_>, ParamError> {
        let spec = *self.params.get(i).ok_or(ParamError { index: i })?;
        let msg = self.msg_ptr();
        // SAFETY: the core's fixup turned this parameter into a pv_spec_t kept for the
        // whole run; the message pointer is the one of this call.
        unsafe { PvTarget::from_raw(spec.cast(), msg) }.ok_or(ParamError { index: i })
    }
}

/// A cfg function's Rust body: returns the cfg return code (never 0, which ends the route).
pub type CmdBody = fn(&mut Call) -> i32;

/// Runs a cfg function body for a trampoline generated by [`crate::cmd!`].
///
/// # Safety
/// `msg` is NULL or the message Kamailio passed; `params` are the fixed-up parameters.
#[doc(hidden)]
pub unsafe fn dispatch(
    name: &str,
    msg: *mut sys::sip_msg,
    params: &[*mut c_char],
    body: CmdBody,
) -> i32 {
    crate::ffi_guard::guard(name, -1, || {
        // SAFETY: guaranteed by the caller.
        let msg = unsafe { Msg::from_raw(msg) };
        let mut call = Call { msg, params };
        let rc = body(&mut call);
        if rc == 0 {
            ::log::error!("{name}: internal error, returned 0; returning -1 instead");
            -1
        } else {
            rc
        }
    })
}

/// Declares a cfg function: `cmd!("name", body, N, Fixup::IntAll, routes::ANY)` with N in 0..=4.
#[macro_export]
macro_rules! cmd {
    ($name:literal, $body:path, 0, $fixup:expr, $flags:expr) => {{
        #[allow(unsafe_code)]
        unsafe extern "C" fn tramp(
            msg: *mut $crate::sys::sip_msg,
            _p1: *mut ::std::ffi::c_char,
            _p2: *mut ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            // SAFETY: Kamailio passes the message of this call.
            unsafe { $crate::cfg::dispatch($name, msg, &[], $body) }
        }
        $crate::module::Cmd::new($name, tramp as *const (), 0, $fixup, $flags)
    }};
    ($name:literal, $body:path, 1, $fixup:expr, $flags:expr) => {{
        #[allow(unsafe_code)]
        unsafe extern "C" fn tramp(
            msg: *mut $crate::sys::sip_msg,
            p1: *mut ::std::ffi::c_char,
            _p2: *mut ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            // SAFETY: Kamailio passes the message and the fixed-up parameter.
            unsafe { $crate::cfg::dispatch($name, msg, &[p1], $body) }
        }
        $crate::module::Cmd::new($name, tramp as *const (), 1, $fixup, $flags)
    }};
    ($name:literal, $body:path, 2, $fixup:expr, $flags:expr) => {{
        #[allow(unsafe_code)]
        unsafe extern "C" fn tramp(
            msg: *mut $crate::sys::sip_msg,
            p1: *mut ::std::ffi::c_char,
            p2: *mut ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            // SAFETY: Kamailio passes the message and the fixed-up parameters.
            unsafe { $crate::cfg::dispatch($name, msg, &[p1, p2], $body) }
        }
        $crate::module::Cmd::new($name, tramp as *const (), 2, $fixup, $flags)
    }};
    ($name:literal, $body:path, 3, $fixup:expr, $flags:expr) => {{
        #[allow(unsafe_code)]
        unsafe extern "C" fn tramp(
            msg: *mut $crate::sys::sip_msg,
            p1: *mut ::std::ffi::c_char,
            p2: *mut ::std::ffi::c_char,
            p3: *mut ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            // SAFETY: Kamailio passes the message and the fixed-up parameters.
            unsafe { $crate::cfg::dispatch($name, msg, &[p1, p2, p3], $body) }
        }
        $crate::module::Cmd::new($name, tramp as *const (), 3, $fixup, $flags)
    }};
    ($name:literal, $body:path, 4, $fixup:expr, $flags:expr) => {{
        #[allow(unsafe_code)]
        unsafe extern "C" fn tramp(
            msg: *mut $crate::sys::sip_msg,
            p1: *mut ::std::ffi::c_char,
            p2: *mut ::std::ffi::c_char,
            p3: *mut ::std::ffi::c_char,
            p4: *mut ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            // SAFETY: Kamailio passes the message and the fixed-up parameters.
            unsafe { $crate::cfg::dispatch($name, msg, &[p1, p2, p3, p4], $body) }
        }
        $crate::module::Cmd::new($name, tramp as *const (), 4, $fixup, $flags)
    }};
}
