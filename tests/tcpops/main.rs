//! tcpops against a real Kamailio: every function, parameter, PV and event route.

// the other tcpops tests: one test binary per module
mod close_events;
mod events;
mod kemi;
mod profiles;
mod rpc;
mod user_timeout;
mod websocket;

use kit as common;

use common::{ss_until, Config, Kamailio, SipTcp};
use std::time::{Duration, Instant};

const MODULES: &str = r#"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "xlog.so"
loadmodule "{MODDIR}/tcpops.so"
"#;

/// Routes that run one tcpops function chosen by the request user and report `$rc`.
const ROUTES: &str = r#"
request_route {
    $var(rc) = 0;
    $var(out) = "none";
    if (is_present_hf("X-Raw")) {
        $var(cid) = $hdr(X-Conid); $var(idle) = $hdr(X-Idle);
    } else {
        $var(cid) = $(hdr(X-Conid){s.int}); $var(idle) = $(hdr(X-Idle){s.int});
    }
    $var(cnt) = $(hdr(X-Cnt){s.int}); $var(intvl) = $(hdr(X-Intvl){s.int});
    $var(life) = $(hdr(X-Life){s.int}); $var(mode) = $(hdr(X-Mode){s.int});
    switch ($rU) {
    case "state": tcp_conid_state("$var(cid)"); $var(rc) = $rc; break;
    case "alive": tcp_conid_alive("$var(cid)"); $var(rc) = $rc; break;
    case "state_int": tcp_conid_state("$(var(cid){s.int})"); $var(rc) = $rc; break;
    case "state_vn": tcp_conid_state("$vn(never_set)"); $var(rc) = $rc; break;
    case "state_vz": tcp_conid_state("$vz(never_set)"); $var(rc) = $rc; break;
    case "ka3": tcp_keepalive_enable("$var(idle)", "$var(cnt)", "$var(intvl)"); $var(rc) = $rc; break;
    case "ka4": tcp_keepalive_enable("$var(cid)", "$var(idle)", "$var(cnt)", "$var(intvl)"); $var(rc) = $rc; break;
    case "kalit": tcp_keepalive_enable("30", "4", "7"); $var(rc) = $rc; break;
    case "kd0": tcp_keepalive_disable(); $var(rc) = $rc; break;
    case "kd1": tcp_keepalive_disable("$var(cid)"); $var(rc) = $rc; break;
    case "life1": tcp_set_connection_lifetime("$var(life)"); $var(rc) = $rc; break;
    case "life2": tcp_set_connection_lifetime("$var(cid)", "$var(life)"); $var(rc) = $rc; break;
    case "ce0": tcp_enable_closed_event(); $var(rc) = $rc; break;
    case "ce1": tcp_enable_closed_event("$var(cid)"); $var(rc) = $rc; break;
    case "getc": $var(cid) = -7; tcp_get_conid("$hdr(X-Addr)", "$var(cid)"); $var(rc) = $rc; $var(out) = $var(cid); break;
    case "otcp": tcp_set_otcpid("$var(cid)"); $var(rc) = $rc; break;
    case "otcpf": tcp_set_otcpid("$var(cid)"); tcp_set_otcpid_flag("$var(mode)"); $var(rc) = $rc; break;
    case "close0": tcp_close_connection(); $var(rc) = $rc; break;
    case "close1": tcp_close_connection("$var(cid)"); $var(rc) = $rc; break;
    case "pv": $var(out) = $_s($tcp(conid)|$tcp(c_si)|$tcp(c_sp)|$tcp(aconid)|$tcp(ac_si)|$tcp(ac_sp)); $var(rc) = 1; break;
    case "conalive": tcp_con_alive("$hdr(X-Addr)"); $var(rc) = $rc; break;
    }
    append_to_reply("X-RC: $var(rc)\r\nX-Conid: $conid\r\nX-Out: $var(out)\r\n");
    sl_send_reply("200", "OK");
    exit;
}

event_route[tcp:closed] {
    xlog("L_ERR", "EV-CLOSED conid=$tcp(conid) proto=$proto si=$si sp=$sp pvconid=$conid aconid=$tcp(aconid) csi=$tcp(c_si) acsp=$tcp(ac_sp)\n");
}
event_route[tcp:timeout] {
    xlog("L_ERR", "EV-TIMEOUT conid=$tcp(conid) \n");
}
event_route[tcp:reset] {
    xlog("L_ERR", "EV-RESET conid=$tcp(conid) \n");
}
"#;

fn start(tag: &str, globals: &str, modparams: &str) -> Kamailio {
    Kamailio::start_cfg(tag, globals, &format!("{MODULES}\n{modparams}"), ROUTES)
}

/// `start` without module parameters, in a network namespace of its own.
fn start_in_netns(tag: &str, globals: &str) -> Kamailio {
    Kamailio::builder(tag, Config::new(globals, MODULES, ROUTES))
        .in_netns()
        .start()
}

