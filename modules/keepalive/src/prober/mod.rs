//! Probing: the timer process sends OPTIONS pings spread over each interval; replies and
//! timeouts (in whatever process tm completes them) update the shared state.

mod schedule;
mod send;

use kamailio::timer::monotonic_us;
use kamailio::tm::{self, Reply};
use once_cell::sync::OnceCell;
use std::cell::RefCell;

use crate::config::settings;
use crate::error::CoreError;
use crate::outcome::{self, After, Outcome};
use crate::stateless;
use crate::stats;
use crate::table::{table, Dest};
use schedule::{Retr, Schedule};
use send::{mark_sent, send};

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
pub fn init() -> Result<(), CoreError> {
    tm::load(on_reply).map_err(CoreError::of)?;
    let _ = PAUSED.set(kamailio::shm::ShmMutex::new().map_err(CoreError::of)?);
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

thread_local! {
    static SCHEDULE: RefCell<Schedule> = RefCell::new(Schedule::new());
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
