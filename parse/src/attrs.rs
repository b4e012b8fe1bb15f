//! Per-destination attributes (`interval=5;from=sip:ping@example.com;probing=0`), pure logic:
//! parsing with validation, merging into a destination's attributes, and the canonical text
//! they are kept as in shm.
//!
//! An attribute string is `name=value` pairs separated by `;`. A value left empty (`timeout=`)
//! puts the attribute back to the module's setting. An unknown name, a name given twice or a
//! bad value refuses the whole string.

use crate::codes::{Codes, CodesError};

/// Why an attribute string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttrError {
    #[error("attributes longer than {MAX_LEN} bytes ({0})")]
    TooLong(usize),
    #[error("attributes are not UTF-8")]
    NotUtf8,
    #[error("attribute '{0}' has no '='")]
    NoValue(String),
    #[error("unknown attribute '{0}' (known: {known})", known = NAMES.join(", "))]
    Unknown(String),
    #[error("attribute '{0}' given twice")]
    Twice(&'static str),
    #[error("{name}: '{value}' is not a number")]
    NotANumber { name: &'static str, value: String },
    #[error("{name} must be from {min} to {max} (got {got})")]
    OutOfRange {
        name: &'static str,
        min: u32,
        max: u32,
        got: u32,
    },
    #[error("{name}: '{value}' is not a sip: or sips: URI")]
    NotSipUri { name: &'static str, value: String },
    #[error("{name}: bad URI '{value}'")]
    BadUri { name: &'static str, value: String },
    #[error("socket: '{0}' is not proto:ip:port (udp, tcp, tls or sctp; an IP address)")]
    BadSocket(String),
    #[error("alive_codes: {0}")]
    AliveCodes(CodesError),
}

/// Longest attribute string accepted (the canonical text is a shm map key).
pub const MAX_LEN: usize = 480;
/// Longest `from`, `socket` or `proxy` value.
const MAX_VALUE: usize = 255;

/// A destination's attributes; `None`: the module's setting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attrs {
    /// Seconds.
    pub interval: Option<u32>,
    /// Milliseconds.
    pub timeout: Option<u32>,
    pub from: Option<String>,
    /// `proto:ip:port` (or `proto:[ipv6]:port`).
    pub socket: Option<String>,
    pub proxy: Option<String>,
    pub alive_codes: Option<String>,
    pub down_after: Option<u16>,
    pub up_after: Option<u16>,
    /// false: probing paused.
    pub probing: Option<bool>,
}

/// The names, in the canonical order.
const NAMES: [&str; 9] = [
    "interval",
    "timeout",
    "from",
    "socket",
    "proxy",
    "alive_codes",
    "down_after",
    "up_after",
    "probing",
];

/// A parsed attribute string: the values it gives and which names it mentions (bit i:
/// `NAMES[i]`), so merging tells "reset" (named, no value) from "unchanged" (not named).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Patch {
    pub set: Attrs,
    named: u16,
}

impl Patch {
    /// Whether the string named attribute `name` (with a value or empty).
    pub fn names(&self, name: &str) -> bool {
        NAMES
            .iter()
            .position(|n| *n == name)
            .is_some_and(|i| self.named & (1 << i) != 0)
    }
}

fn number(name: &'static str, v: &str, min: u32, max: u32) -> Result<u32, AttrError> {
    let n: u32 = if !v.is_empty() && v.len() <= 10 && v.bytes().all(|b| b.is_ascii_digit()) {
        v.parse().ok()
    } else {
        None
    }
    .ok_or_else(|| AttrError::NotANumber {
        name,
        value: v.to_string(),
    })?;
    if n < min || n > max {
        return Err(AttrError::OutOfRange {
            name,
            min,
            max,
            got: n,
        });
    }
    Ok(n)
}

/// A SIP or SIPS URI as a header may carry it: `sip:` or `sips:`, then printable ASCII
/// without blanks, quotes or angle brackets (nothing that could end the header or the URI).
fn sip_uri(name: &'static str, v: &str) -> Result<String, AttrError> {
    let lower = v.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("sip:")
        .or_else(|| lower.strip_prefix("sips:"))
        .ok_or_else(|| AttrError::NotSipUri {
            name,
            value: shown(v),
        })?;
    if rest.is_empty()
        || v.len() > MAX_VALUE
        || !v
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b','))
    {
        return Err(AttrError::BadUri {
            name,
            value: shown(v),
        });
    }
    Ok(v.to_string())
}

