use super::*;

fn canon(s: &str) -> String {
    match Canonical::parse(s.as_bytes()) {
        Ok(c) => c.as_str().to_owned(),
        Err(e) => panic!("{s:?} refused: {e}"),
    }
}

fn err(s: &[u8]) -> UriError {
    match Canonical::parse(s) {
        Ok(c) => panic!("{:?} accepted as {c:?}", String::from_utf8_lossy(s)),
        Err(e) => e,
    }
}

#[test]
fn equivalent_forms_share_one_key() {
    for s in [
        "1.2.3.4",
        "sip:1.2.3.4",
        "SIP:1.2.3.4:5060;transport=UDP",
        "1.2.3.4:5060",
        "  1.2.3.4 ",
        "\t1.2.3.4\r\n",
        "sip:1.2.3.4;lr",
        "1.2.3.4;transport=udp;lr",
        "sip:1.2.3.4:05060",
    ] {
        assert_eq!(canon(s), "sip:1.2.3.4:5060", "{s:?}");
    }
}

#[test]
fn tls_forms() {
    assert_eq!(canon("sips:1.2.3.4"), "sips:1.2.3.4:5061");
    assert_eq!(
        canon("sips:1.2.3.4:5061;transport=tls"),
        "sips:1.2.3.4:5061"
    );
    assert_eq!(canon("SIPS:1.2.3.4;transport=TCP"), "sips:1.2.3.4:5061");
    assert_eq!(canon("sip:h;transport=tls"), "sip:h:5061;transport=tls");
    assert_eq!(canon("sip:h;transport=wss"), "sip:h:5061;transport=wss");
    assert_eq!(canon("sips:h;transport=WS"), "sips:h:5061;transport=ws");
    assert_eq!(canon("sips:h;transport=sctp"), "sips:h:5061;transport=sctp");
    assert_eq!(err(b"sips:h;transport=udp"), UriError::BadTransport);
}

#[test]
fn hostnames_and_transports() {
    assert_eq!(
        canon("sip:gw.Example.COM;transport=TCP"),
        "sip:gw.example.com:5060;transport=tcp"
    );
    assert_eq!(canon("gw.example.com.:5070"), "sip:gw.example.com:5070");
    assert_eq!(canon("my_host"), "sip:my_host:5060");
    assert_eq!(canon("h;transport=sctp"), "sip:h:5060;transport=sctp");
    assert_eq!(canon("h;transport=ws"), "sip:h:5060;transport=ws");
    assert_eq!(err(b"gw.example.com:abc"), UriError::BadPort);
}

#[test]
fn ipv6() {
    assert_eq!(canon("sip:[::1]"), "sip:[::1]:5060");
    assert_eq!(canon("[0:0::1]:5070"), "sip:[::1]:5070");
    assert_eq!(canon("[2001:DB8:0:0:0:0:0:1]"), "sip:[2001:db8::1]:5060");
    assert_eq!(canon("sips:[::ffff:1.2.3.4]"), "sips:[::ffff:1.2.3.4]:5061");
}

#[test]
fn user_part_keeps_case() {
    assert_eq!(canon("sip:alice@host.com"), "sip:alice@host.com:5060");
    assert_eq!(canon("Alice@Host.com"), "sip:Alice@host.com:5060");
    assert_eq!(canon("sip:a%40b;x=1@h"), "sip:a%40b;x=1@h:5060");
}

