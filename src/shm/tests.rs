//! Model and stress tests of the shm containers on the heap backend
//! ([`crate::shm::backend::Heap`]): no Kamailio needed, threads stand for processes.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crate::shm::cache::{Begin, ShmCache};
use crate::shm::map::{InsertError, Seen, ShmMap, MAX_KEY, STATUS_COUNTED};
use crate::shm::ShmMutex;

/// A small deterministic generator (splitmix64): the same operations on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Key `i` of a key space: `sip:<i>@k` padded to lengths from 8 to [`MAX_KEY`] bytes (1 to
/// 64 arena words: every key-size class), distinct for distinct `i`.
fn key(i: u64) -> Vec<u8> {
    let id = format!("sip:{i}@k");
    let len = match i % 4 {
        0 => 8,
        1 => 8 * (1 + (i % 5) as usize),
        2 => 20 + (i % 40) as usize,
        _ => MAX_KEY - (i % 300) as usize,
    };
    let len = len.max(id.len());
    id.bytes()
        .chain(std::iter::repeat(b'.'))
        .take(len)
        .collect()
}

/// What the map should hold for a key: its record index, value, status and word.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Want {
    idx: u32,
    value: u64,
    status: i32,
    word: u64,
}

/// Checks everything the map tells about every key against the model.
fn check_all(map: &ShmMap<u64>, model: &HashMap<Vec<u8>, Want>, keys: u64, step: usize) {
    assert_eq!(map.count(), model.len(), "count at step {step}");
    for s in 0..STATUS_COUNTED as i32 {
        let n = model.values().filter(|w| w.status == s).count();
        assert_eq!(
            map.count_with_status(s),
            Some(n),
            "status {s} count at step {step}"
        );
    }
    for i in 0..keys {
        let k = key(i);
        let want = model.get(&k);
        assert_eq!(
            map.status(&k),
            want.map(|w| w.status),
            "lock-free status of key {i} at step {step}"
        );
        if let Some(w) = want {
            assert_eq!(map.word(w.idx), w.word, "lock-free word at step {step}");
        }
    }
    let g = map.lock();
    let mut live: Vec<u32> = model.values().map(|w| w.idx).collect();
    live.sort_unstable();
    assert_eq!(g.indices(), live, "live records at step {step}");
    for (k, w) in model {
        assert_eq!(g.find(k), Some(w.idx), "find at step {step}");
        assert_eq!(&g.key(w.idx), k);
        assert_eq!(*g.get(w.idx), w.value);
        assert_eq!(g.status(w.idx), w.status);
    }
}

/// Thousands of pseudo-random inserts, removes and updates over keys of every size class,
/// checked against a `HashMap` after each step and fully every few hundred steps: the map
/// grows (64 slots to thousands), clears tombstones in place, reuses removed records
/// (last freed, first reused) and freed key blocks.
#[test]
fn shm_map_agrees_with_a_hashmap_model() {
    const KEYS: u64 = 3000;
    const STEPS: usize = 40_000;
    let map = ShmMap::<u64>::new().expect("heap");
    let mut model: HashMap<Vec<u8>, Want> = HashMap::new();
    let mut freed: Vec<u32> = Vec::new();
    let mut gens: HashMap<u32, u32> = HashMap::new();
    let mut rng = Rng(0x5eed);
    let mut peak = 0;
    for step in 0..STEPS {
        // phases of mostly inserts, then mostly removes: the map grows and empties again
        let (insert_share, remove_share) = if (step / 5000) % 2 == 0 {
            (60, 15)
        } else {
            (20, 55)
        };
        let k = key(rng.below(KEYS));
        let op = rng.below(100);
        let mut g = map.lock();
        if op < insert_share {
            let value = rng.next();
            let (idx, new) = g.insert(&k, value).expect("room");
            match model.get(&k) {
                Some(w) => {
                    assert!(!new, "step {step}: a second record for a key");
                    assert_eq!(idx, w.idx);
                    assert_eq!(
                        *g.get(idx),
                        w.value,
                        "insert of a present key changes nothing"
                    );
                }
                None => {
                    assert!(new);
                    if let Some(reused) = freed.pop() {
                        assert_eq!(idx, reused, "step {step}: the last freed record is reused");
                        assert_ne!(
                            Some(&g.gen(idx)),
                            gens.get(&idx),
                            "a reused record's gen changes"
                        );
                    }
                    assert_eq!(
                        (g.status(idx), map.word(idx)),
                        (0, 0),
                        "a new record starts clear"
                    );
                    model.insert(
                        k.clone(),
                        Want {
                            idx,
                            value,
                            status: 0,
                            word: 0,
                        },
                    );
                }
            }
        } else if op < insert_share + remove_share {
            // remove by index
            let idx = g.find(&k);
            assert_eq!(idx, model.get(&k).map(|w| w.idx), "step {step}");
            if let Some(idx) = idx {
                let gen = g.gen(idx);
                assert!(g.is_current(idx, gen));
                assert_eq!(
                    g.remove(idx),
                    Some(model.remove(&k).expect("modelled").value)
                );
                assert!(!g.is_live(idx) && !g.is_current(idx, gen));
                assert_eq!(g.remove(idx), None, "removed once only");
                assert_eq!(g.find(&k), None);
                gens.insert(idx, gen);
                freed.push(idx);
            }
        } else if let Some(w) = model.get_mut(&k) {
            // updates of a present key
            match op % 3 {
                0 => {
                    w.status = rng.below(6) as i32 - 1;
                    g.set_status(w.idx, w.status);
                }
                1 => {
                    w.word = rng.next();
                    g.set_word(w.idx, w.word);
                }
                _ => {
                    w.value = rng.next();
                    *g.get_mut(w.idx) = w.value;
                }
            }
        }
        drop(g);
        // the key just touched, lock-free
        assert_eq!(
            map.status(&k),
            model.get(&k).map(|w| w.status),
            "step {step}"
        );
        peak = peak.max(model.len());
        if step % 500 == 0 {
            check_all(&map, &model, KEYS, step);
        }
    }
    check_all(&map, &model, KEYS, STEPS);
    assert!(
        peak > 1000,
        "the map grew well past its first 64 slots (peak {peak})"
    );
}

