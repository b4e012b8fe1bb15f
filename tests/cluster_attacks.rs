//! keepalive's cluster mode under attack: three real Kamailio nodes (dmq 1) get well-formed
//! KDMQ bodies made with the module's own codec, from an address that is no node, from a
//! spoofed node address (its IP, its From URI), and, where the nodes share a `dmq_secret`,
//! without it or replayed. Nothing the forger sends may change a state, run an event or an
//! API callback, add or remove a destination, grow shm, lock real nodes out, or make a node
//! send much (tm transactions, republished states, log lines) or burn CPU.

use kit as common;

use krs_parse::cluster_codec as codec;
use krs_parse::hrw;

use codec::{Entry, Key, Kind, Replicated, Shared, Stamp};
use common::cfg::{kdmq_route, KEEPALIVE_EVENTS};
use common::cluster::*;
use common::uas::{Answer, Uas};
use common::{Kamailio, SipTcp};
use std::collections::BTreeMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Destinations per node: enough for every node to probe a share of them.
const N: usize = 90;

/// Change counts forged states carry: close to a real one (1 after start-up), far, and
/// either side of the wrap and of the half-way point.
const EPOCHS: [u16; 21] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 64, 65, 100, 1000, 16_384, 32_767, 32_768, 32_769, 49_152,
    65_534, 65_535,
];

/// Routes of a node with the `kaapi` test module (an API user with a state callback).
fn routes_api() -> String {
    format!("{}{KEEPALIVE_EVENTS}", kdmq_route(KAAPI_ROUTE))
}

/// Sends KDMQ requests for the `keepalive` peer from a UDP socket on an address of its own,
/// with a From URI of its choosing (a dmq node's, to pass for it).
struct Forger {
    sock: UdpSocket,
    /// The From header's value.
    from: String,
    seq: u32,
}

impl Forger {
    fn new(ip: &str, from: &str) -> Forger {
        let sock = UdpSocket::bind((ip, 0)).unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        Forger {
            sock,
            from: format!("<{from}>;tag=f"),
            seq: 0,
        }
    }

    /// From a dmq node's address: its IP and its `server_address` as From.
    fn as_node(node: usize, k: &Kamailio) -> Forger {
        let ip = node_ip(node);
        Forger::new(&ip, &format!("sip:{ip}:{}", k.port))
    }

    /// Sends `body` to node `k`; waits (up to 3 s) for dmq's reply, so the node worked on
    /// it before the next one comes. True if the reply came.
    fn send(&mut self, k: &Kamailio, body: &[u8]) -> bool {
        self.request(k.addr(), body).is_some()
    }

    /// Sends a KDMQ request with `body` to `to`; the status code of the reply, if one came
    /// within 3 s.
    fn request(&mut self, to: SocketAddr, body: &[u8]) -> Option<u16> {
        self.seq += 1;
        let local = self.sock.local_addr().unwrap();
        let call_id = format!("forged-{}-{}", local.port(), self.seq);
        let mut msg = format!(
            "KDMQ sip:keepalive@{to} SIP/2.0\r\n\
             Via: SIP/2.0/UDP {local};branch=z9hG4bKf{}x{}\r\n\
             From: {}{}\r\nTo: <sip:keepalive@{to}>\r\nCall-ID: {call_id}\r\n\
             CSeq: 1 KDMQ\r\nMax-Forwards: 1\r\nContent-Type: application/x-keepalive\r\n\
             Content-Length: {}\r\n\r\n",
            local.port(),
            self.seq,
            self.from,
            self.seq,
            body.len()
        )
        .into_bytes();
        msg.extend_from_slice(body);
        self.sock.send_to(&msg, to).unwrap();
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut buf = vec![0u8; 65_536];
        while Instant::now() < deadline {
            if let Ok(n) = self.sock.recv(&mut buf) {
                let text = String::from_utf8_lossy(&buf[..n]);
                if text.contains(&call_id) {
                    return text.split_whitespace().nth(1).and_then(|c| c.parse().ok());
                }
            }
        }
        None
    }

