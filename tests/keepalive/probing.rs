//! Probing and destination state: state changes and their events, hysteresis, reply codes,
//! timeouts and `remove_unreachable`, cfg additions and deletions, `max_destinations`, and
//! module parameters that refuse to start.

use super::*;

#[test]
fn probing_drives_state_events_and_is_alive() {
    let up = Uas::start(0, Answer::Code(200));
    let k = start(
        "ka-state",
        "",
        &format!(
            "modparam(\"keepalive\", \"destination\", \"127.0.0.1:{}\")",
            up.port()
        ),
    );
    let uri = format!("sip:127.0.0.1:{}", up.port());
    let mut c = SipTcp::connect(k.addr());
    // every written form of the destination is the same destination
    assert!(
        wait_state(&k, &uri, "_params", "1", 5),
        "up after the first 200"
    );
    for form in [
        format!("127.0.0.1:{}", up.port()),
        format!("SIP:127.0.0.1:{};transport=UDP", up.port()),
        format!("sip:127.0.0.1:{};lr", up.port()),
    ] {
        assert_eq!(rc(&mut c, "alive", &form, ""), 1, "{form}");
    }
    assert_eq!(rc(&mut c, "isalive", &uri, ""), 1, "is_alive alias");
    assert!(k.wait_log(&format!("EV-UP {uri}"), 3));
    let ping = up.received().into_iter().next().expect("a ping");
    assert_eq!(ping.method, "OPTIONS");
    assert_eq!(ping.ruri, uri);
    assert!(ping.from.contains("sip:keepalive@kamailio.org"));

    up.set(Answer::Code(503));
    assert!(wait_alive(&mut c, &uri, 2, 5), "down after a 503");
    assert!(k.wait_log(&format!("EV-DOWN {uri}"), 3));
    up.set(Answer::Silent);
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(rc(&mut c, "alive", &uri, ""), 2, "still down while silent");
    up.set(Answer::Code(200));
    assert!(wait_alive(&mut c, &uri, 1, 5), "up again");
    assert_eq!(k.log_count(&format!("EV-UP {uri}")), 2);
    assert_eq!(
        k.log_count(&format!("EV-DOWN {uri}")),
        1,
        "one event per change"
    );

    let out = k.rpc(&["keepalive.get", &uri, "_params"]).unwrap();
    assert_eq!(field(&out, &uri, "state").as_deref(), Some("1"));
    assert_eq!(field(&out, &uri, "last_code").as_deref(), Some("200"));
    let pings: u64 = field(&out, &uri, "pings").unwrap().parse().unwrap();
    let replies: u64 = field(&out, &uri, "replies").unwrap().parse().unwrap();
    // (a 1 s schedule may slip under load: the sequence above makes at least 4 pings, 3
    // answered and one timed out while the UAS was silent)
    assert!(pings >= 4 && replies >= 3 && pings > replies, "{out}");
    // each field must be there (a missing one must not pass as "not 0 / not never")
    let present =
        |name: &str| field(&out, &uri, name).unwrap_or_else(|| panic!("no {name} in {out}"));
    let rtt: u64 = present("rtt_avg_us").parse().unwrap();
    assert!(rtt > 0, "{out}");
    assert_ne!(present("last up"), "never");
    assert_ne!(present("last down"), "never");
    assert_ne!(present("last checked"), "never");

    // unknown, malformed and oversized destinations: -1, Kamailio keeps serving
    let big = "a".repeat(8192);
    for bad in [
        "sip:127.0.0.1:1",
        "sip:",
        "127.0.0.1:abc",
        "tel:+1234",
        big.as_str(),
    ] {
        assert_eq!(
            rc(&mut c, "alive", bad, ""),
            -1,
            "{}",
            &bad[..bad.len().min(20)]
        );
    }
}

