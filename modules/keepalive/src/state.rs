//! A destination's up/down state machine with hysteresis (pure logic).

/// Not probed yet (or no decision yet under hysteresis).
pub const UNKNOWN: i32 = 0;
pub const UP: i32 = 1;
pub const DOWN: i32 = 2;

kamailio::shm_safe! {
    /// Consecutive results and the state they led to (8 bytes: it is kept per destination).
    #[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
    pub struct Streak {
        pub fail: u32,
        /// Saturates at 65,535 (`up_after` is at most that).
        pub ok: u16,
        state: u8,
    }
}

impl Streak {
    /// Records one probe result; returns the new state when it changes. A destination goes
    /// up after `up_after` consecutive successes and down after `down_after` consecutive
    /// failures (both at least 1).
    pub fn record(&mut self, alive: bool, up_after: u32, down_after: u32) -> Option<i32> {
        let next = if alive {
            self.ok = self.ok.saturating_add(1);
            self.fail = 0;
            (u32::from(self.ok) >= up_after.max(1)).then_some(UP)
        } else {
            self.fail = self.fail.saturating_add(1);
            self.ok = 0;
            (self.fail >= down_after.max(1)).then_some(DOWN)
        };
        match next {
            Some(s) if s != self.state() => {
                self.state = s as u8;
                Some(s)
            }
            _ => None,
        }
    }

    /// The state: [`UNKNOWN`], [`UP`] or [`DOWN`].
    pub fn state(&self) -> i32 {
        i32::from(self.state)
    }
}

/// Name of a state for RPC output.
pub fn name(state: i32) -> &'static str {
    match state {
        UP => "up",
        DOWN => "down",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_switch_on_every_change() {
        let mut s = Streak::default();
        assert_eq!(s.record(true, 1, 1), Some(UP));
        assert_eq!(s.record(true, 1, 1), None);
        assert_eq!(s.record(false, 1, 1), Some(DOWN));
        assert_eq!(s.record(false, 1, 1), None);
        assert_eq!(s.record(true, 1, 1), Some(UP));
    }

    #[test]
    fn hysteresis_needs_consecutive_results() {
        let mut s = Streak::default();
        assert_eq!(s.record(false, 2, 3), None);
        assert_eq!(s.record(false, 2, 3), None);
        assert_eq!(s.state(), UNKNOWN);
        assert_eq!(s.record(false, 2, 3), Some(DOWN));
        assert_eq!(s.record(true, 2, 3), None);
        assert_eq!(
            s.record(false, 2, 3),
            None,
            "a failure resets the success streak"
        );
        assert_eq!(s.record(true, 2, 3), None);
        assert_eq!(s.record(true, 2, 3), Some(UP));
        assert_eq!((s.ok, s.fail), (2, 0));
    }

    #[test]
    fn zero_thresholds_act_as_one() {
        let mut s = Streak::default();
        assert_eq!(s.record(false, 0, 0), Some(DOWN));
        assert_eq!(s.record(true, 0, 0), Some(UP));
    }
}
