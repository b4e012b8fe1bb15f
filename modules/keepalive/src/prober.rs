//! Probing: the timer process sends OPTIONS pings spread over each interval; replies and
//! timeouts (in whatever process tm completes them) update the shared state.

use kamailio::send::Transport;
use kamailio::shm_map::MapGuard;
use kamailio::timer::monotonic_us;
use kamailio::tm::{self, Reply};
use once_cell::sync::OnceCell;
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::config::settings;
use crate::outcome::{self, After, Outcome};
use crate::stateless::{self, Ping, Sent};
use crate::stats;
use crate::table::{table, Dest};

/// The timer process wakes up this often (the granularity of `probe_timeout`). A tick with
/// nothing due costs a lock and a look at the schedule.
pub const TICK_MS: u32 = 10;

/// Pings go out in batches on this grid: a ping goes out at most this late.
pub const BATCH_MS: u32 = 100;

/// `keepalive.ping_active 0`: all probing paused (zero-filled: active).
static PAUSED: OnceCell<kamailio::shm::ShmMutex<bool>> = OnceCell::new();

/// Whether probing is active (`keepalive.ping_active`).
pub fn active() -> bool {
    PAUSED.get().is_none_or(|p| !*p.lock())
}

/// Pauses (false) or resumes (true) all probing; the previous setting.
pub fn set_active(on: bool) -> bool {
    PAUSED.get().is_none_or(|p| {
        let mut paused = p.lock();
        !std::mem::replace(&mut *paused, !on)
    })
}

/// Binds tm and resolves the event routes (or the KEMI callback); call in mod_init.
pub fn init() -> Result<(), String> {
    tm::load(on_reply)?;
    let _ = PAUSED.set(kamailio::shm::ShmMutex::new()?);
    outcome::init();
    Ok(())
}

/// A destination's probe timeout in µs: its `timeout` attribute or `probe_timeout`
/// (`global_us`; 0: none of our own).
fn timeout_of(d: &Dest, global_us: u32) -> u32 {
    if d.timeout_ms > 0 {
        d.timeout_ms.saturating_mul(1000)
    } else {
        global_us
    }
}

/// Names one ping: the destination's record index and its ping sequence number, packed
/// into the `u64` that tm carries to the reply callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    idx: u32,
    seq: u32,
}

impl Token {
    fn pack(self) -> u64 {
        (u64::from(self.idx) << 32) | u64::from(self.seq)
    }

    fn unpack(t: u64) -> Token {
        Token {
            idx: (t >> 32) as u32,
            seq: t as u32,
        }
    }
}

/// The timer process's schedule, made from the table and remade when destinations come or
/// go, so a tick touches only the destinations that are due.
#[derive(Default)]
struct Schedule {
    /// The table's version the schedule was made from.
    version: u64,
    /// Next pings, soonest first.
    pings: BinaryHeap<Reverse<Due>>,
    /// Deadlines of pings in flight (`probe_timeout`), soonest first.
    deadlines: BinaryHeap<Reverse<Deadline>>,
    /// Pings per ms at the steady rate.
    rate: f64,
    /// Pings that may go out now: the steady rate accrues them, so a burst of additions is
    /// spread over one interval instead of going out at once.
    tokens: f64,
    /// The last batch: pings due up to this time went out then.
    batch_ms: u64,
    /// First retransmissions of stateless UDP pings (one T1 after the ping, so in time
    /// order).
    retr_first: VecDeque<Retr>,
    /// Later retransmissions.
    retr_later: BinaryHeap<Reverse<Retr>>,
}

/// A destination's next ping: when it is due, its record (index, generation).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Due {
    at_ms: u64,
    idx: u32,
    gen: u32,
}

/// When a ping in flight times out (`probe_timeout`): the time, the record (index,
/// generation) and the ping's seq.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Deadline {
    at_ms: u64,
    idx: u32,
    gen: u32,
    seq: u32,
}