fn rc(c: &mut SipTcp, op: &str, h: &[(&str, &str)]) -> i64 {
    c.request(op, h).int("X-RC")
}

#[test]
fn conid_state_and_alive() {
    let k = start("state", "", "");
    let mut a = SipTcp::connect(k.addr());
    let me = a.request("state", &[("X-Conid", "0")]).int("X-Conid");
    let id = me.to_string();
    assert_eq!(rc(&mut a, "state", &[("X-Conid", &id)]), 1);
    assert_eq!(rc(&mut a, "alive", &[("X-Conid", &id)]), 1);
    for bad in ["999999", "-3", "0", "4294967297"] {
        assert_eq!(rc(&mut a, "state", &[("X-Conid", bad)]), -1, "state({bad})");
        assert_eq!(rc(&mut a, "alive", &[("X-Conid", bad)]), -1, "alive({bad})");
    }
    // non-numeric: documented failure value, and the route goes on (a reply comes back)
    assert_eq!(
        rc(&mut a, "state", &[("X-Conid", "abc"), ("X-Raw", "1")]),
        -1
    );
    assert_eq!(rc(&mut a, "alive", &[("X-Conid", ""), ("X-Raw", "1")]), -1);
    // a variable is read as the core's get_int_fparam reads it: a string value is no number,
    // even one of digits (the own connection's id), a transformation's integer is; a `$vn`
    // never set is null, a `$vz` is 0
    let refused = || k.log_count("tcp_conid_state: invalid parameter 'conid'");
    let before = refused();
    let as_text = [("X-Conid", id.as_str()), ("X-Raw", "1")];
    assert_eq!(rc(&mut a, "state", &as_text), -1, "a string value");
    assert_eq!(rc(&mut a, "state_int", &as_text), 1, "{{s.int}} of it");
    assert_eq!(rc(&mut a, "state_vn", &[]), -1, "$vn never set");
    assert_eq!(rc(&mut a, "state_vz", &[]), -1, "$vz never set: conid 0");
    assert_eq!(
        refused() - before,
        2,
        "the string and the null refused, not 0"
    );
    // another client's connection, seen from this one
    let mut b = SipTcp::connect(k.addr());
    let other = b
        .request("state", &[("X-Conid", "0")])
        .int("X-Conid")
        .to_string();
    assert_eq!(rc(&mut a, "state", &[("X-Conid", &other)]), 1);
    drop(b);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        rc(&mut a, "state", &[("X-Conid", &other)]),
        -1,
        "closed connection must be gone"
    );
}

#[test]
fn keepalive_enable_disable_sets_kernel_options() {
    let k = start("ka", "tcp_children=4\nchildren=2\ntcp_keepalive=no", "");
    let mut a = SipTcp::connect(k.addr());
    let a_port = a.local_port();
    let no_ka = |s: &str| !s.is_empty() && !s.contains("keepalive");
    assert!(ss_until(k.port, a_port, no_ka).0, "no keepalive before");
    assert_eq!(
        rc(
            &mut a,
            "ka3",
            &[("X-Idle", "41"), ("X-Cnt", "3"), ("X-Intvl", "5")]
        ),
        1
    );
    let (ok, ss) = ss_until(k.port, a_port, |s| s.contains("timer:(keepalive,4"));
    assert!(ok, "keepalive timer with idle 41 s expected: {ss}");
    assert_eq!(rc(&mut a, "kd0", &[]), 1);
    assert!(ss_until(k.port, a_port, no_ka).0, "keepalive must be off");
    assert_eq!(rc(&mut a, "kalit", &[]), 1, "literal parameters");
    assert!(
        ss_until(k.port, a_port, |s| s.contains("timer:(keepalive,2")).0,
        "idle 30 s"
    );

    // Repeating the settings last applied costs no socket calls; any change in between, from
    // this process or another, is applied again.
    let ka41 = [("X-Idle", "41"), ("X-Cnt", "3"), ("X-Intvl", "5")];
    let a_id = a
        .request("state", &[("X-Conid", "0")])
        .int("X-Conid")
        .to_string();
    assert_eq!(rc(&mut a, "ka3", &ka41), 1);
    let unchanged =
        format!("keepalive on conid {a_id}: idle=41 cnt=3 intvl=5 (socket changed: false)");
    assert_eq!(k.log_count(&unchanged), 0, "30 s was in force: applied");
    assert_eq!(rc(&mut a, "ka3", &ka41), 1);
    assert_eq!(k.log_count(&unchanged), 1, "the same again: skipped");
    assert!(ss_until(k.port, a_port, |s| s.contains("timer:(keepalive,4")).0);
    let mut b = SipTcp::connect(k.addr());
    assert_eq!(rc(&mut b, "kd1", &[("X-Conid", &a_id)]), 1);
    assert!(
        ss_until(k.port, a_port, no_ka).0,
        "turned off from B's process"
    );
    assert_eq!(rc(&mut a, "ka3", &ka41), 1);
    assert!(
        ss_until(k.port, a_port, |s| s.contains("timer:(keepalive,4")).0,
        "on again after B turned it off"
    );
    assert_eq!(k.log_count(&unchanged), 1);

    // Several connections, spread over the TCP readers: each enabled from connection A,
    // which needs the fd of a connection another process owns.
    let mut others: Vec<SipTcp> = (0..5).map(|_| SipTcp::connect(k.addr())).collect();
    for o in others.iter_mut() {
        let id = o
            .request("state", &[("X-Conid", "0")])
            .int("X-Conid")
            .to_string();
        let port = o.local_port();
        assert_eq!(
            rc(
                &mut a,
                "ka4",
                &[
                    ("X-Conid", &id),
                    ("X-Idle", "77"),
                    ("X-Cnt", "2"),
                    ("X-Intvl", "9")
                ]
            ),
            1
        );
        let (ok, ss) = ss_until(k.port, port, |s| s.contains("timer:(keepalive,1min"));
        assert!(ok, "conid {id}: {ss}");
        assert_eq!(rc(&mut a, "kd1", &[("X-Conid", &id)]), 1);
        assert!(ss_until(k.port, port, no_ka).0, "conid {id} disable");
    }
    // failures
    let bad: [&[(&str, &str)]; 4] = [
        &[
            ("X-Conid", "999999"),
            ("X-Idle", "10"),
            ("X-Cnt", "2"),
            ("X-Intvl", "3"),
        ],
        &[
            ("X-Conid", "abc"),
            ("X-Idle", "10"),
            ("X-Cnt", "2"),
            ("X-Intvl", "3"),
            ("X-Raw", "1"),
        ],
        &[
            ("X-Conid", "1"),
            ("X-Idle", "x"),
            ("X-Cnt", "2"),
            ("X-Intvl", "3"),
            ("X-Raw", "1"),
        ],
        &[
            ("X-Conid", "1"),
            ("X-Idle", "0"),
            ("X-Cnt", "2"),
            ("X-Intvl", "3"),
        ],
    ];
    for h in bad {
        assert_eq!(rc(&mut a, "ka4", h), -1, "{h:?}");
    }
    assert_eq!(rc(&mut a, "kd1", &[("X-Conid", "999999")]), -1);
    assert!(k.log_text().contains("no TCP connection with id 999999"));
}

