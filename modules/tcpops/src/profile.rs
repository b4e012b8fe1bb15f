//! TCP profiles (`modparam("tcpops", "profile", "...")`): their strict parsing and matching,
//! pure logic. Applying them is `profile_apply`.
//!
//! A profile is `name=N; match=CIDR[:port][/proto]; keepalive=idle,count,interval;
//! user_timeout=MS; lifetime=S` (fields in any order, each once; name and match required,
//! at least one setting). The match is on the peer: its address, its port (the destination
//! port of a connection Kamailio opens, the source port of an accepted one) and the
//! connection's protocol. Most specific first: the longest prefix, then a profile with a
//! port before one without, then with a protocol before one without, then the order written.

use std::net::IpAddr;

use kamailio::msg::Proto;
use kamailio::tcp::MAX_LIFETIME_S;

use crate::error::{MatchError, ProfileError};

use crate::applied::KeepaliveParams;

/// At most this many profiles (the index is kept in a connection's mark, `profile_apply`).
pub const MAX_PROFILES: usize = 64;

/// A connection protocol a profile may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnProto {
    Tcp,
    Tls,
    Ws,
    Wss,
}

impl ConnProto {
    fn parse(s: &str) -> Option<ConnProto> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Some(ConnProto::Tcp),
            "tls" => Some(ConnProto::Tls),
            "ws" => Some(ConnProto::Ws),
            "wss" => Some(ConnProto::Wss),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ConnProto::Tcp => "tcp",
            ConnProto::Tls => "tls",
            ConnProto::Ws => "ws",
            ConnProto::Wss => "wss",
        }
    }

    fn is(self, p: Proto) -> bool {
        matches!(
            (self, p),
            (ConnProto::Tcp, Proto::Tcp)
                | (ConnProto::Tls, Proto::Tls)
                | (ConnProto::Ws, Proto::Ws)
                | (ConnProto::Wss, Proto::Wss)
        )
    }
}

/// What a profile matches: peers in `net/prefix`, on `port` and `proto` if given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub net: IpAddr,
    pub prefix: u8,
    pub port: Option<u16>,
    pub proto: Option<ConnProto>,
}

/// One profile, as written (validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub matches: Match,
    pub keepalive: Option<KeepaliveParams>,
    pub user_timeout_ms: Option<u32>,
    pub lifetime_s: Option<u32>,
}

impl Match {
    /// Whether a peer at `ip`:`port` over `proto` is in this match.
    pub fn covers(&self, ip: IpAddr, port: u16, proto: Proto) -> bool {
        self.port.is_none_or(|p| p == port)
            && self.proto.is_none_or(|p| p.is(proto))
            && in_net(ip, self.net, self.prefix)
    }

    /// The match as written, normalised (`tcpops.profiles`).
    pub fn text(&self) -> String {
        let mut s = format!("{}/{}", self.net, self.prefix);
        if let Some(p) = self.port {
            s.push_str(&format!(":{p}"));
        }
        if let Some(p) = self.proto {
            s.push('/');
            s.push_str(p.name());
        }
        s
    }
}

fn in_net(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n)
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n)
        }
        _ => false,
    }
}

