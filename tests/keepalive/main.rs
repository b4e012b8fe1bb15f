//! keepalive against a real Kamailio: probing a small UAS, state changes, events, cfg
//! functions, RPC, bad input, cross-process state and Debian's drouting as an API user.

// the other keepalive tests: one test binary per module
mod attrs;
mod concurrency;
mod stateless;

use kit as common;

use common::binrpc;
use common::rpc_clients;
use common::uas::{Answer, Uas};
use common::{port, wait_until, Config, Kamailio, SipTcp};
use rpc_clients::{json_http, xmlrpc, JsonFifo, JsonUdp};
use std::time::{Duration, Instant};

const MODULES: &str = r#"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "xlog.so"
loadmodule "{MODDIR}/keepalive.so"
modparam("keepalive", "ping_interval", 1)
"#;

/// Runs one keepalive function chosen by the request user; reports `$rc` in X-RC.
const ROUTES: &str = r#"
request_route {
    $var(rc) = 0;
    switch ($rU) {
    case "alive": ka_is_alive("$hdr(X-Dest)"); $var(rc) = $rc; break;
    case "isalive": is_alive("$hdr(X-Dest)"); $var(rc) = $rc; break;
    case "add": ka_add_destination("$hdr(X-Dest)", "$hdr(X-Owner)"); $var(rc) = $rc; break;
    case "del": ka_del_destination("$hdr(X-Dest)", "$hdr(X-Owner)"); $var(rc) = $rc; break;
    }
    append_to_reply("X-RC: $var(rc)\r\n");
    sl_send_reply("200", "OK");
    exit;
}
event_route[keepalive:dst-up] {
    xlog("L_ERR", "EV-UP $ru\n");
}
event_route[keepalive:dst-down] {
    xlog("L_ERR", "EV-DOWN $ru\n");
}
"#;

fn start(tag: &str, globals: &str, modparams: &str) -> Kamailio {
    let modules = format!("{MODULES}\n{modparams}");
    Kamailio::start(
        tag,
        Config {
            globals,
            modules: &modules,
            routes: ROUTES,
        },
    )
}

fn rc(c: &mut SipTcp, op: &str, dest: &str, owner: &str) -> i64 {
    c.request(op, &[("X-Dest", dest), ("X-Owner", owner)])
        .int("X-RC")
}

/// Polls ka_is_alive until it returns `want` (true) or `secs` pass (false).
fn wait_alive(c: &mut SipTcp, dest: &str, want: i64, secs: u64) -> bool {
    wait_until(Duration::from_secs(secs), || {
        rc(c, "alive", dest, "") == want
    })
}

/// Polls `keepalive.get` until the destination's state is `want` (true) or `secs` pass.
fn wait_state(k: &Kamailio, uri: &str, owner: &str, want: &str, secs: u64) -> bool {
    wait_until(Duration::from_secs(secs), || {
        k.rpc(&["keepalive.get", uri, owner])
            .is_ok_and(|out| field(&out, uri, "state").as_deref() == Some(want))
    })
}

/// The value of `field` in the first struct of a kamcmd reply that has `uri: <uri>`.
fn field(rpc_out: &str, uri: &str, field: &str) -> Option<String> {
    rpc_out
        .split('{')
        .find(|b| b.lines().any(|l| l.trim() == format!("uri: {uri}")))
        .and_then(|b| {
            b.lines().find_map(|l| {
                l.trim()
                    .strip_prefix(&format!("{field}: "))
                    .map(str::to_string)
            })
        })
}

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
    assert!(pings >= 5 && replies >= 3, "{out}");
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

