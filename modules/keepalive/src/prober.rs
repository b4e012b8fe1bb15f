//! Probing: the timer process sends OPTIONS pings spread over each interval; replies and
//! timeouts (in whatever process tm completes them) update the shared state.

use kamailio::event::{self, EventTarget};
use kamailio::ka_api::ForeignCallbacks;
use kamailio::shm_map::MapGuard;
use kamailio::timer::monotonic_us;
use kamailio::tm::{self, Reply};
use once_cell::sync::OnceCell;
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::config::{self, settings};
use crate::state;
use crate::table::{now_unix, table, Dest, Reg};

/// The timer process wakes up this often.
pub const TICK_MS: u32 = 100;

/// What a probe came to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Reply(i32),
    Timeout,
    SendFailed,
}

struct Targets {
    up: Option<EventTarget>,
    down: Option<EventTarget>,
}

static TARGETS: OnceCell<Targets> = OnceCell::new();

/// Resolves the event routes (or the KEMI callback) and binds tm; call in mod_init.
pub fn init() -> Result<(), String> {
    tm::load(on_reply)?;
    let cb = config::EVENT_CALLBACK.get();
    let target = |name: &'static str| EventTarget::resolve(name, cb);
    let _ = TARGETS.set(Targets {
        up: target("keepalive:dst-up"),
        down: target("keepalive:dst-down"),
    });
    Ok(())
}

/// Work left after the table lock is released: events, API callbacks, removal.
struct After {
    uri: Vec<u8>,
    changed: Option<i32>,
    cbs: Vec<ForeignCallbacks>,
    remove: bool,
}

impl After {
    fn run(self, reply: Option<&mut Reply>) {
        if let Some(s) = self.changed {
            let uri = String::from_utf8_lossy(&self.uri);
            log::info!("destination {uri} is now {}", state::name(s));
            if let Some(t) = TARGETS.get() {
                let target = if s == state::UP { &t.up } else { &t.down };
                if let Some(target) = target {
                    event::run_with_ruri(target, &self.uri);
                }
            }
            for cb in &self.cbs {
                cb.notify_state(&self.uri, s);
            }
        }
        if let Some(r) = reply {
            for cb in &self.cbs {
                cb.notify_response(&self.uri, r);
            }
        }
        if self.remove {
            remove_unreachable(&self.uri);
        }
    }
}

/// Records a probe outcome for destination `idx` (table locked).
fn record(dests: &mut MapGuard<Dest>, idx: u32, outcome: Outcome) -> After {
    let s = settings();
    let now = now_unix();
    let d = dests.get_mut(idx);
    d.in_flight = false;
    let alive = match outcome {
        Outcome::Reply(code) => {
            d.replies = d.replies.wrapping_add(1);
            d.last_code = code.clamp(0, 999) as u16;
            s.alive.contains(code)
        }
        Outcome::Timeout => {
            d.timeouts = d.timeouts.wrapping_add(1);
            d.last_code = 408;
            false
        }
        Outcome::SendFailed => false,
    };
    if alive {
        d.last_up = now;
    } else {
        d.last_down = now;
    }
    let changed = d.streak.record(alive, s.up_after, s.down_after);
    let newly_stopped =
        !alive && s.delete_counter > 0 && d.streak.fail > s.delete_counter && !d.stopped;
    d.stopped |= newly_stopped;
    let first = d.first_reg;
    if let Some(st) = changed {
        dests.set_status(idx, st);
    }
    let regs = table().regs.lock();
    let mut cbs = Vec::new();
    let mut api_owned = false;
    let mut r = first;
    while r != 0 {
        let reg: &Reg = regs.get(r - 1);
        cbs.push(reg.cbs);
        api_owned |= reg.api;
        if let (Some(v), Some(st)) = (reg.view, changed) {
            v.set_state(st);
        }
        r = reg.next;
    }
    let uri = dests.key(idx);
    if newly_stopped {
        log::info!(
            "{} failed more than delete_counter ({}) times: probing stopped",
            String::from_utf8_lossy(&uri),
            s.delete_counter
        );
    }
    After {
        uri,
        changed,
        cbs,
        remove: newly_stopped && s.remove_unreachable && !api_owned,
    }
}

