//! The table's records in shm: destinations, registrations and the links between them.

use std::num::NonZeroU32;

use kamailio::ka_api::{DestView, ForeignCallbacks};
use kamailio::shm_map::MapGuard;

use crate::state::Streak;

kamailio::shm_safe! {
    /// A link to a record of another map: its index, or none. Stored as index + 1 (0 = none),
    /// so a zero-filled record links nowhere.
    #[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
    pub struct Link {
        at: Option<NonZeroU32>,
    }
}

impl Link {
    pub const NONE: Link = Link { at: None };

    pub fn to(idx: u32) -> Link {
        Link {
            at: NonZeroU32::new(idx.wrapping_add(1)),
        }
    }

    /// The record index linked to.
    pub fn get(self) -> Option<u32> {
        self.at.map(|n| n.get() - 1)
    }

    pub fn is_none(self) -> bool {
        self.at.is_none()
    }
}

kamailio::shm_safe! {
    /// A probed destination (plain data in shm; its status lives in the map record).
    #[derive(Clone, Copy, Default)]
    pub struct Dest {
        pub next_due_ms: u64,
        pub interval_ms: u32,
        pub ping_seq: u32,
        /// Low 32 bits of the monotonic µs clock when the ping in flight went out.
        pub sent_at_us: u32,
        pub pings: u32,
        pub replies: u32,
        pub timeouts: u32,
        pub rtt_last_us: u32,
        pub rtt_avg_us: u32,
        /// Unix seconds; 0 = never.
        pub last_checked: u32,
        pub last_up: u32,
        pub last_down: u32,
        pub streak: Streak,
        /// The inline registration's owner (in the owner map).
        pub owner: Link,
        /// Registrations with a record: the first, linked by `Reg::next`.
        pub first_reg: Link,
        pub last_code: u16,
        /// The number of state changes (wrapping; counted in any mode, read in cluster mode),
        /// so a late cluster message with an older state is told from a newer one.
        pub epoch: u16,
        pub in_flight: bool,
        pub stopped: bool,
        /// The `probing=0` attribute: not pinged (its state stays as it is).
        pub paused: bool,
        /// The destination's attributes (canonical text in the attribute map), or none.
        pub attrs: Link,
        /// Attribute `timeout` (ms; 0: `probe_timeout`).
        pub timeout_ms: u32,
        /// Attributes `down_after` / `up_after` (0: the modparams).
        pub down_after: u16,
        pub up_after: u16,
        /// Unix seconds of the last change of state; 0 = never.
        pub last_change: u32,
        /// The RTT estimate is above `latency_threshold` (hysteresis state).
        pub slow: bool,
        /// Latency and outcome statistics since the last `keepalive.stats_reset`.
        pub lat: crate::latency::Latency,
    }
}

kamailio::shm_safe! {
    /// A registration that needs its own record: made through the module API (callbacks,
    /// `ka_dest_t` view), or a further owner of a destination. Not `Copy`: it owns its view.
    pub struct Reg {
        pub next: Link,
        pub cbs: ForeignCallbacks,
        pub view: Option<DestView>,
        /// Registered through the module API (another module owns it).
        pub api: bool,
    }
}

/// The registration records linked from `first` (a destination's `first_reg`), in order,
/// with their indices (`regs` locked).
pub fn regs_from<'a>(
    regs: &'a MapGuard<'_, Reg>,
    first: Link,
) -> impl Iterator<Item = (u32, &'a Reg)> {
    std::iter::successors(first.get().map(|i| (i, regs.get(i))), move |(_, r)| {
        r.next.get().map(|i| (i, regs.get(i)))
    })
}
#[cfg(test)]
mod tests {
    use super::Link;

    #[test]
    fn links_name_an_index_or_none() {
        assert_eq!(Link::default(), Link::NONE);
        assert!(Link::NONE.is_none());
        assert_eq!(Link::NONE.get(), None);
        for i in [0, 1, 4_194_303] {
            assert_eq!(Link::to(i).get(), Some(i));
        }
        assert_eq!(std::mem::size_of::<Link>(), 4);
    }
}
