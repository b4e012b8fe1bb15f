//! Statistics through Kamailio's counters: `kamcmd stats.*` (kex), xhttp_prom's `/metrics`
//! and a real Prometheus server scraping it, while a UAS flips 200 -> 503 -> silence; the
//! README's per-gateway recipe (xhttp_prom gauges set from the keepalive event routes).

use kit as common;

use common::uas::{Answer, Uas};
use common::{port, tempdir, wait_until, Config, Kamailio, SipTcp};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KA_MODULES: &str = r#"
tcp_accept_no_cl=yes
loadmodule "kex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "xhttp.so"
loadmodule "xhttp_prom.so"
loadmodule "{MODDIR}/keepalive.so"
loadmodule "{MODDIR}/tcpops.so"
modparam("keepalive", "ping_interval", 1)
modparam("xhttp_prom", "xhttp_prom_stats", "all")
"#;

/// The README's per-gateway recipe, and the xhttp wiring.
const RECIPE: &str = r#"
modparam("xhttp_prom", "xhttp_prom_timeout", 0)
modparam("xhttp_prom", "prom_gauge", "name=gateway_up; label=destination")
"#;

const KA_ROUTES: &str = r#"
request_route {
    sl_send_reply("200", "OK");
    exit;
}
event_route[xhttp:request] {
    if (prom_check_uri()) prom_dispatch();
    else xhttp_reply("404", "Not Found", "", "");
}
event_route[keepalive:dst-up] {
    prom_gauge_set("gateway_up", "1", "$ru");
}
event_route[keepalive:dst-down] {
    prom_gauge_set("gateway_up", "0", "$ru");
}
"#;

/// `kamcmd stats.get_statistics <group>:` as name -> value (`group:name = value` lines).
fn kamcmd_stats(k: &Kamailio, group: &str) -> BTreeMap<String, i64> {
    let out = k
        .rpc(&["stats.get_statistics", &format!("{group}:")])
        .expect("stats.get_statistics");
    let mut m = BTreeMap::new();
    for line in out.lines() {
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        let Some(name) = name.strip_prefix(&format!("{group}:")) else {
            continue;
        };
        let v = value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("value of {name}: {line:?}"));
        m.insert(name.to_string(), v);
    }
    m
}

/// One HTTP/1.0 GET; (status code, body).
fn http_get_on(mut s: TcpStream, host: SocketAddr, path: &str) -> (u16, String) {
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    // Kamailio keeps the connection open after the reply: read up to Content-Length
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len = head.lines().find_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.trim()
                    .eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())?
            });
            if len.is_some_and(|n| body.len() >= n) {
                break;
            }
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("bad HTTP reply {text:?}"));
    (code, body.to_string())
}

fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    http_get_on(TcpStream::connect(addr).expect("connect"), addr, path)
}

/// Samples of a Prometheus text exposition: `name{labels}` -> value (timestamps dropped).
fn samples(body: &str) -> BTreeMap<String, f64> {
    body.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            // the labels may hold spaces: split after the closing brace
            let (name, rest) = match l.find('}') {
                Some(i) => (&l[..=i], &l[i + 1..]),
                None => l.split_once(' ')?,
            };
            let v = rest.split_whitespace().next()?.parse().ok()?;
            Some((name.trim().to_string(), v))
        })
        .collect()
}

fn metrics(k: &Kamailio) -> BTreeMap<String, f64> {
    let (code, body) = http_get(k.addr(), "/metrics");
    assert_eq!(code, 200, "/metrics: {body}");
    samples(&body)
}

const KA_GAUGES: [&str; 7] = [
    "destinations",
    "destinations_up",
    "destinations_down",
    "destinations_unknown",
    "destinations_probed_here",
    "max_destinations",
    "cluster_peers",
];
const KA_COUNTERS: [&str; 5] = [
    "pings_sent",
    "ping_replies_alive",
    "ping_replies_failed",
    "ping_timeouts",
    "state_changes",
];

