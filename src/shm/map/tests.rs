//! Unit tests of the key words, hash tags and the write window (the model tests of the whole
//! map are in `shm/tests.rs`).

use super::key::{hash, key_word, key_words, slot_value, tag};
use super::write::WriteWindow;
use super::*;

#[test]
fn hash_spreads_and_is_seeded() {
    assert_ne!(hash(1, b"sip:1.2.3.4:5060"), hash(2, b"sip:1.2.3.4:5060"));
    assert_ne!(hash(1, b"sip:1.2.3.4:5060"), hash(1, b"sip:1.2.3.5:5060"));
    assert_ne!(hash(1, b"a"), hash(1, b"a\0"));
}

#[test]
fn slot_values_are_never_empty_or_tomb() {
    for h in [0u64, u64::MAX, 1 << 54, 0xffc0_0000_0000_0000] {
        for idx in [0u32, 1, IDX_MASK] {
            let v = slot_value(h, idx);
            assert!(v != EMPTY && v != TOMB);
            assert_eq!(v & IDX_MASK, idx);
            assert_eq!(v >> IDX_BITS, tag(h));
        }
    }
}

#[test]
fn a_panic_in_a_write_window_still_ends_it() {
    let seq = AtomicU64::new(4);
    let r = std::panic::catch_unwind(|| {
        let _w = WriteWindow::open(&seq);
        assert_eq!(seq.load(Ordering::Relaxed), 5, "odd inside the window");
        panic!("inside the write window");
    });
    assert!(r.is_err());
    assert_eq!(
        seq.load(Ordering::Relaxed),
        6,
        "even again: readers are not locked out"
    );
}

#[test]
fn key_words_pad_with_zeroes() {
    assert_eq!(key_word(b"abcdefghi", 0), u64::from_le_bytes(*b"abcdefgh"));
    assert_eq!(key_word(b"abcdefghi", 1), u64::from(b'i'));
    for k in [
        &b""[..],
        b"a",
        b"abcdefgh",
        b"abcdefghi",
        b"sip:d0@127.0.0.1:5060",
    ] {
        let by_index: Vec<u64> = (0..k.len().div_ceil(8)).map(|j| key_word(k, j)).collect();
        assert_eq!(key_words(k).collect::<Vec<_>>(), by_index);
    }
}
