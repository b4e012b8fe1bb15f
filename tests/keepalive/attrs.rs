//! keepalive's per-destination attributes and run-time control against a real Kamailio:
//! attributes on every way of adding (modparam, cfg, KEMI, RPC), bad ones refused with
//! nothing added, `interval`/`from`/`socket`/`proxy`/`probing` seen on the wire by a UAS,
//! `keepalive.set`, and `keepalive.ping_active`.

use kit as common;

use common::cfg::{self, KEEPALIVE_MODULES as MODULES};
use common::uas::{Answer, Uas};
use common::{poll_until, port, wait_until, Config, Kamailio, SipTcp};
use std::time::{Duration, Instant};

/// `add` adds the destination in X-Dest for owner X-Owner with the attributes in X-Attrs
/// (`add2`: the C module's form, without); reports `$rc` in X-RC.
const ROUTES: &str = r#"
request_route {
    $var(rc) = 0;
    if ($rU == "add") {
        ka_add_destination("$hdr(X-Dest)", "$hdr(X-Owner)", "$hdr(X-Attrs)");
        $var(rc) = $rc;
    } else if ($rU == "best") {
        $var(b) = "none";
        ka_best("$hdr(X-List)", "$var(b)");
        $var(rc) = $rc;
        append_to_reply("X-Best: $var(b)\r\n");
    } else if ($rU == "add2") {
        ka_add_destination("$hdr(X-Dest)", "$hdr(X-Owner)");
        $var(rc) = $rc;
    }
    append_to_reply("X-RC: $var(rc)\r\n");
    sl_send_reply("200", "OK");
    exit;
}
"#;

fn start(tag: &str, globals: &str, modparams: &str) -> Kamailio {
    Kamailio::start_cfg(tag, globals, &format!("{MODULES}\n{modparams}"), ROUTES)
}

fn cfg_add(c: &mut SipTcp, dest: &str, owner: &str, attrs: &str) -> i64 {
    c.request(
        "add",
        &[("X-Dest", dest), ("X-Owner", owner), ("X-Attrs", attrs)],
    )
    .int("X-RC")
}

/// The value of `field` in a kamcmd struct reply (the first one that has it).
fn field(rpc_out: &str, field: &str) -> Option<String> {
    rpc_out.lines().find_map(|l| {
        l.trim()
            .strip_prefix(&format!("{field}:"))
            .map(|v| v.trim().to_string())
    })
}

fn get_field(k: &Kamailio, uri: &str, owner: &str, name: &str) -> Option<String> {
    k.rpc(&["keepalive.get", uri, owner])
        .ok()
        .and_then(|out| field(&out, name))
}

/// Requests received by `uas` within `window`.
fn pings_within(uas: &Uas, window: Duration) -> usize {
    let before = uas.count();
    std::thread::sleep(window);
    uas.count() - before
}

