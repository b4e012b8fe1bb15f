//! Writing the bodies, split into parts that fit [`MAX_PLAIN`].

use super::{
    Entry, Kind, Replicated, ReplicatedAttrs, DIGEST_HEADER, ENTRY, HAS_STATE, HEADER, MAGIC,
    MAX_LEN, MAX_PLAIN, STATE, VERSION,
};

fn entry_len(e: &Entry) -> usize {
    ENTRY + if e.state.is_some() { STATE } else { 0 }
}

fn put_header(out: &mut Vec<u8>, kind: Kind, sender: u64) {
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(kind.code());
    out.extend_from_slice(&sender.to_le_bytes());
}

fn put_entry(out: &mut Vec<u8>, e: &Entry) {
    out.extend_from_slice(&e.dest.to_le_bytes());
    match &e.state {
        None => out.push(0),
        Some(s) => {
            out.push(HAS_STATE);
            out.push(s.state);
            out.extend_from_slice(&s.epoch.to_le_bytes());
            out.extend_from_slice(&s.last_code.to_le_bytes());
            for v in [
                s.rtt_last_us,
                s.rtt_avg_us,
                s.last_checked,
                s.last_up,
                s.last_down,
                s.pings,
                s.replies,
                s.timeouts,
            ] {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
    }
}

/// A sync request.
pub fn encode_sync_request(sender: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER);
    put_header(&mut out, Kind::SyncRequest, sender);
    out
}

/// An `Add` (`add`) or `Del` of `uri` for `owner`; `None` if the uri is longer than 65,535
/// bytes or the owner longer than 255.
pub fn encode_replicated(add: bool, sender: u64, d: &Replicated) -> Option<Vec<u8>> {
    let ul = u16::try_from(d.uri.len()).ok()?;
    let ol = u8::try_from(d.owner.len()).ok()?;
    let mut out = Vec::with_capacity(HEADER + 7 + d.uri.len() + d.owner.len());
    put_header(&mut out, if add { Kind::Add } else { Kind::Del }, sender);
    out.extend_from_slice(&ul.to_le_bytes());
    out.extend_from_slice(&d.uri);
    out.push(ol);
    out.extend_from_slice(&d.owner);
    (out.len() <= MAX_PLAIN).then_some(out)
}

/// An `Attrs` body; `None` if the URI or the text is too long.
pub fn encode_attrs(sender: u64, a: &ReplicatedAttrs) -> Option<Vec<u8>> {
    let ul = u16::try_from(a.uri.len()).ok()?;
    let ol = u8::try_from(a.owner.len()).ok()?;
    if a.text.len() > MAX_LEN {
        return None;
    }
    let mut out = Vec::with_capacity(HEADER + 5 + a.uri.len() + a.owner.len() + a.text.len());
    put_header(&mut out, Kind::Attrs, sender);
    out.extend_from_slice(&ul.to_le_bytes());
    out.extend_from_slice(&a.uri);
    out.push(ol);
    out.extend_from_slice(&a.owner);
    out.extend_from_slice(&(a.text.len() as u16).to_le_bytes());
    out.extend_from_slice(&a.text);
    (out.len() <= MAX_PLAIN).then_some(out)
}

/// `entries` as bodies of `kind` (`Update` or `Digest`), each at most [`MAX_PLAIN`] bytes;
/// digest parts are numbered within `round`. At least one body (an empty digest tells the
/// others that the sender is alive and monitors nothing).
pub fn encode_batches(kind: Kind, sender: u64, round: u32, entries: &[Entry]) -> Vec<Vec<u8>> {
    let head = HEADER
        + if kind == Kind::Digest {
            DIGEST_HEADER
        } else {
            0
        }
        + 2;
    let mut groups: Vec<&[Entry]> = Vec::new();
    let mut start = 0;
    let mut len = head;
    for (i, e) in entries.iter().enumerate() {
        let l = entry_len(e);
        if len + l > MAX_PLAIN || i - start == usize::from(u16::MAX) {
            groups.push(&entries[start..i]);
            start = i;
            len = head;
        }
        len += l;
    }
    groups.push(&entries[start..]);
    let parts = groups.len().min(usize::from(u16::MAX)) as u16;
    groups
        .iter()
        .take(usize::from(parts))
        .enumerate()
        .map(|(i, g)| {
            let mut out = Vec::with_capacity(head + g.iter().map(entry_len).sum::<usize>());
            put_header(&mut out, kind, sender);
            if kind == Kind::Digest {
                out.extend_from_slice(&round.to_le_bytes());
                out.extend_from_slice(&(i as u16).to_le_bytes());
                out.extend_from_slice(&parts.to_le_bytes());
            }
            out.extend_from_slice(&(g.len() as u16).to_le_bytes());
            for e in g.iter() {
                put_entry(&mut out, e);
            }
            out
        })
        .collect()
}
