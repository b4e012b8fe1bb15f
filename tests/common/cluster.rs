//! Cluster-mode test kit: Kamailio nodes joined by the stock dmq module (node `n` on its own
//! address 127.0.0.n), monitoring destinations on one UAS, and what they show and ping.

use super::cfg::{kdmq_route, KEEPALIVE_EVENTS};
use super::uas::Uas;
use super::{Config, Kamailio};
use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

/// The address of node `node` on the dmq bus: 127.0.0.`node`. dmq (6.0) tells nodes apart by
/// IP address too, so each node has an address of its own; all of them also listen on
/// 127.0.0.1 (the harness's socket, from which they ping: the same port).
pub fn node_ip(node: usize) -> String {
    format!("127.0.0.{node}")
}

/// One node: dmq on its own SIP port, notifying `notify` (the first node's port, or its own).
pub fn modules(node: usize, notify: Option<u16>, uas: u16, mode: i32, dests: usize) -> String {
    let notify = notify.map_or("{PORT}".to_string(), |p| p.to_string());
    let ip = node_ip(node);
    let mut m = format!(
        r#"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "textops.so"
loadmodule "kex.so"
loadmodule "dmq.so"
modparam("dmq", "server_address", "sip:{ip}:{{PORT}}")
modparam("dmq", "notification_address", "sip:127.0.0.1:{notify}")
modparam("dmq", "ping_interval", 5)
modparam("dmq", "num_workers", 2)
loadmodule "{{MODDIR}}/keepalive.so"
modparam("keepalive", "ping_interval", 1)
modparam("keepalive", "max_destinations", 1000)
modparam("keepalive", "delete_counter", 0)
modparam("keepalive", "dmq", {mode})
modparam("keepalive", "ping_from", "sip:node{node}@127.0.0.1")
"#
    );
    for i in 0..dests {
        m.push_str(&format!(
            "modparam(\"keepalive\", \"destination\", \"{}\")\n",
            dest_uri(i, uas)
        ));
    }
    m
}

/// A node's routes: KDMQ requests to dmq, any other a 404; keepalive's events logged.
pub fn routes() -> String {
    format!(
        "{}{KEEPALIVE_EVENTS}",
        kdmq_route("    sl_send_reply(\"404\", \"Not here\");\n    exit;")
    )
}

/// The request route's part for the `kaapi` test module (an API user with a state
/// callback): `kaapi` registers the destination in X-Dest for owner `api`.
pub const KAAPI_ROUTE: &str = r#"    if ($rU == "kaapi") {
        kaapi_add("$hdr(X-Dest)", "api");
    }
    sl_send_reply("200", "OK");
    exit;"#;

pub fn start_node(node: usize, notify: Option<u16>, uas: u16, mode: i32, dests: usize) -> Kamailio {
    Node::new(node, notify, uas, mode, dests).start()
}

/// `start_node` with more module parameters (`extra`).
pub fn start_with(
    node: usize,
    notify: Option<u16>,
    uas: u16,
    mode: i32,
    dests: usize,
    extra: &str,
) -> Kamailio {
    Node::new(node, notify, uas, mode, dests)
        .extra(extra)
        .start()
}

/// A node to start: node `node` of the cluster, notifying `notify` (the first node's port, or
/// its own), in keepalive `dmq` mode `mode` with `dests` destinations on `uas`; with
/// [`routes`] on a free port unless told otherwise.
pub struct Node<'a> {
    node: usize,
    notify: Option<u16>,
    uas: u16,
    mode: i32,
    dests: usize,
    extra: &'a str,
    routes: Option<&'a str>,
    port: Option<u16>,
}

impl<'a> Node<'a> {
    pub fn new(node: usize, notify: Option<u16>, uas: u16, mode: i32, dests: usize) -> Self {
        Node {
            node,
            notify,
            uas,
            mode,
            dests,
            extra: "",
            routes: None,
            port: None,
        }
    }

    /// More module parameters (or modules), after the node's own.
    pub fn extra(mut self, extra: &'a str) -> Self {
        self.extra = extra;
        self
    }

    /// Routes of its own instead of [`routes`].
    pub fn routes(mut self, routes: &'a str) -> Self {
        self.routes = Some(routes);
        self
    }

    /// On `port` (a restart where it was).
    pub fn on_port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    pub fn start(self) -> Kamailio {
        let n = self.node;
        let m = format!(
            "{}{}\n",
            modules(n, self.notify, self.uas, self.mode, self.dests),
            self.extra
        );
        let tag = format!("cluster{n}");
        let globals = if n > 1 {
            format!("listen=udp:{}:{{PORT}}", node_ip(n))
        } else {
            String::new()
        };
        let default_routes = routes();
        let cfg = Config::new(&globals, &m, self.routes.unwrap_or(&default_routes));
        match self.port {
            Some(p) => Kamailio::builder(&tag, cfg).on_port(p).start(),
            None => Kamailio::start(&tag, cfg),
        }
    }
}

