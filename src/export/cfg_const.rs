//! Constant string parameters known at fixup time ([`super::cfg::Fixup::StrConst`]).
//!
//! The parameter is fixed up by the core's `fixup_spve_all`, as with [`super::cfg::Fixup::StrAll`],
//! so variables keep working. When the parameter holds no variable at all (a literal such as
//! `ka_is_alive("10.0.0.1:5060")`), the module's hook (set with [`set_hook`]) is told its text
//! once, in the main process before the fork, and returns whatever it prepared (a canonical
//! key, a hash). That value is kept with the parameter itself, so each call finds it with
//! one pointer read ([`super::cfg::LitStr::prepared`]): no table, no thread-local.

use std::any::Any;
use std::ffi::{c_int, c_void};
use std::sync::OnceLock;

use crate::sys;

/// Called once per constant parameter of a [`super::cfg::Fixup::StrConst`] function with its
/// text: what it returns is handed to every call of that parameter.
pub type Hook = fn(&[u8]) -> Box<dyn Any>;

static HOOK: OnceLock<Hook> = OnceLock::new();

/// Sets the module's hook (call it in mod_init: fixups run after it). Once only.
pub fn set_hook(f: Hook) {
    let _ = HOOK.set(f);
}

extern "C" {
    /// The core's `fixup_get_param_type` (sr_module.c; not in the installed headers):
    /// `STRING_RVE_ST` when the fixup is called per call on an expression's value.
    fn fixup_get_param_type(param: *mut *mut c_void) -> c_int;
}

/// What the parameter slot of a [`super::cfg::Fixup::StrConst`] function holds: the core's
/// fixed-up parameter and, for a constant, what the hook prepared from it.
pub(crate) struct ConstParam {
    fp: *mut sys::fparam_t,
    /// A constant's text (the fparam_t's own string) and what the hook prepared from it.
    constant: Option<(*const [u8], Box<dyn Any>)>,
}

impl ConstParam {
    /// The core's `fparam_t` (what `get_str_fparam` and friends take).
    pub(crate) fn fparam(&self) -> *mut sys::fparam_t {
        self.fp
    }

    /// The constant's text and what the hook prepared from it; `None` for a parameter with
    /// variables (or one fixed up per call).
    #[inline]
    pub(crate) fn constant(&self) -> Option<(&[u8], &dyn Any)> {
        // SAFETY: the text is the fparam_t's own string, freed only with `self`.
        self.constant
            .as_ref()
            .map(|(text, p)| (unsafe { &**text }, &**p))
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

/// The fixup of [`super::cfg::Fixup::StrConst`]: `fixup_spve_all`, then the hook for a
/// constant parameter (not for a per-call fixup of an expression's value); the slot then
/// holds a [`ConstParam`].
///
/// # Safety
/// Called by the core as a cfg function's fixup.
pub(crate) unsafe extern "C" fn fixup_spve_const(
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
        if let (Some(text), Some(hook)) = (unsafe { constant_text(fp) }, HOOK.get()) {
            constant = crate::ffi_guard::guard("cfg constant parameter", None, || {
                Some((text as *const [u8], hook(text)))
            });
        }
    }
    // SAFETY: the slot is the core's; it holds our ConstParam until free_spve_const.
    unsafe { *param = Box::into_raw(Box::new(ConstParam { fp, constant })).cast() };
    0
}

/// The free fixup of [`super::cfg::Fixup::StrConst`]: ours, then the core's parameter, whose
/// free puts the original string back in the slot (after a per-call fixup the core frees
/// that string next).
///
/// # Safety
/// Called by the core on a slot that [`fixup_spve_const`] filled.
pub(crate) unsafe extern "C" fn free_spve_const(param: *mut *mut c_void, param_no: c_int) -> c_int {
    // SAFETY: guaranteed by the caller: the slot holds the ConstParam our fixup leaked.
    let cp = unsafe { Box::from_raw((*param).cast::<ConstParam>()) };
    // SAFETY: the core's slot gets back what fixup_spve_all made, which its free turns into
    // the original string; it is freed once, here.
    unsafe {
        *param = cp.fp.cast();
        drop(cp);
        sys::fixup_free_spve_all(param, param_no)
    }
}