    /// Sends every body to node `k`, each after the reply to the one before.
    fn send_all(&mut self, k: &Kamailio, bodies: &[Vec<u8>]) {
        for b in bodies {
            assert!(
                self.send(k, b),
                "node on {} did not answer a forged KDMQ within 3 s",
                k.port
            );
        }
    }
}

fn hash(i: usize, uas: u16) -> u64 {
    hrw::dest_hash(dest_uri(i, uas).as_bytes())
}

/// A made-up node id.
fn fake_id(i: u64) -> u64 {
    0x0bad_0000_0000_0001 | (i << 8)
}

/// Updates forging state `state` for the destinations `dests`, one body per change count.
fn forged_updates(sender: u64, dests: &[u64], state: u8) -> Vec<Vec<u8>> {
    EPOCHS
        .iter()
        .flat_map(|&epoch| {
            let entries: Vec<Entry> = dests
                .iter()
                .map(|&dest| Entry {
                    dest,
                    state: Some(Shared {
                        state,
                        epoch,
                        last_code: if state == 2 { 503 } else { 200 },
                        ..Shared::default()
                    }),
                })
                .collect();
            codec::encode_batches(Kind::Update, sender, 0, &entries)
        })
        .collect()
}

/// A digest of `n` hashes that no node monitors (about 7,000 per body).
fn unknown_digest(sender: u64, n: u64) -> Vec<Vec<u8>> {
    let entries: Vec<Entry> = (0..n)
        .map(|i| Entry {
            dest: hrw::dest_hash(format!("sip:junk{i}@198.51.100.7").as_bytes()),
            state: None,
        })
        .collect();
    codec::encode_batches(Kind::Digest, sender, 1, &entries)
}

/// A complete digest that claims every destination, up.
fn claiming_digest(sender: u64, round: u32, uas: u16) -> Vec<Vec<u8>> {
    let entries: Vec<Entry> = (0..N)
        .map(|i| Entry {
            dest: hash(i, uas),
            state: Some(Shared {
                state: 1,
                epoch: 1,
                last_code: 200,
                ..Shared::default()
            }),
        })
        .collect();
    codec::encode_batches(Kind::Digest, sender, round, &entries)
}

