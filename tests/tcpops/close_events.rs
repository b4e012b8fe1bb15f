//! The `tcp:closed`, `tcp:timeout` and `tcp:reset` events for every way a connection closes,
//! with our tcpops and with the release's stock C tcpops side by side (they must raise the
//! same events, ours once where the core reports a close twice: the core decides which, and it
//! changed between releases, see modules/tcpops/README.md "Close events by release"), and
//! tcpops next to another module subscribed to the core's TCP-closed event
//! (tests/fixtures/tcpwatch).

use kit as common;

use common::{cfg, Config, Kamailio, SipTcp};
use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

const ROUTES: &str = r#"
request_route {
    $var(cid) = $(hdr(X-Conid){s.int});
    switch ($rU) {
    case "close0": tcp_close_connection(); exit;
    case "close0r": tcp_close_connection(); break;
    case "close1": tcp_close_connection("$var(cid)"); break;
    case "life": tcp_set_connection_lifetime("1"); break;
    case "ka": tcp_keepalive_enable("1", "2", "1"); break;
    }
    append_to_reply("X-Conid: $conid\r\n");
    sl_send_reply("200", "OK");
    exit;
}
event_route[tcp:closed] { xlog("L_ERR", "EV tcp:closed sp=$sp .\n"); }
event_route[tcp:timeout] { xlog("L_ERR", "EV tcp:timeout sp=$sp .\n"); }
event_route[tcp:reset] { xlog("L_ERR", "EV tcp:reset sp=$sp .\n"); }
"#;

/// Kamailio in a network namespace of its own with `tcpops` loaded from `module`.
fn start(tag: &str, module: &str) -> Kamailio {
    // the message read and data timeouts (6.0+) close idle half-read connections quickly
    let globals = if common::kamailio_version() >= (6, 0) {
        "tcp_msg_read_timeout=2\ntcp_msg_data_timeout=2\n"
    } else {
        ""
    };
    let modules = format!(
        "{}loadmodule \"{module}\"\n",
        cfg::load(&["sl", "pv", "textops", "xlog"])
    );
    Kamailio::builder(tag, Config::new(globals, &modules, ROUTES))
        .in_netns()
        .start()
}

/// The events logged from byte `from` of the log on: `(event, the peer's port)` (the stock
/// module's `$tcp(conid)` is null in these routes on 5.6).
fn events_since(k: &Kamailio, from: usize) -> Vec<(String, i64)> {
    let text = k.log_text();
    text.get(from..)
        .unwrap_or("")
        .lines()
        .filter(|l| !l.contains("DEBUG"))
        .filter_map(|l| l.split("EV ").nth(1))
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let ev = w.next()?.to_string();
            let id = w.next()?.strip_prefix("sp=")?.parse().ok()?;
            Some((ev, id))
        })
        .collect()
}

/// Waits up to `max` for an event on each connection in `names` (by the peer's port), then a
/// little longer for a second one, and returns the events since `from`, each connection named
/// as in `names` (`other` for the others, e.g. a connection Kamailio opened).
fn collect(k: &Kamailio, from: usize, names: &[(i64, &str)], max: Duration) -> Vec<String> {
    common::wait_until(max, || {
        let got = events_since(k, from);
        names.iter().all(|(id, _)| got.iter().any(|(_, g)| g == id))
    });
    std::thread::sleep(Duration::from_millis(800));
    let mut out: Vec<String> = events_since(k, from)
        .into_iter()
        .map(|(ev, id)| {
            let name = names
                .iter()
                .find(|(n, _)| *n == id)
                .map_or("other", |n| n.1);
            format!("{ev} {name}")
        })
        .collect();
    out.sort();
    out
}

