//! Who is in the cluster, from the digests the nodes send (pure; kept in shm as plain data).
//!
//! dmq gives no node list and no node-up/down notice through its API, so each node sends a
//! digest of what it monitors every digest period, and a node whose digests stop is gone
//! [`TIMEOUT_PERIODS`] periods after its last one. Nodes are slots of a fixed array
//! (at most [`MAX_NODES`] nodes besides this one); the destinations each node monitors are
//! kept elsewhere as one bit per slot, so a slot's bit means the same node until it is freed.

/// Nodes besides this one (bits of a `u32` mask).
pub const MAX_NODES: usize = 32;
/// A node is gone after this many digest periods without one of its digests.
pub const TIMEOUT_PERIODS: u64 = 3;

kamailio::shm_safe! {
    #[derive(Clone, Copy, Default, Debug)]
    pub struct Slot {
        pub id: u64,
        /// When its last message came (monotonic ms); 0 = free slot.
        pub last_ms: u64,
        /// The digest round being received and the parts of it seen so far.
        round: u32,
        seen: u64,
        /// True once a whole round of its digest came: the node's destination bits are right.
        pub complete: bool,
    }
}

/// What a digest part means for the node's destination bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartOutcome {
    /// Set the bits of the part's destinations.
    Mark,
    /// As `Mark`, and the round is now complete: clear the node's bits of destinations that
    /// were in none of the round's parts.
    MarkAndSweep,
}

kamailio::shm_safe! {
    /// Kept in shm (all zero: no node known, started at 0).
    #[derive(Clone, Copy, Debug)]
    pub struct Members {
        pub slots: [Slot; MAX_NODES],
        /// When this node started (monotonic ms).
        pub start_ms: u64,
        /// A peer's digest has come since the start.
        pub heard_peer: bool,
        /// Destinations this node probed at its last digest (`destinations_probed_here`).
        pub probed_here: u32,
    }
}

impl Default for Members {
    fn default() -> Self {
        Members {
            slots: [Slot::default(); MAX_NODES],
            start_ms: 0,
            heard_peer: false,
            probed_here: 0,
        }
    }
}

impl Members {
    /// The slot of node `id`, taken if it is new; `None` when every slot is in use.
    pub fn touch(&mut self, id: u64, now_ms: u64) -> Option<usize> {
        let now = now_ms.max(1);
        self.heard_peer = true;
        if let Some(i) = self.slots.iter().position(|s| s.last_ms != 0 && s.id == id) {
            self.slots[i].last_ms = now;
            return Some(i);
        }
        let i = self.slots.iter().position(|s| s.last_ms == 0)?;
        self.slots[i] = Slot {
            id,
            last_ms: now,
            ..Slot::default()
        };
        Some(i)
    }

    /// Records digest part `part` of `parts` in `round` from slot `i`.
    pub fn part(&mut self, i: usize, round: u32, part: u16, parts: u16) -> PartOutcome {
        let s = &mut self.slots[i];
        if s.round != round {
            s.round = round;
            s.seen = 0;
        }
        // rounds of more than 64 parts are never complete: bits are only ever added then
        if part >= 64 || parts > 64 {
            return PartOutcome::Mark;
        }
        let before = s.seen;
        s.seen |= 1 << part;
        let all = if parts == 64 {
            u64::MAX
        } else {
            (1u64 << parts) - 1
        };
        if s.seen & all == all && before & all != all {
            s.complete = true;
            PartOutcome::MarkAndSweep
        } else {
            PartOutcome::Mark
        }
    }

    /// Frees the slots of nodes silent for `timeout_ms`; returns their indices.
    pub fn expire(&mut self, now_ms: u64, timeout_ms: u64) -> Vec<usize> {
        let mut gone = Vec::new();
        for (i, s) in self.slots.iter_mut().enumerate() {
            if s.last_ms != 0 && now_ms.saturating_sub(s.last_ms) >= timeout_ms {
                *s = Slot::default();
                gone.push(i);
            }
        }
        gone
    }

    /// Live nodes (slot index, id) whose destination bits are known.
    pub fn live(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.last_ms != 0 && s.complete)
            .map(|(i, s)| (i, s.id))
    }

    /// Whether this node may take its share: after a peer's digests had a whole period to
    /// arrive, or, when no peer was heard, after the membership timeout (alone).
    pub fn ready(&self, now_ms: u64, period_ms: u64) -> bool {
        let up = now_ms.saturating_sub(self.start_ms);
        if self.heard_peer {
            up >= period_ms + period_ms / 2
        } else {
            up >= period_ms * TIMEOUT_PERIODS
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_come_and_go() {
        let mut m = Members::default();
        let a = m.touch(10, 1_000).unwrap();
        let b = m.touch(20, 1_000).unwrap();
        assert_ne!(a, b);
        assert_eq!(m.touch(10, 2_000), Some(a));
        assert_eq!(m.live().count(), 0, "no complete digest yet");
        assert_eq!(m.part(a, 1, 0, 1), PartOutcome::MarkAndSweep);
        assert_eq!(m.live().collect::<Vec<_>>(), vec![(a, 10)]);
        // b silent since 1,000: gone at 4,000 with a 3,000 ms timeout, a stays
        assert_eq!(m.expire(3_999, 3_000), Vec::<usize>::new());
        assert_eq!(m.expire(4_000, 3_000), vec![b]);
        assert_eq!(m.expire(4_999, 3_000), Vec::<usize>::new());
        assert_eq!(m.expire(5_000, 3_000), vec![a]);
        assert_eq!(m.live().count(), 0);
    }

    #[test]
    fn rounds_complete_once_with_every_part() {
        let mut m = Members::default();
        let a = m.touch(1, 1).unwrap();
        assert_eq!(m.part(a, 7, 1, 3), PartOutcome::Mark);
        assert_eq!(m.part(a, 7, 0, 3), PartOutcome::Mark);
        assert_eq!(
            m.part(a, 7, 0, 3),
            PartOutcome::Mark,
            "a repeat is no new part"
        );
        assert_eq!(m.part(a, 7, 2, 3), PartOutcome::MarkAndSweep);
        assert_eq!(m.part(a, 7, 2, 3), PartOutcome::Mark, "complete once");
        // a new round starts over; a lost part means no sweep
        assert_eq!(m.part(a, 8, 0, 3), PartOutcome::Mark);
        assert_eq!(m.part(a, 9, 1, 3), PartOutcome::Mark);
        assert_eq!(m.part(a, 9, 0, 64), PartOutcome::Mark);
        assert_eq!(m.part(a, 10, 70, 100), PartOutcome::Mark);
    }

    #[test]
    fn full_table_and_readiness() {
        let mut m = Members::default();
        for i in 0..MAX_NODES as u64 {
            assert!(m.touch(i + 100, 5).is_some());
        }
        assert_eq!(m.touch(1, 5), None);
        let mut alone = Members {
            start_ms: 1_000,
            ..Members::default()
        };
        assert!(!alone.ready(3_999, 1_000));
        assert!(alone.ready(4_000, 1_000));
        alone.heard_peer = true;
        assert!(!alone.ready(2_499, 1_000));
        assert!(alone.ready(2_500, 1_000));
    }
}
