//! tcpops through KEMI (`KSR.tcpops.*` and `event_callback`), from a JavaScript (app_jsdt)
//! script. tests/tcpops/events.rs runs the event callback from Lua too.

use kit as common;

use common::{cfg, ss_until, Config, Kamailio, SipTcp};

const SCRIPT: &str = r#"
function ksr_request_route() {
    var op = KSR.pv.get("$rU");
    var cid = KSR.pv.get("$(hdr(X-Conid){s.int})") || 0;
    var rc = 0;
    var out = "none";
    var addr = KSR.pv.get("$hdr(X-Addr)") || "";
    switch (op) {
    case "getc": KSR.pv.seti("$var(cid)", -7); rc = KSR.tcpops.tcp_get_conid(addr, "$var(cid)"); out = KSR.pv.get("$var(cid)"); break;
    case "getcro": rc = KSR.tcpops.tcp_get_conid(addr, "$si"); break;
    case "getcbad": rc = KSR.tcpops.tcp_get_conid(addr, "$bad(("); break;
    case "conalive": rc = KSR.tcpops.tcp_con_alive(addr); break;
    case "state": rc = KSR.tcpops.tcp_conid_state(cid); break;
    case "alive": rc = KSR.tcpops.tcp_conid_alive(cid); break;
    case "ka": rc = KSR.tcpops.tcp_keepalive_enable(33, 3, 4); break;
    case "kacid": rc = KSR.tcpops.tcp_keepalive_enable_cid(cid, 88, 3, 4); break;
    case "kd": rc = KSR.tcpops.tcp_keepalive_disable(); break;
    case "kdcid": rc = KSR.tcpops.tcp_keepalive_disable_cid(cid); break;
    case "life": rc = KSR.tcpops.tcp_set_connection_lifetime(1); break;
    case "lifecid": rc = KSR.tcpops.tcp_set_connection_lifetime_cid(cid, 1); break;
    case "ce": rc = KSR.tcpops.tcp_enable_closed_event(); break;
    case "cecid": rc = KSR.tcpops.tcp_enable_closed_event_cid(cid); break;
    case "otcp": rc = KSR.tcpops.tcp_set_otcpid(cid); break;
    case "otcpf": rc = KSR.tcpops.tcp_set_otcpid_flag(0); break;
    case "closecid": rc = KSR.tcpops.tcp_close_connection_id(cid); break;
    case "close": rc = KSR.tcpops.tcp_close_connection(); break;
    }
    KSR.hdr.append_to_reply("X-RC: " + rc + "\r\nX-Conid: " + KSR.pv.get("$conid") + "\r\nX-Out: " + out + "\r\n");
    KSR.sl.sl_send_reply(200, "OK");
}

function ksr_tcpops_event(evname) {
    KSR.err("KEMI-EVENT " + evname + " conid=" + KSR.pv.get("$tcp(conid)") + "\n");
}
"#;

fn start(tag: &str, closed_event: i32) -> Kamailio {
    let modules = cfg::jsdt(
        &["sl", "pv"],
        &format!(
            "loadmodule \"{{MODDIR}}/tcpops.so\"\n\
             modparam(\"tcpops\", \"event_callback\", \"ksr_tcpops_event\")\n\
             modparam(\"tcpops\", \"closed_event\", {closed_event})"
        ),
    );
    Kamailio::builder(tag, Config::new("tcp_keepalive=no", &modules, ""))
        .files(&cfg::jsdt_script(SCRIPT))
        .start()
}

fn rc(c: &mut SipTcp, op: &str, cid: &str) -> i64 {
    c.request(op, &[("X-Conid", cid)]).int("X-RC")
}

