//! keepalive's cluster mode (`dmq` 1) against three real Kamailio nodes on this host joined
//! by the stock dmq module, and one UAS monitored by all three through 600 destinations.

use kit as common;

use common::cfg::kdmq_route;
use common::cluster::*;
use common::uas::{Answer, Uas};
use common::SipTcp;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Destinations per node. A hash splits them binomially: with 300 a fair split misses a
/// third ±20% on some node in about 4% of runs (2.4 standard deviations), with 600 in about
/// 0.1% (3.5).
const N: usize = 600;
/// A third of N, ±20%.
const SHARE: std::ops::RangeInclusive<usize> = (N / 3 * 4 / 5)..=(N / 3 * 6 / 5);

#[test]
fn three_nodes_share_probing_and_state() {
    let uas = Uas::start(0, Answer::Code(200));
    let u = uas.port();
    let k1 = start_node(1, None, u, 1, N);
    let k2 = start_node(2, Some(k1.port), u, 1, N);
    let mut k3 = start_node(3, Some(k1.port), u, 1, N);

    // all up on every node, once each node's events ran once per destination
    let t = wait_all(&[&k1, &k2, &k3], N, 1, 30);
    assert!(t.is_some(), "all nodes up: {:?}", [states(&k1, N).len()]);
    std::thread::sleep(Duration::from_secs(3));
    let mut ports: BTreeMap<String, u16> = [("node1", &k1), ("node2", &k2), ("node3", &k3)]
        .iter()
        .map(|(n, k)| (n.to_string(), k.port))
        .collect();
    let share = check_one_prober(&uas, &ports, N, 4);
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
        assert_eq!(stat(k, "cluster_peers"), 2, "each node hears the other two");
    }
    assert!(stat(&k1, "dmq_updates_sent") > 0 && stat(&k1, "dmq_updates_received") > 0);

    // 503: every node down within 2 intervals of the change, one event each
    uas.set(Answer::Code(503));
    let t = wait_all(&[&k1, &k2, &k3], N, 2, 10).expect("all down");
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
    assert!(wait_all(&[&k1, &k2, &k3], N, 2, 1).is_some());
    uas.set(Answer::Code(200));
    let t = wait_all(&[&k1, &k2, &k3], N, 1, 10).expect("all up again");
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
    assert!(states(&k2, N).values().all(|&v| v == 1));
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
    for k in [&k1, &k2] {
        assert_eq!(stat(k, "cluster_peers"), 1, "node 3 is gone");
    }
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
    assert!(states(&k1, N).values().all(|&v| v == 1));

    // restart: it syncs, then takes its share back
    // on its old address (dmq 6.0 would take a new port on the same IP for the old node)
    let k3 = Node::new(3, Some(k1.port), u, 1, N)
        .on_port(k3_port)
        .start();
    assert!(wait_all(&[&k3], N, 1, 10).is_some(), "node 3 has the state");
    std::thread::sleep(Duration::from_secs(4));
    ports.insert("node3".into(), k3.port);
    let share = check_one_prober(&uas, &ports, N, 3);
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
    let k1 = start_node(1, None, u, 0, N);
    let k2 = start_node(2, Some(k1.port), u, 0, N);
    assert!(wait_all(&[&k1, &k2], N, 1, 10).is_some());
    uas.clear();
    std::thread::sleep(Duration::from_secs(3));
    let p = pings(&uas);
    assert_eq!(p.len(), N);
    for (d, by) in &p {
        assert_eq!(by.len(), 2, "{d}: {by:?}");
    }
    assert_eq!(stat(&k1, "dmq_updates_sent"), 0);
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
    let routes = kdmq_route(KAAPI_ROUTE);
    let uas = Uas::start(0, Answer::Code(200));
    let u = uas.port();
    let extra = "loadmodule \"{TESTMODDIR}/kaapi.so\"";
    let k1 = Node::new(1, None, u, 1, 0)
        .extra(extra)
        .routes(&routes)
        .start();
    let k2 = Node::new(2, Some(k1.port), u, 1, 0)
        .extra(extra)
        .routes(&routes)
        .start();
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

#[test]
fn a_large_table_is_shared_whatever_the_receivers_message_limit() {
    // 2,000 destinations: each node's digest is about 59 KB, over Kamailio 6.0's default
    // msg_recv_max_size (32,767 bytes), which drops a longer KDMQ; sent in parts that fit,
    // both nodes see each other and split the probing
    const BIG: usize = 2_000;
    let uas = Uas::start(0, Answer::Code(200));
    let u = uas.port();
    let extra = "modparam(\"keepalive\", \"max_destinations\", 4000)\n\
                 modparam(\"keepalive\", \"ping_interval\", 2)\n";
    let k1 = start_with(1, None, u, 1, BIG, extra);
    let k2 = start_with(2, Some(k1.port), u, 1, BIG, extra);
    assert!(wait_all(&[&k1, &k2], BIG, 1, 30).is_some(), "all up");
    let split = || {
        [
            stat(&k1, "destinations_probed_here"),
            stat(&k2, "destinations_probed_here"),
        ]
    };
    common::poll_until(Duration::from_secs(15), Duration::from_millis(500), || {
        split().iter().sum::<i64>() == BIG as i64
    });
    std::thread::sleep(Duration::from_secs(6));
    let here = split();
    eprintln!("figures: {BIG} destinations probed per node: {here:?}");
    assert_eq!(
        here.iter().sum::<i64>(),
        BIG as i64,
        "each destination probed by one node: {here:?}"
    );
    for h in here {
        assert!((800..=1_200).contains(&h), "a fair share: {here:?}");
    }
}

#[test]
fn replicated_adds_carry_attributes() {
    // attributes of an RPC add and of keepalive.set reach the other node; attributes the
    // other node cannot take (a socket it does not listen on) are refused there, whole
    let uas = Uas::start(0, Answer::Code(200));
    let u = uas.port();
    let rep = "modparam(\"keepalive\", \"dmq_replicate_adds\", 1)";
    let k1 = start_with(1, None, u, 2, 0, rep);
    let k2 = start_with(2, Some(k1.port), u, 2, 0, rep);
    let d = format!("sip:a1@127.0.0.1:{u}");
    assert!(wait_for(15, || {
        let _ = k1.rpc(&["keepalive.add", &d, "ops", "interval=2;timeout=700"]);
        std::thread::sleep(Duration::from_millis(500));
        get_field(&k2, &d, "ops", "uri").is_some()
    }));
    assert_eq!(
        get_field(&k2, &d, "ops", "attrs").as_deref(),
        Some("interval=2;timeout=700")
    );
    assert_eq!(get_field(&k2, &d, "ops", "interval").as_deref(), Some("2"));
    k2.rpc(&["keepalive.set", &d, "interval=3;timeout="])
        .unwrap();
    assert!(wait_for(5, || get_field(&k1, &d, "ops", "attrs")
        .as_deref()
        == Some("interval=3")));
    // node 1's own socket: taken there, refused on node 2 (nothing added)
    let own = format!("udp:{}:{}", node_ip(1), k1.port);
    let d2 = format!("sip:a2@127.0.0.1:{u}");
    k1.rpc(&["keepalive.add", &d2, "ops", &format!("socket={own}")])
        .unwrap();
    assert!(k2.wait_log("replicated attributes of", 5));
    assert!(k2.log_text().contains("is not a listening socket"));
    assert!(get_field(&k2, &d2, "ops", "uri").is_none());
    assert!(get_field(&k1, &d2, "ops", "attrs").is_some_and(|a| a.contains(&own)));
}
