//! The module's error types (a leaf: every layer uses them, they use none).

use std::fmt::Display;

use krs_parse::attrs::AttrError;
use krs_parse::codes::CodesError;
use krs_parse::dest_uri::UriError;

/// A modparam the module refuses: mod_init fails with this line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} must be from {min} to {max} (got {got})")]
    OutOfRange {
        name: &'static str,
        min: i64,
        max: i64,
        got: i64,
    },
    #[error("alive_codes: {0}")]
    AliveCodes(CodesError),
    #[error("dmq must be 0, 1 or 2 (got {0})")]
    DmqMode(i32),
    #[error("{name} must be at least {min} bytes long")]
    ShortSecret { name: &'static str, min: usize },
    #[error("dmq_secret_accept needs dmq_secret")]
    AcceptWithoutSecret,
    /// A `destination` modparam's attributes (`uri;;attributes`).
    #[error("destination '{uri}': {err}")]
    DestinationAttrs { uri: String, err: AttrError },
    #[error("bad destination '{uri}': {err}")]
    Destination { uri: String, err: UriError },
    #[error("destination list poisoned")]
    Poisoned,
}

/// A service of the Kamailio core refused (shm, tm, dmq, a timer process, random bytes),
/// with the core's message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CoreError(pub String);

impl CoreError {
    /// The core's error, whatever its type.
    pub fn of(e: impl Display) -> CoreError {
        CoreError(e.to_string())
    }
}

/// An attribute string refused where the server checks it (RPC, the `destination`
/// modparam, a peer's replicated attributes).
#[derive(Debug, thiserror::Error)]
pub enum AttrsError {
    #[error(transparent)]
    Parse(#[from] AttrError),
    #[error("socket: {0} is not a listening socket of this server")]
    NotListening(String),
}

/// Why a stateless ping could not go out.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("not a stateless destination")]
    NotStateless,
    #[error(transparent)]
    Core(#[from] CoreError),
}
