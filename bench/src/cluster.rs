//! keepalive's cluster mode (`dmq` 1): pings per second per node with three nodes against
//! one node (`dmq` 0) for the same table, and the wall time from a UAS change to all three
//! nodes agreeing. Ours only (the C module has no cluster mode); reported as notes.

use std::time::{Duration, Instant};

use crate::common::cluster::stat;
use crate::common::uas::{Answer, Uas};
use crate::common::{port, Config, Kamailio};
use crate::report::Results;
use crate::side::Side;

const DESTS: usize = 900;

const ROUTES: &str = r#"
request_route {
    if (is_method("KDMQ")) { dmq_handle_message(); exit; }
    sl_send_reply("404", "Not here");
    exit;
}
"#;

fn node(n: usize, notify: Option<u16>, uas: u16, mode: i32) -> Kamailio {
    let notify = notify.map_or("{PORT}".to_string(), |p| p.to_string());
    // dmq (6.0) tells nodes apart by IP address too: node n is 127.0.0.n on the dmq bus
    let ip = format!("127.0.0.{}", n.max(1));
    let mut m = format!(
        "loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"kex.so\"\n\
         loadmodule \"textops.so\"\nloadmodule \"dmq.so\"\n\
         modparam(\"dmq\", \"server_address\", \"sip:{ip}:{{PORT}}\")\n\
         modparam(\"dmq\", \"notification_address\", \"sip:127.0.0.1:{notify}\")\n\
         modparam(\"dmq\", \"num_workers\", 2)\n\
         {}\
         modparam(\"keepalive\", \"ping_interval\", 1)\nmodparam(\"keepalive\", \"delete_counter\", 0)\n\
         modparam(\"keepalive\", \"dmq\", {mode})\n",
        Side::Ours.module("keepalive")
    );
    for i in 0..DESTS {
        m.push_str(&format!(
            "modparam(\"keepalive\", \"destination\", \"sip:c{i}@127.0.0.1:{uas}\")\n"
        ));
    }
    Kamailio::start(
        &format!("bench-cluster{n}"),
        Config {
            globals: &if n > 1 {
                format!("debug=1\nchildren=2\nlisten=udp:{ip}:{{PORT}}")
            } else {
                "debug=1\nchildren=2".to_string()
            },
            modules: &m,
            routes: ROUTES,
        },
    )
}

fn wait_all(nodes: &[&Kamailio], gauge: &str, secs: u64) -> Option<Duration> {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(secs) {
        if nodes.iter().all(|k| stat(k, gauge) == DESTS as i64) {
            return Some(t0.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Pings per second of each node over `secs`.
fn rates(nodes: &[&Kamailio], secs: u64) -> Vec<f64> {
    let before: Vec<i64> = nodes.iter().map(|k| stat(k, "pings_sent")).collect();
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let el = t0.elapsed().as_secs_f64();
    nodes
        .iter()
        .zip(before)
        .map(|(k, b)| (stat(k, "pings_sent") - b) as f64 / el)
        .collect()
}

pub fn run(secs: u64, res: &mut Results) {
    let uas = Uas::start(port(), Answer::Code(200));
    let u = uas.port();
    let one = {
        let k = node(0, None, u, 0);
        if wait_all(&[&k], "destinations_up", 20).is_none() {
            res.note("cluster: the single node never had every destination up".into());
            return;
        }
        std::thread::sleep(Duration::from_secs(2));
        rates(&[&k], secs)[0]
    };
    let k1 = node(1, None, u, 1);
    let k2 = node(2, Some(k1.port), u, 1);
    let k3 = node(3, Some(k1.port), u, 1);
    let all = [&k1, &k2, &k3];
    if wait_all(&all, "destinations_up", 30).is_none() {
        res.note("cluster: the three nodes never had every destination up".into());
        return;
    }
    std::thread::sleep(Duration::from_secs(3));
    let r = rates(&all, secs);
    let mean = r.iter().sum::<f64>() / 3.0;
    let ratio = mean / one;
    res.note(format!(
        "cluster (dmq 1, {DESTS} destinations, 1 s interval): pings/s per node with 3 nodes \
         {:.0} / {:.0} / {:.0} (mean {mean:.0}) against {one:.0} with 1 node: {ratio:.3} \
         (target 1/3 ±10%: {})",
        r[0],
        r[1],
        r[2],
        if (0.3..=0.3667).contains(&ratio) {
            "met"
        } else {
            "MISSED"
        }
    ));
    uas.set(Answer::Code(503));
    let down = wait_all(&all, "destinations_down", 10);
    uas.set(Answer::Code(200));
    let up = wait_all(&all, "destinations_up", 10);
    let ms =
        |d: Option<Duration>| d.map_or("never".to_string(), |d| format!("{} ms", d.as_millis()));
    res.note(format!(
        "cluster: from a UAS change to all 3 nodes agreeing on all {DESTS}: 200 -> 503 {}, \
         503 -> 200 {} (1 s interval)",
        ms(down),
        ms(up)
    ));
}