fn start_ka(tag: &str, uas_port: u16, extra: &str) -> Kamailio {
    let modules = format!(
        "{KA_MODULES}\n{extra}\nmodparam(\"keepalive\", \"destination\", \"127.0.0.1:{uas_port}\")"
    );
    Kamailio::start(
        tag,
        Config {
            globals: "",
            modules: &modules,
            routes: KA_ROUTES,
        },
    )
}

#[test]
fn kamcmd_keepalive_statistics_follow_the_uas_and_reset_spares_gauges() {
    let uas = Uas::start(0, Answer::Code(200));
    let k = start_ka("st-ka", uas.port(), RECIPE);
    let st = || kamcmd_stats(&k, "keepalive");

    let all = st();
    for name in KA_GAUGES.iter().chain(KA_COUNTERS.iter()) {
        assert!(
            all.contains_key(*name),
            "keepalive:{name} missing in {all:?}"
        );
    }
    assert!(
        wait_until(Duration::from_secs(5), || st()["destinations_up"] == 1),
        "up after a 200: {:?}",
        st()
    );
    let s = st();
    assert_eq!(s["destinations"], 1, "{s:?}");
    assert_eq!(s["destinations_down"], 0, "{s:?}");
    assert_eq!(s["destinations_unknown"], 0, "{s:?}");
    assert_eq!(s["state_changes"], 1, "{s:?}");
    assert!(s["ping_replies_alive"] >= 1, "{s:?}");
    assert_eq!(s["ping_replies_failed"], 0, "{s:?}");
    assert_eq!(s["ping_timeouts"], 0, "{s:?}");
    assert!(s["pings_sent"] >= s["ping_replies_alive"], "{s:?}");
    assert_eq!(s["cluster_peers"], 0, "no cluster: {s:?}");
    assert_eq!(s["destinations_probed_here"], 1, "{s:?}");
    // the limit in force: the derived one the module logged at start-up
    let logged = format!("max_destinations: {} (derived", s["max_destinations"]);
    assert!(
        s["max_destinations"] > 0 && k.log_text().contains(&logged),
        "{s:?}: no '{logged}' in the log"
    );

    // a destination added now is unknown until its first ping (500 ms later)
    let other = format!("sip:127.0.0.1:{}", port());
    k.rpc(&["keepalive.add", &other, "t"])
        .expect("keepalive.add");
    let s = st();
    assert_eq!(
        (s["destinations"], s["destinations_unknown"]),
        (2, 1),
        "{s:?}"
    );
    k.rpc(&["keepalive.del", &other, "t"])
        .expect("keepalive.del");
    assert_eq!(st()["destinations"], 1);

    uas.set(Answer::Code(503));
    assert!(
        wait_until(Duration::from_secs(5), || st()["destinations_down"] == 1),
        "down after a 503: {:?}",
        st()
    );
    let s = st();
    assert_eq!((s["destinations_up"], s["state_changes"]), (0, 2), "{s:?}");
    assert!(s["ping_replies_failed"] >= 1, "{s:?}");

    uas.set(Answer::Silent);
    assert!(
        wait_until(Duration::from_secs(6), || st()["ping_timeouts"] >= 2),
        "silence counts timeouts: {:?}",
        st()
    );
    let s = st();
    assert_eq!(
        (s["destinations_down"], s["state_changes"]),
        (1, 2),
        "{s:?}"
    );
    let answered = s["ping_replies_alive"] + s["ping_replies_failed"];
    assert!(
        s["pings_sent"] >= answered + s["ping_timeouts"],
        "every reply and timeout was a ping sent: {s:?}"
    );
    assert!(s["pings_sent"] >= 4, "{s:?}");

    // Pings go out on a fixed grid, one a second, and the unanswered one is counted as a
    // timeout in the same tick: right after a tick, nothing moves for about a second. Reset
    // and read in that quiet time, so every counter must read exactly 0.
    let r = (0..5)
        .find_map(|_| {
            let mut before = st();
            let mut quiet_since = Instant::now();
            let moved = loop {
                let now = st();
                if now["pings_sent"] != before["pings_sent"] {
                    break quiet_since;
                }
                assert!(
                    quiet_since.elapsed() < Duration::from_secs(3),
                    "no ping: {now:?}"
                );
                before = now;
                quiet_since = Instant::now();
                std::thread::sleep(Duration::from_millis(10));
            };
            // the tick moved the counters after `moved`; let its other updates land
            std::thread::sleep(Duration::from_millis(50));
            k.rpc(&["stats.reset_statistics", "keepalive:"])
                .expect("stats.reset_statistics");
            let r = st();
            // the next tick comes 1 s after this one, which was after `moved`
            (moved.elapsed() < Duration::from_millis(850)).then_some(r)
        })
        .expect("5 tries to reset and read within 850 ms of a ping tick");
    for name in KA_COUNTERS {
        assert_eq!(r[name], 0, "{name} after reset: {r:?} (was {s:?})");
    }
    assert_eq!(
        (r["destinations"], r["destinations_down"]),
        (1, 1),
        "gauges are not reset: {r:?}"
    );
    // the counters go on from 0
    assert!(
        wait_until(Duration::from_secs(4), || st()["ping_timeouts"] >= 2),
        "{:?}",
        st()
    );
}

