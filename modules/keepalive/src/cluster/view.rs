//! Who probes what: the view of the live members a batch of pings works from, and the
//! index from destination hash to record.

use std::cell::RefCell;
use std::collections::HashMap;

use kamailio::shm_map::MapGuard;
use kamailio::timer::monotonic_ms;

use super::codec::Shared;
use super::{epoch, hrw, Cluster, Mode, CLUSTER};
use crate::table::Dest;

/// Who probes what, as seen at one moment (taken once per batch of pings).
pub struct View {
    ready: bool,
    live: Vec<(usize, u64)>,
}

/// The current view; `None` outside cluster mode 1 (this node probes everything).
pub fn view() -> Option<View> {
    let c = CLUSTER.get()?;
    if c.mode != Mode::Share {
        return None;
    }
    let members = c.members.lock();
    Some(View {
        ready: members.ready(monotonic_ms(), c.period_ms),
        live: members.live().collect(),
    })
}

impl View {
    /// Whether this node probes the destination with hash `h` (it has it).
    pub fn probes_here(&self, h: u64) -> bool {
        let Some(c) = CLUSTER.get() else {
            return true;
        };
        if !self.ready {
            return false;
        }
        self.prober_of(h) == Some(c.id)
    }

    /// The node that probes the destination with hash `h`, as this node sees it.
    pub fn prober_of(&self, h: u64) -> Option<u64> {
        let c = CLUSTER.get()?;
        hrw::winner(h, self.peers_with(c, h).chain([c.id]))
    }

    /// The live peers whose last complete digest listed the destination with hash `h`.
    fn peers_with<'a>(&'a self, c: &Cluster, h: u64) -> impl Iterator<Item = u64> + 'a {
        let have = c.have.lock();
        let bits = have.find(&h.to_le_bytes()).map_or(0, |i| have.get(i).bits);
        drop(have);
        self.live
            .iter()
            .filter(move |(slot, _)| bits & (1 << slot) != 0)
            .map(|&(_, id)| id)
    }

    /// The node whose state of the destination with hash `h` this node takes, when it does
    /// not probe it: the prober, or while this node is not ready yet, the prober among the
    /// peers.
    fn source_of(&self, h: u64) -> Option<u64> {
        let c = CLUSTER.get()?;
        match self.ready {
            true => self.prober_of(h).filter(|&p| p != c.id),
            false => hrw::winner(h, self.peers_with(c, h)),
        }
    }

    /// Whether this node, which does not probe the destination with hash `h` (change count
    /// `local`), takes `sender`'s state of it: from its prober only, at a plausible count
    /// (`digest`: in a digest).
    pub fn takes(&self, h: u64, local: u16, sender: u64, digest: bool, sh: &Shared) -> bool {
        let Some(c) = CLUSTER.get() else {
            return false;
        };
        if self.source_of(h) != Some(sender) {
            return false;
        }
        let mut have = c.have.lock();
        let Some(i) = have.find(&h.to_le_bytes()) else {
            return false;
        };
        epoch::takes(local, sh.epoch, digest, &mut have.get_mut(i).behind)
    }

    /// This node probes the destination with hash `h` (change count `local`, state
    /// `state`) and `sender` shared its own state of it: the count this node takes and
    /// whether to send its state again (at most once a period per destination; only for
    /// live members, or a message that claims this node's id).
    pub fn outbid(
        &self,
        h: u64,
        local: u16,
        state: i32,
        sender: u64,
        sh: &Shared,
    ) -> Option<(u16, bool)> {
        let c = CLUSTER.get()?;
        if sender != c.id && !self.live.iter().any(|&(_, id)| id == sender) {
            return None;
        }
        let unknown = crate::state::UNKNOWN as u8;
        let (count, send) = epoch::outbid(
            local,
            state.clamp(0, 2) as u8,
            c.id,
            sh.epoch,
            sh.state,
            sender,
            unknown,
        )?;
        if !send {
            return Some((count, false));
        }
        let mut have = c.have.lock();
        let now = monotonic_ms();
        let due = match have.find(&h.to_le_bytes()) {
            Some(i) if now.saturating_sub(have.get(i).resent_ms) >= c.period_ms => {
                have.get_mut(i).resent_ms = now;
                true
            }
            _ => false,
        };
        Some((count, due))
    }
}

/// Destination hash -> (record, generation), and the table version it was made from.
type Index = (u64, HashMap<u64, (u32, u32)>);

thread_local! {
    /// This process's index from destination hash to (record, generation), remade when the
    /// table changes.
    static INDEX: RefCell<Index> = RefCell::new((u64::MAX, HashMap::new()));
}

/// The record of the destination with hash `h` (table locked).
pub fn index_of(dests: &MapGuard<Dest>, h: u64) -> Option<(u32, u32)> {
    INDEX.with(|ix| {
        let mut ix = ix.borrow_mut();
        if ix.0 != dests.version() {
            let mut map = HashMap::with_capacity(dests.len());
            for idx in dests.indices() {
                map.insert(hrw::dest_hash(&dests.key(idx)), (idx, dests.gen(idx)));
            }
            *ix = (dests.version(), map);
        }
        ix.1.get(&h).copied()
    })
}
