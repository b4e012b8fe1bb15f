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
    /// [`crate::cfg_const`] hook at fixup time (kind `Lit`).
    StrConst,
}

impl Fixup {
    /// The fixup for parameters of these kinds, in order (a compile-time error in
    /// [`crate::cmd!`] for a combination no core fixup prepares).
    #[doc(hidden)]
    pub const fn of(kinds: &[Kind]) -> Fixup {
        match kinds {
            [] => Fixup::None,
            [Kind::Str, Kind::Pvar] => Fixup::StrPvar,
            [Kind::Lit] => Fixup::StrConst,
            _ => {
                let first = kinds[0] as u8;
                let mut i = 0;
                while i < kinds.len() {
                    if kinds[i] as u8 != first
                        || first == Kind::Pvar as u8
                        || first == Kind::Lit as u8
                    {
                        panic!("cfg parameters must be all Int, all Str, (Str, Pvar) or (Lit)");
                    }
                    i += 1;
                }
                if first == Kind::Int as u8 {
                    Fixup::IntAll
                } else {
                    Fixup::StrAll
                }
            }
        }
    }

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

/// Kinds of cfg function parameters, as named in [`crate::cmd!`]: `Int` (an `i32`), `Str`
/// (a `&[u8]`), `Pvar` (a writable variable, [`PvName`]), `Lit` (a string that may be a
/// literal prepared at fixup time, [`LitStr`]; the only parameter).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Str,
    Pvar,
    Lit,
}

/// A `Lit` parameter: its text, and when it holds no variable its identity, under which the
/// module's [`crate::cfg_const`] hook saw it at fixup time.
#[derive(Clone, Copy)]
pub struct LitStr<'a> {
    pub literal: Option<crate::cfg_const::ParamId>,
    pub text: &'a [u8],
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

/// A writable variable named by a cfg parameter (fixed up once, kept for the whole run);
/// write to it with [`PvName::target`].
#[derive(Clone, Copy)]
pub struct PvName(&'static sys::pv_spec_t);

impl PvName {
    /// The variable as a target for writes on `msg`.
    pub fn target<'a>(self, msg: &'a mut Msg) -> PvTarget<'a> {
        // SAFETY: the spec lives for the whole run (a fixed-up parameter); the message is
        // borrowed mutably for as long as the target.
        unsafe { PvTarget::from_raw(self.0, msg.as_ptr()) }.expect("a non-NULL spec")
    }
}

/// A parameter could not be read (logged where it happened, with its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadParam;

/// The fixed-up parameters of one call, read in order by the code [`crate::cmd!`] generates.
#[doc(hidden)]
pub struct Args<'p> {
    func: &'static str,
    params: &'p [*mut c_char],
}