const TCP_MODULES: &str = r#"
tcp_accept_no_cl=yes
tcp_keepalive=no
loadmodule "kex.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "xlog.so"
loadmodule "xhttp.so"
loadmodule "xhttp_prom.so"
loadmodule "{MODDIR}/tcpops.so"
modparam("xhttp_prom", "xhttp_prom_stats", "tcpops:")
"#;

const TCP_ROUTES: &str = r#"
request_route {
    $var(rc) = 0;
    switch ($rU) {
    case "ka": tcp_keepalive_enable("$(hdr(X-Idle){s.int})", "$(hdr(X-Cnt){s.int})", "$(hdr(X-Intvl){s.int})"); $var(rc) = $rc; break;
    case "kd": tcp_keepalive_disable(); $var(rc) = $rc; break;
    case "kdx": tcp_keepalive_disable("999999"); $var(rc) = $rc; break;
    case "life": tcp_set_connection_lifetime("$(hdr(X-Life){s.int})"); $var(rc) = $rc; break;
    case "close": tcp_close_connection(); $var(rc) = $rc; break;
    case "closex": tcp_close_connection("999999"); $var(rc) = $rc; break;
    }
    append_to_reply("X-RC: $var(rc)\r\n");
    sl_send_reply("200", "OK");
    exit;
}
event_route[xhttp:request] {
    if (prom_check_uri()) prom_dispatch();
    else xhttp_reply("404", "Not Found", "", "");
}
event_route[tcp:closed] {
    xlog("L_ERR", "EV-CLOSED conid=$tcp(conid)\n");
}
event_route[tcp:timeout] {
    xlog("L_ERR", "EV-TIMEOUT conid=$tcp(conid)\n");
}
event_route[tcp:reset] {
    xlog("L_ERR", "EV-RESET conid=$tcp(conid)\n");
}
"#;

fn rc(c: &mut SipTcp, op: &str, h: &[(&str, &str)]) -> i64 {
    c.request(op, h).int("X-RC")
}

