//! Sealing with `dmq_secret`: the trailer's stamp and HMAC-SHA256 mac, and its check.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{Stamp, HEADER, MAC, SEALED, TRAILER};

/// A `dmq_secret`, ready to seal and verify bodies.
#[derive(Clone)]
pub struct Key(Hmac<Sha256>);

impl Key {
    pub fn new(secret: &[u8]) -> Key {
        Key(Hmac::new_from_slice(secret).expect("HMAC takes a key of any length"))
    }

    fn mac(&self, signed: &[u8]) -> [u8; MAC] {
        let mut m = self.0.clone();
        m.update(signed);
        m.finalize().into_bytes().into()
    }

    /// Whether a sealed `body` (as received) carries this key's mac; false for a body that is
    /// not sealed or too short. Constant time in the mac's bytes.
    pub fn verifies(&self, body: &[u8]) -> bool {
        if body.len() < HEADER + TRAILER || body[3] & SEALED == 0 {
            return false;
        }
        let (signed, mac) = body.split_at(body.len() - MAC);
        let mut m = self.0.clone();
        m.update(signed);
        m.verify_slice(mac).is_ok()
    }
}

/// Seals an encoded `body` (at most [`MAX_PLAIN`] bytes): sets the kind's flag and appends
/// the trailer with `stamp` and the mac under `key`.
pub fn seal(mut body: Vec<u8>, key: &Key, stamp: Stamp) -> Vec<u8> {
    body[3] |= SEALED;
    body.extend_from_slice(&stamp.sent_ms.to_le_bytes());
    body.extend_from_slice(&stamp.counter.to_le_bytes());
    let mac = key.mac(&body);
    body.extend_from_slice(&mac);
    body
}