/// `proto:ip:port` with proto udp, tcp, tls or sctp, an IPv4 address or a bracketed IPv6
/// one, and a port 1-65535.
fn socket(v: &str) -> Result<String, AttrError> {
    let bad = || AttrError::BadSocket(shown(v));
    let (proto, rest) = v.split_once(':').ok_or_else(bad)?;
    let proto = proto.to_ascii_lowercase();
    if !matches!(proto.as_str(), "udp" | "tcp" | "tls" | "sctp") {
        return Err(bad());
    }
    let (host, port) = rest.rsplit_once(':').ok_or_else(bad)?;
    let ip_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => host.parse::<std::net::Ipv4Addr>().is_ok(),
    };
    if !ip_ok {
        return Err(bad());
    }
    number("socket port", port, 1, 65_535)?;
    Ok(format!("{proto}:{host}:{port}"))
}

fn shown(v: &str) -> String {
    v.chars()
        .take(64)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Parses an attribute string (see the module doc).
pub fn parse(text: &[u8]) -> Result<Patch, AttrError> {
    if text.len() > MAX_LEN {
        return Err(AttrError::TooLong(text.len()));
    }
    let text = std::str::from_utf8(text).map_err(|_| AttrError::NotUtf8)?;
    let mut p = Patch::default();
    for pair in text.split(';').map(str::trim) {
        if pair.is_empty() {
            continue;
        }
        let (name, value) = pair
            .split_once('=')
            .ok_or_else(|| AttrError::NoValue(shown(pair)))?;
        let (name, v) = (name.trim(), value.trim());
        let i = NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name))
            .ok_or_else(|| AttrError::Unknown(shown(name)))?;
        if p.named & (1 << i) != 0 {
            return Err(AttrError::Twice(NAMES[i]));
        }
        p.named |= 1 << i;
        if v.is_empty() {
            continue;
        }
        let a = &mut p.set;
        match NAMES[i] {
            "interval" => a.interval = Some(number("interval", v, 1, 4_294_967)?),
            "timeout" => a.timeout = Some(number("timeout", v, 1, 3_600_000)?),
            "from" => a.from = Some(sip_uri("from", v)?),
            "socket" => a.socket = Some(socket(v)?),
            "proxy" => a.proxy = Some(sip_uri("proxy", v)?),
            "alive_codes" => {
                Codes::parse(v).map_err(AttrError::AliveCodes)?;
                a.alive_codes = Some(v.replace(' ', ""));
            }
            "down_after" => a.down_after = Some(number("down_after", v, 1, 65_535)? as u16),
            "up_after" => a.up_after = Some(number("up_after", v, 1, 65_535)? as u16),
            _ => a.probing = Some(number("probing", v, 0, 1)? == 1),
        }
    }
    Ok(p)
}

impl Attrs {
    /// Reads the canonical text made by [`Attrs::text`] (empty: no attributes).
    pub fn from_text(text: &[u8]) -> Attrs {
        parse(text).map(|p| p.set).unwrap_or_default()
    }

    /// Applies `patch`: each attribute it names takes its value (or goes back to the
    /// module's setting if it gives none).
    pub fn merge(&mut self, patch: &Patch) {
        let named = |i: usize| patch.named & (1 << i) != 0;
        let p = &patch.set;
        macro_rules! take {
            ($($i:expr => $f:ident),*) => {
                $(if named($i) { self.$f = p.$f.clone(); })*
            };
        }
        take!(0 => interval, 1 => timeout, 2 => from, 3 => socket, 4 => proxy,
              5 => alive_codes, 6 => down_after, 7 => up_after, 8 => probing);
    }

    /// The canonical text: the attributes set, in a fixed order (empty: none).
    pub fn text(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut put = |name: &str, v: Option<String>| {
            if let Some(v) = v {
                parts.push(format!("{name}={v}"));
            }
        };
        put("interval", self.interval.map(|v| v.to_string()));
        put("timeout", self.timeout.map(|v| v.to_string()));
        put("from", self.from.clone());
        put("socket", self.socket.clone());
        put("proxy", self.proxy.clone());
        put("alive_codes", self.alive_codes.clone());
        put("down_after", self.down_after.map(|v| v.to_string()));
        put("up_after", self.up_after.map(|v| v.to_string()));
        put("probing", self.probing.map(|v| u8::from(v).to_string()));
        parts.join(";")
    }

