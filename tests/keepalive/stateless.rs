//! keepalive's stateless pings (no tm transaction per ping): replies matched in the module's
//! reply hook, foreign replies passed on, timeouts, a slow UAS, a UAS answering from another
//! port, TCP from the pinger process, and `ping_with_tm`.

use kit as common;

use common::cfg::{self, KEEPALIVE_EVENTS, KEEPALIVE_MODULES};
use common::uas::{Answer, Uas};
use common::{wait_until, Config, Kamailio, SipTcp};
use std::time::{Duration, Instant};

/// The kit's keepalive modules and kex.
fn modules() -> String {
    format!("{KEEPALIVE_MODULES}{}", cfg::load(&["kex"]))
}

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
    Kamailio::start_cfg(tag, "", &format!("{}\n{modparams}", modules()), ROUTES)
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

/// Local transactions tm made (t_request makes one per ping).
fn tm_local(k: &Kamailio) -> u64 {
    let out = k.rpc(&["tm.stats"]).unwrap();
    number(&out, "total_local").unwrap_or_else(|| panic!("{out}"))
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
        wait_until(Duration::from_secs(5), || get(&k, &udp, "state") == Some(1)
            && get(&k, &tcp, "state") == Some(1)),
        "both up"
    );
    assert!(wait_until(Duration::from_secs(5), || get(
        &k, &udp, "replies"
    )
    .unwrap_or(0)
        >= 3));
    let got = uas.received();
    assert!(got.iter().any(|r| r.transport == "tcp"), "a ping over TCP");
    for r in &got {
        assert_eq!(r.method, "OPTIONS");
        assert!(r.call_id.starts_with("kaping-"), "{}", r.call_id);
    }
    assert_eq!(tm_local(&k), 0, "no tm transaction per ping");
    assert!(k.stat("keepalive", "pings_sent").expect("pings_sent") >= 4);
    assert!(
        k.stat("keepalive", "ping_replies_alive")
            .expect("ping_replies_alive")
            >= 4
    );
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
    assert!(wait_until(Duration::from_secs(5), || get(
        &k, &uri, "replies"
    )
    .unwrap_or(0)
        >= 2));
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
        wait_until(Duration::from_secs(6), || get(&k, &s, "state") == Some(1)),
        "slow but in time: up"
    );
    assert!(get(&k, &s, "rtt_last_us").unwrap() >= 300_000);
    assert!(
        wait_until(Duration::from_secs(6), || get(&k, &l, "state") == Some(2)),
        "too late: down"
    );
    assert!(get(&k, &l, "timeouts").unwrap() >= 1);
    assert_eq!(get(&k, &l, "replies"), Some(0), "a late reply is ignored");
    assert!(k.stat("keepalive", "ping_timeouts").expect("ping_timeouts") >= 1);
    assert_eq!(tm_local(&k), 0);
}

#[test]
fn uas_answering_from_another_port() {
    let uas = Uas::start(0, Answer::OtherPort(200));
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    let k = start("ka-sl-port", &dest(&uri));
    assert!(wait_until(Duration::from_secs(5), || get(
        &k, &uri, "state"
    ) == Some(1)));
    assert!(wait_until(Duration::from_secs(5), || get(
        &k, &uri, "replies"
    )
    .unwrap_or(0)
        >= 2));
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
    assert!(wait_until(Duration::from_secs(5), || get(
        &k, &uri, "state"
    ) == Some(1)));
    assert!(tm_local(&k) >= 1, "pings through tm");
    assert!(uas
        .received()
        .iter()
        .all(|r| !r.call_id.starts_with("kaping-")));
}

/// The stateless test routes plus event routes that log each state change.
fn start_with_events(tag: &str, modparams: &str) -> Kamailio {
    let modules = format!("{}\nloadmodule \"xlog.so\"\n{modparams}", modules());
    let routes = format!("{ROUTES}\n{KEEPALIVE_EVENTS}");
    Kamailio::start(
        tag,
        Config {
            globals: "",
            modules: &modules,
            routes: &routes,
        },
    )
}