#[test]
fn tcpops_statistics_count_calls_and_events_in_kamcmd_and_metrics() {
    let k = Kamailio::builder(
        "st-tcp",
        Config {
            globals: "",
            modules: TCP_MODULES,
            routes: TCP_ROUTES,
        },
    )
    .in_netns()
    .start();
    let ns = k.netns_path();
    let st = || kamcmd_stats(&k, "tcpops");
    let names = [
        "keepalive_enabled",
        "keepalive_disabled",
        "lifetime_set",
        "connections_closed",
        "events_closed",
        "events_reset",
        "events_timeout",
        "user_timeout_set",
    ];
    let zero = st();
    for n in names {
        assert_eq!(zero.get(n), Some(&0), "tcpops:{n} at start: {zero:?}");
    }

    let mut a = SipTcp::connect_in(&ns, k.addr());
    let ka = [("X-Idle", "30"), ("X-Cnt", "3"), ("X-Intvl", "5")];
    assert_eq!(rc(&mut a, "ka", &ka), 1);
    assert_eq!(rc(&mut a, "ka", &ka), 1);
    assert_eq!(
        rc(
            &mut a,
            "ka",
            &[("X-Idle", "0"), ("X-Cnt", "3"), ("X-Intvl", "5")]
        ),
        -1
    );
    assert_eq!(rc(&mut a, "kd", &[]), 1);
    assert_eq!(rc(&mut a, "kdx", &[]), -1);
    assert_eq!(rc(&mut a, "life", &[("X-Life", "60")]), 1);
    assert_eq!(rc(&mut a, "life", &[("X-Life", "-1")]), -1);
    assert_eq!(rc(&mut a, "closex", &[]), -1);
    let s = st();
    assert_eq!(
        (
            s["keepalive_enabled"],
            s["keepalive_disabled"],
            s["lifetime_set"]
        ),
        (2, 1, 1),
        "only successful calls count: {s:?}"
    );
    assert_eq!(s["connections_closed"], 0, "{s:?}");

    // tcp_close_connection on the request's own connection
    // (the reply cannot go out on the closed connection)
    let mut b = SipTcp::connect_in(&ns, k.addr());
    b.send("close", &[]);
    assert!(b.closed_within(5), "closed by tcp_close_connection");
    assert!(
        wait_until(Duration::from_secs(5), || st()["connections_closed"] == 1),
        "{:?}",
        st()
    );

    // FIN from the client: tcp:closed
    drop(a);
    assert!(k.wait_log("EV-CLOSED", 5));
    // RST: tcp:reset
    let mut c = SipTcp::connect_in(&ns, k.addr());
    assert_eq!(rc(&mut c, "kd", &[]), 1);
    c.reset();
    assert!(k.wait_log("EV-RESET", 5));
    // unanswered keepalive probes: tcp:timeout (see tests/tcpops/main.rs)
    let mut d = SipTcp::connect_in(&ns, k.addr());
    assert_eq!(
        rc(
            &mut d,
            "ka",
            &[("X-Idle", "1"), ("X-Cnt", "2"), ("X-Intvl", "1")]
        ),
        1
    );
    std::thread::sleep(Duration::from_millis(500));
    k.netns(&["ip", "link", "set", "lo", "down"]);
    assert!(k.wait_log("EV-TIMEOUT", 20), "tcp:timeout");
    k.netns(&["ip", "link", "set", "lo", "up"]);
    std::thread::sleep(Duration::from_millis(300));

    let want = [
        ("keepalive_enabled", 3),
        ("keepalive_disabled", 2),
        ("lifetime_set", 1),
        ("connections_closed", 1),
        // the FIN, and tcp_close_connection's connection (the core reports it as closed)
        ("events_closed", 2),
        ("events_reset", 1),
        ("events_timeout", 1),
        ("user_timeout_set", 0),
    ];
    let s = st();
    for (n, v) in want {
        assert_eq!(s[n], v, "tcpops:{n}: {s:?}");
    }
    assert_eq!(
        k.log_count("EV-CLOSED"),
        2,
        "one tcp:closed event per counted one"
    );

    // the same through xhttp_prom, from inside Kamailio's network namespace
    let http = SipTcp::connect_in(&ns, k.addr()).stream;
    let (code, body) = http_get_on(http, k.addr(), "/metrics");
    assert_eq!(code, 200, "{body}");
    let m = samples(&body);
    // the HTTP connection's own close may follow later; it has not happened yet
    for (n, v) in want {
        let name = format!("kamailio_tcpops_{n}");
        assert_eq!(m.get(&name), Some(&(v as f64)), "{name} in {body}");
    }
    assert!(
        !m.keys().any(|n| n.starts_with("kamailio_keepalive_")),
        "xhttp_prom_stats \"tcpops:\" shows only that group: {body}"
    );
}