fn replicated(add: bool, sender: u64, uri: &str, owner: &str) -> Vec<u8> {
    let d = Replicated {
        uri: uri.as_bytes().to_vec(),
        owner: owner.as_bytes().to_vec(),
    };
    codec::encode_replicated(add, sender, &d).unwrap()
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// CPU time (user + system, ms) of a node's processes so far.
fn cpu_ms(k: &Kamailio) -> u64 {
    let ticks: u64 = k
        .pids()
        .iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/stat")).ok())
        .map(|s| {
            // fields after the command (which may hold spaces): state is field 3, utime 14
            let rest = &s[s.rfind(')').unwrap() + 2..];
            let f: Vec<u64> = rest
                .split_whitespace()
                .map(|v| v.parse().unwrap_or(0))
                .collect();
            f[11] + f[12]
        })
        .sum();
    ticks * 10
}

/// `tm.stats` field `name` (e.g. `total_local`: transactions the node started).
fn tm_stat(k: &Kamailio, name: &str) -> i64 {
    let out = k.rpc(&["tm.stats"]).unwrap();
    out.lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{name}: ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {out}"))
}

/// The node that pinged each destination over 2 s (by destination index).
fn probers(uas: &Uas) -> BTreeMap<usize, String> {
    uas.clear();
    std::thread::sleep(Duration::from_secs(2));
    let by_uri = pings(uas);
    (0..N)
        .filter_map(|i| {
            let by = by_uri.get(&dest_uri(i, uas.port()))?;
            (by.len() == 1).then(|| (i, by.keys().next().unwrap().clone()))
        })
        .collect()
}

/// What a forger must not change, as seen from outside: per node the event lines, states,
/// destinations and registrations.
struct Baseline {
    events: Vec<(usize, usize)>,
    api_cbs: usize,
}

impl Baseline {
    fn take(nodes: &[&Kamailio]) -> Baseline {
        Baseline {
            events: nodes
                .iter()
                .map(|k| (k.log_count("EV-UP"), k.log_count("EV-DOWN")))
                .collect(),
            api_cbs: nodes[2].log_count("KAAPI cb"),
        }
    }

    /// Lists what differs now (empty: nothing).
    fn changes(&self, nodes: &[&Kamailio], uas: u16) -> Vec<String> {
        let mut bad = Vec::new();
        for (i, k) in nodes.iter().enumerate() {
            let ev = (k.log_count("EV-UP"), k.log_count("EV-DOWN"));
            if ev != self.events[i] {
                bad.push(format!(
                    "node {}: events {:?} -> {ev:?}",
                    i + 1,
                    self.events[i]
                ));
            }
            let s = states(k, N + 60);
            if s.len() != N || s.values().any(|&v| v != 1) {
                let down = s.values().filter(|&&v| v != 1).count();
                bad.push(format!(
                    "node {}: {} destinations, {down} not up",
                    i + 1,
                    s.len()
                ));
            }
            if get_field(k, &dest_uri(0, uas), "_params", "uri").is_none() {
                bad.push(format!("node {}: d0 for _params is gone", i + 1));
            }
        }
        let k3 = nodes[2];
        if k3.log_count("KAAPI cb") != self.api_cbs {
            bad.push("node 3: an API state callback ran".into());
        }
        for i in [0, 1] {
            if get_field(k3, &dest_uri(i, uas), "api", "uri").is_none() {
                bad.push(format!("node 3: d{i} for the API user is gone"));
            }
        }
        bad
    }
}

/// Three nodes (dmq 1, `dmq_replicate_adds` 1, the kaapi API user on each) monitoring N
/// destinations on `uas`, node 3 with d0 and d1 also registered through the API.
fn start_three(uas: &Uas, extra: &str) -> (Kamailio, Kamailio, Kamailio) {
    let u = uas.port();
    let extra = format!(
        "loadmodule \"{{TESTMODDIR}}/kaapi.so\"\nmodparam(\"keepalive\", \"dmq_replicate_adds\", 1)\n{extra}"
    );
    let routes = routes_api();
    let node = |n, notify| {
        Node::new(n, notify, u, 1, N)
            .extra(&extra)
            .routes(&routes)
            .start()
    };
    let k1 = node(1, None);
    let k2 = node(2, Some(k1.port));
    let k3 = node(3, Some(k1.port));
    assert!(
        wait_all(&[&k1, &k2, &k3], N, 1, 30).is_some(),
        "three nodes up"
    );
    for i in [0, 1] {
        SipTcp::connect(k3.addr()).request("kaapi", &[("X-Dest", &dest_uri(i, u))]);
    }
    assert!(wait_for(5, || k3.log_count("KAAPI cb") == 2));
    (k1, k2, k3)
}

#[test]
fn forgeries_change_nothing_in_an_unauthenticated_cluster() {
    let uas = Uas::start(0, Answer::Code(200));
    let u = uas.port();
    // the floods below keep a node's receivers busy for up to a second on a slow machine: a
    // reply to one ping that comes after its timeout is load, not a forgery (three in a row
    // take a destination down)
    let (k1, k2, mut k3) = start_three(&uas, "modparam(\"keepalive\", \"down_after\", 3)");
    let nodes = [&k1, &k2, &k3];
    std::thread::sleep(Duration::from_secs(2));
    let probed = probers(&uas);
    let by2: Vec<u64> = (0..N)
        .filter(|i| probed.get(i).map(String::as_str) == Some("node2"))
        .map(|i| hash(i, u))
        .collect();
    assert!(by2.len() > 10, "node 2 probes a share: {probed:?}");
    let all: Vec<u64> = (0..N).map(|i| hash(i, u)).collect();
    let ids = [node_id(&k1), node_id(&k2), node_id(&k3)];
    let base = Baseline::take(&nodes);
    let shm0: Vec<u64> = nodes.iter().map(|k| k.shm_used()).collect();
    let mut bad: Vec<String> = Vec::new();

    // 1. from an address that is no dmq node
    let mut outsider = Forger::new("127.0.0.9", "sip:127.0.0.9:5999");
    outsider.send_all(&k3, &unknown_digest(fake_id(1), 100_000));
    for id in ids.iter().copied().chain([fake_id(2)]) {
        outsider.send_all(&k3, &forged_updates(id, &all, 2));
    }
    outsider.send_all(
        &k3,
        &[
            replicated(false, ids[0], &dest_uri(0, u), "_params"),
            replicated(false, ids[0], &dest_uri(0, u), "api"),
            replicated(true, ids[0], &dest_uri(1, u), "api"),
        ],
    );
    // dmq keeps the node of the request before when a request's From does not parse: a
    // real node's message, then one from no node with a broken From
    let mut node1 = Forger::as_node(1, &k1);
    let mut broken = Forger::new("127.0.0.9", "sip:127.0.0.9:5999");
    broken.from = "\"unterminated <sip:127.0.0.9:5999>;tag=".into();
    for i in 0..5 {
        node1.send_all(&k3, &codec::encode_batches(Kind::Update, ids[0], 0, &[]));
        let uri = format!("sip:stale{i}@127.0.0.1:{u}");
        // (6.1's core drops a request whose From does not parse before any module sees it,
        // without a reply; 5.6 and 6.0 hand it to dmq)
        broken.send(&k3, &replicated(true, ids[0], &uri, "ops"));
    }
    let adds: Vec<Vec<u8>> = (0..50)
        .map(|i| replicated(true, ids[0], &format!("sip:victim{i}@127.0.0.1:{u}"), "ops"))
        .collect();
    outsider.send_all(&k3, &adds);
    // a flood of sync requests: each would make node 2 build its digest and send it
    let (tm0, cpu0, warn0, t0) = (
        tm_stat(&k2, "total_local"),
        cpu_ms(&k2),
        k2.log_count("WARNING"),
        Instant::now(),
    );
    let sync = codec::encode_sync_request(fake_id(3));
    for _ in 0..2_000 {
        outsider.send(&k2, &sync);
    }
    let (tm1, cpu1, warn1, t1) = (
        tm_stat(&k2, "total_local"),
        cpu_ms(&k2),
        k2.log_count("WARNING"),
        t0.elapsed(),
    );
    eprintln!(
        "figures: 2,000 sync requests from no node: {:?}, node 2 CPU {} ms, tm transactions +{}, warnings +{}",
        t1,
        cpu1 - cpu0,
        tm1 - tm0,
        warn1 - warn0
    );
    // what the node sends anyway (its digests and updates, a few a period) may fall on both
    // ends of the window; answering each request would be +2,000
    let periods = t1.as_secs() as i64 + 2;
    if tm1 - tm0 > 4 * periods || warn1 - warn0 > 10 {
        bad.push(format!(
            "sync flood from no node: tm +{} in {t1:?}, warnings +{}",
            tm1 - tm0,
            warn1 - warn0
        ));
    }

    // 2. from node 1's address and as node 1 (no secret in this cluster: dmq takes it for
    // node 1); what it cannot do: grow shm with hashes, change a state node 2 shares,
    // touch _params or API registrations, make node 2 answer or republish at its pace
    let mut spoof = Forger::as_node(1, &k1);
    spoof.send_all(&k3, &unknown_digest(fake_id(4), 100_000));
    for id in [ids[0], fake_id(5)] {
        spoof.send_all(&k3, &forged_updates(id, &by2, 2));
    }
    spoof.send_all(
        &k3,
        &[
            replicated(false, ids[0], &dest_uri(0, u), "_params"),
            replicated(false, ids[0], &dest_uri(0, u), "api"),
            replicated(true, ids[0], &dest_uri(1, u), "api"),
        ],
    );
    // (what the CPU costs is compared with 2,000 bodies keepalive drops at once: the rest
    // is Kamailio's and dmq's work on any request)
    let cpu0 = cpu_ms(&k2);
    for _ in 0..2_000 {
        spoof.send(&k2, b"KA\x01\x07");
    }
    let (tm0, cpu1, t0) = (tm_stat(&k2, "total_local"), cpu_ms(&k2), Instant::now());
    let sync = codec::encode_sync_request(ids[0]);
    for _ in 0..2_000 {
        spoof.send(&k2, &sync);
    }
    let (tm1, cpu2, t1) = (tm_stat(&k2, "total_local"), cpu_ms(&k2), t0.elapsed());
    let (dropped, synced) = (cpu1 - cpu0, cpu2 - cpu1);
    eprintln!(
        "figures: 2,000 sync requests as node 1: {t1:?}, node 2 CPU {synced} ms (2,000 dropped bodies: {dropped} ms), tm transactions +{}",
        tm1 - tm0
    );
    let periods = t1.as_secs() as i64 + 2;
    if tm1 - tm0 > 4 * periods || synced * 2 > dropped * 3 + 200 {
        bad.push(format!(
            "sync flood as node 1: tm +{} in {t1:?}, CPU {synced} ms ({dropped} ms for dropped bodies)",
            tm1 - tm0
        ));
    }
    // states of what node 2 probes, forged to node 2 itself: it sends its own again at
    // most once a period, not once per forgery
    let sent0 = stat(&k2, "dmq_updates_sent");
    let t0 = Instant::now();
    for e in 2..202u16 {
        let entry = Entry {
            dest: by2[0],
            state: Some(Shared {
                state: 2,
                epoch: e,
                last_code: 503,
                ..Shared::default()
            }),
        };
        spoof.send_all(
            &k2,
            &codec::encode_batches(Kind::Update, ids[0], 0, &[entry]),
        );
    }
    let resent = stat(&k2, "dmq_updates_sent") - sent0;
    let t1 = t0.elapsed();
    eprintln!(
        "figures: 200 forged states to their prober in {t1:?}: it sent its own {resent} times"
    );
    if resent > t1.as_secs() as i64 + 2 {
        bad.push(format!("the prober republished {resent} times in {t1:?}"));
    }

    std::thread::sleep(Duration::from_secs(2));
    bad.extend(base.changes(&nodes, u));
    for (i, k) in nodes.iter().enumerate() {
        let grown = k.shm_used().saturating_sub(shm0[i]);
        eprintln!("figures: node {} shm +{grown} bytes", i + 1);
        if grown > 512 * 1024 {
            bad.push(format!("node {}: shm grew by {grown} bytes", i + 1));
        }
    }
    if get_field(&k3, &format!("sip:victim0@127.0.0.1:{u}"), "ops", "uri").is_some() {
        bad.push("node 3: a forged add from no node was made".into());
    }
    let stale = (0..5)
        .filter(|i| get_field(&k3, &format!("sip:stale{i}@127.0.0.1:{u}"), "ops", "uri").is_some())
        .count();
    if stale > 0 {
        bad.push(format!(
            "node 3: {stale} adds with a broken From were taken for node 1's"
        ));
    }
    // the API user's callback still works: one call per real change
    uas.set(Answer::Code(503));
    if wait_all(&nodes, N, 2, 10).is_none() {
        bad.push("a real change did not take every destination down on every node".into());
    }
    let cb0 = format!("KAAPI cb {} 2", dest_uri(0, u));
    if !wait_for(3, || k3.log_count(&cb0) == 1) {
        bad.push("node 3: the API callback of d0 did not run on a real change".into());
    }
    uas.set(Answer::Code(200));
    if wait_all(&nodes, N, 1, 10).is_none() {
        bad.push("a real change did not take every destination up on every node".into());
    }

    // 3. 32 made-up nodes claim every destination, again and again, from no node; node 3
    // restarts (a new node id): it joins and takes its share, nothing is left unprobed
    let stop = Arc::new(AtomicBool::new(false));
    let ports = [k1.port, k2.port, k3.port];
    let joiner = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let s = UdpSocket::bind("127.0.0.9:0").unwrap();
            let mut round = 0;
            while !stop.load(Ordering::Relaxed) {
                round += 1;
                for f in 0..32 {
                    for b in claiming_digest(fake_id(100 + f), round, u) {
                        for p in ports {
                            let msg = format!(
                                "KDMQ sip:keepalive@127.0.0.1:{p} SIP/2.0\r\n\
                                 Via: SIP/2.0/UDP 127.0.0.9:9;branch=z9hG4bKj{round}x{f}\r\n\
                                 From: <sip:127.0.0.9:5999>;tag=j\r\nTo: <sip:keepalive@127.0.0.1:{p}>\r\n\
                                 Call-ID: join-{round}-{f}\r\nCSeq: 1 KDMQ\r\nMax-Forwards: 1\r\n\
                                 Content-Length: {}\r\n\r\n",
                                b.len()
                            );
                            let mut m = msg.into_bytes();
                            m.extend_from_slice(&b);
                            let _ = s.send_to(&m, ("127.0.0.1", p));
                        }
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                std::thread::sleep(Duration::from_millis(300));
            }
        })
    };
    std::thread::sleep(Duration::from_secs(2));
    let k3_port = k3.port;
    kill9(&mut k3);
    drop(k3);
    std::thread::sleep(Duration::from_millis(4_500));
    let extra = "loadmodule \"{TESTMODDIR}/kaapi.so\"\nmodparam(\"keepalive\", \"dmq_replicate_adds\", 1)\n";
    let k3 = Node::new(3, Some(k1.port), u, 1, N)
        .extra(extra)
        .routes(&routes_api())
        .on_port(k3_port)
        .start();
    let up = wait_all(&[&k3], N, 1, 10).is_some();
    std::thread::sleep(Duration::from_secs(4));
    let ports: BTreeMap<String, u16> = [("node1", &k1), ("node2", &k2), ("node3", &k3)]
        .iter()
        .map(|(n, k)| (n.to_string(), k.port))
        .collect();
    uas.clear();
    std::thread::sleep(Duration::from_secs(3));
    let p = pings_from(&uas, &ports);
    stop.store(true, Ordering::Relaxed);
    joiner.join().unwrap();
    let mut share: BTreeMap<String, usize> = BTreeMap::new();
    for (d, by) in &p {
        if by.len() == 1 {
            *share.entry(by.keys().next().unwrap().clone()).or_default() += 1;
        } else {
            bad.push(format!("{d} pinged by {by:?}"));
        }
    }
    eprintln!(
        "figures: after the restart under 32 forged joins: shares {share:?}, {} of {N} pinged",
        p.len()
    );
    if !up || p.len() != N || share.get("node3").copied().unwrap_or(0) == 0 {
        bad.push(format!(
            "restarted node 3 (up {up}): {} of {N} destinations pinged, shares {share:?}",
            p.len()
        ));
    }
    assert!(
        bad.is_empty(),
        "the forger changed things:\n{}",
        bad.join("\n")
    );
}