#[test]
fn cfg_add_del_unknown_state_and_delete_counter() {
    let silent = Uas::start(0, Answer::Silent);
    let k = start(
        "ka-cfg",
        "children=4\ntcp_children=4",
        "modparam(\"keepalive\", \"delete_counter\", 2)",
    );
    let uri = format!("sip:127.0.0.1:{}", silent.port());
    let mut a = SipTcp::connect(k.addr());
    let mut b = SipTcp::connect(k.addr());
    assert_eq!(rc(&mut a, "alive", &uri, ""), -1, "not monitored yet");
    assert_eq!(rc(&mut a, "add", &uri, "cfg"), 1);
    assert_eq!(
        rc(&mut a, "add", &uri, "cfg"),
        1,
        "adding twice is harmless"
    );
    // never probed yet: unknown, reported as up (as the C module) and as state 0 by RPC
    assert_eq!(rc(&mut b, "alive", &uri, ""), 1);
    let out = k.rpc(&["keepalive.list"]).unwrap();
    assert_eq!(field(&out, &uri, "state").as_deref(), Some("0"), "{out}");
    assert_eq!(field(&out, &uri, "state_name").as_deref(), Some("unknown"));

    // silent: down after the first unanswered ping, probing stops after delete_counter + 1
    assert!(wait_alive(&mut b, &uri, 2, 5));
    wait_until(Duration::from_secs(10), || {
        let out = k.rpc(&["keepalive.get", &uri, "cfg"]).unwrap();
        field(&out, &uri, "probing").as_deref() == Some("stopped")
    });
    let pings = |k: &Kamailio| {
        let out = k.rpc(&["keepalive.get", &uri, "cfg"]).unwrap();
        field(&out, &uri, "pings").unwrap().parse::<u64>().unwrap()
    };
    assert_eq!(
        pings(&k),
        3,
        "delete_counter 2: three unanswered pings, then none"
    );
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(pings(&k), 3, "no more pings after delete_counter");
    assert_eq!(rc(&mut a, "alive", &uri, ""), 2, "stays listed as down");

    // re-adding restarts probing
    silent.set(Answer::Code(200));
    assert_eq!(rc(&mut a, "add", &uri, "cfg"), 1);
    assert!(
        wait_state(&k, &uri, "cfg", "1", 5),
        "probing restarted by a re-add"
    );

    // a second owner keeps the destination alive when the first one deletes it
    assert_eq!(
        rc(
            &mut a,
            "add",
            &format!("127.0.0.1:{}", silent.port()),
            "other"
        ),
        1
    );
    assert_eq!(rc(&mut a, "del", &uri, "cfg"), 1);
    assert_eq!(rc(&mut b, "alive", &uri, ""), 1);
    assert_eq!(rc(&mut a, "del", &uri, "cfg"), -1, "already deleted");
    assert_eq!(rc(&mut a, "del", &uri, "other"), 1);
    assert_eq!(
        rc(&mut b, "alive", &uri, ""),
        -1,
        "gone with its last owner"
    );
    // sips: destinations are found by ka_is_alive (the C module never matches them); without
    // a TLS module the ping cannot be sent, which counts as a failure
    let sips = format!("sips:127.0.0.1:{}", silent.port());
    assert_eq!(rc(&mut a, "add", &sips, "cfg"), 1);
    assert_eq!(rc(&mut b, "alive", &sips, ""), 1, "unknown yet");
    assert!(
        wait_alive(&mut b, &sips, 2, 5),
        "a sips: destination changes state"
    );
    assert_eq!(
        rc(
            &mut b,
            "alive",
            &format!("SIPS:127.0.0.1:{}", silent.port()),
            ""
        ),
        2
    );
    assert_eq!(rc(&mut a, "add", "sip:[::1", "cfg"), -1);
    assert_eq!(rc(&mut a, "add", &uri, ""), -1, "empty owner");
    assert_eq!(rc(&mut a, "add", &"x".repeat(8192), "cfg"), -1);
}

