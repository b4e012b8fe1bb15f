//! The timer process's schedule: the next pings, the deadlines of pings in flight and the
//! retransmissions of stateless UDP pings, each in time order.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use kamailio::shm_map::MapGuard;

use super::{timeout_of, Token, BATCH_MS};
use crate::config::settings;
use crate::stateless::Ping;
use crate::table::{table, Dest};

/// The timer process's schedule, made from the table and remade when destinations come or
/// go, so a tick touches only the destinations that are due.
#[derive(Default)]
pub(super) struct Schedule {
    /// The table's version the schedule was made from.
    pub(super) version: u64,
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
    pub(super) batch_ms: u64,
    /// First retransmissions of stateless UDP pings (one T1 after the ping, so in time
    /// order).
    pub(super) retr_first: VecDeque<Retr>,
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
pub(super) struct Retr {
    pub(super) due_ms: u64,
    pub(super) idx: u32,
    pub(super) gen: u32,
    pub(super) seq: u32,
    pub(super) gap_ms: u32,
}
impl Schedule {
    /// An empty schedule, to be made from the table at the first tick.
    pub(super) fn new() -> Schedule {
        Schedule {
            version: u64::MAX,
            ..Schedule::default()
        }
    }

    /// Remakes the schedule from the table: each probed destination's next ping and the
    /// deadline of its ping in flight.
    pub(super) fn remake(
        &mut self,
        dests: &MapGuard<Dest>,
        now_ms: u64,
        now_us: u32,
        timeout_us: u32,
    ) {
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
impl Schedule {
    /// The retransmissions of stateless UDP pings due by `now_ms` (table locked): each ping
    /// still unanswered is sent again, T1 after it went out, then at doubling gaps up to T2,
    /// while its timeout (`probe_timeout`, or the next ping due) is ahead. An answered ping
    /// costs one look at its record here.
    pub(super) fn retransmissions(
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
    pub(super) fn expired(&mut self, dests: &MapGuard<Dest>, now_ms: u64) -> Vec<u32> {
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
    pub(super) fn take_due(
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
