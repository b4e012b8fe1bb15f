//! `make bench`: the same workloads on a Kamailio loading the stock C `tcpops`/`keepalive`
//! and on one loading ours, interleaved over rounds; CPU time of the Kamailio processes
//! (from /proc/PID/schedstat), medians and spread, ratio ours / C. `BENCH_QUICK=1` runs a
//! short version. See docs/benchmark.md for what each metric means.

use kit as common;
use kit::rpc_clients;

mod cluster;
mod cpu;
mod keepalive_load;
mod probing;
mod replies;
mod report;
mod scale;
mod side;
mod tcpops_load;
mod tcpscale;

use report::Results;
use side::Side;

/// Sizes of one run; `quick` is the BENCH_QUICK=1 version.
pub struct Plan {
    pub quick: bool,
    pub rounds: usize,
    /// cfg while-loop iterations per timed request
    pub loop_n: u32,
    /// destination counts at which ka_is_alive is timed
    pub ka_sizes: Vec<u32>,
    /// SIP requests per load measurement
    pub sip_requests: usize,
    /// probing: destinations and measured seconds
    pub probe_dests: u32,
    pub probe_secs: u64,
    /// BENCH_ONLY=tcpops,keepalive,probing,cluster: the workloads to run (default all)
    pub only: Option<String>,
}

impl Plan {
    fn runs(&self, workload: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|o| o.split(',').any(|w| w == workload))
    }
}

fn main() {
    if let Ok(spec) = std::env::var("KRS_TCPSCALE_HOLD") {
        tcpscale::hold(&spec);
        return;
    }
    let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| v == "1");
    let plan = Plan {
        quick,
        rounds: if quick { 2 } else { 5 },
        loop_n: if quick { 50_000 } else { 200_000 },
        ka_sizes: if quick {
            vec![10, 1_000, 10_000]
        } else {
            vec![10, 1_000, 10_000, 100_000]
        },
        sip_requests: if quick { 5_000 } else { 10_000 },
        probe_dests: 2_000,
        probe_secs: if quick { 5 } else { 10 },
        only: std::env::var("BENCH_ONLY").ok(),
    };
    // q_malloc (the default pkg manager) costs 0.1–1.5 µs per allocation depending on the
    // heap's layout, which differs between instances and requests: a cfg loop's allocations
    // would make noise larger than the calls measured. TLSF is O(1) on both sides alike.
    if std::env::var_os("KRS_PKG_MANAGER").is_none() {
        std::env::set_var("KRS_PKG_MANAGER", "tlsf");
    }
    if let Err(e) = side::check_stock() {
        eprintln!("bench: {e}");
        std::process::exit(1);
    }
    let mut res = Results::default();
    let started = std::time::Instant::now();
    for round in 0..plan.rounds {
        if plan.runs("tcpops") {
            eprintln!(
                "round {}/{} tcpops (C and ours side by side)",
                round + 1,
                plan.rounds
            );
            tcpops_load::run(&plan, &mut res);
        }
        // C, ours, ours, C, ... so drift over time hits both sides alike
        let order = if round % 2 == 0 {
            [Side::C, Side::Ours]
        } else {
            [Side::Ours, Side::C]
        };
        for side in order {
            eprintln!("round {}/{} {}", round + 1, plan.rounds, side.name());
            if plan.runs("keepalive") {
                keepalive_load::run(side, &plan, &mut res);
            }
            if plan.runs("probing") {
                probing::run(side, &plan, &mut res);
            }
        }
    }
    if plan.runs("cluster") {
        eprintln!("cluster (ours: 3 nodes against 1)");
        cluster::run(plan.probe_secs, &mut res);
    }
    // a million destinations: only when asked for (BENCH_ONLY=scale), it takes minutes
    if plan
        .only
        .as_deref()
        .is_some_and(|o| o.split(',').any(|w| w == "scale"))
    {
        eprintln!("scale (ours, then C for the same time)");
        scale::run(&plan, &mut res);
    }
    // many concurrent TCP connections: only when asked for (BENCH_ONLY=tcpscale)
    if plan
        .only
        .as_deref()
        .is_some_and(|o| o.split(',').any(|w| w == "tcpscale"))
    {
        eprintln!("tcpscale (C and ours side by side, growing connection counts)");
        tcpscale::run(&plan, &mut res);
    }
    // the largest reply of every RPC transport: only when asked for (BENCH_ONLY=replies)
    if plan
        .only
        .as_deref()
        .is_some_and(|o| o.split(',').any(|w| w == "replies"))
    {
        eprintln!("replies (C, then ours: keepalive.list of growing tables)");
        replies::run(&mut res);
    }
    flatness(&plan, &mut res);
    let table = res.table(&plan, started.elapsed());
    println!("{table}");
    match report::save(&table) {
        Ok(p) => eprintln!("saved {}", p.display()),
        Err(e) => eprintln!("cannot save the results: {e}"),
    }
}

/// Target: our ka_is_alive costs the same (within 10%) at the smallest and largest table.
fn flatness(plan: &Plan, res: &mut Results) {
    let (Some(&lo), Some(&hi)) = (plan.ka_sizes.first(), plan.ka_sizes.last()) else {
        return;
    };
    for what in [
        "first-added",
        "last-added",
        "absent",
        "static parameter, first-added",
        "static parameter, absent",
    ] {
        let a = res.median_ours(&format!("ka_is_alive, N={lo}, {what}"));
        let b = res.median_ours(&format!("ka_is_alive, N={hi}, {what}"));
        if let (Some(a), Some(b)) = (a, b) {
            let r = b / a;
            res.note(format!(
                "ours ka_is_alive {what}: N={hi} / N={lo} = {r:.2} (target: flat within 10%: {})",
                if (0.9..=1.1).contains(&r) {
                    "met"
                } else {
                    "MISSED"
                }
            ));
        }
    }
}
