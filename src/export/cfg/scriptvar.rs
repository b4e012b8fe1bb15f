//! A parameter that is a script variable (`$var(x)`, `$vz(x)`, `$vn(x)`) read in place: what
//! the pv module's getter returns for it, without the getter's value record, and for an
//! integer parameter without the getter first formatting the integer as text for a caller
//! that only wants the number (`sint2str`: about half of the instructions of a tcpops call
//! on a `$var`).

use once_cell::sync::OnceCell;

use crate::sys;

/// The pv module's getter of script variables in this process (`None` without pv).
fn getter() -> Option<usize> {
    static GETTER: OnceCell<Option<usize>> = OnceCell::new();
    *GETTER.get_or_init(|| {
        // SAFETY: a lookup in the core's table of variable classes, complete once the
        // modules are loaded (cfg calls come after that); it changes nothing.
        unsafe { sys::krs_scriptvar_getter() }.map(|f| f as usize)
    })
}

/// The value of the script variable `spec` reads, as the pv module's getter reads it, when
/// the spec reads one with that getter and no transformation; `None` for any other spec.
#[inline]
pub(super) fn value_of(spec: &sys::pv_spec_t) -> Option<Value<'_>> {
    let getf = spec.getf? as usize;
    if !spec.trans.is_null() || Some(getf) != getter() {
        return None;
    }
    // SAFETY: the getter of script variables keeps the variable (pv's script_var_t, in the
    // process's memory for the whole run) in the spec's name; NULL names none.
    let Some(var) = (unsafe { spec.pvp.pvn.u.dname.cast::<sys::script_var_t>().as_ref() }) else {
        return Some(Value::Null);
    };
    let flags = var.v.flags as u32;
    let null = sys::VAR_TYPE_NULL | sys::VAR_VAL_NULL;
    Some(if flags & null == null {
        Value::Null
    } else if flags & sys::VAR_VAL_STR != 0 {
        // SAFETY: a VAR_VAL_STR value holds its string, owned by the variable until it is
        // next written.
        Value::Str(unsafe { crate::str::str_bytes(&var.v.value.s) })
    } else {
        // SAFETY: a value without VAR_VAL_STR holds its integer.
        Value::Int(i64::from(unsafe { var.v.value.n }))
    })
}

/// A script variable's value.
pub(super) enum Value<'v> {
    /// A string (the variable's own bytes, until it is next written).
    Str(&'v [u8]),
    Int(i64),
    /// A `$vn` never set, or set to `$null`.
    Null,
}

impl Value<'_> {
    /// The integer the core's `get_int_fparam` reads through the getter: a null or a string
    /// value is none.
    #[inline]
    pub(super) fn int(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            Value::Str(_) | Value::Null => None,
        }
    }

    /// Calls `f` with the text the getter gives the core's formatting (an integer in
    /// decimal, a null value `<null>`).
    #[inline]
    pub(super) fn with_text<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Value::Str(s) => f(s),
            Value::Int(v) => f(decimal(*v, &mut [0; 20])),
            Value::Null => f(b"<null>"),
        }
    }
}

/// `v` in decimal, as the core's `sint2str` writes it.
fn decimal(v: i64, digits: &mut [u8; 20]) -> &[u8] {
    let mut n = v.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        digits[i] = b'-';
    }
    &digits[i..]
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn decimal_as_display() {
        for v in [
            0,
            7,
            -7,
            10,
            65535,
            -100,
            i64::from(i32::MIN),
            i64::MAX,
            i64::MIN,
        ] {
            let mut d = [0; 20];
            assert_eq!(decimal(v, &mut d), v.to_string().as_bytes(), "{v}");
        }
    }
}
