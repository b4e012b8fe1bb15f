//! Cluster mode (`modparam("keepalive", "dmq", 1)`): one prober per destination across the
//! Kamailio nodes of a dmq cluster, the state shared through KDMQ messages.
//!
//! - Membership: every node broadcasts a digest of the destinations it monitors (as
//!   hashes, with the state of those it probes) every digest period (`ping_interval`); a node
//!   is gone [`membership::TIMEOUT_PERIODS`] periods after its last message.
//! - Prober of a destination: rendezvous hashing ([`hrw`]) of the destination's hash over
//!   this node and the live nodes whose last complete digest listed it. A destination an API
//!   user registered with a `response_clb` is always probed here as well.
//! - Every state change the prober records is broadcast at once ([`codec::Kind::Update`]);
//!   the others apply it to their own table and run their own events and callbacks
//!   (prober.rs `apply_shared`), once per change, since a state equal to theirs changes
//!   nothing. Digests carry the same state, so a lost update is repaired within a period.
//! - A joining node asks its peers for their digests (dmq's init callback) and takes its
//!   share only once it heard a peer and a whole period passed, or, alone, after the
//!   membership timeout.
//!
//! State in shm: the membership (one record) and, per destination hash, which peers have
//! it (one bit per membership slot). Lock order: the destination table, then the membership,
//! then the peer bits.

pub mod codec;
pub mod hrw;
pub mod membership;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use kamailio::dmq;
use kamailio::module::IntParam;
use kamailio::shm::ShmMutex;
use kamailio::shm_map::{MapGuard, ShmMap};
use kamailio::timer::monotonic_ms;
use once_cell::sync::OnceCell;

use crate::stats;
use crate::table::{table, Dest};
use codec::{Entry, Kind, Message, Shared};
use membership::{Members, PartOutcome};

/// `dmq`: 0 every node probes on its own (no dmq), 1 one prober per destination with
/// the state shared, 2 every node probes and keeps its own view while sharing it.
pub static DMQ: IntParam = IntParam::new(0);

/// `dmq_replicate_adds`: 1 also sends the destinations added and deleted through the config
/// (`ka_add_destination`, KEMI) and RPC to the other nodes, which add or delete them too.
pub static DMQ_REPLICATE_ADDS: IntParam = IntParam::new(0);

/// The dmq peer name (the R-URI user of our KDMQ requests).
pub const PEER: &str = "keepalive";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Off,
    Share,
    EveryNode,
}

kamailio::shm_safe! {
    /// Which peers have a destination: bit `i` = membership slot `i`; `seen` marks the bits
    /// set in the digest round being received.
    #[derive(Clone, Copy, Default)]
    struct Have {
        bits: u32,
        seen: u32,
        /// Peers whose last shared view of the destination is down (shown by RPC).
        down: u32,
    }
}

struct Cluster {
    mode: Mode,
    replicate_adds: bool,
    id: u64,
    period_ms: u64,
    members: ShmMutex<Members>,
    have: ShmMap<Have>,
}

static CLUSTER: OnceCell<Cluster> = OnceCell::new();

/// The mode set by the `dmq` modparam (checked in mod_init).
pub fn mode() -> Mode {
    CLUSTER.get().map_or(Mode::Off, |c| c.mode)
}

/// A random node id (new at every start: a restarted node is a new member).
fn random_id() -> u64 {
    kamailio::random::u64() | 1
}

/// Reads `dmq`, binds dmq and makes the shared state; call in mod_init after the table.
pub fn init(interval_ms: u32) -> Result<(), String> {
    let mode = match DMQ.get() {
        0 => return Ok(()),
        1 => Mode::Share,
        2 => Mode::EveryNode,
        v => return Err(format!("dmq must be 0, 1 or 2 (got {v})")),
    };
    dmq::bind(
        PEER,
        "keepalive destination state",
        "application/x-keepalive",
        on_message,
        Some(request_sync),
    )?;
    let members = ShmMutex::<Members>::new()?;
    members.lock().start_ms = monotonic_ms();
    let c = Cluster {
        mode,
        replicate_adds: DMQ_REPLICATE_ADDS.get() != 0,
        id: random_id(),
        period_ms: u64::from(interval_ms.max(1000)),
        members,
        have: ShmMap::new()?,
    };
    log::info!(
        "cluster mode {mode:?}: node {:016x}, digest every {} ms, a silent node is gone after {} ms",
        c.id,
        c.period_ms,
        c.period_ms * membership::TIMEOUT_PERIODS
    );
    let _ = CLUSTER.set(c);
    Ok(())
}

