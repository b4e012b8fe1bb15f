//! keepalive's stateless pings (no tm transaction per ping): replies matched in the module's
//! reply hook, foreign replies passed on, timeouts, a slow UAS, a UAS answering from another
//! port, TCP from the pinger process, and `ping_with_tm`.

mod common;

use common::uas::{Answer, Uas};
use common::{Config, Kamailio, SipTcp};
use std::time::{Duration, Instant};

const MODULES: &str = r#"
loadmodule "kex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "{MODDIR}/keepalive.so"
modparam("keepalive", "ping_interval", 1)
"#;

/// `alive` answers with ka_is_alive's code; `relay` relays the request statefully to the
/// address in X-To (a foreign transaction whose reply passes the reply hook).
const ROUTES: &str = r#"
request_route {
    if ($rU == "alive") {
        ka_is_alive("$hdr(X-Dest)"); $var(rc) = $rc;
        append_to_reply("X-RC: $var(rc)\r\n");
        sl_send_reply("200", "OK");
        exit;
    }
    if ($rU == "relay") {
        $du = "sip:" + $hdr(X-To);
        t_relay();
        exit;
    }
    sl_send_reply("404", "Not here");
}
"#;

fn start(tag: &str, modparams: &str) -> Kamailio {
    let modules = format!("{MODULES}\n{modparams}");
    Kamailio::start(
        tag,
        Config {
            globals: "",
            modules: &modules,
            routes: ROUTES,
        },
    )
}

/// A number from a kamcmd reply line `name: value` (or `name = value` for statistics).
fn number(out: &str, name: &str) -> Option<u64> {
    out.lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix(name)?;
        rest.trim_start_matches([':', '=', ' ']).trim().parse().ok()
    })
}

fn get(k: &Kamailio, uri: &str, field: &str) -> Option<u64> {
    let out = k.rpc(&["keepalive.get", uri, "_params"]).ok()?;
    number(&out, field)
}

fn stat(k: &Kamailio, name: &str) -> u64 {
    let out = k
        .rpc(&["stats.get_statistics", "keepalive:"])
        .unwrap_or_default();
    number(&out, &format!("keepalive:{name} ")).unwrap_or_else(|| panic!("{name}: {out}"))
}

/// Local transactions tm made (t_request makes one per ping).
fn tm_local(k: &Kamailio) -> u64 {
    let out = k.rpc(&["tm.stats"]).unwrap();
    number(&out, "total_local").unwrap_or_else(|| panic!("{out}"))
}

fn wait_for(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

fn dest(modparam_uri: &str) -> String {
    format!("modparam(\"keepalive\", \"destination\", \"{modparam_uri}\")")
}

#[test]
fn replies_matched_without_tm_over_udp_and_tcp() {
    let uas = Uas::start(0, Answer::Code(200));
    let udp = format!("sip:127.0.0.1:{}", uas.port());
    let tcp = format!("sip:127.0.0.1:{};transport=tcp", uas.port());
    let k = start("ka-sl-match", &format!("{}\n{}", dest(&udp), dest(&tcp)));
    assert!(
        wait_for(5, || get(&k, &udp, "state") == Some(1)
            && get(&k, &tcp, "state") == Some(1)),
        "both up"
    );
    assert!(wait_for(5, || get(&k, &udp, "replies").unwrap_or(0) >= 3));
    let got = uas.received();
    assert!(got.iter().any(|r| r.transport == "tcp"), "a ping over TCP");
    for r in &got {
        assert_eq!(r.method, "OPTIONS");
        assert!(r.call_id.starts_with("kaping-"), "{}", r.call_id);
    }
    assert_eq!(tm_local(&k), 0, "no tm transaction per ping");
    assert!(stat(&k, "pings_sent") >= 4);
    assert!(stat(&k, "ping_replies_alive") >= 4);
    assert!(get(&k, &udp, "rtt_avg_us").unwrap() > 0);
    let mut c = SipTcp::connect(k.addr());
    let alive = c.request("alive", &[("X-Dest", &udp)]).int("X-RC");
    assert_eq!(alive, 1);
}

#[test]
fn foreign_replies_pass_through() {
    let uas = Uas::start(0, Answer::Code(200));
    let k = start(
        "ka-sl-foreign",
        &dest(&format!("sip:127.0.0.1:{}", uas.port())),
    );
    let mut c = SipTcp::connect(k.addr());
    let to = format!("127.0.0.1:{}", uas.port());
    for _ in 0..3 {
        let r = c.request("relay", &[("X-To", &to)]);
        assert_eq!(r.code, 200, "a relayed request's reply reaches the client");
    }
    // a foreign Call-ID that looks like a ping's of another server is passed on too
    let r = c.request_with_call_id(
        "relay",
        "kaping-00000000-0000000000000001",
        &[("X-To", &to)],
    );
    assert_eq!(r.code, 200);
    // meanwhile the module's own pings were answered and matched, none through tm (the
    // relayed requests are not local transactions)
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    assert!(wait_for(5, || get(&k, &uri, "replies").unwrap_or(0) >= 2));
    assert_eq!(tm_local(&k), 0);
}

#[test]
fn timeouts_and_a_slow_uas() {
    let slow = Uas::start(0, Answer::Slow(200, 300));
    let late = Uas::start(0, Answer::Slow(200, 1500));
    let (s, l) = (
        format!("sip:127.0.0.1:{}", slow.port()),
        format!("sip:127.0.0.1:{}", late.port()),
    );
    let k = start(
        "ka-sl-slow",
        &format!(
            "modparam(\"keepalive\", \"ping_interval\", 3)\n\
             modparam(\"keepalive\", \"probe_timeout\", 1000)\n{}\n{}",
            dest(&s),
            dest(&l)
        ),
    );
    assert!(
        wait_for(6, || get(&k, &s, "state") == Some(1)),
        "slow but in time: up"
    );
    assert!(get(&k, &s, "rtt_last_us").unwrap() >= 300_000);
    assert!(
        wait_for(6, || get(&k, &l, "state") == Some(2)),
        "too late: down"
    );
    assert!(get(&k, &l, "timeouts").unwrap() >= 1);
    assert_eq!(get(&k, &l, "replies"), Some(0), "a late reply is ignored");
    assert!(stat(&k, "ping_timeouts") >= 1);
    assert_eq!(tm_local(&k), 0);
}

#[test]
fn uas_answering_from_another_port() {
    let uas = Uas::start(0, Answer::OtherPort(200));
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    let k = start("ka-sl-port", &dest(&uri));
    assert!(wait_for(5, || get(&k, &uri, "state") == Some(1)));
    assert!(wait_for(5, || get(&k, &uri, "replies").unwrap_or(0) >= 2));
    assert_eq!(tm_local(&k), 0);
}

#[test]
fn ping_with_tm_keeps_tm() {
    let uas = Uas::start(0, Answer::Code(200));
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    let k = start(
        "ka-sl-tm",
        &format!(
            "modparam(\"keepalive\", \"ping_with_tm\", 1)\n{}",
            dest(&uri)
        ),
    );
    assert!(wait_for(5, || get(&k, &uri, "state") == Some(1)));
    assert!(tm_local(&k) >= 1, "pings through tm");
    assert!(uas
        .received()
        .iter()
        .all(|r| !r.call_id.starts_with("kaping-")));
}