/// Runs every close scenario on `k` (tcpops from `module`); the events each raised.
fn scenarios(k: &Kamailio) -> BTreeMap<&'static str, Vec<String>> {
    let ns = k.netns_path();
    let conn = || SipTcp::connect_in(&ns, k.addr());
    // a connection by its (client) port, once Kamailio has a message from it
    let id = |c: &mut SipTcp| {
        c.request("id", &[]);
        i64::from(c.local_port())
    };
    let mark = || k.log_text().len();
    let quick = Duration::from_secs(4);
    let mut held = Vec::new();
    let mut r = BTreeMap::new();

    let (mut a, from) = (conn(), mark());
    let aid = id(&mut a);
    drop(a);
    r.insert(
        "1 FIN from the peer",
        collect(k, from, &[(aid, "it")], quick),
    );

    let (mut a, from) = (conn(), mark());
    let aid = id(&mut a);
    a.reset();
    r.insert(
        "2 RST from the peer",
        collect(k, from, &[(aid, "it")], quick),
    );

    let (mut a, from) = (conn(), mark());
    let aid = id(&mut a);
    a.send("close0", &[]);
    held.push(a);
    r.insert(
        "3 tcp_close_connection() on its own connection",
        collect(k, from, &[(aid, "it")], quick),
    );

    // the reply then goes to the peer's address on a new connection, which the peer refuses
    let (mut a, from) = (conn(), mark());
    let aid = id(&mut a);
    a.send("close0r", &[]);
    held.push(a);
    r.insert(
        "4 tcp_close_connection() then a reply",
        collect(k, from, &[(aid, "it")], quick),
    );

    let (mut a, mut b, from) = (conn(), conn(), mark());
    let aid = id(&mut a);
    let a_id = a.request("id", &[]).int("X-Conid").to_string();
    b.request("close1", &[("X-Conid", &a_id)]);
    held.extend([a, b]);
    r.insert(
        "5 tcp_close_connection(conid) from another connection",
        collect(k, from, &[(aid, "it")], quick),
    );

    // the reader keeps the connection up to its own timeout, then TCP main's timer closes it
    let (mut a, from) = (conn(), mark());
    let aid = id(&mut a);
    a.request("life", &[]);
    assert!(a.closed_within(15), "closed at the end of its lifetime");
    r.insert(
        "6 lifetime expired (tcp_set_connection_lifetime)",
        collect(k, from, &[(aid, "it")], Duration::from_secs(1)),
    );

    if common::kamailio_version() >= (6, 0) {
        let (a, from) = (conn(), mark());
        let aid = i64::from(a.local_port());
        held.push(a);
        r.insert(
            "7 no data within tcp_msg_data_timeout (6.0+)",
            collect(k, from, &[(aid, "it")], Duration::from_secs(9)),
        );

        let (mut a, from) = (conn(), mark());
        let aid = id(&mut a);
        a.stream
            .write_all(b"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1\r\n")
            .unwrap();
        held.push(a);
        r.insert(
            "8 a message unfinished after tcp_msg_read_timeout (6.0+)",
            collect(k, from, &[(aid, "it")], Duration::from_secs(9)),
        );
    }

    // last: takes the namespace's loopback down
    let (mut a, from) = (conn(), mark());
    let aid = id(&mut a);
    a.request("ka", &[]);
    std::thread::sleep(Duration::from_millis(500));
    k.netns(&["ip", "link", "set", "lo", "down"]);
    held.push(a);
    r.insert(
        "9 unanswered keepalive probes",
        collect(k, from, &[(aid, "it")], Duration::from_secs(15)),
    );
    // the held connections go with the namespace (no event is waited for)
    std::mem::forget(held);
    r
}

/// The stock tcpops.so is the kamailio package's own, not ours (`make install`).
fn check_stock(stock: &std::path::Path) {
    let verify = std::process::Command::new("dpkg")
        .args(["--verify", "kamailio"])
        .output()
        .expect("dpkg --verify");
    let verify = String::from_utf8_lossy(&verify.stdout);
    assert!(
        !verify.contains("/tcpops.so"),
        "the stock tcpops.so is not the package's (make uninstall?): {verify}"
    );
    let ours = common::modules_dir().join("tcpops.so");
    assert_ne!(
        std::fs::read(stock).ok(),
        std::fs::read(ours).ok(),
        "the stock tcpops.so is ours"
    );
}

