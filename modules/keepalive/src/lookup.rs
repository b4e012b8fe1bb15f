//! The `ka_is_alive` fast path: no lock, no allocation, no system call per call.
//!
//! - A literal parameter (`ka_is_alive("10.0.0.1:5060")`) is canonicalised and hashed once,
//!   at fixup time (in the main process, before the fork), into a [`Prepared`] kept with the
//!   parameter.
//! - A variable parameter (and KEMI) is canonicalised into a stack buffer, with a shortcut
//!   for the common `[sip:][user@]a.b.c.d[:port]` forms that writes the key in one pass; any
//!   other form goes through [`Canonical::parse`] (also allocation-free). Each process keeps
//!   the last few values of the shortcut's forms with their keys ([`Recent`], a fixed array
//!   per process), so a value asked about again costs one compare of its text.
//! - Either way the process remembers where the key was in the table (or that it was
//!   absent) at the table's version ([`kamailio::shm_map::Seen`]): until a destination is
//!   added or removed anywhere, the next call is one status read instead of a probe.

use std::cell::{Cell, RefCell};

use kamailio::cfg_const::Prepare;
use kamailio::shm_map::Seen;

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

/// `a.b.c.d[:port]` spanning all of `s`, with its numbers written as `Ipv4Addr`'s and
/// `u16`'s `Display` write them (no leading zeroes, port 1..=65535): whether it has a port.
#[inline]
fn canonical_hostport(s: &[u8]) -> Option<bool> {
    let n = s.len();
    let (_, i) = krs_parse::ipv4::dotted_quad(s)?;
    if i == n {
        return Some(false);
    }
    if s[i] != b':' {
        return None;
    }
    let port = &s[i + 1..];
    if port.is_empty() || port.len() > 5 || port[0] == b'0' {
        return None;
    }
    let mut v = 0u32;
    for &d in port {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(d - b'0');
    }
    (v <= 65535).then_some(true)
}

/// Copies `src` into `out` at `at` by words (the last one overlapping the one before it),
/// so a short key costs a few moves, not a call to memcpy. `out` has room (checked by the
/// caller).
#[inline]
fn put(out: &mut [u8; FAST_MAX], at: usize, src: &[u8]) {
    let n = src.len();
    if n < 8 {
        for (d, s) in out[at..at + n].iter_mut().zip(src) {
            *d = *s;
        }
        return;
    }
    let mut i = 0;
    while i + 8 <= n {
        out[at + i..at + i + 8].copy_from_slice(&src[i..i + 8]);
        i += 8;
    }
    out[at + n - 8..at + n].copy_from_slice(&src[n - 8..]);
}

/// `[sip:][user@]a.b.c.d[:port]` (no parameters, no escapes, canonical numbers) written as
/// its canonical key `sip:[user@]a.b.c.d:port` into `out`: its length; `None` for any
/// other form or a key longer than [`FAST_MAX`] (the caller then runs the full parser).
#[inline]
fn fast(input: &[u8], out: &mut [u8; FAST_MAX]) -> Option<usize> {
    let rest = match input.get(..4) {
        Some(p) if p.eq_ignore_ascii_case(b"sip:") => &input[4..],
        _ => input,
    };
    // the common form first: no user part
    let has_port = match canonical_hostport(rest) {
        Some(has_port) => has_port,
        None => {
            // the user part runs to the last `@`; every byte before it must be a user
            // character (which `@` is not)
            let at = rest.iter().rposition(|&b| b == b'@')?;
            if at == 0 || !rest[..at].iter().all(|&b| USER_CHAR[b as usize]) {
                return None;
            }
            canonical_hostport(&rest[at + 1..])?
        }
    };
    // written as given (it is canonical), then the default port when there was none
    let total = 4 + rest.len() + if has_port { 0 } else { 5 };
    if total > FAST_MAX {
        return None;
    }
    out[..4].copy_from_slice(b"sip:");
    put(out, 4, rest);
    if !has_port {
        out[4 + rest.len()..total].copy_from_slice(b":5060");
    }
    Some(total)
}

/// State and RTT estimate (µs, 0: never measured) of `dest`, lock-free as [`state_of`];
/// `None` if not monitored or malformed.
pub fn state_estimate_of(dest: &[u8]) -> Option<(i32, u32)> {
    if let Cached::Kept(found) = RECENT.with(|r| r.borrow_mut().state_estimate_of(dest)) {
        return found;
    }
    with_key(dest, |k| {
        let map = &table::table().dests;
        map.status_aux_seen(&Cell::new(Seen::NOTHING), map.key_hash(k), k)
    })
    .flatten()
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
    if let Cached::Kept(state) = RECENT.with(|r| r.borrow_mut().state_of(dest)) {
        return state;
    }
    with_key(dest, |k| table::table().dests.status(k)).flatten()
}

