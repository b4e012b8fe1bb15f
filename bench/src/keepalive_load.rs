//! keepalive: `ka_is_alive` cost at growing table sizes (first-added, last-added and absent
//! destination), shm per destination, CPU per `keepalive.add` RPC. All destinations point at
//! a UAS that answers every ping (`sip:d<i>@127.0.0.1:<uas>`).

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use crate::common::rpc_clients::json_request;
use crate::common::uas::{Answer, Uas};
use crate::common::{port, Config, Kamailio, SipTcp};
use crate::cpu;
use crate::report::{Results, Target};
use crate::side::Side;
use crate::Plan;

/// The `best` case of [`ROUTES`]: ours only (the C module has no ka_best).
const BEST_CASE: &str = r#"case "best":
        while ($var(i) < $var(n)) { ka_best("$var(d)", "$var(b)"); $var(x) = $rc; if ($var(x) == $var(want)) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;"#;

/// Whether `side` has ka_best: ours, unless KRS_MODULES_DIR names another build (which may
/// be older).
fn has_best(side: Side) -> bool {
    side == Side::Ours && std::env::var_os("KRS_MODULES_DIR").is_none()
}

/// [`ROUTES`] for `side`, with the UAS's port.
pub fn routes(side: Side, uas_port: u16) -> String {
    ROUTES
        .replace("UAS_PORT", &uas_port.to_string())
        .replace("BEST_CASE", if has_best(side) { BEST_CASE } else { "" })
}

const ROUTES: &str = r#"
request_route {
    $var(n) = $(hdr(X-N){s.int}); $var(i) = $(hdr(X-From){s.int}); $var(ok) = 0;
    $var(d) = $hdr(X-D); $var(want) = $(hdr(X-Want){s.int}); $var(p) = $hdr(X-P);
    switch ($rU) {
    case "add":
        while ($var(i) < $var(n)) { ka_add_destination("sip:d$var(i)@127.0.0.1:$var(p)", "bench"); if ($rc == 1) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    case "empty":
        while ($var(i) < $var(n)) { $var(x) = $var(want); if ($var(x) == $var(want)) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    case "look":
        while ($var(i) < $var(n)) { ka_is_alive("$var(d)"); $var(x) = $rc; if ($var(x) == $var(want)) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    case "static-first-added":
        while ($var(i) < $var(n)) { ka_is_alive("d0@127.0.0.1:UAS_PORT"); $var(x) = $rc; if ($var(x) == $var(want)) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    BEST_CASE
    case "static-absent":
        while ($var(i) < $var(n)) { ka_is_alive("nobody@127.0.0.1:UAS_PORT"); $var(x) = $rc; if ($var(x) == $var(want)) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    }
    append_to_reply("X-OK: $var(ok)\r\n");
    sl_send_reply("200", "OK");
    exit;
}
"#;

/// A JSON-RPC client over UDP (the jsonrpcs module): no process spawn per call.
pub struct JsonRpc {
    sock: UdpSocket,
    to: String,
    id: u64,
}

impl JsonRpc {
    pub fn new(port: u16) -> JsonRpc {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        JsonRpc {
            sock,
            to: format!("127.0.0.1:{port}"),
            id: 0,
        }
    }

    pub fn call(&mut self, method: &str, params: &[&str]) -> String {
        self.id += 1;
        let req = json_request(method, params, self.id, None);
        self.sock.send_to(req.as_bytes(), &self.to).unwrap();
        let mut buf = vec![0u8; 65536];
        let n = self.sock.recv(&mut buf).unwrap_or(0);
        String::from_utf8_lossy(&buf[..n]).to_string()
    }

    /// A number field of a JSON-RPC result (`"used": 123`).
    pub fn number(&mut self, method: &str, field: &str) -> u64 {
        let r = self.call(method, &[]);
        let key = format!("\"{field}\"");
        r.find(&key)
            .and_then(|i| {
                r[i + key.len()..]
                    .trim_start_matches([':', ' ', '\t'])
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .and_then(|v| v.parse().ok())
            })
            .unwrap_or_else(|| panic!("no {field} in {method}: {r}"))
    }
}

fn start(side: Side, rpc_port: u16, uas_port: u16, big: bool) -> Kamailio {
    let modules = format!(
        "loadmodule \"jsonrpcs.so\"\nmodparam(\"jsonrpcs\", \"transport\", 4)\n\
         modparam(\"jsonrpcs\", \"dgram_socket\", \"udp:127.0.0.1:{rpc_port}\")\n\
         loadmodule \"tm.so\"\nmodparam(\"tm\", \"wt_timer\", 100)\n\
         loadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"textops.so\"\n{}\
         modparam(\"keepalive\", \"ping_interval\", 3600)\n{}",
        side.module("keepalive"),
        // ours stops at max_destinations (10,000 by default); the C module has no limit
        if side == Side::Ours {
            "modparam(\"keepalive\", \"max_destinations\", 0)\n"
        } else {
            ""
        }
    );
    Kamailio::builder(
        &format!("bench-ka-{}", side.name()),
        Config {
            globals: "debug=1\nmax_while_loops=100000000\nchildren=2",
            modules: &modules,
            routes: &routes(side, uas_port),
        },
    )
    .shm_mb(if big { 2048 } else { 512 })
    .start()
}

/// Waits until tm has no transaction left (the C module's first-ping burst is over).
fn settle(rpc: &mut JsonRpc) {
    let deadline = Instant::now() + Duration::from_secs(60);
    std::thread::sleep(Duration::from_millis(800));
    while Instant::now() < deadline && rpc.number("tm.stats", "current") > 5 {
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(300));
}

pub fn run(side: Side, plan: &Plan, res: &mut Results) {
    let uas = Uas::start(port(), Answer::Code(200));
    let rpc_port = port();
    let big = plan.ka_sizes.iter().any(|&n| n > 10_000);
    let k = start(side, rpc_port, uas.port(), big);
    let mut rpc = JsonRpc::new(rpc_port);
    let mut c = SipTcp::connect(k.addr());
    c.stream
        .set_read_timeout(Some(Duration::from_secs(600)))
        .unwrap();
    let p = uas.port().to_string();
    settle(&mut rpc);
    let shm0 = rpc.number("core.shmmem", "used");

    let mut have = 0u32;
    let mut add_cpu = 0u64;
    for &size in &plan.ka_sizes {
        if have < 10_000 {
            // through the RPC, one call per destination, up to 10,000
            let upto = size.min(10_000);
            let (ns, ok) = cpu::measure(k.pid(), || {
                (have..upto)
                    .filter(|i| {
                        let d = format!("sip:d{i}@127.0.0.1:{p}");
                        rpc.call("keepalive.add", &[&d, "bench"]).contains("result")
                    })
                    .count()
            });
            if ok != (upto - have) as usize {
                res.note(format!(
                    "keepalive.add: {} side refused some additions",
                    side.name()
                ));
            }
            add_cpu += ns;
            have = upto;
            if have == 10_000 {
                res.add(
                    "CPU per keepalive.add (RPC, 0 → 10,000)",
                    "µs",
                    Target::RatioAtMost(0.5),
                    side,
                    add_cpu as f64 / 1e3 / 10_000.0,
                );
            }
        }
        while have < size {
            let to = (have + 10_000).min(size);
            let r = c.request(
                "add",
                &[
                    ("X-N", &to.to_string()),
                    ("X-From", &have.to_string()),
                    ("X-P", &p),
                ],
            );
            if r.int("X-OK") != i64::from(to - have) {
                res.note(format!(
                    "ka_add_destination: {} side refused some additions",
                    side.name()
                ));
            }
            have = to;
        }
        settle(&mut rpc);
        if size >= 10_000 {
            let used = rpc.number("core.shmmem", "used");
            // ≤ 0.8: the record carries the latency statistics and attribute fields (about
            // 100 bytes) the C module has not; it was ≤ 0.5 without them
            res.add(
                &format!("shm per destination, N={size}"),
                "bytes",
                Target::RatioAtMost(0.8),
                side,
                used.saturating_sub(shm0) as f64 / f64::from(size),
            );
        }
        lookups(&k, &mut c, side, plan, size, &p, res);
        if has_best(side) && size == 10_000 {
            best(&k, &mut c, plan, size, &p, res);
        }
    }
}

pub fn lookups(
    k: &Kamailio,
    c: &mut SipTcp,
    side: Side,
    plan: &Plan,
    size: u32,
    p: &str,
    res: &mut Results,
) {
    // the C module walks its list: fewer iterations there keep the run short (per call anyway)
    let n = match side {
        Side::Ours => plan.loop_n,
        Side::C => ((u64::from(plan.loop_n) * 1000 / u64::from(size.max(1000))) as u32).max(200),
    };
    let ns_s = n.to_string();
    // (row, request user, $var(d), expected $rc): a `$var` parameter, then a literal one
    for (what, op, d, want) in [
        ("first-added", "look", format!("d0@127.0.0.1:{p}"), "1"),
        (
            "last-added",
            "look",
            format!("d{}@127.0.0.1:{p}", size - 1),
            "1",
        ),
        ("absent", "look", format!("nobody@127.0.0.1:{p}"), "-1"),
        (
            "static parameter, first-added",
            "static-first-added",
            String::new(),
            "1",
        ),
        (
            "static parameter, absent",
            "static-absent",
            String::new(),
            "-1",
        ),
    ] {
        let h = [
            ("X-N", ns_s.as_str()),
            ("X-From", "0"),
            ("X-D", d.as_str()),
            ("X-Want", want),
        ];
        let Ok(per_call) = per_call(k, c, op, &h, n) else {
            res.note(format!(
                "ka_is_alive {what} at N={size}: {} side answered other than {want}: not timed",
                side.name()
            ));
            return;
        };
        let Some(per_call) = per_call else {
            res.note(format!(
                "ka_is_alive {what} at N={size}: {} side's loop with the call was never slower than without: not timed",
                side.name()
            ));
            continue;
        };
        let target = if size == 10_000 && what != "last-added" {
            Target::RatioAtMost(0.01)
        } else {
            Target::RatioAtMost(0.5)
        };
        res.add(
            &format!("ka_is_alive, N={size}, {what}"),
            "ns/call",
            target,
            side,
            per_call,
        );
    }
}

/// CPU per call of the cfg function that request user `op` loops over `n` times, less the
/// same loop without it (`empty`). Interference only adds time: the fastest of 3 loops, with
/// and without the call; both loops do the same cfg work (an assignment, a comparison, an
/// increment) but the call. A loop with the call no slower than the one without was
/// disturbed: measured again (`Ok(None)` if it always was). `Err` if a call answered other
/// than `X-Want`.
fn per_call(
    k: &Kamailio,
    c: &mut SipTcp,
    op: &str,
    h: &[(&str, &str)],
    n: u32,
) -> Result<Option<f64>, ()> {
    for _ in 0..3 {
        let (mut base, mut with) = (u64::MAX, u64::MAX);
        for _ in 0..3 {
            let (b, ok_b) = cpu::measure_worker(k.pid(), || c.request("empty", h).int("X-OK"));
            let (ns, ok) = cpu::measure_worker(k.pid(), || c.request(op, h).int("X-OK"));
            if ok != i64::from(n) || ok_b != i64::from(n) {
                return Err(());
            }
            base = base.min(b);
            with = with.min(ns);
        }
        if with > base {
            return Ok(Some((with - base) as f64 / f64::from(n)));
        }
    }
    Ok(None)
}

/// ka_best (ours only: the C module has none) over 2, 8 and 32 alive candidates of a table
/// of `size` destinations.
pub fn best(k: &Kamailio, c: &mut SipTcp, plan: &Plan, size: u32, p: &str, res: &mut Results) {
    let n = plan.loop_n / 8;
    let ns_s = n.to_string();
    for cands in [2u32, 8, 32] {
        let list = (0..cands)
            .map(|i| format!("sip:d{}@127.0.0.1:{p}", i * (size / cands)))
            .collect::<Vec<_>>()
            .join(",");
        let h = [
            ("X-N", ns_s.as_str()),
            ("X-From", "0"),
            ("X-D", list.as_str()),
            ("X-Want", "1"),
        ];
        match per_call(k, c, "best", &h, n) {
            Ok(Some(ns)) => res.add(
                &format!("ka_best, {cands} candidates, N={size} (ours only)"),
                "ns/call",
                Target::None,
                Side::Ours,
                ns,
            ),
            Ok(None) => res.note(format!(
                "ka_best {cands} candidates: the loop with the call was never slower: not timed"
            )),
            Err(()) => res.note(format!("ka_best {cands} candidates: answered other than 1")),
        }
    }
}