impl Args<'_> {
    fn param(&self, i: usize) -> *mut c_char {
        // the macro reads exactly the parameters it declared
        self.params[i]
    }

    /// Parameter `i` as an integer (fixed up by `fixup_igp_all`).
    pub fn int(&mut self, m: &mut Msg, i: usize, name: &str) -> Result<i32, BadParam> {
        let v = Self::read_int(m, self.param(i));
        if v.is_none() {
            ::log::error!(
                "{}: invalid parameter '{name}' (must be a number)",
                self.func
            );
        }
        v.ok_or(BadParam)
    }

    fn read_int(m: &mut Msg, gp: *mut c_char) -> Option<i32> {
        let fp: *mut sys::fparam_t = gp.cast();
        // SAFETY: `gp` is the fparam_t the core's fixup made for this parameter.
        if unsafe { (*fp).type_ } == sys::FPARAM_PVS as i32 {
            // A variable's integer is a `long` in 6.0, which the core's get_int_fparam
            // truncates to an int: read it here and refuse what an int cannot hold.
            // SAFETY: plain C data; all-zero is a null value.
            let mut val: sys::pv_value_t = unsafe { std::mem::zeroed() };
            // SAFETY: the spec is the one the fixup parsed; the message is this call's.
            let rc = unsafe { sys::pv_get_spec_value(m.as_ptr(), (*fp).v.pvs, &mut val) };
            let int = (val.flags as u32 & (sys::PV_VAL_NULL | sys::PV_VAL_INT)) == sys::PV_VAL_INT;
            let r = crate::compat::pv_int(val.ri).filter(|_| rc == 0 && int);
            if rc == 0 && val.flags as u32 & (sys::PV_VAL_PKG | sys::PV_VAL_SHM) != 0 {
                // SAFETY: frees what the getter allocated for this value, once.
                unsafe { sys::pv_value_destroy(&mut val) };
            }
            return r;
        }
        let mut v = 0;
        // SAFETY: the parameter is the gparam_t the core's fixup made; the message pointer
        // comes from this call's message.
        let rc = unsafe { sys::get_int_fparam(&mut v, m.as_ptr(), gp.cast()) };
        (rc == 0).then_some(v)
    }

    /// Parameter `i` as bytes (fixed up by `fixup_spve_*`): valid until the next read (the
    /// core may format it into a shared buffer), which the borrow of `self` enforces.
    pub fn str(&mut self, m: &mut Msg, i: usize, name: &str) -> Result<&[u8], BadParam> {
        let mut s = sys::str_ {
            s: std::ptr::null_mut(),
            len: 0,
        };
        // SAFETY: as in `int`; the core fills `s` with a pointer valid for this call.
        let rc = unsafe { sys::get_str_fparam(&mut s, m.as_ptr(), self.param(i).cast()) };
        if rc != 0 {
            ::log::error!("{}: cannot read the {name} parameter", self.func);
            return Err(BadParam);
        }
        // SAFETY: the core returned a string of `len` bytes valid for this call, until the
        // next parameter read.
        Ok(unsafe { crate::str::str_bytes(&s) })
    }

    /// Parameter `i` as a [`LitStr`] (fixed up by [`Fixup::StrConst`]): a literal's text
    /// is read from the fixed-up parameter (no formatting), a variable's as in `str`.
    pub fn lit(&mut self, m: &mut Msg, i: usize, name: &str) -> Result<LitStr<'_>, BadParam> {
        let fp: *const sys::fparam_t = self.param(i).cast();
        // SAFETY: `fp` is the fparam_t the core's fixup made for this parameter.
        if let Some(text) = unsafe { crate::cfg_const::constant_text(fp) } {
            return Ok(LitStr {
                literal: Some(crate::cfg_const::ParamId(fp as usize)),
                text,
            });
        }
        let text = self.str(m, i, name)?;
        Ok(LitStr {
            literal: None,
            text,
        })
    }

    /// Parameter `i` as a writable variable (the second parameter of `fixup_spve_pvar`).
    pub fn pvar(&mut self, _m: &mut Msg, i: usize, name: &str) -> Result<PvName, BadParam> {
        // SAFETY: the core's fixup turned this parameter into a pv_spec_t kept for the
        // whole run (or left it NULL).
        match unsafe { self.param(i).cast::<sys::pv_spec_t>().as_ref() } {
            Some(spec) => Ok(PvName(spec)),
            None => {
                ::log::error!("{}: no variable in the {name} parameter", self.func);
                Err(BadParam)
            }
        }
    }
}

/// Runs a cfg function body for a trampoline generated by [`crate::cmd!`]: the message and
/// the parameters, then the body's return code (never 0, which would end the route).
///
/// # Safety
/// `msg` is NULL or the message Kamailio passed; `params` are the fixed-up parameters, as
/// many as the function declared.
#[doc(hidden)]
pub unsafe fn dispatch(
    name: &'static str,
    msg: *mut sys::sip_msg,
    params: &[*mut c_char],
    body: impl FnOnce(&mut Msg, &mut Args) -> Result<i32, BadParam>,
) -> i32 {
    crate::ffi_guard::guard(name, -1, || {
        // SAFETY: guaranteed by the caller.
        let Some(mut m) = (unsafe { Msg::from_raw(msg) }) else {
            ::log::error!("{name}: called without a message");
            return -1;
        };
        let mut args = Args { func: name, params };
        match body(&mut m, &mut args) {
            Ok(0) => {
                ::log::error!("{name}: internal error, returned 0; returning -1 instead");
                -1
            }
            Ok(rc) => rc,
            Err(BadParam) => -1,
        }
    })
}

/// The trampoline Kamailio calls: its C parameters are the declared ones (at least two, as
/// the core always passes two).
#[doc(hidden)]
#[macro_export]
macro_rules! cmd_tramp {
    ($name:literal, $read:expr; ) => {
        $crate::cmd_tramp!(@def $name, $read; (); _p1 _p2);
    };
    ($name:literal, $read:expr; $a:ident) => {
        $crate::cmd_tramp!(@def $name, $read; ($a); _p2);
    };
    ($name:literal, $read:expr; $($a:ident)+) => {
        $crate::cmd_tramp!(@def $name, $read; ($($a)+); );
    };
    (@def $name:literal, $read:expr; ($($a:ident)*); $($pad:ident)*) => {
        #[allow(unsafe_code)]
        unsafe extern "C" fn tramp(
            msg: *mut $crate::sys::sip_msg,
            $($a: *mut ::std::ffi::c_char,)*
            $($pad: *mut ::std::ffi::c_char,)*
        ) -> ::std::ffi::c_int {
            // SAFETY: Kamailio passes the message and the parameters its fixup prepared, as
            // many as the export declares.
            unsafe { $crate::cfg::dispatch($name, msg, &[$($a),*], $read) }
        }
    };
}

