//! Constant string parameters known at fixup time ([`crate::cfg::Fixup::StrConst`]).
//!
//! The parameter is fixed up by the core's `fixup_spve_all`, as with [`crate::cfg::Fixup::StrAll`],
//! so variables keep working. When the parameter holds no variable at all (a literal such as
//! `ka_is_alive("10.0.0.1:5060")`), the module's hook (set with [`set_hook`]) is told its text
//! and its [`ParamId`] once, in the main process before the fork; the module prepares whatever
//! it needs then (a canonical key, a hash) and finds it again per call through
//! [`crate::cfg::LitStr`]. The fixed-up parameter is never freed while the server runs,
//! so its identity is never reused for another parameter.

use std::ffi::{c_int, c_void};
use std::sync::OnceLock;

use crate::sys;

/// Identity of a fixed-up cfg parameter (the address of the core's `fparam_t`): the same in
/// every process, as the fixup runs before the fork.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParamId(pub usize);

/// Called once per constant parameter of a [`crate::cfg::Fixup::StrConst`] function.
pub type Hook = fn(ParamId, &[u8]);

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

/// The text of `fp` if it is a `fixup_spve` result without any variable (the core's
/// fixup makes those an `FPARAM_STR`).
///
/// # Safety
/// `fp` is an `fparam_t` made by the core's `fixup_spve_*`.
pub(crate) unsafe fn constant_text<'a>(fp: *const sys::fparam_t) -> Option<&'a [u8]> {
    // SAFETY: guaranteed by the caller.
    let fp = unsafe { &*fp };
    if fp.type_ != sys::FPARAM_STR as c_int {
        return None;
    }
    // SAFETY: an FPARAM_STR parameter holds its (pkg, kept for the run) string in `v.str_`.
    Some(unsafe { crate::str::str_bytes(&fp.v.str_) })
}

/// The fixup of [`crate::cfg::Fixup::StrConst`]: `fixup_spve_all`, then the hook for a
/// constant parameter (not for a per-call fixup of an expression's value).
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
    if rc != 0 || per_call {
        return rc;
    }
    // SAFETY: fixup_spve_all succeeded, so the slot holds its fparam_t.
    let fp: *const sys::fparam_t = unsafe { *param }.cast();
    // SAFETY: as above.
    if let (Some(text), Some(hook)) = (unsafe { constant_text(fp) }, HOOK.get()) {
        let id = ParamId(fp as usize);
        crate::ffi_guard::guard("cfg constant parameter", (), || hook(id, text));
    }
    0
}
