//! Reading a body from the network: bounded, never panics.

use super::{
    Entry, Kind, Message, Part, Replicated, ReplicatedAttrs, Shared, Stamp, ENTRY, HAS_STATE,
    MAGIC, MAX_BODY, MAX_LEN, SEALED, TRAILER, VERSION,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not a keepalive body (another peer's, or garbage).
    Foreign,
    /// A keepalive body of a version this node does not read.
    Version(u8),
    UnknownKind(u8),
    Truncated,
    /// Bytes after the last entry, an empty digest part list or a part out of range.
    Malformed,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Foreign => write!(f, "not a keepalive message"),
            DecodeError::Version(v) => write!(
                f,
                "keepalive message version {v} (this node reads {VERSION})"
            ),
            DecodeError::UnknownKind(k) => write!(f, "unknown message kind {k}"),
            DecodeError::Truncated => write!(f, "truncated message"),
            DecodeError::Malformed => write!(f, "malformed message"),
        }
    }
}
struct Reader<'a> {
    b: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        if self.b.len() < n {
            return Err(DecodeError::Truncated);
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Ok(h)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, DecodeError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, DecodeError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
}

/// Reads a body, plain or sealed (the stamp is read, the mac is not checked: see
/// [`Key::verifies`]); never panics, whatever the bytes.
pub fn decode(body: &[u8]) -> Result<Message, DecodeError> {
    if body.len() < 2 || body[..2] != MAGIC {
        return Err(DecodeError::Foreign);
    }
    if body.len() > MAX_BODY {
        return Err(DecodeError::Malformed);
    }
    let mut r = Reader { b: &body[2..] };
    let version = r.u8()?;
    if version != VERSION {
        return Err(DecodeError::Version(version));
    }
    let kind = r.u8()?;
    let mut stamp = None;
    if kind & SEALED != 0 {
        let Some(end) = r.b.len().checked_sub(TRAILER) else {
            return Err(DecodeError::Truncated);
        };
        let mut t = Reader { b: &r.b[end..] };
        stamp = Some(Stamp {
            sent_ms: t.u64()?,
            counter: t.u64()?,
        });
        r.b = &r.b[..end];
    }
    let kind = match kind & !SEALED {
        1 => Kind::Update,
        2 => Kind::Digest,
        3 => Kind::SyncRequest,
        4 => Kind::Add,
        5 => Kind::Del,
        6 => Kind::Attrs,
        k => return Err(DecodeError::UnknownKind(k)),
    };
    let sender = r.u64()?;
    let part = if kind == Kind::Digest {
        let p = Part {
            round: r.u32()?,
            part: r.u16()?,
            parts: r.u16()?,
        };
        if p.parts == 0 || p.part >= p.parts {
            return Err(DecodeError::Malformed);
        }
        Some(p)
    } else {
        None
    };
    let mut entries = Vec::new();
    let mut dest = None;
    let mut attrs = None;
    if matches!(kind, Kind::Add | Kind::Del) {
        let ul = usize::from(r.u16()?);
        let uri = r.take(ul)?.to_vec();
        let ol = usize::from(r.u8()?);
        let owner = r.take(ol)?.to_vec();
        if uri.is_empty() || owner.is_empty() {
            return Err(DecodeError::Malformed);
        }
        dest = Some(Replicated { uri, owner });
    } else if kind == Kind::Attrs {
        let ul = usize::from(r.u16()?);
        let uri = r.take(ul)?.to_vec();
        let ol = usize::from(r.u8()?);
        let owner = r.take(ol)?.to_vec();
        let al = usize::from(r.u16()?);
        if al > MAX_LEN {
            return Err(DecodeError::Malformed);
        }
        let text = r.take(al)?.to_vec();
        if uri.is_empty() {
            return Err(DecodeError::Malformed);
        }
        attrs = Some(ReplicatedAttrs { uri, owner, text });
    } else if kind != Kind::SyncRequest {
        let n = r.u16()?;
        // each entry takes at least ENTRY bytes: a count beyond that is a lie
        if usize::from(n) * ENTRY > r.b.len() {
            return Err(DecodeError::Truncated);
        }
        entries.reserve(usize::from(n));
        for _ in 0..n {
            let dest = r.u64()?;
            let state = match r.u8()? {
                0 => None,
                HAS_STATE => Some(Shared {
                    state: r.u8()?,
                    epoch: r.u16()?,
                    last_code: r.u16()?,
                    rtt_last_us: r.u32()?,
                    rtt_avg_us: r.u32()?,
                    last_checked: r.u32()?,
                    last_up: r.u32()?,
                    last_down: r.u32()?,
                    pings: r.u32()?,
                    replies: r.u32()?,
                    timeouts: r.u32()?,
                }),
                _ => return Err(DecodeError::Malformed),
            };
            if let Some(s) = &state {
                if s.state > 2 {
                    return Err(DecodeError::Malformed);
                }
            }
            entries.push(Entry { dest, state });
        }
    }
    if !r.b.is_empty() {
        return Err(DecodeError::Malformed);
    }
    Ok(Message {
        kind,
        sender,
        part,
        entries,
        dest,
        attrs,
        stamp,
    })
}