/// Reads the declared parameters in order into bindings of their names: each `Str` but the
/// last is copied (a later read may reuse the core's buffer), the last is borrowed (also
/// before a `Pvar`, which is read first).
#[doc(hidden)]
#[macro_export]
macro_rules! cmd_read {
    ($m:ident, $args:ident, $i:expr; ) => {};
    ($m:ident, $args:ident, $i:expr; $a:ident : Str) => {
        let $a = $args.str($m, $i, stringify!($a))?;
    };
    // a variable target needs no core call to read: take it first, so the string can stay
    // borrowed (no copy)
    ($m:ident, $args:ident, $i:expr; $a:ident : Str, $b:ident : Pvar) => {
        let $b = $args.pvar($m, $i + 1, stringify!($b))?;
        let $a = $args.str($m, $i, stringify!($a))?;
    };
    ($m:ident, $args:ident, $i:expr; $a:ident : Str, $($rest:tt)+) => {
        let $a = $args.str($m, $i, stringify!($a))?.to_vec();
        $crate::cmd_read!($m, $args, $i + 1; $($rest)+);
    };
    ($m:ident, $args:ident, $i:expr; $a:ident : Lit) => {
        let $a = $args.lit($m, $i, stringify!($a))?;
    };
    ($m:ident, $args:ident, $i:expr; $a:ident : Int $(, $($rest:tt)+)?) => {
        let $a = $args.int($m, $i, stringify!($a))?;
        $crate::cmd_read!($m, $args, $i + 1; $($($rest)+)?);
    };
    ($m:ident, $args:ident, $i:expr; $a:ident : Pvar $(, $($rest:tt)+)?) => {
        let $a = $args.pvar($m, $i, stringify!($a))?;
        $crate::cmd_read!($m, $args, $i + 1; $($($rest)+)?);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! cmd_pass {
    (Str, $v:ident) => {
        &$v[..]
    };
    ($ty:ident, $v:ident) => {
        $v
    };
}

/// Declares a cfg function from its typed parameter list, as [`crate::kemi!`] does:
/// `cmd!("name", body, (conid: Int, uri: Str), routes::ANY)` exports `name` with two
/// parameters, the core fixup their kinds need, and a trampoline that reads them in order
/// and calls `body(&mut Msg, i32, &[u8]) -> i32`. The arity, the fixup, the reads and the
/// body's signature all come from the one list, so they cannot disagree. Kinds: `Int`
/// (`i32`), `Str` (`&[u8]`), `Pvar` ([`PvName`], after a `Str`); a bad parameter is logged
/// with its name and the function returns -1.
///
/// ```compile_fail
/// use kamailio::cfg::routes;
/// fn body(_m: &mut kamailio::Msg, _a: i32) -> i32 { 1 }
/// // The body's signature must match the declared parameters.
/// let c = kamailio::cmd!("f", body, (a: Int, b: Int), routes::ANY);
/// ```
#[macro_export]
macro_rules! cmd {
    ($name:literal, $body:path, ($($arg:ident : $ty:ident),* $(,)?), $flags:expr) => {{
        $crate::cmd_tramp!($name, |m: &mut $crate::Msg, args: &mut $crate::cfg::Args| {
            $crate::cmd_read!(m, args, 0usize; $($arg : $ty),*);
            Ok($body(m $(, $crate::cmd_pass!($ty, $arg))*))
        }; $($arg)*);
        const KINDS: &[$crate::cfg::Kind] = &[$($crate::cfg::Kind::$ty),*];
        const FIXUP: $crate::cfg::Fixup = $crate::cfg::Fixup::of(KINDS);
        const N: u8 = KINDS.len() as u8;
        // SAFETY: `tramp` is a cfg function taking the N parameters that FIXUP prepares.
        #[allow(unsafe_code)]
        let c = unsafe { $crate::module::Cmd::new($name, tramp as *const (), N, FIXUP, $flags) };
        c
    }};
}