#[test]
fn kemi_functions() {
    let k = start("kemi", 1);
    let mut a = SipTcp::connect(k.addr());
    let mut b = SipTcp::connect(k.addr());
    let (a_port, b_port) = (a.local_port(), b.local_port());
    let aid = a
        .request("state", &[("X-Conid", "0")])
        .int("X-Conid")
        .to_string();
    let bid = b
        .request("state", &[("X-Conid", "0")])
        .int("X-Conid")
        .to_string();
    assert_eq!(rc(&mut a, "state", &aid), 1);
    assert_eq!(rc(&mut a, "alive", &bid), 1);
    assert_eq!(rc(&mut a, "state", "999999"), -1);
    assert_eq!(rc(&mut a, "alive", "999999"), -1);

    assert_eq!(rc(&mut a, "ka", "0"), 1);
    assert!(ss_until(k.port, a.local_port(), |s| s.contains("timer:(keepalive,3")).0);
    assert_eq!(rc(&mut a, "kd", "0"), 1);
    assert_eq!(rc(&mut a, "kacid", &bid), 1);
    assert!(
        ss_until(k.port, b.local_port(), |s| s
            .contains("timer:(keepalive,1min2"))
        .0
    );
    assert_eq!(rc(&mut a, "kdcid", &bid), 1);
    assert_eq!(rc(&mut a, "kacid", "999999"), -1);
    assert_eq!(rc(&mut a, "kdcid", "999999"), -1);

    assert_eq!(rc(&mut a, "ce", "0"), -1, "needs closed_event=2");
    assert_eq!(rc(&mut a, "cecid", &bid), 1);
    assert_eq!(rc(&mut a, "cecid", "999999"), -1);
    assert_eq!(rc(&mut a, "otcp", &aid), 1);
    assert_eq!(rc(&mut a, "otcpf", "0"), 1);
    assert_eq!(rc(&mut a, "lifecid", "999999"), -1);

    assert_eq!(rc(&mut a, "closecid", &bid), 1);
    assert!(b.closed_within(5));
    assert!(
        k.wait_log(&format!("KEMI-EVENT tcp:closed conid={bid}"), 5),
        "event_callback gets tcp:closed"
    );

    let mut c = SipTcp::connect(k.addr());
    let cid = c.request("state", &[("X-Conid", "0")]).int("X-Conid");
    c.reset();
    assert!(
        k.wait_log(&format!("KEMI-EVENT tcp:reset conid={cid}"), 5),
        "event_callback gets tcp:reset"
    );

    // 5.7 / 6.1 additions
    let bp = b_port;
    let get = |a: &mut SipTcp, op: &str, addr: &str| {
        let r = a.request(op, &[("X-Addr", addr), ("X-Conid", "0")]);
        (r.int("X-RC"), r.header("X-Out").unwrap_or("").to_string())
    };
    let (r, out) = get(&mut a, "getc", &format!("sip:127.0.0.1:{bp}"));
    assert_eq!((r, out), (-1, "0".to_string()), "B is closed by now");
    let (r, out) = get(&mut a, "getc", &format!("127.0.0.1:{}", a_port));
    assert_eq!((r, out), (1, aid.clone()));
    assert_eq!(get(&mut a, "getc", "127.0.0.1:abc"), (-1, "-7".to_string()));
    assert_eq!(get(&mut a, "getcro", &format!("127.0.0.1:{a_port}")).0, -1);
    assert_eq!(get(&mut a, "getcbad", &format!("127.0.0.1:{a_port}")).0, -1);
    assert_eq!(get(&mut a, "conalive", &format!("127.0.0.1:{a_port}")).0, 1);
    assert_eq!(
        get(&mut a, "conalive", &format!("sip:127.0.0.1:{bp}")).0,
        -1
    );
    assert_eq!(get(&mut a, "conalive", "").0, -1);

    assert_eq!(rc(&mut a, "life", "0"), 1);
    assert!(a.closed_within(12), "lifetime of 1 s set through KEMI");
}

#[test]
fn kemi_manual_closed_event() {
    let k = start("kemi2", 2);
    let mut a = SipTcp::connect(k.addr());
    let aid = a.request("state", &[("X-Conid", "0")]).int("X-Conid");
    let mut b = SipTcp::connect(k.addr());
    let bid = b.request("state", &[("X-Conid", "0")]).int("X-Conid");
    assert_eq!(rc(&mut a, "ce", "0"), 1);
    drop(a);
    drop(b);
    assert!(k.wait_log(&format!("KEMI-EVENT tcp:closed conid={aid}"), 5));
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        !k.log_text().contains(&format!("conid={bid}")),
        "no event for an unmarked connection"
    );
}
