//! Stateless pings: OPTIONS sent through the core's send API (no tm transaction per ping),
//! replies matched in the module's reply hook by a Call-ID prefix that marks this server's
//! pings. The state of a ping in flight is the destination's record in shm (`in_flight`,
//! `ping_seq`, `sent_at_us`), so a reply may arrive in any receiver or TCP reader; timeouts
//! stay on the pinger's grid (`probe_timeout`, or the next ping due).
//!
//! tm still sends a ping when:
//! - `ping_with_tm` is set (users who want tm's UDP retransmissions and its timer),
//! - a registration of the destination has an API `response_clb` (it receives tm's reply
//!   parameters),
//! - the destination's transport is none of UDP, TCP, TLS (SCTP, WS, WSS).
//!
//! Host names are resolved as tm resolves a Request-URI with a port (every canonical
//! destination has one): A/AAAA through the core's resolver and DNS cache, no SRV/NAPTR.

use std::fmt::Write as _;

use kamailio::send::{Dest, Transport};
use once_cell::sync::OnceCell;

use crate::config::settings;
use crate::table::table;

/// The Call-ID prefix of this server's pings: `kaping-<8 hex of a random instance id>-`,
/// chosen in mod_init (before the fork, so every process knows it).
static PREFIX: OnceCell<String> = OnceCell::new();

pub fn init() -> Result<(), String> {
    let id = kamailio::random::try_u64().map_err(|e| format!("cannot read /dev/urandom: {e}"))?;
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

/// Whether the destination of ping `tok` is pinged through tm (see the module doc); `regs`:
/// it has registration records (only those can hold an API callback).
fn needs_tm(tok: u64, regs: bool) -> bool {
    if settings().ping_with_tm {
        return true;
    }
    if !regs {
        return false;
    }
    let idx = (tok >> 32) as u32;
    let t = table();
    let dests = t.dests.lock();
    if !dests.is_live(idx) {
        return false;
    }
    let mut r = dests.get(idx).first_reg.get();
    if r.is_none() {
        return false;
    }
    let regs = t.regs.lock();
    while let Some(ri) = r {
        let reg = regs.get(ri);
        if reg.cbs.has_response() {
            return true;
        }
        r = reg.next.get();
    }
    false
}

/// The OPTIONS request of ping `tok` to `uri`, sent from the socket of `dest`.
fn request(uri: &[u8], tok: u64, dest: &Dest) -> Vec<u8> {
    let (host, port) = dest.via_hostport();
    let uri = String::from_utf8_lossy(uri);
    let from = String::from_utf8_lossy(&settings().ping_from).into_owned();
    let from = if from.contains('<') {
        from
    } else {
        format!("<{from}>")
    };
    let p = prefix();
    let mut m = String::with_capacity(400);
    let _ = write!(
        m,
        "OPTIONS {uri} SIP/2.0\r\n\
         Via: SIP/2.0/{t} {host}:{port};branch=z9hG4bK{p}{tok:016x}\r\n\
         From: {from};tag={tok:016x}\r\n\
         To: <{uri}>\r\n\
         Call-ID: {p}{tok:016x}\r\n\
         CSeq: 10 OPTIONS\r\n\
         Max-Forwards: 70\r\n\
         Content-Length: 0\r\n\r\n",
        t = dest.transport().via_name(),
    );
    m.into_bytes()
}

/// How ping `tok` went out.
pub enum Sent {
    Stateless,
    /// The caller sends it through tm.
    ViaTm,
}

/// Sends ping `tok` to `uri` statelessly, or says it goes through tm (`regs`: see
/// [`needs_tm`]).
pub fn send(uri: &[u8], tok: u64, regs: bool) -> Result<Sent, String> {
    let Some((host, port, transport)) = target(uri) else {
        return Ok(Sent::ViaTm);
    };
    if needs_tm(tok, regs) {
        return Ok(Sent::ViaTm);
    }
    let mut dest = Dest::resolve(host, port, transport)?;
    let msg = request(uri, tok, &dest);
    dest.send(&msg)?;
    Ok(Sent::Stateless)
}

/// The module's reply hook: consumes the replies to this server's stateless pings (final
/// ones complete the ping); passes every other reply on after one prefix compare.
pub fn on_reply(callid: &[u8], code: i32) -> bool {
    let Some(p) = PREFIX.get() else {
        return false;
    };
    let Some(rest) = callid.strip_prefix(p.as_bytes()) else {
        return false;
    };
    let tok = std::str::from_utf8(rest)
        .ok()
        .filter(|t| t.len() == 16)
        .and_then(|t| u64::from_str_radix(t, 16).ok());
    match tok {
        Some(tok) if code >= 200 => crate::prober::stateless_reply(tok, code),
        Some(_) => {}
        None => log::debug!("malformed ping Call-ID ignored"),
    }
    true
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
}
