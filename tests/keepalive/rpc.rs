//! keepalive's RPC commands: bad input, paged listings of spread pings, and every RPC
//! transport (kamcmd, jsonrpcs datagram, FIFO and HTTP, xmlrpc) getting every entry.

use super::*;

#[test]
fn rpc_commands_bad_input_and_no_leak() {
    let uas = Uas::start(0, Answer::Code(200));
    // short tm timers: pings to the unanswered test destinations end quickly
    let k = start(
        "ka-rpc",
        "children=3",
        "modparam(\"tm\", \"fr_timer\", 1000)\nmodparam(\"tm\", \"wt_timer\", 500)",
    );
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    let mut c = SipTcp::connect(k.addr());

    assert!(k
        .rpc(&["keepalive.add", &uri, "rpc"])
        .unwrap()
        .contains("Ok"));
    assert!(
        k.rpc(&["keepalive.add", &uri, "rpc"]).is_ok(),
        "idempotent add"
    );
    // seen by ka_is_alive in the SIP workers (added in the RPC process)
    assert!(wait_state(&k, &uri, "rpc", "1", 5));
    assert_eq!(rc(&mut c, "alive", &uri, ""), 1);
    let out = k.rpc(&["keepalive.list"]).unwrap();
    assert_eq!(field(&out, &uri, "owner").as_deref(), Some("rpc"));

    for bad in [
        vec!["keepalive.add"],
        vec!["keepalive.add", uri.as_str()],
        vec!["keepalive.add", "sip:bad host", "rpc"],
        vec!["keepalive.get", &uri],
        vec!["keepalive.get", &uri, "nobody"],
        vec!["keepalive.del", "sip:10.9.9.9", "rpc"],
        vec!["keepalive.del"],
    ] {
        assert!(k.rpc(&bad).is_err(), "{bad:?} must fail");
    }
    let long = format!("sip:{}", "a".repeat(8192));
    assert!(k.rpc(&["keepalive.add", &long, "rpc"]).is_err());

    assert!(k
        .rpc(&["keepalive.del", &uri, "rpc"])
        .unwrap()
        .contains("removed"));
    assert_eq!(rc(&mut c, "alive", &uri, ""), -1);
    assert!(k.rpc(&["keepalive.flush"]).is_ok());
    assert!(k.rpc(&["keepalive.flush"]).is_ok(), "flushing twice");

    // many add/del/flush cycles with pings in flight: shm returns to its level
    // keys of several lengths, so freed key blocks of each size are reused
    let dest = |i: u16| match i % 3 {
        0 => format!("sip:127.0.0.{}:{}", 2 + i % 200, 5060 + i),
        1 => format!(
            "sip:u{i}@127.0.0.{}:{};transport=tcp",
            2 + i % 200,
            5060 + i
        ),
        _ => format!(
            "sip:a-rather-long-user-name-{i}@127.0.0.{}:{};transport=tcp",
            2 + i % 200,
            5060 + i
        ),
    };
    let mut cycle = |n: u16| {
        for i in 0..n {
            k.rpc(&["keepalive.add", &dest(i), "cycle"]).unwrap();
        }
        assert_eq!(rc(&mut c, "alive", &dest(n - 1), ""), 1);
        std::thread::sleep(Duration::from_millis(700));
        for i in 0..n / 2 {
            k.rpc(&["keepalive.del", &dest(i), "cycle"]).unwrap();
        }
        k.rpc(&["keepalive.flush"]).unwrap();
    };
    cycle(150);
    std::thread::sleep(Duration::from_secs(4));
    let before = k.shm_used();
    for _ in 0..3 {
        cycle(150);
    }
    std::thread::sleep(Duration::from_secs(4)); // tm keeps finished transactions a while
    let after = k.shm_used();
    assert!(
        after <= before + 16 * 1024,
        "shm grew from {before} to {after} over add/del cycles"
    );
    assert!(k.rpc(&["core.version"]).is_ok());
}

#[test]
fn pings_spread_over_the_interval_and_list_pages() {
    let uas = Uas::start(0, Answer::Code(200));
    let k = start(
        "ka-spread",
        "",
        "modparam(\"keepalive\", \"ping_interval\", 2)",
    );
    let n = 100;
    for i in 0..n {
        let d = format!("sip:u{i}@127.0.0.1:{}", uas.port());
        k.rpc(&["keepalive.add", &d, "spread"]).unwrap();
    }
    std::thread::sleep(Duration::from_secs(5));
    uas.clear();
    let start = Instant::now();
    std::thread::sleep(Duration::from_secs(5));
    let got = uas.received();
    // every destination is pinged once per interval: consecutive pings 2 s apart (± a tick)
    for i in 0..n {
        let d = format!("sip:u{i}@127.0.0.1:{}", uas.port());
        let at: Vec<Duration> = got
            .iter()
            .filter(|r| r.ruri == d)
            .map(|r| r.at.duration_since(start))
            .collect();
        assert!(at.len() >= 2, "{d} pinged at {at:?}");
        for w in at.windows(2) {
            let gap = w[1] - w[0];
            assert!(
                gap >= Duration::from_millis(1700) && gap <= Duration::from_millis(2300),
                "{d}: pings {gap:?} apart ({at:?})"
            );
        }
    }
    let mut buckets = [0usize; 20];
    for r in got
        .iter()
        .filter(|r| r.at.duration_since(start) < Duration::from_secs(2))
    {
        buckets[(r.at.duration_since(start).as_millis() / 100).min(19) as usize] += 1;
    }
    let max = *buckets.iter().max().unwrap();
    assert!(
        max <= 15,
        "100 pings per 2 s go out about 5 per 100 ms, not in bursts: {buckets:?}"
    );

    let page = k.rpc(&["keepalive.list", "10", "5"]).unwrap();
    assert_eq!(page.matches("uri: ").count(), 5);
    let all = k.rpc(&["keepalive.list"]).unwrap();
    assert_eq!(all.matches("uri: ").count(), n);
    assert_eq!(
        k.rpc(&["keepalive.list", "200"])
            .unwrap()
            .matches("uri: ")
            .count(),
        0
    );
    assert!(k.rpc(&["keepalive.list", "x"]).is_err());
}

