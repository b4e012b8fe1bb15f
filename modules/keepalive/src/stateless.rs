//! Stateless pings: OPTIONS sent through the core's send API (no tm transaction per ping),
//! replies matched in the module's reply hook. The state of a ping in flight is the
//! destination's record in shm (`in_flight`, `ping_seq`, `sent_at_us`), so a reply may
//! arrive in any receiver or TCP reader; timeouts stay on the pinger's grid
//! (`probe_timeout`, or the next ping due), and so do the retransmissions of UDP pings.
//!
//! Each ping has an identity of 64 bits from the kernel's CSPRNG, kept as its destination
//! record's word (read lock-free by record index) and carried in the Via branch and the
//! Call-ID (`kaping-<server instance>-<record index>-<identity>`), with the ping sequence as
//! CSeq number. A reply counts only if its Call-ID names a record whose word is that
//! identity (checked without a lock, so a forged or late reply costs no table lock), its top
//! Via branch is the ping's, its CSeq is the ping's number and OPTIONS, and it came over the
//! ping's transport (from any port: a UAS may answer from another one). A monitored peer sees
//! its own pings only, and guesses nothing of another destination's.
//!
//! tm still sends a ping when:
//! - `ping_with_tm` is set (users who want tm's timer),
//! - a registration of the destination has an API `response_clb` (it receives tm's reply
//!   parameters),
//! - the destination's transport is none of UDP, TCP, TLS (SCTP, WS, WSS).
//!
//! Host names are resolved as tm resolves a Request-URI with a port (every canonical
//! destination has one): A/AAAA through the core's resolver and DNS cache, no SRV/NAPTR.

use std::fmt::Write as _;

use kamailio::send::{Dest, SipReply, Transport};
use once_cell::sync::OnceCell;

use crate::config::settings;
use crate::error::{CoreError, SendError};
use crate::outcome::{self, Outcome};
use crate::table::table;

/// The Call-ID prefix of this server's pings: `kaping-<8 hex of a random instance id>-`,
/// chosen in mod_init (before the fork, so every process knows it).
static PREFIX: OnceCell<String> = OnceCell::new();

pub fn init() -> Result<(), CoreError> {
    let id = kamailio::random::try_u64()
        .map_err(|e| CoreError(format!("cannot read /dev/urandom: {e}")))?;
    let _ = PREFIX.set(format!("kaping-{:08x}-", id as u32));
    Ok(())
}

fn prefix() -> &'static str {
    PREFIX.get().map_or("kaping-", String::as_str)
}

/// Where a canonical destination (`sip[s]:[user@]host:port[;transport=t]`) is sent: host
/// (IPv6 without brackets), port, transport; `None` for transports sent through tm.
fn target(uri: &[u8]) -> Option<(&[u8], u16, Transport)> {
    let (sips, rest) = match uri.strip_prefix(b"sips:") {
        Some(r) => (true, r),
        None => (false, uri.strip_prefix(b"sip:")?),
    };
    let (hostport, params) = match rest.iter().position(|&b| b == b';') {
        Some(p) => (&rest[..p], &rest[p + 1..]),
        None => (rest, &b""[..]),
    };
    let hostport = match hostport.iter().rposition(|&b| b == b'@') {
        Some(at) => &hostport[at + 1..],
        None => hostport,
    };
    let colon = hostport.iter().rposition(|&b| b == b':')?;
    let port = std::str::from_utf8(&hostport[colon + 1..])
        .ok()?
        .parse()
        .ok()?;
    let host = &hostport[..colon];
    let host = host
        .strip_prefix(b"[")
        .and_then(|h| h.strip_suffix(b"]"))
        .unwrap_or(host);
    let transport = match params.strip_prefix(b"transport=") {
        None if params.is_empty() => {
            if sips {
                Transport::Tls
            } else {
                Transport::Udp
            }
        }
        Some(b"tcp") if sips => Transport::Tls,
        Some(b"tcp") => Transport::Tcp,
        Some(b"tls") => Transport::Tls,
        _ => return None,
    };
    Some((host, port, transport))
}