#[test]
fn lifetime_closes_the_connection() {
    let k = start("life", "tcp_connection_lifetime=3600", "");
    let mut a = SipTcp::connect(k.addr());
    let aid = a.request("state", &[("X-Conid", "0")]).int("X-Conid");
    assert_eq!(rc(&mut a, "life1", &[("X-Life", "2")]), 1);
    assert!(
        a.closed_within(12),
        "kamailio must close the connection after its 2 s lifetime"
    );
    // The reader hands the connection back to TCP main, whose timer destroys it: 5.6 and 6.0
    // report nothing, 6.1 (from 6.1.4) reports a timeout; never another event
    // (modules/tcpops/README.md, "Close events by release").
    std::thread::sleep(Duration::from_millis(500));
    let timeouts = usize::from(common::kamailio_version() >= (6, 1));
    assert_eq!(
        k.log_count(&format!("EV-TIMEOUT conid={aid} ")),
        timeouts,
        "tcp:timeout for a lifetime expiry on 6.1 only"
    );
    assert_eq!(
        k.log_count(&format!("conid={aid} ")),
        timeouts,
        "no other tcp:* event for a lifetime expiry"
    );

    let mut b = SipTcp::connect(k.addr());
    let mut c = SipTcp::connect(k.addr());
    let cid = c
        .request("state", &[("X-Conid", "0")])
        .int("X-Conid")
        .to_string();
    assert_eq!(
        rc(&mut b, "life2", &[("X-Conid", &cid), ("X-Life", "1")]),
        1
    );
    assert!(
        c.closed_within(12),
        "connection C must close after the lifetime set from B"
    );
    assert_eq!(rc(&mut b, "life1", &[("X-Life", "-5")]), -1);
    assert_eq!(
        rc(&mut b, "life2", &[("X-Conid", "999999"), ("X-Life", "5")]),
        -1
    );
    assert!(!b.closed_within(3), "B keeps the global lifetime");
}

#[test]
fn get_conid_by_address_and_uri() {
    let k = start("getc", "", "");
    let mut a = SipTcp::connect(k.addr());
    let b = SipTcp::connect(k.addr());
    let mut b = b;
    let b_id = b.request("state", &[("X-Conid", "0")]).int("X-Conid");
    let bp = b.local_port();
    for addr in [
        format!("127.0.0.1:{bp}"),
        format!("sip:127.0.0.1:{bp};transport=tcp"),
        format!("sip:u@127.0.0.1:{bp}"),
    ] {
        let r = a.request("getc", &[("X-Addr", &addr)]);
        assert_eq!(r.int("X-RC"), 1, "{addr}");
        assert_eq!(r.int("X-Out"), b_id, "{addr}");
    }
    // not found: -1 and the variable set to 0
    let r = a.request("getc", &[("X-Addr", "127.0.0.1:9")]);
    assert_eq!((r.int("X-RC"), r.int("X-Out")), (-1, 0));
    // malformed: -1 and the variable untouched
    let long = "a".repeat(8192);
    for bad in ["127.0.0.1:abc", "", "[::1", long.as_str()] {
        let r = a.request("getc", &[("X-Addr", bad)]);
        assert_eq!(
            (r.int("X-RC"), r.int("X-Out")),
            (-1, -7),
            "{}",
            &bad[..bad.len().min(20)]
        );
    }
}