/// A retransmission of a stateless UDP ping: when it is due, the ping (record index,
/// generation, seq), and the gap that led to it (the next one is twice as far, up to T2).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Retr {
    due_ms: u64,
    idx: u32,
    gen: u32,
    seq: u32,
    gap_ms: u32,
}

thread_local! {
    static SCHEDULE: RefCell<Schedule> = RefCell::new(Schedule {
        version: u64::MAX,
        ..Schedule::default()
    });
}

impl Schedule {
    /// Remakes the schedule from the table: each probed destination's next ping and the
    /// deadline of its ping in flight.
    fn remake(&mut self, dests: &MapGuard<Dest>, now_ms: u64, now_us: u32, timeout_us: u32) {
        self.rate = 0.0;
        self.version = dests.version();
        let mut pings = Vec::with_capacity(dests.len());
        let mut deadlines = Vec::new();
        for idx in dests.indices() {
            let gen = dests.gen(idx);
            let d = dests.get(idx);
            if d.stopped || d.paused {
                continue;
            }
            self.rate += 1.0 / f64::from(d.interval_ms.max(1));
            pings.push(Reverse(Due {
                at_ms: d.next_due_ms,
                idx,
                gen,
            }));
            let timeout_us = timeout_of(d, timeout_us);
            if d.in_flight && timeout_us > 0 {
                let left = timeout_us.saturating_sub(now_us.wrapping_sub(d.sent_at_us));
                deadlines.push(Reverse(Deadline {
                    at_ms: now_ms + u64::from(left / 1000),
                    idx,
                    gen,
                    seq: d.ping_seq,
                }));
            }
        }
        self.pings = BinaryHeap::from(pings);
        self.deadlines = BinaryHeap::from(deadlines);
        // what is due goes out at once (at least one ping), at most at the new rate
        self.tokens = self.tokens.max(1.0).min(self.token_cap());
    }

    /// Tokens kept at most: two batches' worth plus one.
    fn token_cap(&self) -> f64 {
        self.rate * f64::from(2 * BATCH_MS) + 1.0
    }
}

/// Timer process: fails probes that ran out of time and, on the fixed grid of [`BATCH_MS`],
/// sends the pings that are due by then, at most at the steady rate (so a burst of
/// additions spreads over one interval). Pings go out in batches (cheaper for everyone
/// than one at a time), and on a fixed grid each destination's pings stay exactly one
/// interval apart.
pub fn tick(now_ms: u64) {
    SCHEDULE.with(|sch| run_due(&mut sch.borrow_mut(), now_ms));
}

fn run_due(sch: &mut Schedule, now_ms: u64) {
    let s = settings();
    // the low 32 bits, as kept in Dest::sent_at_us (differences wrap correctly)
    let now_us = monotonic_us() as u32;
    let timeout_us = s.probe_timeout_ms.saturating_mul(1000);
    let view = crate::cluster::view();
    let (after, sends, resends) = {
        let mut dests = table().dests.lock();
        let batch = now_ms - now_ms % u64::from(BATCH_MS);
        // remade at most once per batch (a stale schedule is safe: every entry is checked
        // against the record), so steady additions cost one scan per batch
        if batch > sch.batch_ms && dests.version() != sch.version {
            sch.remake(&dests, now_ms, now_us, timeout_us);
        }
        let mut expired = sch.expired(&dests, now_ms);
        // keepalive.ping_active 0: nothing goes out (what is in flight still completes)
        let due = if batch > sch.batch_ms && active() {
            sch.take_due(&mut dests, batch, now_ms, timeout_us, &mut expired)
        } else {
            Vec::new()
        };
        // a deadline and the next ping may both have found the same ping unanswered
        expired.sort_unstable();
        expired.dedup();
        let after: Vec<After> = expired
            .into_iter()
            .map(|idx| outcome::record(&mut dests, idx, Outcome::Timeout))
            .collect();
        let resends = sch.retransmissions(&dests, now_ms, now_us, timeout_us);
        (
            after,
            mark_sent(&mut dests, due, now_us, view.as_ref()),
            resends,
        )
    };
    for a in after {
        a.run(None, crate::cluster::publish);
    }
    for (uri, ping) in resends {
        match stateless::resend(&uri, ping) {
            Ok(()) => stats::RETRANSMISSIONS.inc(),
            Err(e) => log::debug!("cannot ping {} again: {e}", String::from_utf8_lossy(&uri)),
        }
    }
    for (idx, gen, seq) in send(&s.ping_from, sends) {
        sch.retr_first.push_back(Retr {
            due_ms: now_ms + u64::from(s.t1_ms),
            idx,
            gen,
            seq,
            gap_ms: s.t1_ms,
        });
    }
}