/// Whether destination `idx` is pinged through tm (see the module doc); `regs`: it has
/// registration records (only those can hold an API callback).
fn needs_tm(idx: u32, regs: bool) -> bool {
    if settings().ping_with_tm {
        return true;
    }
    if !regs {
        return false;
    }
    let t = table();
    let dests = t.dests.lock();
    if !dests.is_live(idx) {
        return false;
    }
    let first = dests.get(idx).first_reg;
    if first.is_none() {
        return false;
    }
    let regs = t.regs.lock();
    let answer = crate::table::regs_from(&regs, first).any(|(_, r)| r.cbs.has_response());
    answer
}

/// The Call-ID of ping `id` of record `idx` (after the instance prefix).
fn callid_tail(idx: u32, id: u64) -> String {
    format!("{idx:x}-{id:016x}")
}

/// The record index and identity a Call-ID's tail (after the prefix) names.
fn parse_tail(tail: &[u8]) -> Option<(u32, u64)> {
    let tail = std::str::from_utf8(tail).ok()?;
    let (idx, id) = tail.split_once('-')?;
    let hex = |t: &str, max: usize| {
        !t.is_empty() && t.len() <= max && t.bytes().all(|b| b.is_ascii_hexdigit())
    };
    if !hex(idx, 8) || id.len() != 16 || !hex(id, 16) {
        return None;
    }
    Some((
        u32::from_str_radix(idx, 16).ok()?,
        u64::from_str_radix(id, 16).ok()?,
    ))
}

/// The Via branch of ping `id`.
fn branch(id: u64) -> String {
    format!("z9hG4bKka{id:016x}")
}

/// The CSeq number of the ping with sequence `seq` (below 2**31, as RFC 3261 wants).
pub fn cseq(seq: u32) -> u32 {
    seq & 0x7fff_ffff
}

/// One ping: its record, identity and sequence.
#[derive(Clone, Copy, Debug)]
pub struct Ping {
    pub idx: u32,
    pub id: u64,
    pub seq: u32,
}

/// The OPTIONS request of `ping` to `uri`, sent from the socket of `dest` (every copy the
/// same).
fn request(uri: &[u8], ping: Ping, dest: &Dest) -> Vec<u8> {
    let (host, port) = dest.via_hostport();
    let uri = String::from_utf8_lossy(uri);
    let from = String::from_utf8_lossy(&settings().ping_from).into_owned();
    let from = if from.contains('<') {
        from
    } else {
        format!("<{from}>")
    };
    let mut m = String::with_capacity(400);
    let _ = write!(
        m,
        "OPTIONS {uri} SIP/2.0\r\n\
         Via: SIP/2.0/{t} {host}:{port};branch={b}\r\n\
         From: {from};tag={id:016x}\r\n\
         To: <{uri}>\r\n\
         Call-ID: {p}{c}\r\n\
         CSeq: {n} OPTIONS\r\n\
         Max-Forwards: 70\r\n\
         Content-Length: 0\r\n\r\n",
        t = dest.transport().via_name(),
        b = branch(ping.id),
        id = ping.id,
        p = prefix(),
        c = callid_tail(ping.idx, ping.id),
        n = cseq(ping.seq),
    );
    m.into_bytes()
}

/// How a ping went out.
pub enum Sent {
    /// Statelessly, over this transport.
    Stateless(Transport),
    /// The caller sends it through tm.
    ViaTm,
}

/// Sends `ping` to `uri` statelessly, or says it goes through tm (`regs`: see
/// [`needs_tm`]).
pub fn send(uri: &[u8], ping: Ping, regs: bool) -> Result<Sent, SendError> {
    let Some((host, port, transport)) = target(uri) else {
        return Ok(Sent::ViaTm);
    };
    if needs_tm(ping.idx, regs) {
        return Ok(Sent::ViaTm);
    }
    let mut dest = Dest::resolve(host, port, transport).map_err(CoreError::of)?;
    let msg = request(uri, ping, &dest);
    dest.send(&msg).map_err(CoreError::of)?;
    Ok(Sent::Stateless(transport))
}

/// Sends `ping` to `uri` again (a UDP retransmission: the same request).
pub fn resend(uri: &[u8], ping: Ping) -> Result<(), SendError> {
    let (host, port, transport) = target(uri).ok_or(SendError::NotStateless)?;
    let mut dest = Dest::resolve(host, port, transport).map_err(CoreError::of)?;
    let msg = request(uri, ping, &dest);
    Ok(dest.send(&msg).map_err(CoreError::of)?)
}

