//! The `tcp:closed` event in each `closed_event` mode (left at its default, 1, and 2 with
//! `tcp_enable_closed_event()`), run as a KEMI `event_callback` from Lua (app_lua) and from
//! JavaScript (app_jsdt), and as `event_route[tcp:closed]` from a native config.

use kit as common;

use common::{Config, Kamailio, SipTcp};
use std::time::Duration;

const LUA: &str = r#"
function ksr_request_route()
    if KSR.pv.get("$rU") == "mark" then KSR.tcpops.tcp_enable_closed_event() end
    KSR.hdr.append_to_reply("X-Conid: " .. tostring(KSR.pv.get("$conid")) .. "\r\n")
    KSR.sl.sl_send_reply(200, "OK")
end

function ksr_tcpops_event(evname)
    KSR.err("EVENT " .. evname .. " conid=" .. tostring(KSR.pv.get("$tcp(conid)")) .. "\n")
end
"#;

const JS: &str = r#"
function ksr_request_route() {
    if (KSR.pv.get("$rU") == "mark") { KSR.tcpops.tcp_enable_closed_event(); }
    KSR.hdr.append_to_reply("X-Conid: " + KSR.pv.get("$conid") + "\r\n");
    KSR.sl.sl_send_reply(200, "OK");
}

function ksr_tcpops_event(evname) {
    KSR.err("EVENT " + evname + " conid=" + KSR.pv.get("$tcp(conid)") + "\n");
}
"#;

const NATIVE: &str = r#"
request_route {
    if ($rU == "mark") { tcp_enable_closed_event(); }
    append_to_reply("X-Conid: $conid\r\n");
    sl_send_reply("200", "OK");
    exit;
}

event_route[tcp:closed] {
    xlog("L_ERR", "EVENT tcp:closed conid=$tcp(conid)\n");
}
"#;

#[derive(Clone, Copy)]
enum Engine {
    Lua,
    Js,
    Native,
}

/// `closed_event`: `None` leaves the modparam out.
fn start(engine: Engine, closed_event: Option<i32>) -> Kamailio {
    let tag = match engine {
        Engine::Lua => "evlua",
        Engine::Js => "evjs",
        Engine::Native => "evcfg",
    };
    let dir = common::tempdir::Dir::new(tag);
    let mode = closed_event
        .map(|m| format!("modparam(\"tcpops\", \"closed_event\", {m})"))
        .unwrap_or_default();
    let kemi = |module: &str, file: &str, script: &str, engine: &str| {
        let path = dir.path().join(file);
        std::fs::write(&path, script).unwrap();
        format!(
            "loadmodule \"{module}.so\"\nmodparam(\"{module}\", \"load\", \"{}\")\n\
             modparam(\"tcpops\", \"event_callback\", \"ksr_tcpops_event\")\ncfgengine \"{engine}\"\n",
            path.display()
        )
    };
    let (engine_cfg, routes) = match engine {
        Engine::Lua => (kemi("app_lua", "t.lua", LUA, "lua"), ""),
        Engine::Js => (kemi("app_jsdt", "t.js", JS, "jsdt"), ""),
        Engine::Native => (String::new(), NATIVE),
    };
    let modules = format!(
        "loadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"textops.so\"\n\
         loadmodule \"xlog.so\"\nloadmodule \"{{MODDIR}}/tcpops.so\"\n{mode}\n{engine_cfg}"
    );
    let k = Kamailio::start(
        tag,
        Config {
            globals: "",
            modules: &modules,
            routes,
        },
    );
    std::mem::forget(dir); // the script must outlive Kamailio; it sits in the temp dir
    k
}

/// Opens a connection, sends `user`, closes it; returns its conid.
fn one_connection(k: &Kamailio, user: &str) -> i64 {
    let mut c = SipTcp::connect(k.addr());
    let id = c.request(user, &[]).int("X-Conid");
    drop(c);
    id
}

/// The conids of the `tcp:closed` events logged so far (the handlers' own lines, not the
/// engines' debug lines quoting them).
fn events(k: &Kamailio) -> Vec<i64> {
    k.log_text()
        .lines()
        .filter(|l| !l.contains("DEBUG"))
        .filter_map(|l| l.split("EVENT tcp:closed conid=").nth(1))
        .filter_map(|id| id.trim().parse().ok())
        .collect()
}

fn check(engine: Engine) {
    for mode in [None, Some(1), Some(2)] {
        let k = start(engine, mode);
        let marked = one_connection(&k, "mark");
        let plain = one_connection(&k, "plain");
        let want = if mode == Some(2) {
            vec![marked]
        } else {
            vec![marked, plain]
        };
        common::poll_until(Duration::from_secs(5), Duration::from_millis(50), || {
            events(&k).len() >= want.len()
        });
        std::thread::sleep(Duration::from_millis(500));
        let mut got = events(&k);
        got.sort();
        assert_eq!(got, want, "closed_event {mode:?}: events\n{}", k.log_text());
    }
}

#[test]
fn closed_event_modes_from_lua() {
    check(Engine::Lua);
}

#[test]
fn closed_event_modes_from_javascript() {
    check(Engine::Js);
}

#[test]
fn closed_event_modes_from_a_native_config() {
    check(Engine::Native);
}