/// A Prometheus server on 127.0.0.1 scraping one target every second; killed on drop.
struct Prometheus {
    child: Child,
    port: u16,
    _dir: tempdir::Dir,
}

impl Prometheus {
    fn start(target: SocketAddr) -> Prometheus {
        Self::start_full(target, &[], "")
    }

    /// [`Prometheus::start`] with more jobs on the same target: (job name, metrics path).
    fn start_jobs(target: SocketAddr, more: &[(&str, &str)]) -> Prometheus {
        Self::start_full(target, more, "")
    }

    /// With alert rules (a rules file's text), evaluated every second.
    fn start_with_rules(target: SocketAddr, rules: &str) -> Prometheus {
        Self::start_full(target, &[], rules)
    }

    fn start_full(target: SocketAddr, more: &[(&str, &str)], rules: &str) -> Prometheus {
        let dir = tempdir::Dir::new("prom");
        let cfg = dir.path().join("prometheus.yml");
        let rule_files = if rules.is_empty() {
            String::new()
        } else {
            let f = dir.path().join("rules.yml");
            std::fs::write(&f, rules).unwrap();
            format!("rule_files: ['{}']\n", f.display())
        };
        let mut yml = format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
             {rule_files}scrape_configs:\n  - job_name: kamailio\n    static_configs:\n      - targets: ['{target}']\n"
        );
        for (job, path) in more {
            yml.push_str(&format!(
                "  - job_name: {job}\n    metrics_path: {path}\n    static_configs:\n      - targets: ['{target}']\n"
            ));
        }
        std::fs::write(&cfg, yml).unwrap();
        let port = port();
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", cfg.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("prometheus.log")).unwrap())
            .spawn()
            .expect("start prometheus (Debian package prometheus)");
        let p = Prometheus {
            child,
            port,
            _dir: dir,
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        assert!(
            wait_until(Duration::from_secs(20), || TcpStream::connect(addr).is_ok()
                && http_get(addr, "/-/ready").0 == 200),
            "prometheus not ready: {}",
            p.log()
        );
        p
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("prometheus.log")).unwrap_or_default()
    }

    /// The value of an instant query with one result (`None`: no result).
    fn query(&self, q: &str) -> Option<f64> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let enc: String = q
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        let (code, body) = http_get(addr, &format!("/api/v1/query?query={enc}"));
        assert_eq!(code, 200, "{q}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("query API JSON");
        assert_eq!(v["status"], "success", "{body}");
        let result = v["data"]["result"].as_array()?;
        assert!(result.len() <= 1, "{q}: {body}");
        result.first()?["value"][1].as_str()?.parse().ok()
    }

    /// Waits until the query gives `want`; the last value seen otherwise.
    fn wait_value(&self, q: &str, want: f64, secs: u64) -> Result<(), Option<f64>> {
        let mut last = None;
        if wait_until(Duration::from_secs(secs), || {
            last = self.query(q);
            last == Some(want)
        }) {
            Ok(())
        } else {
            Err(last)
        }
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("----- prometheus log -----\n{}", self.log());
        }
    }
}

