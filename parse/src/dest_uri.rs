//! Canonical form of a keepalive destination.
//!
//! Users may write one target many ways (`1.2.3.4`, `sip:1.2.3.4:5060;transport=udp`, ...).
//! [`Canonical::parse`] maps them all to one string, `sip[s]:[user@]host:port[;transport=t]`,
//! which is both the lookup key and the Request-URI of the OPTIONS ping. It never allocates.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// Longest accepted input and longest canonical form, in bytes.
pub const MAX_URI_LEN: usize = 255;

/// Longest host name DNS allows.
const MAX_HOST_LEN: usize = 253;

/// Longest DNS label.
const MAX_LABEL_LEN: usize = 63;

/// Why a destination string was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriError {
    Empty,
    TooLong,
    BadScheme,
    BadUser,
    BadHost,
    BadPort,
    BadTransport,
    BadParams,
}

impl fmt::Display for UriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UriError::Empty => "empty destination",
            UriError::TooLong => "longer than 255 bytes",
            UriError::BadScheme => "unsupported uri scheme",
            UriError::BadUser => "malformed user part",
            UriError::BadHost => "malformed host",
            UriError::BadPort => "malformed port",
            UriError::BadTransport => "unsupported transport",
            UriError::BadParams => "malformed uri parameters",
        })
    }
}

impl std::error::Error for UriError {}

/// A canonical destination written into a fixed buffer (no heap).
#[derive(Clone)]
pub struct Canonical {
    buf: [u8; MAX_URI_LEN],
    len: usize,
}

impl Canonical {
    /// Validates `input` and writes its canonical form.
    ///
    /// # Errors
    ///
    /// The [`UriError`] naming the first part found malformed; [`UriError::TooLong`] also
    /// when the canonical form would exceed [`MAX_URI_LEN`].
    pub fn parse(input: &[u8]) -> Result<Canonical, UriError> {
        if input.len() > MAX_URI_LEN {
            return Err(UriError::TooLong);
        }
        let s = trim(input);
        if s.is_empty() {
            return Err(UriError::Empty);
        }
        let (scheme, rest) = split_scheme(s)?;
        let (user, rest) = split_user(rest)?;
        let (hostport, params) = match rest.iter().position(|&b| b == b';') {
            Some(semi) => (&rest[..semi], Some(&rest[semi + 1..])),
            None => (rest, None),
        };
        let (host, port) = split_port(hostport)?;
        let host = parse_host(host)?;
        let port = port.map(parse_port).transpose()?;
        let transport = match params {
            Some(params) => parse_params(params)?,
            None => None,
        };
        let transport = scheme.explicit_transport(transport)?;
        let port = port.unwrap_or_else(|| scheme.default_port(transport));
        Canonical::render(scheme, user, host, port, transport)
    }

    /// Writes `sip[s]:[user@]host:port[;transport=t]`.
    fn render(
        scheme: Scheme,
        user: Option<&[u8]>,
        host: Host<'_>,
        port: u16,
        transport: Option<Transport>,
    ) -> Result<Canonical, UriError> {
        let mut out = Canonical {
            buf: [0; MAX_URI_LEN],
            len: 0,
        };
        out.push(scheme.prefix())?;
        if let Some(user) = user {
            out.push(user)?;
            out.push(b"@")?;
        }
        out.push_host(host)?;
        out.push_fmt(format_args!(":{port}"))?;
        if let Some(t) = transport {
            out.push(b";transport=")?;
            out.push(t.name().as_bytes())?;
        }
        Ok(out)
    }