#[test]
fn shm_map_refuses_bad_keys_and_reuses_key_blocks() {
    let map = ShmMap::<u32>::new().expect("heap");
    let mut g = map.lock();
    assert_eq!(g.insert(b"", 1), Err(InsertError::BadKey));
    assert_eq!(g.insert(&[b'x'; MAX_KEY + 1], 1), Err(InsertError::BadKey));
    let (a, _) = g.insert(&[b'a'; MAX_KEY], 1).expect("the longest key fits");
    assert_eq!(g.key(a), vec![b'a'; MAX_KEY]);
    // a removed key's block is reused by the next key of its size: a key written over the
    // old one's words reads back whole
    assert_eq!(g.remove(a), Some(1));
    let (b, _) = g.insert(&[b'b'; MAX_KEY], 2).expect("room");
    assert_eq!((b, g.key(b)), (a, vec![b'b'; MAX_KEY]));
    assert_eq!(g.find(&[b'a'; MAX_KEY]), None);
    drop(g);
    assert_eq!(map.status(b""), None);
    assert_eq!(map.status(&[b'x'; MAX_KEY + 1]), None);
}

/// Lock-free readers while a writer inserts, removes and re-inserts keys (growing the slot
/// array and clearing tombstones, reusing records for other keys) and sets statuses: a
/// reader never sees another key's record (a torn probe), never misses a key that stays in
/// the map, never finds one that was never there; through the remembered [`Seen`] too.
#[test]
fn shm_map_lock_free_reads_are_never_torn() {
    // few keys, much churn: records and key blocks pass from key to key, tombstones are
    // cleared in place often
    const KEYS: u64 = 256;
    // at least so many writes and reads (whichever the scheduler lets lag, the writer goes on)
    const WRITES: usize = 400_000;
    const READS: u64 = 3_000_000;
    // status and aux of key i: its own, so a value from another key's record shows
    let own = |i: u64| (i as i32 + 1000, i as u32 + 7);
    let map = ShmMap::<u64>::new().expect("heap");
    let stay = key(KEYS + 1);
    {
        let mut g = map.lock();
        let (idx, _) = g.insert(&stay, 0).expect("room");
        let (s, a) = own(KEYS + 1);
        g.set_status(idx, s);
        g.set_aux(idx, a);
    }
    let done = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let readers: Vec<_> = (0..2u64)
        .map(|r| {
            let (done, reads, stay) = (done.clone(), reads.clone(), stay.clone());
            std::thread::spawn(move || {
                let mut rng = Rng(r + 1);
                let seen: Vec<Cell<Seen>> = (0..KEYS).map(|_| Cell::new(Seen::NOTHING)).collect();
                let keys: Vec<Vec<u8>> = (0..KEYS).map(key).collect();
                let stay_seen = Cell::new(Seen::NOTHING);
                let never = b"sip:never@inserted".to_vec();
                while !done.load(Ordering::Relaxed) {
                    let i = rng.below(KEYS);
                    let k = &keys[i as usize];
                    let (s, a) = own(i);
                    let hv = map.key_hash(k);
                    for got in [
                        map.status_aux_seen(&seen[i as usize], hv, k),
                        map.status_aux_seen(&Cell::new(Seen::NOTHING), hv, k),
                    ] {
                        // insert writes (0, 0); the writer then sets the key's own status and aux
                        assert!(
                            got.is_none_or(|(gs, ga)| (gs == 0 || gs == s) && (ga == 0 || ga == a)),
                            "key {i}: {got:?} is not its own"
                        );
                    }
                    assert_eq!(
                        map.status_aux_seen(&stay_seen, map.key_hash(&stay), &stay),
                        Some(own(KEYS + 1))
                    );
                    assert_eq!(map.status(&never), None);
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let mut rng = Rng(99);
    let mut w = 0;
    while w < WRITES || reads.load(Ordering::Relaxed) < READS {
        if readers.iter().any(|r| r.is_finished()) {
            break; // a reader failed: its panic is reported below
        }
        w += 1;
        let i = rng.below(KEYS);
        let k = key(i);
        let mut g = map.lock();
        match g.find(&k) {
            Some(idx) if (w / 5_000) % 2 == 1 || rng.below(2) == 0 => {
                g.remove(idx);
            }
            Some(idx) => {
                let (s, a) = own(i);
                g.set_status(idx, s);
                g.set_aux(idx, a);
            }
            None => {
                let (idx, _) = g.insert(&k, i).expect("room");
                if rng.below(2) == 0 {
                    let (s, a) = own(i);
                    g.set_status(idx, s);
                    g.set_aux(idx, a);
                }
            }
        }
        drop(g);
        if w % 64 == 0 {
            std::thread::yield_now();
        }
    }
    done.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().expect("a reader saw a torn value");
    }
    assert!(reads.load(Ordering::Relaxed) > 0);
}

#[test]
fn shm_mutex_excludes_between_threads() {
    const THREADS: u64 = 4;
    const ROUNDS: u64 = 20_000;
    let m = ShmMutex::<[u64; 2]>::new().expect("heap");
    let ts: Vec<_> = (0..THREADS)
        .map(|_| {
            std::thread::spawn(move || {
                for _ in 0..ROUNDS {
                    let mut g = m.lock();
                    // a read-modify-write of two words: lost or torn without exclusion
                    let v = g[0];
                    g[1] = v + 1;
                    std::hint::spin_loop();
                    g[0] = g[1];
                }
            })
        })
        .collect();
    for t in ts {
        t.join().expect("thread");
    }
    assert_eq!(*m.lock(), [THREADS * ROUNDS; 2]);
    // a panic while locked releases the lock (the guard drops on unwind)
    let r = std::thread::spawn(move || {
        let _g = m.lock();
        panic!("while locked");
    })
    .join();
    assert!(r.is_err());
    m.lock()[0] = 1;
}

/// What [`ShmCache`] should hold for one slot, written from its documentation.
#[derive(Clone, Copy, Default, Debug)]
struct CacheWant {
    key: u64,
    tag: u64,
    pending: u32,
    conflict: bool,
    known: Option<u32>,
}

#[test]
fn shm_cache_agrees_with_a_model() {
    const SLOTS: u64 = 8;
    let cache = ShmCache::<u32>::new(SLOTS as usize).expect("heap");
    let mut model: HashMap<u64, CacheWant> = HashMap::new();
    let mut rng = Rng(7);
    for step in 0..20_000 {
        // keys 1..=24 over 8 slots: keys share slots and replace each other
        let (key, tag, value) = (1 + rng.below(24), rng.below(2), rng.below(3) as u32);
        let e = model.entry(key % SLOTS).or_default();
        let ours = e.key == key && e.tag == tag;
        match rng.below(3) {
            0 => {
                let want = if !ours {
                    *e = CacheWant {
                        key,
                        tag,
                        pending: 1,
                        ..CacheWant::default()
                    };
                    Begin::Run { before: None }
                } else if e.pending == 0 && e.known == Some(value) {
                    Begin::Skip
                } else {
                    let before = if e.pending == 0 { e.known } else { None };
                    e.conflict |= e.pending > 0;
                    e.pending += 1;
                    Begin::Run { before }
                };
                assert_eq!(
                    cache.begin_from(key, tag, value),
                    want,
                    "begin at step {step}"
                );
            }
            1 => {
                let outcome = (rng.below(4) != 0).then_some(value);
                if ours && e.pending > 0 {
                    e.pending -= 1;
                    e.known = outcome.filter(|_| !e.conflict);
                    if e.pending == 0 {
                        e.conflict = false;
                    }
                }
                cache.end(key, tag, outcome);
            }
            _ => {}
        }
        let want = model
            .get(&(key % SLOTS))
            .filter(|e| e.key == key && e.tag == tag && e.pending == 0)
            .and_then(|e| e.known);
        assert_eq!(cache.peek(key, tag), want, "peek at step {step}");
    }
}
