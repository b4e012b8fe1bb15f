//! Parsing the target of `tcp_get_conid`: `host[:port]`, `[v6addr][:port]`, or a SIP URI
//! `sip[s]:[user@]host[:port][;params]`.

/// A parsed target: host (IPv6 without brackets) and port.
#[derive(Debug, PartialEq, Eq)]
pub struct HostPort<'a> {
    pub host: &'a [u8],
    pub port: u16,
}

/// Why a target was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostPortError {
    #[error("unterminated IPv6 reference")]
    UnterminatedV6,
    #[error("unexpected text after IPv6 reference")]
    AfterV6,
    #[error("empty host")]
    EmptyHost,
    #[error("host longer than {MAX_HOST} characters")]
    HostTooLong,
    #[error("host contains blanks or control characters")]
    BadHostChar,
    #[error("port is not text")]
    PortNotText,
    #[error("invalid port '{0}'")]
    BadPort(String),
}

/// Longest host name DNS allows.
const MAX_HOST: usize = 253;

/// The common `[sip:]a.b.c.d[:port]` form (decimal octets without leading zeroes, a port of
/// digits only), parsed in one pass: the address and port [`parse`] would give for it, the
/// host as an address; `None` for any other form (then [`parse`] and the resolver decide).
pub fn ipv4_fast(input: &[u8]) -> Option<([u8; 4], u16)> {
    let s = match input.get(..4) {
        Some(p) if p.eq_ignore_ascii_case(b"sip:") => &input[4..],
        _ => input,
    };
    let (ip, i) = crate::ipv4::dotted_quad(s)?;
    let port = match s.get(i..) {
        Some([]) => 5060,
        Some([b':', p @ ..]) if !p.is_empty() && p.len() <= 5 => {
            let mut v = 0u32;
            for &d in p {
                if !d.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + u32::from(d - b'0');
            }
            u16::try_from(v).ok().filter(|&v| v != 0)?
        }
        _ => return None,
    };
    Some((ip, port))
}

pub fn parse(input: &[u8]) -> Result<HostPort<'_>, HostPortError> {
    let mut s = trim(input);
    let mut default_port = 5060;
    if let Some(rest) = strip_prefix_ci(s, b"sips:") {
        s = rest;
        default_port = 5061;
    } else if let Some(rest) = strip_prefix_ci(s, b"sip:") {
        s = rest;
    }
    if let Some(at) = s.iter().rposition(|&c| c == b'@') {
        s = &s[at + 1..];
    }
    if let Some(semi) = s.iter().position(|&c| c == b';' || c == b'?') {
        if default_port == 5060 && transport_is_tls(&s[semi..]) {
            default_port = 5061;
        }
        s = &s[..semi];
    }
    let (host, port) = if s.first() == Some(&b'[') {
        let end = s
            .iter()
            .position(|&c| c == b']')
            .ok_or(HostPortError::UnterminatedV6)?;
        let rest = &s[end + 1..];
        let port = match rest {
            [] => None,
            [b':', p @ ..] => Some(p),
            _ => return Err(HostPortError::AfterV6),
        };
        (&s[1..end], port)
    } else {
        match s.iter().filter(|&&c| c == b':').count() {
            0 => (s, None),
            1 => {
                let colon = s.iter().position(|&c| c == b':').unwrap_or(s.len());
                (&s[..colon], Some(&s[colon + 1..]))
            }
            _ => (s, None), // a bare IPv6 address
        }
    };
    if host.is_empty() {
        return Err(HostPortError::EmptyHost);
    }
    if host.len() > MAX_HOST {
        return Err(HostPortError::HostTooLong);
    }
    if host
        .iter()
        .any(|c| c.is_ascii_whitespace() || c.is_ascii_control())
    {
        return Err(HostPortError::BadHostChar);
    }
    let port = match port {
        None => default_port,
        Some(p) => parse_port(p)?,
    };
    Ok(HostPort { host, port })
}

/// Whether URI parameters (`;a=b;transport=tls?h=v`) name TLS as the transport: its
/// default port is 5061 (RFC 3261 19.1.2), as for `sips:`.
fn transport_is_tls(params: &[u8]) -> bool {
    let end = params
        .iter()
        .position(|&c| c == b'?')
        .unwrap_or(params.len());
    params[..end].split(|&c| c == b';').any(|p| {
        strip_prefix_ci(trim(p), b"transport")
            .map(trim)
            .and_then(|v| v.strip_prefix(b"="))
            .is_some_and(|v| trim(v).eq_ignore_ascii_case(b"tls"))
    })
}