#[test]
fn metrics_and_prometheus_follow_the_uas_with_the_per_gateway_recipe() {
    let uas = Uas::start(0, Answer::Code(200));
    let k = start_ka("st-prom", uas.port(), RECIPE);
    let dest = format!("sip:127.0.0.1:{}", uas.port());
    let gw = format!("kamailio_gateway_up{{destination=\"{dest}\"}}");
    let prom = Prometheus::start(k.addr());

    // /metrics: xhttp_prom names a statistic kamailio_<group>_<name>, no _total, no type
    // (the counters change before the dst-up event route sets the recipe's gauge: a scrape
    // may come between the two)
    let mut m = BTreeMap::new();
    assert!(
        wait_until(Duration::from_secs(5), || {
            m = metrics(&k);
            m.get("kamailio_keepalive_destinations_up") == Some(&1.0) && m.contains_key(&gw)
        }),
        "{m:?}"
    );
    for n in KA_GAUGES.iter().chain(KA_COUNTERS.iter()) {
        assert!(
            m.contains_key(&format!("kamailio_keepalive_{n}")),
            "kamailio_keepalive_{n} in {m:?}"
        );
    }
    assert!(m.contains_key("kamailio_tcpops_keepalive_enabled"), "{m:?}");
    assert_eq!(m["kamailio_keepalive_destinations"], 1.0);
    assert_eq!(m["kamailio_keepalive_state_changes"], 1.0);
    assert!(m["kamailio_keepalive_ping_replies_alive"] >= 1.0);
    assert_eq!(m.get(&gw), Some(&1.0), "the recipe's gauge: {m:?}");

    // Prometheus read back through its query API
    for (q, v) in [
        ("kamailio_keepalive_destinations_up", 1.0),
        ("kamailio_keepalive_destinations_down", 0.0),
        ("kamailio_keepalive_state_changes", 1.0),
        ("kamailio_tcpops_keepalive_enabled", 0.0),
    ] {
        prom.wait_value(q, v, 10)
            .unwrap_or_else(|last| panic!("{q}: {last:?}\n{}", prom.log()));
    }
    let gw_q = gw.clone();
    prom.wait_value(&gw_q, 1.0, 5)
        .unwrap_or_else(|last| panic!("{gw_q}: {last:?}"));

    uas.set(Answer::Code(503));
    let mut m = BTreeMap::new();
    assert!(
        wait_until(Duration::from_secs(5), || {
            m = metrics(&k);
            m.get("kamailio_keepalive_destinations_down") == Some(&1.0) && m.get(&gw) == Some(&0.0)
        }),
        "{m:?}"
    );
    assert_eq!(m["kamailio_keepalive_destinations_up"], 0.0);
    assert_eq!(m["kamailio_keepalive_state_changes"], 2.0);
    assert!(m["kamailio_keepalive_ping_replies_failed"] >= 1.0);
    for (q, v) in [
        ("kamailio_keepalive_destinations_down", 1.0),
        ("kamailio_keepalive_state_changes", 2.0),
    ] {
        prom.wait_value(q, v, 5)
            .unwrap_or_else(|last| panic!("{q}: {last:?}"));
    }
    prom.wait_value(&gw_q, 0.0, 5)
        .unwrap_or_else(|last| panic!("{gw_q}: {last:?}"));
    assert!(
        prom.query("kamailio_keepalive_ping_replies_failed")
            .unwrap_or(0.0)
            >= 1.0,
        "replies_failed in Prometheus"
    );

    uas.set(Answer::Silent);
    assert!(
        wait_until(Duration::from_secs(6), || metrics(&k)
            ["kamailio_keepalive_ping_timeouts"]
            >= 1.0),
        "{:?}",
        metrics(&k)
    );
    let m = metrics(&k);
    assert_eq!(m["kamailio_keepalive_destinations_down"], 1.0);
    assert_eq!(m["kamailio_keepalive_state_changes"], 2.0);
    assert_eq!(m.get(&gw), Some(&0.0), "still down: {m:?}");
    assert!(
        wait_until(Duration::from_secs(5), || prom
            .query("kamailio_keepalive_ping_timeouts")
            .is_some_and(|v| v >= 1.0)),
        "timeouts in Prometheus"
    );
    prom.wait_value("up{job=\"kamailio\"}", 1.0, 3)
        .unwrap_or_else(|last| panic!("scrape health: {last:?}"));
}