impl Schedule {
    /// The retransmissions of stateless UDP pings due by `now_ms` (table locked): each ping
    /// still unanswered is sent again, T1 after it went out, then at doubling gaps up to T2,
    /// while its timeout (`probe_timeout`, or the next ping due) is ahead. An answered ping
    /// costs one look at its record here.
    fn retransmissions(
        &mut self,
        dests: &MapGuard<Dest>,
        now_ms: u64,
        now_us: u32,
        timeout_us: u32,
    ) -> Vec<(Vec<u8>, Ping)> {
        let s = settings();
        let mut due = Vec::new();
        while let Some(&r) = self.retr_first.front() {
            if r.due_ms > now_ms {
                break;
            }
            self.retr_first.pop_front();
            due.push(r);
        }
        while let Some(&Reverse(r)) = self.retr_later.peek() {
            if r.due_ms > now_ms {
                break;
            }
            self.retr_later.pop();
            due.push(r);
        }
        let mut out = Vec::new();
        for Retr {
            idx,
            gen,
            seq,
            gap_ms,
            ..
        } in due
        {
            if !dests.is_current(idx, gen) {
                continue;
            }
            let d = dests.get(idx);
            let id = table().dests.word(idx);
            if !d.in_flight || d.ping_seq != seq || id == 0 {
                continue;
            }
            // the ping's timeout: probe_timeout after it went out, or the next ping due
            let timeout_us = timeout_of(d, timeout_us);
            let left_ms = if timeout_us > 0 {
                u64::from(timeout_us.saturating_sub(now_us.wrapping_sub(d.sent_at_us)) / 1000)
            } else {
                d.next_due_ms.saturating_sub(now_ms)
            };
            if left_ms == 0 {
                continue;
            }
            out.push((dests.key(idx), Ping { idx, id, seq }));
            let next = gap_ms.saturating_mul(2).min(s.t2_ms.max(s.t1_ms));
            if u64::from(next) < left_ms {
                self.retr_later.push(Reverse(Retr {
                    due_ms: now_ms + u64::from(next),
                    idx,
                    gen,
                    seq,
                    gap_ms: next,
                }));
            }
        }
        out
    }
}

impl Schedule {
    /// Pops the deadlines passed by `now_ms`: the pings still unanswered then.
    fn expired(&mut self, dests: &MapGuard<Dest>, now_ms: u64) -> Vec<u32> {
        let mut expired = Vec::new();
        while let Some(&Reverse(Deadline {
            at_ms,
            idx,
            gen,
            seq,
        })) = self.deadlines.peek()
        {
            if at_ms > now_ms {
                break;
            }
            self.deadlines.pop();
            if dests.is_current(idx, gen) {
                let d = dests.get(idx);
                if d.in_flight && d.ping_seq == seq {
                    expired.push(idx);
                }
            }
        }
        expired
    }

