//! Keys: their 8-byte words (as they are stored in the arena), their hash and the tags the
//! slots hold.

use std::sync::atomic::Ordering;

use super::{Record, ShmMap, ShmSafe, IDX_BITS};

/// Word `j` of a key: 8 bytes, little-endian, the last one padded with zeroes.
#[inline]
pub(super) fn key_word(key: &[u8], j: usize) -> u64 {
    if let Some(c) = key.get(j * 8..j * 8 + 8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        return u64::from_le_bytes(b);
    }
    let c = &key[j * 8..key.len().min(j * 8 + 8)];
    let mut b = [0u8; 8];
    b[..c.len()].copy_from_slice(c);
    u64::from_le_bytes(b)
}

/// The words of `key` in order, as [`key_word`] gives them.
#[inline]
pub(super) fn key_words(key: &[u8]) -> impl Iterator<Item = u64> + '_ {
    let chunks = key.chunks_exact(8);
    let tail = chunks.remainder().len();
    let last = (tail > 0).then(|| tail_word(key, tail));
    chunks
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .chain(last)
}

/// The last `tail` (1..8) bytes of `key` as a zero-padded little-endian word: the last 8
/// bytes read at once and shifted when the key is that long (no byte loop, no memcpy call).
#[inline]
pub(super) fn tail_word(key: &[u8], tail: usize) -> u64 {
    let n = key.len();
    if n >= 8 {
        let w = u64::from_le_bytes(key[n - 8..].try_into().expect("8 bytes"));
        return w >> (8 * (8 - tail));
    }
    key.iter().rev().fold(0u64, |w, &b| (w << 8) | u64::from(b))
}

/// Hash of a key of `len` bytes given as its words (so the arena copy hashes alike).
#[inline]
pub(super) fn hash_words(seed: u64, len: usize, words: impl Iterator<Item = u64>) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = seed ^ (len as u64).wrapping_mul(K);
    for w in words {
        h = (h ^ w).wrapping_mul(K);
        h ^= h >> 31;
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

pub(super) fn hash(seed: u64, key: &[u8]) -> u64 {
    hash_words(seed, key.len(), key_words(key))
}

/// The tag a hash gives in its slots: 1..=1022, so a slot is never EMPTY or TOMB.
pub(super) fn tag(h: u64) -> u32 {
    ((h >> 54) as u32 % 1022) + 1
}

pub(super) fn slot_value(h: u64, idx: u32) -> u32 {
    (tag(h) << IDX_BITS) | idx
}

impl<V: ShmSafe> ShmMap<V> {
    /// True if record `r` holds `key` (any stale read is caught by the caller's seqlock).
    pub(super) fn key_eq(&self, r: &Record<V>, key: &[u8]) -> bool {
        if r.key_len.load(Ordering::Relaxed) as usize != key.len() {
            return false;
        }
        let words = key.len().div_ceil(8);
        self.block(r.key_at.load(Ordering::Relaxed), words)
            .is_some_and(|b| {
                b.iter()
                    .zip(key_words(key))
                    .all(|(w, k)| w.load(Ordering::Relaxed) == k)
            })
    }
}