fn remove_unreachable(uri: &[u8]) {
    let owners: Vec<String> = crate::table::snapshot(None)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.uri.as_bytes() == uri)
        .map(|e| e.owner)
        .collect();
    for o in owners {
        let _ = crate::table::del(uri, o.as_bytes());
    }
    log::info!(
        "removed unreachable destination {}",
        String::from_utf8_lossy(uri)
    );
}

fn token(idx: u32, seq: u32) -> u64 {
    (u64::from(idx) << 32) | u64::from(seq)
}

/// What the timer process has to do for a destination, and when.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Job {
    /// Send the next ping (the previous one counts as failed if still unanswered).
    Ping,
    /// Fail ping `seq` if it is still unanswered (`probe_timeout`).
    Expire(u32),
}

/// The timer process's schedule: jobs in time order, made from the table and remade when
/// destinations come or go, so a tick touches only the destinations that are due.
#[derive(Default)]
struct Schedule {
    /// The table's version the jobs were made from.
    version: u64,
    /// (due ms, record index, record generation, job)
    jobs: BinaryHeap<Reverse<(u64, u32, u32, Job)>>,
    /// Pings per tick at the steady rate.
    rate: f64,
}

thread_local! {
    static SCHEDULE: RefCell<Schedule> = RefCell::new(Schedule {
        version: u64::MAX,
        ..Schedule::default()
    });
}

impl Schedule {
    /// Remakes the jobs from the table: each probed destination's next ping and the
    /// deadline of its ping in flight.
    fn remake(&mut self, dests: &mut MapGuard<Dest>, now_ms: u64, now_us: u32, timeout_us: u32) {
        self.jobs.clear();
        self.rate = 0.0;
        self.version = dests.version();
        let mut jobs = Vec::with_capacity(dests.len() * 2);
        let gens: Vec<(u32, u32)> = dests
            .indices()
            .into_iter()
            .map(|i| (i, dests.gen(i)))
            .collect();
        for (idx, gen) in gens {
            let d = dests.get(idx);
            if d.stopped {
                continue;
            }
            self.rate += f64::from(TICK_MS) / f64::from(d.interval_ms.max(1));
            jobs.push(Reverse((d.next_due_ms, idx, gen, Job::Ping)));
            if d.in_flight && timeout_us > 0 {
                let left = timeout_us.saturating_sub(now_us.wrapping_sub(d.sent_at_us));
                jobs.push(Reverse((
                    now_ms + u64::from(left / 1000),
                    idx,
                    gen,
                    Job::Expire(d.ping_seq),
                )));
            }
        }
        self.jobs = BinaryHeap::from(jobs);
    }
}

/// Timer process: sends the pings that are due, at most the steady rate (plus one) per tick
/// so that pings spread evenly over the interval, and fails probes that ran out of time.
pub fn tick(now_ms: u64) {
    SCHEDULE.with(|sch| run_due(&mut sch.borrow_mut(), now_ms));
}

