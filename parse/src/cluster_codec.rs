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
use hmac::{Hmac, Mac};
use sha2::Sha256;

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

/// A `dmq_secret`, ready to seal and verify bodies.
#[derive(Clone)]
pub struct Key(Hmac<Sha256>);

impl Key {
    pub fn new(secret: &[u8]) -> Key {
        Key(Hmac::new_from_slice(secret).expect("HMAC takes a key of any length"))
    }

    fn mac(&self, signed: &[u8]) -> [u8; MAC] {
        let mut m = self.0.clone();
        m.update(signed);
        m.finalize().into_bytes().into()
    }

    /// Whether a sealed `body` (as received) carries this key's mac; false for a body that is
    /// not sealed or too short. Constant time in the mac's bytes.
    pub fn verifies(&self, body: &[u8]) -> bool {
        if body.len() < HEADER + TRAILER || body[3] & SEALED == 0 {
            return false;
        }
        let (signed, mac) = body.split_at(body.len() - MAC);
        let mut m = self.0.clone();
        m.update(signed);
        m.verify_slice(mac).is_ok()
    }
}

/// Seals an encoded `body` (at most [`MAX_PLAIN`] bytes): sets the kind's flag and appends
/// the trailer with `stamp` and the mac under `key`.
pub fn seal(mut body: Vec<u8>, key: &Key, stamp: Stamp) -> Vec<u8> {
    body[3] |= SEALED;
    body.extend_from_slice(&stamp.sent_ms.to_le_bytes());
    body.extend_from_slice(&stamp.counter.to_le_bytes());
    let mac = key.mac(&body);
    body.extend_from_slice(&mac);
    body
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not a keepalive body (another peer's, or garbage).
    Foreign,
    /// A keepalive body of a version this node does not read.
    Version(u8),
    UnknownKind(u8),
    Truncated,
    /// Bytes after the last entry, an empty digest part list or a part out of range.
    Malformed,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Foreign => write!(f, "not a keepalive message"),
            DecodeError::Version(v) => write!(
                f,
                "keepalive message version {v} (this node reads {VERSION})"
            ),
            DecodeError::UnknownKind(k) => write!(f, "unknown message kind {k}"),
            DecodeError::Truncated => write!(f, "truncated message"),
            DecodeError::Malformed => write!(f, "malformed message"),
        }
    }
}

fn entry_len(e: &Entry) -> usize {
    ENTRY + if e.state.is_some() { STATE } else { 0 }
}

fn put_header(out: &mut Vec<u8>, kind: Kind, sender: u64) {
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(kind.code());
    out.extend_from_slice(&sender.to_le_bytes());
}

