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

/// `main` and every process it forked.
fn family(main: u32) -> Vec<u32> {
    let mut all = vec![main];
    if let Ok(dir) = fs::read_dir("/proc") {
        for e in dir.flatten() {
            if let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) {
                if parent(pid) == Some(main) {
                    all.push(pid);
                }
            }
        }
    }
    all
}

/// CPU ns used so far by `main` and by each of its children, by pid.
fn per_process_ns(main: u32) -> Vec<(u32, u64)> {
    family(main)
        .into_iter()
        .map(|pid| (pid, on_cpu_ns(pid)))
        .collect()
}

/// Clock ticks spent so far in user space and in the kernel by `main` and its children
/// (`utime`, `stime` of /proc/PID/stat).
fn user_sys_ticks(main: u32) -> (u64, u64) {
    let ticks = |pid: u32| -> Option<(u64, u64)> {
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let mut f = stat[stat.rfind(')')? + 2..].split_whitespace().skip(11);
        Some((f.next()?.parse().ok()?, f.next()?.parse().ok()?))
    };
    family(main)
        .into_iter()
        .filter_map(ticks)
        .fold((0, 0), |(u, s), (a, b)| (u + a, s + b))
}

/// The share of the instance's CPU spent in the kernel while `f` runs (system calls,
/// packet handling), with `f`'s result.
pub fn kernel_share<T>(main: u32, f: impl FnOnce() -> T) -> (f64, T) {
    let (u0, s0) = user_sys_ticks(main);
    let out = f();
    let (u1, s1) = user_sys_ticks(main);
    let (u, s) = (u1.saturating_sub(u0), s1.saturating_sub(s0));
    (s as f64 / (u + s).max(1) as f64, out)
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