/// `ka_prom_metrics` answers `/gateways` beside xhttp_prom's `/metrics`.
const GW_ROUTES: &str = r#"
request_route {
    sl_send_reply("200", "OK");
    exit;
}
event_route[xhttp:request] {
    if ($hu == "/gateways") {
        ka_prom_metrics("", "$var(m)");
        xhttp_reply("200", "OK", "text/plain; version=0.0.4", "$var(m)");
        exit;
    }
    if (prom_check_uri()) prom_dispatch();
    else xhttp_reply("404", "Not Found", "", "");
}
"#;

#[test]
fn prometheus_scrapes_the_per_gateway_series_of_ka_prom_metrics() {
    let fast = Uas::start(0, Answer::Slow(200, 20));
    let failing = Uas::start(0, Answer::Code(503));
    let third = Uas::start(0, Answer::Code(200));
    let uri = |u: &Uas| format!("sip:127.0.0.1:{}", u.port());
    let modules = format!(
        "{KA_MODULES}\nmodparam(\"keepalive\", \"prom_max_series\", 8)\n\
         modparam(\"keepalive\", \"delete_counter\", 0)\n\
         modparam(\"keepalive\", \"destination\", \"{}\")\n\
         modparam(\"keepalive\", \"destination\", \"{}\")\n\
         modparam(\"keepalive\", \"destination\", \"{}\")",
        uri(&fast),
        uri(&failing),
        uri(&third)
    );
    let k = Kamailio::start(
        "st-gw",
        Config {
            globals: "",
            modules: &modules,
            routes: GW_ROUTES,
        },
    );
    let prom = Prometheus::start_jobs(k.addr(), &[("gateways", "/gateways")]);
    let series = |name: &str, u: &Uas| {
        format!(
            "{name}{{job=\"gateways\",uri=\"{}\",owner=\"_params\"}}",
            uri(u)
        )
    };
    // the exposition itself: 2 registrations fit 8 series, the third is counted as left out
    let mut m = BTreeMap::new();
    assert!(
        wait_until(Duration::from_secs(6), || {
            let (code, body) = http_get(k.addr(), "/gateways");
            assert_eq!(code, 200, "{body}");
            m = samples(&body);
            m.get(&format!(
                "kamailio_keepalive_dest_state{{uri=\"{}\",owner=\"_params\"}}",
                uri(&failing)
            )) == Some(&2.0)
        }),
        "{m:?}"
    );
    assert_eq!(m.len(), 9, "8 series and the truncation gauge: {m:?}");
    assert_eq!(m["kamailio_keepalive_dest_series_truncated"], 1.0);
    assert!(
        !m.keys().any(|k| k.contains(&uri(&third))),
        "capped by prom_max_series: {m:?}"
    );
    // Prometheus, scraping both paths
    prom.wait_value(&series("kamailio_keepalive_dest_state", &fast), 1.0, 10)
        .unwrap_or_else(|last| panic!("fast up: {last:?}\n{}", prom.log()));
    prom.wait_value(&series("kamailio_keepalive_dest_state", &failing), 2.0, 5)
        .unwrap_or_else(|last| panic!("failing down: {last:?}"));
    prom.wait_value("kamailio_keepalive_destinations", 3.0, 5)
        .unwrap_or_else(|last| panic!("xhttp_prom beside it: {last:?}"));
    prom.wait_value(
        "kamailio_keepalive_dest_series_truncated{job=\"gateways\"}",
        1.0,
        5,
    )
    .unwrap_or_else(|last| panic!("truncated: {last:?}"));
    let rtt = prom
        .query(&series("kamailio_keepalive_dest_rtt_seconds", &fast))
        .expect("rtt of the fast gateway");
    assert!((0.018..0.030).contains(&rtt), "20 ms UAS: {rtt} s");
    assert!(
        wait_until(Duration::from_secs(5), || prom
            .query(&series("kamailio_keepalive_dest_failures_total", &failing))
            .is_some_and(|v| v >= 2.0)),
        "503s counted as failures"
    );
    assert_eq!(
        prom.query(&series("kamailio_keepalive_dest_timeouts_total", &fast)),
        Some(0.0)
    );
    // the 503 gateway recovers
    failing.set(Answer::Code(200));
    prom.wait_value(&series("kamailio_keepalive_dest_state", &failing), 1.0, 6)
        .unwrap_or_else(|last| panic!("recovered: {last:?}"));
}

