//! RPC listing parameters (`keepalive.list`, `tcpops.list`: `[offset [limit]]`; src/rpc_args.rs): arbitrary bytes as text
//! parameters, and arbitrary integers, checked against a plain model of the grammar.
#![no_main]

use krs_parse::rpc_args;

use rpc_args::{count, fit, page, Arg, BOUND};

/// The model: blanks around ASCII digits (at most 19 of them), read as a u64 that fits usize.
fn model(t: &[u8]) -> Option<usize> {
    let s = std::str::from_utf8(t).ok()?.trim();
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // text parameters: the first byte splits the input into offset and limit
    let (split, rest) = match data.split_first() {
        Some((&s, rest)) => (s as usize % (rest.len() + 1), rest),
        None => (0, data),
    };
    let (a, b) = rest.split_at(split);
    assert_eq!(count("offset", Arg::Text(a)).ok(), model(a));
    match page(Some(Arg::Text(a)), Some(Arg::Text(b))) {
        Ok(p) => {
            assert_eq!(Some(p.offset), model(a));
            let l = p.limit.expect("a limit was given");
            assert!((1..=rpc_args::MAX_ENTRIES).contains(&l) && Some(l) == model(b));
        }
        Err(e) => assert!(!e.0.is_empty()),
    }
    // integer parameters: any i64 from the first 8 bytes
    if data.len() >= 8 {
        let v = i64::from_le_bytes(data[..8].try_into().unwrap());
        assert_eq!(count("limit", Arg::Int(v)).ok(), usize::try_from(v).ok());
    }
    // the reply bound never admits more than it allows, and always admits one entry
    let sizes: Vec<usize> = data.iter().map(|&b| usize::from(b) * 97).collect();
    match fit(BOUND, sizes.iter().copied()) {
        Ok(n) => assert!(n == sizes.len() && n <= BOUND.entries),
        Err(n) => assert!(n <= BOUND.entries && n < sizes.len() && n >= 1),
    }
});
