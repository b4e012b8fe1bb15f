//! The outcome of a probe, in whichever process it comes to (the timer process's timeouts,
//! tm's reply callback, the stateless reply hook, a cluster peer's shared state): recording
//! it in the destination's record, and the work left for after the table lock (events, API
//! callbacks, the cluster broadcast, removal).

use kamailio::event::{self, EventTarget};
use kamailio::ka_api::ForeignCallbacks;
use kamailio::shm_map::MapGuard;
use kamailio::timer::monotonic_us;
use kamailio::tm::Reply;
use once_cell::sync::OnceCell;

use crate::config::{self, settings};
use crate::latency::Failure;
use crate::state;
use crate::stats;
use crate::table::{now_unix, regs_from, table, Dest};
use krs_parse::cluster_codec::Shared;

/// What a probe came to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
    Reply(i32),
    Timeout,
    SendFailed,
}

struct Targets {
    up: Option<EventTarget>,
    down: Option<EventTarget>,
    latency: Option<EventTarget>,
}

static TARGETS: OnceCell<Targets> = OnceCell::new();

/// Resolves the event routes (or the KEMI callback); call in mod_init.
pub fn init() {
    let cb = config::EVENT_CALLBACK.get();
    let target = |name: &'static str| EventTarget::resolve(name, cb);
    let _ = TARGETS.set(Targets {
        up: target("keepalive:dst-up"),
        down: target("keepalive:dst-down"),
        latency: target("keepalive:dst-latency"),
    });
}

/// Work left after the table lock is released: events, API callbacks, removal.
pub struct After {
    uri: Vec<u8>,
    changed: Option<i32>,
    cbs: Vec<ForeignCallbacks>,
    /// Probing stopped under `remove_unreachable`: (index, generation) of the destination,
    /// removed after the events if it is still stopped and unowned by the API then.
    remove: Option<(u32, u32)>,
    /// The changed state for cluster peers (recorded by this node's probes).
    publish: Option<Shared>,
    /// The RTT estimate crossed `latency_threshold`: (now slow, estimate µs).
    latency: Option<(bool, u32)>,
}

impl After {
    /// Runs the events and callbacks, hands a changed state to `publish` (the cluster's
    /// broadcast), and removes a destination left unreachable.
    pub fn run(self, reply: Option<&mut Reply>, publish: fn(&[u8], Shared)) {
        if let Some((slow, est)) = self.latency {
            log::info!(
                "destination {}: RTT estimate {est} µs is {} latency_threshold",
                String::from_utf8_lossy(&self.uri),
                if slow { "above" } else { "back below" }
            );
            if let Some(target) = TARGETS.get().and_then(|t| t.latency.as_ref()) {
                crate::latency_event::with_event((slow, est), || {
                    event::run_with_ruri(target, &self.uri)
                });
            }
        }
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
            if let Some(shared) = self.publish {
                publish(&self.uri, shared);
            }
        }
        if let Some(r) = reply {
            for cb in &self.cbs {
                cb.notify_response(&self.uri, r);
            }
        }
        if let Some((idx, gen)) = self.remove {
            if crate::table::remove_unreachable(idx, gen) {
                log::info!(
                    "removed unreachable destination {}",
                    String::from_utf8_lossy(&self.uri)
                );
            }
        }
    }
}

/// Records a probe outcome for destination `idx` (table locked).
pub fn record(dests: &mut MapGuard<Dest>, idx: u32, outcome: Outcome) -> After {
    let s = settings();
    let now = now_unix();
    // the ping is over: its identity no longer matches any reply
    dests.set_word(idx, 0);
    let own_codes = crate::table::attrs_at(dests, idx)
        .and_then(|a| a.alive_codes)
        .and_then(|c| crate::codes::Codes::parse(&c).ok());
    let alive_codes = own_codes.as_ref().unwrap_or(&s.alive);
    let d = dests.get_mut(idx);
    d.in_flight = false;
    let alive = match outcome {
        Outcome::Reply(code) => {
            d.replies = d.replies.wrapping_add(1);
            d.last_code = code.clamp(0, 999) as u16;
            let alive = alive_codes.contains(code);
            if alive {
                stats::REPLIES_ALIVE.inc();
            } else {
                stats::REPLIES_FAILED.inc();
            }
            alive
        }
        Outcome::Timeout => {
            stats::TIMEOUTS.inc();
            d.timeouts = d.timeouts.wrapping_add(1);
            d.last_code = 408;
            false
        }
        Outcome::SendFailed => false,
    };
    if !alive {
        d.lat.fail(match outcome {
            Outcome::Reply(code) => Failure::Code(code),
            Outcome::Timeout => Failure::Timeout,
            Outcome::SendFailed => Failure::Send,
        });
    }
    if alive {
        d.last_up = now;
    } else {
        d.last_down = now;
    }
    let (up_after, down_after) = thresholds(d);
    let changed = d.streak.record(alive, up_after, down_after);
    if changed.is_some() {
        d.last_change = now;
    }
    let newly_stopped =
        !alive && s.delete_counter > 0 && d.streak.fail > s.delete_counter && !d.stopped;
    d.stopped |= newly_stopped;
    let mut after = after_change(dests, idx, changed);
    if newly_stopped {
        log::info!(
            "{} failed more than delete_counter ({}) times: probing stopped",
            String::from_utf8_lossy(&after.after.uri),
            s.delete_counter
        );
        if s.remove_unreachable && !after.api_owned {
            after.after.remove = Some((idx, dests.gen(idx)));
        }
    }
    if let Some(st) = changed {
        // (published only in cluster mode)
        let d = dests.get_mut(idx);
        d.epoch = d.epoch.wrapping_add(1);
        after.after.publish = Some(shared_of(d, st));
    }
    after.after
}

