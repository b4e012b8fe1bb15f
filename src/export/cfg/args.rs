//! Reading the fixed-up parameters of one call, in the order the cfg function declares them.

use std::ffi::c_char;

use super::buf::{fits_format, LitBuf, StrBuf, VarValue};
use super::scriptvar;
use super::{LitStr, PvName};
use crate::export::cfg_const::{ConstParam, Prepare};
use crate::msg::Msg;
use crate::sys;

/// A parameter could not be read (logged where it happened, with its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadParam;

/// The fixed-up parameters of one call, read in order by the code [`crate::cmd!`] generates.
#[doc(hidden)]
pub struct Args<'p> {
    pub(super) func: &'static str,
    pub(super) params: &'p [*mut c_char],
}

impl Args<'_> {
    fn param(&self, i: usize) -> *mut c_char {
        // the macro reads exactly the parameters it declared
        self.params[i]
    }

    /// Parameter `i` as an integer (fixed up by `fixup_igp_all`).
    #[inline(always)]
    pub fn int(&mut self, m: &mut Msg, i: usize, name: &str) -> Result<i32, BadParam> {
        let gp = self.param(i);
        let fp: *mut sys::fparam_t = gp.cast();
        // SAFETY: `gp` is the fparam_t the core's fixup made for this parameter.
        if unsafe { (*fp).type_ } == sys::FPARAM_INT as i32 {
            // a constant: what get_int_fparam returns for it, without the call
            // SAFETY: an FPARAM_INT parameter holds its integer.
            return Ok(unsafe { (*fp).v.i });
        }
        Self::read_int(m, gp).ok_or_else(|| self.bad_int(name))
    }

    #[cold]
    #[inline(never)]
    fn bad_int(&self, name: &str) -> BadParam {
        ::log::error!(
            "{}: invalid parameter '{name}' (must be a number)",
            self.func
        );
        BadParam
    }

    /// A parameter that is not a constant, as an integer.
    #[inline]
    fn read_int(m: &mut Msg, gp: *mut c_char) -> Option<i32> {
        let fp: *mut sys::fparam_t = gp.cast();
        // SAFETY: `gp` is the fparam_t the core's fixup made for this parameter.
        if unsafe { (*fp).type_ } == sys::FPARAM_PVS as i32 {
            // A variable's integer is a `long` in 6.0, which the core's get_int_fparam
            // truncates to an int: read it here and refuse what an int cannot hold.
            // SAFETY: an FPARAM_PVS parameter holds the spec its fixup parsed (kept for the run).
            let spec = unsafe { (*fp).v.pvs };
            // SAFETY: that spec is non-NULL and not changed while the cfg runs.
            if let Some(v) = scriptvar::value_of(unsafe { &*spec }) {
                return crate::compat::pv_int(v.int()?);
            }
            let v = VarValue::get(m, spec)?;
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
            // SAFETY: a sole variable's spec, non-NULL and kept for the run.
            Some(spec) => match scriptvar::value_of(unsafe { &*spec }) {
                Some(v) => v.with_text(|t| fits_format(t).map(|t| buf.fill(t))),
                None => VarValue::read(m, spec).map(|v| buf.fill(v.text())),
            },
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

    /// Parameter `i` as a [`LitStr`] (fixed up by [`Fixup::str_const::<T>`](super::Fixup::str_const)): a constant's
    /// text and the `T` prepared from it, kept with the parameter; a sole variable's value
    /// read in place (the body gets no message, so nothing can change the variable while it
    /// runs); any other form formatted by the core and copied, as in `str`.
    #[inline]
    ///
    /// # Safety
    /// The function was exported with [`Fixup::str_const::<T>`](super::Fixup::str_const) (as [`crate::cmd!`] does for
    /// `Lit<T>`): the slot holds the `ConstParam<T>` its fixup made.
    pub unsafe fn lit<'b, T: Prepare>(
        &mut self,
        m: &mut Msg,
        i: usize,
        name: &str,
        buf: &'b mut LitBuf,
    ) -> Result<LitStr<'b, T>, BadParam> {
        // SAFETY: guaranteed by the caller: the slot holds the ConstParam<T> that
        // Fixup::str_const::<T>'s fixup made for this parameter, kept as long as the action.
        let cp = unsafe { &*self.param(i).cast::<ConstParam<T>>() };
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
