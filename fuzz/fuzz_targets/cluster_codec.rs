//! keepalive cluster messages (KDMQ bodies from other nodes, or anyone): `codec::decode` on
//! arbitrary bytes.
//!
//! Properties: `decode` never panics; a body it accepts is canonical: encoding what it read
//! gives back the same bytes (updates, sync requests, and a one-part digest), and every
//! body is at most `MAX_BODY` bytes.
#![no_main]

#[allow(dead_code)]
#[path = "../../modules/keepalive/src/cluster/codec.rs"]
mod codec;

use codec::{Kind, Part};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(m) = codec::decode(data) else {
        return;
    };
    assert!(data.len() <= codec::MAX_BODY);
    let again = match m.kind {
        Kind::SyncRequest => vec![codec::encode_sync_request(m.sender)],
        Kind::Add | Kind::Del => {
            let d = m.dest.as_ref().expect("an add or delete has its destination");
            vec![codec::encode_replicated(m.kind == Kind::Add, m.sender, d).expect("fits")]
        }
        Kind::Update => codec::encode_batches(Kind::Update, m.sender, 0, &m.entries),
        Kind::Digest => {
            let p = m.part.expect("a digest has its part");
            let b = codec::encode_batches(Kind::Digest, m.sender, p.round, &m.entries);
            if p != (Part { round: p.round, part: 0, parts: 1 }) {
                // another part of a longer digest: the entries survive
                assert_eq!(b.len(), 1);
                assert_eq!(codec::decode(&b[0]).unwrap().entries, m.entries);
                return;
            }
            b
        }
    };
    assert_eq!(again.len(), 1, "a body that fits re-encodes as one body");
    assert_eq!(again[0], data, "decode then encode is the identity");
});
