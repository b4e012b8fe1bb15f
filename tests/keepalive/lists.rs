//! Large listings: whole-table replies where the transport carries them (else a 413 that
//! says how to page), xmlrpc under pkg pressure, 10,000 destinations, concurrent clients,
//! and paging that continues where the last page stopped.

use super::*;

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
