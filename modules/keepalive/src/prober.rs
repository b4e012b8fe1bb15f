//! Probing: the timer process sends OPTIONS pings spread over each interval; replies and
//! timeouts (in whatever process tm completes them) update the shared state.

use kamailio::event::{self, EventTarget};
use kamailio::ka_api::ForeignCallbacks;
use kamailio::shm_map::MapGuard;
use kamailio::timer::monotonic_us;
use kamailio::tm::{self, Reply};
use once_cell::sync::OnceCell;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::{self, settings};
use crate::state;
use crate::table::{now_unix, table, Dest, Reg};

/// The timer process wakes up this often.
pub const TICK_MS: u32 = 100;

/// Pings per tick at the steady rate, as measured on the previous tick (timer process only).
static RATE: AtomicU64 = AtomicU64::new(0);

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
            d.replies += 1;
            d.last_code = code;
            s.alive.contains(code)
        }
        Outcome::Timeout => {
            d.timeouts += 1;
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

/// Timer process: sends the pings that are due, at most the steady rate (plus one) per tick
/// so that pings spread evenly over the interval, and fails probes that ran out of time.
pub fn tick(now_ms: u64) {
    let s = settings();
    let now_us = monotonic_us();
    let mut due: Vec<(u32, u32)> = Vec::new();
    let mut expired: Vec<u32> = Vec::new();
    let mut after = Vec::new();
    let mut sends: Vec<(Vec<u8>, u64)> = Vec::new();
    {
        let mut dests = table().dests.lock();
        // the steady rate (measured on the previous tick) plus one: a burst of additions is
        // spread over one interval instead of going out in one tick
        let budget = f64::from_bits(RATE.load(Ordering::Relaxed)).ceil() as usize + 1;
        let mut rate = 0.0;
        let timeout_ms = u64::from(s.probe_timeout_ms);
        dests.for_each_mut(|idx, d| {
            if d.stopped {
                return;
            }
            rate += f64::from(TICK_MS) / f64::from(d.interval_ms.max(1));
            let late = d.in_flight
                && ((timeout_ms > 0 && now_us.saturating_sub(d.sent_at_us) >= timeout_ms * 1000)
                    || now_ms >= d.next_due_ms);
            if late {
                expired.push(idx);
            }
            if now_ms >= d.next_due_ms && due.len() < budget {
                d.ping_seq = d.ping_seq.wrapping_add(1);
                // keep the phase (no drift from tick granularity), unless far behind
                let interval = u64::from(d.interval_ms);
                d.next_due_ms = if now_ms - d.next_due_ms < interval {
                    d.next_due_ms + interval
                } else {
                    now_ms + interval
                };
                due.push((idx, d.ping_seq));
            }
        });
        RATE.store(rate.to_bits(), Ordering::Relaxed);
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
            d.pings += 1;
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
            let rtt = monotonic_us()
                .saturating_sub(d.sent_at_us)
                .min(u64::from(u32::MAX)) as u32;
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
