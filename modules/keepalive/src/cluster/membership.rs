//! Who is in the cluster, from the digests the nodes send, and what each sender may still do
//! (pure; kept in shm as plain data).
//!
//! dmq gives no node list and no node-up/down notice through its API, so each node sends a
//! digest of what it monitors every digest period, and a node whose digests stop is gone
//! [`TIMEOUT_PERIODS`] periods after its last one. Nodes are slots of a fixed array
//! (at most [`MAX_NODES`] nodes besides this one); the destinations each node monitors are
//! kept elsewhere as one bit per slot, so a slot's bit means the same node until it is freed.
//!
//! A node id arrives in the bodies, so anyone on the bus can make one up: each id is tied to
//! the dmq node (the KDMQ request's sender as dmq knows it) it first came from, and a dmq
//! node brings at most [`IDS_PER_DMQ_NODE`] live ids, a new one at most once per period.
//! Sync requests are answered at most once per period per dmq node; sealed messages
//! (`dmq_secret`) pass a replay window per sender id.

/// Nodes besides this one (bits of a `u32` mask).
pub const MAX_NODES: usize = 32;
/// A node is gone after this many digest periods without one of its digests.
pub const TIMEOUT_PERIODS: u64 = 3;
/// Live node ids one dmq node may bring: its running instance, and after a restart the new
/// instance's id while the old one times out.
pub const IDS_PER_DMQ_NODE: usize = 2;
/// Sender ids whose replay windows are kept (the least recently heard makes room).
pub const WINDOWS: usize = 64;
/// Counters a replay window spans below the highest one seen.
pub const WINDOW_SPAN: u64 = 64;

kamailio::shm_safe! {
    #[derive(Clone, Copy, Default, Debug)]
    pub struct Slot {
        pub id: u64,
        /// When its last message came (monotonic ms); 0 = free slot.
        pub last_ms: u64,
        /// The dmq node it came from (an opaque key) and when it joined.
        node: u64,
        joined_ms: u64,
        /// The digest round being received and the parts of it seen so far.
        round: u32,
        seen: u64,
        /// True once a whole round of its digest came: the node's destination bits are right.
        pub complete: bool,
    }
}

kamailio::shm_safe! {
    /// When a dmq node's sync request was last answered.
    #[derive(Clone, Copy, Default, Debug)]
    struct Synced {
        node: u64,
        at_ms: u64,
    }
}

kamailio::shm_safe! {
    /// The sealed messages seen from one sender id: the highest counter and, as bits, which
    /// of the [`WINDOW_SPAN`] counters below it came.
    #[derive(Clone, Copy, Default, Debug)]
    struct Window {
        id: u64,
        highest: u64,
        seen: u64,
        /// Monotonic ms of its last message; 0 = free.
        last_ms: u64,
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

/// Why a node id was not taken in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Every slot is in use.
    Full,
    /// Its dmq node brought [`IDS_PER_DMQ_NODE`] live ids already.
    TooManyIds,
    /// Its dmq node brought a new id less than a period ago.
    TooSoon,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Full => write!(f, "more than {MAX_NODES} peers"),
            Refused::TooManyIds => write!(
                f,
                "its dmq node has {IDS_PER_DMQ_NODE} live node ids already"
            ),
            Refused::TooSoon => write!(
                f,
                "its dmq node brought a new node id less than a period ago"
            ),
        }
    }
}

kamailio::shm_safe! {
    /// Kept in shm (all zero: no node known, started at 0).
    #[derive(Clone, Copy, Debug)]
    pub struct Members {
        pub slots: [Slot; MAX_NODES],
        /// When this node started (monotonic ms).
        pub start_ms: u64,
        /// When a peer was first taken in (monotonic ms); 0: none yet.
        heard_ms: u64,
        /// Destinations this node probed at its last digest (`destinations_probed_here`).
        pub probed_here: u32,
        /// Sealed messages this node sent (the last counter used).
        pub sealed: u64,
        synced: [Synced; MAX_NODES],
        windows: [Window; WINDOWS],
    }
}

impl Default for Members {
    fn default() -> Self {
        Members {
            slots: [Slot::default(); MAX_NODES],
            start_ms: 0,
            heard_ms: 0,
            probed_here: 0,
            sealed: 0,
            synced: [Synced::default(); MAX_NODES],
            windows: [Window::default(); WINDOWS],
        }
    }
}