#[test]
fn attributes_on_every_way_of_adding_and_bad_ones_refused() {
    let (a, b, c3, d) = (
        Uas::start(0, Answer::Code(200)),
        Uas::start(0, Answer::Code(200)),
        Uas::start(0, Answer::Code(200)),
        Uas::start(0, Answer::Code(200)),
    );
    let uri = |u: &Uas| format!("sip:127.0.0.1:{}", u.port());
    let k = start(
        "ka-attrs-add",
        "",
        &format!(
            "modparam(\"keepalive\", \"destination\", \"{};;interval=3;timeout=700\")",
            uri(&a)
        ),
    );
    assert_eq!(
        get_field(&k, &uri(&a), "_params", "attrs").as_deref(),
        Some("interval=3;timeout=700"),
        "modparam form"
    );
    assert_eq!(
        get_field(&k, &uri(&a), "_params", "interval").as_deref(),
        Some("3")
    );
    let mut c = SipTcp::connect(k.addr());
    assert_eq!(
        cfg_add(&mut c, &uri(&b), "cfg", "down_after=2; alive_codes=2xx,404"),
        1
    );
    assert_eq!(
        get_field(&k, &uri(&b), "cfg", "attrs").as_deref(),
        Some("alive_codes=2xx,404;down_after=2")
    );
    k.rpc(&["keepalive.add", &uri(&c3), "rpc", "probing=0;up_after=3"])
        .expect("keepalive.add with attributes");
    assert_eq!(
        get_field(&k, &uri(&c3), "rpc", "attrs").as_deref(),
        Some("up_after=3;probing=0")
    );
    assert_eq!(
        get_field(&k, &uri(&c3), "rpc", "probing").as_deref(),
        Some("paused")
    );
    // keepalive.stats shows them too (one entry per destination)
    let stats = k.rpc(&["keepalive.stats"]).unwrap();
    assert!(stats.contains("attrs: up_after=3;probing=0"), "{stats}");
    // a paused destination is never pinged; the others are
    assert!(b.wait_count(1, 5));
    assert_eq!(c3.count(), 0, "probing=0: not pinged");
    // a C-style add without attributes still works and shows none
    let plain = c
        .request("add2", &[("X-Dest", &uri(&d)), ("X-Owner", "plain")])
        .int("X-RC");
    assert_eq!(plain, 1);
    assert_eq!(
        get_field(&k, &uri(&d), "plain", "attrs").as_deref(),
        Some("")
    );

    // bad attributes: refused with a clear error, nothing added
    let bad = format!("sip:127.0.0.1:{}", port());
    for (attrs, says) in [
        ("colour=red", "unknown attribute 'colour'"),
        ("interval=0", "interval must be from 1"),
        ("from=sip:a X-Evil: 1", "bad URI"),
        ("socket=udp:127.0.0.1:1", "not a listening socket"),
        ("socket=udp:localhost:5060", "not proto:ip:port"),
        ("alive_codes=9xx", "alive_codes"),
    ] {
        assert_eq!(cfg_add(&mut c, &bad, "cfg", attrs), -1, "{attrs}");
        assert!(k.wait_log(says, 3), "cfg logs why: {says}");
        let err = k
            .rpc(&["keepalive.add", &bad, "rpc", attrs])
            .expect_err(attrs);
        assert!(err.contains(says), "{attrs}: {err}");
        assert!(k.rpc(&["keepalive.get", &bad, "cfg"]).is_err(), "{attrs}");
        assert!(k.rpc(&["keepalive.get", &bad, "rpc"]).is_err(), "{attrs}");
    }
    // a From that would end the header is refused
    let err = k
        .rpc(&["keepalive.add", &bad, "rpc", "from=sip:a\r\nX-Evil: 1"])
        .expect_err("CRLF in from");
    assert!(err.contains("bad URI"), "{err}");
    assert!(k.rpc(&["keepalive.get", &bad, "rpc"]).is_err());
    // a bad keepalive.set changes nothing
    assert!(k
        .rpc(&["keepalive.set", &uri(&b), "interval=2;bogus=1"])
        .is_err());
    assert_eq!(
        get_field(&k, &uri(&b), "cfg", "attrs").as_deref(),
        Some("alive_codes=2xx,404;down_after=2")
    );
    let stats = k.rpc(&["keepalive.stats"]).unwrap();
    assert!(!stats.contains(&bad), "{stats}");
}

#[test]
fn bad_destination_modparam_attributes_stop_the_start() {
    let uas = Uas::start(0, Answer::Code(200));
    let dir = common::tempdir::Dir::new("ka-attrs-badparam");
    let cfg = dir.path().join("k.cfg");
    std::fs::write(
        &cfg,
        format!(
            "#!KAMAILIO\nlog_stderror=yes\nlisten=udp:127.0.0.1:{}\nmpath=\"{}\"\nloadmodule \"tm.so\"\n\
             loadmodule \"{}/keepalive.so\"\n\
             modparam(\"keepalive\", \"destination\", \"sip:127.0.0.1:{};;interval=fast\")\n\
             request_route {{ drop; }}\n",
            port(),
            common::stock_modules_dir().display(),
            common::modules_dir().display(),
            uas.port()
        ),
    )
    .unwrap();
    let out = std::process::Command::new("kamailio")
        .arg("-c")
        .arg("-f")
        .arg(&cfg)
        .output()
        .expect("run kamailio -c");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{log}");
    assert!(log.contains("interval: 'fast' is not a number"), "{log}");
}

