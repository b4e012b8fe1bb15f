//! Canonical form of a keepalive destination.
//!
//! Users may write one target many ways (`1.2.3.4`, `sip:1.2.3.4:5060;transport=udp`, ...).
//! [`Canonical::parse`] maps them all to one string, `sip[s]:[user@]host:port[;transport=t]`,
//! which is both the lookup key and the Request-URI of the OPTIONS ping. It never allocates.

mod grammar;
#[cfg(test)]
mod tests;

use std::fmt;
use std::hash::{Hash, Hasher};

use grammar::{
    parse_host, parse_params, parse_port, split_port, split_scheme, split_user, trim, Host, Scheme,
    Transport,
};

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
