//! Parsing of RPC parameters and the size bounds of one RPC reply; the `kamailio` crate's
//! `rpc_page` applies it to a call.

/// A page (`limit`) holds at most this many entries; and on a transport that gives no room
/// of its own ([`BOUND`]) one reply holds at most this many.
pub const MAX_ENTRIES: usize = 100;

/// At most this many bytes (as estimated by [`field_bytes`]) go into one reply on a
/// transport that gives no room of its own ([`BOUND`]): far below what any RPC transport
/// carries in one piece.
pub const MAX_REPLY_BYTES: usize = 40 * 1024;

/// At most this many entries go into one reply on the transports without a size limit of
/// their own (the jsonrpcs FIFO: the reply is built with the system's malloc and written
/// with blocking writes): what the module builds for one reply stays bounded.
pub const MAX_WHOLE_ENTRIES: usize = 50_000;

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

/// How a transport writes a reply, for its size estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// jsonrpcs (srjson, pretty-printed by default): `\t\t\t"name":\t"value",\n`.
    Json,
    /// xmlrpc: `<member><name>name</name><value><string>value</string></value></member>`.
    Xml,
    /// ctl's binrpc: a name record and a value record per member, each a tag, up to four
    /// length bytes and the bytes (strings with their NUL).
    Binrpc,
}

/// Estimated reply bytes of one string value (an upper bound): JSON escapes a quote, a
/// backslash or a control byte in up to six bytes, xmlrpc `&`, `<` and `\r` in up to five.
pub fn value_bytes(v: &[u8]) -> usize {
    v.iter()
        .map(|&b| {
            if b == b'"' || b == b'\\' || b < 0x20 || b == b'&' || b == b'<' || b == b'>' {
                6
            } else {
                1
            }
        })
        .sum()
}

/// Estimated reply bytes of one integer value (its decimal digits and sign).
pub fn int_bytes(v: i64) -> usize {
    let digits = v
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |l| l as usize + 1);
    digits + usize::from(v < 0)
}

/// The type a member's value is added as (the `kamailio` crate's `RpcStruct`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// An integer of 32 bits (`d`).
    Int,
    /// A wider integer (`l`: a double in xmlrpc and binrpc).
    Long,
}

impl Kind {
    /// The kind an integer is added as.
    pub fn of_int(v: i64) -> Kind {
        if i32::try_from(v).is_ok() {
            Kind::Int
        } else {
            Kind::Long
        }
    }
}

/// Estimated reply bytes (an upper bound) of one struct member `name: value` whose value
/// takes `value` bytes, in `enc`.
pub fn field_bytes(enc: Encoding, name: &str, value: usize, kind: Kind) -> usize {
    name.len()
        + value
        + match (enc, kind) {
            // three tabs, the name's quotes, colon, tab, comma, newline (9), the value's
            // quotes, and 1 to spare
            (Encoding::Json, Kind::Text) => 12,
            (Encoding::Json, _) => 10,
            // <member><name></name><value> and </value></member> (45), and the value's
            // tags: <string></string> or <double></double> (17), <int></int> (11)
            (Encoding::Xml, Kind::Int) => 45 + 11,
            (Encoding::Xml, _) => 45 + 17,
            // two tags, up to 4 length bytes each, two NULs
            (Encoding::Binrpc, _) => 12,
        }
}

/// Estimated bytes of one entry beyond its members: braces, indentation and separators
/// (JSON: 7), the struct's tags and its line (XML: `<value><struct>`, `</struct></value>`,
/// a newline: 33), the start and end tags (binrpc).
pub fn entry_overhead(enc: Encoding) -> usize {
    match enc {
        Encoding::Json => 8,
        Encoding::Xml => 33,
        Encoding::Binrpc => 2,
    }
}

/// What one reply may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bound {
    /// Entries.
    pub entries: usize,
    /// Estimated bytes of all entries together.
    pub bytes: usize,
    /// Estimated bytes of one entry (binrpc: ctl's buffer of one top-level struct).
    pub entry_max: usize,
    pub enc: Encoding,
}

/// The bound of a transport that gives no room of its own.
pub const BOUND: Bound = Bound {
    entries: MAX_ENTRIES,
    bytes: MAX_REPLY_BYTES,
    entry_max: usize::MAX,
    enc: Encoding::Json,
};

/// How many of the entries (each `sizes[i]` bytes, as estimated in `b.enc`) fit one reply
/// under `b`: `Ok(all)` when all do, else `Err(n)` with the number that fit (at least 1
/// when there is one, unless it is larger than `b.entry_max`).
pub fn fit(b: Bound, sizes: impl IntoIterator<Item = usize>) -> Result<usize, usize> {
    let mut total = 0usize;
    let mut n = 0usize;
    for s in sizes {
        total = total.saturating_add(s.saturating_add(entry_overhead(b.enc)));
        if n >= b.entries || (n > 0 && total > b.bytes) || s > b.entry_max {
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
    fn int_bytes_are_the_decimal_text() {
        for v in [
            0,
            9,
            10,
            -1,
            -10,
            99,
            100,
            i64::from(i32::MAX),
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(int_bytes(v), v.to_string().len(), "{v}");
        }
    }

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
        let whole = Bound {
            entries: MAX_WHOLE_ENTRIES,
            bytes: usize::MAX,
            ..BOUND
        };
        assert_eq!(fit(whole, [1 << 20; 1000]), Ok(1000));
        assert_eq!(
            fit(whole, vec![300; MAX_WHOLE_ENTRIES + 1]),
            Err(MAX_WHOLE_ENTRIES)
        );
        let ctl = Bound {
            entries: 16_352,
            bytes: usize::MAX,
            entry_max: 8192,
            enc: Encoding::Binrpc,
        };
        assert_eq!(fit(ctl, [300; 10_000]), Ok(10_000));
        assert_eq!(
            fit(ctl, [300, 9000, 300]),
            Err(1),
            "no struct beyond ctl's buffer"
        );
        // xmlrpc's members, as it writes them
        let text = "<member><name>uri</name><value><string>sip:a</string></value></member>";
        assert_eq!(field_bytes(Encoding::Xml, "uri", 5, Kind::Text), text.len());
        let int = "<member><name>state</name><value><int>1</int></value></member>";
        assert_eq!(field_bytes(Encoding::Xml, "state", 1, Kind::Int), int.len());
        let long = "<member><name>n</name><value><double>4294967296</double></value></member>";
        assert_eq!(field_bytes(Encoding::Xml, "n", 10, Kind::Long), long.len());
        assert_eq!(Kind::of_int(i64::from(i32::MAX)), Kind::Int);
        assert_eq!(Kind::of_int(i64::from(i32::MIN) - 1), Kind::Long);
        assert_eq!(value_bytes(b"a\"b"), 8);
        assert_eq!(value_bytes(b"a&b"), 8);
    }
}
