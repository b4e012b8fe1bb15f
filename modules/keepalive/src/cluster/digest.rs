//! The digest every period: this node's destinations (with the states it probes), silent
//! nodes forgotten, and the digests a joining node asks for.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use super::codec::{self, Entry, Kind};
use super::view::view;
use super::{hrw, membership, send_all, Cluster, Mode, CLUSTER};
use crate::outcome;
use crate::table::table;

/// This node's digest: every destination, with the state of those it probes (`full`: of
/// all, for a joining node).
fn digest(c: &Cluster, full: bool) -> (Vec<Entry>, u32) {
    let view = view();
    let dests = table().dests.lock();
    let mut probed = 0u32;
    let entries = dests
        .indices()
        .into_iter()
        .map(|idx| {
            let h = hrw::dest_hash(&dests.key(idx));
            let mine = c.mode == Mode::EveryNode || view.as_ref().is_none_or(|v| v.probes_here(h));
            let d = dests.get(idx);
            let here = mine && !d.stopped;
            probed += u32::from(here);
            Entry {
                dest: h,
                state: (here || full).then(|| outcome::shared_of(d, dests.status(idx))),
            }
        })
        .collect();
    (entries, probed)
}

pub(super) fn digest_bodies(c: &Cluster, round: u32, full: bool) -> Vec<Vec<u8>> {
    let (entries, probed) = digest(c, full);
    c.members.lock().probed_here = probed;
    codec::encode_batches(Kind::Digest, c.id, round, &entries)
}

pub(super) static ROUND: AtomicU32 = AtomicU32::new(0);
static LAST_DIGEST_MS: AtomicU64 = AtomicU64::new(0);

/// The pinger's tick: every digest period, forgets silent nodes and broadcasts the digest.
pub fn tick(now_ms: u64) {
    let Some(c) = CLUSTER.get() else {
        return;
    };
    let last = LAST_DIGEST_MS.load(Ordering::Relaxed);
    if last != 0 && now_ms < last + c.period_ms {
        return;
    }
    LAST_DIGEST_MS.store(now_ms.max(1), Ordering::Relaxed);
    let gone = {
        let mut members = c.members.lock();
        let ids: Vec<u64> = members.slots.iter().map(|s| s.id).collect();
        let gone = members.expire(now_ms, c.period_ms * membership::TIMEOUT_PERIODS);
        for &g in &gone {
            log::info!(
                "cluster node {:016x} is gone (no digest for {} ms): its destinations move",
                ids[g],
                c.period_ms * membership::TIMEOUT_PERIODS
            );
        }
        gone
    };
    if !gone.is_empty() {
        let mask = gone.iter().fold(0u32, |m, &g| m | (1 << g));
        sweep(c, mask, true);
    }
    let round = ROUND.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
    send_all(c, digest_bodies(c, round, false), None);
}

/// Clears the bits `mask` of the peer table: in every record (`all`), or only where they
/// were not seen in the round just completed.
pub(super) fn sweep(c: &Cluster, mask: u32, all: bool) {
    let mut have = c.have.lock();
    for idx in have.indices() {
        let h = have.get_mut(idx);
        let clear = if all { mask } else { mask & !h.seen };
        h.bits &= !clear;
        h.down &= !clear;
        h.seen &= !mask;
        if h.bits == 0 {
            have.remove(idx);
        }
    }
}

/// dmq's init callback: this node knows the cluster now; ask the peers for their digests.
pub(super) fn request_sync() {
    let Some(c) = CLUSTER.get() else {
        return;
    };
    log::info!("cluster: asking the peers for their state");
    send_all(c, vec![codec::encode_sync_request(c.id)], None);
}
