//! keepalive's users in other modules: Debian's drouting through the module API, KEMI
//! exports with an event callback, and every member of the module API (the kaapi fixture).

use super::*;

/// Writes db_text tables for drouting: gateways 1 and 2, one rule routing prefix 1 to them.
fn drouting_db(dir: &std::path::Path, gw1: u16, gw2: u16) {
    let files = [
        (
            "version",
            "id(int,auto) table_name(string) table_version(int) \n\
             0:dr_gateways:3\n0:dr_groups:2\n0:dr_gw_lists:1\n0:dr_rules:3\n"
                .to_string(),
        ),
        (
            "dr_gateways",
            format!(
                "gwid(int,auto) type(int) address(string) strip(int) pri_prefix(string,null) attrs(string,null) description(string) \n\
                 1:0:127.0.0.1\\:{gw1}:0:::gw1\n2:0:127.0.0.1\\:{gw2}:0:::gw2\n"
            ),
        ),
        (
            "dr_rules",
            "ruleid(int,auto) groupid(string) prefix(string) timerec(string) priority(int) routeid(string) gwlist(string) description(string) \n\
             1:0:1:20000101T000000:0:0:1,2:rule\n"
                .to_string(),
        ),
        (
            "dr_gw_lists",
            "id(int,auto) gwlist(string) description(string) \n".to_string(),
        ),
        (
            "dr_groups",
            "id(int,auto) username(string) domain(string) groupid(int) description(string) \n"
                .to_string(),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

#[test]
fn drouting_monitors_its_gateways_through_the_api() {
    let gw1 = Uas::start(0, Answer::Code(200));
    let gw2 = Uas::start(0, Answer::Code(200));
    let db = common::tempdir::Dir::new("ka-dr-db");
    drouting_db(db.path(), gw1.port(), gw2.port());
    let modules = format!(
        r#"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "db_text.so"
loadmodule "{{MODDIR}}/keepalive.so"
loadmodule "drouting.so"
modparam("keepalive", "ping_interval", 1)
modparam("drouting", "db_url", "text://{}")
modparam("drouting", "enable_keepalive", 1)
"#,
        db.path().display()
    );
    let routes = r#"
request_route {
    if (do_routing("0")) {
        append_to_reply("X-GW: $ru\r\n");
    } else {
        append_to_reply("X-GW: none\r\n");
    }
    sl_send_reply("200", "OK");
    exit;
}
"#;
    let k = Kamailio::start(
        "ka-dr",
        Config {
            globals: "children=2",
            modules: &modules,
            routes,
        },
    );
    let g1 = format!("sip:127.0.0.1:{}", gw1.port());
    let g2 = format!("sip:127.0.0.1:{}", gw2.port());
    assert!(
        wait_state(&k, &g1, "drouting", "1", 5),
        "drouting's gateway 1 is monitored"
    );
    assert!(wait_state(&k, &g2, "drouting", "1", 5));
    let mut c = SipTcp::connect(k.addr());
    let gw = |c: &mut SipTcp| {
        c.request("123", &[])
            .header("X-GW")
            .unwrap_or_default()
            .to_string()
    };
    assert!(gw(&mut c).contains(&format!("127.0.0.1:{}", gw1.port())));

    gw1.set(Answer::Code(503));
    assert!(wait_state(&k, &g1, "drouting", "2", 5));
    assert!(
        gw(&mut c).contains(&format!("127.0.0.1:{}", gw2.port())),
        "drouting skips the gateway keepalive reports down"
    );
    // a reload frees drouting's gateways and adds them again with new user_attr: the new
    // ones must learn the current state (the C module leaves them "unknown" = usable)
    k.rpc(&["drouting.reload"]).unwrap();
    assert!(
        gw(&mut c).contains(&format!("127.0.0.1:{}", gw2.port())),
        "after dr.reload gateway 1 is still known down"
    );
    gw2.set(Answer::Silent);
    assert!(wait_state(&k, &g2, "drouting", "2", 6));
    assert_eq!(gw(&mut c), "none", "all gateways down");
    gw1.set(Answer::Code(200));
    assert!(wait_state(&k, &g1, "drouting", "1", 5));
    assert!(gw(&mut c).contains(&format!("127.0.0.1:{}", gw1.port())));
    // the reloads and callbacks left Kamailio healthy
    for _ in 0..3 {
        k.rpc(&["drouting.reload"]).unwrap();
    }
    assert!(gw(&mut c).contains(&format!("127.0.0.1:{}", gw1.port())));
}

const KEMI_SCRIPT: &str = r#"
function ksr_request_route() {
    var op = KSR.pv.get("$rU");
    var dest = KSR.pv.get("$hdr(X-Dest)");
    var rc = 0;
    if (op == "alive") { rc = KSR.keepalive.is_alive(dest); }
    else if (op == "add") { rc = KSR.keepalive.add_destination(dest, "kemi"); }
    else if (op == "del") { rc = KSR.keepalive.del_destination(dest, "kemi"); }
    KSR.hdr.append_to_reply("X-RC: " + rc + "\r\n");
    KSR.sl.sl_send_reply(200, "OK");
}

function ksr_keepalive_event(evname) {
    KSR.err("KEMI-EVENT " + evname + " " + KSR.pv.get("$ru") + "\n");
}
"#;

#[test]
fn kemi_exports_and_event_callback() {
    let uas = Uas::start(0, Answer::Code(200));
    let modules = cfg::jsdt(
        &["tm", "sl", "pv"],
        "loadmodule \"{MODDIR}/keepalive.so\"\n\
         modparam(\"keepalive\", \"ping_interval\", 1)\n\
         modparam(\"keepalive\", \"event_callback\", \"ksr_keepalive_event\")",
    );
    let k = Kamailio::builder("ka-kemi", Config::new("", &modules, ""))
        .files(&cfg::jsdt_script(KEMI_SCRIPT))
        .start();
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    let mut c = SipTcp::connect(k.addr());
    assert_eq!(rc(&mut c, "alive", &uri, ""), -1);
    assert_eq!(
        rc(&mut c, "add", &format!("127.0.0.1:{}", uas.port()), ""),
        1
    );
    assert!(wait_state(&k, &uri, "kemi", "1", 5));
    assert!(k.wait_log(&format!("KEMI-EVENT keepalive:dst-up {uri}"), 3));
    uas.set(Answer::Code(503));
    assert!(wait_alive(&mut c, &uri, 2, 5));
    assert!(k.wait_log(&format!("KEMI-EVENT keepalive:dst-down {uri}"), 3));
    assert_eq!(rc(&mut c, "del", &uri, ""), 1);
    assert_eq!(rc(&mut c, "del", &uri, ""), -1);
    assert_eq!(rc(&mut c, "alive", &uri, ""), -1);
}

#[test]
fn module_api_every_member() {
    let uas = Uas::start(0, Answer::Code(200));
    let modules = r#"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "{MODDIR}/keepalive.so"
loadmodule "{TESTMODDIR}/kaapi.so"
modparam("keepalive", "ping_interval", 1)
"#;
    let routes = r#"
request_route {
    switch ($rU) {
    case "add": kaapi_add("$hdr(X-Dest)", "$hdr(X-Owner)"); break;
    case "del": kaapi_del("$hdr(X-Dest)", "$hdr(X-Owner)"); break;
    case "find": kaapi_find("$hdr(X-Dest)", "$hdr(X-Owner)"); break;
    case "state": kaapi_state("$hdr(X-Dest)"); break;
    }
    sl_send_reply("200", "OK");
    exit;
}
"#;
    let k = Kamailio::start(
        "ka-api",
        Config {
            globals: "children=2",
            modules,
            routes,
        },
    );
    let uri = format!("sip:127.0.0.1:{}", uas.port());
    let short = format!("127.0.0.1:{}", uas.port());
    let mut c = SipTcp::connect(k.addr());
    let call = |c: &mut SipTcp, op: &str, owner: &str| {
        c.request(op, &[("X-Dest", short.as_str()), ("X-Owner", owner)]);
    };
    call(&mut c, "state", "");
    assert!(k.wait_log("KAAPI state rc=-1", 2), "not monitored yet");
    call(&mut c, "add", "mod");
    assert!(k.wait_log("KAAPI add rc=0", 2), "add_destination returns 0");
    call(&mut c, "find", "mod");
    assert!(
        k.wait_log(&format!("KAAPI find uri={uri} owner=mod state=0"), 2),
        "unknown first"
    );
    assert!(
        k.wait_log(&format!("KAAPI cb {uri} 1"), 5),
        "state callback: up"
    );
    call(&mut c, "state", "");
    assert!(k.wait_log("KAAPI state rc=1", 2));
    call(&mut c, "find", "mod");
    assert!(k.wait_log(&format!("KAAPI find uri={uri} owner=mod state=1"), 2));
    call(&mut c, "find", "other");
    assert!(k.wait_log("KAAPI find none", 2));
    // re-adding tells the (new) callback the known state at once
    call(&mut c, "add", "mod");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(k.log_count(&format!("KAAPI cb {uri} 1")), 2);
    // a registration made without callbacks (RPC) is found through the API, and takes
    // callbacks when its owner adds it through the API
    k.rpc(&["keepalive.add", &uri, "plain"]).unwrap();
    call(&mut c, "find", "plain");
    assert!(k.wait_log(&format!("KAAPI find uri={uri} owner=plain state=1"), 2));
    call(&mut c, "add", "plain");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(k.log_count(&format!("KAAPI cb {uri} 1")), 3);
    let list = k.rpc(&["keepalive.list"]).unwrap();
    assert_eq!(list.matches("plain").count(), 1, "one registration: {list}");
    call(&mut c, "del", "plain");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(k.log_count("KAAPI del rc=1"), 1);
    assert!(k.rpc(&["keepalive.get", &uri, "plain"]).is_err());
    assert!(k.rpc(&["keepalive.get", &uri, "mod"]).is_ok());
    uas.set(Answer::Code(503));
    assert!(
        k.wait_log(&format!("KAAPI cb {uri} 2"), 5),
        "state callback: down"
    );
    call(&mut c, "find", "mod");
    assert!(k.wait_log(&format!("KAAPI find uri={uri} owner=mod state=2"), 2));
    call(&mut c, "del", "mod");
    assert!(k.wait_log("KAAPI del rc=1", 2));
    call(&mut c, "del", "mod");
    assert!(k.wait_log("KAAPI del rc=-1", 2));
    call(&mut c, "find", "mod");
    assert_eq!(k.log_count("KAAPI find none"), 2);
    assert!(k.rpc(&["core.version"]).is_ok());
}
