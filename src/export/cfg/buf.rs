//! Where a parameter's bytes are kept while the body runs: copied out of the core's buffer
//! ([`StrBuf`]), or a variable's value held until the call ends ([`LitBuf`]).

use std::mem::MaybeUninit;

use super::scriptvar::{self, Value};
use super::BadParam;
use crate::msg::Msg;
use crate::sys;

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
    pub(super) fn fill(&mut self, b: &[u8]) -> &[u8] {
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
pub(super) struct VarValue {
    pub(super) val: sys::pv_value_t,
}

impl VarValue {
    /// What the core's `get_str_fparam` gives for a parameter that is only `spec` (a null
    /// value reads `<null>`, a failing getter nothing, a value that would not fit the core's
    /// format buffer is an error), without the core formatting it first.
    pub(super) fn read(m: &mut Msg, spec: *mut sys::pv_spec_t) -> Result<VarValue, BadParam> {
        // a failing getter: the core formats nothing for it
        let v = VarValue::get(m, spec).unwrap_or(VarValue { val: EMPTY_VALUE });
        fits_format(v.text())?;
        Ok(v)
    }

    /// The variable's value; `None` if its getter failed.
    #[inline]
    pub(super) fn get(m: &mut Msg, spec: *mut sys::pv_spec_t) -> Option<VarValue> {
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

    pub(super) fn text(&self) -> &[u8] {
        if self.val.flags as u32 & sys::PV_VAL_NULL != 0 {
            return b"<null>";
        }
        // SAFETY: a string value the getter returned (or the empty one), valid until the
        // message or the variable changes, which nothing does while `self` is borrowed.
        unsafe { crate::str::str_bytes(&self.val.rs) }
    }
}

/// `text`, if the core's `get_str_fparam` would format it: shorter than its format buffer.
#[inline]
pub(super) fn fits_format(text: &[u8]) -> Result<&[u8], BadParam> {
    // SAFETY: the core's format buffer size (a plain getter).
    let room = i64::from(unsafe { sys::pv_get_buffer_size() });
    if (text.len() as i64) < room {
        Ok(text)
    } else {
        Err(BadParam)
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
    pub(super) copy: StrBuf,
}

impl LitBuf {
    #[inline]
    pub fn new() -> LitBuf {
        LitBuf::default()
    }

    pub(super) fn read_variable(
        &mut self,
        m: &mut Msg,
        spec: *mut sys::pv_spec_t,
    ) -> Result<&[u8], BadParam> {
        // SAFETY: a sole variable's spec, non-NULL and kept for the run.
        if let Some(v) = scriptvar::value_of(unsafe { &*spec }) {
            return match v {
                // the variable's own bytes: nothing writes it while the call runs
                Value::Str(s) => fits_format(s),
                v => {
                    let copy = &mut self.copy;
                    v.with_text(|t| fits_format(t).map(|t| copy.fill(t)))
                }
            };
        }
        Ok(self.var.insert(VarValue::read(m, spec)?).text())
    }
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
