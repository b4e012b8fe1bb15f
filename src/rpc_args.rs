//! Parsing of RPC parameters and the size bounds of one RPC reply (pure logic, std only, so
//! that a fuzz target can include this file by `#[path]`); [`crate::rpc_page`] applies it to
//! a call.

/// At most this many entries go into one reply. Every top-level struct costs the ctl
/// process (binrpc, `kamcmd`) one `binrpc_struct_max_body_size` pkg buffer (8 KiB by
/// default) until the reply is sent, and two of ctl's 96-iovec send batches hold about 95
/// structs: 100 entries are under 1 MiB of ctl's pkg and three send batches.
pub const MAX_ENTRIES: usize = 100;

/// At most this many bytes (as estimated by [`value_bytes`]/[`field_bytes`]) go into one
/// reply: far below what every transport carries in one piece (a jsonrpcs datagram:
/// 64 KiB over UDP; the unix socket buffer ctl writes into with a 10 ms timeout per batch
/// and no retry: about 200 KiB; `kamcmd`: 128 KiB), with room for JSON's pretty printing.
pub const MAX_REPLY_BYTES: usize = 40 * 1024;

/// At most this many entries go into one reply of the jsonrpcs FIFO transport, which has
/// no size limit of its own: the reply is built with the system's malloc (not pkg) and
/// written to the client's FIFO with blocking writes (measured on 5.6.3: 30,000 entries in
/// one reply with 8 MB of pkg).
pub const MAX_FIFO_ENTRIES: usize = 50_000;

/// One RPC parameter as the transport gave it.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    /// The transport read it as an integer.
    Int(i64),
    /// Text (a JSON string, or a binrpc parameter that is not a number).
    Text(&'a [u8]),
}

/// Which entries a listing asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub offset: usize,
    /// `None`: no limit given (the whole table from `offset`, if it fits one reply).
    pub limit: Option<usize>,
}

/// Why the parameters were refused (the text of the RPC error).
#[derive(Debug, PartialEq, Eq)]
pub struct BadArg(pub String);

/// A non-negative count: an integer, or decimal digits (surrounding blanks allowed).
pub fn count(name: &str, arg: Arg) -> Result<usize, BadArg> {
    let bad = || BadArg(format!("{name} must be a non-negative number"));
    match arg {
        Arg::Int(v) => usize::try_from(v).map_err(|_| bad()),
        Arg::Text(t) => {
            let t = std::str::from_utf8(t).map_err(|_| bad())?.trim();
            if t.is_empty() || t.len() > 19 || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            t.parse().map_err(|_| bad())
        }
    }
}

/// `[offset [limit]]` of a listing; a limit must be from 1 to [`MAX_ENTRIES`].
pub fn page(offset: Option<Arg>, limit: Option<Arg>) -> Result<Page, BadArg> {
    let offset = offset.map(|a| count("offset", a)).transpose()?.unwrap_or(0);
    let limit = limit.map(|a| count("limit", a)).transpose()?;
    if let Some(l) = limit {
        if l == 0 || l > MAX_ENTRIES {
            return Err(BadArg(format!(
                "limit must be from 1 to {MAX_ENTRIES} (got {l})"
            )));
        }
    }
    Ok(Page { offset, limit })
}

/// Estimated reply bytes of one string value: JSON escapes a quote, a backslash or a
/// control byte in up to six bytes.
pub fn value_bytes(v: &[u8]) -> usize {
    v.iter()
        .map(|&b| {
            if b == b'"' || b == b'\\' || b < 0x20 {
                6
            } else {
                1
            }
        })
        .sum()
}

/// Estimated reply bytes of one integer value (its decimal digits and sign).
pub fn int_bytes(v: i64) -> usize {
    v.to_string().len()
}

/// Estimated reply bytes of one struct member `name: value` whose value takes `value`
/// bytes: name, value, quotes, separators, indentation (pretty JSON: `\t\t"name":\t"value",\n`)
/// and binrpc's record headers.
pub fn field_bytes(name: &str, value: usize) -> usize {
    name.len() + value + 12
}

/// What one reply may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bound {
    pub entries: usize,
    pub bytes: usize,
}

/// The bound of every transport but the jsonrpcs FIFO.
pub const BOUND: Bound = Bound {
    entries: MAX_ENTRIES,
    bytes: MAX_REPLY_BYTES,
};

/// The bound of the jsonrpcs FIFO transport.
pub const FIFO_BOUND: Bound = Bound {
    entries: MAX_FIFO_ENTRIES,
    bytes: usize::MAX,
};

/// How many of the entries (each `sizes[i]` bytes) fit one reply under `b`: `Ok(all)`
/// when all do, else `Err(n)` with the number that fit (at least 1 when there is one).
pub fn fit(b: Bound, sizes: impl IntoIterator<Item = usize>) -> Result<usize, usize> {
    let mut total = 0usize;
    let mut n = 0usize;
    for s in sizes {
        total = total.saturating_add(s.saturating_add(8));
        if n >= b.entries || (n > 0 && total > b.bytes) {
            return Err(n);
        }
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(count("x", Arg::Int(5)), Ok(5));
        assert_eq!(count("x", Arg::Text(b" 12 ")), Ok(12));
        for bad in [
            &b""[..],
            b"-1",
            b"1x",
            b"x",
            b"99999999999999999999",
            b"\xff",
        ] {
            assert!(count("x", Arg::Text(bad)).is_err(), "{bad:?}");
        }
        assert!(count("x", Arg::Int(-1)).is_err());
    }

    #[test]
    fn pages() {
        assert_eq!(
            page(None, None),
            Ok(Page {
                offset: 0,
                limit: None
            })
        );
        assert_eq!(
            page(Some(Arg::Int(10)), Some(Arg::Text(b"5"))),
            Ok(Page {
                offset: 10,
                limit: Some(5)
            })
        );
        assert!(page(Some(Arg::Int(0)), Some(Arg::Int(0))).is_err());
        assert!(page(Some(Arg::Int(0)), Some(Arg::Int(MAX_ENTRIES as i64 + 1))).is_err());
        assert!(page(Some(Arg::Text(b"x")), None).is_err());
    }

    #[test]
    fn fitting() {
        assert_eq!(fit(BOUND, []), Ok(0));
        assert_eq!(fit(BOUND, [100; 10]), Ok(10));
        assert_eq!(fit(BOUND, [100; MAX_ENTRIES]), Ok(MAX_ENTRIES));
        assert_eq!(fit(BOUND, [100; MAX_ENTRIES + 1]), Err(MAX_ENTRIES));
        assert_eq!(
            fit(BOUND, [10_000; 5]),
            Err(4),
            "40 KiB: four of 10,000 bytes"
        );
        assert_eq!(fit(BOUND, [1 << 20]), Ok(1), "one entry always goes");
        assert_eq!(fit(FIFO_BOUND, [1 << 20; 1000]), Ok(1000));
        assert_eq!(
            fit(FIFO_BOUND, vec![300; MAX_FIFO_ENTRIES + 1]),
            Err(MAX_FIFO_ENTRIES)
        );
        assert_eq!(value_bytes(b"a\"b"), 8);
    }
}
