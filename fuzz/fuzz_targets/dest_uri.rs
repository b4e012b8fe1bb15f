//! keepalive destination URIs (`ka_add_destination`, `keepalive.add`, `destination` modparam):
//! `Canonical::parse` on arbitrary bytes.
//!
//! Properties: inputs over `MAX_URI_LEN` are refused as too long; outer ASCII blanks change
//! nothing; an accepted input gives an ASCII `sip:`/`sips:` form of at most `MAX_URI_LEN`
//! bytes with an explicit port, which parses again to itself (idempotence); equal canonical
//! forms hash equally and `==` is byte equality.
#![no_main]

use krs_parse::dest_uri;

use dest_uri::{Canonical, UriError, MAX_URI_LEN};
use std::hash::{DefaultHasher, Hash, Hasher};

fn hash_of(c: &Canonical) -> u64 {
    let mut h = DefaultHasher::new();
    c.hash(&mut h);
    h.finish()
}

/// Checks one canonical form: shape, idempotence, hash.
fn check_canonical(input: &[u8], c: &Canonical) {
    let b = c.as_bytes();
    assert!(b.is_ascii() && b.len() <= MAX_URI_LEN, "{input:?} -> {c:?}");
    assert_eq!(c.as_str().as_bytes(), b);
    assert!(b.starts_with(b"sip:") || b.starts_with(b"sips:"), "{c:?}");
    // an explicit port after the host (the user part may hold `;` and `:`, never a bare
    // `@`), before any `;transport=`
    let after_user = b.rsplit(|&x| x == b'@').next().unwrap_or(b);
    let hostport = after_user.split(|&x| x == b';').next().unwrap_or(b);
    let port = hostport.rsplit(|&x| x == b':').next().unwrap_or(b"");
    let port = std::str::from_utf8(port).unwrap_or("").parse::<u16>();
    assert!(port.is_ok_and(|p| p != 0), "no port in {c:?}");
    let again = Canonical::parse(b);
    assert_eq!(again.as_ref(), Ok(c), "not idempotent: {input:?}");
    if let Ok(again) = again {
        assert_eq!(hash_of(&again), hash_of(c));
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let parsed = Canonical::parse(data);
    if data.len() > MAX_URI_LEN {
        assert_eq!(parsed.as_ref().err(), Some(&UriError::TooLong));
        return;
    }
    if let Ok(c) = &parsed {
        check_canonical(data, c);
    }

    // outer blanks are ignored
    if data.len() + 2 <= MAX_URI_LEN {
        let mut padded = Vec::with_capacity(data.len() + 2);
        padded.push(b' ');
        padded.extend_from_slice(data);
        padded.push(b'\t');
        assert_eq!(Canonical::parse(&padded), parsed, "blanks around {data:?}");
    }

    // two inputs (split at the first newline): `==` is byte equality, equal forms hash equally
    if let Some(nl) = data.iter().position(|&b| b == b'\n') {
        if let (Ok(a), Ok(b)) = (
            Canonical::parse(&data[..nl]),
            Canonical::parse(&data[nl + 1..]),
        ) {
            assert_eq!(a == b, a.as_bytes() == b.as_bytes());
            if a == b {
                assert_eq!(hash_of(&a), hash_of(&b), "{a:?}");
            }
        }
    }
});