#[test]
fn every_close_raises_what_the_stock_module_raises() {
    let stock = common::stock_modules_dir().join("tcpops.so");
    check_stock(&stock);
    let ours = common::modules_dir().join("tcpops.so");
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| scenarios(&start("clours", &ours.display().to_string())));
        let b = s.spawn(|| scenarios(&start("clstock", &stock.display().to_string())));
        (a.join().unwrap(), b.join().unwrap())
    });
    println!("close events, kamailio {:?}:", common::kamailio_release());
    for (name, events) in &b {
        println!("  {name}: {events:?}");
    }
    for (name, stock_events) in &b {
        // 6.1.4+ report some closes twice; the stock module runs the route again, ours does not
        let mut once = stock_events.clone();
        once.dedup();
        assert_eq!(
            a[name], once,
            "{name}: ours (left) and the stock module's, once each"
        );
    }
    assert_eq!(a.len(), b.len());
    // what every release raises (the rest differs between releases: see the README)
    assert_eq!(b["1 FIN from the peer"], ["tcp:closed it"]);
    assert_eq!(b["2 RST from the peer"], ["tcp:reset it"]);
    assert_eq!(b["9 unanswered keepalive probes"], ["tcp:timeout it"]);
}

const WATCH_ROUTES: &str = r#"
request_route {
    append_to_reply("X-Conid: $conid\r\n");
    sl_send_reply("200", "OK");
    exit;
}
event_route[tcp:closed] { xlog("L_ERR", "EV tcp:closed conid=$tcp(conid) .\n"); }
event_route[tcp:reset] { xlog("L_ERR", "EV tcp:reset conid=$tcp(conid) .\n"); }
"#;

/// Another module subscribed to the core's TCP-closed event: from 6.1 (several callbacks)
/// both it and tcpops get every event, whichever loaded first. Up to 6.0 the event has one
/// callback: the first module to register keeps it (tcpops never takes it from another
/// module; loaded after one, it refuses to start, as the C module does, naming the reason).
#[test]
fn another_subscriber_of_the_close_event_and_tcpops_both_run() {
    let several = common::kamailio_version() >= (6, 1);
    let tcpops = "loadmodule \"{MODDIR}/tcpops.so\"\n";
    let watch = "loadmodule \"{TESTMODDIR}/tcpwatch.so\"\n";
    for (tag, first, second) in [("wa1", tcpops, watch), ("wa2", watch, tcpops)] {
        let modules = format!(
            "loadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"textops.so\"\n\
             loadmodule \"xlog.so\"\n{first}{second}"
        );
        let cfg = Config {
            globals: "",
            modules: &modules,
            routes: WATCH_ROUTES,
        };
        let watch_first = first == watch;
        if watch_first && !several {
            let refused = std::panic::catch_unwind(|| Kamailio::start(tag, cfg));
            let log = match refused {
                Ok(_) => panic!("tcpops started after another module took the only slot"),
                Err(p) => p.downcast_ref::<String>().cloned().unwrap_or_default(),
            };
            assert!(log.contains("tcpwatch: subscribed"), "{log}");
            assert!(
                log.contains("the core's TCP closed event is already taken by another module"),
                "{log}"
            );
            continue;
        }
        let k = Kamailio::start(tag, cfg);
        let subscribed = k.log_count("tcpwatch: subscribed") == 1;
        assert_eq!(subscribed, several || watch_first, "{tag}");
        if !subscribed {
            assert_eq!(k.log_count("tcpwatch: not subscribed"), 1, "{tag}");
        }
        let mut a = SipTcp::connect(k.addr());
        let aid = a.request("id", &[]).int("X-Conid");
        drop(a);
        let mut b = SipTcp::connect(k.addr());
        let bid = b.request("id", &[]).int("X-Conid");
        b.reset();
        for (id, ev, reason) in [(aid, "tcp:closed", "Eof"), (bid, "tcp:reset", "Reset")] {
            assert!(
                k.wait_log(&format!("EV {ev} conid={id} "), 5),
                "{tag}: tcpops {ev}"
            );
            let watched = format!("tcpwatch: closed conid={id} reason={reason}");
            if subscribed {
                assert!(k.wait_log(&watched, 5), "{tag}: {watched}");
            }
        }
        std::thread::sleep(Duration::from_millis(300));
        for id in [aid, bid] {
            let ours = format!("conid={id} .");
            assert_eq!(k.log_count(&ours), 1, "{tag}: one tcpops event");
            let watched = format!("tcpwatch: closed conid={id} ");
            assert_eq!(k.log_count(&watched), usize::from(subscribed), "{tag}");
        }
    }
}
