//! cfg functions: their parameters (through the core's own fixups, so literal values and
//! `$var`/`$avp` values work exactly as in every C module) and the trampolines that Kamailio
//! calls.
//!
//! Here the parameter kinds and their fixups; `args` reads the fixed-up parameters of a call
//! (`scriptvar`: a `$var` read in place), `buf` holds their bytes, `tramp` is the
//! trampoline and [`crate::cmd!`] that generate it.

mod args;
mod buf;
mod scriptvar;
mod tramp;

pub use args::{Args, BadParam};
pub use buf::{LitBuf, StrBuf};
pub use tramp::dispatch;

use std::ffi::{c_int, c_void};

use crate::export::cfg_const::{fixup_spve_const, free_spve_const, Prepare};
use crate::export::pv::PvTarget;
use crate::msg::Msg;
use crate::sys;

/// How Kamailio prepares ("fixes up") a cfg function's parameters at start-up.
#[derive(Debug, Clone, Copy)]
pub enum Fixup {
    /// No parameters.
    None,
    /// Every parameter an integer or a variable (`fixup_igp_all`).
    IntAll,
    /// Every parameter a string with variables (`fixup_spve_all`).
    StrAll,
    /// A string with variables, then a writable variable name (`fixup_spve_pvar`).
    StrPvar,
    /// As [`Fixup::StrAll`]; a parameter without variables is also prepared at fixup time
    /// ([`crate::export::cfg_const`]: kind `Lit<T>`, made by [`Fixup::str_const`]).
    StrConst {
        fixup: unsafe extern "C" fn(*mut *mut c_void, c_int) -> c_int,
        free: unsafe extern "C" fn(*mut *mut c_void, c_int) -> c_int,
    },
}

impl Fixup {
    /// The fixup for parameters of these kinds, in order (a compile-time error in
    /// [`crate::cmd!`] for a combination no core fixup prepares).
    #[doc(hidden)]
    pub const fn of(kinds: &[Kind]) -> Fixup {
        match kinds {
            [] => Fixup::None,
            [Kind::Str, Kind::Pvar] => Fixup::StrPvar,
            _ => {
                let first = kinds[0] as u8;
                let mut i = 0;
                while i < kinds.len() {
                    if kinds[i] as u8 != first
                        || first == Kind::Pvar as u8
                        || first == Kind::Lit as u8
                    {
                        panic!("cfg parameters must be all Int, all Str, (Str, Pvar) or (Lit<T>)");
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

    /// The fixup of a sole `Lit<T>` parameter: what is prepared from a constant is a `T`.
    #[doc(hidden)]
    pub const fn str_const<T: Prepare>() -> Fixup {
        Fixup::StrConst {
            fixup: fixup_spve_const::<T>,
            free: free_spve_const::<T>,
        }
    }

    pub(crate) fn functions(self) -> (sys::fixup_function, sys::free_fixup_function) {
        match self {
            Fixup::None => (None, None),
            Fixup::IntAll => (Some(sys::fixup_igp_all), Some(sys::fixup_free_igp_all)),
            Fixup::StrAll => (Some(sys::fixup_spve_all), Some(sys::fixup_free_spve_all)),
            Fixup::StrPvar => (Some(sys::fixup_spve_pvar), Some(sys::fixup_free_spve_pvar)),
            Fixup::StrConst { fixup, free } => (Some(fixup), Some(free)),
        }
    }
}

/// Kinds of cfg function parameters, as named in [`crate::cmd!`]: `Int` (an `i32`), `Str`
/// (a `&[u8]`), `Pvar` (a writable variable, [`PvName`]), `Lit` (written `Lit<T>`: a string
/// that may be a literal prepared into a `T` at fixup time, [`LitStr`]; the only parameter,
/// and the body gets no message).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Str,
    Pvar,
    Lit,
}

/// A `Lit<T>` parameter: its text, and when it holds no variable the `T` prepared from it at
/// fixup time ([`Prepare`]).
pub struct LitStr<'a, T> {
    pub prepared: Option<&'a T>,
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