    /// The canonical bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The canonical form as text; always ASCII.
    pub fn as_str(&self) -> &str {
        // `parse` writes only validated ASCII, so this never falls back.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// Appends `bytes`, refusing to grow past [`MAX_URI_LEN`].
    fn push(&mut self, bytes: &[u8]) -> Result<(), UriError> {
        let end = self.len + bytes.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(UriError::TooLong)?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// Appends formatted text without allocating.
    fn push_fmt(&mut self, args: fmt::Arguments<'_>) -> Result<(), UriError> {
        fmt::Write::write_fmt(&mut Sink(self), args).map_err(|_| UriError::TooLong)
    }

    fn push_host(&mut self, host: Host<'_>) -> Result<(), UriError> {
        match host {
            Host::V4(ip) => self.push_fmt(format_args!("{ip}")),
            Host::V6(ip) => self.push_fmt(format_args!("[{ip}]")),
            Host::Name(name) => {
                let start = self.len;
                self.push(name)?;
                self.buf[start..self.len].make_ascii_lowercase();
                Ok(())
            }
        }
    }
}

impl PartialEq for Canonical {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Canonical {}

impl Hash for Canonical {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl fmt::Debug for Canonical {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// `fmt::Write` adapter over a [`Canonical`] buffer.
struct Sink<'a>(&'a mut Canonical);

impl fmt::Write for Sink<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.push(s.as_bytes()).map_err(|_| fmt::Error)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Sip,
    Sips,
}

impl Scheme {
    fn prefix(self) -> &'static [u8] {
        match self {
            Scheme::Sip => b"sip:",
            Scheme::Sips => b"sips:",
        }
    }

    /// The transport to write out: `None` when it is the scheme's default.
    fn explicit_transport(self, t: Option<Transport>) -> Result<Option<Transport>, UriError> {
        match (self, t) {
            (Scheme::Sip, Some(Transport::Udp))
            | (Scheme::Sips, Some(Transport::Tcp | Transport::Tls)) => Ok(None),
            (Scheme::Sips, Some(Transport::Udp)) => Err(UriError::BadTransport),
            (_, t) => Ok(t),
        }
    }

    fn default_port(self, t: Option<Transport>) -> u16 {
        if self == Scheme::Sips || t.is_some_and(Transport::is_tls) {
            5061
        } else {
            5060
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
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

    fn name(self) -> &'static str {
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
enum Host<'a> {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    Name(&'a [u8]),
}

/// Strips leading and trailing ASCII whitespace.
fn trim(s: &[u8]) -> &[u8] {
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
fn split_scheme(s: &[u8]) -> Result<(Scheme, &[u8]), UriError> {
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
fn split_user(s: &[u8]) -> Result<(Option<&[u8]>, &[u8]), UriError> {
    match s.iter().rposition(|&b| b == b'@') {
        None => Ok((None, s)),
        Some(at) if is_text(&s[..at], is_user_char) => Ok((Some(&s[..at]), &s[at + 1..])),
        Some(_) => Err(UriError::BadUser),
    }
}

/// Splits `host[:port]`; a host with more than one `:` must be a bracketed IPv6 address.
fn split_port(s: &[u8]) -> Result<(&[u8], Option<&[u8]>), UriError> {
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
fn parse_host(s: &[u8]) -> Result<Host<'_>, UriError> {
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
fn parse_port(s: &[u8]) -> Result<u16, UriError> {
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
fn parse_params(s: &[u8]) -> Result<Option<Transport>, UriError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        match Canonical::parse(s.as_bytes()) {
            Ok(c) => c.as_str().to_owned(),
            Err(e) => panic!("{s:?} refused: {e}"),
        }
    }

    fn err(s: &[u8]) -> UriError {
        match Canonical::parse(s) {
            Ok(c) => panic!("{:?} accepted as {c:?}", String::from_utf8_lossy(s)),
            Err(e) => e,
        }
    }

    #[test]
    fn equivalent_forms_share_one_key() {
        for s in [
            "1.2.3.4",
            "sip:1.2.3.4",
            "SIP:1.2.3.4:5060;transport=UDP",
            "1.2.3.4:5060",
            "  1.2.3.4 ",
            "\t1.2.3.4\r\n",
            "sip:1.2.3.4;lr",
            "1.2.3.4;transport=udp;lr",
            "sip:1.2.3.4:05060",
        ] {
            assert_eq!(canon(s), "sip:1.2.3.4:5060", "{s:?}");
        }
    }

    #[test]
    fn tls_forms() {
        assert_eq!(canon("sips:1.2.3.4"), "sips:1.2.3.4:5061");
        assert_eq!(
            canon("sips:1.2.3.4:5061;transport=tls"),
            "sips:1.2.3.4:5061"
        );
        assert_eq!(canon("SIPS:1.2.3.4;transport=TCP"), "sips:1.2.3.4:5061");
        assert_eq!(canon("sip:h;transport=tls"), "sip:h:5061;transport=tls");
        assert_eq!(canon("sip:h;transport=wss"), "sip:h:5061;transport=wss");
        assert_eq!(canon("sips:h;transport=WS"), "sips:h:5061;transport=ws");
        assert_eq!(canon("sips:h;transport=sctp"), "sips:h:5061;transport=sctp");
        assert_eq!(err(b"sips:h;transport=udp"), UriError::BadTransport);
    }

    #[test]
    fn hostnames_and_transports() {
        assert_eq!(
            canon("sip:gw.Example.COM;transport=TCP"),
            "sip:gw.example.com:5060;transport=tcp"
        );
        assert_eq!(canon("gw.example.com.:5070"), "sip:gw.example.com:5070");
        assert_eq!(canon("my_host"), "sip:my_host:5060");
        assert_eq!(canon("h;transport=sctp"), "sip:h:5060;transport=sctp");
        assert_eq!(canon("h;transport=ws"), "sip:h:5060;transport=ws");
        assert_eq!(err(b"gw.example.com:abc"), UriError::BadPort);
    }

    #[test]
    fn ipv6() {
        assert_eq!(canon("sip:[::1]"), "sip:[::1]:5060");
        assert_eq!(canon("[0:0::1]:5070"), "sip:[::1]:5070");
        assert_eq!(canon("[2001:DB8:0:0:0:0:0:1]"), "sip:[2001:db8::1]:5060");
        assert_eq!(canon("sips:[::ffff:1.2.3.4]"), "sips:[::ffff:1.2.3.4]:5061");
    }

    #[test]
    fn user_part_keeps_case() {
        assert_eq!(canon("sip:alice@host.com"), "sip:alice@host.com:5060");
        assert_eq!(canon("Alice@Host.com"), "sip:Alice@host.com:5060");
        assert_eq!(canon("sip:a%40b;x=1@h"), "sip:a%40b;x=1@h:5060");
    }

    #[test]
    fn refused() {
        let cases: &[(&[u8], UriError)] = &[
            (b"", UriError::Empty),
            (b"   ", UriError::Empty),
            (b"sip:", UriError::BadHost),
            (b"sip:;lr", UriError::BadHost),
            (b"sip:1.2.3.4:", UriError::BadPort),
            (b"1.2.3.4:", UriError::BadPort),
            (b"host:", UriError::BadPort),
            (b"1.2.3.4:0", UriError::BadPort),
            (b"1.2.3.4:65536", UriError::BadPort),
            (b"1.2.3.4:abc", UriError::BadPort),
            (b"1.2.3.4:-1", UriError::BadPort),
            (b"1.2.3.4:+1", UriError::BadPort),
            (b"1.2.3.4:000005060", UriError::BadPort),
            (b"sip:[::1", UriError::BadHost),
            (b"sip:[::1]x", UriError::BadHost),
            (b"sip:[nope]", UriError::BadHost),
            (b"sip:::1", UriError::BadHost),
            (b"fe80::1", UriError::BadHost),
            (b"fe80:abcd::1", UriError::BadHost),
            (b"2001:db8::1", UriError::BadHost),
            (b"host:abc", UriError::BadScheme),
            (b"tel:+123", UriError::BadScheme),
            (b"http://example.com", UriError::BadScheme),
            (b"sip:a b", UriError::BadHost),
            (b"sip:a\x00b", UriError::BadHost),
            (b"sip:h;transport=foo", UriError::BadTransport),
            (b"sip:h;transport", UriError::BadTransport),
            (b"sip:h;transport=udp;TRANSPORT=udp", UriError::BadParams),
            (b"sip:h;;lr", UriError::BadParams),
            (b"sip:h;", UriError::BadParams),
            (b"sip:h;x=", UriError::BadParams),
            (b"sip:h;x=a b", UriError::BadParams),
            (b"sip:h?X=1", UriError::BadHost),
            (b"sip:h;lr?X=1", UriError::BadParams),
            (b"<sip:h>", UriError::BadHost),
            (b"sip:@h", UriError::BadUser),
            (b"sip:a:pw@h", UriError::BadUser),
            (b"sip:a%4@h", UriError::BadUser),
            (b"sip:a@b@h", UriError::BadUser),
            (b"sip:-bad-.com", UriError::BadHost),
            (b"sip:a..com", UriError::BadHost),
            (b"sip:.", UriError::BadHost),
            (b"256.1.1.1", UriError::BadHost),
            (b"1.2.3", UriError::BadHost),
            (b"1.2.3.4.", UriError::BadHost),
            (b"sip:h\xc3\xa9", UriError::BadHost),
        ];
        for &(input, want) in cases {
            assert_eq!(
                Canonical::parse(input),
                Err(want),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn length_limits() {
        assert_eq!(err(&[b'a'; 8192]), UriError::TooLong);
        assert_eq!(err(&[b' '; MAX_URI_LEN + 1]), UriError::TooLong);

        // "sip:" + host + ":5060": 246-byte host fits exactly, 247 does not.
        let host = |len: usize| -> String {
            let mut h = "a".repeat(63) + "." + &"b".repeat(63) + "." + &"c".repeat(63) + ".";
            h.push_str(&"d".repeat(len - h.len()));
            h
        };
        assert_eq!(canon(&host(246)).len(), MAX_URI_LEN);
        assert_eq!(err(host(247).as_bytes()), UriError::TooLong);

        // 255 bytes of valid input whose canonical form is 264 bytes.
        let input = format!("a@{}", host(253));
        assert_eq!(input.len(), MAX_URI_LEN);
        assert_eq!(err(input.as_bytes()), UriError::TooLong);
        assert_eq!(err(host(254).as_bytes()), UriError::BadHost);
    }

    #[test]
    fn label_rules() {
        assert_eq!(canon(&"a".repeat(63)).len(), 63 + 9);
        assert_eq!(err("a".repeat(64).as_bytes()), UriError::BadHost);
        assert_eq!(err(b"a-"), UriError::BadHost);
        assert_eq!(canon("a-b.c_d"), "sip:a-b.c_d:5060");
    }

    #[test]
    fn errors_display() {
        assert_eq!(UriError::Empty.to_string(), "empty destination");
        assert_eq!(UriError::TooLong.to_string(), "longer than 255 bytes");
        assert_eq!(UriError::BadHost.to_string(), "malformed host");
    }

    /// Parses `input`; on success checks the output is ASCII, bounded and a fixed point.
    fn check_round_trip(input: &[u8]) {
        if let Ok(c) = Canonical::parse(input) {
            assert!(c.as_bytes().is_ascii() && c.as_bytes().len() <= MAX_URI_LEN);
            assert_eq!(c.as_str().as_bytes(), c.as_bytes());
            let again = Canonical::parse(c.as_bytes());
            assert_eq!(again.as_ref(), Ok(&c), "{input:?}");
        }
    }

    /// Deterministic linear congruential generator.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) as usize % n
        }
    }

    const VALID: [&str; 8] = [
        "sip:alice@gw.Example.COM:5070;transport=TCP;lr",
        "sips:[2001:db8::1]:5061;transport=tls",
        "SIP:1.2.3.4:5060;transport=UDP",
        "[0:0::1]:5070",
        "bob%20x@h;transport=wss",
        "sips:h;transport=sctp;maddr=1.2.3.4",
        "  host.example.org. ",
        "u;x=1@10.0.0.1;transport=ws",
    ];

    #[test]
    fn prefixes_round_trip() {
        for uri in VALID {
            assert!(Canonical::parse(uri.as_bytes()).is_ok(), "{uri:?}");
            for end in 0..=uri.len() {
                check_round_trip(&uri.as_bytes()[..end]);
                check_round_trip(&uri.as_bytes()[end..]);
            }
        }
    }

    #[test]
    fn random_inputs_round_trip() {
        const PIECES: [&[u8]; 24] = [
            b"sip:",
            b"sips:",
            b"SIP:",
            b"tel:",
            b"@",
            b":",
            b";",
            b"=",
            b"[",
            b"]",
            b".",
            b"%4",
            b"1",
            b"255",
            b"5060",
            b"::",
            b"a",
            b"Gw",
            b"-",
            b"transport=",
            b"tls",
            b"UDP",
            b" ",
            b"\xff",
        ];
        let mut rng = Lcg(0x5eed);
        let mut buf = [0u8; 300];
        for _ in 0..20_000 {
            let mut len = 0;
            for _ in 0..rng.below(24) {
                let piece: &[u8] = if rng.below(4) == 0 {
                    &[rng.below(256) as u8]
                } else {
                    PIECES[rng.below(PIECES.len())]
                };
                let end = (len + piece.len()).min(buf.len());
                buf[len..end].copy_from_slice(&piece[..end - len]);
                len = end;
            }
            check_round_trip(&buf[..len]);
        }
        for _ in 0..20_000 {
            let uri = VALID[rng.below(VALID.len())].as_bytes();
            let mut bytes = [0u8; 64];
            bytes[..uri.len()].copy_from_slice(uri);
            for _ in 0..=rng.below(3) {
                bytes[rng.below(uri.len())] = rng.below(256) as u8;
            }
            check_round_trip(&bytes[..uri.len()]);
        }
    }
}