#[test]
fn kemi_add_destination_attrs() {
    let uas = Uas::start(0, Answer::Code(200));
    let script = r#"
function ksr_request_route() {
    if (KSR.pv.get("$rU") == "best") {
        KSR.pv.sets("$var(b)", "none");
        var r = KSR.keepalive.best(KSR.pv.get("$hdr(X-List)"), "$var(b)");
        KSR.hdr.append_to_reply("X-RC: " + r + "\r\nX-Best: " + KSR.pv.get("$var(b)") + "\r\n");
        KSR.sl.sl_send_reply(200, "OK");
        return;
    }
    var rc = KSR.keepalive.add_destination_attrs(KSR.pv.get("$hdr(X-Dest)"), "kemi",
        KSR.pv.get("$hdr(X-Attrs)"));
    KSR.hdr.append_to_reply("X-RC: " + rc + "\r\n");
    KSR.sl.sl_send_reply(200, "OK");
}
"#;
    let modules = cfg::jsdt(&["tm", "sl", "pv"], "loadmodule \"{MODDIR}/keepalive.so\"");
    let k = Kamailio::builder("ka-attrs-kemi", Config::new("", &modules, ""))
        .files(&cfg::jsdt_script(script))
        .start();
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    let mut c = SipTcp::connect(k.addr());
    assert_eq!(cfg_add(&mut c, &uri, "", "interval=7;probing=0"), 1);
    assert_eq!(
        get_field(&k, &uri, "kemi", "attrs").as_deref(),
        Some("interval=7;probing=0")
    );
    let bad = format!("sip:127.0.0.1:{}", port());
    assert_eq!(cfg_add(&mut c, &bad, "", "interval=x"), -1);
    assert!(k.rpc(&["keepalive.get", &bad, "kemi"]).is_err());
    // KSR.keepalive.best: a paused, never measured destination is the only alive candidate
    let r = c.request("best", &[("X-List", &format!("{bad}, {uri}"))]);
    assert_eq!(r.int("X-RC"), 1);
    assert_eq!(r.header("X-Best"), Some(uri.as_str()));
    let r = c.request("best", &[("X-List", &bad)]);
    assert_eq!((r.int("X-RC"), r.header("X-Best")), (-1, Some("none")));
}

#[test]
fn interval_attribute_sets_the_ping_rate() {
    let fast = Uas::start(0, Answer::Code(200));
    let slow = Uas::start(0, Answer::Code(200));
    let k = start("ka-attrs-interval", "", "");
    k.rpc(&[
        "keepalive.add",
        &format!("sip:127.0.0.1:{}", fast.port()),
        "t",
        "interval=1",
    ])
    .unwrap();
    k.rpc(&[
        "keepalive.add",
        &format!("sip:127.0.0.1:{}", slow.port()),
        "t",
        "interval=10",
    ])
    .unwrap();
    // after 23 s: the gaps between pings are 1 s and 10 s (a ping due in the same batch
    // as the other's may be held back up to half a second: the steady-rate spreading)
    std::thread::sleep(Duration::from_secs(23));
    let gaps = |u: &Uas| -> Vec<f64> {
        let at: Vec<Instant> = u.received().iter().map(|r| r.at).collect();
        let mut g: Vec<f64> = at.windows(2).map(|w| (w[1] - w[0]).as_secs_f64()).collect();
        g.sort_by(f64::total_cmp);
        g
    };
    let (f, s) = (gaps(&fast), gaps(&slow));
    let what = format!("interval=1: {f:?}, interval=10: {s:?}");
    assert!(f.len() >= 19 && s.len() >= 2, "{what}");
    let fast_median = f[f.len() / 2];
    assert!((0.98..=1.02).contains(&fast_median), "{what}");
    assert!(s.iter().all(|g| (9.9..=10.6).contains(g)), "{what}");
    let ratio = s[0] / fast_median;
    assert!((9.7..=10.7).contains(&ratio), "{what}");
}