/// Parses `match=`: `ADDR[/LEN][:PORT][/PROTO]`, an IPv6 address with a port written
/// `[ADDR]/LEN:PORT`, `ADDR/LEN:PORT` or `[ADDR]:PORT`.
fn parse_match(s: &str) -> Result<Match, ProfileError> {
    let s = s.trim();
    let bad = |why: MatchError| {
        Err(ProfileError::Match {
            text: s.to_string(),
            why,
        })
    };
    // a trailing "/word" is the protocol
    let (rest, proto) = match s.rsplit_once('/') {
        Some((r, p)) if p.starts_with(|c: char| c.is_ascii_alphabetic()) => {
            match ConnProto::parse(p) {
                Some(p) => (r, Some(p)),
                None => return bad(MatchError::Protocol(p.to_string())),
            }
        }
        _ => (s, None),
    };
    let (addr, tail) = if let Some(r) = rest.strip_prefix('[') {
        match r.split_once(']') {
            Some((a, t)) => (a, t),
            None => return bad(MatchError::Bracket),
        }
    } else if let Some(i) = rest.find('/') {
        (&rest[..i], &rest[i..])
    } else if rest.matches(':').count() == 1 {
        let i = rest.find(':').unwrap_or(rest.len());
        (&rest[..i], &rest[i..])
    } else {
        (rest, "")
    };
    let Ok(net) = addr.parse::<IpAddr>() else {
        return bad(MatchError::Address(addr.to_string()));
    };
    let max = if net.is_ipv4() { 32 } else { 128 };
    let (len, port) = match tail.strip_prefix('/') {
        Some(t) => match t.split_once(':') {
            Some((l, p)) => (Some(l), Some(p)),
            None => (Some(t), None),
        },
        None if tail.is_empty() => (None, None),
        None => match tail.strip_prefix(':') {
            Some(p) => (None, Some(p)),
            None => return bad(MatchError::Unexpected(tail.to_string())),
        },
    };
    let prefix = match len {
        None => max,
        Some(l) => match l.parse::<u8>() {
            Ok(v) if v <= max => v,
            _ => {
                return bad(MatchError::Prefix {
                    len: l.to_string(),
                    max,
                })
            }
        },
    };
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(v) if v > 0 => Some(v),
            _ => return bad(MatchError::Port(p.to_string())),
        },
    };
    if !in_net(net, net, prefix) {
        return bad(MatchError::HostBits { net, prefix });
    }
    Ok(Match {
        net,
        prefix,
        port,
        proto,
    })
}

fn positive(field: &'static str, v: &str) -> Result<i32, ProfileError> {
    match v.trim().parse::<i32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(ProfileError::NotPositive {
            field,
            value: v.trim().to_string(),
        }),
    }
}

/// Parses one profile. The error names the field at fault.
pub fn parse(spec: &str) -> Result<Profile, ProfileError> {
    let (mut name, mut matches, mut keepalive, mut user_timeout, mut lifetime) =
        (None, None, None, None, None);
    for part in spec.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            return Err(ProfileError::NotFieldValue(part.to_string()));
        };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        let dup = |set: bool| {
            if set {
                Err(ProfileError::Twice(k.clone()))
            } else {
                Ok(())
            }
        };
        match k.as_str() {
            "name" => {
                dup(name.is_some())?;
                if v.is_empty()
                    || !v
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
                {
                    return Err(ProfileError::Name(v.to_string()));
                }
                name = Some(v.to_string());
            }
            "match" => {
                dup(matches.is_some())?;
                matches = Some(parse_match(v)?);
            }
            "keepalive" => {
                dup(keepalive.is_some())?;
                let n: Vec<&str> = v.split(',').collect();
                let [idle, count, interval] = n[..] else {
                    return Err(ProfileError::KeepaliveShape(v.to_string()));
                };
                keepalive = Some(KeepaliveParams {
                    idle: positive("keepalive idle", idle)?,
                    count: positive("keepalive count", count)?,
                    interval: positive("keepalive interval", interval)?,
                });
            }
            "user_timeout" => {
                dup(user_timeout.is_some())?;
                match v.parse::<u32>() {
                    Ok(ms) if i32::try_from(ms).is_ok() => user_timeout = Some(ms),
                    _ => return Err(ProfileError::UserTimeout(v.to_string())),
                }
            }
            "lifetime" => {
                dup(lifetime.is_some())?;
                let s = positive("lifetime", v)? as u32;
                if s > MAX_LIFETIME_S {
                    return Err(ProfileError::Lifetime(s));
                }
                lifetime = Some(s);
            }
            _ => return Err(ProfileError::UnknownField(k)),
        }
    }
    let name = name.ok_or(ProfileError::Missing("name"))?;
    let matches = matches.ok_or(ProfileError::Missing("match"))?;
    if keepalive.is_none() && user_timeout.is_none() && lifetime.is_none() {
        return Err(ProfileError::SetsNothing);
    }
    Ok(Profile {
        name,
        matches,
        keepalive,
        user_timeout_ms: user_timeout,
        lifetime_s: lifetime,
    })
}

