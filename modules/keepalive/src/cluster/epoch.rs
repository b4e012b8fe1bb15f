//! Change counts: which shared state a node takes (pure).
//!
//! Each state change of a destination counts one up (wrapping `u16`, serial order). A node
//! takes a state only from the node it sees as the destination's prober, and only if the
//! count is at most [`JUMP`] ahead of its own: a forged count far ahead (e, e + 32,768) is
//! refused, so it cannot make the genuine prober's next changes look old. A digest (the
//! prober's whole view, once a period) whose count is behind or too far ahead twice in a
//! row puts the two back in step: a digest behind once is a late one (overtaken by an
//! update), behind twice the prober's count moved on without this node (a partition).

use super::codec::ahead;

/// The most changes a count may be ahead of this node's: between two digests a prober makes
/// at most one change per ping of the destination.
pub const JUMP: i16 = 64;

/// Whether a node that does not probe a destination takes a state of count `remote` from its
/// prober, its own count being `local`. `behind` (kept per destination) remembers a digest
/// that was out of step.
pub fn takes(local: u16, remote: u16, digest: bool, behind: &mut bool) -> bool {
    if (0..=JUMP).contains(&ahead(local, remote)) {
        *behind = false;
        return true;
    }
    if !digest {
        return false;
    }
    *behind = !*behind;
    !*behind
}

/// A node that probes a destination itself (state `local_state`, count `local`) hears
/// `sender`'s state of it: the count this node takes so that its own state is the newest the
/// cluster was told, and whether to send its state again (the two differ). Ties (same
/// count, other state) go to the higher node id. `None`: nothing to do.
pub fn outbid(
    local: u16,
    local_state: u8,
    me: u64,
    remote: u16,
    remote_state: u8,
    sender: u64,
    unknown: u8,
) -> Option<(u16, bool)> {
    let d = ahead(local, remote);
    if !(0..=JUMP).contains(&d) {
        return None;
    }
    let differs = remote_state != local_state && local_state != unknown;
    if d == 0 && !(differs && sender >= me) {
        return None;
    }
    if differs {
        Some((remote.wrapping_add(1), true))
    } else {
        Some((remote, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_close_counts_and_refuses_jumps() {
        let mut behind = false;
        for (local, remote) in [(5, 5), (5, 6), (5, 5 + 64), (65_535, 3)] {
            assert!(takes(local, remote, false, &mut behind), "{local} {remote}");
        }
        for remote in [4u16, 5 + 65, 5 + 32_768, 5 + 32_767, 0] {
            assert!(!takes(5, remote, false, &mut behind), "update {remote}");
            assert!(!behind);
        }
    }

    #[test]
    fn digests_out_of_step_twice_resynchronise() {
        let mut behind = false;
        // a late digest: refused; the next is in step
        assert!(!takes(10, 9, true, &mut behind));
        assert!(takes(10, 10, true, &mut behind));
        assert!(!behind);
        // behind twice: the prober moved on (or this node took a forged count): taken
        assert!(!takes(10, 9, true, &mut behind));
        assert!(takes(10, 9, true, &mut behind));
        assert!(!behind);
        // far ahead twice likewise
        assert!(!takes(10, 40_000, true, &mut behind));
        assert!(takes(10, 40_000, true, &mut behind));
    }

    #[test]
    fn the_prober_outbids_and_ties_go_to_the_higher_id() {
        const U: u8 = 0;
        // a newer count with the same state: taken, nothing sent
        assert_eq!(outbid(3, 1, 50, 5, 1, 9, U), Some((5, false)));
        // a newer count with another state: above it, sent
        assert_eq!(outbid(3, 1, 50, 5, 2, 9, U), Some((6, true)));
        // older, equal with the same state, or implausibly far: nothing
        assert_eq!(outbid(5, 1, 50, 4, 2, 9, U), None);
        assert_eq!(outbid(5, 1, 50, 5, 1, 99, U), None);
        assert_eq!(outbid(5, 1, 50, 5 + 65, 2, 9, U), None);
        // a tie: the higher id wins, so only one of two probers sends again
        assert_eq!(outbid(5, 1, 50, 5, 2, 99, U), Some((6, true)));
        assert_eq!(outbid(5, 1, 50, 5, 2, 9, U), None);
        // a message claiming this node's own id (forged or replayed): sent again
        assert_eq!(outbid(5, 1, 50, 5, 2, 50, U), Some((6, true)));
        // not decided here yet: only the count
        assert_eq!(outbid(3, U, 50, 5, 2, 9, U), Some((5, false)));
    }
}
