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
//!   share once it heard a peer and a whole period passed; a node that heard no peer within
//!   a period probes everything until a peer's digest is complete.
//!
//! What comes from the network is checked before it counts ([`on_message`]): the sender must
//! be a node dmq knows; with `dmq_secret` the body must be sealed with the secret, fresh and
//! no replay; a dmq node brings few node ids, and slowly; sync requests are answered once a
//! period per node; only hashes of destinations this node has are recorded; a state counts
//! only from the node this node sees as its prober, with a plausible change count
//! ([`epoch`]); a replicated add or delete never touches `_params` or API registrations.
//!
//! State in shm: the membership (one record) and, per destination hash, which peers have
//! it (one bit per membership slot). Lock order: the destination table, then the membership,
//! then the peer bits.

use krs_parse::cluster_codec as codec;
use krs_parse::hrw;
pub mod epoch;
pub mod membership;
mod throttle;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use kamailio::dmq;
use kamailio::module::{IntParam, StrParam};
use kamailio::shm::ShmMutex;
use kamailio::shm_map::{MapGuard, ShmMap};
use kamailio::timer::monotonic_ms;
use once_cell::sync::OnceCell;

use crate::outcome;
use crate::stats;
use crate::table::{now_unix, table, Dest};
use codec::{Entry, Key, Kind, Message, Shared, Stamp};
use membership::{Members, PartOutcome};
use throttle::Throttle;

/// `dmq`: 0 every node probes on its own (no dmq), 1 one prober per destination with
/// the state shared, 2 every node probes and keeps its own view while sharing it.
pub static DMQ: IntParam = IntParam::new(0);

/// `dmq_replicate_adds`: 1 also sends the destinations added and deleted through the config
/// (`ka_add_destination`, KEMI) and RPC to the other nodes, which add or delete them too.
pub static DMQ_REPLICATE_ADDS: IntParam = IntParam::new(0);

/// `dmq_secret`: seals every message sent and requires every message received to be sealed
/// with it (or with `dmq_secret_accept`).
pub static DMQ_SECRET: StrParam = StrParam::new();

/// `dmq_secret_accept`: a second secret whose messages are taken too (secret rotation).
pub static DMQ_SECRET_ACCEPT: StrParam = StrParam::new();

/// Shortest secret taken: 16 bytes (a short one could be guessed from one captured message).
pub const MIN_SECRET: usize = 16;

/// A sealed message whose time is further than this from the receiver's clock is refused
/// (node clocks must agree within it; tm retransmits a KDMQ request for at most ~32 s).
pub const FRESH_MS: u64 = 60_000;

/// The dmq peer name (the R-URI user of our KDMQ requests).
pub const PEER: &str = "keepalive";

/// The `dmq` modparam's cluster mode (no cluster: 0, no [`Cluster`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Share,
    EveryNode,
}

kamailio::shm_safe! {
    /// Which peers have a destination (one this node has too): bit `i` = membership slot
    /// `i`; `seen` marks the bits set in the digest round being received.
    #[derive(Clone, Copy, Default)]
    struct Have {
        bits: u32,
        seen: u32,
        /// Peers whose last shared view of the destination is down (shown by RPC).
        down: u32,
        /// When this node last sent its state again to outbid a peer's (monotonic ms).
        resent_ms: u64,
        /// The prober's last digest was out of step ([`epoch::takes`]).
        behind: bool,
    }
}

/// The secrets: `sign` seals what this node sends; a message sealed with any of `accept`
/// (which holds `sign`) is taken.
struct Keys {
    sign: Key,
    accept: Vec<Key>,
}

struct Cluster {
    mode: Mode,
    replicate_adds: bool,
    id: u64,
    period_ms: u64,
    keys: Option<Keys>,
    members: ShmMutex<Members>,
    have: ShmMap<Have>,
}

static CLUSTER: OnceCell<Cluster> = OnceCell::new();

