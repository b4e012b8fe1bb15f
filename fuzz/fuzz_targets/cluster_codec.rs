//! keepalive cluster messages (KDMQ bodies from other nodes, or anyone): `codec::decode` and
//! the seal check on arbitrary bytes.
//!
//! Properties: `decode` and `Key::verifies` never panic; a body `decode` accepts is at most
//! `MAX_BODY` bytes and canonical: encoding what it read gives back the same bytes (updates,
//! sync requests, adds and deletes, attributes, a one-part digest; a plain body longer than `MAX_PLAIN`,
//! which the encoders never make, in two parts with the same entries). A sealed body is its
//! plain content plus the trailer: sealing that content again with the same stamp gives the
//! same bytes but the mac, and the body verifies exactly when the mac is the key's. A plain
//! body, sealed, decodes to the same message with its stamp and verifies with that key only,
//! and no longer once one byte changes.
#![no_main]

use krs_parse::cluster_codec as codec;

use codec::{Key, Kind, Message, Part, Stamp, MAX_BODY, MAX_PLAIN, TRAILER};

/// Encodes `m` again as its sender would (`None`: a digest part of a longer round, whose
/// entries were checked instead).
fn encode_again(data: &[u8], m: &Message) -> Option<Vec<Vec<u8>>> {
    Some(match m.kind {
        Kind::SyncRequest => vec![codec::encode_sync_request(m.sender)],
        Kind::Add | Kind::Del => {
            let d = m
                .dest
                .as_ref()
                .expect("an add or delete has its destination");
            match codec::encode_replicated(m.kind == Kind::Add, m.sender, d) {
                Some(b) => vec![b],
                None => {
                    assert!(
                        data.len() > MAX_PLAIN,
                        "an add or delete that fits re-encodes"
                    );
                    return None;
                }
            }
        }
        Kind::Attrs => {
            let a = m.attrs.as_ref().expect("an attributes message has them");
            match codec::encode_attrs(m.sender, a) {
                Some(b) => vec![b],
                None => {
                    assert!(data.len() > MAX_PLAIN, "attributes that fit re-encode");
                    return None;
                }
            }
        }
        Kind::Update => codec::encode_batches(Kind::Update, m.sender, 0, &m.entries),
        Kind::Digest => {
            let p = m.part.expect("a digest has its part");
            let b = codec::encode_batches(Kind::Digest, m.sender, p.round, &m.entries);
            if p != (Part {
                round: p.round,
                part: 0,
                parts: 1,
            }) {
                // another part of a longer digest: the entries survive
                let back: Vec<_> = b
                    .iter()
                    .flat_map(|x| codec::decode(x).unwrap().entries)
                    .collect();
                assert_eq!(back, m.entries);
                return None;
            }
            b
        }
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let key = Key::new(b"fuzzing secret, 32 bytes long...");
    let verified = key.verifies(data);
    let Ok(m) = codec::decode(data) else {
        return;
    };
    assert!(data.len() <= MAX_BODY);
    if let Some(stamp) = m.stamp {
        let mut inner = data[..data.len() - TRAILER].to_vec();
        inner[3] &= !0x80;
        let plain = codec::decode(&inner).expect("a sealed body's content is a body");
        assert_eq!(
            plain,
            Message {
                stamp: None,
                ..m.clone()
            }
        );
        let again = codec::seal(inner, &key, stamp);
        assert_eq!(again.len(), data.len());
        assert_eq!(again[..data.len() - 32], data[..data.len() - 32]);
        assert!(key.verifies(&again));
        assert_eq!(verified, again == data);
        return;
    }
    assert!(!verified, "a plain body carries no mac");
    if let Some(again) = encode_again(data, &m) {
        if again.len() == 1 {
            assert_eq!(again[0], data, "decode then encode is the identity");
        } else {
            assert!(
                data.len() > MAX_PLAIN,
                "a body that fits re-encodes as one body"
            );
            let back: Vec<_> = again
                .iter()
                .flat_map(|x| codec::decode(x).unwrap().entries)
                .collect();
            assert_eq!(back, m.entries);
        }
    }
    if data.len() <= MAX_PLAIN {
        let n = data.len() as u64;
        let stamp = Stamp {
            sent_ms: n * 0x1_0001,
            counter: n ^ 0x55,
        };
        let sealed = codec::seal(data.to_vec(), &key, stamp);
        assert_eq!(
            codec::decode(&sealed).unwrap(),
            Message {
                stamp: Some(stamp),
                ..m
            }
        );
        assert!(key.verifies(&sealed));
        assert!(!Key::new(b"fuzzing secret, 32 bytes long..!").verifies(&sealed));
        let mut t = sealed.clone();
        let i = (data.len() * 31 + 7) % t.len();
        t[i] ^= 0x40;
        assert!(!key.verifies(&t), "byte {i} changed unnoticed");
    }
});