#[test]
fn from_socket_and_proxy_seen_on_the_wire() {
    let dest = Uas::start(0, Answer::Code(200));
    let other = Uas::start(0, Answer::Code(200));
    let proxy = Uas::start(0, Answer::Code(200));
    let second = port();
    let k = start(
        "ka-attrs-wire",
        &format!("listen=udp:127.0.0.1:{second}\n"),
        "",
    );
    let uri = format!("sip:127.0.0.1:{}", dest.port());
    k.rpc(&[
        "keepalive.add",
        &uri,
        "t",
        &format!("from=sip:ping@probe.example.com;socket=udp:127.0.0.1:{second}"),
    ])
    .unwrap();
    assert!(dest.wait_count(1, 3));
    let r = &dest.received()[0];
    assert!(
        r.from.contains("sip:ping@probe.example.com"),
        "from: {}",
        r.from
    );
    assert_eq!(r.src_port, second, "sent from the socket attribute");
    assert_eq!(r.transport, "udp");
    // a proxy: the ping goes to the proxy, with the destination as its R-URI
    let via_proxy = format!("sip:127.0.0.1:{}", other.port());
    k.rpc(&[
        "keepalive.add",
        &via_proxy,
        "t",
        &format!("proxy=sip:127.0.0.1:{}", proxy.port()),
    ])
    .unwrap();
    assert!(proxy.wait_count(1, 3));
    let r = &proxy.received()[0];
    assert_eq!(r.method, "OPTIONS");
    assert_eq!(r.ruri, via_proxy);
    assert!(
        wait_until(Duration::from_secs(3), || {
            get_field(&k, &via_proxy, "t", "state").as_deref() == Some("1")
        }),
        "up through the proxy's 200"
    );
    assert_eq!(other.count(), 0, "nothing straight to the destination");
}

#[test]
fn keepalive_set_takes_effect_by_the_next_ping() {
    let uas = Uas::start(0, Answer::Code(200));
    let k = start("ka-attrs-set", "", "");
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    k.rpc(&["keepalive.add", &uri, "t", "interval=30"]).unwrap();
    assert!(uas.wait_count(1, 3));
    // the next ping would be 30 s away: the new interval and From apply to it
    let set_at = Instant::now();
    let reply = k
        .rpc(&[
            "keepalive.set",
            &uri,
            "interval=1;from=sip:changed@example.com",
        ])
        .unwrap();
    assert!(
        reply.contains("interval=1;from=sip:changed@example.com"),
        "{reply}"
    );
    assert!(uas.wait_count(2, 3), "next ping within the new interval");
    assert!(set_at.elapsed() < Duration::from_millis(1_500));
    assert!(uas.received()[1].from.contains("sip:changed@example.com"));
    // probing=0 pauses it, probing= (back to the module's: active) resumes it
    k.rpc(&["keepalive.set", &uri, "probing=0"]).unwrap();
    std::thread::sleep(Duration::from_millis(1_200));
    assert_eq!(pings_within(&uas, Duration::from_secs(3)), 0, "paused");
    assert_eq!(
        get_field(&k, &uri, "t", "probing").as_deref(),
        Some("paused")
    );
    assert_eq!(get_field(&k, &uri, "t", "state").as_deref(), Some("1"));
    k.rpc(&["keepalive.set", &uri, "probing="]).unwrap();
    assert!(
        pings_within(&uas, Duration::from_millis(2_300)) >= 2,
        "resumed"
    );
    assert_eq!(
        get_field(&k, &uri, "t", "attrs").as_deref(),
        Some("interval=1;from=sip:changed@example.com")
    );
    // an unknown destination
    assert!(k
        .rpc(&["keepalive.set", "sip:127.0.0.1:9", "interval=1"])
        .is_err());
}

