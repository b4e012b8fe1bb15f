//! Probing: the timer process sends OPTIONS pings spread over each interval; replies and
//! timeouts (in whatever process tm completes them) update the shared state.

use kamailio::event::{self, EventTarget};
use kamailio::ka_api::ForeignCallbacks;
use kamailio::send::Transport;
use kamailio::shm_map::MapGuard;
use kamailio::timer::monotonic_us;
use kamailio::tm::{self, Reply};
use once_cell::sync::OnceCell;
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::config::{self, settings};
use crate::latency::Failure;
use crate::state;
use crate::stateless::{self, Ping, Sent};
use crate::stats;
use crate::table::{now_unix, table, Dest, Reg};

/// The timer process wakes up this often (the granularity of `probe_timeout`). A tick with
/// nothing due costs a lock and a look at the schedule.
pub const TICK_MS: u32 = 10;

/// Pings go out in batches on this grid: a ping goes out at most this late.
pub const BATCH_MS: u32 = 100;

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
    latency: Option<EventTarget>,
}

static TARGETS: OnceCell<Targets> = OnceCell::new();

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

/// Resolves the event routes (or the KEMI callback) and binds tm; call in mod_init.
pub fn init() -> Result<(), String> {
    tm::load(on_reply)?;
    let _ = PAUSED.set(kamailio::shm::ShmMutex::new()?);
    let cb = config::EVENT_CALLBACK.get();
    let target = |name: &'static str| EventTarget::resolve(name, cb);
    let _ = TARGETS.set(Targets {
        up: target("keepalive:dst-up"),
        down: target("keepalive:dst-down"),
        latency: target("keepalive:dst-latency"),
    });
    Ok(())
}

/// Work left after the table lock is released: events, API callbacks, removal.
struct After {
    uri: Vec<u8>,
    changed: Option<i32>,
    cbs: Vec<ForeignCallbacks>,
    /// Probing stopped under `remove_unreachable`: (index, generation) of the destination,
    /// removed after the events if it is still stopped and unowned by the API then.
    remove: Option<(u32, u32)>,
    /// Cluster mode: the changed state to broadcast (recorded by this node's probes).
    publish: Option<crate::cluster::codec::Shared>,
    /// The RTT estimate crossed `latency_threshold`: (now slow, estimate µs).
    latency: Option<(bool, u32)>,
}