fn parse_port(p: &[u8]) -> Result<u16, HostPortError> {
    let text = std::str::from_utf8(p).map_err(|_| HostPortError::PortNotText)?;
    match text.parse::<u16>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(HostPortError::BadPort(text.to_string())),
    }
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &s[start..end]
}

fn strip_prefix_ci<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    (s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut agrees with the full parser (and `IpAddr`) wherever it answers.
    #[test]
    fn ipv4_fast_agrees_with_parse() {
        for s in [
            "1.2.3.4",
            "sip:1.2.3.4",
            "SIP:10.0.0.1:5070",
            "127.0.0.1:65535",
            "0.0.0.0:1",
            "255.255.255.255",
            "1.2.3.4:05060",
        ] {
            let (ip, port) = ipv4_fast(s.as_bytes()).unwrap_or_else(|| panic!("{s}"));
            let hp = parse(s.as_bytes()).unwrap();
            let want: std::net::Ipv4Addr = std::str::from_utf8(hp.host).unwrap().parse().unwrap();
            assert_eq!((ip, port), (want.octets(), hp.port), "{s}");
        }
        for s in [
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.4:",
            "1.2.3.4:0",
            "1.2.3.4:65536",
            "1.2.3.4:+1",
            " 1.2.3.4",
            "1.2.3.4 ",
            "sips:1.2.3.4",
            "u@1.2.3.4",
            "1.2.3.4;transport=tls",
            "[::1]",
            "host:5060",
            "1.2.3.4:123456",
        ] {
            assert_eq!(ipv4_fast(s.as_bytes()), None, "{s}");
        }
    }

    fn ok(s: &str) -> (String, u16) {
        let hp = parse(s.as_bytes()).unwrap();
        (String::from_utf8(hp.host.to_vec()).unwrap(), hp.port)
    }

    #[test]
    fn plain_forms() {
        assert_eq!(ok("127.0.0.1"), ("127.0.0.1".into(), 5060));
        assert_eq!(ok("127.0.0.1:5070"), ("127.0.0.1".into(), 5070));
        assert_eq!(ok("  example.com:6000 "), ("example.com".into(), 6000));
        assert_eq!(ok("[::1]:5080"), ("::1".into(), 5080));
        assert_eq!(ok("[::1]"), ("::1".into(), 5060));
        assert_eq!(ok("::1"), ("::1".into(), 5060));
    }

    #[test]
    fn uri_forms() {
        assert_eq!(
            ok("sip:127.0.0.1:5070;transport=tcp"),
            ("127.0.0.1".into(), 5070)
        );
        assert_eq!(ok("SIPS:alice@10.0.0.1"), ("10.0.0.1".into(), 5061));
        assert_eq!(ok("sip:bob@[::1]:5090;transport=tls"), ("::1".into(), 5090));
        assert_eq!(ok("sip:10.0.0.2?x=y"), ("10.0.0.2".into(), 5060));
        // TLS without a port: 5061 (the C module uses 5060)
        assert_eq!(ok("sip:10.0.0.3;transport=TLS"), ("10.0.0.3".into(), 5061));
        assert_eq!(
            ok("sip:10.0.0.3;lr;transport=tls"),
            ("10.0.0.3".into(), 5061)
        );
        assert_eq!(ok("sip:10.0.0.3;transport=tcp"), ("10.0.0.3".into(), 5060));
        assert_eq!(ok("sip:10.0.0.3?transport=tls"), ("10.0.0.3".into(), 5060));
        assert_eq!(ok("10.0.0.3:5070;transport=tls"), ("10.0.0.3".into(), 5070));
    }

    #[test]
    fn bad_forms() {
        for bad in [
            "",
            "   ",
            ":5060",
            "127.0.0.1:",
            "127.0.0.1:abc",
            "127.0.0.1:0",
            "127.0.0.1:70000",
            "[::1",
            "[::1]x",
            "sip:",
            "a b:5060",
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad:?} should fail");
        }
        let long = "a".repeat(8192);
        assert!(parse(long.as_bytes()).is_err());
    }
}
