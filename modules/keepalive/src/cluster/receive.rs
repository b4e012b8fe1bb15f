//! What comes from the network: decoding, the checks a message must pass (sender, seal,
//! freshness, replay, membership) and applying what it carries.

use std::sync::atomic::Ordering;

use kamailio::dmq;
use kamailio::timer::monotonic_ms;

use super::codec::{self, Entry, Kind, Message, Shared};
use super::digest::{digest_bodies, sweep, ROUND};
use super::membership::{self, PartOutcome};
use super::replicate::{replay, replay_attrs};
use super::throttle::Throttle;
use super::view::{index_of, view};
use super::{now_unix_ms, publish, send_all, Cluster, Have, Mode, CLUSTER, FRESH_MS, PEER};
use crate::outcome;
use crate::stats;
use crate::table::{now_unix, table};

/// Logs the first unusable body a process gets; later ones at debug level.
fn dropped(reason: &codec::DecodeError, len: usize) {
    static LOGGED: Throttle = Throttle::new();
    LOGGED.warn(format_args!(
        "dropped a KDMQ body for peer {PEER} ({len} bytes): {reason}"
    ));
}

/// Why a message from the network was not taken (each kind logged through its throttle).
#[derive(Clone, Copy, Debug)]
enum Refusal {
    UnknownNode,
    Unsealed,
    NoSecretHere,
    BadMac,
    Stale,
    Replay,
    Join(membership::Refused),
    SyncTooSoon,
}

fn refused(r: Refusal, m: &Message) {
    static LINES: [Throttle; 8] = [const { Throttle::new() }; 8];
    let (i, why) = match r {
        Refusal::UnknownNode => (
            0,
            "its From names no dmq node (gate KDMQ by source: README, Security)".to_string(),
        ),
        Refusal::Unsealed => (1, "not sealed, and dmq_secret is set here".into()),
        Refusal::NoSecretHere => (2, "sealed, and no dmq_secret is set here".into()),
        Refusal::BadMac => (
            3,
            "its seal does not verify with dmq_secret (or dmq_secret_accept)".into(),
        ),
        Refusal::Stale => (
            4,
            format!(
                "sealed more than {} s away from this node's clock",
                FRESH_MS / 1000
            ),
        ),
        Refusal::Replay => (5, "a replay (its counter was seen)".into()),
        Refusal::Join(why) => (6, format!("a new node id refused: {why}")),
        Refusal::SyncTooSoon => (
            7,
            "a sync request less than a period after the last from that node".into(),
        ),
    };
    let kind = match m.kind {
        Kind::Update => "state update",
        Kind::Digest => "digest",
        Kind::SyncRequest => "sync request",
        Kind::Add => "replicated add",
        Kind::Del => "replicated delete",
        Kind::Attrs => "replicated attributes",
    };
    LINES[i].warn(format_args!(
        "cluster: ignored a {kind} from node {:016x}: {why}",
        m.sender
    ));
}

/// Checks a message's seal against the secrets: `Err` if it must be dropped.
fn check_seal(c: &Cluster, body: &[u8], m: &Message) -> Result<(), Refusal> {
    match (&c.keys, m.stamp) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(Refusal::NoSecretHere),
        (Some(_), None) => Err(Refusal::Unsealed),
        (Some(k), Some(stamp)) => {
            if !k.accept.iter().any(|key| key.verifies(body)) {
                return Err(Refusal::BadMac);
            }
            if now_unix_ms().abs_diff(stamp.sent_ms) > FRESH_MS {
                return Err(Refusal::Stale);
            }
            Ok(())
        }
    }
}

/// A KDMQ request for our peer (in a dmq worker).
pub(super) fn on_message(body: &[u8], from: &dmq::Sender) {
    let Some(c) = CLUSTER.get() else {
        return;
    };
    let m = match codec::decode(body) {
        Ok(m) => m,
        Err(e) => return dropped(&e, body.len()),
    };
    if let Err(r) = admit(c, body, &m, from) {
        refused(r, &m);
    }
}