    /// Whether a ping needs tm (a send socket or an outbound proxy).
    pub fn needs_tm(&self) -> bool {
        self.socket.is_some() || self.proxy.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_attribute() {
        let p = parse(
            b"interval=5; timeout=800;from=sip:ping@example.com;socket=UDP:127.0.0.1:5070;\
              proxy=sip:10.0.0.1:5060;alive_codes=2xx, 404;down_after=3;up_after=2;probing=0",
        )
        .unwrap();
        let a = p.set;
        assert_eq!(a.interval, Some(5));
        assert_eq!(a.timeout, Some(800));
        assert_eq!(a.from.as_deref(), Some("sip:ping@example.com"));
        assert_eq!(a.socket.as_deref(), Some("udp:127.0.0.1:5070"));
        assert_eq!(a.proxy.as_deref(), Some("sip:10.0.0.1:5060"));
        assert_eq!(a.alive_codes.as_deref(), Some("2xx,404"));
        assert_eq!(
            (a.down_after, a.up_after, a.probing),
            (Some(3), Some(2), Some(false))
        );
        assert!(a.needs_tm());
        // the canonical text reads back the same
        assert_eq!(Attrs::from_text(a.text().as_bytes()), a);
        assert_eq!(
            parse(b"socket=tcp:[::1]:5060")
                .unwrap()
                .set
                .socket
                .as_deref(),
            Some("tcp:[::1]:5060")
        );
        assert_eq!(parse(b"").unwrap(), Patch::default());
        assert_eq!(Attrs::default().text(), "");
    }

    #[test]
    fn refuses_unknown_names_and_bad_values() {
        for (bad, says) in [
            ("color=red", "unknown attribute 'color'"),
            ("interval", "has no '='"),
            ("interval=0", "interval must be from 1"),
            ("interval=4294968", "interval must be from 1"),
            ("interval=5s", "not a number"),
            ("interval=-1", "not a number"),
            ("interval=1;interval=2", "given twice"),
            ("timeout=0", "timeout must be from 1"),
            ("from=ping@example.com", "not a sip: or sips: URI"),
            ("from=sip:a\r\nX-Evil: 1", "bad URI"),
            ("from=sip:<a>", "bad URI"),
            ("from=sip:", "bad URI"),
            ("proxy=http://x", "not a sip: or sips: URI"),
            ("socket=127.0.0.1:5060", "not proto:ip:port"),
            ("socket=ws:127.0.0.1:5060", "not proto:ip:port"),
            ("socket=udp:example.com:5060", "not proto:ip:port"),
            ("socket=udp:127.0.0.1:0", "socket port must be from 1"),
            ("socket=udp:::1:5060", "not proto:ip:port"),
            ("alive_codes=2xx,7xx", "alive_codes"),
            ("down_after=0", "down_after must be from 1"),
            ("up_after=65536", "up_after must be from 1"),
            ("probing=2", "probing must be from 0 to 1"),
        ] {
            let e = parse(bad.as_bytes()).expect_err(bad);
            assert!(e.to_string().contains(says), "{bad}: {e}");
        }
        assert!(parse(&[b'a'; MAX_LEN + 1])
            .unwrap_err()
            .to_string()
            .contains("longer than"));
        assert!(parse(b"from=sip:\xff")
            .unwrap_err()
            .to_string()
            .contains("UTF-8"));
    }

    #[test]
    fn merging_sets_named_attributes_and_resets_empty_ones() {
        let mut a = parse(b"interval=5;timeout=800").unwrap().set;
        a.merge(&parse(b"timeout=;probing=0").unwrap());
        assert_eq!(a.text(), "interval=5;probing=0");
        a.merge(&parse(b"interval=2").unwrap());
        assert_eq!(a.text(), "interval=2;probing=0");
        a.merge(&parse(b"").unwrap());
        assert_eq!(a.text(), "interval=2;probing=0");
    }
}