/// The copies of each ping a UAS received over `transport`, in order: (Call-ID, branches,
/// CSeqs).
fn copies(uas: &Uas, transport: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut by: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for r in uas
        .received()
        .into_iter()
        .filter(|r| r.transport == transport)
    {
        match by.iter_mut().find(|(c, _, _)| *c == r.call_id) {
            Some((_, b, s)) => {
                b.push(r.branch.clone());
                s.push(r.cseq.clone());
            }
            None => by.push((
                r.call_id.clone(),
                vec![r.branch.clone()],
                vec![r.cseq.clone()],
            )),
        }
    }
    by
}

/// Stateless UDP pings are retransmitted on tm's schedule (T1 = 500 ms, doubling) until the
/// ping's timeout, every copy the same request: a path that loses the first copy of every
/// request keeps the gateway up (10 s, no dst-down), a silent gateway still goes down, and
/// TCP pings go once.
#[test]
fn udp_pings_are_retransmitted_until_answered() {
    let lossy = Uas::start(0, Answer::DropFirst(200));
    let silent = Uas::start(0, Answer::Silent);
    let l = format!("sip:127.0.0.1:{}", lossy.port());
    let s = format!("sip:127.0.0.1:{}", silent.port());
    let t = format!("sip:127.0.0.1:{};transport=tcp", silent.port());
    let k = start_with_events(
        "ka-sl-retr",
        &format!(
            "modparam(\"keepalive\", \"ping_interval\", 2)\n{}\n{}\n{}",
            dest(&l),
            dest(&s),
            dest(&t)
        ),
    );
    assert!(
        wait_until(Duration::from_secs(5), || get(&k, &l, "state") == Some(1)),
        "the lossy path's gateway is up"
    );
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        assert_eq!(get(&k, &l, "state"), Some(1), "stays up");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(k.log_count(&format!("EV-DOWN {l}")), 0, "no dst-down");
    assert_eq!(get(&k, &l, "timeouts"), Some(0));
    // every ping came twice (its first copy lost), the copies alike
    let got = copies(&lossy, "udp");
    assert!(got.len() >= 5, "{got:?}");
    let last = got.len() - 1;
    for (i, (cid, branches, cseqs)) in got.iter().enumerate() {
        // (the last one may still wait for its second copy)
        assert!(branches.len() == 2 || i == last, "{cid}: {branches:?}");
        assert!(
            branches.iter().all(|b| b == &branches[0]),
            "{cid}: {branches:?}"
        );
        assert!(cseqs.iter().all(|c| c == &cseqs[0]), "{cid}: {cseqs:?}");
    }
    assert!(
        k.stat("keepalive", "ping_retransmissions")
            .expect("ping_retransmissions")
            >= 5
    );
    // silent over UDP: down, every ping sent again while unanswered (0.5 s, 1.5 s < 2 s)
    assert_eq!(get(&k, &s, "state"), Some(2));
    assert!(k.log_count(&format!("EV-DOWN {s}")) >= 1);
    let udp = copies(&silent, "udp");
    assert!(
        udp.iter().filter(|(_, b, _)| b.len() == 3).count() >= 3,
        "three copies per silent UDP ping: {udp:?}"
    );
    assert!(udp.iter().all(|(_, b, _)| b.len() <= 3), "{udp:?}");
    // TCP: once per ping
    let tcp = copies(&silent, "tcp");
    assert!(tcp.len() >= 3, "{tcp:?}");
    assert!(
        tcp.iter().all(|(_, b, _)| b.len() == 1),
        "no TCP ping sent twice: {tcp:?}"
    );
    assert_eq!(get(&k, &t, "state"), Some(2));
}

/// A SIP header's value in a request's text (first occurrence, case-insensitive name).
fn header<'a>(req: &'a str, name: &str) -> Option<&'a str> {
    req.split("\r\n").find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Forged replies for the pings another destination may have in flight, derived from one
