//! The grammar of a destination: scheme, user, host (IPv4, IPv6, name), port and the
//! `transport` parameter, each validated.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use super::{UriError, MAX_HOST_LEN, MAX_LABEL_LEN};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scheme {
    Sip,
    Sips,
}

impl Scheme {
    pub(super) fn prefix(self) -> &'static [u8] {
        match self {
            Scheme::Sip => b"sip:",
            Scheme::Sips => b"sips:",
        }
    }

    /// The transport to write out: `None` when it is the scheme's default.
    pub(super) fn explicit_transport(
        self,
        t: Option<Transport>,
    ) -> Result<Option<Transport>, UriError> {
        match (self, t) {
            (Scheme::Sip, Some(Transport::Udp))
            | (Scheme::Sips, Some(Transport::Tcp | Transport::Tls)) => Ok(None),
            (Scheme::Sips, Some(Transport::Udp)) => Err(UriError::BadTransport),
            (_, t) => Ok(t),
        }
    }

    pub(super) fn default_port(self, t: Option<Transport>) -> u16 {
        if self == Scheme::Sips || t.is_some_and(Transport::is_tls) {
            5061
        } else {
            5060
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Transport {
    Udp,
    Tcp,
    Tls,
    Sctp,
    Ws,
    Wss,
}

impl Transport {
    const ALL: [Transport; 6] = [
        Transport::Udp,
        Transport::Tcp,
        Transport::Tls,
        Transport::Sctp,
        Transport::Ws,
        Transport::Wss,
    ];

    pub(super) fn name(self) -> &'static str {
        match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
            Transport::Tls => "tls",
            Transport::Sctp => "sctp",
            Transport::Ws => "ws",
            Transport::Wss => "wss",
        }
    }

    fn parse(value: &[u8]) -> Result<Transport, UriError> {
        Transport::ALL
            .into_iter()
            .find(|t| value.eq_ignore_ascii_case(t.name().as_bytes()))
            .ok_or(UriError::BadTransport)
    }

    fn is_tls(self) -> bool {
        matches!(self, Transport::Tls | Transport::Wss)
    }
}

/// A validated host; names keep the input's case until written.
pub(super) enum Host<'a> {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    Name(&'a [u8]),
}

/// Strips leading and trailing ASCII whitespace.
pub(super) fn trim(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &s[start..end]
}

/// Splits off `sip:`/`sips:`. A `name:` prefix followed by something other than a port is
/// a foreign scheme (`tel:`, `http:`); anything else has no scheme and means `sip`.
pub(super) fn split_scheme(s: &[u8]) -> Result<(Scheme, &[u8]), UriError> {
    let Some(colon) = s.iter().position(|&b| b == b':') else {
        return Ok((Scheme::Sip, s));
    };
    let (name, rest) = (&s[..colon], &s[colon + 1..]);
    if name.eq_ignore_ascii_case(b"sip") {
        return Ok((Scheme::Sip, rest));
    }
    if name.eq_ignore_ascii_case(b"sips") {
        return Ok((Scheme::Sips, rest));
    }
    if is_scheme_name(name) && !is_host_tail(name, rest) {
        Err(UriError::BadScheme)
    } else {
        Ok((Scheme::Sip, s))
    }
}

/// Whether `name:rest` reads as `host:port` or as a bare IPv6 address rather than a scheme.
fn is_host_tail(name: &[u8], rest: &[u8]) -> bool {
    let port_like = matches!(
        rest.first().copied(),
        None | Some(b'0'..=b'9' | b';' | b':')
    );
    let ipv6_like = name.iter().all(u8::is_ascii_hexdigit) && rest.contains(&b':');
    port_like || ipv6_like
}

/// `ALPHA *(ALPHA / DIGIT / "+" / "-")`: RFC 3986 minus `.`, so `host.tld:x` reads as a port.
fn is_scheme_name(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_alphabetic)
        && s.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-')
}

/// Splits `user@` off at the last `@`.
pub(super) fn split_user(s: &[u8]) -> Result<(Option<&[u8]>, &[u8]), UriError> {
    match s.iter().rposition(|&b| b == b'@') {
        None => Ok((None, s)),
        Some(at) if is_text(&s[..at], is_user_char) => Ok((Some(&s[..at]), &s[at + 1..])),
        Some(_) => Err(UriError::BadUser),
    }
}