/// The transport a destination's stateless pings use (`None`: sent through tm).
pub fn transport_of(uri: &[u8]) -> Option<Transport> {
    target(uri).map(|(_, _, t)| t)
}

/// The module's reply hook: consumes the replies that carry this server's ping Call-ID
/// prefix (nobody else wants them), and lets a final one that matches its ping in full
/// complete it; passes every other reply on after that one prefix compare.
pub fn on_reply(reply: &SipReply) -> bool {
    let Some(p) = PREFIX.get() else {
        return false;
    };
    let Some(tail) = reply.callid().strip_prefix(p.as_bytes()) else {
        return false;
    };
    let Some((idx, id)) = parse_tail(tail) else {
        log::debug!("malformed ping Call-ID ignored");
        return true;
    };
    // the identity first, lock-free: a forged, late or duplicate reply stops here
    if id == 0 || table().dests.word(idx) != id || reply.code() < 200 {
        return true;
    }
    let Some(ids) = reply.ids() else {
        return true;
    };
    let seq = std::str::from_utf8(ids.cseq)
        .ok()
        .and_then(|n| n.parse::<u32>().ok());
    match seq {
        Some(seq) if ids.branch == branch(id).as_bytes() && ids.method == b"OPTIONS" => {
            ping_reply(idx, id, seq, ids.transport, reply.code())
        }
        _ => log::debug!("reply with a ping's Call-ID but another Via branch or CSeq ignored"),
    }
    true
}

/// A final reply to a stateless ping (from the reply hook, in any process), whose Call-ID
/// named record `idx` and identity `id` and whose Via branch carried it: it counts if that
/// ping is still in flight, the CSeq is its number and it came over its transport.
fn ping_reply(idx: u32, id: u64, reply_cseq: u32, transport: Option<Transport>, code: i32) {
    let after = {
        let mut dests = table().dests.lock();
        if !dests.is_live(idx) || table().dests.word(idx) != id {
            return;
        }
        let d = dests.get(idx);
        if !d.in_flight || cseq(d.ping_seq) != reply_cseq {
            log::debug!("reply with another CSeq ignored");
            return;
        }
        if transport.is_none() || transport_of(&dests.key(idx)) != transport {
            log::debug!("reply over another transport ignored");
            return;
        }
        outcome::complete(&mut dests, idx, Outcome::Reply(code))
    };
    after.run(None, crate::cluster::publish);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_of_canonical_destinations() {
        let t = |s: &str| {
            target(s.as_bytes()).map(|(h, p, t)| (String::from_utf8_lossy(h).into_owned(), p, t))
        };
        assert_eq!(
            t("sip:1.2.3.4:5060"),
            Some(("1.2.3.4".into(), 5060, Transport::Udp))
        );
        assert_eq!(
            t("sip:u@h.example:5070;transport=tcp"),
            Some(("h.example".into(), 5070, Transport::Tcp))
        );
        assert_eq!(
            t("sips:[::1]:5061"),
            Some(("::1".into(), 5061, Transport::Tls))
        );
        assert_eq!(
            t("sips:h:5061;transport=tcp"),
            Some(("h".into(), 5061, Transport::Tls))
        );
        assert_eq!(
            t("sip:h:5061;transport=tls"),
            Some(("h".into(), 5061, Transport::Tls))
        );
        assert_eq!(t("sip:h:5060;transport=sctp"), None);
        assert_eq!(t("sip:h:5061;transport=wss"), None);
    }

    #[test]
    fn ping_ids_round_trip_and_nothing_else_parses() {
        for (idx, id) in [(0, 1), (4_194_303, u64::MAX), (17, 0x0123_4567_89ab_cdef)] {
            let tail = callid_tail(idx, id);
            assert_eq!(parse_tail(tail.as_bytes()), Some((idx, id)), "{tail}");
        }
        for bad in [
            "",
            "1",
            "1-",
            "-0123456789abcdef",
            "1-0123456789abcde",
            "1-0123456789abcdef0",
            "1-0123456789abcdeg",
            "123456789-0123456789abcdef",
            "1-+123456789abcdef",
            "+1-0123456789abcdef",
            // the form before per-ping identities: index and sequence in 16 hex digits
            "0000000100000002",
        ] {
            assert_eq!(parse_tail(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(branch(0xab), "z9hG4bKka00000000000000ab");
        assert_eq!(cseq(u32::MAX), 0x7fff_ffff);
    }
}