fn put_entry(out: &mut Vec<u8>, e: &Entry) {
    out.extend_from_slice(&e.dest.to_le_bytes());
    match &e.state {
        None => out.push(0),
        Some(s) => {
            out.push(HAS_STATE);
            out.push(s.state);
            out.extend_from_slice(&s.epoch.to_le_bytes());
            out.extend_from_slice(&s.last_code.to_le_bytes());
            for v in [
                s.rtt_last_us,
                s.rtt_avg_us,
                s.last_checked,
                s.last_up,
                s.last_down,
                s.pings,
                s.replies,
                s.timeouts,
            ] {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
    }
}

/// A sync request.
pub fn encode_sync_request(sender: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER);
    put_header(&mut out, Kind::SyncRequest, sender);
    out
}

/// An `Add` (`add`) or `Del` of `uri` for `owner`; `None` if the uri is longer than 65,535
/// bytes or the owner longer than 255.
pub fn encode_replicated(add: bool, sender: u64, d: &Replicated) -> Option<Vec<u8>> {
    let ul = u16::try_from(d.uri.len()).ok()?;
    let ol = u8::try_from(d.owner.len()).ok()?;
    let mut out = Vec::with_capacity(HEADER + 7 + d.uri.len() + d.owner.len());
    put_header(&mut out, if add { Kind::Add } else { Kind::Del }, sender);
    out.extend_from_slice(&ul.to_le_bytes());
    out.extend_from_slice(&d.uri);
    out.push(ol);
    out.extend_from_slice(&d.owner);
    (out.len() <= MAX_PLAIN).then_some(out)
}

/// An `Attrs` body; `None` if the URI or the text is too long.
pub fn encode_attrs(sender: u64, a: &ReplicatedAttrs) -> Option<Vec<u8>> {
    let ul = u16::try_from(a.uri.len()).ok()?;
    let ol = u8::try_from(a.owner.len()).ok()?;
    if a.text.len() > MAX_LEN {
        return None;
    }
    let mut out = Vec::with_capacity(HEADER + 5 + a.uri.len() + a.owner.len() + a.text.len());
    put_header(&mut out, Kind::Attrs, sender);
    out.extend_from_slice(&ul.to_le_bytes());
    out.extend_from_slice(&a.uri);
    out.push(ol);
    out.extend_from_slice(&a.owner);
    out.extend_from_slice(&(a.text.len() as u16).to_le_bytes());
    out.extend_from_slice(&a.text);
    (out.len() <= MAX_PLAIN).then_some(out)
}

/// `entries` as bodies of `kind` (`Update` or `Digest`), each at most [`MAX_PLAIN`] bytes;
/// digest parts are numbered within `round`. At least one body (an empty digest tells the
/// others that the sender is alive and monitors nothing).
pub fn encode_batches(kind: Kind, sender: u64, round: u32, entries: &[Entry]) -> Vec<Vec<u8>> {
    let head = HEADER
        + if kind == Kind::Digest {
            DIGEST_HEADER
        } else {
            0
        }
        + 2;
    let mut groups: Vec<&[Entry]> = Vec::new();
    let mut start = 0;
    let mut len = head;
    for (i, e) in entries.iter().enumerate() {
        let l = entry_len(e);
        if len + l > MAX_PLAIN || i - start == usize::from(u16::MAX) {
            groups.push(&entries[start..i]);
            start = i;
            len = head;
        }
        len += l;
    }
    groups.push(&entries[start..]);
    let parts = groups.len().min(usize::from(u16::MAX)) as u16;
    groups
        .iter()
        .take(usize::from(parts))
        .enumerate()
        .map(|(i, g)| {
            let mut out = Vec::with_capacity(head + g.iter().map(entry_len).sum::<usize>());
            put_header(&mut out, kind, sender);
            if kind == Kind::Digest {
                out.extend_from_slice(&round.to_le_bytes());
                out.extend_from_slice(&(i as u16).to_le_bytes());
                out.extend_from_slice(&parts.to_le_bytes());
            }
            out.extend_from_slice(&(g.len() as u16).to_le_bytes());
            for e in g.iter() {
                put_entry(&mut out, e);
            }
            out
        })
        .collect()
}

struct Reader<'a> {
    b: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        if self.b.len() < n {
            return Err(DecodeError::Truncated);
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Ok(h)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, DecodeError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, DecodeError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
}

/// Reads a body, plain or sealed (the stamp is read, the mac is not checked: see
/// [`Key::verifies`]); never panics, whatever the bytes.
pub fn decode(body: &[u8]) -> Result<Message, DecodeError> {
    if body.len() < 2 || body[..2] != MAGIC {
        return Err(DecodeError::Foreign);
    }
    if body.len() > MAX_BODY {
        return Err(DecodeError::Malformed);
    }
    let mut r = Reader { b: &body[2..] };
    let version = r.u8()?;
    if version != VERSION {
        return Err(DecodeError::Version(version));
    }
    let kind = r.u8()?;
    let mut stamp = None;
    if kind & SEALED != 0 {
        let Some(end) = r.b.len().checked_sub(TRAILER) else {
            return Err(DecodeError::Truncated);
        };
        let mut t = Reader { b: &r.b[end..] };
        stamp = Some(Stamp {
            sent_ms: t.u64()?,
            counter: t.u64()?,
        });
        r.b = &r.b[..end];
    }
    let kind = match kind & !SEALED {
        1 => Kind::Update,
        2 => Kind::Digest,
        3 => Kind::SyncRequest,
        4 => Kind::Add,
        5 => Kind::Del,
        6 => Kind::Attrs,
        k => return Err(DecodeError::UnknownKind(k)),
    };
    let sender = r.u64()?;
    let part = if kind == Kind::Digest {
        let p = Part {
            round: r.u32()?,
            part: r.u16()?,
            parts: r.u16()?,
        };
        if p.parts == 0 || p.part >= p.parts {
            return Err(DecodeError::Malformed);
        }
        Some(p)
    } else {
        None
    };
    let mut entries = Vec::new();
    let mut dest = None;
    let mut attrs = None;
    if matches!(kind, Kind::Add | Kind::Del) {
        let ul = usize::from(r.u16()?);
        let uri = r.take(ul)?.to_vec();
        let ol = usize::from(r.u8()?);
        let owner = r.take(ol)?.to_vec();
        if uri.is_empty() || owner.is_empty() {
            return Err(DecodeError::Malformed);
        }
        dest = Some(Replicated { uri, owner });
    } else if kind == Kind::Attrs {
        let ul = usize::from(r.u16()?);
        let uri = r.take(ul)?.to_vec();
        let ol = usize::from(r.u8()?);
        let owner = r.take(ol)?.to_vec();
        let al = usize::from(r.u16()?);
        if al > MAX_LEN {
            return Err(DecodeError::Malformed);
        }
        let text = r.take(al)?.to_vec();
        if uri.is_empty() {
            return Err(DecodeError::Malformed);
        }
        attrs = Some(ReplicatedAttrs { uri, owner, text });
    } else if kind != Kind::SyncRequest {
        let n = r.u16()?;
        // each entry takes at least ENTRY bytes: a count beyond that is a lie
        if usize::from(n) * ENTRY > r.b.len() {
            return Err(DecodeError::Truncated);
        }
        entries.reserve(usize::from(n));
        for _ in 0..n {
            let dest = r.u64()?;
            let state = match r.u8()? {
                0 => None,
                HAS_STATE => Some(Shared {
                    state: r.u8()?,
                    epoch: r.u16()?,
                    last_code: r.u16()?,
                    rtt_last_us: r.u32()?,
                    rtt_avg_us: r.u32()?,
                    last_checked: r.u32()?,
                    last_up: r.u32()?,
                    last_down: r.u32()?,
                    pings: r.u32()?,
                    replies: r.u32()?,
                    timeouts: r.u32()?,
                }),
                _ => return Err(DecodeError::Malformed),
            };
            if let Some(s) = &state {
                if s.state > 2 {
                    return Err(DecodeError::Malformed);
                }
            }
            entries.push(Entry { dest, state });
        }
    }
    if !r.b.is_empty() {
        return Err(DecodeError::Malformed);
    }
    Ok(Message {
        kind,
        sender,
        part,
        entries,
        dest,
        attrs,
        stamp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<Entry> {
        (0..n)
            .map(|i| Entry {
                dest: i as u64 * 0x9e37_79b9,
                state: (i % 3 != 0).then_some(Shared {
                    state: (i % 3) as u8,
                    last_code: 200,
                    rtt_last_us: i as u32,
                    pings: 7,
                    ..Shared::default()
                }),
            })
            .collect()
    }

    #[test]
    fn round_trip() {
        let es = entries(10);
        let bodies = encode_batches(Kind::Update, 42, 0, &es);
        assert_eq!(bodies.len(), 1);
        let m = decode(&bodies[0]).unwrap();
        assert_eq!((m.kind, m.sender, m.part), (Kind::Update, 42, None));
        assert_eq!(m.entries, es);
        let m = decode(&encode_sync_request(9)).unwrap();
        assert_eq!(
            (m.kind, m.sender, m.entries.len()),
            (Kind::SyncRequest, 9, 0)
        );
        let d = encode_batches(Kind::Digest, 1, 5, &[]);
        let m = decode(&d[0]).unwrap();
        assert_eq!(
            m.part,
            Some(Part {
                round: 5,
                part: 0,
                parts: 1
            })
        );
    }

    #[test]
    fn change_counts_order_across_the_wrap() {
        assert_eq!((ahead(3, 3), ahead(3, 4), ahead(4, 3)), (0, 1, -1));
        assert_eq!((ahead(65_535, 0), ahead(0, 65_535)), (1, -1));
        assert_eq!((ahead(65_000, 100), ahead(100, 65_000)), (636, -636));
        assert_eq!(ahead(0, 32_768), i16::MIN);
    }

    #[test]
    fn sealed_bodies_verify_and_tampering_shows() {
        let key = Key::new(b"0123456789abcdef");
        let stamp = Stamp {
            sent_ms: 1_800_000_000_123,
            counter: 7,
        };
        let plain = encode_batches(Kind::Update, 42, 0, &entries(3)).remove(0);
        let sealed = seal(plain.clone(), &key, stamp);
        assert_eq!(sealed.len(), plain.len() + TRAILER);
        let m = decode(&sealed).unwrap();
        assert_eq!((m.kind, m.sender, m.stamp), (Kind::Update, 42, Some(stamp)));
        assert_eq!(m.entries, decode(&plain).unwrap().entries);
        assert_eq!(decode(&plain).unwrap().stamp, None);
        assert!(key.verifies(&sealed));
        assert!(!key.verifies(&plain), "a plain body carries no mac");
        assert!(!Key::new(b"0123456789abcdeF").verifies(&sealed));
        // every byte counts: header, sender, entries, time, counter, mac
        for i in 0..sealed.len() {
            let mut t = sealed.clone();
            t[i] ^= 0x01;
            assert!(!key.verifies(&t), "byte {i} changed unnoticed");
        }
        for cut in 0..sealed.len() {
            assert!(!key.verifies(&sealed[..cut]), "cut at {cut}");
        }
        // a sealed body too short for its trailer
        let mut short = encode_sync_request(1);
        short[3] |= SEALED;
        assert_eq!(decode(&short), Err(DecodeError::Truncated));
        // the largest plain body still fits once sealed
        let big = encode_batches(Kind::Digest, 3, 1, &entries(20_000));
        for b in big {
            assert!(b.len() <= MAX_PLAIN);
            assert!(seal(b, &key, stamp).len() <= MAX_BODY);
        }
        let d = Replicated {
            uri: vec![b'u'; MAX_PLAIN - HEADER - 3 - 1],
            owner: b"o".to_vec(),
        };
        let b = encode_replicated(true, 1, &d).unwrap();
        assert_eq!(b.len(), MAX_PLAIN);
        let owner = Replicated {
            owner: b"oo".to_vec(),
            ..d
        };
        assert_eq!(encode_replicated(true, 1, &owner), None);
        let sealed = seal(b, &key, stamp);
        assert_eq!(sealed.len(), MAX_BODY);
        assert!(key.verifies(&sealed) && decode(&sealed).is_ok());
    }

    #[test]
    fn replicated_attributes() {
        let a = ReplicatedAttrs {
            uri: b"sip:gw1.example.com:5060".to_vec(),
            owner: b"rpc".to_vec(),
            text: b"interval=5;from=sip:p@example.com".to_vec(),
        };
        let m = decode(&encode_attrs(9, &a).unwrap()).unwrap();
        assert_eq!(
            (m.kind, m.sender, m.attrs),
            (Kind::Attrs, 9, Some(a.clone()))
        );
        let set = ReplicatedAttrs {
            owner: Vec::new(),
            ..a.clone()
        };
        assert_eq!(
            decode(&encode_attrs(9, &set).unwrap()).unwrap().attrs,
            Some(set)
        );
        let long = ReplicatedAttrs {
            text: vec![b'a'; MAX_LEN + 1],
            ..a.clone()
        };
        assert_eq!(encode_attrs(9, &long), None);
        // a forged length beyond the limit, a missing URI, trailing bytes: refused
        let mut b = encode_attrs(9, &a).unwrap();
        let at = HEADER + 2 + a.uri.len() + 1 + a.owner.len();
        b[at..at + 2].copy_from_slice(&((MAX_LEN + 1) as u16).to_le_bytes());
        assert_eq!(decode(&b), Err(DecodeError::Malformed));
        let empty = ReplicatedAttrs {
            uri: Vec::new(),
            ..a.clone()
        };
        assert_eq!(
            decode(&encode_attrs(9, &empty).unwrap()),
            Err(DecodeError::Malformed)
        );
        let mut b = encode_attrs(9, &a).unwrap();
        b.push(0);
        assert_eq!(decode(&b), Err(DecodeError::Malformed));
        let mut b = encode_attrs(9, &a).unwrap();
        b.truncate(b.len() - 1);
        assert_eq!(decode(&b), Err(DecodeError::Truncated));
    }

    #[test]
    fn replicated_adds_and_deletes() {
        let d = Replicated {
            uri: b"sip:gw1.example.com;transport=tcp".to_vec(),
            owner: b"rpc".to_vec(),
        };
        let m = decode(&encode_replicated(true, 5, &d).unwrap()).unwrap();
        assert_eq!(
            (m.kind, m.sender, m.dest.as_ref()),
            (Kind::Add, 5, Some(&d))
        );
        let m = decode(&encode_replicated(false, 5, &d).unwrap()).unwrap();
        assert_eq!((m.kind, m.dest.as_ref()), (Kind::Del, Some(&d)));
        let long = Replicated {
            owner: vec![b'o'; 256],
            ..d.clone()
        };
        assert_eq!(encode_replicated(true, 5, &long), None);
        let b = encode_replicated(true, 5, &d).unwrap();
        for cut in 3..b.len() {
            assert!(decode(&b[..cut]).is_err(), "cut at {cut}");
        }
        let empty = Replicated {
            owner: Vec::new(),
            ..d
        };
        let e = encode_replicated(false, 5, &empty).unwrap();
        assert_eq!(decode(&e), Err(DecodeError::Malformed));
    }

    #[test]
    fn big_digests_split_under_the_receivers_message_limit() {
        let es = entries(50_000);
        let bodies = encode_batches(Kind::Digest, 3, 8, &es);
        assert!(bodies.len() > 1);
        let mut back = Vec::new();
        for (i, b) in bodies.iter().enumerate() {
            assert!(b.len() <= MAX_BODY && MAX_BODY + 2_000 < 32_767);
            let m = decode(b).unwrap();
            let p = m.part.unwrap();
            assert_eq!(
                (p.round, p.part, p.parts),
                (8, i as u16, bodies.len() as u16)
            );
            back.extend(m.entries);
        }
        assert_eq!(back, es);
    }

    #[test]
    fn foreign_and_broken_bodies_are_refused() {
        assert_eq!(decode(b""), Err(DecodeError::Foreign));
        assert_eq!(decode(b"{\"action\":1}"), Err(DecodeError::Foreign));
        let mut b = encode_batches(Kind::Update, 1, 0, &entries(4)).remove(0);
        let mut v = b.clone();
        v[2] = 9;
        assert_eq!(decode(&v), Err(DecodeError::Version(9)));
        let mut k = b.clone();
        k[3] = 77;
        assert_eq!(decode(&k), Err(DecodeError::UnknownKind(77)));
        for cut in 3..b.len() {
            assert!(decode(&b[..cut]).is_err(), "cut at {cut}");
        }
        b.push(0);
        assert_eq!(decode(&b), Err(DecodeError::Malformed));
        // a count that promises more than the body holds
        let mut c = encode_batches(Kind::Update, 1, 0, &[]).remove(0);
        let n = c.len();
        c[n - 2..].copy_from_slice(&u16::MAX.to_le_bytes());
        assert_eq!(decode(&c), Err(DecodeError::Truncated));
        // a bad part number
        let mut d = encode_batches(Kind::Digest, 1, 0, &[]).remove(0);
        d[16] = 1;
        assert_eq!(decode(&d), Err(DecodeError::Malformed));
    }
}