#[test]
fn without_the_secret_nothing_counts_and_replays_are_ignored() {
    let secret = "correct horse battery staple 42";
    let uas = Uas::start(0, Answer::Code(200));
    let u = uas.port();
    let (k1, k2, k3) = start_three(
        &uas,
        &format!("modparam(\"keepalive\", \"dmq_secret\", \"{secret}\")"),
    );
    let nodes = [&k1, &k2, &k3];
    std::thread::sleep(Duration::from_secs(2));
    let ids = [node_id(&k1), node_id(&k2), node_id(&k3)];
    let all: Vec<u64> = (0..N).map(|i| hash(i, u)).collect();
    let base = Baseline::take(&nodes);
    let shm0 = k3.shm_used();
    let mut bad: Vec<String> = Vec::new();

    // node 2's address and id, every message plain, sealed with a wrong secret, and sealed
    // with the right one too long ago
    let wrong = Key::new(b"not the cluster's secret at all");
    let right = Key::new(secret.as_bytes());
    let mut spoof = Forger::as_node(2, &k2);
    let mut bodies: Vec<Vec<u8>> = Vec::new();
    bodies.extend(unknown_digest(ids[1], 100_000));
    bodies.extend(forged_updates(ids[1], &all, 2));
    bodies.extend(forged_updates(fake_id(1), &all, 2));
    bodies.push(replicated(false, ids[1], &dest_uri(0, u), "_params"));
    bodies.push(replicated(false, ids[1], &dest_uri(0, u), "api"));
    bodies.push(replicated(true, ids[1], &dest_uri(1, u), "api"));
    bodies.push(replicated(
        true,
        ids[1],
        &format!("sip:victim@127.0.0.1:{u}"),
        "ops",
    ));
    for f in 0..32 {
        bodies.extend(claiming_digest(fake_id(100 + f), 1, u));
    }
    let now = unix_ms();
    for (n, b) in bodies.iter().enumerate() {
        let stamp = |sent_ms| Stamp {
            sent_ms,
            counter: 1_000_000 + n as u64,
        };
        spoof.send(&k3, b);
        spoof.send(&k3, &codec::seal(b.clone(), &wrong, stamp(now)));
        spoof.send(&k3, &codec::seal(b.clone(), &right, stamp(now - 600_000)));
    }
    let (tm0, t0) = (tm_stat(&k2, "total_local"), Instant::now());
    let sync = codec::encode_sync_request(ids[0]);
    let mut spoof1 = Forger::as_node(1, &k1);
    for _ in 0..500 {
        spoof1.send(&k2, &sync);
        spoof1.send(
            &k2,
            &codec::seal(
                sync.clone(),
                &wrong,
                Stamp {
                    sent_ms: unix_ms(),
                    counter: 5,
                },
            ),
        );
    }
    let tm = tm_stat(&k2, "total_local") - tm0;
    if tm > 4 * (t0.elapsed().as_secs() as i64 + 1) {
        bad.push(format!("sync flood without the secret: tm +{tm}"));
    }

    // a message sealed with the secret counts once; the same bytes again do not
    let uri = format!("sip:replayed@127.0.0.1:{u}");
    let add = codec::seal(
        replicated(true, fake_id(7), &uri, "ops"),
        &right,
        Stamp {
            sent_ms: unix_ms(),
            counter: 1,
        },
    );
    spoof1.send(&k3, &add);
    if !wait_for(3, || get_field(&k3, &uri, "ops", "uri").is_some()) {
        bad.push("a sealed add was not made".into());
    }
    k3.rpc(&["keepalive.del", &uri, "ops"]).unwrap();
    spoof1.send(&k3, &add);
    std::thread::sleep(Duration::from_secs(1));
    if get_field(&k3, &uri, "ops", "uri").is_some() {
        bad.push("a replayed sealed add was made again".into());
    }

    std::thread::sleep(Duration::from_secs(1));
    bad.extend(base.changes(&nodes, u));
    let grown = k3.shm_used().saturating_sub(shm0);
    eprintln!("figures: sealed cluster, node 3 shm +{grown} bytes after the forgeries");
    if grown > 512 * 1024 {
        bad.push(format!("node 3: shm grew by {grown} bytes"));
    }
    // the three still share the probing
    let ports: BTreeMap<String, u16> = [("node1", &k1), ("node2", &k2), ("node3", &k3)]
        .iter()
        .map(|(n, k)| (n.to_string(), k.port))
        .collect();
    let share = check_one_prober(&uas, &ports, N, 3);
    if share.len() != 3 {
        bad.push(format!("shares {share:?}"));
    }
    assert!(
        bad.is_empty(),
        "the forger changed things:\n{}",
        bad.join("\n")
    );
}

