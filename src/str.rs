//! The core's `str` (pointer + length, not NUL-terminated): borrowed as `&[u8]` for a call,
//! made over a Rust buffer for handing to C, or leaked once for tables that live as long as
//! the process.

use crate::sys;

/// The bytes of a core `str` (empty for NULL).
///
/// # Safety
/// `s.s` is NULL or valid for `s.len` bytes for `'a`.
pub unsafe fn str_bytes<'a>(s: &sys::str_) -> &'a [u8] {
    if s.s.is_null() || s.len <= 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(s.s.cast(), s.len as usize) }
    }
}

/// A core `str` over a Rust buffer, for handing it to C for the duration of a call.
pub(crate) fn str_over(b: &mut [u8]) -> sys::str_ {
    sys::str_ {
        s: b.as_mut_ptr().cast(),
        len: b.len() as std::ffi::c_int,
    }
}

/// The bytes behind a KEMI `str*` argument.
///
/// # Safety
/// `s` is NULL or a valid `str` for the duration of the call.
#[doc(hidden)]
pub unsafe fn str_arg<'a>(s: *mut sys::str_) -> &'a [u8] {
    // SAFETY: guaranteed by the caller.
    match unsafe { s.as_ref() } {
        // SAFETY: the engine's strings are valid for the call.
        Some(s) => unsafe { str_bytes(s) },
        None => &[],
    }
}

/// A core `str` over a string that lives for the whole process (NUL-terminated copy).
pub(crate) fn static_str(s: &str) -> sys::str_ {
    let c: &'static mut [u8] = Box::leak(format!("{s}\0").into_bytes().into_boxed_slice());
    sys::str_ {
        s: c.as_mut_ptr().cast(),
        len: s.len() as i32,
    }
}
