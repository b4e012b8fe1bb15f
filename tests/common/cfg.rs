//! Cfg fragments that several tests' configs share: module loads, keepalive's event routes
//! and a dmq node's request route.

/// `loadmodule` lines for the stock modules `names` (without `.so`), in that order.
pub fn load(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("loadmodule \"{n}.so\"\n"))
        .collect()
}

/// The modules most keepalive tests load: tm, sl, pv, textops and the built keepalive,
/// probing every second.
pub const KEEPALIVE_MODULES: &str = r#"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "{MODDIR}/keepalive.so"
modparam("keepalive", "ping_interval", 1)
"#;

/// keepalive's state-change events, logged as `EV-UP <uri>` and `EV-DOWN <uri>`.
pub const KEEPALIVE_EVENTS: &str = r#"
event_route[keepalive:dst-up] {
    xlog("L_ERR", "EV-UP $ru\n");
}
event_route[keepalive:dst-down] {
    xlog("L_ERR", "EV-DOWN $ru\n");
}
"#;

/// A dmq node's request route: KDMQ requests go to dmq, any other runs `rest`.
pub fn kdmq_route(rest: &str) -> String {
    format!(
        r#"
request_route {{
    if (is_method("KDMQ")) {{
        dmq_handle_message();
        exit;
    }}
{rest}
}}
"#
    )
}

/// A KEMI config in JavaScript: the stock modules `stock`, app_jsdt, then `ours` (our modules
/// and their parameters), with app_jsdt loading `{DIR}/kemi.js`; give the script to
/// [`Builder::files`](super::Builder::files) as [`jsdt_script`].
pub fn jsdt(stock: &[&str], ours: &str) -> String {
    format!(
        "{}loadmodule \"app_jsdt.so\"\n{ours}\nmodparam(\"app_jsdt\", \"load\", \"{{DIR}}/kemi.js\")\n\
         cfgengine \"jsdt\"\n",
        load(stock)
    )
}

/// The file list for [`jsdt`]'s script.
pub fn jsdt_script(script: &str) -> [(&'static str, &str); 1] {
    [("kemi.js", script)]
}

/// The RPC transports next to ctl: jsonrpcs (datagram on UDP `jport`, FIFO `jsonrpc.fifo` in
/// Kamailio's directory, HTTP through xhttp at /jsonrpc) and xmlrpc at /RPC2; the routes
/// they need are [`RPC_TRANSPORT_ROUTES`].
pub fn rpc_transports(jport: u16) -> String {
    format!(
        r#"
loadmodule "xhttp.so"
loadmodule "jsonrpcs.so"
loadmodule "xmlrpc.so"
modparam("jsonrpcs", "transport", 7)
modparam("jsonrpcs", "fifo_name", "{{DIR}}/jsonrpc.fifo")
modparam("jsonrpcs", "fifo_reply_dir", "{{DIR}}/")
modparam("jsonrpcs", "dgram_socket", "udp:127.0.0.1:{jport}")
modparam("xhttp", "url_match", "^/jsonrpc")
modparam("xmlrpc", "url_match", "^/RPC2")
modparam("xmlrpc", "route", "XMLRPC")
"#
    )
}

/// The routes of [`rpc_transports`]: HTTP requests to jsonrpcs, xmlrpc's route.
pub const RPC_TRANSPORT_ROUTES: &str = r#"
event_route[xhttp:request] {
    jsonrpc_dispatch();
    exit;
}
route[XMLRPC] {
    dispatch_rpc();
}
"#;