/// `destinations_probed_here`: at the last digest (cluster mode), else every destination.
pub fn probed_here() -> i64 {
    match CLUSTER.get() {
        Some(c) => i64::from(c.members.lock().probed_here),
        None => table().dests.count() as i64,
    }
}

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
        let have = c.have.lock();
        let bits = have.find(&h.to_le_bytes()).map_or(0, |i| have.get(i).bits);
        drop(have);
        let peers = self
            .live
            .iter()
            .filter(|(slot, _)| bits & (1 << slot) != 0)
            .map(|&(_, id)| id);
        hrw::winner(h, peers.chain([c.id]))
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

/// What a prober shares of destination record `d` in state `state`.
pub fn shared_of(d: &Dest, state: i32) -> Shared {
    Shared {
        state: state.clamp(0, 2) as u8,
        epoch: d.epoch,
        last_code: d.last_code,
        rtt_last_us: d.rtt_last_us,
        rtt_avg_us: d.rtt_avg_us,
        last_checked: d.last_checked,
        last_up: d.last_up,
        last_down: d.last_down,
        pings: d.pings,
        replies: d.replies,
        timeouts: d.timeouts,
    }
}

fn send_all(bodies: Vec<Vec<u8>>, to: Option<&dmq::Sender>) {
    for b in bodies {
        let r = match to {
            Some(s) => s.send(&b),
            None => dmq::broadcast(&b),
        };
        if let Err(e) = r {
            log::warn!("cannot send a keepalive cluster message: {e}");
        }
    }
}

/// Broadcasts a state change this node recorded (after the table lock is released).
pub fn publish(key: &[u8], shared: Shared) {
    let Some(c) = CLUSTER.get() else {
        return;
    };
    let e = Entry {
        dest: hrw::dest_hash(key),
        state: Some(shared),
    };
    send_all(codec::encode_batches(Kind::Update, c.id, 0, &[e]), None);
    stats::DMQ_UPDATES_SENT.inc();
}

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
                state: (here || full).then(|| shared_of(d, dests.status(idx))),
            }
        })
        .collect();
    (entries, probed)
}

fn digest_bodies(c: &Cluster, round: u32, full: bool) -> Vec<Vec<u8>> {
    let (entries, probed) = digest(c, full);
    c.members.lock().probed_here = probed;
    codec::encode_batches(Kind::Digest, c.id, round, &entries)
}

static ROUND: AtomicU32 = AtomicU32::new(0);
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
    send_all(digest_bodies(c, round, false), None);
}