#[test]
fn otcpid_pv_and_close() {
    let k = start("misc", "", "");
    let mut a = SipTcp::connect(k.addr());
    let r = a.request("pv", &[]);
    let me = r.int("X-Conid");
    let p = a.local_port();
    assert_eq!(
        r.header("X-Out").unwrap(),
        format!("{me}|127.0.0.1|{p}|{me}|127.0.0.1|{p}")
    );
    // the reply goes out over the connection named by otcpid: this one
    let me_s = me.to_string();
    assert_eq!(rc(&mut a, "otcp", &[("X-Conid", &me_s)]), 1);
    assert_eq!(
        rc(&mut a, "otcpf", &[("X-Conid", &me_s), ("X-Mode", "1")]),
        1
    );
    // with the flag off, an unknown otcpid does not matter
    assert_eq!(
        rc(&mut a, "otcpf", &[("X-Conid", "999999"), ("X-Mode", "0")]),
        1
    );
    assert_eq!(rc(&mut a, "otcp", &[("X-Conid", "x"), ("X-Raw", "1")]), -1);
    assert_eq!(rc(&mut a, "close1", &[("X-Conid", "999999")]), -1);
    assert_eq!(rc(&mut a, "ce0", &[]), -1, "needs closed_event=2");

    let mut b = SipTcp::connect(k.addr());
    let bid = b
        .request("state", &[("X-Conid", "0")])
        .int("X-Conid")
        .to_string();
    assert_eq!(rc(&mut a, "close1", &[("X-Conid", &bid)]), 1);
    assert!(b.closed_within(5), "closed by id from another connection");
    // closing its own connection: the reply cannot come back, the connection goes away
    let aid = me.to_string();
    a.send("close0", &[]);
    assert!(a.closed_within(5), "closed its own connection");
    let mut c = SipTcp::connect(k.addr());
    assert_eq!(rc(&mut c, "state", &[("X-Conid", &aid)]), -1);
    assert!(
        k.wait_log(&format!("EV-CLOSED conid={bid} "), 5),
        "tcp:closed for a closed connection"
    );
}

#[test]
fn events_fin_and_reset() {
    let k = start("ev1", "", "");
    let mut a = SipTcp::connect(k.addr());
    let aid = a.request("state", &[("X-Conid", "0")]).int("X-Conid");
    let ap = a.local_port();
    drop(a);
    assert!(
        k.wait_log(
            &format!("EV-CLOSED conid={aid} proto=tcp si=127.0.0.1 sp={ap}"),
            5
        ),
        "FIN -> tcp:closed"
    );
    let mut b = SipTcp::connect(k.addr());
    let bid = b.request("state", &[("X-Conid", "0")]).int("X-Conid");
    b.reset();
    assert!(
        k.wait_log(&format!("EV-RESET conid={bid}"), 5),
        "RST -> tcp:reset"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        k.log_count(&format!("conid={aid} ")),
        1,
        "one event per connection"
    );
    assert_eq!(
        k.log_count(&format!("conid={bid}")),
        1,
        "one event per connection"
    );
}

#[test]
fn closed_event_modes() {
    let off = start("ev0", "", "modparam(\"tcpops\", \"closed_event\", 0)");
    let a = SipTcp::connect(off.addr());
    let mut a = a;
    a.request("state", &[("X-Conid", "0")]);
    drop(a);
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        !off.log_text().contains("EV-"),
        "closed_event=0 raises nothing"
    );

    let manual = start("ev2", "", "modparam(\"tcpops\", \"closed_event\", 2)");
    let mut x = SipTcp::connect(manual.addr());
    let xid = x.request("state", &[("X-Conid", "0")]).int("X-Conid");
    let mut y = SipTcp::connect(manual.addr());
    let yid = y.request("state", &[("X-Conid", "0")]).int("X-Conid");
    let mut z = SipTcp::connect(manual.addr());
    let zid = z
        .request("state", &[("X-Conid", "0")])
        .int("X-Conid")
        .to_string();
    assert_eq!(rc(&mut x, "ce0", &[]), 1);
    assert_eq!(rc(&mut x, "ce1", &[("X-Conid", &zid)]), 1);
    assert_eq!(rc(&mut x, "ce1", &[("X-Conid", "999999")]), -1);
    drop(x);
    drop(y);
    drop(z);
    assert!(manual.wait_log(&format!("EV-CLOSED conid={xid} "), 5));
    assert!(manual.wait_log(&format!("EV-CLOSED conid={zid} "), 5));
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !manual
            .log_text()
            .contains(&format!("EV-CLOSED conid={yid} ")),
        "no event without tcp_enable_closed_event"
    );

    // an invalid mode refuses to start
    let bad =
        std::panic::catch_unwind(|| start("ev9", "", "modparam(\"tcpops\", \"closed_event\", 7)"));
    assert!(bad.is_err(), "closed_event=7 must be refused");
}

