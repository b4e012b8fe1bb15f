//! Sending the due pings: each marked in flight under the table lock with a fresh
//! identity, then sent statelessly or through tm outside it.

use std::cell::RefCell;

use kamailio::send::Transport;
use kamailio::shm_map::MapGuard;
use kamailio::tm;

use super::{finish, Token};
use crate::error::CoreError;
use crate::outcome::{self, Outcome};
use crate::stateless::{self, Ping, Sent};
use crate::stats;
use crate::table::Dest;

/// A ping to send: destination, token, its identity, its record's generation, and whether
/// the destination has registration records (only those can hold an API `response_clb`,
/// which keeps its pings on tm).
pub(super) struct Send {
    uri: Vec<u8>,
    tok: Token,
    id: u64,
    gen: u32,
    regs: bool,
    /// The destination's `from`, `socket` and `proxy` attributes, if it has any of them
    /// (such pings go through tm).
    via: Option<crate::attrs::Attrs>,
}

/// Ping identities: 64 bits each from the kernel's CSPRNG, fetched 256 at a time.
#[derive(Default)]
struct Ids(Vec<u64>);

impl Ids {
    /// The next identity (never 0: 0 is "no ping"); `None` if the kernel gives no random.
    fn next(&mut self) -> Option<u64> {
        if self.0.is_empty() {
            let mut b = [0u8; 256 * 8];
            if let Err(e) = kamailio::random::fill(&mut b) {
                log::error!("no random bytes for ping identities: {e}");
                return None;
            }
            self.0 = b
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()).max(1))
                .collect();
        }
        self.0.pop()
    }
}

thread_local! {
    static IDS: RefCell<Ids> = RefCell::new(Ids::default());
}

/// Marks the due pings as in flight (unless stopped meanwhile, or, in cluster mode, probed by
/// another node, whose state comes from there): the pings to send.
pub(super) fn mark_sent(
    dests: &mut MapGuard<Dest>,
    due: Vec<Token>,
    now_us: u32,
    view: Option<&crate::cluster::View>,
) -> Vec<Send> {
    let unix = crate::table::now_unix();
    let mut sends = Vec::with_capacity(due.len());
    for tok in due {
        if dests.get(tok.idx).stopped {
            continue;
        }
        if let Some(v) = view {
            let h = krs_parse::hrw::dest_hash(&dests.key(tok.idx));
            if !v.probes_here(h) && !outcome::has_response_cb(dests, tok.idx) {
                continue;
            }
        }
        let Some(id) = IDS.with(|ids| ids.borrow_mut().next()) else {
            continue;
        };
        dests.set_word(tok.idx, id);
        let gen = dests.gen(tok.idx);
        let d = dests.get_mut(tok.idx);
        d.in_flight = true;
        d.sent_at_us = now_us;
        d.pings = d.pings.wrapping_add(1);
        d.last_checked = unix;
        let regs = !d.first_reg.is_none();
        let via =
            crate::table::attrs_at(dests, tok.idx).filter(|a| a.needs_tm() || a.from.is_some());
        sends.push(Send {
            uri: dests.key(tok.idx),
            tok,
            id,
            gen,
            regs,
            via,
        });
    }
    sends
}

/// Sends the pings (outside the table lock), statelessly or through tm (`stateless.rs`); a
/// ping that cannot go out fails at once. Returns the pings sent statelessly over UDP
/// (index, generation, seq): those are retransmitted while unanswered.
pub(super) fn send(from: &[u8], sends: Vec<Send>) -> Vec<(u32, u32, u32)> {
    let mut udp = Vec::new();
    for Send {
        uri,
        tok,
        id,
        gen,
        regs,
        via,
    } in sends
    {
        let ping = Ping {
            idx: tok.idx,
            id,
            seq: tok.seq,
        };
        if let Some(a) = via {
            let route = tm::Route {
                socket: a.socket.as_deref().map(str::as_bytes),
                proxy: a.proxy.as_deref().map(str::as_bytes),
            };
            let from = a.from.as_deref().map_or(from, str::as_bytes);
            match tm::send_request_via(b"OPTIONS", &uri, from, tok.pack(), route) {
                Ok(()) => stats::PINGS_SENT.inc(),
                Err(e) => {
                    log::error!("cannot ping {}: {e}", String::from_utf8_lossy(&uri));
                    finish(tok, Outcome::SendFailed, None);
                }
            }
            continue;
        }
        let sent = stateless::send(&uri, ping, regs).and_then(|how| match how {
            Sent::Stateless(Transport::Udp) => {
                udp.push((tok.idx, gen, tok.seq));
                Ok(())
            }
            Sent::Stateless(_) => Ok(()),
            Sent::ViaTm => tm::send_request(b"OPTIONS", &uri, from, tok.pack())
                .map_err(|e| CoreError::of(e).into()),
        });
        match sent {
            Ok(_) => stats::PINGS_SENT.inc(),
            Err(e) => {
                log::error!("cannot ping {}: {e}", String::from_utf8_lossy(&uri));
                finish(tok, Outcome::SendFailed, None);
            }
        }
    }
    udp
}
