//! keepalive's cluster mode (`dmq` 1) against three real Kamailio nodes on this host joined
//! by the stock dmq module, and one UAS monitored by all three through 600 destinations.

mod common;

use common::uas::{Answer, Uas};
use common::{Config, Kamailio, SipTcp};
use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

/// Destinations per node. A hash splits them binomially: with 300 a fair split misses a
/// third ±20% on some node in about 4% of runs (2.4 standard deviations), with 600 in about
/// 0.1% (3.5).
const N: usize = 600;
/// A third of N, ±20%.
const SHARE: std::ops::RangeInclusive<usize> = (N / 3 * 4 / 5)..=(N / 3 * 6 / 5);

/// The address of node `node` on the dmq bus: 127.0.0.`node`. dmq (6.0) tells nodes apart by
/// IP address too, so each node has an address of its own; all of them also listen on
/// 127.0.0.1 (the harness's socket, from which they ping: the same port).
fn node_ip(node: usize) -> String {
    format!("127.0.0.{node}")
}

/// One node: dmq on its own SIP port, notifying `notify` (the first node's port, or its own).
fn modules(node: usize, notify: Option<u16>, uas: u16, mode: i32, dests: usize) -> String {
    let notify = notify.map_or("{PORT}".to_string(), |p| p.to_string());
    let ip = node_ip(node);
    let mut m = format!(
        r#"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "textops.so"
loadmodule "kex.so"
loadmodule "dmq.so"
modparam("dmq", "server_address", "sip:{ip}:{{PORT}}")
modparam("dmq", "notification_address", "sip:127.0.0.1:{notify}")
modparam("dmq", "ping_interval", 5)
modparam("dmq", "num_workers", 2)
loadmodule "{{MODDIR}}/keepalive.so"
modparam("keepalive", "ping_interval", 1)
modparam("keepalive", "max_destinations", 1000)
modparam("keepalive", "delete_counter", 0)
modparam("keepalive", "dmq", {mode})
modparam("keepalive", "ping_from", "sip:node{node}@127.0.0.1")
"#
    );
    for i in 0..dests {
        m.push_str(&format!(
            "modparam(\"keepalive\", \"destination\", \"sip:d{i}@127.0.0.1:{uas}\")\n"
        ));
    }
    m
}

const ROUTES: &str = r#"
request_route {
    if (is_method("KDMQ")) {
        dmq_handle_message();
        exit;
    }
    sl_send_reply("404", "Not here");
    exit;
}
event_route[keepalive:dst-up] {
    xlog("L_ERR", "EV-UP $ru\n");
}
event_route[keepalive:dst-down] {
    xlog("L_ERR", "EV-DOWN $ru\n");
}
"#;

fn start_node(node: usize, notify: Option<u16>, uas: u16, mode: i32) -> Kamailio {
    start_with(node, notify, uas, mode, N, "")
}

fn start_with(
    node: usize,
    notify: Option<u16>,
    uas: u16,
    mode: i32,
    dests: usize,
    extra: &str,
) -> Kamailio {
    start_routes(node, notify, uas, mode, dests, extra, ROUTES)
}

fn start_routes(
    node: usize,
    notify: Option<u16>,
    uas: u16,
    mode: i32,
    dests: usize,
    extra: &str,
    routes: &str,
) -> Kamailio {
    start_full(node, notify, uas, mode, dests, extra, routes, None)
}

/// A node with everything chosen: on `port` if given (a restart where it was).
#[allow(clippy::too_many_arguments)]
fn start_full(
    node: usize,
    notify: Option<u16>,
    uas: u16,
    mode: i32,
    dests: usize,
    extra: &str,
    routes: &str,
    port: Option<u16>,
) -> Kamailio {
    let m = format!("{}{extra}\n", modules(node, notify, uas, mode, dests));
    let tag = format!("cluster{node}");
    let cfg = Config {
        globals: &if node > 1 {
            format!("listen=udp:{}:{{PORT}}", node_ip(node))
        } else {
            String::new()
        },
        modules: &m,
        routes,
    };
    match port {
        Some(p) => Kamailio::start_on_port(&tag, cfg, p),
        None => Kamailio::start(&tag, cfg),
    }
}