#[test]
fn refused() {
    let cases: &[(&[u8], UriError)] = &[
        (b"", UriError::Empty),
        (b"   ", UriError::Empty),
        (b"sip:", UriError::BadHost),
        (b"sip:;lr", UriError::BadHost),
        (b"sip:1.2.3.4:", UriError::BadPort),
        (b"1.2.3.4:", UriError::BadPort),
        (b"host:", UriError::BadPort),
        (b"1.2.3.4:0", UriError::BadPort),
        (b"1.2.3.4:65536", UriError::BadPort),
        (b"1.2.3.4:abc", UriError::BadPort),
        (b"1.2.3.4:-1", UriError::BadPort),
        (b"1.2.3.4:+1", UriError::BadPort),
        (b"1.2.3.4:000005060", UriError::BadPort),
        (b"sip:[::1", UriError::BadHost),
        (b"sip:[::1]x", UriError::BadHost),
        (b"sip:[nope]", UriError::BadHost),
        (b"sip:::1", UriError::BadHost),
        (b"fe80::1", UriError::BadHost),
        (b"fe80:abcd::1", UriError::BadHost),
        (b"2001:db8::1", UriError::BadHost),
        (b"host:abc", UriError::BadScheme),
        (b"tel:+123", UriError::BadScheme),
        (b"http://example.com", UriError::BadScheme),
        (b"sip:a b", UriError::BadHost),
        (b"sip:a\x00b", UriError::BadHost),
        (b"sip:h;transport=foo", UriError::BadTransport),
        (b"sip:h;transport", UriError::BadTransport),
        (b"sip:h;transport=udp;TRANSPORT=udp", UriError::BadParams),
        (b"sip:h;;lr", UriError::BadParams),
        (b"sip:h;", UriError::BadParams),
        (b"sip:h;x=", UriError::BadParams),
        (b"sip:h;x=a b", UriError::BadParams),
        (b"sip:h?X=1", UriError::BadHost),
        (b"sip:h;lr?X=1", UriError::BadParams),
        (b"<sip:h>", UriError::BadHost),
        (b"sip:@h", UriError::BadUser),
        (b"sip:a:pw@h", UriError::BadUser),
        (b"sip:a%4@h", UriError::BadUser),
        (b"sip:a@b@h", UriError::BadUser),
        (b"sip:-bad-.com", UriError::BadHost),
        (b"sip:a..com", UriError::BadHost),
        (b"sip:.", UriError::BadHost),
        (b"256.1.1.1", UriError::BadHost),
        (b"1.2.3", UriError::BadHost),
        (b"1.2.3.4.", UriError::BadHost),
        (b"sip:h\xc3\xa9", UriError::BadHost),
    ];
    for &(input, want) in cases {
        assert_eq!(
            Canonical::parse(input),
            Err(want),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn length_limits() {
    assert_eq!(err(&[b'a'; 8192]), UriError::TooLong);
    assert_eq!(err(&[b' '; MAX_URI_LEN + 1]), UriError::TooLong);

    // "sip:" + host + ":5060": 246-byte host fits exactly, 247 does not.
    let host = |len: usize| -> String {
        let mut h = "a".repeat(63) + "." + &"b".repeat(63) + "." + &"c".repeat(63) + ".";
        h.push_str(&"d".repeat(len - h.len()));
        h
    };
    assert_eq!(canon(&host(246)).len(), MAX_URI_LEN);
    assert_eq!(err(host(247).as_bytes()), UriError::TooLong);

    // 255 bytes of valid input whose canonical form is 264 bytes.
    let input = format!("a@{}", host(253));
    assert_eq!(input.len(), MAX_URI_LEN);
    assert_eq!(err(input.as_bytes()), UriError::TooLong);
    assert_eq!(err(host(254).as_bytes()), UriError::BadHost);
}

#[test]
fn label_rules() {
    assert_eq!(canon(&"a".repeat(63)).len(), 63 + 9);
    assert_eq!(err("a".repeat(64).as_bytes()), UriError::BadHost);
    assert_eq!(err(b"a-"), UriError::BadHost);
    assert_eq!(canon("a-b.c_d"), "sip:a-b.c_d:5060");
}

#[test]
fn errors_display() {
    assert_eq!(UriError::Empty.to_string(), "empty destination");
    assert_eq!(UriError::TooLong.to_string(), "longer than 255 bytes");
    assert_eq!(UriError::BadHost.to_string(), "malformed host");
}

/// Parses `input`; on success checks the output is ASCII, bounded and a fixed point.
fn check_round_trip(input: &[u8]) {
    if let Ok(c) = Canonical::parse(input) {
        assert!(c.as_bytes().is_ascii() && c.as_bytes().len() <= MAX_URI_LEN);
        assert_eq!(c.as_str().as_bytes(), c.as_bytes());
        let again = Canonical::parse(c.as_bytes());
        assert_eq!(again.as_ref(), Ok(&c), "{input:?}");
    }
}

/// Deterministic linear congruential generator.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize % n
    }
}

const VALID: [&str; 8] = [
    "sip:alice@gw.Example.COM:5070;transport=TCP;lr",
    "sips:[2001:db8::1]:5061;transport=tls",
    "SIP:1.2.3.4:5060;transport=UDP",
    "[0:0::1]:5070",
    "bob%20x@h;transport=wss",
    "sips:h;transport=sctp;maddr=1.2.3.4",
    "  host.example.org. ",
    "u;x=1@10.0.0.1;transport=ws",
];

#[test]
fn prefixes_round_trip() {
    for uri in VALID {
        assert!(Canonical::parse(uri.as_bytes()).is_ok(), "{uri:?}");
        for end in 0..=uri.len() {
            check_round_trip(&uri.as_bytes()[..end]);
            check_round_trip(&uri.as_bytes()[end..]);
        }
    }
}

#[test]
fn random_inputs_round_trip() {
    const PIECES: [&[u8]; 24] = [
        b"sip:",
        b"sips:",
        b"SIP:",
        b"tel:",
        b"@",
        b":",
        b";",
        b"=",
        b"[",
        b"]",
        b".",
        b"%4",
        b"1",
        b"255",
        b"5060",
        b"::",
        b"a",
        b"Gw",
        b"-",
        b"transport=",
        b"tls",
        b"UDP",
        b" ",
        b"\xff",
    ];
    let mut rng = Lcg(0x5eed);
    let mut buf = [0u8; 300];
    for _ in 0..20_000 {
        let mut len = 0;
        for _ in 0..rng.below(24) {
            let piece: &[u8] = if rng.below(4) == 0 {
                &[rng.below(256) as u8]
            } else {
                PIECES[rng.below(PIECES.len())]
            };
            let end = (len + piece.len()).min(buf.len());
            buf[len..end].copy_from_slice(&piece[..end - len]);
            len = end;
        }
        check_round_trip(&buf[..len]);
    }
    for _ in 0..20_000 {
        let uri = VALID[rng.below(VALID.len())].as_bytes();
        let mut bytes = [0u8; 64];
        bytes[..uri.len()].copy_from_slice(uri);
        for _ in 0..=rng.below(3) {
            bytes[rng.below(uri.len())] = rng.below(256) as u8;
        }
        check_round_trip(&bytes[..uri.len()]);
    }
}
