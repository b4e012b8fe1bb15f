use super::*;

fn entries(n: usize) -> Vec<Entry> {
    (0..n)
        .map(|i| Entry {
            dest: i as u64 * 0x9e37_79b9,
            state: (i % 3 != 0).then_some(Shared {
                state: (i % 3) as u8,
                last_code: 200,
                rtt_last_us: i as u32,
                pings: 7,
                ..Shared::default()
            }),
        })
        .collect()
}

#[test]
fn round_trip() {
    let es = entries(10);
    let bodies = encode_batches(Kind::Update, 42, 0, &es);
    assert_eq!(bodies.len(), 1);
    let m = decode(&bodies[0]).unwrap();
    assert_eq!((m.kind, m.sender, m.part), (Kind::Update, 42, None));
    assert_eq!(m.entries, es);
    let m = decode(&encode_sync_request(9)).unwrap();
    assert_eq!(
        (m.kind, m.sender, m.entries.len()),
        (Kind::SyncRequest, 9, 0)
    );
    let d = encode_batches(Kind::Digest, 1, 5, &[]);
    let m = decode(&d[0]).unwrap();
    assert_eq!(
        m.part,
        Some(Part {
            round: 5,
            part: 0,
            parts: 1
        })
    );
}

#[test]
fn change_counts_order_across_the_wrap() {
    assert_eq!((ahead(3, 3), ahead(3, 4), ahead(4, 3)), (0, 1, -1));
    assert_eq!((ahead(65_535, 0), ahead(0, 65_535)), (1, -1));
    assert_eq!((ahead(65_000, 100), ahead(100, 65_000)), (636, -636));
    assert_eq!(ahead(0, 32_768), i16::MIN);
}

#[test]
fn sealed_bodies_verify_and_tampering_shows() {
    let key = Key::new(b"0123456789abcdef");
    let stamp = Stamp {
        sent_ms: 1_800_000_000_123,
        counter: 7,
    };
    let plain = encode_batches(Kind::Update, 42, 0, &entries(3)).remove(0);
    let sealed = seal(plain.clone(), &key, stamp);
    assert_eq!(sealed.len(), plain.len() + TRAILER);
    let m = decode(&sealed).unwrap();
    assert_eq!((m.kind, m.sender, m.stamp), (Kind::Update, 42, Some(stamp)));
    assert_eq!(m.entries, decode(&plain).unwrap().entries);
    assert_eq!(decode(&plain).unwrap().stamp, None);
    assert!(key.verifies(&sealed));
    assert!(!key.verifies(&plain), "a plain body carries no mac");
    assert!(!Key::new(b"0123456789abcdeF").verifies(&sealed));
    // every byte counts: header, sender, entries, time, counter, mac
    for i in 0..sealed.len() {
        let mut t = sealed.clone();
        t[i] ^= 0x01;
        assert!(!key.verifies(&t), "byte {i} changed unnoticed");
    }
    for cut in 0..sealed.len() {
        assert!(!key.verifies(&sealed[..cut]), "cut at {cut}");
    }
    // a sealed body too short for its trailer
    let mut short = encode_sync_request(1);
    short[3] |= SEALED;
    assert_eq!(decode(&short), Err(DecodeError::Truncated));
    // the largest plain body still fits once sealed
    let big = encode_batches(Kind::Digest, 3, 1, &entries(20_000));
    for b in big {
        assert!(b.len() <= MAX_PLAIN);
        assert!(seal(b, &key, stamp).len() <= MAX_BODY);
    }
    let d = Replicated {
        uri: vec![b'u'; MAX_PLAIN - HEADER - 3 - 1],
        owner: b"o".to_vec(),
    };
    let b = encode_replicated(true, 1, &d).unwrap();
    assert_eq!(b.len(), MAX_PLAIN);
    let owner = Replicated {
        owner: b"oo".to_vec(),
        ..d
    };
    assert_eq!(encode_replicated(true, 1, &owner), None);
    let sealed = seal(b, &key, stamp);
    assert_eq!(sealed.len(), MAX_BODY);
    assert!(key.verifies(&sealed) && decode(&sealed).is_ok());
}