/// uri -> state number, from `keepalive.list`.
fn states(k: &Kamailio) -> BTreeMap<String, i64> {
    // in pages: a kamcmd reply holds about 100 entries
    let out: String = (0..N.div_ceil(100))
        .map(|p| {
            k.rpc(&["keepalive.list", &(p * 100).to_string(), "100"])
                .unwrap_or_default()
        })
        .collect();
    let mut m = BTreeMap::new();
    let mut uri = None;
    for line in out.lines() {
        let l = line.trim();
        if let Some(u) = l.strip_prefix("uri: ") {
            uri = Some(u.to_string());
        } else if let Some(s) = l.strip_prefix("state: ") {
            if let Some(u) = uri.take() {
                m.insert(u, s.trim().parse().unwrap_or(-1));
            }
        }
    }
    m
}

fn stat(k: &Kamailio, name: &str) -> i64 {
    let out = k
        .rpc(&["stats.get_statistics", "keepalive:"])
        .unwrap_or_default();
    out.lines()
        .filter_map(|l| l.split_once('='))
        .find(|(n, _)| n.trim() == format!("keepalive:{name}"))
        .map_or(-1, |(_, v)| v.trim().parse().unwrap_or(-1))
}

/// Waits until every node shows `want` for all N destinations; returns the time it took.
fn wait_all(nodes: &[&Kamailio], want: i64, secs: u64) -> Option<Duration> {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(secs) {
        if nodes.iter().all(|k| {
            let s = states(k);
            s.len() == N && s.values().all(|&v| v == want)
        }) {
            return Some(t0.elapsed());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    for k in nodes {
        let s = states(k);
        let mut by: BTreeMap<i64, usize> = BTreeMap::new();
        for v in s.values() {
            *by.entry(*v).or_default() += 1;
        }
        eprintln!(
            "node on {}: {} destinations, by state {by:?}",
            k.port,
            s.len()
        );
    }
    None
}

/// Pings per destination and per node received by the UAS since its last clear. A node is
/// told by the From user of its pings (`ping_from`) and the source port (its SIP port, which
/// tm sends from), which must agree: `ports` maps node names to ports.
fn pings_from(
    uas: &Uas,
    ports: &BTreeMap<String, u16>,
) -> BTreeMap<String, BTreeMap<String, usize>> {
    let p = pings(uas);
    for r in uas.received() {
        let node = node_of(&r.from);
        if let Some(&want) = ports.get(&node) {
            assert_eq!(
                r.src_port, want,
                "{node}'s ping to {} from port {}",
                r.ruri, r.src_port
            );
        }
    }
    p
}

fn node_of(from: &str) -> String {
    from.split("sip:")
        .nth(1)
        .and_then(|s| s.split('@').next())
        .unwrap_or("?")
        .to_string()
}

fn pings(uas: &Uas) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut m: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for r in uas.received() {
        if r.method != "OPTIONS" {
            continue;
        }
        let node = node_of(&r.from);
        *m.entry(r.ruri.clone())
            .or_default()
            .entry(node)
            .or_default() += 1;
    }
    m
}

/// Over a window of `secs` seconds: every destination pinged by exactly one node, about once
/// a second; returns the number of destinations each node pinged.
fn check_one_prober(
    uas: &Uas,
    ports: &BTreeMap<String, u16>,
    secs: u64,
) -> BTreeMap<String, usize> {
    uas.clear();
    std::thread::sleep(Duration::from_secs(secs));
    let p = pings_from(uas, ports);
    assert_eq!(p.len(), N, "every destination is pinged");
    let mut share: BTreeMap<String, usize> = BTreeMap::new();
    for (d, by) in &p {
        assert_eq!(by.len(), 1, "{d} pinged by more than one node: {by:?}");
        let (node, n) = by.iter().next().unwrap();
        assert!(ports.contains_key(node), "{d} pinged by {node}");
        let n = *n as u64;
        assert!(
            n + 1 >= secs && n <= secs + 1,
            "{d} pinged {n} times in {secs} s"
        );
        *share.entry(node.clone()).or_default() += 1;
    }
    share
}

fn kill9(k: &mut Kamailio) {
    // the main process and its children, each by pid
    let pid = k.pid();
    let out = Command::new("ps")
        .args(["-o", "pid=", "--ppid", &pid.to_string()])
        .output()
        .expect("ps");
    let mut pids: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    pids.push(pid.to_string());
    let _ = Command::new("kill").arg("-9").args(&pids).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while k.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn three_nodes_share_probing_and_state() {
    let uas = Uas::start(0, Answer::Code(200));
    let u = uas.port();
    let k1 = start_node(1, None, u, 1);
    let k2 = start_node(2, Some(k1.port), u, 1);
    let mut k3 = start_node(3, Some(k1.port), u, 1);

    // all up on every node, once each node's events ran once per destination
    let t = wait_all(&[&k1, &k2, &k3], 1, 30);
    assert!(t.is_some(), "all nodes up: {:?}", [states(&k1).len()]);
    std::thread::sleep(Duration::from_secs(3));
    let mut ports: BTreeMap<String, u16> = [("node1", &k1), ("node2", &k2), ("node3", &k3)]
        .iter()
        .map(|(n, k)| (n.to_string(), k.port))
        .collect();
    let share = check_one_prober(&uas, &ports, 4);
    eprintln!("figures: destinations pinged per node (of {N}): {share:?}");
    assert_eq!(share.len(), 3, "all three nodes probe: {share:?}");
    for (n, c) in &share {
        assert!(
            SHARE.contains(c),
            "{n} probes {c} of {N}, not a third ±20%: {share:?}"
        );
    }
    for k in [&k1, &k2, &k3] {
        assert_eq!(k.log_count("EV-UP"), N, "dst-up ran once per destination");
        assert_eq!(k.log_count("EV-DOWN"), 0);
        let here = stat(k, "destinations_probed_here");
        assert!(
            SHARE.contains(&(here as usize)),
            "destinations_probed_here {here}"
        );
    }
    assert!(stat(&k1, "dmq_updates_sent") > 0 && stat(&k1, "dmq_updates_received") > 0);

    // 503: every node down within 2 intervals of the change, one event each
    uas.set(Answer::Code(503));
    let t = wait_all(&[&k1, &k2, &k3], 2, 10).expect("all down");
    eprintln!("figures: 200 -> 503: all 3 nodes agree (all down) after {t:?}");
    assert!(
        t <= Duration::from_millis(2_500),
        "down on all nodes after {t:?}"
    );
    std::thread::sleep(Duration::from_secs(2));
    for k in [&k1, &k2, &k3] {
        assert_eq!(
            k.log_count("EV-DOWN"),
            N,
            "dst-down ran once per destination"
        );
    }
    // silence: still down, no new events; then 200 again: up everywhere within 2 intervals
    uas.set(Answer::Silent);
    std::thread::sleep(Duration::from_secs(3));
    assert!(wait_all(&[&k1, &k2, &k3], 2, 1).is_some());
    uas.set(Answer::Code(200));
    let t = wait_all(&[&k1, &k2, &k3], 1, 10).expect("all up again");
    eprintln!("figures: silence -> 200: all 3 nodes agree (all up) after {t:?}");
    assert!(
        t <= Duration::from_millis(2_500),
        "up on all nodes after {t:?}"
    );
    std::thread::sleep(Duration::from_secs(2));
    for k in [&k1, &k2, &k3] {
        assert_eq!(k.log_count("EV-UP"), 2 * N);
        assert_eq!(k.log_count("EV-DOWN"), N);
    }

    // garbage for our peer: dropped, logged once, nothing changes, the node keeps serving
    let garbage = format!(
        "KDMQ sip:keepalive@127.0.0.1:{p} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKgarbage1\r\n\
         From: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:keepalive@127.0.0.1:{p}>\r\nCall-ID: garbage-1\r\n\
         CSeq: 1 KDMQ\r\nMax-Forwards: 1\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\nKA\x01\x02junk",
        p = k2.port
    );
    let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for _ in 0..3 {
        s.send_to(garbage.as_bytes(), k2.addr()).unwrap();
    }
    assert!(k2.wait_log("dropped a KDMQ body for peer keepalive", 5));
    std::thread::sleep(Duration::from_secs(1));
    assert!(states(&k2).values().all(|&v| v == 1));
    assert_eq!(k2.log_count("EV-DOWN"), N);

    // kill -9 node 3: its share goes to the others within the membership timeout (3 s) + 1
    // interval, states stay right
    let k3_port = k3.port;
    kill9(&mut k3);
    let killed = Instant::now();
    std::thread::sleep(Duration::from_millis(4_500));
    uas.clear();
    std::thread::sleep(Duration::from_secs(3));
    ports.remove("node3");
    let p = pings_from(&uas, &ports);
    assert_eq!(
        p.len(),
        N,
        "all destinations pinged {:?} after the kill",
        killed.elapsed()
    );
    for (d, by) in &p {
        assert!(!by.contains_key("node3"), "{d}: {by:?}");
        assert_eq!(by.len(), 1, "{d}: {by:?}");
    }
    assert!(states(&k1).values().all(|&v| v == 1));

    // restart: it syncs, then takes its share back
    // on its old address (dmq 6.0 would take a new port on the same IP for the old node)
    let k3 = start_full(3, Some(k1.port), u, 1, N, "", ROUTES, Some(k3_port));
    assert!(wait_all(&[&k3], 1, 10).is_some(), "node 3 has the state");
    std::thread::sleep(Duration::from_secs(4));
    ports.insert("node3".into(), k3.port);
    let share = check_one_prober(&uas, &ports, 3);
    assert_eq!(share.len(), 3, "node 3 probes again: {share:?}");
    assert!(
        k3.log_count("EV-UP") == N,
        "one dst-up per destination on the new node 3"
    );
    drop(k3);
    drop(k2);
    drop(k1);
}

#[test]
fn dmq_zero_probes_on_every_node() {
    // dmq loaded but keepalive's `dmq` 0: two nodes each ping every destination
    let uas = Uas::start(0, Answer::Code(200));
    let u = uas.port();
    let k1 = start_node(1, None, u, 0);
    let k2 = start_node(2, Some(k1.port), u, 0);
    assert!(wait_all(&[&k1, &k2], 1, 10).is_some());
    uas.clear();
    std::thread::sleep(Duration::from_secs(3));
    let p = pings(&uas);
    assert_eq!(p.len(), N);
    for (d, by) in &p {
        assert_eq!(by.len(), 2, "{d}: {by:?}");
    }
    assert_eq!(stat(&k1, "dmq_updates_sent"), 0);
}

/// `keepalive.get` field `name` of `uri` (owner `owner`), if the destination is there.
fn get_field(k: &Kamailio, uri: &str, owner: &str, name: &str) -> Option<String> {
    let out = k.rpc(&["keepalive.get", uri, owner]).ok()?;
    out.lines().find_map(|l| {
        l.trim()
            .strip_prefix(&format!("{name}: "))
            .map(str::to_string)
    })
}

fn wait_for(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(secs) {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn every_node_mode_and_replicated_adds() {
    // `dmq` 2: both nodes probe, each keeps its own view and sees the other's; RPC adds and
    // deletes go to the other node too
    let uas = Uas::start(0, Answer::Code(200));
    let u = uas.port();
    let rep = "modparam(\"keepalive\", \"dmq_replicate_adds\", 1)";
    let k1 = start_with(1, None, u, 2, 0, rep);
    let k2 = start_with(2, Some(k1.port), u, 2, 0, rep);
    let d = format!("sip:r1@127.0.0.1:{u}");
    // dmq needs a moment to know both nodes
    assert!(wait_for(15, || {
        let _ = k1.rpc(&["keepalive.add", &d, "ops"]);
        std::thread::sleep(Duration::from_millis(500));
        get_field(&k2, &d, "ops", "uri").is_some()
    }));
    assert!(wait_for(5, || get_field(&k1, &d, "ops", "state")
        .as_deref()
        == Some("1")
        && get_field(&k2, &d, "ops", "state").as_deref() == Some("1")));
    uas.clear();
    std::thread::sleep(Duration::from_secs(3));
    let p = pings(&uas);
    let by = &p[&d];
    assert!(by.get("node1").copied().unwrap_or(0) >= 2, "{by:?}");
    assert!(by.get("node2").copied().unwrap_or(0) >= 2, "{by:?}");
    uas.set(Answer::Code(503));
    assert!(wait_for(5, || get_field(
        &k1,
        &d,
        "ops",
        "cluster_peers_down"
    )
    .as_deref()
        == Some("1")));
    assert_eq!(
        get_field(&k1, &d, "ops", "cluster_peers").as_deref(),
        Some("1")
    );
    assert_eq!(get_field(&k1, &d, "ops", "state").as_deref(), Some("2"));
    // an add on node 2 for another owner, then deletes: replicated both ways
    k2.rpc(&["keepalive.add", &d, "other"]).unwrap();
    assert!(wait_for(5, || get_field(&k1, &d, "other", "uri").is_some()));
    k1.rpc(&["keepalive.del", &d, "ops"]).unwrap();
    assert!(wait_for(5, || get_field(&k2, &d, "ops", "uri").is_none()));
    assert!(
        get_field(&k2, &d, "other", "uri").is_some(),
        "only that owner's"
    );
}

#[test]
fn api_callbacks_run_once_per_change_on_every_node() {
    // an API user (the kaapi fixture) on each of two nodes registers the same destination
    // with a state callback: it runs once per change on both, though one node probes
    let routes = r#"
request_route {
    if (is_method("KDMQ")) {
        dmq_handle_message();
        exit;
    }
    if ($rU == "kaapi") {
        kaapi_add("$hdr(X-Dest)", "api");
    }
    sl_send_reply("200", "OK");
    exit;
}
"#;
    let uas = Uas::start(0, Answer::Code(200));
    let u = uas.port();
    let extra = "loadmodule \"{TESTMODDIR}/kaapi.so\"";
    let k1 = start_routes(1, None, u, 1, 0, extra, routes);
    let k2 = start_routes(2, Some(k1.port), u, 1, 0, extra, routes);
    let d = format!("sip:api1@127.0.0.1:{u}");
    for k in [&k1, &k2] {
        SipTcp::connect(k.addr()).request("kaapi", &[("X-Dest", &d)]);
    }
    let cb = |state: i32| format!("KAAPI cb {d} {state}");
    assert!(wait_for(15, || k1.log_count(&cb(1)) == 1
        && k2.log_count(&cb(1)) == 1));
    uas.clear();
    std::thread::sleep(Duration::from_secs(3));
    let p = pings(&uas);
    assert_eq!(p[&d].len(), 1, "one node probes: {:?}", p[&d]);
    uas.set(Answer::Code(503));
    assert!(wait_for(5, || k1.log_count(&cb(2)) == 1 && k2.log_count(&cb(2)) == 1));
    std::thread::sleep(Duration::from_secs(2));
    for k in [&k1, &k2] {
        assert_eq!((k.log_count(&cb(1)), k.log_count(&cb(2))), (1, 1));
    }
}