/// of the attacker's own pings (`call_id`, `cseq` number): the Call-ID counter of the form
/// before per-ping identities (record index and sequence in 16 hex digits: nearby indices,
/// nearby sequences), and for per-ping identities nearby record indices with the own
/// identity, its neighbours, 0, 1 and all-ones. (Call-ID, Via branch, CSeq number) each.
fn guesses(call_id: &str, cseq: u64) -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    let Some((prefix, tail)) = call_id.rsplit_once('-') else {
        return out;
    };
    if tail.len() == 16 && !prefix.trim_start_matches("kaping-").contains('-') {
        // kaping-<instance>-<index:8 hex><sequence:8 hex>
        let tok = u64::from_str_radix(tail, 16).unwrap_or(0);
        let (idx, seq) = (tok >> 32, tok & 0xffff_ffff);
        for i in idx.saturating_sub(2)..=idx + 2 {
            for q in seq.saturating_sub(1)..=seq + 2 {
                let t = format!("{:016x}", (i << 32) | q);
                let inst = prefix.trim_start_matches("kaping-");
                out.push((
                    format!("{prefix}-{t}"),
                    format!("z9hG4bKkaping-{inst}-{t}"),
                    10,
                ));
            }
        }
        return out;
    }
    // kaping-<instance>-<index hex>-<identity:16 hex>
    let Some((inst, idx)) = prefix.rsplit_once('-') else {
        return out;
    };
    let idx = u32::from_str_radix(idx, 16).unwrap_or(0);
    let id = u64::from_str_radix(tail, 16).unwrap_or(0);
    for i in idx.saturating_sub(2)..=idx + 2 {
        for g in [
            id,
            id.wrapping_add(1),
            id.wrapping_sub(1),
            id ^ 1,
            0,
            1,
            u64::MAX,
        ] {
            if i == idx && g == id {
                // its own ping, which it answers: a forged reply to it could race the
                // answer in another worker and take the attacker itself down
                continue;
            }
            for n in [cseq, cseq + 1] {
                out.push((
                    format!("{inst}-{i:x}-{g:016x}"),
                    format!("z9hG4bKka{g:016x}"),
                    n,
                ));
            }
        }
    }
    out
}