/// A destination's `up_after` and `down_after`: its attributes' or the modparams.
pub fn thresholds(d: &Dest) -> (u32, u32) {
    let s = settings();
    let own = |v: u16, default: u32| if v > 0 { u32::from(v) } else { default };
    (own(d.up_after, s.up_after), own(d.down_after, s.down_after))
}

/// The work after a state change (or none) of destination `idx`, and whether an API user
/// owns it (table locked).
pub struct Changed {
    pub after: After,
    pub api_owned: bool,
}

pub fn after_change(dests: &mut MapGuard<Dest>, idx: u32, changed: Option<i32>) -> Changed {
    let first = dests.get(idx).first_reg;
    if let Some(st) = changed {
        stats::STATE_CHANGES.inc();
        dests.set_status(idx, st);
    }
    let regs = table().regs.lock();
    let mut cbs = Vec::new();
    let mut api_owned = false;
    for (_, reg) in regs_from(&regs, first) {
        cbs.push(reg.cbs);
        api_owned |= reg.api || reg.view.is_some();
        if let (Some(v), Some(st)) = (&reg.view, changed) {
            v.set_state(st);
        }
    }
    Changed {
        after: After {
            uri: dests.key(idx),
            changed,
            cbs,
            remove: None,
            publish: None,
            latency: None,
        },
        api_owned,
    }
}

/// Whether an API user registered destination `idx` with a response callback: it gets this
/// node's own replies, so the destination is probed here in any cluster mode (table locked).
pub fn has_response_cb(dests: &MapGuard<Dest>, idx: u32) -> bool {
    let regs = table().regs.lock();
    let answer = regs_from(&regs, dests.get(idx).first_reg).any(|(_, r)| r.cbs.has_response());
    answer
}

/// Applies the outcome of destination `idx`'s ping in flight (table locked); a reply's
/// round-trip time counts from the ping's first copy.
pub fn complete(dests: &mut MapGuard<Dest>, idx: u32, outcome: Outcome) -> After {
    let d = dests.get_mut(idx);
    let mut latency = None;
    if matches!(outcome, Outcome::Reply(_)) {
        let rtt = (monotonic_us() as u32).wrapping_sub(d.sent_at_us);
        d.rtt_last_us = rtt;
        d.lat.sample(rtt, settings().latency_alpha);
        d.rtt_avg_us = if d.rtt_avg_us == 0 {
            rtt
        } else {
            ((u64::from(d.rtt_avg_us) * 7 + u64::from(rtt)) / 8) as u32
        };
        let est = d.lat.ewma_us;
        if let Some(levels) = settings().latency_levels {
            latency = crate::latency_event::crossing(d.slow, est, levels).map(|slow| {
                d.slow = slow;
                (slow, est)
            });
        }
        // the estimate, read lock-free by ka_best
        dests.set_aux(idx, est);
    }
    let mut after = record(dests, idx, outcome);
    after.latency = latency;
    after
}

/// What a prober shares of destination record `d` in state `state`.
pub fn shared_of(d: &Dest, state: i32) -> Shared {
    Shared {
        state: state.clamp(0, 2) as u8,
        epoch: d.epoch,
        last_code: d.last_code,
        rtt_last_us: d.rtt_last_us,
        rtt_avg_us: d.rtt_avg_us,
        last_checked: d.last_checked,
        last_up: d.last_up,
        last_down: d.last_down,
        pings: d.pings,
        replies: d.replies,
        timeouts: d.timeouts,
    }
}
