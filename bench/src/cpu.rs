//! CPU time of a Kamailio instance from /proc/PID/schedstat (ns on CPU) of its main process
//! and every process it forked, so wall-clock noise on the 2 shared cores does not count.

use std::fs;

fn on_cpu_ns(pid: u32) -> u64 {
    fs::read_to_string(format!("/proc/{pid}/schedstat"))
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn parent(pid: u32) -> Option<u32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // the command name may contain spaces: fields after the closing parenthesis
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// CPU ns used so far by `main` and by each of its children, by pid.
fn per_process_ns(main: u32) -> Vec<(u32, u64)> {
    let mut all = vec![(main, on_cpu_ns(main))];
    if let Ok(dir) = fs::read_dir("/proc") {
        for e in dir.flatten() {
            if let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) {
                if parent(pid) == Some(main) {
                    all.push((pid, on_cpu_ns(pid)));
                }
            }
        }
    }
    all
}

/// CPU ns the whole instance spends while `f` runs.
pub fn measure<T>(main: u32, f: impl FnOnce() -> T) -> (u64, T) {
    let total = |v: Vec<(u32, u64)>| v.iter().map(|(_, ns)| ns).sum::<u64>();
    let a = total(per_process_ns(main));
    let out = f();
    (total(per_process_ns(main)).saturating_sub(a), out)
}

/// CPU ns of the one process that worked most while `f` runs (the SIP worker running a cfg
/// loop), so timers and other background work of the instance do not count.
pub fn measure_worker<T>(main: u32, f: impl FnOnce() -> T) -> (u64, T) {
    let before = per_process_ns(main);
    let out = f();
    let after = per_process_ns(main);
    let most = after
        .iter()
        .map(|(pid, ns)| {
            let was = before.iter().find(|(p, _)| p == pid).map_or(0, |(_, n)| *n);
            ns.saturating_sub(was)
        })
        .max()
        .unwrap_or(0);
    (most, out)
}
