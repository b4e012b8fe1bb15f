//! TCP profiles (`modparam("tcpops", "profile", ...)`): each connection, accepted or opened by
//! Kamailio, gets its profile's keepalive and user timeout with no cfg call, as read from
//! Kamailio's socket from outside (pidfd_getfd + getsockopt, and `ss`'s keepalive timer);
//! a connection matching no profile is left alone; a cfg call later wins; the RPCs report
//! it; bad profiles stop Kamailio at start-up.

use kit as common;

use common::{cfg, Kamailio, SipTcp};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

const PROFILES: &str = r#"
modparam("tcpops", "profile", "name=two; match=127.0.0.2/32; keepalive=11,4,6; user_timeout=12000; lifetime=300")
modparam("tcpops", "profile", "name=three; match=127.0.0.3/32/tcp; keepalive=21,5,7; user_timeout=23000")
modparam("tcpops", "profile", "name=wide; match=10.0.0.0/8; lifetime=60")
"#;

const ROUTES: &str = r#"
request_route {
    if ($rU == "out") {
        $du = "sip:127.0.0.3:" + $hdr(X-Port) + ";transport=tcp";
        forward();
        exit;
    }
    $var(cid) = $(hdr(X-Conid){s.int});
    if ($hdr(X-Addr) != $null) {
        tcp_get_conid("$hdr(X-Addr)", "$var(cid)");
    }
    $var(rc) = 0;
    switch ($rU) {
    case "all":
        tcp_keepalive_enable("$var(cid)", "7", "2", "3");
        tcp_set_user_timeout("$var(cid)", "4321");
        tcp_set_connection_lifetime("$var(cid)", "45");
        $var(rc) = $rc;
        break;
    case "ka": tcp_keepalive_enable("$var(cid)", "7", "2", "3"); $var(rc) = $rc; break;
    case "ut": tcp_set_user_timeout("$var(cid)", "4321"); $var(rc) = $rc; break;
    }
    append_to_reply("X-Rc: $var(rc)\r\nX-Conid: $conid\r\n");
    sl_send_reply("200", "OK");
    exit;
}
"#;

fn start(tag: &str) -> Kamailio {
    start_with(tag, "")
}

/// As `start`, with more module parameters.
fn start_with(tag: &str, extra: &str) -> Kamailio {
    let modules = format!(
        "{}loadmodule \"{{MODDIR}}/tcpops.so\"\n{PROFILES}{extra}\n",
        cfg::load(&["sl", "pv", "textops"])
    );
    Kamailio::start_cfg(tag, "", &modules, ROUTES)
}

/// (SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPCNT, TCP_KEEPINTVL, TCP_USER_TIMEOUT) of Kamailio's
/// socket between its `kam_port` and the peer's `peer_port`.
fn opts(kam_port: u16, peer_port: u16) -> (i32, i32, i32, i32, i32) {
    let v = common::kamailio_sockopts(
        kam_port,
        peer_port,
        &[
            (libc::SOL_SOCKET, libc::SO_KEEPALIVE),
            (libc::IPPROTO_TCP, libc::TCP_KEEPIDLE),
            (libc::IPPROTO_TCP, libc::TCP_KEEPCNT),
            (libc::IPPROTO_TCP, libc::TCP_KEEPINTVL),
            (libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT),
        ],
    );
    (v[0], v[1], v[2], v[3], v[4])
}

fn connect_from(k: &Kamailio, ip: &str) -> SipTcp {
    SipTcp::connect_from(format!("{ip}:0").parse().unwrap(), k.addr())
}

fn fields(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.trim().split_once(':'))
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .collect()
}

fn info(k: &Kamailio, conid: i64) -> BTreeMap<String, String> {
    fields(
        &k.rpc(&["tcpops.info", &conid.to_string()])
            .expect("tcpops.info"),
    )
}

/// name -> connections, from `tcpops.profiles`, with the order listed.
fn profiles(k: &Kamailio) -> (Vec<String>, BTreeMap<String, i64>) {
    let text = k.rpc(&["tcpops.profiles"]).expect("tcpops.profiles");
    let (mut order, mut counts, mut name) = (Vec::new(), BTreeMap::new(), String::new());
    for l in text.lines() {
        if let Some((a, b)) = l.trim().split_once(':') {
            match a.trim() {
                "name" => {
                    name = b.trim().to_string();
                    order.push(name.clone());
                }
                "connections" => {
                    counts.insert(name.clone(), b.trim().parse().unwrap());
                }
                _ => {}
            }
        }
    }
    (order, counts)
}

