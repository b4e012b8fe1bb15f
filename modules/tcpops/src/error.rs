//! The module's error types (a leaf: every layer uses them, they use none).

use std::fmt::Display;

use kamailio::tcp::MAX_LIFETIME_S;

/// A `profile` modparam line the module refuses; mod_init fails with it.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("bad match \"{text}\": {why}")]
    Match { text: String, why: MatchError },
    #[error("{field}: \"{value}\" is not a number above 0")]
    NotPositive { field: &'static str, value: String },
    #[error("\"{0}\" is not field=value")]
    NotFieldValue(String),
    #[error("field \"{0}\" given twice")]
    Twice(String),
    #[error("name \"{0}\": use letters, digits, '_', '-' or '.' only")]
    Name(String),
    #[error("keepalive \"{0}\": expected idle,count,interval")]
    KeepaliveShape(String),
    #[error("user_timeout \"{0}\": not a number of ms, 0 or more")]
    UserTimeout(String),
    #[error("lifetime {0}: above the core's maximum of {MAX_LIFETIME_S} s")]
    Lifetime(u32),
    #[error("unknown field \"{0}\" (name, match, keepalive, user_timeout, lifetime)")]
    UnknownField(String),
    #[error("missing {0}=")]
    Missing(&'static str),
    #[error("sets nothing (keepalive, user_timeout or lifetime)")]
    SetsNothing,
    #[error("{got} profiles: at most {max}")]
    TooMany { got: usize, max: usize },
    #[error("profile \"{name}\": {err}")]
    Named {
        name: String,
        err: Box<ProfileError>,
    },
    #[error("profile #{line} (\"{spec}\"): {err}")]
    Line {
        line: usize,
        spec: String,
        err: Box<ProfileError>,
    },
    #[error("profile \"{0}\": name given twice")]
    NameTwice(String),
    #[error("profile: not UTF-8")]
    NotUtf8,
    #[error("profile: poisoned")]
    Poisoned,
}

/// What is wrong with a profile's `match=`.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    #[error("unknown protocol \"{0}\" (tcp, tls, ws or wss)")]
    Protocol(String),
    #[error("missing ']'")]
    Bracket,
    #[error("\"{0}\" is not an IP address")]
    Address(String),
    #[error("unexpected \"{0}\"")]
    Unexpected(String),
    #[error("prefix length \"{len}\" is not 0 to {max}")]
    Prefix { len: String, max: u8 },
    #[error("port \"{0}\" is not 1 to 65535")]
    Port(String),
    #[error("{net} has bits set beyond the /{prefix} prefix")]
    HostBits { net: std::net::IpAddr, prefix: u8 },
}

/// Why mod_init or child_init failed: a modparam out of range, a profile, or a service of
/// the Kamailio core that refused (with the core's message).
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("invalid \"{name}\" value {got}: must be {want}")]
    Param {
        name: &'static str,
        got: i64,
        want: &'static str,
    },
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error("cannot set user_timeout on the listening sockets: {0}")]
    ListenUserTimeout(String),
    #[error("{0}")]
    Core(String),
}

impl InitError {
    /// The core's error, whatever its type.
    pub fn core(e: impl Display) -> InitError {
        InitError::Core(e.to_string())
    }
}
