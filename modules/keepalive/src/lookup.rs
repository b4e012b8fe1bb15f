//! The `ka_is_alive` fast path: no lock, no allocation, no system call per call.
//!
//! - A literal parameter (`ka_is_alive("10.0.0.1:5060")`) is canonicalised and hashed once,
//!   at fixup time (in the main process, before the fork); each call is then one probe of
//!   the table's slots.
//! - A variable parameter (and KEMI) is canonicalised into a stack buffer, with a shortcut
//!   for the common `[sip:][user@]a.b.c.d[:port]` forms that writes the key in one pass; any
//!   other form goes through [`Canonical::parse`] (also allocation-free).

use std::cell::RefCell;

use kamailio::cfg_const::ParamId;

use crate::dest_uri::{Canonical, MAX_URI_LEN};
use crate::table;

/// Room for a key the shortcut writes (longer ones go through the full parser).
const FAST_MAX: usize = 96;

/// RFC 3261 user characters as [`Canonical::parse`] takes them, minus `%` escapes (left to
/// the full parser), as a table.
const USER_CHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric();
        b += 1;
    }
    let extra = b"-_.!~*'()&=+$,;/";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
};

/// Length of the dotted quad at the start of `s` if it is written exactly as `Ipv4Addr`'s
/// `Display` writes it (no leading zeroes) and followed by the end or `:`.
#[inline]
fn canonical_ipv4(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    for part in 0..4 {
        if part > 0 {
            if s.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let start = i;
        let mut v = 0u32;
        while let Some(&d) = s.get(i).filter(|d| d.is_ascii_digit()) {
            v = v * 10 + u32::from(d - b'0');
            i += 1;
            if i - start > 3 {
                return None;
            }
        }
        let len = i - start;
        if len == 0 || v > 255 || (len > 1 && s[start] == b'0') {
            return None;
        }
    }
    matches!(s.get(i), None | Some(b':')).then_some(i)
}

/// A port as `u16`'s `Display` writes it, 1..=65535.
#[inline]
fn canonical_port(s: &[u8]) -> bool {
    if !matches!(s.first(), Some(b'1'..=b'9')) || s.len() > 5 {
        return false;
    }
    let mut v = 0u32;
    for &d in s {
        if !d.is_ascii_digit() {
            return false;
        }
        v = v * 10 + u32::from(d - b'0');
    }
    v <= 65535
}

/// `[sip:][user@]a.b.c.d[:port]` (no parameters, no escapes, canonical numbers) written as
/// its canonical key into `out`: its length; `None` for any other form or a key longer than
/// [`FAST_MAX`] (the caller then runs the full parser).
#[inline]
fn fast(input: &[u8], out: &mut [u8; FAST_MAX]) -> Option<usize> {
    let rest = match input.get(..4) {
        Some(p) if p.eq_ignore_ascii_case(b"sip:") => &input[4..],
        _ => input,
    };
    // the user part runs to the last `@`; every byte before it must be a user character
    let mut at = None;
    for (i, &b) in rest.iter().enumerate() {
        if b == b'@' {
            at = Some(i);
        }
    }
    let (user, hostport) = match at {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (&rest[..0], rest),
    };
    if at.is_some() && (user.is_empty() || !user.iter().all(|&b| USER_CHAR[b as usize])) {
        return None;
    }
    let hl = canonical_ipv4(hostport)?;
    let port = match hostport.get(hl + 1..) {
        Some(p) if canonical_port(p) => p,
        Some(_) => return None,
        None => b"5060",
    };
    // "sip:" + user + "@" + host + ":" + port
    let total = 4 + user.len() + usize::from(at.is_some()) + hl + 1 + port.len();
    if total > FAST_MAX {
        return None;
    }
    let mut o = 0;
    let mut put = |b: &[u8]| {
        out[o..o + b.len()].copy_from_slice(b);
        o += b.len();
    };
    put(b"sip:");
    if at.is_some() {
        put(user);
        put(b"@");
    }
    put(&hostport[..hl]);
    put(b":");
    put(port);
    Some(o)
}

/// Runs `f` on the canonical key of `input` (built on the stack); `None` if `input` is not
/// a destination.
#[inline]
fn with_key<R>(input: &[u8], f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    let mut small = [0u8; FAST_MAX];
    if input.len() <= MAX_URI_LEN {
        if let Some(n) = fast(input, &mut small) {
            return Some(f(&small[..n]));
        }
    }
    Canonical::parse(input).ok().map(|c| f(c.as_bytes()))
}

/// State of `dest` (a variable's value): 0 unknown, 1 up, 2 down; `None` if not monitored
/// or malformed.
pub fn state_of(dest: &[u8]) -> Option<i32> {
    with_key(dest, |k| table::table().dests.status(k)).flatten()
}

/// A literal parameter prepared at fixup time: its key and the key's hash (`None`: not a
/// valid destination).
struct Prepared {
    id: ParamId,
    key: Option<(u64, Box<[u8]>)>,
}

thread_local! {
    /// Prepared literal parameters by [`ParamId`], sorted; filled before the fork, read-only
    /// after it (every process has its copy).
    static PREPARED: RefCell<Vec<Prepared>> = const { RefCell::new(Vec::new()) };
}

/// The fixup-time hook ([`kamailio::cfg_const::set_hook`]).
pub fn prepare(id: ParamId, text: &[u8]) {
    let key = with_key(text, |k| (table::table().dests.key_hash(k), Box::from(k)));
    if key.is_none() {
        log::warn!(
            "ka_is_alive(\"{}\"): not a valid destination: the call always returns -1",
            String::from_utf8_lossy(&text[..text.len().min(64)])
        );
    }
    PREPARED.with(|p| {
        let mut p = p.borrow_mut();
        match p.binary_search_by_key(&id, |e| e.id) {
            Ok(i) => p[i].key = key,
            Err(i) => p.insert(i, Prepared { id, key }),
        }
    });
}

/// State of the literal parameter `id`, if it was prepared at fixup time: `Some(None)` when
/// it is not monitored (or not a valid destination), `None` when `id` is not a literal.
pub fn state_prepared(id: ParamId) -> Option<Option<i32>> {
    PREPARED.with(|p| {
        let p = p.borrow();
        let e = &p[p.binary_search_by_key(&id, |e| e.id).ok()?];
        Some(
            e.key
                .as_ref()
                .and_then(|(h, k)| table::table().dests.status_hashed(*h, k)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &[u8]) -> Option<Vec<u8>> {
        with_key(s, <[u8]>::to_vec)
    }

    fn full(s: &[u8]) -> Option<Vec<u8>> {
        Canonical::parse(s).ok().map(|c| c.as_bytes().to_vec())
    }

    #[test]
    fn fast_forms() {
        for (input, want) in [
            ("1.2.3.4", "sip:1.2.3.4:5060"),
            ("sip:1.2.3.4", "sip:1.2.3.4:5060"),
            ("SIP:1.2.3.4:5070", "sip:1.2.3.4:5070"),
            ("d0@127.0.0.1:5080", "sip:d0@127.0.0.1:5080"),
            ("sip:d0@127.0.0.1", "sip:d0@127.0.0.1:5060"),
            ("0.0.0.0:1", "sip:0.0.0.0:1"),
            ("255.255.255.255:65535", "sip:255.255.255.255:65535"),
        ] {
            let mut k = [0; FAST_MAX];
            let n = fast(input.as_bytes(), &mut k);
            assert_eq!(n.map(|n| &k[..n]), Some(want.as_bytes()), "{input}");
        }
        // left to the full parser
        for input in [
            "01.2.3.4",
            "1.2.3.4:05060",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "1.2.3.4;transport=udp",
            "sips:1.2.3.4",
            " 1.2.3.4",
            "a%20b@1.2.3.4",
            "@1.2.3.4",
            "host.example.com",
            "[::1]",
            "1.2.3.4:0",
            "1.2.3.4:65536",
            "1.2.3.4:",
        ] {
            let mut k = [0; FAST_MAX];
            assert_eq!(fast(input.as_bytes(), &mut k), None, "{input}");
        }
    }

    /// Whatever the input, the fast path and the full parser give the same key.
    #[test]
    fn same_key_as_the_full_parser() {
        const PIECES: [&[u8]; 20] = [
            b"sip:", b"SIP:", b"sips:", b"@", b":", b";", b".", b"0", b"1", b"25", b"255", b"256",
            b"5060", b"65535", b"a", b"%4", b" ", b"u", b"01", b"\xff",
        ];
        let mut seed = 0x5eedu64;
        let mut below = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        let mut buf = Vec::new();
        for _ in 0..50_000 {
            buf.clear();
            for _ in 0..below(14) {
                buf.extend_from_slice(PIECES[below(PIECES.len())]);
            }
            assert_eq!(key(&buf), full(&buf), "{:?}", String::from_utf8_lossy(&buf));
        }
        let long = format!("{}@1.2.3.4:5060", "u".repeat(120));
        for s in [
            "1.2.3.4",
            "u@10.0.0.1:5",
            "sip:x@1.1.1.1:65535",
            "9.9.9.9:99",
            &long,
        ] {
            assert_eq!(key(s.as_bytes()), full(s.as_bytes()), "{s}");
        }
    }
}
