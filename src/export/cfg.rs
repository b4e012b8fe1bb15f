//! cfg functions: their parameters (through the core's own fixups, so literal values and
//! `$var`/`$avp` values work exactly as in every C module) and the trampolines that Kamailio
//! calls.

use std::any::Any;
use std::ffi::c_char;
use std::mem::MaybeUninit;

use crate::export::pv::PvTarget;
use crate::msg::Msg;
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
    /// [`crate::export::cfg_const`] hook at fixup time (kind `Lit`).
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
                Some(crate::export::cfg_const::fixup_spve_const),
                Some(crate::export::cfg_const::free_spve_const),
            ),
        }
    }
}

/// Kinds of cfg function parameters, as named in [`crate::cmd!`]: `Int` (an `i32`), `Str`
/// (a `&[u8]`), `Pvar` (a writable variable, [`PvName`]), `Lit` (a string that may be a
/// literal prepared at fixup time, [`LitStr`]; the only parameter, and the body gets no
/// message).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Str,
    Pvar,
    Lit,
}

/// A `Lit` parameter: its text, and when it holds no variable what the module's
/// [`crate::export::cfg_const`] hook prepared from it at fixup time.
#[derive(Clone, Copy)]
pub struct LitStr<'a> {
    pub prepared: Option<&'a dyn Any>,
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
    #[inline]
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

    #[inline]
    fn read_int(m: &mut Msg, gp: *mut c_char) -> Option<i32> {
        let fp: *mut sys::fparam_t = gp.cast();
        // SAFETY: `gp` is the fparam_t the core's fixup made for this parameter.
        let kind = unsafe { (*fp).type_ };
        if kind == sys::FPARAM_INT as i32 {
            // a constant: what get_int_fparam returns for it, without the call
            // SAFETY: an FPARAM_INT parameter holds its integer.
            return Some(unsafe { (*fp).v.i });
        }
        if kind == sys::FPARAM_PVS as i32 {
            // A variable's integer is a `long` in 6.0, which the core's get_int_fparam
            // truncates to an int: read it here and refuse what an int cannot hold.
            // SAFETY: an FPARAM_PVS parameter holds the spec its fixup parsed (kept for the run).
            let v = VarValue::get(m, unsafe { (*fp).v.pvs })?;
            let flags = v.val.flags as u32;
            let int = flags & (sys::PV_VAL_NULL | sys::PV_VAL_INT) == sys::PV_VAL_INT;
            return crate::compat::pv_int(v.val.ri).filter(|_| int);
        }
        let mut v = 0;
        // SAFETY: the parameter is the gparam_t the core's fixup made; the message pointer
        // comes from this call's message.
        let rc = unsafe { sys::get_int_fparam(&mut v, m.as_ptr(), gp.cast()) };
        (rc == 0).then_some(v)
    }

    /// Parameter `i` as bytes (fixed up by `fixup_spve_*`), copied: the core may hand back a
    /// variable's own buffer (`"$var(x)"`), which a write to that variable (a [`PvTarget`]
    /// in the body) frees, or format it into a shared buffer that the next read reuses.
    pub fn str<'b>(
        &mut self,
        m: &mut Msg,
        i: usize,
        name: &str,
        buf: &'b mut StrBuf,
    ) -> Result<&'b [u8], BadParam> {
        let gp = self.param(i);
        let text = match Self::sole_variable(gp) {
            Some(spec) => VarValue::read(m, spec).map(|v| buf.fill(v.text())),
            None => Self::read_formatted(m, gp, buf),
        };
        text.map_err(|BadParam| {
            ::log::error!("{}: cannot read the {name} parameter", self.func);
            BadParam
        })
    }

    /// A parameter as the core's `get_str_fparam` formats it, copied into `buf`.
    fn read_formatted<'b>(
        m: &mut Msg,
        gp: *mut c_char,
        buf: &'b mut StrBuf,
    ) -> Result<&'b [u8], BadParam> {
        let mut s = sys::str_ {
            s: std::ptr::null_mut(),
            len: 0,
        };
        // SAFETY: `gp` is the fparam_t the core's fixup made for this parameter; the core
        // fills `s` with a pointer valid for this call.
        if unsafe { sys::get_str_fparam(&mut s, m.as_ptr(), gp.cast()) } != 0 {
            return Err(BadParam);
        }
        // SAFETY: the core returned a string of `len` bytes valid until the next core call;
        // it is copied at once.
        Ok(buf.fill(unsafe { crate::str::str_bytes(&s) }))
    }

    /// The variable of a parameter that is one variable and nothing else (`"$var(d)"`):
    /// [`VarValue::read`] reads it without the core formatting it first.
    #[inline]
    fn sole_variable(gp: *mut c_char) -> Option<*mut sys::pv_spec_t> {
        let fp: *const sys::fparam_t = gp.cast();
        // SAFETY: `gp` is the fparam_t the core's fixup made for this parameter; an
        // FPARAM_PVE parameter holds its parsed format (kept for the run) in `v.pve`.
        let elem = unsafe {
            if (*fp).type_ != sys::FPARAM_PVE as i32 {
                return None;
            }
            (*fp).v.pve.as_ref()?
        };
        let sole = elem.text.len == 0 && elem.next.is_null() && !elem.spec.is_null();
        // SAFETY: a non-NULL spec of the parsed format, kept for the run.
        (sole && unsafe { (*elem.spec).type_ } != sys::PVT_NONE).then_some(elem.spec)
    }

    /// Parameter `i` as a [`LitStr`] (fixed up by [`Fixup::StrConst`]): a constant's text
    /// and what the module prepared from it, kept with the parameter; a sole variable's value
    /// read in place (the body gets no message, so nothing can change the variable while it
    /// runs); any other form formatted by the core and copied, as in `str`.
    #[inline]
    pub fn lit<'b>(
        &mut self,
        m: &mut Msg,
        i: usize,
        name: &str,
        buf: &'b mut LitBuf,
    ) -> Result<LitStr<'b>, BadParam> {
        // SAFETY: the slot holds the ConstParam that Fixup::StrConst's fixup made for this
        // parameter, kept for as long as the action.
        let cp = unsafe { &*self.param(i).cast::<crate::export::cfg_const::ConstParam>() };
        if let Some((text, prepared)) = cp.constant() {
            return Ok(LitStr {
                prepared: Some(prepared),
                text,
            });
        }
        let gp: *mut c_char = cp.fparam().cast();
        let text = match Self::sole_variable(gp) {
            Some(spec) => buf.read_variable(m, spec),
            None => Self::read_formatted(m, gp, &mut buf.copy),
        };
        match text {
            Ok(text) => Ok(LitStr {
                prepared: None,
                text,
            }),
            Err(BadParam) => {
                ::log::error!("{}: cannot read the {name} parameter", self.func);
                Err(BadParam)
            }
        }
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