/// The name a profile line gives itself, for error messages of lines that fail to parse.
fn name_in(spec: &str) -> Option<&str> {
    spec.split(';')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("name"))
        .map(|(_, v)| v.trim())
}

/// Parses every profile line, in the order written, and sorts them for [`find`]. The error
/// names the profile (or its line) and the problem.
pub fn parse_all(specs: &[String]) -> Result<Vec<Profile>, ProfileError> {
    if specs.len() > MAX_PROFILES {
        return Err(ProfileError::TooMany {
            got: specs.len(),
            max: MAX_PROFILES,
        });
    }
    let mut out: Vec<Profile> = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        let p = parse(spec).map_err(|e| match name_in(spec) {
            Some(n) if !n.is_empty() => ProfileError::Named {
                name: n.to_string(),
                err: Box::new(e),
            },
            _ => ProfileError::Line {
                line: i + 1,
                spec: spec.clone(),
                err: Box::new(e),
            },
        })?;
        if out.iter().any(|o| o.name == p.name) {
            return Err(ProfileError::NameTwice(p.name));
        }
        out.push(p);
    }
    // stable: the order written breaks ties
    out.sort_by_key(|p| {
        (
            std::cmp::Reverse(p.matches.prefix),
            p.matches.port.is_none(),
            p.matches.proto.is_none(),
        )
    });
    Ok(out)
}