/// Splits `host[:port]`; a host with more than one `:` must be a bracketed IPv6 address.
pub(super) fn split_port(s: &[u8]) -> Result<(&[u8], Option<&[u8]>), UriError> {
    let host_end = if s.first() == Some(&b'[') {
        s.iter().position(|&b| b == b']').ok_or(UriError::BadHost)? + 1
    } else {
        s.iter().position(|&b| b == b':').unwrap_or(s.len())
    };
    let (host, tail) = s.split_at(host_end);
    match tail.split_first() {
        None => Ok((host, None)),
        Some((b':', port)) if !port.contains(&b':') => Ok((host, Some(port))),
        Some(_) => Err(UriError::BadHost),
    }
}

/// `[IPv6]`, dotted-quad IPv4 (any all-digit-and-dot host), or a DNS name.
pub(super) fn parse_host(s: &[u8]) -> Result<Host<'_>, UriError> {
    if let Some(inner) = s.strip_prefix(b"[").and_then(|r| r.strip_suffix(b"]")) {
        return parse_ip(inner).map(Host::V6);
    }
    if !s.is_empty() && s.iter().all(|&b| b.is_ascii_digit() || b == b'.') {
        return parse_ip(s).map(Host::V4);
    }
    parse_hostname(s).map(Host::Name)
}

fn parse_ip<T: FromStr>(s: &[u8]) -> Result<T, UriError> {
    std::str::from_utf8(s)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(UriError::BadHost)
}

/// A DNS name without its optional trailing dot.
fn parse_hostname(s: &[u8]) -> Result<&[u8], UriError> {
    let name = s.strip_suffix(b".").unwrap_or(s);
    if name.len() <= MAX_HOST_LEN && name.split(|&b| b == b'.').all(is_label) {
        Ok(name)
    } else {
        Err(UriError::BadHost)
    }
}

/// 1..=63 of `[A-Za-z0-9-_]`, not starting or ending with `-`.
fn is_label(l: &[u8]) -> bool {
    (1..=MAX_LABEL_LEN).contains(&l.len())
        && l.first() != Some(&b'-')
        && l.last() != Some(&b'-')
        && l.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// 1..=65535, plain digits only.
pub(super) fn parse_port(s: &[u8]) -> Result<u16, UriError> {
    if s.is_empty() || s.len() > 5 || !s.iter().all(u8::is_ascii_digit) {
        return Err(UriError::BadPort);
    }
    let n = s.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
    u16::try_from(n)
        .ok()
        .filter(|&p| p != 0)
        .ok_or(UriError::BadPort)
}

/// Checks `name[=value]` params separated by `;` and returns the transport, if any.
pub(super) fn parse_params(s: &[u8]) -> Result<Option<Transport>, UriError> {
    let mut transport = None;
    for param in s.split(|&b| b == b';') {
        let (name, value) = match param.iter().position(|&b| b == b'=') {
            Some(eq) => (&param[..eq], Some(&param[eq + 1..])),
            None => (param, None),
        };
        if !is_text(name, is_param_char) || value.is_some_and(|v| !is_text(v, is_param_char)) {
            return Err(UriError::BadParams);
        }
        if name.eq_ignore_ascii_case(b"transport") {
            if transport.is_some() {
                return Err(UriError::BadParams);
            }
            transport = Some(Transport::parse(value.unwrap_or_default())?);
        }
    }
    Ok(transport)
}

/// Non-empty, made of `allowed` bytes and `%XX` escapes.
fn is_text(s: &[u8], allowed: fn(u8) -> bool) -> bool {
    let mut it = s.iter();
    while let Some(&b) = it.next() {
        let ok = if b == b'%' {
            it.next().is_some_and(u8::is_ascii_hexdigit)
                && it.next().is_some_and(u8::is_ascii_hexdigit)
        } else {
            allowed(b)
        };
        if !ok {
            return false;
        }
    }
    !s.is_empty()
}

/// RFC 3261 `unreserved`.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)
}

/// RFC 3261 user characters, minus `?` (URI headers are refused).
fn is_user_char(b: u8) -> bool {
    is_unreserved(b) || b"&=+$,;/".contains(&b)
}

/// RFC 3261 `paramchar` (escapes handled by [`is_text`]).
fn is_param_char(b: u8) -> bool {
    is_unreserved(b) || b"[]/:&+$".contains(&b)
}