/// Whether `a` and `b` are equal, compared by words (the last one overlapping the one before
/// it): a value of a few tens of bytes costs a few compares, not a call to memcmp.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a == b;
    }
    let word = |s: &[u8], at: usize| u64::from_ne_bytes(s[at..at + 8].try_into().unwrap());
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// Longest value kept in [`Recent`].
const RECENT_RAW_MAX: usize = 64;
/// Entries of [`Recent`] (a power of two).
const RECENT_ENTRIES: usize = 8;

/// A value looked up recently in this process: its canonical key and hash, and where the
/// key was in the table then.
struct RecentEntry {
    raw: [u8; RECENT_RAW_MAX],
    raw_len: usize,
    key: [u8; FAST_MAX],
    key_len: usize,
    hash: u64,
    seen: Seen,
}

/// The values this process looked up last, by a cheap hash of their text: a config looks
/// up the same few gateways over and over (`ka_is_alive("$du")`), so most calls are one
/// compare of the text and one status read ([`ShmMap::status_seen`](kamailio::shm_map)).
struct Recent {
    entries: [RecentEntry; RECENT_ENTRIES],
}

const EMPTY_ENTRY: RecentEntry = RecentEntry {
    raw: [0; RECENT_RAW_MAX],
    raw_len: 0,
    key: [0; FAST_MAX],
    key_len: 0,
    hash: 0,
    seen: Seen::NOTHING,
};

/// What [`Recent`] answers for a value.
enum Cached<T> {
    /// The value is kept here: its lookup (`None`: not monitored).
    Kept(Option<T>),
    /// Not kept here (too long, malformed, or a key the fast form does not cover): the
    /// caller looks it up the long way.
    NotKept,
}

impl Recent {
    /// The state of `raw`, if it is kept here.
    fn state_of(&mut self, raw: &[u8]) -> Cached<i32> {
        let Some(e) = self.entry(raw) else {
            return Cached::NotKept;
        };
        let map = &table::table().dests;
        let seen = Cell::from_mut(&mut e.seen);
        Cached::Kept(map.status_seen(seen, e.hash, &e.key[..e.key_len]))
    }

    /// [`Recent::state_of`] with the RTT estimate.
    fn state_estimate_of(&mut self, raw: &[u8]) -> Cached<(i32, u32)> {
        let Some(e) = self.entry(raw) else {
            return Cached::NotKept;
        };
        let map = &table::table().dests;
        let seen = Cell::from_mut(&mut e.seen);
        Cached::Kept(map.status_aux_seen(seen, e.hash, &e.key[..e.key_len]))
    }

    /// The entry of `raw`, made if it is not kept yet; `None`: not kept here.
    #[inline]
    fn entry(&mut self, raw: &[u8]) -> Option<&mut RecentEntry> {
        if raw.is_empty() || raw.len() > RECENT_RAW_MAX {
            return None;
        }
        // length and the last two bytes (gateways differ in their address's end or port)
        let n = raw.len();
        let slot = (n ^ usize::from(raw[n - 1]) ^ (usize::from(raw[n / 2]) << 2)) % RECENT_ENTRIES;
        let e = &mut self.entries[slot];
        if !same(&e.raw[..e.raw_len], raw) {
            e.raw_len = 0;
            let key_len = fast(raw, &mut e.key)?;
            e.raw[..n].copy_from_slice(raw);
            e.raw_len = n;
            e.key_len = key_len;
            e.hash = table::table().dests.key_hash(&e.key[..key_len]);
            e.seen = Seen::NOTHING;
        }
        Some(e)
    }
}

/// A literal parameter prepared at fixup time: its key and the key's hash (`None`: not a
/// valid destination), and where this process saw the key last.
pub struct Prepared {
    key: Option<(u64, Box<[u8]>)>,
    seen: Cell<Seen>,
}

thread_local! {
    /// This process's recently looked-up values.
    static RECENT: RefCell<Recent> = const {
        RefCell::new(Recent { entries: [EMPTY_ENTRY; RECENT_ENTRIES] })
    };
}

/// A literal `ka_is_alive` parameter, prepared by its fixup (after mod_init: the table is
/// there).
impl Prepare for Prepared {
    fn prepare(text: &[u8]) -> Prepared {
        let key = with_key(text, |k| (table::table().dests.key_hash(k), Box::from(k)));
        if key.is_none() {
            log::warn!(
                "ka_is_alive(\"{}\"): not a valid destination: the call always returns -1",
                String::from_utf8_lossy(&text[..text.len().min(64)])
            );
        }
        Prepared {
            key,
            seen: Cell::new(Seen::NOTHING),
        }
    }
}

/// State of a prepared literal parameter (`None`: not monitored, or not a valid
/// destination).
#[inline]
pub fn state_prepared(p: &Prepared) -> Option<i32> {
    let (h, k) = p.key.as_ref()?;
    table::table().dests.status_seen(&p.seen, *h, k)
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
