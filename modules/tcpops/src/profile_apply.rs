//! Applying TCP profiles with no cfg code: an accepted connection gets its profile when its
//! first message is received (the core's received-data event, in the TCP reader, before
//! the message reaches the cfg), a connection Kamailio opens when its first message is sent
//! (the sent-data event, right after the core's send) or received, whichever comes first.
//!
//! Each connection is handled once: a mark per conid in shm (slot `conid mod n`, the conid
//! and the profile's index), claimed with one compare-and-swap, so a message on a connection
//! already handled costs the match (a few comparisons) and one atomic load. A setting a cfg
//! call already made on the connection (keepalive, user timeout: their shm records; the
//! lifetime: a bit in the mark) is never replaced; a cfg call later replaces the profile's.

use std::sync::atomic::Ordering;
use std::sync::Mutex;

use kamailio::msg::Proto;
use kamailio::net_event::{self, Peer};
use kamailio::shm::ShmMutex;
use kamailio::shm_slots::ShmSlots;
use kamailio::tcp::Conn;
use once_cell::sync::OnceCell;

use crate::error::{InitError, ProfileError};
use crate::profile::{self, Profile, MAX_PROFILES};

/// The `profile` modparam lines, in the order written (main process, before mod_init).
static SPECS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The profiles, most specific first (parsed in mod_init, copied into every process).
static PROFILES: OnceCell<Vec<Profile>> = OnceCell::new();

/// A mark per connection that was handled: see [`mark`].
static MARKS: OnceCell<ShmSlots> = OnceCell::new();

/// How many connections each profile was applied to.
static COUNTS: OnceCell<ShmMutex<[u64; MAX_PROFILES]>> = OnceCell::new();

/// modparam `profile` (repeatable): kept as written, parsed in mod_init.
pub fn add_spec(v: &[u8]) -> Result<(), ProfileError> {
    let s = std::str::from_utf8(v).map_err(|_| ProfileError::NotUtf8)?;
    SPECS
        .lock()
        .map_err(|_| ProfileError::Poisoned)?
        .push(s.to_string());
    Ok(())
}

/// mod_init: parses the profiles (an error names the profile and the problem) and, if there
/// are any, sets up the marks and counters and takes the core's network events.
pub fn init() -> Result<(), InitError> {
    let specs = SPECS.lock().map(|s| s.clone()).unwrap_or_default();
    let profiles = profile::parse_all(&specs)?;
    if profiles.is_empty() {
        return Ok(());
    }
    let _ = MARKS.set(
        ShmSlots::new(crate::applied::slots(Conn::max_connections())).map_err(InitError::core)?,
    );
    let _ = COUNTS.set(ShmMutex::new().map_err(InitError::core)?);
    for p in &profiles {
        log::info!("tcp profile \"{}\": match {}", p.name, p.matches.text());
    }
    let _ = PROFILES.set(profiles);
    net_event::on_data_in(on_received).map_err(InitError::core)?;
    if let Err(e) = net_event::on_data_sent(on_sent) {
        log::warn!(
            "{e}: connections Kamailio opens get their TCP profile when their first message \
             is received instead of when their first is sent"
        );
    }
    Ok(())
}

/// A connection's mark: its conid (bits 8 and up), bit 7 set once a cfg call set its
/// lifetime ([`lifetime_set`]), and the index of the profile applied + 1 (0: none yet).
fn mark(conid: i32, low: u64) -> u64 {
    (u64::from(conid as u32) << 8) | low
}

const CFG_LIFETIME: u64 = 0x80;

/// The low bits of `v` if it is connection `conid`'s mark, else 0.
#[inline]
fn low_bits(v: u64, conid: i32) -> u64 {
    if v >> 8 == u64::from(conid as u32) {
        v & 0xff
    } else {
        0
    }
}

/// Whether connection `conid` was handled (a profile was applied).
#[inline]
fn handled(marks: &ShmSlots, conid: i32) -> bool {
    low_bits(marks.slot(conid as u64).load(Ordering::Acquire), conid) & !CFG_LIFETIME != 0
}

/// Notes that a cfg call set connection `conid`'s lifetime, which its profile then leaves
/// alone (one atomic operation; nothing without profiles).
pub fn lifetime_set(conid: i32) {
    if let Some(marks) = MARKS.get() {
        let _ = marks
            .slot(conid as u64)
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |v| {
                Some(mark(conid, low_bits(v, conid) | CFG_LIFETIME))
            });
    }
}

/// The profile for a peer. For a message received, `http` says it is an HTTP request (a
/// WebSocket upgrade, over TCP or TLS): `None` (wait for the connection's first WebSocket
/// message) where a ws/wss profile would choose differently for the same peer.
#[inline]
fn profile_for(all: &[Profile], p: &Peer, http: bool) -> Option<usize> {
    let now = profile::find(all, p.ip, p.port, p.proto);
    let ws = match p.proto {
        Proto::Tcp => Proto::Ws,
        Proto::Tls => Proto::Wss,
        _ => return now,
    };
    if http && profile::find(all, p.ip, p.port, ws) != now {
        return None;
    }
    now
}

fn on_received(p: &Peer, data: &[u8]) {
    if p.conid > 0 {
        // SIP has no GET method: a GET is an HTTP request
        handle(p, data.starts_with(b"GET "), || Conn::by_id(p.conid));
    }
}

fn on_sent(p: &Peer) {
    if p.conid > 0 {
        handle(p, false, || Conn::by_id(p.conid));
    } else {
        handle(p, false, || Conn::by_ip(p.ip, p.port));
    }
}