/// Writes db_text tables for drouting: gateways 1 and 2, one rule routing prefix 1 to them.
fn drouting_db(dir: &std::path::Path, gw1: u16, gw2: u16) {
    let files = [
        (
            "version",
            "id(int,auto) table_name(string) table_version(int) \n\
             0:dr_gateways:3\n0:dr_groups:2\n0:dr_gw_lists:1\n0:dr_rules:3\n"
                .to_string(),
        ),
        (
            "dr_gateways",
            format!(
                "gwid(int,auto) type(int) address(string) strip(int) pri_prefix(string,null) attrs(string,null) description(string) \n\
                 1:0:127.0.0.1\\:{gw1}:0:::gw1\n2:0:127.0.0.1\\:{gw2}:0:::gw2\n"
            ),
        ),
        (
            "dr_rules",
            "ruleid(int,auto) groupid(string) prefix(string) timerec(string) priority(int) routeid(string) gwlist(string) description(string) \n\
             1:0:1:20000101T000000:0:0:1,2:rule\n"
                .to_string(),
        ),
        (
            "dr_gw_lists",
            "id(int,auto) gwlist(string) description(string) \n".to_string(),
        ),
        (
            "dr_groups",
            "id(int,auto) username(string) domain(string) groupid(int) description(string) \n"
                .to_string(),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

#[test]
fn drouting_monitors_its_gateways_through_the_api() {
    let gw1 = Uas::start(0, Answer::Code(200));
    let gw2 = Uas::start(0, Answer::Code(200));
    let db = common::tempdir::Dir::new("ka-dr-db");
    drouting_db(db.path(), gw1.port(), gw2.port());
    let modules = format!(
        r#"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "db_text.so"
loadmodule "{{MODDIR}}/keepalive.so"
loadmodule "drouting.so"
modparam("keepalive", "ping_interval", 1)
modparam("drouting", "db_url", "text://{}")
modparam("drouting", "enable_keepalive", 1)
"#,
        db.path().display()
    );
    let routes = r#"
request_route {
    if (do_routing("0")) {
        append_to_reply("X-GW: $ru\r\n");
    } else {
        append_to_reply("X-GW: none\r\n");
    }
    sl_send_reply("200", "OK");
    exit;
}
"#;
    let k = Kamailio::start(
        "ka-dr",
        Config {
            globals: "children=2",
            modules: &modules,
            routes,
        },
    );
    let g1 = format!("sip:127.0.0.1:{}", gw1.port());
    let g2 = format!("sip:127.0.0.1:{}", gw2.port());
    assert!(
        wait_state(&k, &g1, "drouting", "1", 5),
        "drouting's gateway 1 is monitored"
    );
    assert!(wait_state(&k, &g2, "drouting", "1", 5));
    let mut c = SipTcp::connect(k.addr());
    let gw = |c: &mut SipTcp| {
        c.request("123", &[])
            .header("X-GW")
            .unwrap_or_default()
            .to_string()
    };
    assert!(gw(&mut c).contains(&format!("127.0.0.1:{}", gw1.port())));

    gw1.set(Answer::Code(503));
    assert!(wait_state(&k, &g1, "drouting", "2", 5));
    assert!(
        gw(&mut c).contains(&format!("127.0.0.1:{}", gw2.port())),
        "drouting skips the gateway keepalive reports down"
    );
    // a reload frees drouting's gateways and adds them again with new user_attr: the new
    // ones must learn the current state (the C module leaves them "unknown" = usable)
    k.rpc(&["drouting.reload"]).unwrap();
    assert!(
        gw(&mut c).contains(&format!("127.0.0.1:{}", gw2.port())),
        "after dr.reload gateway 1 is still known down"
    );
    gw2.set(Answer::Silent);
    assert!(wait_state(&k, &g2, "drouting", "2", 6));
    assert_eq!(gw(&mut c), "none", "all gateways down");
    gw1.set(Answer::Code(200));
    assert!(wait_state(&k, &g1, "drouting", "1", 5));
    assert!(gw(&mut c).contains(&format!("127.0.0.1:{}", gw1.port())));
    // the reloads and callbacks left Kamailio healthy
    for _ in 0..3 {
        k.rpc(&["drouting.reload"]).unwrap();
    }
    assert!(gw(&mut c).contains(&format!("127.0.0.1:{}", gw1.port())));
}

const KEMI_SCRIPT: &str = r#"
function ksr_request_route() {
    var op = KSR.pv.get("$rU");
    var dest = KSR.pv.get("$hdr(X-Dest)");
    var rc = 0;
    if (op == "alive") { rc = KSR.keepalive.is_alive(dest); }
    else if (op == "add") { rc = KSR.keepalive.add_destination(dest, "kemi"); }
    else if (op == "del") { rc = KSR.keepalive.del_destination(dest, "kemi"); }
    KSR.hdr.append_to_reply("X-RC: " + rc + "\r\n");
    KSR.sl.sl_send_reply(200, "OK");
}

function ksr_keepalive_event(evname) {
    KSR.err("KEMI-EVENT " + evname + " " + KSR.pv.get("$ru") + "\n");
}
"#;

#[test]
fn kemi_exports_and_event_callback() {
    let uas = Uas::start(0, Answer::Code(200));
    let dir = common::tempdir::Dir::new("ka-jsdt");
    let script = dir.path().join("ka.js");
    std::fs::write(&script, KEMI_SCRIPT).unwrap();
    let modules = format!(
        r#"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "app_jsdt.so"
loadmodule "{{MODDIR}}/keepalive.so"
modparam("app_jsdt", "load", "{}")
modparam("keepalive", "ping_interval", 1)
modparam("keepalive", "event_callback", "ksr_keepalive_event")
cfgengine "jsdt"
"#,
        script.display()
    );
    let k = Kamailio::start(
        "ka-kemi",
        Config {
            globals: "",
            modules: &modules,
            routes: "",
        },
    );
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    let mut c = SipTcp::connect(k.addr());
    assert_eq!(rc(&mut c, "alive", &uri, ""), -1);
    assert_eq!(
        rc(&mut c, "add", &format!("127.0.0.1:{}", uas.port()), ""),
        1
    );
    assert!(wait_state(&k, &uri, "kemi", "1", 5));
    assert!(k.wait_log(&format!("KEMI-EVENT keepalive:dst-up {uri}"), 3));
    uas.set(Answer::Code(503));
    assert!(wait_alive(&mut c, &uri, 2, 5));
    assert!(k.wait_log(&format!("KEMI-EVENT keepalive:dst-down {uri}"), 3));
    assert_eq!(rc(&mut c, "del", &uri, ""), 1);
    assert_eq!(rc(&mut c, "del", &uri, ""), -1);
    assert_eq!(rc(&mut c, "alive", &uri, ""), -1);
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
fn module_api_every_member() {
    let uas = Uas::start(0, Answer::Code(200));
    let modules = r#"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "{MODDIR}/keepalive.so"
loadmodule "{TESTMODDIR}/kaapi.so"
modparam("keepalive", "ping_interval", 1)
"#;
    let routes = r#"
request_route {
    switch ($rU) {
    case "add": kaapi_add("$hdr(X-Dest)", "$hdr(X-Owner)"); break;
    case "del": kaapi_del("$hdr(X-Dest)", "$hdr(X-Owner)"); break;
    case "find": kaapi_find("$hdr(X-Dest)", "$hdr(X-Owner)"); break;
    case "state": kaapi_state("$hdr(X-Dest)"); break;
    }
    sl_send_reply("200", "OK");
    exit;
}
"#;
    let k = Kamailio::start(
        "ka-api",
        Config {
            globals: "children=2",
            modules,
            routes,
        },
    );
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    let short = format!("127.0.0.1:{}", uas.port());
    let mut c = SipTcp::connect(k.addr());
    let call = |c: &mut SipTcp, op: &str, owner: &str| {
        c.request(op, &[("X-Dest", short.as_str()), ("X-Owner", owner)]);
    };
    call(&mut c, "state", "");
    assert!(k.wait_log("KAAPI state rc=-1", 2), "not monitored yet");
    call(&mut c, "add", "mod");
    assert!(k.wait_log("KAAPI add rc=0", 2), "add_destination returns 0");
    call(&mut c, "find", "mod");
    assert!(
        k.wait_log(&format!("KAAPI find uri={uri} owner=mod state=0"), 2),
        "unknown first"
    );
    assert!(
        k.wait_log(&format!("KAAPI cb {uri} 1"), 5),
        "state callback: up"
    );
    call(&mut c, "state", "");
    assert!(k.wait_log("KAAPI state rc=1", 2));
    call(&mut c, "find", "mod");
    assert!(k.wait_log(&format!("KAAPI find uri={uri} owner=mod state=1"), 2));
    call(&mut c, "find", "other");
    assert!(k.wait_log("KAAPI find none", 2));
    // re-adding tells the (new) callback the known state at once
    call(&mut c, "add", "mod");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(k.log_count(&format!("KAAPI cb {uri} 1")), 2);
    // a registration made without callbacks (RPC) is found through the API, and takes
    // callbacks when its owner adds it through the API
    k.rpc(&["keepalive.add", &uri, "plain"]).unwrap();
    call(&mut c, "find", "plain");
    assert!(k.wait_log(&format!("KAAPI find uri={uri} owner=plain state=1"), 2));
    call(&mut c, "add", "plain");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(k.log_count(&format!("KAAPI cb {uri} 1")), 3);
    let list = k.rpc(&["keepalive.list"]).unwrap();
    assert_eq!(list.matches("plain").count(), 1, "one registration: {list}");
    call(&mut c, "del", "plain");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(k.log_count("KAAPI del rc=1"), 1);
    assert!(k.rpc(&["keepalive.get", &uri, "plain"]).is_err());
    assert!(k.rpc(&["keepalive.get", &uri, "mod"]).is_ok());
    uas.set(Answer::Code(503));
    assert!(
        k.wait_log(&format!("KAAPI cb {uri} 2"), 5),
        "state callback: down"
    );
    call(&mut c, "find", "mod");
    assert!(k.wait_log(&format!("KAAPI find uri={uri} owner=mod state=2"), 2));
    call(&mut c, "del", "mod");
    assert!(k.wait_log("KAAPI del rc=1", 2));
    call(&mut c, "del", "mod");
    assert!(k.wait_log("KAAPI del rc=-1", 2));
    call(&mut c, "find", "mod");
    assert_eq!(k.log_count("KAAPI find none"), 2);
    assert!(k.rpc(&["core.version"]).is_ok());
}

/// jsonrpcs (datagram on UDP `jport`, FIFO in the test dir, HTTP through xhttp at
/// /jsonrpc), xmlrpc at /RPC2, next to the usual modules.
fn rpc_modules(jport: u16, extra: &str) -> String {
    format!(
        r#"
loadmodule "xhttp.so"
loadmodule "jsonrpcs.so"
loadmodule "xmlrpc.so"
modparam("jsonrpcs", "transport", 7)
modparam("jsonrpcs", "fifo_name", "{{DIR}}/jsonrpc.fifo")
modparam("jsonrpcs", "fifo_reply_dir", "{{DIR}}/")
modparam("jsonrpcs", "dgram_socket", "udp:127.0.0.1:{jport}")
modparam("xhttp", "url_match", "^/jsonrpc")
modparam("xmlrpc", "url_match", "^/RPC2")
modparam("xmlrpc", "route", "XMLRPC")
{MODULES}
{extra}
"#
    )
}

const RPC_ROUTES: &str = r#"
event_route[xhttp:request] {
    jsonrpc_dispatch();
    exit;
}
route[XMLRPC] {
    dispatch_rpc();
}
"#;

fn start_rpc(tag: &str, globals: &str, jport: u16, extra: &str) -> Kamailio {
    let modules = rpc_modules(jport, extra);
    let routes = format!("{ROUTES}\n{RPC_ROUTES}");
    Kamailio::start(
        tag,
        Config {
            globals,
            modules: &modules,
            routes: &routes,
        },
    )
}

/// The `uri` of every entry of a JSON-RPC `result`, which must be an array.
fn json_uris(reply: &serde_json::Value) -> Vec<String> {
    let r = reply
        .get("result")
        .unwrap_or_else(|| panic!("no result: {reply}"));
    r.as_array()
        .unwrap_or_else(|| panic!("result is not an array: {reply}"))
        .iter()
        .map(|e| {
            e.get("uri")
                .and_then(|u| u.as_str())
                .unwrap_or_else(|| panic!("entry without uri: {e}"))
                .to_string()
        })
        .collect()
}

/// The `uri:` values of a kamcmd reply.
fn kamcmd_uris(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.trim().strip_prefix("uri: ").map(str::to_string))
        .collect()
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

/// A JSON-RPC 2.0 success reply whose result is the string `want` (and no error).
fn assert_json_ok(r: &serde_json::Value, want: &str) {
    assert_eq!(
        r.get("jsonrpc").and_then(|v| v.as_str()),
        Some("2.0"),
        "{r}"
    );
    assert_eq!(r.get("error"), None, "{r}");
    assert_eq!(r.get("result").and_then(|v| v.as_str()), Some(want), "{r}");
}

/// Adds `n` destinations `sip:d<i>@127.0.0.<...>:<port>` over JSON-RPC; returns their URIs.
fn add_many(rpc: &mut JsonUdp, n: usize, owner: &str) -> Vec<String> {
    add_range(rpc, 0..n, owner)
}

/// Adds the destinations `sip:d<i>@...` of `add_many` for each `i` in `range`.
fn add_range(rpc: &mut JsonUdp, range: std::ops::Range<usize>, owner: &str) -> Vec<String> {
    range
        .map(|i| {
            let d = format!("sip:d{i}@127.0.{}.{}:5099", 1 + i / 250, 1 + i % 250);
            let r = rpc.call("keepalive.add", &[&d, owner]).unwrap();
            assert!(r.get("result").is_some(), "add {d}: {r}");
            d
        })
        .collect()
}

/// Pages through `cmd` with `call(offset, limit)` -> entries' URIs; every page but the last
/// is full.
fn page_all(mut call: impl FnMut(usize, usize) -> Vec<String>) -> Vec<String> {
    let mut all = Vec::new();
    loop {
        let page = call(all.len(), 100);
        assert!(page.len() <= 100);
        let last = page.len() < 100;
        all.extend(page);
        if last {
            return all;
        }
    }
}

fn start_rpc_mem(
    tag: &str,
    globals: &str,
    jport: u16,
    extra: &str,
    shm_mb: u32,
    pkg_mb: u32,
) -> Kamailio {
    let modules = rpc_modules(jport, extra);
    let routes = format!("{ROUTES}\n{RPC_ROUTES}");
    Kamailio::builder(
        tag,
        Config {
            globals,
            modules: &modules,
            routes: &routes,
        },
    )
    .shm_mb(shm_mb)
    .pkg_mb(pkg_mb)
    .start()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// The `uri` of every top-level struct of a binrpc reply (`Err`: a fault or no reply).
fn binrpc_uris(k: &Kamailio, cmd: &str, params: &[&str]) -> Result<Vec<String>, String> {
    match binrpc::call(&k.ctl, cmd, params, Duration::from_secs(30))? {
        Ok(values) => Ok(values
            .iter()
            .map(|v| {
                v.get("uri")
                    .and_then(|u| u.str())
                    .unwrap_or_else(|| panic!("{cmd}: entry without uri: {v:?}"))
                    .to_string()
            })
            .collect()),
        Err((code, msg)) => Err(format!("{code} {msg}")),
    }
}

/// The plain `keepalive.list` and `keepalive.stats` answer the whole table in one reply
/// where the transport carries it: 150 destinations over kamcmd, 250 over a jsonrpcs
/// datagram (a datagram holds about 280 of these); 400 fit a datagram only with the C
/// module's fields of `keepalive.list` (so they go with those) and not with those of
/// `keepalive.stats` (250 go without the latency statistics), 500 not at all: a 413 that says how to page, never a lost reply.
#[test]
fn plain_lists_answer_the_whole_table_where_it_fits() {
    let jport = port();
    let k = start_rpc(
        "ka-plain",
        "",
        jport,
        "modparam(\"keepalive\", \"ping_interval\", 3600)",
    );
    let mut udp = JsonUdp::new(jport, Duration::from_secs(10));
    let mut want = add_many(&mut udp, 150, "gw");
    want.sort();
    let out = k.rpc(&["keepalive.list"]).unwrap();
    assert_eq!(sorted(kamcmd_uris(&out)), want, "kamcmd keepalive.list");
    let out = k.rpc(&["keepalive.stats"]).unwrap();
    assert_eq!(sorted(kamcmd_uris(&out)), want, "kamcmd keepalive.stats");
    assert_eq!(
        out.matches("rtt_stddev_us: ").count(),
        150,
        "kamcmd keepalive.stats: the latency statistics of each"
    );
    // 250: one datagram
    let more: Vec<String> = (150..250)
        .map(|i| {
            let d = format!("sip:d{i}@127.0.{}.{}:5099", 1 + i / 250, 1 + i % 250);
            assert!(udp.call("keepalive.add", &[&d, "gw"]).unwrap()["result"].is_string());
            d
        })
        .collect();
    let want = sorted(want.into_iter().chain(more).collect());
    let r = udp.call("keepalive.list", &[]).unwrap();
    assert_eq!(sorted(json_uris(&r)), want, "datagram keepalive.list");
    let r = udp.call("keepalive.stats", &[]).unwrap();
    assert_eq!(sorted(json_uris(&r)), want, "datagram keepalive.stats");
    // ... which holds them only without the latency statistics
    for e in r["result"].as_array().into_iter().flatten() {
        let o = e.as_object().unwrap();
        assert!(o.len() == 11 && o.contains_key("rtt_avg_us"), "{e}");
    }
    let out = k.rpc(&["keepalive.list"]).unwrap();
    assert_eq!(sorted(kamcmd_uris(&out)), want, "kamcmd, 250");
    // 400: a datagram holds them with the C module's fields only
    let want = sorted(
        want.into_iter()
            .chain(add_range(&mut udp, 250..400, "gw"))
            .collect(),
    );
    let r = udp.call("keepalive.list", &[]).unwrap();
    assert_eq!(sorted(json_uris(&r)), want, "datagram keepalive.list, 400");
    for e in r["result"].as_array().into_iter().flatten() {
        let mut names: Vec<&str> = e.as_object().unwrap().keys().map(|n| n.as_str()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "last checked",
                "last down",
                "last up",
                "owner",
                "state",
                "uri"
            ],
            "{e}"
        );
    }
    let out = k.rpc(&["keepalive.list"]).unwrap();
    assert_eq!(kamcmd_uris(&out).len(), 400, "kamcmd, 400");
    assert!(out.contains("state_name: "), "kamcmd: every field");
    // more than a datagram holds
    let refused = |r: serde_json::Value, cmd: &str, n: usize| {
        assert_eq!(r["error"]["code"], 413, "{r}");
        let msg = r["error"]["message"].as_str().unwrap_or_default();
        assert!(
            msg.contains(&format!("{n} entries"))
                && msg.contains(&format!("{cmd} <offset> <limit>")),
            "{r}"
        );
    };
    refused(
        udp.call("keepalive.stats", &[]).unwrap(),
        "keepalive.stats",
        400,
    );
    add_range(&mut udp, 400..500, "gw");
    refused(
        udp.call("keepalive.list", &[]).unwrap(),
        "keepalive.list",
        500,
    );
}

/// The `uri` values of an xmlrpc reply's entries, in order.
fn xmlrpc_uris(x: &str) -> Vec<String> {
    x.split("<name>uri</name><value><string>")
        .skip(1)
        .map(|p| p.split('<').next().unwrap_or_default().to_string())
        .collect()
}

/// xmlrpc answers every table the C module answers, with Kamailio's default 8 MB of pkg
/// (the C module answers 7,000 destinations and gives an empty reply at 7,250; the SIP
/// worker copies the reply into pkg twice): 5,000 and 6,000 destinations complete in one
/// reply, 6,000 with the C module's six fields only (with `state_name` and `last_code`
/// they would not fit); 8,000, beyond what the worker's pkg holds, a 413 that says how to
/// page, never an empty reply.
#[test]
fn xmlrpc_answers_every_table_the_c_module_answers() {
    let jport = port();
    let k = start_rpc_mem(
        "ka-xmlrpc-floor",
        "",
        jport,
        "modparam(\"keepalive\", \"ping_interval\", 3600)",
        64,
        8,
    );
    let mut udp = JsonUdp::new(jport, Duration::from_secs(10));
    let c_fields = [
        "uri",
        "owner",
        "last checked",
        "last up",
        "last down",
        "state",
    ];
    let mut want = Vec::new();
    for n in [5000, 6000] {
        want.extend(add_range(&mut udp, want.len()..n, "bulk"));
        let x = xmlrpc(k.addr(), "/RPC2", "keepalive.list", &[]).unwrap();
        assert!(!x.contains("<fault>"), "{n}: {}", &x[..x.len().min(600)]);
        assert_eq!(
            sorted(xmlrpc_uris(&x)),
            sorted(want.clone()),
            "{n}: every entry"
        );
        for f in c_fields {
            let member = format!("<member><name>{f}</name>");
            assert_eq!(x.matches(&member).count(), n, "{n}: {f}");
        }
        if n == 6000 {
            assert!(
                !x.contains("<name>state_name</name>"),
                "the C module's fields"
            );
        }
    }
    want.extend(add_range(&mut udp, want.len()..8000, "bulk"));
    for cmd in ["keepalive.list", "keepalive.stats"] {
        let x = xmlrpc(k.addr(), "/RPC2", cmd, &[]).unwrap();
        assert!(
            x.contains("<int>413</int>")
                && x.contains(&format!("use {cmd} &lt;offset> &lt;limit>")),
            "{cmd}, 8,000: {}",
            &x[..x.len().min(600)]
        );
    }
    // a page still goes
    let x = xmlrpc(k.addr(), "/RPC2", "keepalive.list", &["7900", "100"]).unwrap();
    assert_eq!(xmlrpc_uris(&x).len(), 100, "{}", &x[..x.len().min(600)]);
}

/// A large xmlrpc reply is complete or a 413, never empty, also when the worker's pkg is
/// cut up: with `mem_join=0` the pkg manager does not join the blocks a reply freed, so
/// after a reply of 3,800 destinations the worker's pkg has room enough for 4,300 in bytes
/// but in no block large enough (the C module, and 730d693, give an empty reply there).
/// Every answer is the whole table or a 413 that says how to page.
#[test]
fn xmlrpc_reply_is_whole_or_an_error_when_pkg_is_cut_up() {
    let jport = port();
    let k = start_rpc_mem(
        "ka-xmlrpc-cut",
        "mem_join=0\ntcp_children=1",
        jport,
        "modparam(\"keepalive\", \"ping_interval\", 3600)",
        64,
        8,
    );
    let mut udp = JsonUdp::new(jport, Duration::from_secs(10));
    let mut want = add_many(&mut udp, 3800, "bulk");
    let x = xmlrpc(k.addr(), "/RPC2", "keepalive.list", &[]).unwrap();
    assert_eq!(xmlrpc_uris(&x).len(), 3800, "{}", &x[..x.len().min(600)]);
    want.extend(add_range(&mut udp, 3800..4300, "bulk"));
    let want = sorted(want);
    for i in 0..4 {
        let x = xmlrpc(k.addr(), "/RPC2", "keepalive.list", &[])
            .unwrap_or_else(|e| panic!("ask {i}: no reply: {e}"));
        if x.contains("<fault>") {
            assert!(
                x.contains("<int>413</int>")
                    && x.contains("use keepalive.list &lt;offset> &lt;limit>"),
                "ask {i}: {x}"
            );
        } else {
            assert_eq!(sorted(xmlrpc_uris(&x)), want, "ask {i}: the whole table");
        }
    }
}

/// 10,000 destinations added over RPC with `-m 256` and no `max_destinations` (derived from
/// the shm size: 1/4 of 256 MB at 256 bytes each, 262,144, logged at start-up). The plain
/// `keepalive.list`/`keepalive.stats` answer them in one reply on every transport that
/// carries it, with Kamailio's default 8 MB of pkg: binrpc with ctl's default settings (a
/// client without kamcmd's 128 KiB limit), the jsonrpcs FIFO, and HTTP (about 2.4 MB; the
/// worker copies it into pkg twice; `tcp_async=no` so that the core writes it whole however
/// much the kernel takes at once). A jsonrpcs datagram and xmlrpc (about 6 MB of XML, 5 MB
/// with the C module's fields only: more than 8 MB of pkg takes twice) answer a 413 that
/// says how to page, kamcmd refuses the
/// reply itself (its 128 KiB), and paging gives every destination once there.
#[test]
fn list_of_10000_destinations_in_one_reply_where_it_fits() {
    let jport = port();
    let k = start_rpc_mem(
        "ka-10k",
        "tcp_async=no",
        jport,
        "modparam(\"keepalive\", \"ping_interval\", 3600)",
        256,
        8,
    );
    assert!(
        k.log_text().contains("max_destinations: 262144 (derived"),
        "the derived limit is logged at start-up"
    );
    let mut udp = JsonUdp::new(jport, Duration::from_secs(10));
    let want = sorted(add_many(&mut udp, 10_000, "bulk"));
    // binrpc: one reply with ctl's defaults
    for cmd in ["keepalive.list", "keepalive.stats"] {
        let got = binrpc_uris(&k, cmd, &[]).unwrap_or_else(|e| panic!("binrpc {cmd}: {e}"));
        assert_eq!(sorted(got), want, "binrpc {cmd}: one reply");
    }
    // also to a client slow to read (ctl's own writes give up after 10 ms)
    let slow = Some(Duration::from_millis(20));
    match binrpc::call_sized(&k.ctl, "keepalive.list", &[], Duration::from_secs(60), slow) {
        Ok((Ok(v), bytes)) => {
            assert_eq!(v.len(), 10_000, "slow reader");
            assert!(bytes > 1 << 20, "a reply of {bytes} bytes");
        }
        other => panic!("slow binrpc reader: {other:?}"),
    }
    // FIFO, HTTP, xmlrpc: one reply
    let mut fifo = JsonFifo::new(&k.dir.path().join("jsonrpc.fifo"), k.dir.path());
    for cmd in ["keepalive.list", "keepalive.stats"] {
        let r = fifo.call(cmd, &[]).unwrap();
        assert_eq!(sorted(json_uris(&r)), want, "fifo {cmd}: one reply");
        let r = json_http(k.addr(), "/jsonrpc", cmd, &[]).unwrap();
        assert_eq!(sorted(json_uris(&r)), want, "http {cmd}: one reply");
    }
    // xmlrpc: refused with what to do, pages work
    let usage = "keepalive.list <offset> <limit>";
    let x = xmlrpc(k.addr(), "/RPC2", "keepalive.list", &[]).unwrap();
    assert!(
        x.contains("<int>413</int>") && x.contains("use keepalive.list &lt;offset> &lt;limit>"),
        "xmlrpc: {x}"
    );
    let by_xmlrpc = page_all(|o, l| {
        let x = xmlrpc(
            k.addr(),
            "/RPC2",
            "keepalive.list",
            &[&o.to_string(), &l.to_string()],
        )
        .unwrap();
        xmlrpc_uris(&x)
    });
    assert_eq!(sorted(by_xmlrpc), want, "xmlrpc pages");
    // a datagram: refused with what to do
    let r = udp.call("keepalive.list", &[]).unwrap();
    assert_eq!(r["error"]["code"], 413, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains(usage),
        "datagram: {r}"
    );
    // kamcmd reads at most 128 KiB: it refuses the whole table, pages work
    let err = k.rpc(&["keepalive.list"]).unwrap_err();
    assert!(err.contains("reply too big"), "kamcmd: {err}");
    assert!(
        k.rpc(&["keepalive.list", "0", "101"]).is_err(),
        "limit above 100"
    );
    let by_kamcmd = page_all(|o, l| {
        let out = k
            .rpc(&["keepalive.list", &o.to_string(), &l.to_string()])
            .unwrap_or_else(|e| panic!("page {o}: {e}"));
        kamcmd_uris(&out)
    });
    assert_eq!(sorted(by_kamcmd), want, "kamcmd pages");
    for cmd in ["keepalive.list", "keepalive.stats"] {
        let pages =
            page_all(|o, l| json_uris(&udp.call(cmd, &[&o.to_string(), &l.to_string()]).unwrap()));
        assert_eq!(sorted(pages), want, "datagram {cmd} pages");
    }
    // a page of stock-sized entries stays far below what one datagram carries
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    sock.send_to(
        rpc_clients::json_request("keepalive.list", &["0", "100"], 1, None).as_bytes(),
        ("127.0.0.1", jport),
    )
    .unwrap();
    let mut buf = vec![0u8; 256 * 1024];
    let n = sock.recv(&mut buf).unwrap();
    assert!(n < 48 * 1024, "a page of 100 entries took {n} bytes");
}

/// 8 clients adding, deleting, getting and listing at once (4 jsonrpcs dgram_workers,
/// `binrpc_max_body_size` 2048, 2,000 destinations): every reply comes, complete or an
/// error. Plain `keepalive.list`/`keepalive.stats` over binrpc answer the whole table in
/// one reply (about 450 KB: more than a socket buffer holds, so ctl waits for its slow
/// readers instead of cutting the reply), over a datagram a 413 that says how to page.
/// They run for 10 s and until each has done 5 rounds (a loaded machine is slow, not
/// wrong); silence for 30 s is a failure.
#[test]
fn concurrent_clients_get_whole_lists_or_errors() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    let jport = port();
    let k = start_rpc(
        "ka-busy",
        "children=2",
        jport,
        "modparam(\"jsonrpcs\", \"dgram_workers\", 4)\n\
         modparam(\"ctl\", \"binrpc_max_body_size\", 2048)\n\
         modparam(\"keepalive\", \"ping_interval\", 3600)",
    );
    let mut udp = JsonUdp::new(jport, Duration::from_secs(30));
    let base = add_many(&mut udp, 2000, "base");
    let stop = Arc::new(AtomicBool::new(false));
    // rounds done, per client
    let rounds: Arc<Vec<AtomicUsize>> = Arc::new((0..8).map(|_| AtomicUsize::new(0)).collect());
    let ctl = k.ctl.clone();
    // kamcmd with a deadline: silence is a failure
    let kamcmd = move |args: &[&str]| -> Result<String, String> {
        let out = std::process::Command::new("timeout")
            .arg("30")
            .arg("kamcmd")
            .arg("-s")
            .arg(format!("unix:{}", ctl.display()))
            .args(args)
            .output()
            .unwrap();
        if out.status.code() == Some(124) {
            panic!("kamcmd {args:?}: no reply within 30 s");
        }
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        if out.status.success() && !text.starts_with("error:") {
            Ok(text)
        } else {
            Err(format!("{text}{}", String::from_utf8_lossy(&out.stderr)))
        }
    };
    let mut threads = Vec::new();
    for t in 0..8usize {
        let stop = stop.clone();
        let rounds = rounds.clone();
        let kamcmd = kamcmd.clone();
        let base = base.clone();
        let ctl = k.ctl.clone();
        threads.push(std::thread::spawn(move || {
            let mut udp = JsonUdp::new(jport, Duration::from_secs(30));
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                match t {
                    // add and delete destinations of their own
                    0 | 1 => {
                        let d = format!("sip:t{t}x{}@127.0.9.9:5099", i % 50);
                        let r = udp.call("keepalive.add", &[&d, "busy"]).unwrap();
                        assert_json_ok(&r, "Ok. Destination added.");
                        if i & 1 == 0 {
                            // added just above by this client, which alone uses `d`
                            let r = udp.call("keepalive.del", &[&d, "busy"]).unwrap();
                            assert_json_ok(&r, "Ok. Destination removed.");
                        }
                    }
                    // get, over both transports: one entry, one object
                    2 => {
                        let d = &base[i % base.len()];
                        let out = kamcmd(&["keepalive.get", d, "base"]).unwrap();
                        assert_eq!(kamcmd_uris(&out), vec![d.clone()]);
                        let r = udp.call("keepalive.get", &[d, "base"]).unwrap();
                        assert_eq!(r["result"]["uri"], d.as_str(), "{r}");
                    }
                    // binrpc: the whole table in one reply, complete; kamcmd pages
                    3..=5 => {
                        let cmd = if i.is_multiple_of(2) {
                            "keepalive.list"
                        } else {
                            "keepalive.stats"
                        };
                        let v = match binrpc::call(&ctl, cmd, &[], Duration::from_secs(30)) {
                            Ok(Ok(v)) => v,
                            other => panic!("binrpc {cmd}: {other:?}"),
                        };
                        let uris: std::collections::HashSet<&str> = v
                            .iter()
                            .map(|e| e.get("uri").and_then(|u| u.str()).expect("uri"))
                            .collect();
                        assert_eq!(uris.len(), v.len(), "{cmd}: every entry once");
                        assert!(
                            base.iter().all(|b| uris.contains(b.as_str())),
                            "{cmd}: {} entries, not every base destination",
                            v.len()
                        );
                        let off = (i * 97) % 1800;
                        let out = kamcmd(&["keepalive.list", &off.to_string(), "100"])
                            .unwrap_or_else(|e| panic!("page {off}: {e}"));
                        assert_eq!(kamcmd_uris(&out).len(), 100, "page {off}: {out}");
                    }
                    // a datagram: the whole table does not fit, pages do
                    _ => {
                        let r = udp.call("keepalive.list", &[]).unwrap();
                        assert_eq!(r["error"]["code"], 413, "{r}");
                        let off = ((i * 89) % 1800).to_string();
                        let r = udp.call("keepalive.list", &[&off, "100"]).unwrap();
                        assert_eq!(json_uris(&r).len(), 100, "{r}");
                        let r = udp.call("keepalive.stats", &[&off, "100"]).unwrap();
                        assert_eq!(json_uris(&r).len(), 100, "{r}");
                    }
                }
                rounds[t].fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let start = std::time::Instant::now();
    let done = |r: &[AtomicUsize]| r.iter().all(|n| n.load(Ordering::Relaxed) >= 5);
    while (start.elapsed() < Duration::from_secs(10) || !done(&rounds))
        && start.elapsed() < Duration::from_secs(120)
        && !threads.iter().any(|t| t.is_finished())
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().expect("a client failed");
    }
    assert!(done(&rounds), "every client did 5 rounds: {rounds:?}");
    assert_eq!(k.log_count("too many message chunks"), 0);
    assert_eq!(k.log_count("send timeout"), 0);
    assert!(k.rpc(&["core.version"]).is_ok());
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
    let routes = ROUTES.replace(
        "xlog(\"L_ERR\", \"EV-DOWN $ru\\n\");",
        "xlog(\"L_ERR\", \"EV-DOWN $ru\\n\");\n    ka_add_destination(\"$ru\", \"again\");",
    );
    assert!(routes.contains("\"again\""));
    let modules = format!(
        "{MODULES}\nmodparam(\"keepalive\", \"ping_interval\", 2)\n\
         modparam(\"keepalive\", \"probe_timeout\", 300)\n\
         modparam(\"keepalive\", \"down_after\", 2)\n\
         modparam(\"keepalive\", \"delete_counter\", 1)\n\
         modparam(\"keepalive\", \"remove_unreachable\", 1)"
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

/// `ka_is_alive` with a literal parameter (prepared at fixup time) answers exactly as with a
/// variable holding the same text (read in place), as with an expression (fixed up on every
/// call) and as with a string that formats a variable, for every destination form; a literal
/// that is not a destination is reported at start-up and always returns -1.
#[test]
fn is_alive_literal_and_variable_parameters_agree_for_every_form() {
    let up = Uas::start(0, Answer::Code(200));
    let silent = Uas::start(0, Answer::Silent);
    let (u, s) = (up.port(), silent.port());
    let dests = [
        format!("sip:127.0.0.1:{u}"),
        format!("sip:alice@127.0.0.1:{u}"),
        format!("sip:localhost:{u}"),
        format!("sip:127.0.0.1:{s}"),
    ];
    // (literal text, expected rc once the states are known; 0: 1 or 2)
    let forms: Vec<(String, i64)> = vec![
        (format!("127.0.0.1:{u}"), 1),
        (format!("sip:127.0.0.1:{u}"), 1),
        (format!("SIP:127.0.0.1:{u};transport=UDP"), 1),
        (format!(" 127.0.0.1:{u} "), 1),
        (format!("sip:127.0.0.1:{u};lr"), 1),
        (format!("alice@127.0.0.1:{u}"), 1),
        (format!("sip:alice@127.0.0.1:{u}"), 1),
        // monitored (up or down: localhost may resolve to ::1, where nothing listens)
        (format!("localhost:{u}"), 0),
        (format!("sip:LOCALHOST:{u};transport=udp"), 0),
        (format!("127.0.0.1:{s}"), 2),
        (format!("sip:127.0.0.1:{s}"), 2),
        (format!("bob@127.0.0.1:{u}"), -1),
        (format!("sip:127.0.0.1:{u};transport=tcp"), -1),
        (format!("sips:127.0.0.1:{u}"), -1),
        ("127.0.0.1".to_string(), -1),
        ("tel:+12345".to_string(), -1),
    ];
    let mut route = String::from("request_route {\n");
    for (i, (f, _)) in forms.iter().enumerate() {
        route.push_str(&format!(
            "    ka_is_alive(\"{f}\"); $var(a) = $rc; $var(t) = \"{f}\"; ka_is_alive(\"$var(t)\"); \
             $var(b) = $rc; ka_is_alive($var(t) + \"\"); $var(c) = $rc; \
             $var(h) = $(var(t){{s.substr,0,1}}); $var(r) = $(var(t){{s.substr,1,0}}); \
             ka_is_alive(\"$var(h)$var(r)\"); $var(e) = $rc; \
             append_to_reply(\"X-F{i}: $var(a) $var(b) $var(c) $var(e)\\r\\n\");\n"
        ));
    }
    route.push_str("    sl_send_reply(\"200\", \"OK\");\n    exit;\n}\n");
    let params: String = dests
        .iter()
        .map(|d| format!("modparam(\"keepalive\", \"destination\", \"{d}\")\n"))
        .collect();
    let modules = format!("{MODULES}\n{params}");
    let k = Kamailio::start(
        "ka-literal",
        Config {
            globals: "",
            modules: &modules,
            routes: &route,
        },
    );
    assert!(
        k.wait_log("ka_is_alive(\"tel:+12345\"): not a valid destination", 5),
        "an invalid literal is reported at start-up"
    );
    let mut c = SipTcp::connect(k.addr());
    let deadline = Instant::now() + Duration::from_secs(8);
    let mut last = Vec::new();
    while Instant::now() < deadline {
        let r = c.request("forms", &[]);
        last = (0..forms.len())
            .map(|i| r.header(&format!("X-F{i}")).unwrap_or("").to_string())
            .collect();
        let ok = |want: i64, got: &str| match want {
            0 => got == "1 1 1 1" || got == "2 2 2 2",
            w => got == format!("{w} {w} {w} {w}"),
        };
        if forms.iter().zip(&last).all(|((_, w), got)| ok(*w, got)) {
            // the per-call fixup of the expression gave the core back the string it frees
            assert_eq!(k.log_count("free(0)"), 0, "{}", k.log_text());
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!(
        "literal / variable results per form: {:?}",
        forms.iter().map(|f| &f.0).zip(&last).collect::<Vec<_>>()
    );
}

/// ka_is_alive remembers in each process where it last found a value (or that it was
/// absent) while the table has not changed: the remembered answer follows additions and
/// deletions made in the same process and in others (RPC), for variable and literal
/// parameters, and stays right for more values than the process keeps.
#[test]
fn remembered_lookups_follow_adds_and_deletes() {
    let route = r#"
request_route {
    $var(d) = "10.9.8.7:5070";
    if ($rU == "same") {
        ka_is_alive("$var(d)"); $var(a0) = $rc; ka_is_alive("10.9.8.7:5070"); $var(l0) = $rc;
        ka_add_destination("sip:10.9.8.7:5070", "t");
        ka_is_alive("$var(d)"); $var(a1) = $rc; ka_is_alive("10.9.8.7:5070"); $var(l1) = $rc;
        ka_del_destination("sip:10.9.8.7:5070", "t");
        ka_is_alive("$var(d)"); $var(a2) = $rc; ka_is_alive("10.9.8.7:5070"); $var(l2) = $rc;
        append_to_reply("X-R: $var(a0) $var(l0) $var(a1) $var(l1) $var(a2) $var(l2)\r\n");
    }
    if ($rU == "check") {
        ka_is_alive("$var(d)"); $var(a) = $rc; ka_is_alive("10.9.8.7:5070"); $var(l) = $rc;
        append_to_reply("X-R: $var(a) $var(l)\r\n");
    }
    if ($rU == "many") {
        # 40 values, half of them monitored, each asked three times in turn
        $var(bad) = 0; $var(r) = 0;
        while ($var(r) < 3) {
            $var(i) = 0;
            while ($var(i) < 40) {
                $var(v) = "10.9.0." + $var(i) + ":5060";
                ka_is_alive("$var(v)");
                if (($var(i) mod 2 == 0 && $rc != 1) || ($var(i) mod 2 == 1 && $rc != -1)) {
                    $var(bad) = $var(bad) + 1;
                }
                $var(i) = $var(i) + 1;
            }
            $var(r) = $var(r) + 1;
        }
        append_to_reply("X-R: $var(bad)\r\n");
    }
    sl_send_reply("200", "OK");
    exit;
}
"#;
    let params: String = (0..40)
        .step_by(2)
        .map(|i| format!("modparam(\"keepalive\", \"destination\", \"sip:10.9.0.{i}:5060\")\n"))
        .collect();
    let modules = format!("{MODULES}\nmodparam(\"keepalive\", \"ping_interval\", 3600)\n{params}");
    let k = Kamailio::start(
        "ka-remember",
        Config {
            globals: "",
            modules: &modules,
            routes: route,
        },
    );
    // one TCP connection: every request runs in the same reader process
    let mut c = SipTcp::connect(k.addr());
    let r = |c: &mut SipTcp, op: &str| c.request(op, &[]).header("X-R").unwrap_or("").to_string();
    assert_eq!(
        r(&mut c, "same"),
        "-1 -1 1 1 -1 -1",
        "added and deleted in this process"
    );
    assert_eq!(r(&mut c, "check"), "-1 -1");
    k.rpc(&["keepalive.add", "sip:10.9.8.7:5070", "t"]).unwrap();
    assert_eq!(r(&mut c, "check"), "1 1", "added by the RPC process");
    k.rpc(&["keepalive.del", "sip:10.9.8.7:5070", "t"]).unwrap();
    assert_eq!(r(&mut c, "check"), "-1 -1", "deleted by the RPC process");
    assert_eq!(
        r(&mut c, "many"),
        "0",
        "wrong answers among 120 lookups of 40 values"
    );
}

/// `(uri, owner)` of every top-level struct of a binrpc listing reply.
fn binrpc_entries(k: &Kamailio, cmd: &str, params: &[&str]) -> Vec<(String, String)> {
    match binrpc::call(&k.ctl, cmd, params, Duration::from_secs(30)).expect("a reply") {
        Ok(values) => values
            .iter()
            .map(|v| {
                let s = |n: &str| v.get(n).and_then(|u| u.str()).unwrap_or("").to_string();
                (s("uri"), s("owner"))
            })
            .collect(),
        Err((code, msg)) => panic!("{cmd} {params:?}: {code} {msg}"),
    }
}

/// Paging continues where the page before stopped (no walk to the offset) and gives what a
/// walk would: pages of 7 through destinations with one to three owners (a page ends inside
/// a destination's registrations) equal the one-reply listing; after a registration before
/// the current page is removed and another added, the next page is the new table's from that
/// offset, as without continuation.
#[test]
fn pages_continue_where_the_last_stopped_and_follow_changes() {
    let jport = port();
    let k = start_rpc(
        "ka-resume",
        "",
        jport,
        "modparam(\"keepalive\", \"ping_interval\", 3600)",
    );
    let mut udp = JsonUdp::new(jport, Duration::from_secs(10));
    let uris = add_many(&mut udp, 300, "a");
    for (i, d) in uris.iter().enumerate() {
        for o in ["b", "c"].iter().take(i % 3) {
            assert!(udp.call("keepalive.add", &[d, o]).unwrap()["result"].is_string());
        }
    }
    for cmd in ["keepalive.list", "keepalive.stats"] {
        let whole = binrpc_entries(&k, cmd, &[]);
        assert_eq!(whole.len(), if cmd == "keepalive.list" { 600 } else { 300 });
        let mut paged = Vec::new();
        loop {
            let page = binrpc_entries(&k, cmd, &[&paged.len().to_string(), "7"]);
            let last = page.len() < 7;
            paged.extend(page);
            if last {
                break;
            }
        }
        assert_eq!(paged, whole, "{cmd} paged by 7");
    }
    // a page, then a change before the next one: the next is the changed table's
    let first = binrpc_entries(&k, "keepalive.list", &["0", "7"]);
    assert_eq!(first.len(), 7);
    let (u, o) = &first[2];
    assert!(udp.call("keepalive.del", &[u, o]).unwrap()["result"].is_string());
    assert!(udp
        .call("keepalive.add", &["sip:new@127.0.9.9:5099", "z"])
        .unwrap()["result"]
        .is_string());
    let next = binrpc_entries(&k, "keepalive.list", &["7", "7"]);
    let whole = binrpc_entries(&k, "keepalive.list", &[]);
    assert_eq!(next, whole[7..14].to_vec());
}
