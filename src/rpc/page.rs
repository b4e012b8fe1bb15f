//! Bounded RPC listings: a listing (`[offset [limit]]`) replies with every entry asked for,
//! the whole table when no limit is given and the transport carries it in one reply
//! ([`crate::rpc::transport`]), or, before anything is added, an error that says which
//! request fits. The pure parts are in [`rpc_args`](crate::rpc::args). A method that replies
//! with a list of entries is declared with `rpc!(array: ...)`.

use std::time::Duration;

use crate::rpc::args::{self, Arg, BadArg, Bound, Encoding, Kind, Page, MAX_ENTRIES};
use crate::rpc::transport::{Transport, BINRPC_DIRECT_BYTES};
use crate::rpc::Rpc;

/// A value of an entry's field.
pub enum Val {
    Str(String),
    /// Text that is a constant (a state's name): no allocation per entry.
    Name(&'static str),
    Int(i64),
}

impl Val {
    fn text(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            Val::Name(s) => Some(s),
            Val::Int(_) => None,
        }
    }
}

/// An entry: its fields in reply order.
pub type Fields = Vec<(&'static str, Val)>;

/// Estimated reply bytes of one entry (its fields) in `enc`.
pub fn size(enc: Encoding, f: &[(&'static str, Val)]) -> usize {
    f.iter()
        .map(|(n, v)| match v {
            // binrpc carries an integer in up to 4 bytes (a long as a fixed-point double)
            Val::Int(i) if enc == Encoding::Binrpc => {
                args::field_bytes(enc, n, 8, Kind::of_int(*i))
            }
            Val::Int(i) => args::field_bytes(enc, n, args::int_bytes(*i), Kind::of_int(*i)),
            text => {
                let s = text.text().unwrap_or_default();
                args::field_bytes(enc, n, args::value_bytes(s.as_bytes()), Kind::Text)
            }
        })
        .sum()
}

/// Adds the entries, one struct each, with their first `width` fields; a transport that
/// refuses one (never expected: the reply is bounded) turns the reply into an error.
fn add_fields(rpc: &Rpc, rows: &[Fields], width: usize) {
    for f in rows {
        let Some(st) = rpc.add_struct() else {
            log::error!(
                "RPC: the transport refused a reply of {} entries",
                rows.len()
            );
            rpc.fault(
                500,
                "reply refused by the RPC transport: ask for fewer entries",
            );
            return;
        };
        for (name, v) in f.iter().take(width) {
            match v {
                Val::Int(i) => st.int(name, *i),
                text => st.str(name, text.text().unwrap_or_default()),
            };
        }
    }
}

/// Adds the entries, one struct each, with all their fields.
pub fn add_entries(rpc: &Rpc, rows: &[Fields]) {
    add_fields(rpc, rows, usize::MAX);
}

/// Reads `[offset [limit]]`; `None` after a fault reply (400, with the usage of `cmd`).
pub fn read_page(rpc: &Rpc, cmd: &str) -> Option<Page> {
    // a parameter that is there but not a number fails the integer scan: read it as text
    let next = || match rpc.next_int() {
        Some(Ok(v)) => Some(Ok(v)),
        Some(Err(())) => Some(Err(b"?".to_vec())),
        None => rpc.next_str().map(Err),
    };
    let offset = next();
    let limit = offset.as_ref().and_then(|_| next());
    fn arg(a: &Option<Result<i64, Vec<u8>>>) -> Option<Arg<'_>> {
        a.as_ref().map(|v| match v {
            Ok(i) => Arg::Int(*i),
            Err(t) => Arg::Text(t),
        })
    }
    match args::page(arg(&offset), arg(&limit)) {
        Ok(p) => Some(p),
        Err(BadArg(e)) => {
            log::error!("RPC {cmd}: {e}");
            rpc.fault(400, &format!("{e}; usage: {cmd} [offset [limit]]"));
            None
        }
    }
}

/// What one reply of this call's transport holds (see [`crate::rpc::transport`]).
pub fn bound(rpc: &Rpc) -> Bound {
    rpc.transport().bound()
}

/// How many entries from `page.offset` a listing should collect: the limit, else one more
/// than a reply holds (enough to tell that the rest does not fit).
pub fn take(rpc: &Rpc, page: Page) -> usize {
    page.limit.unwrap_or(bound(rpc).entries.saturating_add(1))
}

/// How long ctl may wait for a client to read a large binrpc reply, per write.
const BINRPC_SEND_TIMEOUT: Duration = Duration::from_secs(5);

/// Replies with the page `rows` (from `page.offset`, `total` entries in all, called `noun`
/// in errors), complete or not at all: when the entries asked for do not fit one reply, a
/// 413 error that says which request does (`use <cmd> <offset> <limit>`), before anything
/// was added. `c_fields`: the whole table (no limit) that does not fit one reply with every
/// field but does with the first `c_fields` of each entry (the C module's, or those of an
/// earlier release; the rest are later additions) is answered with those, so that a listing
/// answers every table the C module (or the earlier release) answers.
pub fn reply_page(
    rpc: &Rpc,
    cmd: &str,
    noun: &str,
    page: Page,
    rows: &[Fields],
    total: usize,
    c_fields: Option<usize>,
) {
    let t = rpc.transport();
    let b = t.bound();
    let from = page.offset;
    let left = total.saturating_sub(from);
    let full = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut fits = Err(0);
    for width in [
        Some(full),
        c_fields.filter(|&c| c < full && page.limit.is_none()),
    ]
    .into_iter()
    .flatten()
    {
        let sizes: Vec<usize> = rows
            .iter()
            .map(|f| size(b.enc, &f[..width.min(f.len())]))
            .collect();
        let bytes: usize = sizes.iter().sum();
        fits = args::fit(b, sizes.iter().copied());
        let whole = bytes + sizes.len() * args::entry_overhead(b.enc);
        if fits.is_ok_and(|n| page.limit.is_some() || n == left) && t.room_for(whole) {
            add_fields(rpc, rows, width);
            if matches!(t, Transport::Binrpc { .. }) && bytes > BINRPC_DIRECT_BYTES {
                send_binrpc(rpc, cmd, noun, rows.len(), bytes);
            }
            return;
        }
    }
    let msg = match (page.limit, fits) {
        (None, _) => format!(
            "{left} {noun} do not fit in one reply: use {cmd} <offset> <limit> \
             (limit 1 to {MAX_ENTRIES}; a page shorter than its limit is the last)"
        ),
        // they fit the transport's bound, not the memory the process has free now
        (Some(l), Ok(n)) => format!(
            "{l} {noun} from {from} do not fit in one reply now (the process is short of \
             memory): use {cmd} {from} {}",
            (n / 2).max(1)
        ),
        (Some(l), Err(n)) => {
            format!("{l} {noun} from {from} do not fit in one reply: use {cmd} {from} {n}")
        }
    };
    log::warn!("RPC {cmd}: {msg}");
    rpc.fault(413, &msg);
}

/// Sends a large binrpc reply now, waiting for a slow client instead of cutting the reply
/// (ctl's own send gives each batch of writes 10 ms); a reply that cannot go out (over a
/// datagram socket: larger than one datagram) becomes a 413 error instead.
fn send_binrpc(rpc: &Rpc, cmd: &str, noun: &str, n: usize, bytes: usize) {
    if rpc.send_blocking(BINRPC_SEND_TIMEOUT) {
        return;
    }
    let msg = format!(
        "{n} {noun} (about {bytes} bytes) could not be sent in one reply over this ctl socket: \
         use {cmd} <offset> <limit> (limit 1 to {MAX_ENTRIES}; a page shorter than its limit is the last)"
    );
    log::warn!("RPC {cmd}: {msg}");
    rpc.fault(413, &msg);
}