/// Clears the bits `mask` of the peer table: in every record (`all`), or only where they
/// were not seen in the round just completed.
fn sweep(c: &Cluster, mask: u32, all: bool) {
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
fn request_sync() {
    let Some(c) = CLUSTER.get() else {
        return;
    };
    log::info!("cluster: asking the peers for their state");
    send_all(vec![codec::encode_sync_request(c.id)], None);
}

/// Logs the first unusable body a process gets; later ones at debug level.
fn dropped(reason: &codec::DecodeError, len: usize) {
    static LOGGED: AtomicBool = AtomicBool::new(false);
    if !LOGGED.swap(true, Ordering::Relaxed) {
        log::warn!(
            "dropped a KDMQ body for peer {PEER} ({len} bytes): {reason} (logged once per process)"
        );
    } else {
        log::debug!("dropped a KDMQ body ({len} bytes): {reason}");
    }
}

/// A KDMQ request for our peer (in a dmq worker).
fn on_message(body: &[u8], from: &dmq::Sender) {
    let Some(c) = CLUSTER.get() else {
        return;
    };
    let m = match codec::decode(body) {
        Ok(m) => m,
        Err(e) => return dropped(&e, body.len()),
    };
    if m.sender == c.id {
        return;
    }
    let now = monotonic_ms();
    let slot = {
        let mut members = c.members.lock();
        let Some(slot) = members.touch(m.sender, now) else {
            log::warn!(
                "cluster: more than {} peers, node {:016x} ignored",
                membership::MAX_NODES,
                m.sender
            );
            return;
        };
        let outcome = m.part.map(|p| members.part(slot, p.round, p.part, p.parts));
        (slot, outcome)
    };
    match m.kind {
        Kind::Add | Kind::Del => {
            if let Some(d) = &m.dest {
                replay(c, m.kind == Kind::Add, d);
            }
        }
        Kind::SyncRequest => {
            let round = ROUND.load(Ordering::Relaxed);
            send_all(digest_bodies(c, round, true), Some(from));
        }
        Kind::Digest => {
            mark(c, slot.0, &m);
            if slot.1 == Some(PartOutcome::MarkAndSweep) {
                sweep(c, 1 << slot.0, false);
            }
            apply(c, &m);
        }
        Kind::Update => {
            stats::DMQ_UPDATES_RECEIVED.add(m.entries.len() as i32);
            mark(c, slot.0, &m);
            apply(c, &m);
        }
    }
}

/// Sets slot `slot`'s bit for the destinations of a digest part or update.
fn mark(c: &Cluster, slot: usize, m: &Message) {
    let bit = 1u32 << slot;
    let mut have = c.have.lock();
    for e in &m.entries {
        let Ok((i, _)) = have.insert(&e.dest.to_le_bytes(), Have::default()) else {
            log::warn!("cluster: out of shm for the peer table");
            return;
        };
        let h = have.get_mut(i);
        h.bits |= bit;
        if m.kind == Kind::Digest {
            h.seen |= bit;
        }
        if let Some(s) = e.state {
            if s.state == crate::state::DOWN as u8 {
                h.down |= bit;
            } else {
                h.down &= !bit;
            }
        }
    }
}

/// Applies the states a peer shared to this node's table (mode 1: mode 2 keeps its own).
fn apply(c: &Cluster, m: &Message) {
    if c.mode != Mode::Share {
        return;
    }
    let states: Vec<(u64, Shared)> = m
        .entries
        .iter()
        .filter_map(|e| e.state.map(|s| (e.dest, s)))
        .collect();
    if !states.is_empty() {
        crate::prober::apply_shared(&states, m.sender);
    }
}

/// Sends a destination added (`add`) or deleted through the config or RPC to the other
/// nodes (`dmq_replicate_adds`); API registrations never come here.
pub fn replicate(add: bool, uri: &[u8], owner: &[u8]) {
    let Some(c) = CLUSTER.get() else {
        return;
    };
    if !c.replicate_adds {
        return;
    }
    let d = codec::Replicated {
        uri: uri.to_vec(),
        owner: owner.to_vec(),
    };
    match codec::encode_replicated(add, c.id, &d) {
        Some(b) => send_all(vec![b], None),
        None => log::warn!("cluster: destination too long to replicate"),
    }
}

/// Applies an add or delete replicated by a peer (not sent on again).
fn replay(c: &Cluster, add: bool, d: &codec::Replicated) {
    if !c.replicate_adds {
        return;
    }
    let uri = String::from_utf8_lossy(&d.uri);
    let r = if add {
        crate::table::add(
            &d.uri,
            &d.owner,
            None,
            kamailio::ka_api::ForeignCallbacks::NONE,
            false,
        )
    } else {
        crate::table::del(&d.uri, &d.owner)
    };
    match r {
        Ok(()) => log::info!(
            "cluster: {} {uri} for {} as a peer did",
            if add { "added" } else { "deleted" },
            String::from_utf8_lossy(&d.owner)
        ),
        Err(e) => log::debug!("cluster: replicated change of {uri} not applied: {e}"),
    }
}

/// Peers whose last shared view of `key` is down, of those that have it (RPC, mode 2).
pub fn peers_down(key: &[u8]) -> Option<(u32, u32)> {
    let c = CLUSTER.get()?;
    let have = c.have.lock();
    let i = have.find(&hrw::dest_hash(key).to_le_bytes())?;
    let h = have.get(i);
    Some((h.down.count_ones(), h.bits.count_ones()))
}