/// uri -> state number, from `keepalive.list` (of a table of at most `n` entries).
pub fn states(k: &Kamailio, n: usize) -> BTreeMap<String, i64> {
    // in pages: a kamcmd reply holds about 100 entries
    let out: String = (0..n.div_ceil(100))
        .map(|p| {
            k.rpc(&["keepalive.list", &(p * 100).to_string(), "100"])
                .unwrap_or_default()
        })
        .collect();
    let mut m = BTreeMap::new();
    let mut uri = None;
    for line in out.lines() {
        let l = line.trim();
        if let Some(u) = l.strip_prefix("uri: ") {
            uri = Some(u.to_string());
        } else if let Some(s) = l.strip_prefix("state: ") {
            if let Some(u) = uri.take() {
                m.insert(u, s.trim().parse().unwrap_or(-1));
            }
        }
    }
    m
}

/// A keepalive statistic of a node; -1 while it does not answer (or lists no such one).
pub fn stat(k: &Kamailio, name: &str) -> i64 {
    k.stat("keepalive", name).unwrap_or(-1)
}

/// Waits until every node shows `want` for all `n` destinations; returns the time it took.
pub fn wait_all(nodes: &[&Kamailio], n: usize, want: i64, secs: u64) -> Option<Duration> {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(secs) {
        if nodes.iter().all(|k| {
            let s = states(k, n);
            s.len() == n && s.values().all(|&v| v == want)
        }) {
            return Some(t0.elapsed());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    for k in nodes {
        let s = states(k, n);
        let mut by: BTreeMap<i64, usize> = BTreeMap::new();
        for v in s.values() {
            *by.entry(*v).or_default() += 1;
        }
        eprintln!(
            "node on {}: {} destinations, by state {by:?}",
            k.port,
            s.len()
        );
    }
    None
}

/// Pings per destination and per node received by the UAS since its last clear. A node is
/// told by the From user of its pings (`ping_from`) and the source port (its SIP port, which
/// tm sends from), which must agree: `ports` maps node names to ports.
pub fn pings_from(
    uas: &Uas,
    ports: &BTreeMap<String, u16>,
) -> BTreeMap<String, BTreeMap<String, usize>> {
    let p = pings(uas);
    for r in uas.received() {
        let node = node_of(&r.from);
        if let Some(&want) = ports.get(&node) {
            assert_eq!(
                r.src_port, want,
                "{node}'s ping to {} from port {}",
                r.ruri, r.src_port
            );
        }
    }
    p
}

pub fn node_of(from: &str) -> String {
    from.split("sip:")
        .nth(1)
        .and_then(|s| s.split('@').next())
        .unwrap_or("?")
        .to_string()
}

pub fn pings(uas: &Uas) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut m: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for r in uas.received() {
        if r.method != "OPTIONS" {
            continue;
        }
        let node = node_of(&r.from);
        *m.entry(r.ruri.clone())
            .or_default()
            .entry(node)
            .or_default() += 1;
    }
    m
}

/// Over a window of `secs` seconds: each of the `n` destinations pinged by exactly one node,
/// about once a second; returns the number of destinations each node pinged.
pub fn check_one_prober(
    uas: &Uas,
    ports: &BTreeMap<String, u16>,
    n: usize,
    secs: u64,
) -> BTreeMap<String, usize> {
    uas.clear();
    std::thread::sleep(Duration::from_secs(secs));
    let p = pings_from(uas, ports);
    assert_eq!(p.len(), n, "every destination is pinged");
    let mut share: BTreeMap<String, usize> = BTreeMap::new();
    for (d, by) in &p {
        assert_eq!(by.len(), 1, "{d} pinged by more than one node: {by:?}");
        let (node, n) = by.iter().next().unwrap();
        assert!(ports.contains_key(node), "{d} pinged by {node}");
        let n = *n as u64;
        assert!(
            n + 1 >= secs && n <= secs + 1,
            "{d} pinged {n} times in {secs} s"
        );
        *share.entry(node.clone()).or_default() += 1;
    }
    share
}

pub fn kill9(k: &mut Kamailio) {
    // the main process and its children, each by pid
    let _ = Command::new("kill").arg("-9").args(k.pids()).status();
    super::poll_until(Duration::from_secs(5), Duration::from_millis(50), || {
        !k.alive()
    });
}

/// `keepalive.get` field `name` of `uri` (owner `owner`), if the destination is there.
pub fn get_field(k: &Kamailio, uri: &str, owner: &str, name: &str) -> Option<String> {
    let out = k.rpc(&["keepalive.get", uri, owner]).ok()?;
    out.lines().find_map(|l| {
        l.trim()
            .strip_prefix(&format!("{name}: "))
            .map(str::to_string)
    })
}

pub fn wait_for(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(secs) {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// The node id a node logged at start-up (`cluster mode ...: node <16 hex digits>`).
pub fn node_id(k: &Kamailio) -> u64 {
    let log = k.log_text();
    let at = log
        .find(": node ")
        .unwrap_or_else(|| panic!("no node id logged:\n{log}"));
    u64::from_str_radix(&log[at + 7..at + 23], 16).expect("a node id in hex")
}

/// The destination URIs of a node started with `dests` destinations on UAS port `uas`.
pub fn dest_uri(i: usize, uas: u16) -> String {
    format!("sip:d{i}@127.0.0.1:{uas}")
}
