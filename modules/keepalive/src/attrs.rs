//! Per-destination attributes: the parser is `krs_parse::attrs`; what it cannot check
//! without the server (a `socket` must be one of its listeners) is checked here.

pub use krs_parse::attrs::*;

use crate::error::AttrsError;

/// Parses an attribute string ([`parse`]) and checks that a `socket` is one of
/// this server's.
pub fn parse_checked(text: &[u8]) -> Result<Patch, AttrsError> {
    let p = parse(text)?;
    if let Some(s) = &p.set.socket {
        if !kamailio::send::local_socket_exists(s.as_bytes()) {
            return Err(AttrsError::NotListening(s.clone()));
        }
    }
    Ok(p)
}
