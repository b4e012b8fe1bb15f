//! CPU time of a Kamailio instance: the sum of /proc/PID/schedstat (ns on CPU) over its main
//! process and every process it forked, so wall-clock noise on the 2 shared cores does not
//! count.

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

/// Total CPU ns used so far by `main` and its children.
pub fn instance_ns(main: u32) -> u64 {
    let mut total = on_cpu_ns(main);
    if let Ok(dir) = fs::read_dir("/proc") {
        for e in dir.flatten() {
            if let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) {
                if parent(pid) == Some(main) {
                    total += on_cpu_ns(pid);
                }
            }
        }
    }
    total
}

/// CPU ns the instance spends while `f` runs.
pub fn measure<T>(main: u32, f: impl FnOnce() -> T) -> (u64, T) {
    let a = instance_ns(main);
    let out = f();
    (instance_ns(main).saturating_sub(a), out)
}