impl Members {
    /// The slot of node `id`, which a KDMQ request from dmq node `node` names as its sender:
    /// taken if the id is new and its dmq node may bring one (see [`Refused`]).
    pub fn touch(
        &mut self,
        id: u64,
        node: u64,
        now_ms: u64,
        period_ms: u64,
    ) -> Result<usize, Refused> {
        let now = now_ms.max(1);
        let i = match self.slots.iter().position(|s| s.last_ms != 0 && s.id == id) {
            Some(i) => i,
            None => {
                let same = self
                    .slots
                    .iter()
                    .filter(|s| s.last_ms != 0 && s.node == node);
                let (mut n, mut recent) = (0, false);
                for s in same {
                    n += 1;
                    recent |= now.saturating_sub(s.joined_ms) < period_ms;
                }
                if n >= IDS_PER_DMQ_NODE {
                    return Err(Refused::TooManyIds);
                }
                if recent {
                    return Err(Refused::TooSoon);
                }
                let i = self
                    .slots
                    .iter()
                    .position(|s| s.last_ms == 0)
                    .ok_or(Refused::Full)?;
                self.slots[i] = Slot {
                    id,
                    node,
                    joined_ms: now,
                    ..Slot::default()
                };
                i
            }
        };
        self.slots[i].last_ms = now;
        if self.heard_ms == 0 {
            self.heard_ms = now;
        }
        Ok(i)
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

    /// Whether this node may take its share: one period after the start when no peer was
    /// heard by then (alone, it probes everything until a peer's digest is complete), else
    /// after a peer's digests had a whole period to arrive (one and a half since the start).
    pub fn ready(&self, now_ms: u64, period_ms: u64) -> bool {
        let up = now_ms.saturating_sub(self.start_ms);
        let heard_early = self.heard_ms != 0 && self.heard_ms < self.start_ms + period_ms;
        if heard_early {
            up >= period_ms + period_ms / 2
        } else {
            up >= period_ms
        }
    }

    /// Whether a sync request from dmq node `node` is answered now: once per period per node.
    pub fn sync_due(&mut self, node: u64, now_ms: u64, period_ms: u64) -> bool {
        let now = now_ms.max(1);
        let i = match self
            .synced
            .iter()
            .position(|s| s.at_ms != 0 && s.node == node)
        {
            Some(i) if now.saturating_sub(self.synced[i].at_ms) < period_ms => return false,
            Some(i) => i,
            None => oldest(self.synced.iter().map(|s| s.at_ms)),
        };
        self.synced[i] = Synced { node, at_ms: now };
        true
    }

    /// Whether the sealed message `counter` of sender `id` is new (and records it): a
    /// counter seen before, or further than [`WINDOW_SPAN`] below the sender's highest, is a
    /// replay.
    pub fn fresh_counter(&mut self, id: u64, counter: u64, now_ms: u64) -> bool {
        let now = now_ms.max(1);
        let Some(i) = self
            .windows
            .iter()
            .position(|w| w.last_ms != 0 && w.id == id)
        else {
            let i = oldest(self.windows.iter().map(|w| w.last_ms));
            self.windows[i] = Window {
                id,
                highest: counter,
                seen: 1,
                last_ms: now,
            };
            return true;
        };
        let w = &mut self.windows[i];
        if counter > w.highest {
            let shift = counter - w.highest;
            w.seen = if shift >= WINDOW_SPAN {
                0
            } else {
                w.seen << shift
            } | 1;
            w.highest = counter;
        } else {
            let back = w.highest - counter;
            if back >= WINDOW_SPAN || w.seen & (1 << back) != 0 {
                return false;
            }
            w.seen |= 1 << back;
        }
        w.last_ms = now;
        true
    }

    /// The next counter for a message this node seals.
    pub fn next_sealed(&mut self) -> u64 {
        self.sealed += 1;
        self.sealed
    }
}

/// The index of the smallest time (a free entry, time 0, first).
fn oldest(times: impl Iterator<Item = u64>) -> usize {
    times
        .enumerate()
        .min_by_key(|&(_, t)| t)
        .map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: u64 = 1_000;

    #[test]
    fn nodes_come_and_go() {
        let mut m = Members::default();
        let a = m.touch(10, 1, 1_000, P).unwrap();
        let b = m.touch(20, 2, 1_000, P).unwrap();
        assert_ne!(a, b);
        assert_eq!(m.touch(10, 1, 2_000, P), Ok(a));
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
        let a = m.touch(1, 1, 1, P).unwrap();
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
            assert!(m.touch(i + 100, i + 100, 5, P).is_ok());
        }
        assert_eq!(m.touch(1, 1, 5, P), Err(Refused::Full));
        // alone for a period: ready (it probes everything)
        let mut alone = Members {
            start_ms: 1_000,
            ..Members::default()
        };
        assert!(!alone.ready(1_999, P));
        assert!(alone.ready(2_000, P));
        // a peer heard only later changes nothing: no gap in probing
        alone.touch(7, 7, 2_200, P).unwrap();
        assert!(alone.ready(2_200, P));
        // a peer heard within the first period: its digests get a whole period
        let mut joined = Members {
            start_ms: 1_000,
            ..Members::default()
        };
        joined.touch(7, 7, 1_300, P).unwrap();
        assert!(!joined.ready(2_499, P));
        assert!(joined.ready(2_500, P));
    }