/// A random node id (new at every start: a restarted node is a new member).
fn random_id() -> u64 {
    kamailio::random::u64() | 1
}

/// The secrets set by `dmq_secret` and `dmq_secret_accept`.
fn keys() -> Result<Option<Keys>, String> {
    let (sign, other) = (DMQ_SECRET.get(), DMQ_SECRET_ACCEPT.get());
    for (name, s) in [("dmq_secret", sign), ("dmq_secret_accept", other)] {
        if !s.is_empty() && s.len() < MIN_SECRET {
            return Err(format!("{name} must be at least {MIN_SECRET} bytes long"));
        }
    }
    if sign.is_empty() {
        return match other.is_empty() {
            true => Ok(None),
            false => Err("dmq_secret_accept needs dmq_secret".into()),
        };
    }
    let mut accept = vec![Key::new(sign)];
    if !other.is_empty() {
        accept.push(Key::new(other));
    }
    Ok(Some(Keys {
        sign: Key::new(sign),
        accept,
    }))
}

/// Reads `dmq`, binds dmq and makes the shared state; call in mod_init after the table.
pub fn init(interval_ms: u32) -> Result<(), String> {
    let mode = match DMQ.get() {
        0 => return Ok(()),
        1 => Mode::Share,
        2 => Mode::EveryNode,
        v => return Err(format!("dmq must be 0, 1 or 2 (got {v})")),
    };
    let keys = keys()?;
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
        keys,
        members,
        have: ShmMap::new()?,
    };
    log::info!(
        "cluster mode {mode:?}: node {:016x}, digest every {} ms, a silent node is gone after {} ms, messages {}",
        c.id,
        c.period_ms,
        c.period_ms * membership::TIMEOUT_PERIODS,
        match &c.keys {
            Some(k) if k.accept.len() > 1 => "sealed with dmq_secret (dmq_secret_accept taken too)",
            Some(_) => "sealed with dmq_secret",
            None => "not authenticated: gate KDMQ by source in the cfg (README, Security)",
        }
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

/// `cluster_peers`: the live peers this node hears (their digests complete); 0 outside
/// cluster mode.
pub fn peers() -> i64 {
    CLUSTER
        .get()
        .map_or(0, |c| c.members.lock().live().count() as i64)
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

/// Sends the bodies (sealed with `dmq_secret` if set) to node `to`, or to every node.
fn send_all(c: &Cluster, bodies: Vec<Vec<u8>>, to: Option<&dmq::Sender>) {
    static CANNOT: Throttle = Throttle::new();
    for b in bodies {
        let b = match &c.keys {
            Some(k) => {
                let stamp = Stamp {
                    sent_ms: now_unix_ms(),
                    counter: c.members.lock().next_sealed(),
                };
                codec::seal(b, &k.sign, stamp)
            }
            None => b,
        };
        let r = match to {
            Some(s) => s.send(&b),
            None => dmq::broadcast(&b),
        };
        if let Err(e) = r {
            CANNOT.warn(format_args!("cannot send a keepalive cluster message: {e}"));
        }
    }
}

/// Unix time in ms (the time in sealed messages: node clocks must agree within [`FRESH_MS`]).
fn now_unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
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
    send_all(c, codec::encode_batches(Kind::Update, c.id, 0, &[e]), None);
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
                state: (here || full).then(|| outcome::shared_of(d, dests.status(idx))),
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
    send_all(c, digest_bodies(c, round, false), None);
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
    send_all(c, vec![codec::encode_sync_request(c.id)], None);
}

/// Logs the first unusable body a process gets; later ones at debug level.
fn dropped(reason: &codec::DecodeError, len: usize) {
    static LOGGED: Throttle = Throttle::new();
    LOGGED.warn(format_args!(
        "dropped a KDMQ body for peer {PEER} ({len} bytes): {reason}"
    ));
}

/// Why a message from the network was not taken (each kind logged through its throttle).
#[derive(Clone, Copy, Debug)]
enum Refusal {
    UnknownNode,
    Unsealed,
    NoSecretHere,
    BadMac,
    Stale,
    Replay,
    Join(membership::Refused),
    SyncTooSoon,
}

fn refused(r: Refusal, m: &Message) {
    static LINES: [Throttle; 8] = [const { Throttle::new() }; 8];
    let (i, why) = match r {
        Refusal::UnknownNode => (
            0,
            "its From names no dmq node (gate KDMQ by source: README, Security)".to_string(),
        ),
        Refusal::Unsealed => (1, "not sealed, and dmq_secret is set here".into()),
        Refusal::NoSecretHere => (2, "sealed, and no dmq_secret is set here".into()),
        Refusal::BadMac => (
            3,
            "its seal does not verify with dmq_secret (or dmq_secret_accept)".into(),
        ),
        Refusal::Stale => (
            4,
            format!(
                "sealed more than {} s away from this node's clock",
                FRESH_MS / 1000
            ),
        ),
        Refusal::Replay => (5, "a replay (its counter was seen)".into()),
        Refusal::Join(why) => (6, format!("a new node id refused: {why}")),
        Refusal::SyncTooSoon => (
            7,
            "a sync request less than a period after the last from that node".into(),
        ),
    };
    let kind = match m.kind {
        Kind::Update => "state update",
        Kind::Digest => "digest",
        Kind::SyncRequest => "sync request",
        Kind::Add => "replicated add",
        Kind::Del => "replicated delete",
        Kind::Attrs => "replicated attributes",
    };
    LINES[i].warn(format_args!(
        "cluster: ignored a {kind} from node {:016x}: {why}",
        m.sender
    ));
}

/// Checks a message's seal against the secrets: `Err` if it must be dropped.
fn check_seal(c: &Cluster, body: &[u8], m: &Message) -> Result<(), Refusal> {
    match (&c.keys, m.stamp) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(Refusal::NoSecretHere),
        (Some(_), None) => Err(Refusal::Unsealed),
        (Some(k), Some(stamp)) => {
            if !k.accept.iter().any(|key| key.verifies(body)) {
                return Err(Refusal::BadMac);
            }
            if now_unix_ms().abs_diff(stamp.sent_ms) > FRESH_MS {
                return Err(Refusal::Stale);
            }
            Ok(())
        }
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
    if let Err(r) = admit(c, body, &m, from) {
        refused(r, &m);
    }
}

/// Acts on a decoded message if it passes every check (module doc); `Err`: why not.
fn admit(c: &Cluster, body: &[u8], m: &Message, from: &dmq::Sender) -> Result<(), Refusal> {
    let node = from.node_key().ok_or(Refusal::UnknownNode)?;
    check_seal(c, body, m)?;
    let now = monotonic_ms();
    let mut members = c.members.lock();
    if let Some(stamp) = m.stamp {
        if !members.fresh_counter(m.sender, stamp.counter, now) {
            return Err(Refusal::Replay);
        }
    }
    if m.sender == c.id {
        // this node's own message: dmq sends a node whose notification address is itself its
        // own broadcasts, and a forger may use its id. Nothing else counts, but a state it
        // claims for what this node probes is outbid (sent again; nothing to do for a real
        // one of this node's)
        drop(members);
        if matches!(m.kind, Kind::Update | Kind::Digest) {
            apply(c, m);
        }
        log::debug!("cluster: a {:?} in this node's own name: ignored", m.kind);
        return Ok(());
    }
    let slot = members
        .touch(m.sender, node, now, c.period_ms)
        .map_err(Refusal::Join)?;
    let outcome = m.part.map(|p| members.part(slot, p.round, p.part, p.parts));
    let sync = m.kind == Kind::SyncRequest && members.sync_due(node, now, c.period_ms);
    drop(members);
    match m.kind {
        Kind::Add | Kind::Del => {
            if let Some(d) = &m.dest {
                replay(c, m.kind == Kind::Add, d);
            }
        }
        Kind::Attrs => {
            if let Some(a) = &m.attrs {
                replay_attrs(c, a);
            }
        }
        Kind::SyncRequest => {
            if !sync {
                return Err(Refusal::SyncTooSoon);
            }
            let round = ROUND.load(Ordering::Relaxed);
            send_all(c, digest_bodies(c, round, true), Some(from));
        }
        Kind::Digest => {
            mark(c, slot, m);
            if outcome == Some(PartOutcome::MarkAndSweep) {
                sweep(c, 1 << slot, false);
            }
            apply(c, m);
        }
        Kind::Update => {
            stats::DMQ_UPDATES_RECEIVED.add(m.entries.len() as i32);
            mark(c, slot, m);
            apply(c, m);
        }
    }
    Ok(())
}

/// Sets slot `slot`'s bit for the destinations of a digest part or update that this node
/// has (the others are none of its business: recording them would let a sender fill shm).
fn mark(c: &Cluster, slot: usize, m: &Message) {
    let bit = 1u32 << slot;
    let known: Vec<&Entry> = {
        let dests = table().dests.lock();
        m.entries
            .iter()
            .filter(|e| index_of(&dests, e.dest).is_some())
            .collect()
    };
    let mut have = c.have.lock();
    for e in known {
        let Ok((i, _)) = have.insert(&e.dest.to_le_bytes(), Have::default()) else {
            static FULL: Throttle = Throttle::new();
            FULL.warn(format_args!("cluster: out of shm for the peer table"));
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
        apply_shared(&states, m.sender, m.kind == Kind::Digest);
    }
}

/// Cluster mode: applies the states `sender` shared (by hash; `digest`: in a digest) of the
/// destinations it probes as this node sees it, at a plausible change count, unless this
/// node probes them itself (then its count goes above the sender's, and its state goes out
/// again if they differ); runs this node's events and callbacks for each change.
fn apply_shared(states: &[(u64, Shared)], sender: u64, digest: bool) {
    let Some(view) = view() else {
        return;
    };
    let mut after = Vec::new();
    let mut republish = Vec::new();
    {
        let mut dests = table().dests.lock();
        for &(h, sh) in states {
            let Some((idx, gen)) = index_of(&dests, h) else {
                continue;
            };
            if !dests.is_current(idx, gen) {
                continue;
            }
            if view.probes_here(h) || outcome::has_response_cb(&dests, idx) {
                let st = dests.status(idx);
                let d = dests.get_mut(idx);
                if let Some((epoch, resend)) = view.outbid(h, d.epoch, st, sender, &sh) {
                    d.epoch = epoch;
                    if resend {
                        let shared = outcome::shared_of(d, st);
                        republish.push((dests.key(idx), shared));
                    }
                }
                continue;
            }
            let d = dests.get_mut(idx);
            if !view.takes(h, d.epoch, sender, digest, &sh) {
                continue;
            }
            d.epoch = sh.epoch;
            d.last_code = sh.last_code;
            d.rtt_last_us = sh.rtt_last_us;
            d.rtt_avg_us = sh.rtt_avg_us;
            d.last_checked = sh.last_checked;
            d.last_up = sh.last_up;
            d.last_down = sh.last_down;
            d.pings = sh.pings;
            d.replies = sh.replies;
            d.timeouts = sh.timeouts;
            let (up_after, down_after) = outcome::thresholds(d);
            let changed = d.streak.adopt(i32::from(sh.state), up_after, down_after);
            if changed.is_some() {
                d.last_change = now_unix();
            }
            // ka_best here ranks it by the prober's smoothed RTT
            dests.set_aux(idx, sh.rtt_avg_us);
            if changed.is_some() {
                after.push(outcome::after_change(&mut dests, idx, changed).after);
            }
        }
    }
    for a in after {
        a.run(None, publish);
    }
    for (key, shared) in republish {
        publish(&key, shared);
    }
}

/// Sends a destination added (`add`) or deleted through the config or RPC to the other
/// nodes (`dmq_replicate_adds`); API registrations never come here, nor `_params`.
pub fn replicate(add: bool, uri: &[u8], owner: &[u8]) {
    let Some(c) = CLUSTER.get() else {
        return;
    };
    if !c.replicate_adds || owner == crate::table::PARAMS_OWNER {
        return;
    }
    let d = codec::Replicated {
        uri: uri.to_vec(),
        owner: owner.to_vec(),
    };
    match codec::encode_replicated(add, c.id, &d) {
        Some(b) => send_all(c, vec![b], None),
        None => log::warn!("cluster: destination too long to replicate"),
    }
}

/// Cluster mode with `dmq_replicate_adds`: sends an add with attributes (`owner`), or an
/// attribute change (`keepalive.set`: `owner` empty), to the peers, with the attribute
/// string as given here (the peers merge it as this node did).
pub fn replicate_attrs(uri: &[u8], owner: &[u8], text: &[u8]) {
    let Some(c) = CLUSTER.get() else {
        return;
    };
    if !c.replicate_adds || owner == crate::table::PARAMS_OWNER {
        return;
    }
    let a = codec::ReplicatedAttrs {
        uri: uri.to_vec(),
        owner: owner.to_vec(),
        text: text.to_vec(),
    };
    match codec::encode_attrs(c.id, &a) {
        Some(b) => send_all(c, vec![b], None),
        None => log::warn!("cluster: attributes too long to replicate"),
    }
}

/// Applies attributes a peer replicated, checked as any attribute string (a `socket` must
/// be one of this node's): with an owner, an add as [`replay`] makes it, then the merge;
/// without, the merge into an existing destination.
fn replay_attrs(c: &Cluster, a: &codec::ReplicatedAttrs) {
    static REFUSED: Throttle = Throttle::new();
    if !c.replicate_adds {
        return;
    }
    let uri = String::from_utf8_lossy(&a.uri);
    let patch = match crate::attrs::parse_checked(&a.text) {
        Ok(p) => p,
        Err(e) => {
            REFUSED.warn(format_args!(
                "cluster: replicated attributes of {uri} refused: {e}"
            ));
            return;
        }
    };
    if !a.owner.is_empty() {
        let d = codec::Replicated {
            uri: a.uri.clone(),
            owner: a.owner.clone(),
        };
        replay(c, true, &d);
    }
    match crate::table::set_attrs(&a.uri, &patch) {
        Ok(now) => log::info!("cluster: attributes of {uri} now '{now}' as a peer set them"),
        Err(e) => log::debug!("cluster: replicated attributes of {uri} not applied: {e}"),
    }
}

/// Applies an add or delete replicated by a peer (not sent on again): only what a peer can
/// have sent (never `_params`, never an API registration, never a registration's callbacks).
fn replay(c: &Cluster, add: bool, d: &codec::Replicated) {
    static REFUSED: Throttle = Throttle::new();
    if !c.replicate_adds {
        return;
    }
    let uri = String::from_utf8_lossy(&d.uri);
    let owner = String::from_utf8_lossy(&d.owner);
    let r = if add {
        crate::table::add_replicated(&d.uri, &d.owner)
    } else {
        crate::table::del_replicated(&d.uri, &d.owner)
    };
    let what = if add { "add" } else { "delete" };
    match r {
        Ok(true) => log::info!("cluster: {what} of {uri} for {owner} as a peer did"),
        Ok(false) => {}
        Err(e @ crate::table::Error::Protected) => REFUSED.warn(format_args!(
            "cluster: replicated {what} of {uri} for {owner} refused: {e}"
        )),
        Err(e) => log::debug!("cluster: replicated {what} of {uri} not applied: {e}"),
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
