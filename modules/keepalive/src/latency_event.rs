//! `event_route[keepalive:dst-latency]`: run when a destination's RTT estimate crosses
//! `latency_threshold` upward, or falls back below it by `latency_hysteresis` percent; the
//! route reads which and the estimate from `$kalat(state)` and `$kalat(rtt_us)`.

use std::cell::Cell;

use kamailio::module::IntParam;
use kamailio::pv::PvValue;
use kamailio::Msg;

use crate::error::ConfigError;

/// ms; 0: no latency events.
pub static LATENCY_THRESHOLD: IntParam = IntParam::new(0);
/// Percent below the threshold the estimate must fall to count as back (0 to 99).
pub static LATENCY_HYSTERESIS: IntParam = IntParam::new(10);

/// The thresholds in µs: (up, back); `None`: events off. Checked in mod_init.
pub fn thresholds() -> Result<Option<(u32, u32)>, ConfigError> {
    let t = LATENCY_THRESHOLD.get();
    let h = LATENCY_HYSTERESIS.get();
    if !(0..=3_600_000).contains(&t) {
        return Err(ConfigError::OutOfRange {
            name: "latency_threshold",
            min: 0,
            max: 3_600_000,
            got: t.into(),
        });
    }
    if !(0..=99).contains(&h) {
        return Err(ConfigError::OutOfRange {
            name: "latency_hysteresis",
            min: 0,
            max: 99,
            got: h.into(),
        });
    }
    if t == 0 {
        return Ok(None);
    }
    let up = t as u32 * 1000;
    Ok(Some((up, (u64::from(up) * (100 - h as u64) / 100) as u32)))
}

/// Whether the estimate `est` (µs) of a destination that was `slow` crosses: `Some(true)`
/// above `up` (it becomes slow), `Some(false)` below `back` (no longer slow).
pub fn crossing(slow: bool, est: u32, (up, back): (u32, u32)) -> Option<bool> {
    match slow {
        false if est > up => Some(true),
        true if est < back => Some(false),
        _ => None,
    }
}

thread_local! {
    /// The latency event running in this process: (slow, estimate µs).
    static CURRENT: Cell<Option<(bool, u32)>> = const { Cell::new(None) };
}

/// Runs `f` with `$kalat` showing `event`.
pub fn with_event(event: (bool, u32), f: impl FnOnce()) {
    CURRENT.with(|c| c.set(Some(event)));
    f();
    CURRENT.with(|c| c.set(None));
}

pub fn pv_parse(key: &[u8]) -> Option<i32> {
    match key {
        b"state" => Some(0),
        b"rtt_us" => Some(1),
        _ => None,
    }
}

/// `$kalat(state)`: `high` or `normal`; `$kalat(rtt_us)`: the estimate; null outside the
/// event route.
pub fn pv_get(_msg: Option<&mut Msg>, key: i32, out: &mut dyn FnMut(PvValue)) {
    match (CURRENT.with(Cell::get), key) {
        (Some((slow, _)), 0) => out(PvValue::Str(if slow { b"high" } else { b"normal" })),
        (Some((_, est)), 1) => out(PvValue::Int(i64::from(est))),
        _ => out(PvValue::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::crossing;

    #[test]
    fn hysteresis() {
        let t = (50_000, 45_000);
        assert_eq!(crossing(false, 50_000, t), None);
        assert_eq!(crossing(false, 50_001, t), Some(true));
        assert_eq!(crossing(true, 47_000, t), None, "within the hysteresis");
        assert_eq!(crossing(true, 45_000, t), None);
        assert_eq!(crossing(true, 44_999, t), Some(false));
        assert_eq!(crossing(false, 44_999, t), None);
    }
}