#[test]
fn hysteresis_alive_codes_and_event_callback_free_routes() {
    let uas = Uas::start(0, Answer::Code(404));
    let k = start(
        "ka-hyst",
        "",
        &format!(
            "modparam(\"keepalive\", \"destination\", \"sip:127.0.0.1:{}\")\n\
             modparam(\"keepalive\", \"alive_codes\", \"2xx,404\")\n\
             modparam(\"keepalive\", \"down_after\", 3)\n\
             modparam(\"keepalive\", \"up_after\", 2)",
            uas.port()
        ),
    );
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    let mut c = SipTcp::connect(k.addr());
    assert!(uas.wait_count(2, 5));
    assert!(
        wait_state(&k, &uri, "_params", "1", 3),
        "404 counts as alive here"
    );
    assert!(k.wait_log(&format!("EV-UP {uri}"), 3));
    uas.set(Answer::Code(500));
    let n = uas.count();
    assert!(uas.wait_count(n + 2, 5));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        rc(&mut c, "alive", &uri, ""),
        1,
        "two failures are not enough"
    );
    assert!(
        wait_alive(&mut c, &uri, 2, 4),
        "down after the third failure"
    );
}

#[test]
fn bad_modparams_refuse_to_start() {
    // each bad setting stops Kamailio with the log line that names it (not any failure:
    // a panic in mod_init would stop it too)
    let two = "modparam(\"keepalive\", \"destination\", \"sip:127.0.0.1:5098\")\n\
               modparam(\"keepalive\", \"destination\", \"sip:127.0.0.2:5098\")\n\
               modparam(\"keepalive\", \"max_destinations\", 1)";
    for (p, line) in [
        (
            "modparam(\"keepalive\", \"destination\", \"sip:[::1\")",
            "bad destination 'sip:[::1'",
        ),
        (
            "modparam(\"keepalive\", \"alive_codes\", \"2xx,9\")",
            "alive_codes: bad reply code or class '9'",
        ),
        (
            "modparam(\"keepalive\", \"alive_codes\", \"7xx\")",
            "alive_codes: bad reply code or class '7xx'",
        ),
        (
            "modparam(\"keepalive\", \"ping_interval\", 0)",
            "ping_interval must be from 1 to 4294967 (got 0)",
        ),
        (
            "modparam(\"keepalive\", \"max_destinations\", -2)",
            "max_destinations must be from 0 to",
        ),
        (
            two,
            "destination sip:127.0.0.2:5098: max_destinations (1) reached",
        ),
    ] {
        let cfg = format!(
            "#!KAMAILIO\nlisten=udp:127.0.0.1:{}\nmpath=\"{}\"\nloadmodule \"tm.so\"\nloadmodule \"{}/keepalive.so\"\n{p}\nrequest_route {{ exit; }}\n",
            port(),
            common::stock_modules_dir().display(),
            common::modules_dir().display()
        );
        let (status, text) = common::run_until_exit("ka-bad", &cfg);
        assert!(
            status.is_some_and(|s| !s.success()),
            "{p} must stop Kamailio at start-up:\n{text}"
        );
        assert!(text.contains(line), "{p}: no '{line}' in the log:\n{text}");
        assert!(!text.contains("panic"), "{p}: a panic:\n{text}");
    }
}

