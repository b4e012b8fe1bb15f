//! keepalive `alive_codes` modparam: `Codes::parse` on arbitrary text, then `contains`.
//!
//! Properties: `parse` accepts exactly what a straightforward model accepts (comma-separated
//! items, blanks around each ignored; an item is a code `100`..=`699` or a class `1xx`..=`6xx`),
//! and the parsed set answers `contains` like the model for every code -1..=1000 and the
//! i32 extremes.
#![no_main]

use krs_parse::codes;

use codes::Codes;

/// The set `spec` names, as flags for 0..700; `None` if any item is malformed.
fn model(spec: &str) -> Option<Vec<bool>> {
    let mut set = vec![false; 700];
    for item in spec.split(',') {
        let item = item.trim();
        let b = item.as_bytes();
        if b.len() != 3 || !(b'1'..=b'6').contains(&b[0]) {
            return None;
        }
        let class = usize::from(b[0] - b'0') * 100;
        if b[1].eq_ignore_ascii_case(&b'x') && b[2].eq_ignore_ascii_case(&b'x') {
            set[class..class + 100].iter_mut().for_each(|f| *f = true);
        } else if b[1].is_ascii_digit() && b[2].is_ascii_digit() {
            set[class + usize::from(b[1] - b'0') * 10 + usize::from(b[2] - b'0')] = true;
        } else {
            return None;
        }
    }
    Some(set)
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // the modparam is a string; Kamailio hands it over as bytes, the module reads it lossily
    let spec = String::from_utf8_lossy(data);
    let parsed = Codes::parse(&spec);
    let want = model(&spec);
    match (&parsed, &want) {
        (Ok(c), Some(set)) => {
            for code in (-1..=1000).chain([i32::MIN, i32::MAX]) {
                let expected = usize::try_from(code)
                    .ok()
                    .and_then(|i| set.get(i))
                    .copied()
                    .unwrap_or(false);
                assert_eq!(c.contains(code), expected, "{spec:?}: code {code}");
            }
        }
        (Err(_), None) => {}
        (Ok(_), None) => panic!("{spec:?} accepted, the model refuses it"),
        (Err(e), Some(_)) => panic!("{spec:?} refused ({e}), the model accepts it"),
    }
});