/// Applies the peer's profile to its connection (`conn` finds it) unless it was handled.
#[inline]
fn handle(p: &Peer, http: bool, conn: impl FnOnce() -> Option<Conn>) {
    let (Some(all), Some(marks)) = (PROFILES.get(), MARKS.get()) else {
        return;
    };
    let Some(idx) = profile_for(all, p, http) else {
        return;
    };
    if p.conid > 0 && handled(marks, p.conid) {
        return;
    }
    let Some(c) = conn() else { return };
    let id = c.id();
    let slot = marks.slot(id as u64);
    let cur = slot.load(Ordering::Acquire);
    let low = low_bits(cur, id);
    if low & !CFG_LIFETIME != 0
        || slot
            .compare_exchange(
                cur,
                mark(id, (low & CFG_LIFETIME) | (idx as u64 + 1)),
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_err()
    {
        return; // handled, or being handled by another process
    }
    apply(&c, &all[idx]);
    if let Some(counts) = COUNTS.get() {
        counts.lock()[idx] += 1;
    }
}

/// Sets what the profile gives, leaving alone what a cfg call already set.
fn apply(c: &Conn, p: &Profile) {
    let identity = c.identity();
    let id = c.id();
    if let Some(ms) = p.user_timeout_ms {
        if crate::user_timeout::applied(identity).is_none() {
            if let Err(e) = crate::user_timeout::set(c, ms) {
                log::warn!("tcp profile \"{}\": conid {id}: user timeout: {e}", p.name);
            }
        }
    }
    if let Some(ka) = p.keepalive {
        if crate::applied::applied(identity).is_none() {
            if let Err(e) = crate::applied::apply(c, Some(ka)) {
                log::warn!("tcp profile \"{}\": conid {id}: keepalive: {e}", p.name);
            }
        }
    }
    if let Some(s) = p.lifetime_s {
        let cfg_set = MARKS.get().is_some_and(|m| {
            low_bits(m.slot(id as u64).load(Ordering::Acquire), id) & CFG_LIFETIME != 0
        });
        if !cfg_set {
            Conn::set_lifetime_by_id(id, s);
        }
    }
    log::debug!("tcp profile \"{}\" applied to conid {id}", p.name);
}

/// The profiles, most specific first, with the number of connections each was applied to.
pub fn list() -> Vec<(&'static Profile, u64)> {
    let Some(all) = PROFILES.get() else {
        return Vec::new();
    };
    let counts = COUNTS.get().map(|c| *c.lock()).unwrap_or([0; MAX_PROFILES]);
    all.iter().zip(counts).collect()
}

/// The profile applied to connection `conid`, if one was.
pub fn applied_to(conid: i32) -> Option<&'static Profile> {
    let low = low_bits(
        MARKS.get()?.slot(conid as u64).load(Ordering::Acquire),
        conid,
    );
    let idx = (low & !CFG_LIFETIME).checked_sub(1)?;
    PROFILES.get()?.get(idx as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_http_request_waits_only_where_a_ws_profile_would_choose_otherwise() {
        let specs: Vec<String> = [
            "name=webrtc; match=0.0.0.0/0/wss; lifetime=1",
            "name=trunk; match=192.0.2.0/24:5061/tls; lifetime=2",
            "name=lan; match=10.0.0.0/8; lifetime=3",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let all = profile::parse_all(&specs).unwrap();
        let name = |ip: &str, port, proto, http| {
            let p = Peer {
                proto,
                conid: 1,
                ip: ip.parse().unwrap(),
                port,
            };
            profile_for(&all, &p, http).map(|i| all[i].name.as_str())
        };
        // SIP over TLS from the trunk: the trunk's, HTTP or not
        assert_eq!(name("192.0.2.7", 5061, Proto::Tls, false), Some("trunk"));
        // a browser's upgrade over TLS: wait; its WebSocket messages then get webrtc
        assert_eq!(name("198.51.100.1", 40000, Proto::Tls, true), None);
        assert_eq!(
            name("198.51.100.1", 40000, Proto::Wss, false),
            Some("webrtc")
        );
        // SIP over TLS from elsewhere: no profile (webrtc is for wss only)
        assert_eq!(name("198.51.100.1", 40000, Proto::Tls, false), None);
        // the LAN's profile has no protocol: the same for the upgrade and after
        assert_eq!(name("10.1.1.1", 40000, Proto::Tls, true), Some("lan"));
        assert_eq!(name("10.1.1.1", 40000, Proto::Wss, false), Some("lan"));
        // plain TCP: no wss profile differs from no profile
        assert_eq!(name("198.51.100.1", 40000, Proto::Tcp, true), None);
        assert_eq!(name("10.1.1.1", 40000, Proto::Tcp, true), Some("lan"));
    }

    #[test]
    fn a_mark_names_its_connection_only() {
        let m = mark(77, 3);
        assert_eq!(low_bits(m, 77), 3);
        assert_eq!(low_bits(m, 78), 0, "another conid in the same slot");
        assert_eq!(low_bits(0, 77), 0, "an empty slot");
        let cfg = mark(77, CFG_LIFETIME | 3);
        assert_eq!(
            low_bits(cfg, 77) & !CFG_LIFETIME,
            3,
            "the profile's index is kept"
        );
        assert_eq!(low_bits(cfg, 77) & CFG_LIFETIME, CFG_LIFETIME);
        // the largest conid and profile index fit
        let top = mark(i32::MAX, MAX_PROFILES as u64);
        assert_eq!(low_bits(top, i32::MAX), MAX_PROFILES as u64);
        assert!(MAX_PROFILES as u64 & CFG_LIFETIME == 0);
    }
}
