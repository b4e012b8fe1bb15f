//! The keepalive table's lock-free lookups against concurrent inserts, removals and growth:
//! TCP readers call `ka_is_alive` in tight cfg loops while a UDP worker adds and then deletes
//! 20,000 destinations (the shm map grows many times over). A lookup of a destination that is
//! there all along must never miss, and one of a destination never added must never hit.

use kit as common;

use common::cfg::KEEPALIVE_MODULES;
use common::{Kamailio, SipTcp};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Set after the kit's keepalive modules: no probing during the test, no table limit.
const PARAMS: &str = r#"
modparam("keepalive", "ping_interval", 3600)
modparam("keepalive", "max_destinations", 0)
modparam("keepalive", "destination", "sip:127.0.0.1:{PORT}")
"#;

const ROUTES: &str = r#"
request_route {
    if ($rU == "grow" || $rU == "shrink") {
        $var(n) = $(hdr(X-N){s.int}); $var(i) = 0; $var(fail) = 0;
        while ($var(i) < $var(n)) {
            $var(a) = $var(i) / 250; $var(b) = $var(i) mod 250;
            $var(d) = $_s(sip:127.1.$var(a).$var(b):5060);
            if ($rU == "grow") {
                ka_add_destination("$var(d)", "load");
            } else {
                ka_del_destination("$var(d)", "load");
            }
            if ($rc < 0) { $var(fail) = $var(fail) + 1; }
            $var(i) = $var(i) + 1;
        }
        append_to_reply("X-Fail: $var(fail)\r\n");
    }
    if ($rU == "read") {
        $var(p) = $hdr(X-P); $var(i) = 0; $var(miss) = 0; $var(hit) = 0;
        while ($var(i) < 5000) {
            ka_is_alive("$var(p)");
            if ($rc == -1) { $var(miss) = $var(miss) + 1; }
            ka_is_alive("sip:127.2.0.1:5060");
            if ($rc != -1) { $var(hit) = $var(hit) + 1; }
            $var(i) = $var(i) + 1;
        }
        append_to_reply("X-Miss: $var(miss)\r\nX-Hit: $var(hit)\r\n");
    }
    sl_send_reply("200", "OK");
    exit;
}
"#;

/// Where a phase is: readers warm up, then the writer runs, then it is done.
#[derive(Default)]
struct Phase {
    /// requests answered so far, per reader (the writer starts once each has one)
    warm: [AtomicU64; 2],
    writing: AtomicBool,
    stop: AtomicBool,
}

/// Runs `read` requests on a connection of its own until `stop`; returns (requests that
/// overlapped the writer: sent before it was done, answered after it had started; misses;
/// false hits).
fn reader(k: &Kamailio, present: String, ph: &Phase, me: usize) -> (u64, i64, i64) {
    let mut c = SipTcp::connect(k.addr());
    let (mut n, mut miss, mut hit) = (0, 0, 0);
    while !ph.stop.load(Ordering::SeqCst) {
        let r = c.request("read", &[("X-P", &present)]);
        miss += r.int("X-Miss");
        hit += r.int("X-Hit");
        // `stop` was false when this request was sent
        n += u64::from(ph.writing.load(Ordering::SeqCst));
        ph.warm[me].fetch_add(1, Ordering::SeqCst);
    }
    (n, miss, hit)
}

#[test]
fn lookups_stay_right_while_the_table_grows_and_shrinks() {
    let k = Kamailio::start_cfg(
        "kaconc",
        "max_while_loops=100000\ntcp_children=3",
        &format!("{KEEPALIVE_MODULES}{PARAMS}"),
        ROUTES,
    );
    let present = format!("sip:127.0.0.1:{}", k.port);
    for phase in ["grow", "shrink", "grow", "shrink"] {
        let ph = Phase::default();
        let results = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..2)
                .map(|me| {
                    let (p, ph, k) = (present.clone(), &ph, &k);
                    scope.spawn(move || reader(k, p, ph, me))
                })
                .collect();
            // the readers are running (connected, answered once) before the writer starts
            let t0 = std::time::Instant::now();
            while ph.warm.iter().any(|w| w.load(Ordering::SeqCst) == 0)
                && t0.elapsed() < Duration::from_secs(60)
                && !handles.iter().any(|h| h.is_finished())
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            ph.writing.store(true, Ordering::SeqCst);
            let r = common::udp::request(k.addr(), phase, &[("X-N", "20000")]);
            ph.stop.store(true, Ordering::SeqCst);
            assert_eq!(r.int("X-Fail"), 0, "{phase}: every add/delete succeeds");
            handles
                .into_iter()
                .map(|h| h.join().unwrap())
                .collect::<Vec<_>>()
        });
        for (n, miss, hit) in results {
            assert!(
                n >= 1,
                "{phase}: readers ran alongside the writer ({n} requests)"
            );
            assert_eq!(miss, 0, "{phase}: a present destination was missed");
            assert_eq!(hit, 0, "{phase}: an absent destination was found");
        }
    }
    let list = k.rpc(&["keepalive.list"]).unwrap();
    assert!(list.contains(&present) && !list.contains("127.1.0.1"));
}
