//! Rendezvous (highest-random-weight) hashing: which node probes a destination (pure).
//!
//! Every node computes the same answer from the same inputs: the hash of the canonical
//! destination and the ids of the live nodes that monitor it. Losing or adding a node moves
//! only the destinations it wins or won.

/// 64-bit FNV-1a of `bytes`, finished with a mixer: the compact, seedless (the same on every
/// node and release) form of a canonical destination in messages.
pub fn dest_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// splitmix64's finaliser.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The weight of `node` for destination `dest`.
pub fn score(node: u64, dest: u64) -> u64 {
    mix(node ^ mix(dest.wrapping_add(0x9e37_79b9_7f4a_7c15)))
}

/// The node among `candidates` with the highest weight for `dest` (ties: the higher id).
pub fn winner(dest: u64, candidates: impl IntoIterator<Item = u64>) -> Option<u64> {
    candidates.into_iter().max_by_key(|&n| (score(n, dest), n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_fixed() {
        // the value travels between nodes: it must never change
        assert_eq!(dest_hash(b""), mix(0xcbf2_9ce4_8422_2325));
        assert_ne!(dest_hash(b"sip:a"), dest_hash(b"sip:b"));
        assert_eq!(
            dest_hash(b"sip:10.0.0.1:5060"),
            dest_hash(b"sip:10.0.0.1:5060")
        );
    }

    #[test]
    fn winner_is_order_free_and_none_for_nobody() {
        let d = dest_hash(b"sip:x");
        assert_eq!(winner(d, [1, 2, 3]), winner(d, [3, 1, 2]));
        assert_eq!(winner(d, []), None);
        assert_eq!(winner(d, [7]), Some(7));
    }

    #[test]
    fn split_is_even_and_loss_moves_only_the_lost_share() {
        let nodes = [0x1111u64, 0x2222_0000_0001, 0xdead_beef];
        let dests: Vec<u64> = (0..30_000)
            .map(|i| dest_hash(format!("sip:10.0.{}.{}:5060", i / 250, i % 250).as_bytes()))
            .collect();
        let mut counts = [0usize; 3];
        let before: Vec<u64> = dests.iter().map(|&d| winner(d, nodes).unwrap()).collect();
        for w in &before {
            counts[nodes.iter().position(|n| n == w).unwrap()] += 1;
        }
        for c in counts {
            assert!((9_000..=11_000).contains(&c), "uneven split {counts:?}");
        }
        // node 1 goes: only its destinations move, spread over the other two
        let after: Vec<u64> = dests
            .iter()
            .map(|&d| winner(d, [nodes[0], nodes[2]]).unwrap())
            .collect();
        let mut moved = [0usize; 3];
        for (b, a) in before.iter().zip(&after) {
            if b != a {
                assert_eq!(*b, nodes[1], "a destination of a live node moved");
                moved[nodes.iter().position(|n| n == a).unwrap()] += 1;
            }
        }
        assert_eq!(moved[0] + moved[2], counts[1]);
        assert!(
            moved[0] > counts[1] / 3 && moved[2] > counts[1] / 3,
            "{moved:?}"
        );
    }
}