/// The index of the first profile (in the order of [`parse_all`]) that covers the peer.
#[inline]
pub fn find(profiles: &[Profile], ip: IpAddr, port: u16, proto: Proto) -> Option<usize> {
    profiles
        .iter()
        .position(|p| p.matches.covers(ip, port, proto))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_full_profile_parses() {
        let p = parse(" name=edge ; match=10.1.0.0/16:5061/TLS; keepalive=30,3,10; user_timeout=20000; lifetime=600;").unwrap();
        assert_eq!(p.name, "edge");
        assert_eq!(
            p.matches,
            Match {
                net: ip("10.1.0.0"),
                prefix: 16,
                port: Some(5061),
                proto: Some(ConnProto::Tls)
            }
        );
        assert_eq!(
            p.keepalive,
            Some(KeepaliveParams {
                idle: 30,
                count: 3,
                interval: 10
            })
        );
        assert_eq!(p.user_timeout_ms, Some(20000));
        assert_eq!(p.lifetime_s, Some(600));
        assert_eq!(p.matches.text(), "10.1.0.0/16:5061/tls");
    }

    #[test]
    fn match_forms() {
        let m = |s| parse_match(s).unwrap();
        assert_eq!(m("127.0.0.2").prefix, 32);
        assert_eq!(m("127.0.0.2:5060").port, Some(5060));
        assert_eq!(m("127.0.0.0/8/ws").proto, Some(ConnProto::Ws));
        assert_eq!(m("127.0.0.3/32/wss").proto, Some(ConnProto::Wss));
        let v6 = m("2001:db8::/32:5061/tls");
        assert_eq!(
            (v6.net, v6.prefix, v6.port),
            (ip("2001:db8::"), 32, Some(5061))
        );
        assert_eq!(m("[::1]:5060").port, Some(5060));
        assert_eq!(m("[2001:db8::]/48").prefix, 48);
        assert_eq!(m("::1").prefix, 128);
        assert_eq!(m("0.0.0.0/0").prefix, 0);
    }

    #[test]
    fn bad_input_is_refused_with_its_reason() {
        let err = |s: &str| parse(s).unwrap_err().to_string();
        assert!(err("match=10.0.0.0/8; lifetime=5").contains("missing name"));
        assert!(err("name=a; lifetime=5").contains("missing match"));
        assert!(err("name=a; match=10.0.0.0/8").contains("sets nothing"));
        assert!(err("name=a; name=b; match=10.0.0.0/8; lifetime=5").contains("twice"));
        assert!(err("name=a; match=10.0.0.0/8; lifetime=5; colour=red")
            .contains("unknown field \"colour\""));
        assert!(err("name=a; match=10.0.0.1/8; lifetime=5").contains("beyond the /8"));
        assert!(err("name=a; match=10.0.0.0/33; lifetime=5").contains("prefix length"));
        assert!(err("name=a; match=10.0.0.300/32; lifetime=5").contains("not an IP address"));
        assert!(err("name=a; match=10.0.0.0/8:0; lifetime=5").contains("port"));
        assert!(err("name=a; match=10.0.0.0/8:70000; lifetime=5").contains("port"));
        assert!(err("name=a; match=10.0.0.0/8/udp; lifetime=5").contains("unknown protocol"));
        assert!(err("name=a; match=[::1:5060; lifetime=5").contains("']'"));
        assert!(err("name=a; match=10.0.0.0/8; keepalive=1,2").contains("idle,count,interval"));
        assert!(err("name=a; match=10.0.0.0/8; keepalive=1,0,2").contains("count"));
        assert!(err("name=a; match=10.0.0.0/8; user_timeout=-1").contains("user_timeout"));
        assert!(err("name=a; match=10.0.0.0/8; lifetime=0").contains("lifetime"));
        assert!(err("name=a b; match=10.0.0.0/8; lifetime=1").contains("name"));
        assert!(err("name=a; match=10.0.0.0/8; lifetime").contains("field=value"));
    }

    #[test]
    fn parse_all_names_the_profile_at_fault() {
        let specs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let e = parse_all(&specs(&[
            "name=a; match=10.0.0.0/8; lifetime=5",
            "name=b; match=nowhere; lifetime=5",
        ]))
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("profile \"b\": bad match \"nowhere\""), "{e}");
        let e = parse_all(&specs(&["match=10.0.0.0/8; lifetime=5"]))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("profile #1 "), "{e}");
        let e = parse_all(&specs(&[
            "name=a; match=10.0.0.0/8; lifetime=5",
            "name=a; match=10.0.0.0/9; lifetime=5",
        ]))
        .unwrap_err()
        .to_string();
        assert_eq!(e, "profile \"a\": name given twice");
        let many: Vec<String> = (0..=MAX_PROFILES)
            .map(|i| format!("name=p{i}; match=10.0.0.0/8; lifetime=5"))
            .collect();
        assert!(parse_all(&many).is_err());
    }

    #[test]
    fn the_most_specific_profile_matches_first() {
        let specs: Vec<String> = [
            "name=wide; match=10.0.0.0/8; lifetime=1",
            "name=net; match=10.1.0.0/16; lifetime=2",
            "name=net-port; match=10.1.0.0/16:5061; lifetime=3",
            "name=net-proto; match=10.1.0.0/16/tls; lifetime=4",
            "name=net-port-proto; match=10.1.0.0/16:5061/tls; lifetime=5",
            "name=net-again; match=10.1.0.0/16; lifetime=6",
            "name=v6; match=2001:db8::/32; lifetime=7",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let all = parse_all(&specs).unwrap();
        let name =
            |ip_: &str, port, proto| find(&all, ip(ip_), port, proto).map(|i| all[i].name.as_str());
        assert_eq!(name("10.1.2.3", 5061, Proto::Tls), Some("net-port-proto"));
        assert_eq!(name("10.1.2.3", 5061, Proto::Tcp), Some("net-port"));
        assert_eq!(name("10.1.2.3", 5060, Proto::Tls), Some("net-proto"));
        // equal specificity: the one written first
        assert_eq!(name("10.1.2.3", 5060, Proto::Tcp), Some("net"));
        assert_eq!(name("10.2.0.1", 5060, Proto::Tcp), Some("wide"));
        assert_eq!(name("11.0.0.1", 5060, Proto::Tcp), None);
        assert_eq!(name("2001:db8:1::5", 5060, Proto::Ws), Some("v6"));
        assert_eq!(name("2001:db9::5", 5060, Proto::Ws), None);
        // an IPv4 peer never matches an IPv6 profile, nor the other way round
        assert_eq!(name("0.0.0.1", 1, Proto::Tcp), None);
    }
}
