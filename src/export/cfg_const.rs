//! Constant string parameters known at fixup time (`Lit<T>` in [`crate::cmd!`]).
//!
//! The parameter is fixed up by the core's `fixup_spve_all`, as a `Str` parameter, so
//! variables keep working. When the parameter holds no variable at all (a literal such as
//! `ka_is_alive("10.0.0.1:5060")`), `T` is prepared from its text ([`Prepare`]) once, in the
//! main process before the fork (a canonical key, a hash). That value is kept with the
//! parameter itself, so each call finds it with one pointer read ([`crate::cfg::LitStr`]):
//! no table, no thread-local, no downcast.

use std::ffi::{c_int, c_void};

use crate::sys;

/// What a module prepares from the text of a constant `Lit<T>` parameter at fixup time.
pub trait Prepare: Sized + 'static {
    /// Called once per constant parameter (fixups run after mod_init, before the fork).
    fn prepare(text: &[u8]) -> Self;
}

extern "C" {
    /// The core's `fixup_get_param_type` (sr_module.c; not in the installed headers):
    /// `STRING_RVE_ST` when the fixup is called per call on an expression's value.
    fn fixup_get_param_type(param: *mut *mut c_void) -> c_int;
}

/// What the parameter slot of a `Lit<T>` function holds: the core's fixed-up parameter and,
/// for a constant, what was prepared from it.
pub(crate) struct ConstParam<T> {
    fp: *mut sys::fparam_t,
    /// A constant's text (the fparam_t's own string) and what was prepared from it.
    constant: Option<(*const [u8], T)>,
}

impl<T> ConstParam<T> {
    /// The core's `fparam_t` (what `get_str_fparam` and friends take).
    pub(crate) fn fparam(&self) -> *mut sys::fparam_t {
        self.fp
    }

    /// The constant's text and what was prepared from it; `None` for a parameter with
    /// variables (or one fixed up per call).
    #[inline]
    pub(crate) fn constant(&self) -> Option<(&[u8], &T)> {
        // SAFETY: the text is the fparam_t's own string, freed only with `self`.
        self.constant
            .as_ref()
            .map(|(text, p)| (unsafe { &**text }, p))
    }
}

/// The text of `fp` if it is a `fixup_spve` result without any variable (the core's
/// fixup makes those an `FPARAM_STR`).
///
/// # Safety
/// `fp` is an `fparam_t` made by the core's `fixup_spve_*`.
unsafe fn constant_text<'a>(fp: *const sys::fparam_t) -> Option<&'a [u8]> {
    // SAFETY: guaranteed by the caller.
    let fp = unsafe { &*fp };
    if fp.type_ != sys::FPARAM_STR as c_int {
        return None;
    }
    // SAFETY: an FPARAM_STR parameter holds its (pkg, kept with the parameter) string in
    // `v.str_`.
    Some(unsafe { crate::str::str_bytes(&fp.v.str_) })
}

/// The fixup of a `Lit<T>` parameter ([`super::cfg::Fixup::str_const`]): `fixup_spve_all`,
/// then [`Prepare::prepare`] for a constant parameter (not for a per-call fixup of an
/// expression's value); the slot then holds a [`ConstParam<T>`].
///
/// # Safety
/// Called by the core as a cfg function's fixup.
pub(crate) unsafe extern "C" fn fixup_spve_const<T: Prepare>(
    param: *mut *mut c_void,
    param_no: c_int,
) -> c_int {
    // SAFETY: the core passes the parameter slot of an action.
    let per_call = unsafe { fixup_get_param_type(param) } == sys::STRING_RVE_ST as c_int;
    // SAFETY: as above.
    let rc = unsafe { sys::fixup_spve_all(param, param_no) };
    if rc != 0 {
        return rc;
    }
    // SAFETY: fixup_spve_all succeeded, so the slot holds its fparam_t.
    let fp: *mut sys::fparam_t = unsafe { *param }.cast();
    let mut constant = None;
    if !per_call {
        // SAFETY: as above.
        if let Some(text) = unsafe { constant_text(fp) } {
            constant = crate::ffi_guard::guard("cfg constant parameter", None, || {
                Some((text as *const [u8], T::prepare(text)))
            });
        }
    }
    // SAFETY: the slot is the core's; it holds our ConstParam until free_spve_const.
    unsafe { *param = Box::into_raw(Box::new(ConstParam::<T> { fp, constant })).cast() };
    0
}

/// The free fixup of a `Lit<T>` parameter: ours, then the core's parameter, whose
/// free puts the original string back in the slot (after a per-call fixup the core frees
/// that string next).
///
/// # Safety
/// Called by the core on a slot that [`fixup_spve_const`] filled.
pub(crate) unsafe extern "C" fn free_spve_const<T: Prepare>(
    param: *mut *mut c_void,
    param_no: c_int,
) -> c_int {
    // SAFETY: guaranteed by the caller: the slot holds the ConstParam our fixup leaked.
    let cp = unsafe { Box::from_raw((*param).cast::<ConstParam<T>>()) };
    // SAFETY: the core's slot gets back what fixup_spve_all made, which its free turns into
    // the original string; it is freed once, here.
    unsafe {
        *param = cp.fp.cast();
        drop(cp);
        sys::fixup_free_spve_all(param, param_no)
    }
}
