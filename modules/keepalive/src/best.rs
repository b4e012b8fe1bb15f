//! `ka_best`: the alive destination with the lowest RTT estimate among candidates (pure
//! choice; the lookups are lock-free, see `lookup::state_estimate_of`).

use crate::state;

/// The candidate of `list` (comma-separated, blanks around each ignored) that is alive
/// (monitored and not down: up, or not probed yet, as `ka_is_alive` counts it) with the
/// lowest RTT estimate from `look` (state, estimate in µs; 0: never measured, which counts
/// as the slowest); ties go to the first given. `None` if none is alive.
pub fn choose(list: &[u8], mut look: impl FnMut(&[u8]) -> Option<(i32, u32)>) -> Option<&[u8]> {
    let mut best: Option<(&[u8], u32)> = None;
    for c in list.split(|&b| b == b',').map(trim) {
        if c.is_empty() {
            continue;
        }
        let Some((st, est)) = look(c) else {
            continue;
        };
        if st == state::DOWN {
            continue;
        }
        let rank = if est == 0 { u32::MAX } else { est };
        if best.is_none_or(|(_, r)| rank < r) {
            best = Some((c, rank));
        }
    }
    best.map(|(c, _)| c)
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(c: &[u8]) -> Option<(i32, u32)> {
        match c {
            b"a" => Some((state::UP, 30_000)),
            b"b" => Some((state::UP, 10_000)),
            b"c" => Some((state::DOWN, 1_000)),
            b"d" => Some((state::UP, 10_000)),
            b"new" => Some((state::UNKNOWN, 0)),
            b"unmeasured" => Some((state::UP, 0)),
            _ => None,
        }
    }

    #[test]
    fn fastest_alive_first_on_ties() {
        assert_eq!(choose(b"a,b,c", table), Some(&b"b"[..]));
        assert_eq!(
            choose(b" a , d ,b", table),
            Some(&b"d"[..]),
            "tie: first given"
        );
        assert_eq!(choose(b"c,a", table), Some(&b"a"[..]), "down never chosen");
        assert_eq!(choose(b"new,unmeasured,a", table), Some(&b"a"[..]));
        assert_eq!(choose(b"new,unmeasured", table), Some(&b"new"[..]));
        assert_eq!(choose(b"c,x,,", table), None);
        assert_eq!(choose(b"", table), None);
    }
}
