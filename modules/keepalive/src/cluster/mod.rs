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
mod digest;
pub mod epoch;
pub mod membership;
mod receive;
mod replicate;
mod throttle;
mod view;

use kamailio::dmq;
use kamailio::module::{IntParam, StrParam};
use kamailio::shm::ShmMutex;
use kamailio::shm_map::ShmMap;
use kamailio::timer::monotonic_ms;
use once_cell::sync::OnceCell;

use crate::error::{ConfigError, CoreError};
use crate::stats;
use crate::table::table;
use crate::InitError;
use codec::{Entry, Key, Kind, Shared, Stamp};
use membership::Members;
use throttle::Throttle;

use digest::request_sync;
pub use digest::tick;
use receive::on_message;
pub use replicate::{replicate, replicate_attrs};
pub use view::{view, View};

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
fn keys() -> Result<Option<Keys>, ConfigError> {
    let (sign, other) = (DMQ_SECRET.get(), DMQ_SECRET_ACCEPT.get());
    for (name, s) in [("dmq_secret", sign), ("dmq_secret_accept", other)] {
        if !s.is_empty() && s.len() < MIN_SECRET {
            return Err(ConfigError::ShortSecret {
                name,
                min: MIN_SECRET,
            });
        }
    }
    if sign.is_empty() {
        return match other.is_empty() {
            true => Ok(None),
            false => Err(ConfigError::AcceptWithoutSecret),
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
pub fn init(interval_ms: u32) -> Result<(), InitError> {
    let mode = match DMQ.get() {
        0 => return Ok(()),
        1 => Mode::Share,
        2 => Mode::EveryNode,
        v => return Err(ConfigError::DmqMode(v).into()),
    };
    let keys = keys()?;
    dmq::bind(
        PEER,
        "keepalive destination state",
        "application/x-keepalive",
        on_message,
        Some(request_sync),
    )
    .map_err(CoreError::of)?;
    let members = ShmMutex::<Members>::new().map_err(CoreError::of)?;
    members.lock().start_ms = monotonic_ms();
    let c = Cluster {
        mode,
        replicate_adds: DMQ_REPLICATE_ADDS.get() != 0,
        id: random_id(),
        period_ms: u64::from(interval_ms.max(1000)),
        keys,
        members,
        have: ShmMap::new().map_err(CoreError::of)?,
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

/// Peers whose last shared view of `key` is down, of those that have it (RPC, mode 2).
pub fn peers_down(key: &[u8]) -> Option<(u32, u32)> {
    let c = CLUSTER.get()?;
    let have = c.have.lock();
    let i = have.find(&hrw::dest_hash(key).to_le_bytes())?;
    let h = have.get(i);
    Some((h.down.count_ones(), h.bits.count_ones()))
}