/// `ALERTS` query for an alert in state firing (labels: more matchers, e.g. `,destination="x"`).
fn firing(alert: &str, labels: &str) -> String {
    format!("ALERTS{{alertname=\"{alert}\",alertstate=\"firing\"{labels}}}")
}

/// examples/prometheus/alerts.yml: promtool accepts it; a copy with every `for:` cut to 2 s,
/// loaded into a real Prometheus scraping a real Kamailio (the per-gateway recipe,
/// max_destinations 1), fires KamailioDestinationsNearMax (1 destination of 1), no
/// KamailioGatewayDown while the UAS answers, and KamailioGatewayDown for that gateway plus
/// KamailioPingTimeoutsRising once it goes silent.
#[test]
fn shipped_alert_rules_pass_promtool_and_fire_when_a_gateway_goes_silent() {
    let shipped =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/prometheus/alerts.yml");
    let out = Command::new("promtool")
        .args(["check", "rules"])
        .arg(&shipped)
        .output()
        .expect("promtool (Debian package prometheus)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.contains("SUCCESS: 6 rules found"),
        "promtool check rules {}:\n{said}",
        shipped.display()
    );
    let text = std::fs::read_to_string(&shipped).unwrap();
    let fast: String = text
        .lines()
        .map(|l| match l.split_once("for: ") {
            Some((indent, _)) if indent.trim().is_empty() => format!("{indent}for: 2s\n"),
            _ => format!("{l}\n"),
        })
        .collect();
    assert_eq!(fast.matches("for: 2s").count(), 6, "{fast}");

    let uas = Uas::start(0, Answer::Code(200));
    let k = start_ka(
        "st-alerts",
        uas.port(),
        &format!("{RECIPE}\nmodparam(\"keepalive\", \"max_destinations\", 1)"),
    );
    let dest = format!("sip:127.0.0.1:{}", uas.port());
    let prom = Prometheus::start_with_rules(k.addr(), &fast);

    let near = firing("KamailioDestinationsNearMax", "");
    prom.wait_value(&near, 1.0, 15)
        .unwrap_or_else(|last| panic!("{near}: {last:?}\n{}", prom.log()));
    let gw = format!("kamailio_gateway_up{{destination=\"{dest}\"}}");
    prom.wait_value(&gw, 1.0, 10)
        .unwrap_or_else(|last| panic!("{gw}: {last:?}"));
    std::thread::sleep(Duration::from_secs(4));
    let down = firing("KamailioGatewayDown", &format!(",destination=\"{dest}\""));
    let any_down = "ALERTS{alertname=\"KamailioGatewayDown\"}";
    assert_eq!(
        prom.query(any_down),
        None,
        "no gateway-down alert while it answers"
    );
    assert_eq!(prom.query(&firing("KamailioPingTimeoutsRising", "")), None);

    uas.set(Answer::Silent);
    let silent = Instant::now();
    prom.wait_value(&down, 1.0, 20)
        .unwrap_or_else(|last| panic!("{down}: {last:?}\n{}", prom.log()));
    eprintln!(
        "figures: KamailioGatewayDown (for: 2s) firing {:?} after the UAS went silent",
        silent.elapsed()
    );
    let rising = firing("KamailioPingTimeoutsRising", "");
    prom.wait_value(&rising, 1.0, 10)
        .unwrap_or_else(|last| panic!("{rising}: {last:?}"));
    assert_eq!(kamcmd_stats(&k, "keepalive")["destinations_down"], 1);
}