#[test]
fn ping_active_pauses_and_resumes_all_probing() {
    let (a, b) = (
        Uas::start(0, Answer::Code(200)),
        Uas::start(0, Answer::Code(200)),
    );
    let k = start(
        "ka-attrs-active",
        "",
        &format!(
            "modparam(\"keepalive\", \"destination\", \"sip:127.0.0.1:{}\")\n\
             modparam(\"keepalive\", \"destination\", \"sip:127.0.0.1:{}\")",
            a.port(),
            b.port()
        ),
    );
    assert!(a.wait_count(2, 4) && b.wait_count(2, 4));
    let shown = k.rpc(&["keepalive.ping_active"]).unwrap();
    assert_eq!(field(&shown, "ping_active").as_deref(), Some("1"));
    let off = k.rpc(&["keepalive.ping_active", "0"]).unwrap();
    assert_eq!(field(&off, "ping_active").as_deref(), Some("0"));
    assert_eq!(field(&off, "previous").as_deref(), Some("1"));
    // within one interval (1 s) nothing more goes out
    std::thread::sleep(Duration::from_millis(1_100));
    let (a0, b0) = (a.count(), b.count());
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!((a.count(), b.count()), (a0, b0), "no pings while paused");
    let uri = format!("sip:127.0.0.1:{}", a.port());
    assert_eq!(
        get_field(&k, &uri, "_params", "probing").as_deref(),
        Some("paused")
    );
    assert_eq!(
        get_field(&k, &uri, "_params", "state").as_deref(),
        Some("1"),
        "states stay"
    );
    assert!(k.rpc(&["keepalive.ping_active", "2"]).is_err());
    let on = k.rpc(&["keepalive.ping_active", "1"]).unwrap();
    assert_eq!(field(&on, "previous").as_deref(), Some("0"));
    assert!(
        a.wait_count(a0 + 2, 3) && b.wait_count(b0 + 2, 3),
        "resumed"
    );
}

/// The integer `name` of `keepalive.get uri owner`.
fn get_int(k: &Kamailio, uri: &str, owner: &str, name: &str) -> i64 {
    get_field(k, uri, owner, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} of {uri}"))
}

fn wait_int(k: &Kamailio, uri: &str, name: &str, pred: impl Fn(i64) -> bool, secs: u64) -> i64 {
    let mut v = 0;
    poll_until(Duration::from_secs(secs), Duration::from_millis(50), || {
        v = get_int(k, uri, "t", name);
        pred(v)
    });
    v
}