/// A monitored destination that is an attacker: it answers its own pings (200) and, from
/// each, forges replies (`code`) for every value the Call-ID of another destination's ping
/// could take, sent to Kamailio's SIP port every 50 ms until its next ping. Returns the
/// number of forged replies sent so far and the code to forge, shared.
struct Attacker {
    port: u16,
    code: std::sync::Arc<std::sync::atomic::AtomicU16>,
    forged: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Attacker {
    fn start(kamailio: std::net::SocketAddr) -> Attacker {
        use std::sync::atomic::{AtomicBool, AtomicU16, AtomicUsize, Ordering};
        use std::sync::Arc;
        let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let port = sock.local_addr().unwrap().port();
        let code = Arc::new(AtomicU16::new(503));
        let forged = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (c, f, st) = (code.clone(), forged.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut buf = vec![0u8; 65536];
            let mut current: Vec<(String, String, u64)> = Vec::new();
            let mut via = String::new();
            while !st.load(Ordering::Relaxed) {
                if let Ok((n, src)) = sock.recv_from(&mut buf) {
                    let req = String::from_utf8_lossy(&buf[..n]).to_string();
                    if !req.starts_with("OPTIONS ") {
                        continue;
                    }
                    let (Some(v), Some(from), Some(to), Some(cid), Some(cs)) = (
                        header(&req, "Via"),
                        header(&req, "From"),
                        header(&req, "To"),
                        header(&req, "Call-ID"),
                        header(&req, "CSeq"),
                    ) else {
                        continue;
                    };
                    // its own ping: answered, so the attacker stays up
                    let ok = format!(
                        "SIP/2.0 200 OK\r\nVia: {v}\r\nFrom: {from}\r\nTo: {to};tag=att\r\n\
                         Call-ID: {cid}\r\nCSeq: {cs}\r\nContent-Length: 0\r\n\r\n"
                    );
                    let _ = sock.send_to(ok.as_bytes(), src);
                    let n = cs.split_whitespace().next().unwrap_or("0");
                    current = guesses(cid, n.parse().unwrap_or(0));
                    via = v.split(";branch=").next().unwrap_or(v).to_string();
                }
                let code = c.load(Ordering::Relaxed);
                for (cid, branch, n) in &current {
                    let forged = format!(
                        "SIP/2.0 {code} Forged\r\nVia: {via};branch={branch}\r\n\
                         From: <sip:keepalive@kamailio.org>;tag=x\r\nTo: <sip:victim>;tag=y\r\n\
                         Call-ID: {cid}\r\nCSeq: {n} OPTIONS\r\nContent-Length: 0\r\n\r\n"
                    );
                    if sock.send_to(forged.as_bytes(), kamailio).is_ok() {
                        f.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        });
        Attacker {
            port,
            code,
            forged,
            stop,
            thread: Some(thread),
        }
    }

    fn forged(&self) -> usize {
        self.forged.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Drop for Attacker {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A destination that is itself an attacker answers its own pings and forges replies for
/// every value another destination's ping could carry next (nearby record indices and
/// counters, its own identity and its neighbours, 0, all-ones): forged 503s do not take a
/// live gateway down, forged 200s do not bring a dead one up (no event, state unchanged).
/// The victim answers after 300 ms, so its pings are in flight while the forgeries arrive.
#[test]
fn a_monitored_attacker_cannot_forge_another_destinations_replies() {
    use std::sync::atomic::Ordering;
    let victim = Uas::start(0, Answer::Slow(200, 300));
    let v = format!("sip:127.0.0.1:{}", victim.port());
    // the attacker learns Kamailio's port from its pings: only the address is needed here
    let port = common::port();
    let attacker = Attacker::start(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    let a = format!("sip:127.0.0.1:{}", attacker.port);
    let modules = format!(
        "{}\nloadmodule \"xlog.so\"\n{}\n{}",
        modules(),
        dest(&v),
        dest(&a)
    );
    let routes = format!("{ROUTES}\n{KEEPALIVE_EVENTS}");
    let k = Kamailio::builder(
        "ka-sl-forge",
        Config {
            globals: "",
            modules: &modules,
            routes: &routes,
        },
    )
    .on_port(port)
    .start();
    assert!(
        wait_until(Duration::from_secs(5), || get(&k, &v, "state") == Some(1)
            && get(&k, &a, "state") == Some(1)),
        "both up"
    );
    // forged 503s for 6 s: the live victim stays up
    let until = Instant::now() + Duration::from_secs(6);
    while Instant::now() < until {
        assert_eq!(
            get(&k, &v, "state"),
            Some(1),
            "forged 503s took the victim down"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(k.log_count(&format!("EV-DOWN {v}")), 0);
    assert_eq!(get(&k, &v, "last_code"), Some(200));
    assert_eq!(
        get(&k, &a, "state"),
        Some(1),
        "the attacker answers its own pings"
    );
    let sent = attacker.forged();
    assert!(sent >= 1000, "the attacker forged {sent} replies");
    // the victim dies: down once; forged 200s for 5 s do not bring it back
    victim.set(Answer::Silent);
    assert!(
        wait_until(Duration::from_secs(5), || get(&k, &v, "state") == Some(2)),
        "down"
    );
    attacker.code.store(200, Ordering::Relaxed);
    let ups = k.log_count(&format!("EV-UP {v}"));
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until {
        assert_eq!(
            get(&k, &v, "state"),
            Some(2),
            "forged 200s brought the victim up"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(k.log_count(&format!("EV-UP {v}")), ups);
    assert_eq!(k.log_count(&format!("EV-DOWN {v}")), 1);
    assert!(attacker.forged() > sent);
}