#[test]
fn udp_message_has_no_connection() {
    let k = start("udp", "", "");
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let lp = sock.local_addr().unwrap().port();
    for op in ["ka3", "kd0", "life1", "close0"] {
        let msg = format!(
            "OPTIONS sip:{op}@127.0.0.1:{p} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{lp};branch=z9hG4bK{op}1\r\n\
             From: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:{op}@127.0.0.1>\r\nCall-ID: {op}@t\r\nCSeq: 1 OPTIONS\r\n\
             X-Idle: 10\r\nX-Cnt: 2\r\nX-Intvl: 3\r\nX-Life: 5\r\nContent-Length: 0\r\n\r\n",
            p = k.port
        );
        sock.send_to(msg.as_bytes(), k.addr()).unwrap();
        let mut buf = [0u8; 4096];
        let n = sock.recv(&mut buf).unwrap();
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(text.contains("X-RC: -1"), "{op} over UDP: {text}");
    }
    assert!(k.log_text().contains("does not come from a TCP connection"));
}

#[test]
fn unanswered_keepalives_raise_tcp_timeout() {
    let k = start_in_netns("katimeout", "tcp_keepalive=no");
    let mut a = SipTcp::connect_in(&k.netns_path(), k.addr());
    let aid = a.request("state", &[("X-Conid", "0")]).int("X-Conid");
    let ka = [("X-Idle", "1"), ("X-Cnt", "2"), ("X-Intvl", "1")];
    assert_eq!(rc(&mut a, "ka3", &ka), 1);
    // Let the client's (delayed) ACK of the reply out first: unacknowledged data would put the
    // socket into retransmission instead of keepalive.
    std::thread::sleep(Duration::from_millis(500));
    // Taking the loopback down drops every keepalive probe: the kernel gives up after
    // idle + cnt * intvl (about 3 s) and the core reports a timeout.
    k.netns(&["ip", "link", "set", "lo", "down"]);
    assert!(
        k.wait_log(&format!("EV-TIMEOUT conid={aid} "), 20),
        "tcp:timeout after unanswered keepalive probes"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(k.log_count("EV-"), 1, "one event only, the timeout");
    assert!(k.rpc(&["core.version"]).is_ok(), "kamailio keeps serving");
}

/// Whether the installed core sets `TCP_USER_TIMEOUT` on its listening sockets (5.8 and later).
fn core_sets_user_timeout() -> bool {
    let out = std::process::Command::new("kamailio")
        .arg("-v")
        .output()
        .expect("kamailio -v");
    let text = String::from_utf8_lossy(&out.stdout);
    let v = text
        .lines()
        .find_map(|l| l.strip_prefix("version: kamailio "))
        .and_then(|l| l.split_whitespace().next())
        .expect("a version line");
    let mut n = v.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
    (n.next().unwrap_or(0), n.next().unwrap_or(0)) >= (5, 8)
}

#[test]
fn keepalive_sets_the_user_timeout_where_the_core_set_one() {
    let k = start("kauto", "tcp_keepalive=no\ntcp_send_timeout=7", "");
    let mut a = SipTcp::connect(k.addr());
    let a_port = a.local_port();
    let a_id = a
        .request("state", &[("X-Conid", "0")])
        .int("X-Conid")
        .to_string();
    let core = if core_sets_user_timeout() { 7000 } else { 0 };
    assert_eq!(
        common::kamailio_user_timeout_ms(k.port, a_port),
        core,
        "the core's"
    );
    let ka = [("X-Idle", "4"), ("X-Cnt", "3"), ("X-Intvl", "2")];
    assert_eq!(rc(&mut a, "ka3", &ka), 1);
    // where the core set one: idle + cnt * intvl = 10 s; else none
    let want = if core == 0 { 0 } else { 10_000 };
    assert_eq!(common::kamailio_user_timeout_ms(k.port, a_port), want);
    // from another connection's process: on TCP main's copy of the socket
    let mut b = SipTcp::connect(k.addr());
    let ka4 = [
        ("X-Conid", a_id.as_str()),
        ("X-Idle", "30"),
        ("X-Cnt", "5"),
        ("X-Intvl", "6"),
    ];
    assert_eq!(rc(&mut b, "ka4", &ka4), 1);
    let want = if core == 0 { 0 } else { 60_000 };
    assert_eq!(common::kamailio_user_timeout_ms(k.port, a_port), want);
    assert_eq!(rc(&mut a, "kd0", &[]), 1);
    assert_eq!(
        common::kamailio_user_timeout_ms(k.port, a_port),
        core,
        "keepalive off: the core's value again"
    );
}

/// Seconds from cutting the network of an idle connection with keepalive `(idle, cnt, intvl)`
/// to the core's `tcp:timeout` event, with `tcp_send_timeout` set to `send_timeout`.
fn dead_peer_dropped_after(tag: &str, send_timeout: u32, ka: [&str; 3]) -> f64 {
    let globals = format!("tcp_keepalive=no\ntcp_send_timeout={send_timeout}");
    let k = start_in_netns(tag, &globals);
    let mut a = SipTcp::connect_in(&k.netns_path(), k.addr());
    let aid = a.request("state", &[("X-Conid", "0")]).int("X-Conid");
    let h = [("X-Idle", ka[0]), ("X-Cnt", ka[1]), ("X-Intvl", ka[2])];
    assert_eq!(rc(&mut a, "ka3", &h), 1);
    std::thread::sleep(Duration::from_millis(500));
    k.netns(&["ip", "link", "set", "lo", "down"]);
    let cut = std::time::Instant::now();
    assert!(
        k.wait_log(&format!("EV-TIMEOUT conid={aid} "), 40),
        "tcp:timeout after unanswered keepalive probes"
    );
    cut.elapsed().as_secs_f64()
}

// From 5.8 on the core sets TCP_USER_TIMEOUT (= tcp_send_timeout) on its listening sockets,
// which overrides keepalive (tcp(7)); the keepalive values must decide on every release.

#[test]
fn keepalive_values_drop_a_dead_peer_before_a_longer_send_timeout() {
    // idle 1 + 2 x 1 s = 3 s after the last ACK (the cut is 0.5 s after it), not 20 s
    let secs = dead_peer_dropped_after("kashort", 20, ["1", "2", "1"]);
    assert!(secs < 6.0, "dropped after {secs:.1} s, expected about 2.5");
}

#[test]
fn keepalive_values_keep_a_dead_peer_past_a_shorter_send_timeout() {
    // idle 4 + 2 x 2 s = 8 s after the last ACK; a 2 s user timeout would drop it at the
    // second probe (6 s)
    let secs = dead_peer_dropped_after("kalong", 2, ["4", "2", "2"]);
    assert!(
        (6.7..12.0).contains(&secs),
        "dropped after {secs:.1} s, expected about 7.5"
    );
}

#[test]
fn keepalive_enable_in_a_failure_route_run_by_a_timer_process() {
    // tm runs failure_route in its timer process, which holds no copy of the request's
    // connection ($conid): the socket must come from TCP main (not the reader's fd number)
    let unused = common::port();
    let routes = format!(
        r#"
request_route {{
    t_on_failure("KA");
    $du = "sip:127.0.0.1:{unused}";
    t_relay();
    exit;
}}
failure_route[KA] {{
    $var(cid) = $conid;
    tcp_keepalive_enable("$var(cid)", "45", "3", "5");
    xlog("L_ERR", "FR-KA rc=$rc\n");
    t_reply("503", "Unreachable");
}}
"#
    );
    let k = Kamailio::start(
        "ka-failure",
        Config {
            globals: "tcp_children=2\nchildren=2\ntcp_keepalive=no",
            modules: &format!(
                "loadmodule \"tm.so\"\nmodparam(\"tm\", \"fr_timer\", 500)\n{MODULES}"
            ),
            routes: &routes,
        },
    );
    let mut a = SipTcp::connect(k.addr());
    let port = a.local_port();
    let no_ka = |s: &str| !s.is_empty() && !s.contains("keepalive");
    assert!(ss_until(k.port, port, no_ka).0, "no keepalive before");
    a.request("fwd", &[]);
    assert!(k.wait_log("FR-KA rc=1", 5), "{}", k.log_text());
    let (ok, ss) = ss_until(k.port, port, |s| s.contains("timer:(keepalive,4"));
    assert!(
        ok,
        "keepalive with idle 45 s on the request's connection: {ss}"
    );
}

#[test]
fn tcp_disabled_every_function_fails_and_the_server_lives() {
    // the stock pv module's $conid itself crashes without TCP (it calls tcpconn_get): leave
    // it out of the routes
    let routes = ROUTES.replace("\\r\\nX-Conid: $conid", "");
    assert_ne!(routes, ROUTES);
    let modules = format!("{MODULES}\n");
    let mut k = Kamailio::start(
        "notcp",
        Config {
            globals: "disable_tcp=yes",
            modules: &modules,
            routes: &routes,
        },
    );
    let h = [
        ("X-Conid", "1"),
        ("X-Idle", "10"),
        ("X-Cnt", "3"),
        ("X-Intvl", "5"),
        ("X-Life", "10"),
        ("X-Mode", "1"),
        ("X-Addr", "127.0.0.1:5060"),
    ];
    // each op and how many tcpops functions it calls
    let ops = [
        ("state", 1),
        ("alive", 1),
        ("ka3", 1),
        ("ka4", 1),
        ("kalit", 1),
        ("kd0", 1),
        ("kd1", 1),
        ("life1", 1),
        ("life2", 1),
        ("ce0", 1),
        ("ce1", 1),
        ("getc", 1),
        ("otcp", 1),
        ("otcpf", 2),
        ("close0", 1),
        ("close1", 1),
    ];
    let mut calls = 0;
    for (op, n) in ops {
        let r = common::udp::request(k.addr(), op, &h);
        assert_eq!(r.int("X-RC"), -1, "{op} with disable_tcp=yes");
        calls += n;
    }
    let r = common::udp::request(k.addr(), "getc", &h);
    assert_eq!(
        r.int("X-Out"),
        -7,
        "tcp_get_conid leaves its variable alone"
    );
    calls += 1;
    let r = common::udp::request(k.addr(), "pv", &h);
    assert_eq!(
        r.header("X-Out"),
        Some("<null>|<null>|<null>|<null>|<null>|<null>")
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        k.log_count("TCP is disabled (disable_tcp=yes)"),
        calls,
        "one log line per call"
    );
    assert!(k.alive(), "kamailio must keep running");
    assert!(k.rpc(&["core.version"]).is_ok());
}

fn tcp_timeout_left(k: &Kamailio, conid: i64) -> Option<i64> {
    let out = k.rpc(&["core.tcp_list"]).unwrap();
    let mut this = false;
    for l in out.lines().map(str::trim) {
        if let Some(id) = l.strip_prefix("id: ") {
            this = id.trim() == conid.to_string();
        }
        if let Some(t) = l.strip_prefix("timeout: ") {
            if this {
                return t.trim().parse().ok();
            }
        }
    }
    None
}

#[test]
fn lifetime_beyond_the_core_maximum_is_clamped() {
    let k = start("lifemax", "tcp_connection_lifetime=3600", "");
    // 2^28 s wraps to 0 ticks in 32 bits; 2^27 s is past the signed tick range
    let mut conns: Vec<(SipTcp, i64, &str)> = ["268435456", "134217728", "2147483647"]
        .into_iter()
        .map(|life| {
            let mut c = SipTcp::connect(k.addr());
            let id = c.request("state", &[("X-Conid", "0")]).int("X-Conid");
            assert_eq!(rc(&mut c, "life1", &[("X-Life", life)]), 1, "{life}");
            (c, id, life)
        })
        .collect();
    // a reader keeps an idle connection for 5 s before TCP main's timer takes it over with
    // its lifetime
    std::thread::sleep(Duration::from_millis(6500));
    for (c, id, life) in &mut conns {
        assert!(!c.closed_within(1), "lifetime {life} closed the connection");
        let left = tcp_timeout_left(&k, *id).expect("connection listed");
        assert!(
            (134_217_000..=134_217_727).contains(&left),
            "lifetime {life}: {left} s left, want the core's maximum"
        );
    }
    assert_eq!(k.log_count("above the core's maximum"), 3);
}

/// A reference that outlives the connection: a SIP worker holds connection A (tcphold) while
/// the client closes it, so TCP main unhashes it and drops its own reference; the worker's
/// reference is then the last one, and dropping it must free the connection.
#[test]
fn the_last_reference_to_a_closed_connection_frees_it() {
    const HOLD_ROUTES: &str = r#"
request_route {
    $var(rc) = 0;
    if ($rU == "hold") {
        tcphold("$(hdr(X-Conid){s.int})", "$(hdr(X-Ms){s.int})");
        $var(rc) = $rc;
    }
    append_to_reply("X-RC: $var(rc)\r\nX-Conid: $conid\r\n");
    sl_send_reply("200", "OK");
    exit;
}
"#;
    let modules = format!("{MODULES}\nloadmodule \"{{TESTMODDIR}}/tcphold.so\"\n");
    let k = Kamailio::start(
        "hold",
        Config {
            globals: "",
            modules: &modules,
            routes: HOLD_ROUTES,
        },
    );
    // each cycle: tcphold holds connection A (its log line says so), the client closes A,
    // and TCP main unhashes it (tcpops.info answers 404) while the hold still lasts
    const HOLD_MS: u64 = 1000;
    let cycle = |k: &Kamailio| {
        let mut a = SipTcp::connect(k.addr());
        let aid = a.request("id", &[]).int("X-Conid").to_string();
        let addr = k.addr();
        let ms = HOLD_MS.to_string();
        let t0 = Instant::now();
        let held = aid.clone();
        let holder = std::thread::spawn(move || {
            common::udp::request(addr, "hold", &[("X-Conid", &held), ("X-Ms", &ms)]).int("X-RC")
        });
        assert!(
            k.wait_log(&format!("tcphold: holding conid {aid} "), 5),
            "tcphold holds conid {aid}"
        );
        drop(a);
        let unhashed = loop {
            match k.rpc(&["tcpops.info", &aid]) {
                Err(e) if e.contains("404") => break true,
                _ if holder.is_finished() => break false,
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        };
        assert!(
            unhashed && !holder.is_finished(),
            "conid {aid} unhashed while held ({:?} after the hold began)",
            t0.elapsed()
        );
        assert_eq!(holder.join().unwrap(), 1, "tcphold found the connection");
    };
    cycle(&k);
    std::thread::sleep(Duration::from_millis(500));
    let before = k.shm_used();
    for _ in 0..12 {
        cycle(&k);
    }
    std::thread::sleep(Duration::from_millis(800));
    let grown = k.shm_used().saturating_sub(before);
    // each leaked connection is its struct plus a 4 KiB read buffer
    assert!(
        grown < 16 * 1024,
        "shm grew by {grown} bytes over 12 connections closed under a held reference"
    );
    assert_eq!(k.log_count("leaked"), 0, "{}", k.log_text());
}

/// The 5.7-6.1 additions: `tcp_con_alive`, the 5061 default for TLS targets,
/// `$tcp(...)` keys of 5.8 over UDP, and `$tcp(conid)` in an event route for a connection that
/// never delivered a SIP message (the C module reads 0 there).
#[test]
fn con_alive_tls_default_port_and_pv_keys() {
    let k = start("six", "", "");
    let mut a = SipTcp::connect(k.addr());
    let b = SipTcp::connect(k.addr());
    let bp = b.local_port();
    let mut b = b;
    let bid = b.request("state", &[("X-Conid", "0")]).int("X-Conid");
    for (addr, want) in [
        (format!("127.0.0.1:{bp}"), 1),
        (format!("sip:127.0.0.1:{bp};transport=tcp"), 1),
        ("127.0.0.1:9".to_string(), -1),
        ("127.0.0.1:abc".to_string(), -1),
        (String::new(), -1),
    ] {
        assert_eq!(
            rc(&mut a, "conalive", &[("X-Addr", &addr)]),
            want,
            "{addr:?}"
        );
    }
    let r = a.request("getc", &[("X-Addr", &format!("sip:127.0.0.1:{bp}"))]);
    assert_eq!((r.int("X-RC"), r.int("X-Out")), (1, bid));

    // a client on 127.0.0.2:5061: the default port of sips: and ;transport=tls
    let mut t = SipTcp::connect_from("127.0.0.2:5061".parse().unwrap(), k.addr());
    let tid = t.request("state", &[("X-Conid", "0")]).int("X-Conid");
    for (addr, want) in [
        ("sips:127.0.0.2", tid),
        ("sip:u@127.0.0.2;transport=tls", tid),
        ("sip:127.0.0.2", 0),
        ("127.0.0.2", 0),
    ] {
        let r = a.request("getc", &[("X-Addr", addr)]);
        assert_eq!(r.int("X-Out"), want, "{addr}");
    }

    // 5.8 keys over UDP: no lookup for conid (0), the message's source for c_si/c_sp,
    // null for the active-connection keys
    let r = common::udp::request(k.addr(), "pv", &[]);
    let out = r.header("X-Out").unwrap().to_string();
    let f: Vec<&str> = out.split('|').collect();
    assert_eq!(f[0], "0", "{out}");
    assert_eq!(f[1], "127.0.0.1", "{out}");
    assert!(f[2].parse::<u16>().unwrap() > 0, "{out}");
    assert_eq!(&f[3..], ["<null>", "<null>", "<null>"], "{out}");

    // a connection that never sends a SIP message: its event still names it
    let silent = std::net::TcpStream::connect(k.addr()).unwrap();
    let sp = silent.local_addr().unwrap().port();
    std::thread::sleep(Duration::from_millis(300));
    drop(silent);
    let needle = format!("proto=tcp si=127.0.0.1 sp={sp} ");
    assert!(k.wait_log(&needle, 5), "tcp:closed for a silent connection");
    let line = k
        .log_text()
        .lines()
        .find(|l| l.contains(&needle) && !l.contains("DEBUG"))
        .unwrap()
        .to_string();
    let field = |name: &str| {
        line.split(&format!(" {name}="))
            .nth(1)
            .and_then(|v| v.split_whitespace().next())
            .map(str::to_string)
            .unwrap_or_default()
    };
    let conid: i64 = line
        .split("conid=")
        .nth(1)
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(conid > 0, "$tcp(conid) names the connection: {line}");
    assert_eq!(field("aconid"), conid.to_string(), "{line}");
    assert_eq!(field("csi"), "127.0.0.1", "{line}");
    assert_eq!(field("acsp"), sp.to_string(), "{line}");
    // the core exposes the closing connection to $conid since 6.0
    let want_pv = if common::kamailio_version() >= (6, 0) {
        conid.to_string()
    } else {
        "<null>".to_string()
    };
    assert_eq!(field("pvconid"), want_pv, "{line}");
}