/// Room for a `Str` parameter's bytes, copied out of the core's buffer before the body runs:
/// on the stack up to [`StrBuf::INLINE`] bytes, on the heap beyond. The trampoline makes one
/// per parameter and [`Args::str`] fills it in place (a stack buffer is never moved).
#[doc(hidden)]
pub struct StrBuf {
    /// Not zeroed first: a parameter is read on every call.
    inline: [MaybeUninit<u8>; StrBuf::INLINE],
    heap: Vec<u8>,
}

impl StrBuf {
    /// Longest parameter kept on the stack.
    pub const INLINE: usize = 256;

    #[inline]
    pub fn new() -> StrBuf {
        StrBuf {
            inline: [MaybeUninit::uninit(); StrBuf::INLINE],
            heap: Vec::new(),
        }
    }

    /// Copies `b` in and returns the copy.
    #[inline]
    fn fill(&mut self, b: &[u8]) -> &[u8] {
        if b.len() > StrBuf::INLINE {
            self.heap = b.to_vec();
            return &self.heap;
        }
        let dst = &mut self.inline[..b.len()];
        for (d, s) in dst.iter_mut().zip(b) {
            d.write(*s);
        }
        // SAFETY: the first `b.len()` bytes were just initialised.
        unsafe { std::slice::from_raw_parts(dst.as_ptr().cast(), b.len()) }
    }
}