fn run_due(sch: &mut Schedule, now_ms: u64) {
    let s = settings();
    // the low 32 bits, as kept in Dest::sent_at_us (differences wrap correctly)
    let now_us = monotonic_us() as u32;
    let timeout_us = s.probe_timeout_ms.saturating_mul(1000);
    let mut due: Vec<(u32, u32)> = Vec::new();
    let mut expired: Vec<u32> = Vec::new();
    let mut after = Vec::new();
    let mut sends: Vec<(Vec<u8>, u64)> = Vec::new();
    {
        let mut dests = table().dests.lock();
        if dests.version() != sch.version {
            sch.remake(&mut dests, now_ms, now_us, timeout_us);
        }
        // the steady rate plus one: a burst of additions is spread over one interval
        // instead of going out in one tick
        let budget = sch.rate.ceil() as usize + 1;
        while let Some(&Reverse((at, idx, gen, job))) = sch.jobs.peek() {
            if at > now_ms || (job == Job::Ping && due.len() >= budget) {
                break;
            }
            sch.jobs.pop();
            if !dests.is_current(idx, gen) {
                continue;
            }
            let d = dests.get_mut(idx);
            match job {
                Job::Expire(seq) => {
                    if d.in_flight && d.ping_seq == seq {
                        expired.push(idx);
                    }
                }
                Job::Ping if d.stopped => {}
                // not due after all (moved since the job was made): keep it for later
                Job::Ping if d.next_due_ms > now_ms => {
                    sch.jobs.push(Reverse((d.next_due_ms, idx, gen, Job::Ping)));
                }
                Job::Ping => {
                    if d.in_flight {
                        expired.push(idx);
                    }
                    d.ping_seq = d.ping_seq.wrapping_add(1);
                    // keep the phase (no drift from tick granularity), unless far behind
                    let interval = u64::from(d.interval_ms);
                    d.next_due_ms = if now_ms - d.next_due_ms < interval {
                        d.next_due_ms + interval
                    } else {
                        now_ms + interval
                    };
                    sch.jobs.push(Reverse((d.next_due_ms, idx, gen, Job::Ping)));
                    if timeout_us > 0 {
                        let expire = now_ms + u64::from(timeout_us / 1000);
                        sch.jobs
                            .push(Reverse((expire, idx, gen, Job::Expire(d.ping_seq))));
                    }
                    due.push((idx, d.ping_seq));
                }
            }
        }
        for idx in expired {
            after.push(record(&mut dests, idx, Outcome::Timeout));
        }
        let unix = now_unix();
        for (idx, seq) in due {
            let d = dests.get_mut(idx);
            if d.stopped {
                continue;
            }
            d.in_flight = true;
            d.sent_at_us = now_us;
            d.pings = d.pings.wrapping_add(1);
            d.last_checked = unix;
            sends.push((dests.key(idx), token(idx, seq)));
        }
    }
    for a in after {
        a.run(None);
    }
    for (uri, tok) in sends {
        if let Err(e) = tm::send_request(b"OPTIONS", &uri, &s.ping_from, tok) {
            log::error!("cannot ping {}: {e}", String::from_utf8_lossy(&uri));
            finish(tok, Outcome::SendFailed, None);
        }
    }
}

/// tm's completion callback for a ping.
fn on_reply(tok: u64, reply: &mut Reply) {
    let outcome = if reply.local && reply.code == 408 {
        Outcome::Timeout
    } else {
        Outcome::Reply(reply.code)
    };
    finish(tok, outcome, Some(reply));
}

/// Applies the outcome of the ping `tok`, unless the destination was deleted or the ping
/// already counted as failed (late reply).
fn finish(tok: u64, outcome: Outcome, reply: Option<&mut Reply>) {
    let idx = (tok >> 32) as u32;
    let seq = tok as u32;
    let after = {
        let mut dests = table().dests.lock();
        if !dests.is_live(idx) {
            log::debug!("reply for a deleted destination ignored");
            return;
        }
        let d = dests.get_mut(idx);
        if !d.in_flight || d.ping_seq != seq {
            log::debug!("late reply ignored");
            return;
        }
        if matches!(outcome, Outcome::Reply(_)) {
            let rtt = (monotonic_us() as u32).wrapping_sub(d.sent_at_us);
            d.rtt_last_us = rtt;
            d.rtt_avg_us = if d.rtt_avg_us == 0 {
                rtt
            } else {
                ((u64::from(d.rtt_avg_us) * 7 + u64::from(rtt)) / 8) as u32
            };
        }
        record(&mut dests, idx, outcome)
    };
    after.run(reply);
}