fn sysctl(name: &str) -> i32 {
    std::fs::read_to_string(format!("/proc/sys/net/ipv4/{name}"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// `f()` once `done` holds for it (polled every `every`), else its last value after `within`.
fn settle<T>(
    within: Duration,
    every: Duration,
    mut f: impl FnMut() -> T,
    done: impl Fn(&T) -> bool,
) -> T {
    let mut last = None;
    common::poll_until(within, every, || {
        let v = f();
        let ok = done(&v);
        last = Some(v);
        ok
    });
    last.expect("poll_until calls f at least once")
}

/// `f()` once it gives `want`, else its last value after 3 s.
fn settled<T: PartialEq>(want: T, f: impl FnMut() -> T) -> T {
    settle(Duration::from_secs(3), Duration::from_millis(50), f, |v| {
        *v == want
    })
}

#[test]
fn accepted_connections_get_their_profile_and_others_are_untouched() {
    let k = start("prof-in");
    let kp = k.addr().port();
    let mut two = connect_from(&k, "127.0.0.2");
    let mut three = connect_from(&k, "127.0.0.3");
    let mut none = connect_from(&k, "127.0.0.4");
    let c2 = two.request("plain", &[]).int("X-Conid");
    let c3 = three.request("plain", &[]).int("X-Conid");
    let c4 = none.request("plain", &[]).int("X-Conid");

    // as set before the cfg ran, read from Kamailio's socket from outside
    assert_eq!(opts(kp, two.local_port()), (1, 11, 4, 6, 12000));
    assert_eq!(opts(kp, three.local_port()), (1, 21, 5, 7, 23000));
    let ss = common::ss_server_side(kp, two.local_port());
    assert!(
        ss.contains("timer:(keepalive"),
        "keepalive timer running: {ss}"
    );
    // 127.0.0.4: the core's settings (its keepalive on with the kernel's timers by default)
    let (_, idle, cnt, intvl, _) = opts(kp, none.local_port());
    assert_eq!(
        (idle, cnt, intvl),
        (
            sysctl("tcp_keepalive_time"),
            sysctl("tcp_keepalive_probes"),
            sysctl("tcp_keepalive_intvl")
        ),
        "a connection no profile matches keeps the kernel's keepalive timers"
    );

    let i2 = info(&k, c2);
    assert_eq!(i2["profile"], "two", "{i2:?}");
    assert_eq!(i2["keepalive_idle"], "11");
    assert_eq!(i2["keepalive_source"], "profile");
    assert_eq!(i2["user_timeout"], "12000");
    assert_eq!(i2["user_timeout_source"], "profile");
    // the reader holds the connection (with its own short timeout) until it goes idle and
    // back to TCP main, which then gives it the lifetime set
    let lifetime = settle(
        Duration::from_secs(12),
        Duration::from_millis(200),
        || info(&k, c2)["lifetime_left"].parse::<i64>().unwrap(),
        |&l| l > 200,
    );
    assert!((280..=300).contains(&lifetime), "lifetime=300: {lifetime}");
    let l4: i64 = info(&k, c4)["lifetime_left"].parse().unwrap();
    assert!(
        l4 <= 120,
        "the core's tcp_connection_lifetime (120 s): {l4}"
    );
    assert_eq!(info(&k, c3)["profile"], "three");
    let i4 = info(&k, c4);
    assert_eq!(i4["profile"], "none", "{i4:?}");
    assert_ne!(i4["keepalive_source"], "profile");

    // more messages: applied once
    for _ in 0..3 {
        two.request("plain", &[]);
    }
    let (order, counts) = profiles(&k);
    // both /32: the one with a protocol first; /8 last
    assert_eq!(order, ["three", "two", "wide"], "most specific first");
    assert_eq!(counts["two"], 1);
    assert_eq!(counts["three"], 1);
    assert_eq!(counts["wide"], 0);
}

#[test]
fn a_cfg_call_after_the_profile_wins() {
    let k = start("prof-cfg");
    let kp = k.addr().port();
    let mut two = connect_from(&k, "127.0.0.2");
    let conid = two.request("plain", &[]).int("X-Conid").to_string();
    assert_eq!(opts(kp, two.local_port()), (1, 11, 4, 6, 12000));
    assert_eq!(two.request("ka", &[("X-Conid", &conid)]).int("X-Rc"), 1);
    assert_eq!(two.request("ut", &[("X-Conid", &conid)]).int("X-Rc"), 1);
    // and stays through later messages on the connection
    two.request("plain", &[]);
    assert_eq!(opts(kp, two.local_port()), (1, 7, 2, 3, 4321));
    let i = info(&k, conid.parse().unwrap());
    assert_eq!(i["keepalive_source"], "tcpops", "{i:?}");
    assert_eq!(i["user_timeout_source"], "tcpops", "{i:?}");
    assert_eq!(i["profile"], "two", "{i:?}");
}

/// Settings a cfg call made on a connection before its first message (through another
/// connection's message, by address) stay when its profile comes to be applied.
#[test]
fn the_profile_never_replaces_what_a_cfg_call_set_first() {
    let k = start("prof-first");
    let kp = k.addr().port();
    let mut two = connect_from(&k, "127.0.0.2");
    let addr = format!("127.0.0.2:{}", two.local_port());
    let mut other = connect_from(&k, "127.0.0.4");
    let rc = settled(1, || other.request("all", &[("X-Addr", &addr)]).int("X-Rc"));
    assert_eq!(rc, 1, "the cfg calls on the idle connection");
    let conid = two.request("plain", &[]).int("X-Conid");
    assert_eq!(opts(kp, two.local_port()), (1, 7, 2, 3, 4321));
    let i = info(&k, conid);
    assert_eq!(i["profile"], "two", "handled: {i:?}");
    assert_eq!(i["keepalive_source"], "tcpops", "{i:?}");
    let lifetime = settle(
        Duration::from_secs(12),
        Duration::from_millis(200),
        || info(&k, conid)["lifetime_left"].parse::<i64>().unwrap(),
        |&l| l > 20,
    );
    assert!(
        (30..=45).contains(&lifetime),
        "the cfg's 45 s, not the profile's 300 s: {lifetime}"
    );
}

#[test]
fn a_connection_kamailio_opens_gets_its_profile() {
    let k = start("prof-out");
    let uas = std::net::TcpListener::bind("127.0.0.3:0").unwrap();
    let uas_port = uas.local_addr().unwrap().port();
    let mut c = SipTcp::connect(k.addr());
    c.send("out", &[("X-Port", &uas_port.to_string())]);
    let (_held, from): (_, SocketAddr) = uas.accept().expect("Kamailio connects to the UAS");
    let got = settled((1, 21, 5, 7, 23000), || opts(from.port(), uas_port));
    assert_eq!(
        got,
        (1, 21, 5, 7, 23000),
        "the profile \"three\" on the outbound socket"
    );
    let (_, counts) = profiles(&k);
    assert_eq!(counts["three"], 1, "{counts:?}");
    assert_eq!(counts["two"], 0, "{counts:?}");
    let list = k.rpc(&["tcpops.list"]).unwrap();
    assert!(
        list.contains("profile: three"),
        "tcpops.list names the profile: {list}"
    );
}

/// The profile wins over the `user_timeout` parameter, which still gives connections no
/// profile matches their user timeout; on a connection Kamailio opens, the parameter's timer
/// (which sets it there) leaves the profile's alone.
#[test]
fn the_profile_wins_over_the_user_timeout_parameter() {
    let k = start_with("prof-mp", "modparam(\"tcpops\", \"user_timeout\", 6000)");
    let kp = k.addr().port();
    let mut two = connect_from(&k, "127.0.0.2");
    let mut none = connect_from(&k, "127.0.0.4");
    two.request("plain", &[]);
    none.request("plain", &[]);
    assert_eq!(opts(kp, two.local_port()).4, 12000, "the profile's");
    assert_eq!(opts(kp, none.local_port()).4, 6000, "the parameter's");

    let uas = std::net::TcpListener::bind("127.0.0.3:0").unwrap();
    let uas_port = uas.local_addr().unwrap().port();
    let mut c = SipTcp::connect(k.addr());
    c.send("out", &[("X-Port", &uas_port.to_string())]);
    let (_held, from): (_, SocketAddr) = uas.accept().expect("Kamailio connects to the UAS");
    let got = settled(23000, || opts(from.port(), uas_port).4);
    assert_eq!(got, 23000, "the profile's on the outbound connection");
    // the parameter's timer (200 ms ticks) has seen the connection by now
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(opts(from.port(), uas_port).4, 23000, "still the profile's");
}

/// A connection whose first message is an HTTP request (a WebSocket upgrade) waits where a
/// `ws` profile would choose differently for its peer: a SIP message on it afterwards (it
/// stayed plain TCP) decides. Without a `ws` profile that differs, the first message decides.
#[test]
fn an_http_request_waits_where_a_ws_profile_differs() {
    let k = start_with(
        "prof-http",
        "modparam(\"tcpops\", \"profile\", \"name=web; match=127.0.0.5/32/ws; keepalive=31,3,3\")\n\
         modparam(\"tcpops\", \"profile\", \"name=five; match=127.0.0.5/32; keepalive=15,5,5\")",
    );
    let kp = k.addr().port();
    let kernel = (
        sysctl("tcp_keepalive_time"),
        sysctl("tcp_keepalive_probes"),
        sysctl("tcp_keepalive_intvl"),
    );
    let ka = |port| {
        let (_, idle, cnt, intvl, _) = opts(kp, port);
        (idle, cnt, intvl)
    };
    let mut five = connect_from(&k, "127.0.0.5");
    use std::io::Write;
    five.stream
        .write_all(b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
        .unwrap();
    // without xhttp the core hands it to no route (after the received-data event ran)
    assert!(
        k.wait_log("finished handling non-sip request message", 5),
        "the GET was received"
    );
    assert_eq!(ka(five.local_port()), kernel, "no profile yet");
    five.request("plain", &[]);
    assert_eq!(
        ka(five.local_port()),
        (15, 5, 5),
        "a SIP message: the TCP profile"
    );

    // 127.0.0.2: no ws profile, so an HTTP request first gets the profile at once
    let mut two = connect_from(&k, "127.0.0.2");
    two.stream
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
        .unwrap();
    assert_eq!(settled((11, 4, 6), || ka(two.local_port())), (11, 4, 6));
}

#[test]
fn bad_profiles_refuse_to_start() {
    for (p, line) in [
        (
            "name=a; match=10.0.0.1/8; lifetime=5",
            "profile \"a\": bad match \"10.0.0.1/8\": 10.0.0.1 has bits set beyond the /8 prefix",
        ),
        (
            "name=b; match=10.0.0.0/8; colour=red",
            "profile \"b\": unknown field \"colour\"",
        ),
        (
            "name=c; match=10.0.0.0/8; keepalive=1,2",
            "profile \"c\": keepalive \"1,2\": expected idle,count,interval",
        ),
        (
            "name=d; match=10.0.0.0/8; lifetime=5; lifetime=6",
            "profile \"d\": field \"lifetime\" given twice",
        ),
        ("match=10.0.0.0/8; lifetime=5", "missing name="),
        ("name=e; lifetime=5", "profile \"e\": missing match="),
        (
            "name=f; match=10.0.0.0/8/udp; lifetime=5",
            "unknown protocol \"udp\"",
        ),
    ] {
        let cfg = format!(
            "#!KAMAILIO\nlisten=tcp:127.0.0.1:{}\nmpath=\"{}\"\nloadmodule \"{}/tcpops.so\"\n\
             modparam(\"tcpops\", \"profile\", \"name=ok; match=127.0.0.0/8; lifetime=9\")\n\
             modparam(\"tcpops\", \"profile\", \"{p}\")\nrequest_route {{ exit; }}\n",
            common::port(),
            common::stock_modules_dir().display(),
            common::modules_dir().display()
        );
        refused(&cfg, p, line);
    }
    let dup = "modparam(\"tcpops\", \"profile\", \"name=x; match=10.0.0.0/8; lifetime=5\")\n\
               modparam(\"tcpops\", \"profile\", \"name=x; match=10.0.0.0/16; lifetime=5\")";
    let cfg = format!(
        "#!KAMAILIO\nlisten=tcp:127.0.0.1:{}\nmpath=\"{}\"\nloadmodule \"{}/tcpops.so\"\n{dup}\nrequest_route {{ exit; }}\n",
        common::port(),
        common::stock_modules_dir().display(),
        common::modules_dir().display()
    );
    refused(&cfg, "a duplicate name", "profile \"x\": name given twice");
}

fn refused(cfg: &str, what: &str, line: &str) {
    let (status, text) = common::run_until_exit("prof-bad", cfg);
    assert!(
        status.is_some_and(|s| !s.success()),
        "{what} must stop Kamailio at start-up:\n{text}"
    );
    assert!(
        text.contains(line),
        "{what}: no '{line}' in the log:\n{text}"
    );
    assert!(!text.contains("panic"), "{what}: a panic:\n{text}");
}