#[test]
fn every_rpc_transport_gets_every_list_entry() {
    let uas = Uas::start(0, Answer::Code(200));
    let jport = port();
    let k = start_rpc("ka-transports", "", jport, "");
    let dests: Vec<String> = (1..=3)
        .map(|i| format!("sip:u{i}@127.0.0.1:{}", uas.port()))
        .collect();
    for d in &dests {
        k.rpc(&["keepalive.add", d, "rpc"]).unwrap();
    }
    let mut want = dests.clone();
    want.sort();
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    // binrpc (kamcmd)
    let out = k.rpc(&["keepalive.list"]).unwrap();
    assert_eq!(sorted(kamcmd_uris(&out)), want, "{out}");
    // JSON-RPC: datagram, FIFO, HTTP
    let mut udp = JsonUdp::new(jport, Duration::from_secs(10));
    let mut fifo = JsonFifo::new(&k.dir.path().join("jsonrpc.fifo"), k.dir.path());
    let http = |m: &str, p: &[&str]| json_http(k.addr(), "/jsonrpc", m, p).unwrap();
    type Call<'a> = Box<dyn FnMut(&str, &[&str]) -> serde_json::Value + 'a>;
    let checks: Vec<(&str, Call)> = vec![
        ("datagram", Box::new(|m, p| udp.call(m, p).unwrap())),
        ("fifo", Box::new(|m, p| fifo.call(m, p).unwrap())),
        ("http", Box::new(http)),
    ];
    for (name, mut call) in checks {
        let r = call("keepalive.list", &[]);
        assert_eq!(sorted(json_uris(&r)), want, "{name}: {r}");
        let r = call("keepalive.list", &["1", "2"]);
        assert_eq!(json_uris(&r).len(), 2, "{name}: {r}");
        let r = call("keepalive.stats", &[]);
        assert_eq!(sorted(json_uris(&r)), want, "{name}: {r}");
        // one entry: one object, as the C module answers (`result.state`), not an array
        let r = call("keepalive.get", &[&dests[1], "rpc"]);
        assert_eq!(r["result"]["uri"], dests[1].as_str(), "{name}: {r}");
        assert!(r["result"]["state"].is_i64(), "{name}: {r}");
        assert_eq!(r["result"]["owner"], "rpc", "{name}: {r}");
        let r = call("keepalive.list", &["5"]);
        assert_eq!(json_uris(&r).len(), 0, "{name}: past the end: {r}");
    }
    // XML-RPC
    let x = xmlrpc(k.addr(), "/RPC2", "keepalive.list", &[]).unwrap();
    for d in &dests {
        assert!(x.contains(&format!("<string>{d}</string>")), "{d} in {x}");
    }
    assert_eq!(x.matches("<name>uri</name>").count(), 3, "{x}");
    // integers as the C module adds them: an xmlrpc <int>, a binrpc integer (not a double)
    assert_eq!(
        x.matches("<name>state</name><value><int>").count(),
        3,
        "{x}"
    );
    assert!(!x.contains("<double>"), "{x}");
    match binrpc::call(&k.ctl, "keepalive.list", &[], Duration::from_secs(10)) {
        Ok(Ok(v)) => {
            assert_eq!(v.len(), 3, "{v:?}");
            for e in &v {
                assert!(
                    matches!(e.get("state"), Some(binrpc::Value::Int(_))),
                    "{e:?}"
                );
                assert!(
                    matches!(e.get("last_code"), Some(binrpc::Value::Int(_))),
                    "{e:?}"
                );
            }
        }
        other => panic!("binrpc keepalive.list: {other:?}"),
    }
    let x = xmlrpc(k.addr(), "/RPC2", "keepalive.stats", &["0", "3"]).unwrap();
    assert_eq!(x.matches("<name>uri</name>").count(), 3, "{x}");
    // one entry: a struct, no array around it
    let x = xmlrpc(k.addr(), "/RPC2", "keepalive.get", &[&dests[0], "rpc"]).unwrap();
    assert_eq!(x.matches("<name>uri</name>").count(), 1, "{x}");
    assert!(!x.contains("<array>"), "{x}");
}
