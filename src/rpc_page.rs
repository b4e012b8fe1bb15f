//! Paged, bounded RPC replies: a listing (`[offset [limit]]`) replies with every entry asked
//! for or, before anything is added, an error that says which request fits (one reply is
//! bounded: [`rpc_args::MAX_ENTRIES`], [`rpc_args::MAX_REPLY_BYTES`], far below what any
//! RPC transport carries). The pure parts are in [`rpc_args`]. A method that replies with
//! a list of entries is declared with `rpc!(array: ...)`.

use crate::rpc::Rpc;
use crate::rpc_args::{self, Arg, BadArg, Bound, Page, MAX_ENTRIES};

/// A value of an entry's field.
pub enum Val {
    Str(String),
    Int(i64),
}

/// An entry: its fields in reply order.
pub type Fields = Vec<(&'static str, Val)>;

/// Estimated reply bytes of one entry.
pub fn size(f: &Fields) -> usize {
    f.iter()
        .map(|(n, v)| match v {
            Val::Str(s) => rpc_args::field_bytes(n, rpc_args::value_bytes(s.as_bytes())),
            Val::Int(i) => rpc_args::field_bytes(n, rpc_args::int_bytes(*i)),
        })
        .sum()
}

/// Adds the entries, one struct each; a transport that refuses one (never expected: the
/// reply is bounded) turns the reply into an error.
pub fn add_entries(rpc: &Rpc, rows: &[Fields]) {
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
        for (name, v) in f {
            match v {
                Val::Str(s) => st.str(name, s),
                Val::Int(i) => st.int(name, *i),
            };
        }
    }
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
    match rpc_args::page(arg(&offset), arg(&limit)) {
        Ok(p) => Some(p),
        Err(BadArg(e)) => {
            log::error!("RPC {cmd}: {e}");
            rpc.fault(400, &format!("{e}; usage: {cmd} [offset [limit]]"));
            None
        }
    }
}

/// The bound of one reply in this process: the jsonrpcs FIFO process (which runs only that
/// transport) carries whole tables; every other transport one bounded page.
pub fn bound() -> Bound {
    thread_local! {
        static FIFO: bool = crate::process::description() == "JSONRPCS FIFO";
    }
    if FIFO.with(|f| *f) {
        rpc_args::FIFO_BOUND
    } else {
        rpc_args::BOUND
    }
}

/// How many entries from `page.offset` a listing should collect: the limit, else one more
/// than a reply holds (enough to tell that the rest does not fit).
pub fn take(page: Page) -> usize {
    page.limit.unwrap_or(bound().entries + 1)
}

/// Replies with the page `rows` (from `page.offset`, `total` entries in all, called `noun`
/// in errors), complete or not at all: when the entries asked for do not fit one reply, a
/// 413 error that says which request does (`use <cmd> <offset> <limit>`), before anything
/// was added.
pub fn reply_page(rpc: &Rpc, cmd: &str, noun: &str, page: Page, rows: &[Fields], total: usize) {
    let fits = rpc_args::fit(bound(), rows.iter().map(size));
    let from = page.offset;
    match (page.limit, fits) {
        (None, Ok(n)) if n == total.saturating_sub(from) => add_entries(rpc, rows),
        (None, _) => {
            let left = total.saturating_sub(from);
            let msg = format!(
                "{left} {noun} do not fit in one reply: use {cmd} <offset> <limit> \
                 (limit 1 to {MAX_ENTRIES}; a page shorter than its limit is the last)"
            );
            log::warn!("RPC {cmd}: {msg}");
            rpc.fault(413, &msg);
        }
        (Some(_), Ok(_)) => add_entries(rpc, rows),
        (Some(l), Err(n)) => {
            let msg =
                format!("{l} {noun} from {from} do not fit in one reply: use {cmd} {from} {n}");
            log::warn!("RPC {cmd}: {msg}");
            rpc.fault(413, &msg);
        }
    }
}