/// Acts on a decoded message if it passes every check (module doc); `Err`: why not.
fn admit(c: &Cluster, body: &[u8], m: &Message, from: &dmq::Sender) -> Result<(), Refusal> {
    let node = from.node_key().ok_or(Refusal::UnknownNode)?;
    check_seal(c, body, m)?;
    let now = monotonic_ms();
    let mut members = c.members.lock();
    if let Some(stamp) = m.stamp {
        if !members.fresh_counter(m.sender, stamp.counter, now) {
            return Err(Refusal::Replay);
        }
    }
    if m.sender == c.id {
        // this node's own message: dmq sends a node whose notification address is itself its
        // own broadcasts, and a forger may use its id. Nothing else counts, but a state it
        // claims for what this node probes is outbid (sent again; nothing to do for a real
        // one of this node's)
        drop(members);
        if matches!(m.kind, Kind::Update | Kind::Digest) {
            apply(c, m);
        }
        log::debug!("cluster: a {:?} in this node's own name: ignored", m.kind);
        return Ok(());
    }
    let slot = members
        .touch(m.sender, node, now, c.period_ms)
        .map_err(Refusal::Join)?;
    let outcome = m.part.map(|p| members.part(slot, p.round, p.part, p.parts));
    let sync = m.kind == Kind::SyncRequest && members.sync_due(node, now, c.period_ms);
    drop(members);
    match m.kind {
        Kind::Add | Kind::Del => {
            if let Some(d) = &m.dest {
                replay(c, m.kind == Kind::Add, d);
            }
        }
        Kind::Attrs => {
            if let Some(a) = &m.attrs {
                replay_attrs(c, a);
            }
        }
        Kind::SyncRequest => {
            if !sync {
                return Err(Refusal::SyncTooSoon);
            }
            let round = ROUND.load(Ordering::Relaxed);
            send_all(c, digest_bodies(c, round, true), Some(from));
        }
        Kind::Digest => {
            mark(c, slot, m);
            if outcome == Some(PartOutcome::MarkAndSweep) {
                sweep(c, 1 << slot, false);
            }
            apply(c, m);
        }
        Kind::Update => {
            stats::DMQ_UPDATES_RECEIVED.add(m.entries.len() as i32);
            mark(c, slot, m);
            apply(c, m);
        }
    }
    Ok(())
}

/// Sets slot `slot`'s bit for the destinations of a digest part or update that this node
/// has (the others are none of its business: recording them would let a sender fill shm).
fn mark(c: &Cluster, slot: usize, m: &Message) {
    let bit = 1u32 << slot;
    let known: Vec<&Entry> = {
        let dests = table().dests.lock();
        m.entries
            .iter()
            .filter(|e| index_of(&dests, e.dest).is_some())
            .collect()
    };
    let mut have = c.have.lock();
    for e in known {
        let Ok((i, _)) = have.insert(&e.dest.to_le_bytes(), Have::default()) else {
            static FULL: Throttle = Throttle::new();
            FULL.warn(format_args!("cluster: out of shm for the peer table"));
            return;
        };
        let h = have.get_mut(i);
        h.bits |= bit;
        if m.kind == Kind::Digest {
            h.seen |= bit;
        }
        if let Some(s) = e.state {
            if s.state == crate::state::DOWN as u8 {
                h.down |= bit;
            } else {
                h.down &= !bit;
            }
        }
    }
}

/// Applies the states a peer shared to this node's table (mode 1: mode 2 keeps its own).
fn apply(c: &Cluster, m: &Message) {
    if c.mode != Mode::Share {
        return;
    }
    let states: Vec<(u64, Shared)> = m
        .entries
        .iter()
        .filter_map(|e| e.state.map(|s| (e.dest, s)))
        .collect();
    if !states.is_empty() {
        apply_shared(&states, m.sender, m.kind == Kind::Digest);
    }
}

/// Cluster mode: applies the states `sender` shared (by hash; `digest`: in a digest) of the
/// destinations it probes as this node sees it, at a plausible change count, unless this
/// node probes them itself (then its count goes above the sender's, and its state goes out
/// again if they differ); runs this node's events and callbacks for each change.
fn apply_shared(states: &[(u64, Shared)], sender: u64, digest: bool) {
    let Some(view) = view() else {
        return;
    };
    let mut after = Vec::new();
    let mut republish = Vec::new();
    {
        let mut dests = table().dests.lock();
        for &(h, sh) in states {
            let Some((idx, gen)) = index_of(&dests, h) else {
                continue;
            };
            if !dests.is_current(idx, gen) {
                continue;
            }
            if view.probes_here(h) || outcome::has_response_cb(&dests, idx) {
                let st = dests.status(idx);
                let d = dests.get_mut(idx);
                if let Some((epoch, resend)) = view.outbid(h, d.epoch, st, sender, &sh) {
                    d.epoch = epoch;
                    if resend {
                        let shared = outcome::shared_of(d, st);
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
            let (up_after, down_after) = outcome::thresholds(d);
            let changed = d.streak.adopt(i32::from(sh.state), up_after, down_after);
            if changed.is_some() {
                d.last_change = now_unix();
            }
            // ka_best here ranks it by the prober's smoothed RTT
            dests.set_aux(idx, sh.rtt_avg_us);
            if changed.is_some() {
                after.push(outcome::after_change(&mut dests, idx, changed).after);
            }
        }
    }
    for a in after {
        a.run(None, publish);
    }
    for (key, shared) in republish {
        publish(&key, shared);
    }
}