impl Default for StrBuf {
    fn default() -> StrBuf {
        StrBuf::new()
    }
}

/// A variable's value as the core's getter returned it, freed (when the getter allocated
/// it) on drop.
struct VarValue {
    val: sys::pv_value_t,
}

impl VarValue {
    /// What the core's `get_str_fparam` gives for a parameter that is only `spec` (a null
    /// value reads `<null>`, a failing getter nothing, a value that would not fit the core's
    /// format buffer is an error), without the core formatting it first.
    fn read(m: &mut Msg, spec: *mut sys::pv_spec_t) -> Result<VarValue, BadParam> {
        // a failing getter: the core formats nothing for it
        let v = VarValue::get(m, spec).unwrap_or(VarValue { val: EMPTY_VALUE });
        // SAFETY: the core's format buffer size (a plain getter).
        let room = i64::from(unsafe { sys::pv_get_buffer_size() });
        if (v.text().len() as i64) < room {
            Ok(v)
        } else {
            Err(BadParam)
        }
    }

    /// The variable's value; `None` if its getter failed.
    #[inline]
    fn get(m: &mut Msg, spec: *mut sys::pv_spec_t) -> Option<VarValue> {
        let mut val = MaybeUninit::<sys::pv_value_t>::uninit();
        // SAFETY: the spec is the one the fixup parsed (non-NULL); the message is this call's.
        // The core clears the value before its getter fills it.
        if unsafe { sys::pv_get_spec_value(m.as_ptr(), spec, val.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: pv_get_spec_value succeeded, so the value is initialised.
        let val = unsafe { val.assume_init() };
        Some(VarValue { val })
    }

    fn text(&self) -> &[u8] {
        if self.val.flags as u32 & sys::PV_VAL_NULL != 0 {
            return b"<null>";
        }
        // SAFETY: a string value the getter returned (or the empty one), valid until the
        // message or the variable changes, which nothing does while `self` is borrowed.
        unsafe { crate::str::str_bytes(&self.val.rs) }
    }
}

/// An empty string value that owns nothing.
const EMPTY_VALUE: sys::pv_value_t = {
    // SAFETY: plain C data; all-zero is an empty value without flags.
    unsafe { std::mem::zeroed() }
};

impl Drop for VarValue {
    fn drop(&mut self) {
        if self.val.flags as u32 & (sys::PV_VAL_PKG | sys::PV_VAL_SHM) != 0 {
            // SAFETY: frees what the getter allocated for this value, once.
            unsafe { sys::pv_value_destroy(&mut self.val) };
        }
    }
}

/// Where [`Args::lit`] reads a `Lit` parameter that is not a constant: a sole variable's
/// value in place, any other form as a copy.
#[doc(hidden)]
#[derive(Default)]
pub struct LitBuf {
    var: Option<VarValue>,
    copy: StrBuf,
}

impl LitBuf {
    #[inline]
    pub fn new() -> LitBuf {
        LitBuf::default()
    }

    fn read_variable(&mut self, m: &mut Msg, spec: *mut sys::pv_spec_t) -> Result<&[u8], BadParam> {
        Ok(self.var.insert(VarValue::read(m, spec)?).text())
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
            unsafe { $crate::export::cfg::dispatch($name, msg, &[$($a),*], $read) }
        }
    };
}

/// Reads the declared parameters in order into bindings of their names; each `Str` is
/// copied ([`Args::str`]), so the body may write any variable while it holds them.
#[doc(hidden)]
#[macro_export]
macro_rules! cmd_read {
    ($m:ident, $args:ident, $i:expr; ) => {};
    ($m:ident, $args:ident, $i:expr; $a:ident : Str $(, $($rest:tt)+)?) => {
        // the buffer, then the copy in it under the same name
        let mut $a = $crate::export::cfg::StrBuf::new();
        let $a = $args.str($m, $i, stringify!($a), &mut $a)?;
        $crate::cmd_read!($m, $args, $i + 1; $($($rest)+)?);
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
    ($ty:ident, $v:ident) => {
        $v
    };
}

/// Declares a cfg function from its typed parameter list, as [`crate::kemi!`] does:
/// `cmd!("name", body, (conid: Int, uri: Str), routes::ANY)` exports `name` with two
/// parameters, the core fixup their kinds need, and a trampoline that reads them in order
/// and calls `body(&mut Msg, i32, &[u8]) -> i32`. The arity, the fixup, the reads and the
/// body's signature all come from the one list, so they cannot disagree. Kinds: `Int`
/// (`i32`), `Str` (`&[u8]`), `Pvar` ([`PvName`], after a `Str`), or one `Lit` ([`LitStr`],
/// `body(LitStr) -> i32`: no message, so a variable's text can be lent in place); a bad
/// parameter is logged with its name and the function returns -1.
///
/// ```compile_fail,E0061
/// use kamailio::cfg::{routes, LitStr};
/// // A Lit body gets no message: it cannot write the variable it was lent.
/// fn body(_m: &mut kamailio::Msg, _d: LitStr) -> i32 { 1 }
/// let c = kamailio::cmd!("f", body, (d: Lit), routes::ANY);
/// ```
///
/// ```compile_fail,E0061
/// use kamailio::cfg::routes;
/// fn body(_m: &mut kamailio::Msg, _a: i32) -> i32 { 1 }
/// // The body's signature must match the declared parameters.
/// let c = kamailio::cmd!("f", body, (a: Int, b: Int), routes::ANY);
/// ```
#[macro_export]
macro_rules! cmd {
    // a sole `Lit` parameter: the body gets no message (the text may be read in place)
    ($name:literal, $body:path, ($arg:ident : Lit), $flags:expr) => {{
        $crate::cmd_tramp!($name, |m: &mut $crate::Msg, args: &mut $crate::export::cfg::Args| {
            let mut buf = $crate::export::cfg::LitBuf::new();
            let $arg = args.lit(m, 0, stringify!($arg), &mut buf)?;
            Ok($body($arg))
        }; $arg);
        $crate::cmd_export!($name, $flags; Lit)
    }};
    ($name:literal, $body:path, ($($arg:ident : $ty:ident),* $(,)?), $flags:expr) => {{
        $crate::cmd_tramp!($name, |m: &mut $crate::Msg, args: &mut $crate::export::cfg::Args| {
            $crate::cmd_read!(m, args, 0usize; $($arg : $ty),*);
            Ok($body(m $(, $crate::cmd_pass!($ty, $arg))*))
        }; $($arg)*);
        $crate::cmd_export!($name, $flags; $($ty)*)
    }};
}

/// The export of a [`crate::cmd!`] function whose trampoline `tramp` takes parameters of
/// these kinds.
#[doc(hidden)]
#[macro_export]
macro_rules! cmd_export {
    ($name:literal, $flags:expr; $($ty:ident)*) => {{
        const KINDS: &[$crate::export::cfg::Kind] = &[$($crate::export::cfg::Kind::$ty),*];
        const FIXUP: $crate::export::cfg::Fixup = $crate::export::cfg::Fixup::of(KINDS);
        const N: u8 = KINDS.len() as u8;
        // SAFETY: `tramp` is a cfg function taking the N parameters that FIXUP prepares.
        #[allow(unsafe_code)]
        let c = unsafe { $crate::export::module::Cmd::new($name, tramp as *const (), N, FIXUP, $flags) };
        c
    }};
}

#[cfg(test)]
mod tests {
    use super::StrBuf;

    #[test]
    fn str_params_are_copies_on_the_stack_or_the_heap() {
        for n in [
            0,
            1,
            StrBuf::INLINE - 1,
            StrBuf::INLINE,
            StrBuf::INLINE + 1,
            5000,
        ] {
            let mut src: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            let mut buf = StrBuf::new();
            let p = buf.fill(&src);
            assert_eq!(p, &src[..], "{n} bytes");
            // the copy does not alias the source: overwriting (or freeing) it changes nothing
            let want = src.clone();
            src.iter_mut().for_each(|b| *b = b.wrapping_add(1));
            drop(src);
            assert_eq!(p, &want[..], "{n} bytes");
            assert_eq!(buf.heap.is_empty(), n <= StrBuf::INLINE, "{n} bytes");
        }
    }
}