#[test]
fn replicated_attributes() {
    let a = ReplicatedAttrs {
        uri: b"sip:gw1.example.com:5060".to_vec(),
        owner: b"rpc".to_vec(),
        text: b"interval=5;from=sip:p@example.com".to_vec(),
    };
    let m = decode(&encode_attrs(9, &a).unwrap()).unwrap();
    assert_eq!(
        (m.kind, m.sender, m.attrs),
        (Kind::Attrs, 9, Some(a.clone()))
    );
    let set = ReplicatedAttrs {
        owner: Vec::new(),
        ..a.clone()
    };
    assert_eq!(
        decode(&encode_attrs(9, &set).unwrap()).unwrap().attrs,
        Some(set)
    );
    let long = ReplicatedAttrs {
        text: vec![b'a'; MAX_LEN + 1],
        ..a.clone()
    };
    assert_eq!(encode_attrs(9, &long), None);
    // a forged length beyond the limit, a missing URI, trailing bytes: refused
    let mut b = encode_attrs(9, &a).unwrap();
    let at = HEADER + 2 + a.uri.len() + 1 + a.owner.len();
    b[at..at + 2].copy_from_slice(&((MAX_LEN + 1) as u16).to_le_bytes());
    assert_eq!(decode(&b), Err(DecodeError::Malformed));
    let empty = ReplicatedAttrs {
        uri: Vec::new(),
        ..a.clone()
    };
    assert_eq!(
        decode(&encode_attrs(9, &empty).unwrap()),
        Err(DecodeError::Malformed)
    );
    let mut b = encode_attrs(9, &a).unwrap();
    b.push(0);
    assert_eq!(decode(&b), Err(DecodeError::Malformed));
    let mut b = encode_attrs(9, &a).unwrap();
    b.truncate(b.len() - 1);
    assert_eq!(decode(&b), Err(DecodeError::Truncated));
}

#[test]
fn replicated_adds_and_deletes() {
    let d = Replicated {
        uri: b"sip:gw1.example.com;transport=tcp".to_vec(),
        owner: b"rpc".to_vec(),
    };
    let m = decode(&encode_replicated(true, 5, &d).unwrap()).unwrap();
    assert_eq!(
        (m.kind, m.sender, m.dest.as_ref()),
        (Kind::Add, 5, Some(&d))
    );
    let m = decode(&encode_replicated(false, 5, &d).unwrap()).unwrap();
    assert_eq!((m.kind, m.dest.as_ref()), (Kind::Del, Some(&d)));
    let long = Replicated {
        owner: vec![b'o'; 256],
        ..d.clone()
    };
    assert_eq!(encode_replicated(true, 5, &long), None);
    let b = encode_replicated(true, 5, &d).unwrap();
    for cut in 3..b.len() {
        assert!(decode(&b[..cut]).is_err(), "cut at {cut}");
    }
    let empty = Replicated {
        owner: Vec::new(),
        ..d
    };
    let e = encode_replicated(false, 5, &empty).unwrap();
    assert_eq!(decode(&e), Err(DecodeError::Malformed));
}

#[test]
fn big_digests_split_under_the_receivers_message_limit() {
    let es = entries(50_000);
    let bodies = encode_batches(Kind::Digest, 3, 8, &es);
    assert!(bodies.len() > 1);
    let mut back = Vec::new();
    for (i, b) in bodies.iter().enumerate() {
        assert!(b.len() <= MAX_BODY && MAX_BODY + 2_000 < 32_767);
        let m = decode(b).unwrap();
        let p = m.part.unwrap();
        assert_eq!(
            (p.round, p.part, p.parts),
            (8, i as u16, bodies.len() as u16)
        );
        back.extend(m.entries);
    }
    assert_eq!(back, es);
}

#[test]
fn foreign_and_broken_bodies_are_refused() {
    assert_eq!(decode(b""), Err(DecodeError::Foreign));
    assert_eq!(decode(b"{\"action\":1}"), Err(DecodeError::Foreign));
    let mut b = encode_batches(Kind::Update, 1, 0, &entries(4)).remove(0);
    let mut v = b.clone();
    v[2] = 9;
    assert_eq!(decode(&v), Err(DecodeError::Version(9)));
    let mut k = b.clone();
    k[3] = 77;
    assert_eq!(decode(&k), Err(DecodeError::UnknownKind(77)));
    for cut in 3..b.len() {
        assert!(decode(&b[..cut]).is_err(), "cut at {cut}");
    }
    b.push(0);
    assert_eq!(decode(&b), Err(DecodeError::Malformed));
    // a count that promises more than the body holds
    let mut c = encode_batches(Kind::Update, 1, 0, &[]).remove(0);
    let n = c.len();
    c[n - 2..].copy_from_slice(&u16::MAX.to_le_bytes());
    assert_eq!(decode(&c), Err(DecodeError::Truncated));
    // a bad part number
    let mut d = encode_batches(Kind::Digest, 1, 0, &[]).remove(0);
    d[16] = 1;
    assert_eq!(decode(&d), Err(DecodeError::Malformed));
}