impl After {
    fn run(self, reply: Option<&mut Reply>) {
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
                crate::cluster::publish(&self.uri, shared);
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
fn record(dests: &mut MapGuard<Dest>, idx: u32, outcome: Outcome) -> After {
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
        if crate::cluster::mode() != crate::cluster::Mode::Off {
            let d = dests.get_mut(idx);
            d.epoch = d.epoch.wrapping_add(1);
            after.after.publish = Some(crate::cluster::shared_of(d, st));
        }
    }
    after.after
}

/// A destination's `up_after` and `down_after`: its attributes' or the modparams.
fn thresholds(d: &Dest) -> (u32, u32) {
    let s = settings();
    let own = |v: u16, default: u32| if v > 0 { u32::from(v) } else { default };
    (own(d.up_after, s.up_after), own(d.down_after, s.down_after))
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

/// The work after a state change (or none) of destination `idx`, and whether an API user
/// owns it (table locked).
struct Changed {
    after: After,
    api_owned: bool,
}

fn after_change(dests: &mut MapGuard<Dest>, idx: u32, changed: Option<i32>) -> Changed {
    let first = dests.get(idx).first_reg;
    if let Some(st) = changed {
        stats::STATE_CHANGES.inc();
        dests.set_status(idx, st);
    }
    let regs = table().regs.lock();
    let mut cbs = Vec::new();
    let mut api_owned = false;
    let mut r = first.get();
    while let Some(ri) = r {
        let reg: &Reg = regs.get(ri);
        cbs.push(reg.cbs);
        api_owned |= reg.api || reg.view.is_some();
        if let (Some(v), Some(st)) = (&reg.view, changed) {
            v.set_state(st);
        }
        r = reg.next.get();
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
fn has_response_cb(dests: &MapGuard<Dest>, idx: u32) -> bool {
    let regs = table().regs.lock();
    let mut r = dests.get(idx).first_reg.get();
    while let Some(ri) = r {
        let reg: &Reg = regs.get(ri);
        if reg.cbs.has_response() {
            return true;
        }
        r = reg.next.get();
    }
    false
}

/// Cluster mode: applies the states `sender` shared (by hash; `digest`: in a digest) of the
/// destinations it probes as this node sees it, at a plausible change count, unless this
/// node probes them itself (then its count goes above the sender's, and its state goes out
/// again if they differ); runs this node's events and callbacks for each change.
pub fn apply_shared(states: &[(u64, crate::cluster::codec::Shared)], sender: u64, digest: bool) {
    let Some(view) = crate::cluster::view() else {
        return;
    };
    let mut after = Vec::new();
    let mut republish = Vec::new();
    {
        let mut dests = table().dests.lock();
        for &(h, sh) in states {
            let Some((idx, gen)) = crate::cluster::index_of(&dests, h) else {
                continue;
            };
            if !dests.is_current(idx, gen) {
                continue;
            }
            if view.probes_here(h) || has_response_cb(&dests, idx) {
                let st = dests.status(idx);
                let d = dests.get_mut(idx);
                if let Some((epoch, resend)) = view.outbid(h, d.epoch, st, sender, &sh) {
                    d.epoch = epoch;
                    if resend {
                        let shared = crate::cluster::shared_of(d, st);
                        republish.push((dests.key(idx), shared));
                    }
                }
                continue;
            }
            let d = dests.get_mut(idx);
            if !view.takes(h, d.epoch, sender, digest, &sh) {
                continue;
            }
            d.epoch = sh.epoch;
            d.last_code = sh.last_code;
            d.rtt_last_us = sh.rtt_last_us;
            d.rtt_avg_us = sh.rtt_avg_us;
            d.last_checked = sh.last_checked;
            d.last_up = sh.last_up;
            d.last_down = sh.last_down;
            d.pings = sh.pings;
            d.replies = sh.replies;
            d.timeouts = sh.timeouts;
            let (up_after, down_after) = thresholds(d);
            let changed = d.streak.adopt(i32::from(sh.state), up_after, down_after);
            if changed.is_some() {
                d.last_change = now_unix();
            }
            // ka_best here ranks it by the prober's smoothed RTT
            dests.set_aux(idx, sh.rtt_avg_us);
            if changed.is_some() {
                after.push(after_change(&mut dests, idx, changed).after);
            }
        }
    }
    for a in after {
        a.run(None);
    }
    for (key, shared) in republish {
        crate::cluster::publish(&key, shared);
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
    /// Next pings: (due ms, record index, record generation).
    pings: BinaryHeap<Reverse<(u64, u32, u32)>>,
    /// Deadlines of pings in flight (`probe_timeout`): (ms, index, generation, ping seq).
    deadlines: BinaryHeap<Reverse<(u64, u32, u32, u32)>>,
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
            pings.push(Reverse((d.next_due_ms, idx, gen)));
            let timeout_us = timeout_of(d, timeout_us);
            if d.in_flight && timeout_us > 0 {
                let left = timeout_us.saturating_sub(now_us.wrapping_sub(d.sent_at_us));
                deadlines.push(Reverse((
                    now_ms + u64::from(left / 1000),
                    idx,
                    gen,
                    d.ping_seq,
                )));
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
            .map(|idx| record(&mut dests, idx, Outcome::Timeout))
            .collect();
        let resends = sch.retransmissions(&dests, now_ms, now_us, timeout_us);
        (
            after,
            mark_sent(&mut dests, due, now_us, view.as_ref()),
            resends,
        )
    };
    for a in after {
        a.run(None);
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
        while let Some(&Reverse((at, idx, gen, seq))) = self.deadlines.peek() {
            if at > now_ms {
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
        while let Some(&Reverse((at, idx, gen))) = self.pings.peek() {
            if at > batch || self.tokens < 1.0 {
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
                self.pings.push(Reverse((d.next_due_ms, idx, gen)));
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
            self.pings.push(Reverse((d.next_due_ms, idx, gen)));
            let timeout_us = timeout_of(d, timeout_us);
            if timeout_us > 0 {
                let deadline = now_ms + u64::from(timeout_us / 1000);
                self.deadlines
                    .push(Reverse((deadline, idx, gen, d.ping_seq)));
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
    let unix = now_unix();
    let mut sends = Vec::with_capacity(due.len());
    for tok in due {
        if dests.get(tok.idx).stopped {
            continue;
        }
        if let Some(v) = view {
            let h = crate::cluster::hrw::dest_hash(&dests.key(tok.idx));
            if !v.probes_here(h) && !has_response_cb(dests, tok.idx) {
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

/// A final reply to a stateless ping (from the reply hook, in any process), whose Call-ID
/// named record `idx` and identity `id` and whose Via branch carried it: it counts if that
/// ping is still in flight, the CSeq is its number and it came over its transport.
pub fn stateless_reply(idx: u32, id: u64, cseq: u32, transport: Option<Transport>, code: i32) {
    let after = {
        let mut dests = table().dests.lock();
        if !dests.is_live(idx) || table().dests.word(idx) != id {
            return;
        }
        let d = dests.get(idx);
        if !d.in_flight || stateless::cseq(d.ping_seq) != cseq {
            log::debug!("reply with another CSeq ignored");
            return;
        }
        if transport.is_none() || stateless::transport_of(&dests.key(idx)) != transport {
            log::debug!("reply over another transport ignored");
            return;
        }
        complete(&mut dests, idx, Outcome::Reply(code))
    };
    after.run(None);
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
fn finish(tok: Token, outcome: Outcome, reply: Option<&mut Reply>) {
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
        complete(&mut dests, idx, outcome)
    };
    after.run(reply);
}

/// Applies the outcome of destination `idx`'s ping in flight (table locked); a reply's
/// round-trip time counts from the ping's first copy.
fn complete(dests: &mut MapGuard<Dest>, idx: u32, outcome: Outcome) -> After {
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