#[test]
fn latency_statistics_match_known_delays() {
    // delays in ms: 20 and 80, then jitter
    let delays = [20u64, 80, 20, 80, 35, 65, 50, 20, 80, 45, 27, 73];
    let uas = Uas::start(0, Answer::Slow(200, delays[0]));
    let k = start("ka-attrs-latency", "", "");
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    k.rpc(&["keepalive.add", &uri, "t", "interval=1"]).unwrap();
    for (i, _) in delays.iter().enumerate() {
        assert!(uas.wait_count(i + 1, 4), "ping {}", i + 1);
        if i + 1 < delays.len() {
            uas.set(Answer::Slow(200, delays[i + 1]));
        } else {
            // the next ping is a second away: stop before it
            k.rpc(&["keepalive.set", &uri, "probing=0"]).unwrap();
        }
    }
    let n = delays.len() as i64;
    assert_eq!(wait_int(&k, &uri, "rtt_samples", |v| v == n, 3), n);
    let xs: Vec<f64> = delays.iter().map(|&d| d as f64 * 1000.0).collect();
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64).sqrt();
    let mut est = xs[0];
    for x in &xs[1..] {
        est = 0.9 * est + 0.1 * x;
    }
    for (name, want) in [
        ("rtt_last_us", xs[xs.len() - 1]),
        ("rtt_min_us", 20_000.0),
        ("rtt_max_us", 80_000.0),
        ("rtt_mean_us", mean),
        ("rtt_stddev_us", sd),
        ("rtt_est_us", est),
    ] {
        // a round trip is never shorter than the UAS's delay (1 ms for clock granularity), but
        // on a loaded 2-core machine one may be 10 ms longer (the UAS's thread and Kamailio's
        // receiver wait for a CPU); the deviation may go either way
        let got = get_int(&k, &uri, "t", name) as f64;
        let below = if name == "rtt_stddev_us" {
            15_000.0
        } else {
            1_000.0
        };
        assert!(
            got >= want - below && got <= want + 15_000.0,
            "{name}: {got} µs, the UAS's delays give {want} µs"
        );
    }
    // the listing shows the same, one entry per destination
    let listed = k.rpc(&["keepalive.latency"]).unwrap();
    assert!(listed.contains(&format!("uri: {uri}")), "{listed}");
    assert!(listed.contains(&format!("rtt_samples: {n}")), "{listed}");
    let stats = k.rpc(&["keepalive.stats"]).unwrap();
    let est = get_int(&k, &uri, "t", "rtt_est_us");
    for f in [format!("rtt_samples: {n}"), format!("rtt_est_us: {est}")] {
        assert!(stats.contains(&f), "keepalive.stats: {f}: {stats}");
    }
    assert_eq!(get_int(&k, &uri, "t", "fail_timeout"), 0);
    assert_ne!(
        get_field(&k, &uri, "t", "last_change").as_deref(),
        Some("never")
    );

    // reset, then failures by class
    let r = k.rpc(&["keepalive.stats_reset", &uri]).unwrap();
    assert!(r.contains("1 destination"), "{r}");
    assert_eq!(get_int(&k, &uri, "t", "rtt_samples"), 0);
    assert_eq!(get_int(&k, &uri, "t", "rtt_est_us"), 0);
    assert!(k
        .rpc(&["keepalive.stats_reset", "sip:127.0.0.1:9"])
        .is_err());
    uas.set(Answer::Code(404));
    k.rpc(&["keepalive.set", &uri, "probing=1;timeout=300"])
        .unwrap();
    assert!(wait_int(&k, &uri, "fail_4xx", |v| v >= 1, 3) >= 1);
    uas.set(Answer::Code(503));
    assert!(wait_int(&k, &uri, "fail_5xx", |v| v >= 1, 3) >= 1);
    // a failure reply measures a round trip too; a timeout does not
    uas.set(Answer::Silent);
    std::thread::sleep(Duration::from_millis(200));
    let replied = get_int(&k, &uri, "t", "rtt_samples");
    assert!(replied >= 2, "{replied}");
    assert!(wait_int(&k, &uri, "fail_timeout", |v| v >= 1, 3) >= 1);
    assert_eq!(get_int(&k, &uri, "t", "rtt_samples"), replied);
    let all = k.rpc(&["keepalive.stats_reset"]).unwrap();
    assert!(all.contains("1 destination"), "{all}");
    assert_eq!(get_int(&k, &uri, "t", "fail_4xx"), 0);
}

fn best(c: &mut SipTcp, list: &str) -> (i64, String) {
    let r = c.request("best", &[("X-List", list)]);
    (
        r.int("X-RC"),
        r.header("X-Best").unwrap_or_default().to_string(),
    )
}

/// Polls ka_best until it picks `want` (true) or `secs` pass.
fn wait_best(c: &mut SipTcp, list: &str, want: &str, secs: u64) -> bool {
    wait_until(Duration::from_secs(secs), || best(c, list).1 == want)
}