#[test]
fn probe_timeout_and_remove_unreachable() {
    let silent = Uas::start(0, Answer::Silent);
    let k = start(
        "ka-ptimeout",
        "",
        "modparam(\"keepalive\", \"ping_interval\", 5)\n\
         modparam(\"keepalive\", \"probe_timeout\", 300)\n\
         modparam(\"keepalive\", \"delete_counter\", 1)\n\
         modparam(\"keepalive\", \"remove_unreachable\", 1)",
    );
    let uri = format!("sip:127.0.0.1:{}", silent.port());
    k.rpc(&["keepalive.add", &uri, "rpc"]).unwrap();
    assert!(silent.wait_count(1, 3));
    let first = Instant::now();
    assert!(wait_state(&k, &uri, "rpc", "2", 3));
    assert!(
        first.elapsed() < Duration::from_millis(1500),
        "down after probe_timeout (300 ms), not at the next ping (5 s): {:?}",
        first.elapsed()
    );
    let out = k.rpc(&["keepalive.get", &uri, "rpc"]).unwrap();
    assert_eq!(field(&out, &uri, "timeouts").as_deref(), Some("1"));
    // the second failure passes delete_counter (1): probing stops and the destination goes
    wait_until(Duration::from_secs(10), || {
        k.rpc(&["keepalive.get", &uri, "rpc"]).is_err()
    });
    assert!(k.rpc(&["keepalive.get", &uri, "rpc"]).is_err(), "removed");
    assert!(!k.rpc(&["keepalive.list"]).unwrap().contains(&uri));
    assert!(k.wait_log("removed unreachable destination", 1));
}

#[test]
fn reply_codes_600_to_699_are_failures_unless_alive() {
    let uas = Uas::start(0, Answer::Code(200));
    let k = start(
        "ka-6xx",
        "",
        &format!(
            "modparam(\"keepalive\", \"destination\", \"sip:127.0.0.1:{}\")",
            uas.port()
        ),
    );
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    let mut c = SipTcp::connect(k.addr());
    assert!(wait_alive(&mut c, &uri, 1, 5), "up on 200");
    for code in [603u16, 650, 699, 640] {
        uas.set(Answer::Code(code));
        assert!(wait_alive(&mut c, &uri, 2, 5), "down on {code}");
        let out = k.rpc(&["keepalive.get", &uri, "_params"]).unwrap();
        assert_eq!(field(&out, &uri, "last_code"), Some(code.to_string()));
        uas.set(Answer::Code(200));
        assert!(
            wait_alive(&mut c, &uri, 1, 5),
            "up again on 200 after {code}"
        );
    }
    assert_eq!(k.log_count("panic"), 0);
    drop(k);
    // any class or code up to 699 is accepted by alive_codes
    let k = start(
        "ka-6xx-class",
        "",
        &format!(
            "modparam(\"keepalive\", \"destination\", \"sip:127.0.0.1:{}\")\n\
             modparam(\"keepalive\", \"alive_codes\", \"6xx,640\")",
            uas.port()
        ),
    );
    uas.set(Answer::Code(650));
    assert!(
        wait_state(&k, &uri, "_params", "1", 5),
        "650 alive under 6xx"
    );
    uas.set(Answer::Code(200));
    let mut c = SipTcp::connect(k.addr());
    assert!(wait_alive(&mut c, &uri, 2, 5), "200 is not alive under 6xx");
}

#[test]
fn remove_unreachable_spares_a_destination_added_again_in_dst_down() {
    let silent = Uas::start(0, Answer::Silent);
    let routes = routes().replace(
        "xlog(\"L_ERR\", \"EV-DOWN $ru\\n\");",
        "xlog(\"L_ERR\", \"EV-DOWN $ru\\n\");\n    ka_add_destination(\"$ru\", \"again\");",
    );
    assert!(routes.contains("\"again\""));
    let modules = format!(
        "{}\nmodparam(\"keepalive\", \"ping_interval\", 2)\n\
         modparam(\"keepalive\", \"probe_timeout\", 300)\n\
         modparam(\"keepalive\", \"down_after\", 2)\n\
         modparam(\"keepalive\", \"delete_counter\", 1)\n\
         modparam(\"keepalive\", \"remove_unreachable\", 1)",
        modules()
    );
    let k = Kamailio::start(
        "ka-readd",
        Config {
            globals: "",
            modules: &modules,
            routes: &routes,
        },
    );
    let uri = format!("sip:127.0.0.1:{}", silent.port());
    k.rpc(&["keepalive.add", &uri, "rpc"]).unwrap();
    // the second failure takes it down (event) and past delete_counter (stops probing):
    // the dst-down route adds it again, which restarts probing, so it must stay
    assert!(k.wait_log(&format!("EV-DOWN {uri}"), 8));
    std::thread::sleep(Duration::from_millis(500));
    let out = k
        .rpc(&["keepalive.get", &uri, "again"])
        .unwrap_or_else(|e| panic!("the destination added in dst-down was removed: {e}"));
    assert_eq!(
        field(&out, &uri, "probing").as_deref(),
        Some("active"),
        "{out}"
    );
    assert!(k.rpc(&["keepalive.get", &uri, "rpc"]).is_ok());
    assert_eq!(k.log_count("removed unreachable destination"), 0);
    // still unreachable: two more failures without a state change remove it for good
    wait_until(Duration::from_secs(10), || {
        k.rpc(&["keepalive.get", &uri, "again"]).is_err()
    });
    assert!(
        k.rpc(&["keepalive.get", &uri, "again"]).is_err(),
        "removed later"
    );
    assert!(k.wait_log("removed unreachable destination", 2));
}