#[test]
fn a_node_alone_for_one_interval_probes_everything() {
    // ping_interval 3: a node that hears no peer pings everything from 3 s on (0e5a125:
    // from 3 intervals, 9 s, on; meanwhile ka_is_alive answers 1 for unprobed gateways)
    let uas = Uas::start(0, Answer::Code(200));
    let u = uas.port();
    let k = start_with(
        1,
        None,
        u,
        1,
        20,
        "modparam(\"keepalive\", \"ping_interval\", 3)",
    );
    let t0 = Instant::now();
    let all = wait_for(7, || {
        (0..20).all(|i| pings(&uas).contains_key(&dest_uri(i, u)))
    });
    eprintln!(
        "figures: a lone node (3 s interval) pinged {} of 20 destinations {:?} after it answered",
        pings(&uas).len(),
        t0.elapsed()
    );
    assert!(all, "pinged: {} of 20", pings(&uas).len());
    assert!(wait_for(3, || {
        let s = states(&k, 20);
        s.len() == 20 && s.values().all(|&v| v == 1)
    }));
    assert_eq!(stat(&k, "destinations_probed_here"), 20);
}

#[test]
fn the_example_cluster_gates_kdmq_by_source_on_its_own_socket() {
    // examples/cluster as it is: three nodes on 127.0.0.1-3 (SIP 5071-5073, KDMQ 5090),
    // monitoring each other
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cluster");
    let nodes: Vec<Kamailio> = (1..=3)
        .map(|n| {
            Kamailio::start_file(
                &format!("example{n}"),
                &root.join(format!("node{n}.cfg")),
                5070 + n as u16,
                std::path::Path::new(&format!("/tmp/kamailio-rs_node{n}_ctl")),
            )
        })
        .collect();
    let all_up = |k: &Kamailio| {
        let s = states(k, 3);
        s.len() == 3 && s.values().all(|&v| v == 1)
    };
    assert!(
        wait_for(30, || nodes.iter().all(all_up)),
        "the example's nodes see all up"
    );
    // one prober per destination once the three know each other
    assert!(
        wait_for(20, || nodes
            .iter()
            .map(|k| stat(k, "destinations_probed_here"))
            .sum::<i64>()
            == 3),
        "probed here: {:?}",
        nodes
            .iter()
            .map(|k| stat(k, "destinations_probed_here"))
            .collect::<Vec<_>>()
    );
    // KDMQ from outside the cluster's list, or on the public socket: refused by the cfg
    let update = codec::encode_batches(
        Kind::Update,
        fake_id(1),
        0,
        &[Entry {
            dest: hrw::dest_hash(b"sip:127.0.0.2:5072"),
            state: Some(Shared {
                state: 2,
                epoch: 2,
                ..Shared::default()
            }),
        }],
    )
    .remove(0);
    let kdmq: SocketAddr = "127.0.0.1:5090".parse().unwrap();
    let public: SocketAddr = "127.0.0.1:5071".parse().unwrap();
    let mut outsider = Forger::new("127.0.0.9", "sip:127.0.0.9:5090");
    assert_eq!(outsider.request(kdmq, &update), Some(403));
    assert_eq!(outsider.request(public, &update), Some(403));
    // a node's address from another port than its KDMQ socket's
    let mut spoof = Forger::new("127.0.0.2", "sip:127.0.0.2:5090");
    assert_eq!(spoof.request(kdmq, &update), Some(403));
    assert_eq!(spoof.request(public, &update), Some(403));
    std::thread::sleep(Duration::from_secs(1));
    assert!(nodes.iter().all(all_up));
    assert!(nodes.iter().all(|k| k.log_count("is down") == 0));
}