#[test]
fn ka_best_picks_the_fastest_alive_and_follows_changes() {
    let a = Uas::start(0, Answer::Slow(200, 60));
    let b = Uas::start(0, Answer::Slow(200, 5));
    let c3 = Uas::start(0, Answer::Slow(200, 30));
    let k = start(
        "ka-attrs-best",
        "",
        "modparam(\"keepalive\", \"latency_alpha\", 300)",
    );
    let uri = |u: &Uas| format!("sip:127.0.0.1:{}", u.port());
    for u in [&a, &b, &c3] {
        k.rpc(&["keepalive.add", &uri(u), "t", "interval=1"])
            .unwrap();
    }
    let unmonitored = format!("sip:127.0.0.1:{}", port());
    let list = format!("{unmonitored},{}, {} ,{}", uri(&a), uri(&b), uri(&c3));
    let mut c = SipTcp::connect(k.addr());
    for u in [&a, &b, &c3] {
        assert!(u.wait_count(2, 5));
    }
    assert!(
        wait_best(&mut c, &list, &uri(&b), 3),
        "{:?}",
        best(&mut c, &list)
    );
    assert_eq!(best(&mut c, &list).0, 1);
    // b slows down: c3 is the fastest once the estimate follows
    b.set(Answer::Slow(200, 120));
    assert!(
        wait_best(&mut c, &list, &uri(&c3), 8),
        "{:?}",
        best(&mut c, &list)
    );
    // c3 fails: a (60 ms) beats b (120 ms)
    c3.set(Answer::Code(503));
    assert!(
        wait_best(&mut c, &list, &uri(&a), 4),
        "{:?}",
        best(&mut c, &list)
    );
    // none alive: -1, the variable unchanged
    a.set(Answer::Code(503));
    b.set(Answer::Code(503));
    assert!(
        wait_best(&mut c, &list, "none", 4),
        "{:?}",
        best(&mut c, &list)
    );
    assert_eq!(best(&mut c, &list).0, -1);
    // a comes back
    a.set(Answer::Code(200));
    assert!(
        wait_best(&mut c, &list, &uri(&a), 4),
        "{:?}",
        best(&mut c, &list)
    );
}

#[test]
fn dst_latency_event_with_hysteresis() {
    let uas = Uas::start(0, Answer::Slow(200, 10));
    let routes = format!(
        "{ROUTES}\nevent_route[keepalive:dst-latency] {{\n    \
         xlog(\"L_ERR\", \"LAT $kalat(state) $kalat(rtt_us) $ru\\n\");\n}}\n"
    );
    let modules = format!(
        "{MODULES}\nloadmodule \"xlog.so\"\n\
         modparam(\"keepalive\", \"latency_alpha\", 0)\n\
         modparam(\"keepalive\", \"latency_threshold\", 50)\n\
         modparam(\"keepalive\", \"latency_hysteresis\", 20)"
    );
    let k = Kamailio::start(
        "ka-attrs-latev",
        Config {
            globals: "",
            modules: &modules,
            routes: &routes,
        },
    );
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    k.rpc(&["keepalive.add", &uri, "t", "interval=1"]).unwrap();
    assert!(uas.wait_count(2, 4));
    // above 50 ms: one "high" event with the estimate (alpha 0: the last RTT)
    uas.set(Answer::Slow(200, 80));
    let n = uas.count();
    assert!(uas.wait_count(n + 2, 4));
    assert!(k.wait_log("LAT high ", 3), "high event");
    let line = k
        .log_text()
        .lines()
        .find(|l| l.contains("LAT high "))
        .map(str::to_string)
        .unwrap();
    let rtt: i64 = line
        .split("LAT high ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!((80_000..90_000).contains(&rtt), "{line}");
    assert!(line.ends_with(&uri), "{line}");
    assert_eq!(k.log_count("LAT high "), 1, "once while it stays high");
    // 45 ms: below the threshold but within the hysteresis (back below 40 ms): no event
    uas.set(Answer::Slow(200, 45));
    let n = uas.count();
    assert!(uas.wait_count(n + 2, 4));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(k.log_count("LAT normal"), 0, "hysteresis");
    // 10 ms: back
    uas.set(Answer::Slow(200, 10));
    assert!(k.wait_log("LAT normal ", 4), "back to normal");
    assert_eq!(k.log_count("LAT normal "), 1);
    assert_eq!(k.log_count("LAT high "), 1);
}