#[test]
fn max_destinations_refuses_more_and_reuses_memory() {
    let k = start(
        "ka-max",
        "",
        "modparam(\"tm\", \"fr_timer\", 1000)\nmodparam(\"tm\", \"wt_timer\", 500)\n\
         modparam(\"keepalive\", \"ping_interval\", 3600)\n\
         modparam(\"keepalive\", \"max_destinations\", 200)",
    );
    let mut c = SipTcp::connect(k.addr());
    let d = |i: usize| format!("sip:m{i}@127.0.0.{}:5099", 1 + i % 200);
    for i in 0..200 {
        k.rpc(&["keepalive.add", &d(i), "max"]).unwrap();
    }
    // one more: refused by RPC and by the cfg function, with one log line
    let err = k.rpc(&["keepalive.add", &d(200), "max"]).unwrap_err();
    assert!(err.contains("max_destinations (200)"), "{err}");
    assert_eq!(rc(&mut c, "add", &d(201), "max"), -1);
    for i in 202..220 {
        assert_eq!(rc(&mut c, "add", &d(i), "max"), -1);
    }
    // another owner of a monitored destination is no new destination
    assert_eq!(rc(&mut c, "add", &d(5), "second"), 1);
    assert!(k.wait_log("max_destinations (200) reached", 2));
    assert!(
        k.log_count("max_destinations (200) reached") <= 3,
        "rate-limited (one line per process per 10 s):\n{}",
        k.log_text()
    );
    // deleted ones make room, and their memory is reused
    let cycle = |from: usize| {
        for i in 0..50 {
            k.rpc(&["keepalive.del", &d(i + 10), "max"]).unwrap();
        }
        for i in 0..50 {
            k.rpc(&["keepalive.add", &d(from + i), "max"]).unwrap();
        }
        assert!(k.rpc(&["keepalive.add", &d(from + 50), "max"]).is_err());
        for i in 0..50 {
            k.rpc(&["keepalive.del", &d(from + i), "max"]).unwrap();
        }
        for i in 0..50 {
            k.rpc(&["keepalive.add", &d(i + 10), "max"]).unwrap();
        }
    };
    cycle(1000);
    // the first pings of new destinations wait in tm until fr_timer (1 s) and wt_timer
    std::thread::sleep(Duration::from_secs(3));
    let before = k.shm_used();
    for n in 0..4 {
        cycle(2000 + n * 100);
    }
    std::thread::sleep(Duration::from_secs(3));
    let after = k.shm_used();
    assert!(
        after <= before + 8 * 1024,
        "shm grew from {before} to {after} over delete/add cycles at the limit"
    );
    let list = k.rpc(&["keepalive.list", "0", "100"]).unwrap();
    assert_eq!(kamcmd_uris(&list).len(), 100);
}