    /// Takes the pings due by `batch` that the rate allows: advances each one's sequence and
    /// next due time, and schedules its deadline. A ping still in flight when the next is due
    /// goes to `expired`.
    fn take_due(
        &mut self,
        dests: &mut MapGuard<Dest>,
        batch: u64,
        now_ms: u64,
        timeout_us: u32,
        expired: &mut Vec<u32>,
    ) -> Vec<Token> {
        let mut due = Vec::new();
        // tokens accrue a little faster than the steady rate (rounding and late ticks
        // never hold a due ping back)
        let elapsed = (batch - self.batch_ms).min(u64::from(BATCH_MS) * 100);
        self.batch_ms = batch;
        self.tokens = (self.tokens + self.rate * 1.1 * elapsed as f64).min(self.token_cap());
        while let Some(&Reverse(Due { at_ms, idx, gen })) = self.pings.peek() {
            if at_ms > batch || self.tokens < 1.0 {
                break;
            }
            self.pings.pop();
            if !dests.is_current(idx, gen) {
                continue;
            }
            let d = dests.get_mut(idx);
            if d.stopped || d.paused {
                continue;
            }
            if d.next_due_ms > batch {
                // moved since the schedule was made: keep it for later
                self.pings.push(Reverse(Due {
                    at_ms: d.next_due_ms,
                    idx,
                    gen,
                }));
                continue;
            }
            if d.in_flight {
                // the previous ping is still unanswered when the next is due
                expired.push(idx);
            }
            d.ping_seq = d.ping_seq.wrapping_add(1);
            // on time: keep the phase; held back (a burst of additions): take the phase
            // of the batch it went out with, so a burst stays spread
            let interval = u64::from(d.interval_ms);
            d.next_due_ms = if batch - d.next_due_ms < u64::from(BATCH_MS) {
                d.next_due_ms + interval
            } else {
                batch + interval
            };
            self.pings.push(Reverse(Due {
                at_ms: d.next_due_ms,
                idx,
                gen,
            }));
            let timeout_us = timeout_of(d, timeout_us);
            if timeout_us > 0 {
                let deadline = now_ms + u64::from(timeout_us / 1000);
                self.deadlines.push(Reverse(Deadline {
                    at_ms: deadline,
                    idx,
                    gen,
                    seq: d.ping_seq,
                }));
            }
            due.push(Token {
                idx,
                seq: d.ping_seq,
            });
            self.tokens -= 1.0;
        }
        due
    }
}

/// A ping to send: destination, token, its identity, its record's generation, and whether
/// the destination has registration records (only those can hold an API `response_clb`,
/// which keeps its pings on tm).
struct Send {
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
fn mark_sent(
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
fn send(from: &[u8], sends: Vec<Send>) -> Vec<(u32, u32, u32)> {
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
            Sent::ViaTm => tm::send_request(b"OPTIONS", &uri, from, tok.pack()),
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

/// tm's completion callback for a ping.
fn on_reply(tok: u64, reply: &mut Reply) {
    let outcome = if reply.local && reply.code == 408 {
        Outcome::Timeout
    } else {
        Outcome::Reply(reply.code)
    };
    finish(Token::unpack(tok), outcome, Some(reply));
}

/// Applies the outcome of the ping `tok`, unless the destination was deleted or the ping
/// already counted as failed (late reply).
fn finish(tok: Token, result: Outcome, reply: Option<&mut Reply>) {
    let Token { idx, seq } = tok;
    let after = {
        let mut dests = table().dests.lock();
        if !dests.is_live(idx) {
            log::debug!("reply for a deleted destination ignored");
            return;
        }
        let d = dests.get(idx);
        if !d.in_flight || d.ping_seq != seq {
            log::debug!("late reply ignored");
            return;
        }
        outcome::complete(&mut dests, idx, result)
    };
    after.run(reply, crate::cluster::publish);
}

#[cfg(test)]
mod tests {
    use super::Token;

    #[test]
    fn tokens_round_trip() {
        for (idx, seq) in [(0, 0), (1, u32::MAX), (u32::MAX, 7), (4_194_303, 1 << 16)] {
            let t = Token { idx, seq };
            assert_eq!(Token::unpack(t.pack()), t);
        }
        assert_eq!(Token { idx: 1, seq: 2 }.pack(), (1 << 32) | 2);
    }
}
