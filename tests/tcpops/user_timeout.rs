//! `TCP_USER_TIMEOUT` against a peer that vanishes while Kamailio has data for it: Kamailio
//! in a network namespace of its own, the client in another, joined by a veth pair with a
//! permanent neighbour entry (no ARP failure tells the kernel anything); the client's end is
//! taken down right after it sent a request that Kamailio answers one second later, so the
//! reply is retransmitted into the void (this kernel has no netem qdisc).
//!
//! With `tcp_set_user_timeout(3000)` (or the `user_timeout` modparam) the kernel drops the
//! connection about 3 s after the reply: the reader's read fails with ETIMEDOUT and the core
//! raises `tcp:timeout` (5.6 and 6.0 map ETIMEDOUT to TCP_CLOSED_TIMEOUT in tcp_read.c).
//! Without one, 5.6 keeps retransmitting for about 15 minutes: still open at 8 s (6.0 drops
//! it after its own 10 s `tcp_send_timeout`, which accepted connections inherit).

use kit as common;

use common::{Config, Kamailio, SipTcp};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::Command;
use std::time::{Duration, Instant};

fn ip(args: &[&str]) -> String {
    let out = Command::new("ip").args(args).output().expect("ip");
    assert!(out.status.success(), "ip {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// A peer network namespace joined to Kamailio's by a veth pair (10.201.0.2 <-> .1);
/// removed on drop (the namespace goes with the process that holds it, its end with it, and
/// so the pair). The namespace is held by a sleeping `unshare --net` child rather than made
/// with `ip netns add`, which leaves a bind mount on /run/netns behind.
struct Peer {
    holder: std::process::Child,
    dev: String,
    kam_dev: String,
}

impl Peer {
    fn new(k: &Kamailio) -> Peer {
        let tag = common::port();
        let holder = Command::new("unshare")
            .args(["--net", "--", "sleep", "600"])
            .spawn()
            .expect("unshare --net");
        let p = Peer {
            holder,
            dev: format!("krp{tag}"),
            kam_dev: format!("krk{tag}"),
        };
        // wait until the child is in its own namespace
        let own = std::fs::read_link("/proc/self/ns/net").unwrap();
        assert!(
            common::poll_until(Duration::from_secs(5), Duration::from_millis(10), || {
                std::fs::read_link(p.ns_path()).ok().as_ref() != Some(&own)
            }),
            "unshare --net did not take effect"
        );
        ip(&[
            "link", "add", &p.kam_dev, "type", "veth", "peer", "name", &p.dev,
        ]);
        ip(&["link", "set", &p.kam_dev, "netns", &k.pid().to_string()]);
        ip(&["link", "set", &p.dev, "netns", &p.holder.id().to_string()]);
        p.ip(&["link", "set", "lo", "up"]);
        p.ip(&["addr", "add", "10.201.0.2/24", "dev", &p.dev]);
        p.ip(&["link", "set", &p.dev, "up"]);
        k.netns(&["ip", "addr", "add", "10.201.0.1/24", "dev", &p.kam_dev]);
        k.netns(&["ip", "link", "set", &p.kam_dev, "up"]);
        let mac = |text: String| {
            text.split_whitespace()
                .skip_while(|t| *t != "link/ether")
                .nth(1)
                .expect("a MAC address")
                .to_string()
        };
        let peer_mac = mac(p.ip(&["-o", "link", "show", &p.dev]));
        let kam_mac = mac(k.netns(&["ip", "-o", "link", "show", &p.kam_dev]));
        k.netns(&[
            "ip",
            "neigh",
            "replace",
            "10.201.0.2",
            "lladdr",
            &peer_mac,
            "dev",
            &p.kam_dev,
            "nud",
            "permanent",
        ]);
        p.ip(&[
            "neigh",
            "replace",
            "10.201.0.1",
            "lladdr",
            &kam_mac,
            "dev",
            &p.dev,
            "nud",
            "permanent",
        ]);
        p
    }

    fn ns_path(&self) -> String {
        format!("/proc/{}/ns/net", self.holder.id())
    }

    /// Runs `ip` in the peer's namespace. Through nsenter, not `ip -n`: that also makes a
    /// mount namespace (`mount --make-rslave /`), which fails in a chroot whose root is not a
    /// mount point (a fresh-machine or CI chroot).
    fn ip(&self, args: &[&str]) -> String {
        let out = Command::new("nsenter")
            .arg(format!("--net={}", self.ns_path()))
            .arg("--")
            .arg("ip")
            .args(args)
            .output()
            .expect("nsenter");
        assert!(
            out.status.success(),
            "ip {args:?} in the peer's namespace: {out:?}"
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Takes the peer's end down: from now on its packets vanish.
    fn vanish(&self) {
        self.ip(&["link", "set", &self.dev, "down"]);
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
        // only there if the set-up stopped before moving it
        let _ = Command::new("ip")
            .args(["link", "del", &self.kam_dev])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

const ROUTES: &str = r#"
request_route {
    if ($rU == "ut") {
        tcp_set_user_timeout("3000");
        append_to_reply("X-Rc: $rc\r\n");
    }
    if ($hdr(X-Delay) != $null) { usleep("$(hdr(X-Delay){s.int})"); }
    append_to_reply("X-Conid: $conid\r\n");
    sl_send_reply("200", "OK");
    exit;
}
event_route[tcp:closed] { xlog("L_ERR", "EVENT tcp:closed sp=$sp\n"); }
event_route[tcp:timeout] { xlog("L_ERR", "EVENT tcp:timeout sp=$sp\n"); }
event_route[tcp:reset] { xlog("L_ERR", "EVENT tcp:reset sp=$sp\n"); }
"#;

fn start(tag: &str, modparam: &str) -> (Kamailio, u16) {
    let port = common::port();
    let globals = format!("listen=tcp:0.0.0.0:{port}\n");
    let modules = format!(
        "loadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"textops.so\"\n\
         loadmodule \"xlog.so\"\nloadmodule \"cfgutils.so\"\n\
         loadmodule \"{{MODDIR}}/tcpops.so\"\n{modparam}\n"
    );
    let k = Kamailio::builder(
        tag,
        Config {
            globals: &globals,
            modules: &modules,
            routes: ROUTES,
        },
    )
    .in_netns()
    .start();
    (k, port)
}

fn events(k: &Kamailio, port: u16) -> Vec<String> {
    k.log_text()
        .lines()
        .filter(|l| !l.contains("DEBUG"))
        .filter_map(|l| l.split("EVENT ").nth(1))
        .filter(|l| l.ends_with(&format!("sp={port}")))
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

fn info(k: &Kamailio, conid: i64) -> Option<BTreeMap<String, String>> {
    let text = k.rpc(&["tcpops.info", &conid.to_string()]).ok()?;
    Some(
        text.lines()
            .filter_map(|l| l.trim().split_once(':'))
            .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
            .collect(),
    )
}

/// Connects from the peer, runs `user` (which may set a user timeout), then sends a request
/// answered after 1 s and takes the peer's end down; returns the connection and when the
/// peer vanished.
fn vanish_with_a_reply_pending(
    k: &Kamailio,
    port: u16,
    peer: &Peer,
    user: &str,
) -> (i64, u16, Instant) {
    let addr: SocketAddr = format!("10.201.0.1:{port}").parse().unwrap();
    let mut c = SipTcp::connect_in(&peer.ns_path(), addr);
    let r = c.request(user, &[]);
    if user == "ut" {
        assert_eq!(r.int("X-Rc"), 1, "tcp_set_user_timeout");
    }
    let conid = r.int("X-Conid");
    let i = info(k, conid).expect("listed");
    assert_eq!(
        (i["direction"].as_str(), i["unacked"].as_str()),
        ("in", "0"),
        "{i:?}"
    );
    c.send("slow", &[("X-Delay", "1000000")]);
    peer.vanish();
    let t0 = Instant::now();
    let port = c.local_port();
    std::mem::forget(c); // the peer's socket stays, silent: its namespace is cut off
    (conid, port, t0)
}

fn closes_after_about_3s(modparam: &str, user: &str) {
    let (k, port) = start("utimeout", modparam);
    let peer = Peer::new(&k);
    let (conid, cport, t0) = vanish_with_a_reply_pending(&k, port, &peer, user);
    let i = info(&k, conid).expect("listed");
    assert_eq!(i["user_timeout"], "3000", "{i:?}");
    let deadline = t0 + Duration::from_secs(12);
    while events(&k, cport).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = t0.elapsed().as_secs_f64();
    assert_eq!(events(&k, cport), ["tcp:timeout"], "after {took:.1} s");
    // 1 s until the reply, then 3 s of retransmissions: never before the user timeout
    // itself (well after the 1 s delay, whatever the load), and before the 8 s at which a
    // connection without one is still open (the next test), so it is the user timeout
    assert!((2.5..8.0).contains(&took), "closed after {took:.1} s");
    assert!(info(&k, conid).is_none(), "conid {conid} is gone");
}

#[test]
fn tcp_set_user_timeout_drops_a_vanished_peer_after_3_s_with_tcp_timeout() {
    closes_after_about_3s("", "ut");
}

#[test]
fn the_user_timeout_modparam_drops_a_vanished_peer_after_3_s_with_tcp_timeout() {
    closes_after_about_3s("modparam(\"tcpops\", \"user_timeout\", 3000)", "plain");
}

#[test]
fn without_a_user_timeout_a_vanished_peer_stays_past_8_s() {
    let (k, port) = start("utnone", "");
    let peer = Peer::new(&k);
    let (conid, cport, t0) = vanish_with_a_reply_pending(&k, port, &peer, "plain");
    std::thread::sleep(Duration::from_secs(8).saturating_sub(t0.elapsed()));
    assert!(events(&k, cport).is_empty(), "{:?}", events(&k, cport));
    let i = info(&k, conid).expect("still listed at 8 s");
    assert_eq!(i["state"], "CONN_OK", "{i:?}");
    // none on 5.6; from 5.8 on the core's tcp_send_timeout (10 s), inherited from the
    // listening socket, which drops the peer at about 11 s
    let ut = (
        i["user_timeout"].as_str(),
        i["user_timeout_source"].as_str(),
    );
    assert!(matches!(ut, ("0", "none") | ("10000", "core")), "{i:?}");
    // the kernel is retransmitting the reply nobody acknowledges
    let n = |f: &str| i[f].parse::<i64>().unwrap();
    assert!(
        n("unacked") > 0 && n("retransmits") > 0 && n("send_q") > 0,
        "{i:?}"
    );
}

const PRECEDENCE_ROUTES: &str = r#"
request_route {
    if ($rU == "ut") { tcp_set_user_timeout("3000"); }
    if ($rU == "ka") { tcp_keepalive_enable("30", "3", "5"); }
    if ($rU == "kd") { tcp_keepalive_disable(); }
    append_to_reply("X-Rc: $rc\r\n");
    sl_send_reply("200", "OK");
    exit;
}
"#;

/// Where the socket has a user timeout, `tcp_keepalive_enable` aligns it to
/// `idle + cnt * intvl` and `tcp_keepalive_disable` puts the core's `tcp_send_timeout` back
/// (`user_timeout::align`); the modparam differs from `tcp_send_timeout` (7 s), so that
/// each check tells the alignment's value from the one kept: one set with `tcp_set_user_timeout` or the `user_timeout`
/// modparam stays instead, read from Kamailio's socket itself.
#[test]
fn an_explicit_user_timeout_wins_over_the_keepalive_alignment() {
    for (modparam, first, want) in [
        ("", "ut", 3000),
        (
            "modparam(\"tcpops\", \"user_timeout\", 6000)",
            "plain",
            6000,
        ),
    ] {
        let modules = format!(
            "loadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"textops.so\"\n\
             loadmodule \"{{MODDIR}}/tcpops.so\"\n{modparam}\n"
        );
        let k = Kamailio::start(
            "utprec",
            Config {
                globals: "tcp_send_timeout=7",
                modules: &modules,
                routes: PRECEDENCE_ROUTES,
            },
        );
        let mut c = SipTcp::connect(k.addr());
        let port = c.local_port();
        let ut = || common::kamailio_user_timeout_ms(k.addr().port(), port);
        let rc = c.request(first, &[]).int("X-Rc");
        assert!(first != "ut" || rc == 1, "tcp_set_user_timeout: {rc}");
        assert_eq!(ut(), want, "{first}: set");
        assert_eq!(c.request("ka", &[]).int("X-Rc"), 1);
        assert_eq!(ut(), want, "after tcp_keepalive_enable (would be 45000)");
        assert_eq!(c.request("kd", &[]).int("X-Rc"), 1);
        assert_eq!(
            ut(),
            want,
            "after tcp_keepalive_disable (would be 7000, the core's)"
        );
    }
}

const OUTBOUND_ROUTES: &str = r#"
request_route {
    if ($rU == "out") {
        $du = "sip:127.0.0.1:" + $hdr(X-Port) + ";transport=tcp";
        forward();
        exit;
    }
    $var(cid) = $(hdr(X-Conid){s.int});
    $var(rc) = 0;
    $var(c) = 0;
    switch ($rU) {
    case "conid": tcp_get_conid("127.0.0.1:$hdr(X-Port)", "$var(c)"); $var(rc) = $rc; break;
    case "ut": tcp_set_user_timeout("$var(cid)", "3000"); $var(rc) = $rc; break;
    case "ka": tcp_keepalive_enable("$var(cid)", "4", "3", "2"); $var(rc) = $rc; break;
    case "kd": tcp_keepalive_disable("$var(cid)"); $var(rc) = $rc; break;
    }
    append_to_reply("X-Rc: $var(rc)\r\nX-Out: $var(c)\r\n");
    sl_send_reply("200", "OK");
    exit;
}
"#;

/// A connection Kamailio opens: from 6.0.2 on the core gives it its `tcp_send_timeout` as
/// `TCP_USER_TIMEOUT` when it connects (5.6 to 6.0.1: none). Where it has one,
/// `tcp_keepalive_enable` aligns it to `idle + cnt * intvl` and `tcp_keepalive_disable` puts
/// the core's back; a `tcp_set_user_timeout` value stays through both; `tcpops.info` says
/// which is in force and why. Read from Kamailio's socket itself.
#[test]
fn a_connection_kamailio_opened_keeps_alignment_and_precedence() {
    let modules = "loadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"textops.so\"\n\
                   loadmodule \"{MODDIR}/tcpops.so\"\n";
    let k = Kamailio::start(
        "utout",
        Config {
            globals: "tcp_send_timeout=7",
            modules,
            routes: OUTBOUND_ROUTES,
        },
    );
    let peer = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let peer_port = peer.local_addr().unwrap().port().to_string();
    let mut c = SipTcp::connect(k.addr());
    c.send("out", &[("X-Port", &peer_port)]);
    let (_held, from) = peer.accept().expect("Kamailio connects to the peer");
    let conid = c
        .request("conid", &[("X-Port", &peer_port)])
        .int("X-Out")
        .to_string();
    let ut = || common::kamailio_user_timeout_ms(from.port(), peer_port.parse().unwrap());
    let source = || {
        let i = info(&k, conid.parse().unwrap()).expect("listed");
        assert_eq!(i["direction"], "out", "{i:?}");
        (i["user_timeout"].clone(), i["user_timeout_source"].clone())
    };
    let core = common::kamailio_release() >= (6, 0, 2);
    let (core_ms, core_src) = if core { (7000, "core") } else { (0, "none") };
    assert_eq!(ut(), core_ms, "as the core connected");
    assert_eq!(source(), (core_ms.to_string(), core_src.into()));

    let run = |c: &mut SipTcp, op: &str| c.request(op, &[("X-Conid", &conid)]).int("X-Rc");
    assert_eq!(run(&mut c, "ka"), 1);
    let (ka_ms, ka_src) = if core {
        (10_000, "keepalive")
    } else {
        (0, "none")
    };
    assert_eq!(ut(), ka_ms, "keepalive 4 + 3 * 2 s");
    assert_eq!(source(), (ka_ms.to_string(), ka_src.into()));
    assert_eq!(run(&mut c, "kd"), 1);
    assert_eq!(ut(), core_ms, "keepalive off: the core's again");
    assert_eq!(source(), (core_ms.to_string(), core_src.into()));

    assert_eq!(run(&mut c, "ut"), 1);
    assert_eq!(ut(), 3000);
    assert_eq!(run(&mut c, "ka"), 1);
    assert_eq!(ut(), 3000, "tcp_set_user_timeout wins over the alignment");
    assert_eq!(run(&mut c, "kd"), 1);
    assert_eq!(ut(), 3000, "and over the core's value");
    assert_eq!(source(), ("3000".into(), "tcpops".into()));
}
