//! The KDMQ bodies keepalive nodes exchange: versioned, bounded, binary (pure).
//!
//! ```text
//! header   "KA" version(1) kind(1) sender(u64)                          12 bytes
//! digest   round(u32) part(u16) parts(u16)                               8 bytes
//! entries  count(u16), then per entry: dest hash(u64) flags(u8) [state]
//! state    state(u8) epoch(u16) last_code(u16) rtt_last_us rtt_avg_us
//!          last_checked last_up last_down pings replies timeouts (u32)  41 bytes
//! ```
//!
//! `Add` / `Del` (`dmq_replicate_adds`: a destination added or deleted through the config or
//! RPC) carry one destination: uri_len(u16) uri owner_len(u8) owner (such adds take the
//! receiver's own `ping_interval`, as they do on the sender).
//!
//! Little-endian. `Update` (state changes) and `Digest` (every destination the sender
//! monitors, with the state of those it probes) carry entries; `SyncRequest` (a joining
//! node asks for digests) carries none. A body is at most [`MAX_BODY`] bytes, so a KDMQ
//! request with its headers stays under the default `msg_recv_max_size` of Kamailio 6.0 and
//! later (32,767 bytes: a longer message is dropped by the receiving core, over UDP and TCP);
//! longer lists go in several parts ([`encode_batches`]).
//!
//! With `dmq_secret` every body is sealed ([`seal`]): the kind byte gets the flag 0x80 and
//! the body ends with a trailer
//!
//! ```text
//! trailer  sent_ms(u64: unix ms) counter(u64) mac(32 bytes)               48 bytes
//! ```
//!
//! where `mac` is HMAC-SHA256 under the secret of every byte before it (header with the
//! sender's node id, body, time and counter). [`decode`] reads the stamp; [`Key::verifies`]
//! checks the mac (in constant time). The encoders keep the plain body within
//! [`MAX_PLAIN`], so a sealed one still fits [`MAX_BODY`].

use crate::attrs::MAX_LEN;

mod decode;
mod encode;
mod seal;
#[cfg(test)]
mod tests;

pub use decode::{decode, DecodeError};
pub use encode::{encode_attrs, encode_batches, encode_replicated, encode_sync_request};
pub use seal::{seal, Key};

/// The first bytes of every body: anything else is not ours.
pub const MAGIC: [u8; 2] = *b"KA";
/// The format version; a body of another version is dropped (and logged once).
pub const VERSION: u8 = 1;
/// Longest body: Kamailio 6.0+'s default `msg_recv_max_size` (32,767 bytes; 5.6 has no such
/// limit) less room for the KDMQ request's headers.
pub const MAX_BODY: usize = 30_000;

/// Bytes of the authentication trailer ([`seal`]).
pub const TRAILER: usize = 48;
/// Longest body before sealing: the encoders keep to it.
pub const MAX_PLAIN: usize = MAX_BODY - TRAILER;

const HEADER: usize = 12;
const DIGEST_HEADER: usize = 8;
const ENTRY: usize = 9;
const STATE: usize = 41;

/// Entry flag: the entry carries a state (the sender probes the destination).
const HAS_STATE: u8 = 1;
/// Kind-byte flag: the body ends with the authentication trailer.
const SEALED: u8 = 0x80;
/// Bytes of the mac at the end of the trailer.
const MAC: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Update,
    Digest,
    SyncRequest,
    Add,
    Del,
    /// An add with attributes (with an owner), or a destination's attributes changed
    /// (`keepalive.set`, no owner).
    Attrs,
}

impl Kind {
    fn code(self) -> u8 {
        match self {
            Kind::Update => 1,
            Kind::Digest => 2,
            Kind::SyncRequest => 3,
            Kind::Add => 4,
            Kind::Del => 5,
            Kind::Attrs => 6,
        }
    }
}

/// What a prober shares of a destination.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shared {
    pub state: u8,
    /// Changes of the state so far (wrapping): newer wins.
    pub epoch: u16,
    pub last_code: u16,
    pub rtt_last_us: u32,
    pub rtt_avg_us: u32,
    pub last_checked: u32,
    pub last_up: u32,
    pub last_down: u32,
    pub pings: u32,
    pub replies: u32,
    pub timeouts: u32,
}

/// How many changes a state of change count `remote` is ahead of one of `local`, negative if
/// behind (counts wrap: serial-number order, so 0 follows 65,535).
pub fn ahead(local: u16, remote: u16) -> i16 {
    remote.wrapping_sub(local) as i16
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub dest: u64,
    /// Set when the sender probes the destination.
    pub state: Option<Shared>,
}

/// Which part of a digest round a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    pub round: u32,
    pub part: u16,
    pub parts: u16,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub kind: Kind,
    pub sender: u64,
    /// Digests only.
    pub part: Option<Part>,
    pub entries: Vec<Entry>,
    /// `Add` and `Del` only.
    pub dest: Option<Replicated>,
    /// `Attrs` only.
    pub attrs: Option<ReplicatedAttrs>,
    /// The trailer's time and counter, if the body was sealed (not verified by `decode`).
    pub stamp: Option<Stamp>,
}

/// When and as which of its messages a sender sealed a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// Unix time in ms.
    pub sent_ms: u64,
    /// Counts the sender's sealed messages (per node id, from 1).
    pub counter: u64,
}
/// A destination added or deleted on the sender (`Add`, `Del`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replicated {
    pub uri: Vec<u8>,
    pub owner: Vec<u8>,
}

/// A destination's attribute string as a peer merged it (at most [`MAX_LEN`]
/// bytes; checked again by the receiver as any attribute string).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicatedAttrs {
    pub uri: Vec<u8>,
    /// The owner of an add with attributes; empty for `keepalive.set`.
    pub owner: Vec<u8>,
    pub text: Vec<u8>,
}