    #[test]
    fn a_dmq_node_brings_few_ids_and_slowly() {
        let mut m = Members::default();
        assert!(m.touch(1, 50, 10_000, P).is_ok());
        // a burst of made-up ids from the same dmq node: one per period, two live at most
        assert_eq!(m.touch(2, 50, 10_100, P), Err(Refused::TooSoon));
        assert!(m.touch(2, 50, 11_000, P).is_ok());
        assert_eq!(m.touch(3, 50, 12_500, P), Err(Refused::TooManyIds));
        // known ids stay welcome, other dmq nodes are not held back
        assert!(m.touch(1, 50, 12_500, P).is_ok() && m.touch(2, 50, 12_500, P).is_ok());
        assert!(m.touch(9, 51, 12_500, P).is_ok());
        // the old id times out: a restarted instance gets in
        m.slots.iter_mut().find(|s| s.id == 1).unwrap().last_ms = 1;
        assert_eq!(m.expire(13_000, 3 * P).len(), 1);
        assert!(m.touch(3, 50, 13_000, P).is_ok());
        // 32 made-up ids, each from a dmq node of its own, fill the table: nothing else is
        // refused here, that is the cfg's job (a fixed list of dmq nodes)
        let mut f = Members::default();
        for i in 0..MAX_NODES as u64 {
            assert!(f.touch(100 + i, 100 + i, 5, P).is_ok());
        }
        assert_eq!(f.touch(1, 1, 5, P), Err(Refused::Full));
    }

    #[test]
    fn sync_requests_once_per_period_per_node() {
        let mut m = Members::default();
        assert!(m.sync_due(1, 1_000, P));
        assert!(!m.sync_due(1, 1_999, P));
        assert!(m.sync_due(2, 1_999, P));
        assert!(m.sync_due(1, 2_000, P));
        // more dmq nodes than entries: the oldest entry makes room
        for n in 10..10 + MAX_NODES as u64 {
            assert!(m.sync_due(n, 3_000, P));
        }
        assert!(m.sync_due(1, 3_000, P));
    }

    #[test]
    fn replay_window() {
        let mut m = Members::default();
        assert!(m.fresh_counter(5, 100, 1));
        assert!(!m.fresh_counter(5, 100, 2), "the same counter twice");
        assert!(m.fresh_counter(5, 98, 3), "late but new");
        assert!(!m.fresh_counter(5, 98, 4));
        assert!(m.fresh_counter(5, 101, 5));
        assert!(m.fresh_counter(5, 101 + WINDOW_SPAN, 6));
        assert!(!m.fresh_counter(5, 101, 7), "below the window");
        assert!(m.fresh_counter(5, 102 + WINDOW_SPAN, 8));
        assert!(!m.fresh_counter(5, 101 + WINDOW_SPAN, 9));
        assert!(m.fresh_counter(6, 100, 10), "other senders have their own");
        assert_eq!(m.next_sealed(), 1);
        assert_eq!(m.next_sealed(), 2);
    }
}
