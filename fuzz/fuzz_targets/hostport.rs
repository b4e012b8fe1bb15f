//! tcpops `tcp_get_conid` targets: `hostport::parse` on arbitrary bytes (`make fuzz` lets
//! inputs grow to 8 KiB; a seed is that long).
//!
//! Properties: outer ASCII blanks change nothing; an accepted input gives a non-empty host of
//! at most 253 bytes taken from the input, without blanks or control characters, and a port
//! other than 0; that host and port written back as a URI (`sip:host:port`,
//! `sip:[v6]:port`, with a user part, params, headers or another scheme case) parse to the
//! same host and port.
#![no_main]

use krs_parse::hostport;

/// A parse result that owns its host, for comparisons.
fn owned(input: &[u8]) -> Result<(Vec<u8>, u16), hostport::HostPortError> {
    hostport::parse(input).map(|hp| (hp.host.to_vec(), hp.port))
}

/// `host` and `port` as forms `parse` must read back to them.
fn forms(host: &[u8], port: u16) -> Vec<Vec<u8>> {
    let cat = |parts: &[&[u8]]| parts.concat();
    let port_s = port.to_string();
    let port_b = port_s.as_bytes();
    let mut out = Vec::new();
    if host.starts_with(b"[") || host.contains(&b':') {
        if host.contains(&b']') {
            // only a bare IPv6-like host (two or more colons) can hold `]`: no brackets, and
            // so only the default ports
            match port {
                5060 => out.push(cat(&[b"sip:", host])),
                5061 => out.push(cat(&[b"sips:", host])),
                _ => {}
            }
            return out;
        }
        let bracketed = cat(&[b"[", host, b"]:", port_b]);
        out.push(bracketed.clone());
        out.push(cat(&[b"sip:", &bracketed]));
        out.push(cat(&[b"SIPS:u@", &bracketed, b";transport=tls?h=v"]));
    } else {
        // always with a scheme: a host `sip` or `sips` would read as one without
        let hp = cat(&[host, b":", port_b]);
        out.push(cat(&[b"sip:", &hp]));
        out.push(cat(&[b"Sips:user%40x@", &hp, b";transport=tcp;lr"]));
        out.push(cat(&[b"sip:a@b@", &hp, b"?x=y"]));
    }
    out
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let parsed = hostport::parse(data);

    let mut padded = Vec::with_capacity(data.len() + 3);
    padded.extend_from_slice(b" \t");
    padded.extend_from_slice(data);
    padded.push(b'\n');
    assert_eq!(owned(&padded), owned(data), "blanks around {data:?}");

    let Ok(hp) = parsed else { return };
    let (host, port) = (hp.host, hp.port);
    assert!(!host.is_empty() && host.len() <= 253, "{data:?}");
    assert!(port != 0);
    assert!(
        !host
            .iter()
            .any(|c| c.is_ascii_whitespace() || c.is_ascii_control()),
        "{host:?}"
    );
    // the host is a piece of the input
    let range = data.as_ptr_range();
    assert!(range.start <= host.as_ptr() && host.as_ptr_range().end <= range.end);
    assert!(!host.contains(&b'@') && !host.contains(&b';') && !host.contains(&b'?'));

    for form in forms(host, port) {
        assert_eq!(
            owned(&form),
            Ok((host.to_vec(), port)),
            "{data:?} -> {:?}",
            String::from_utf8_lossy(&form)
        );
    }
});
