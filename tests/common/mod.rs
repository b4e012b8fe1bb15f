//! Integration-test harness: a real Kamailio process loading the built modules.
//!
//! `Kamailio::start(tag, cfg)` (or `Kamailio::builder(tag, cfg)` with more memory, its own
//! network namespace or a given port, then `.start()`) writes a config into a temp dir,
//! starts `kamailio -f cfg -DD -E`, waits until its ctl socket answers, and stops it by pid on
//! drop (printing its log if the test failed). Ports come from a per-process range so parallel
//! test binaries do not clash. `wait_until` polls a condition until a deadline;
//! `Kamailio::stat` reads one statistic.
#![allow(dead_code)]

mod failure;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

pub mod binrpc;
pub mod cfg;
pub mod cluster;
pub mod rpc_clients;
pub mod uas;
pub mod udp;

/// The installed Kamailio's (major, minor) version, from `kamailio -v`.
pub fn kamailio_version() -> (u32, u32) {
    let (major, minor, _) = kamailio_release();
    (major, minor)
}

/// The installed Kamailio's (major, minor, patch) version, from `kamailio -v`.
pub fn kamailio_release() -> (u32, u32, u32) {
    let out = Command::new("kamailio")
        .arg("-v")
        .output()
        .expect("kamailio -v");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let v = text
        .split_whitespace()
        .skip_while(|w| *w != "kamailio")
        .nth(1)
        .unwrap_or_else(|| panic!("no version in {text}"));
    let mut n = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (
        n.next().unwrap_or(0),
        n.next().unwrap_or(0),
        n.next().unwrap_or(0),
    )
}

/// The repository's top directory (the workspace's, with Cargo.lock), whichever crate this
/// kit is built in (tests/kit, the root package's tests, the bench).
pub fn repo_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|d| d.join("Cargo.lock").is_file())
        .unwrap_or(&here)
        .to_path_buf()
}

/// Directory holding the built modules (`make` puts them in build/modules).
pub fn modules_dir() -> PathBuf {
    std::env::var("KRS_MODULES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("build/modules"))
}

/// Directory of the test-only fixture modules (`make` puts them in build/test-modules).
pub fn test_modules_dir() -> PathBuf {
    repo_root().join("build/test-modules")
}

/// Directory of the installed Kamailio's stock modules.
pub fn stock_modules_dir() -> PathBuf {
    let out = Command::new("sh")
        .arg("-c")
        .arg("dirname $(dpkg -L kamailio | grep '/modules/tm.so$' | head -n1)")
        .output()
        .expect("dpkg -L kamailio");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

static NEXT_PORT: AtomicU16 = AtomicU16::new(0);

/// The kernel's ephemeral port range (`net.ipv4.ip_local_port_range`): where client sockets
/// and `bind(0)` take their ports.
fn ephemeral_range() -> (u16, u16) {
    let text =
        std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").unwrap_or_default();
    let mut n = text
        .split_whitespace()
        .filter_map(|v| v.parse::<u16>().ok());
    match (n.next(), n.next()) {
        (Some(lo), Some(hi)) if lo <= hi => (lo, hi),
        _ => (32768, 60999),
    }
}

/// Global cfg lines for a test with more than 1,024 connections from one address: Kamailio
/// 6.0+ refuses more by default (`tcp_accept_iplimit`, a parameter 5.6 does not know).
pub const NO_TCP_IP_LIMIT: &str = "#!ifndef KAMAILIO_5\ntcp_accept_iplimit=0\n#!endif";

/// A free-looking TCP/UDP port, distinct per call within this test binary, for a server that
/// binds it later (Kamailio's listeners). Picked outside the kernel's ephemeral range where
/// there is room, so a client socket of a concurrent test cannot take it before its server
/// binds it; a server this process binds itself should bind port 0 instead (no gap at all).
pub fn port() -> u16 {
    let (lo, hi) = ephemeral_range();
    // 12,000 ports in 120 slices of 100 (one per test binary, by pid): below the range if it
    // leaves room, else above it, else (a range covering almost everything) from 20000
    let span = 12_000u32;
    let start = if lo as u32 >= 10_000 + span {
        lo as u32 - span
    } else if 65_535 - hi as u32 >= span + 500 {
        hi as u32 + 500
    } else {
        20_000
    };
    let base = (start + (std::process::id() % 120) * 100) as u16;
    let _ = NEXT_PORT.compare_exchange(0, base, Ordering::SeqCst, Ordering::SeqCst);
    loop {
        let p = NEXT_PORT.fetch_add(1, Ordering::SeqCst);
        if std::net::TcpListener::bind(("127.0.0.1", p)).is_ok()
            && std::net::UdpSocket::bind(("127.0.0.1", p)).is_ok()
        {
            return p;
        }
    }
}

pub struct Kamailio {
    child: Child,
    pub dir: tempdir::Dir,
    pub port: u16,
    pub ctl: PathBuf,
    log: PathBuf,
}

pub mod tempdir {
    /// A temp directory removed on drop.
    use std::path::{Path, PathBuf};
    pub struct Dir(PathBuf);
    impl Dir {
        pub fn new(tag: &str) -> Dir {
            let p = std::env::temp_dir().join(format!(
                "krs-{tag}-{}-{}",
                std::process::id(),
                super::port()
            ));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Memory of a Kamailio instance: shm (`-m`) and pkg per process (`-M`), in MB.
#[derive(Clone, Copy)]
struct Mem {
    shm_mb: u32,
    pkg_mb: u32,
}

impl Mem {
    /// 64 MB of shm and 8 MB of pkg: Kamailio's own defaults.
    const DEFAULT: Mem = Mem {
        shm_mb: 64,
        pkg_mb: 8,
    };
}

/// What a test config is made of; `{PORT}`, `{MODDIR}`, `{TESTMODDIR}`, `{STOCKDIR}`, `{CTL}`
/// and `{DIR}` are replaced.
pub struct Config<'a> {
    pub globals: &'a str,
    pub modules: &'a str,
    pub routes: &'a str,
}

impl<'a> Config<'a> {
    /// A config of these three parts.
    pub const fn new(globals: &'a str, modules: &'a str, routes: &'a str) -> Config<'a> {
        Config {
            globals,
            modules,
            routes,
        }
    }
}

const BASE: &str = r#"#!KAMAILIO
debug=3
log_stderror=yes
memdbg=5
memlog=5
children=2
tcp_children=2
listen=udp:127.0.0.1:{PORT}
listen=tcp:127.0.0.1:{PORT}
mpath="{STOCKDIR}"
loadmodule "ctl.so"
modparam("ctl", "binrpc", "unix:{CTL}")
"#;

/// How to start a Kamailio ([`Kamailio::builder`]): Kamailio's default memory, the machine's
/// network, a port picked by `port()`, unless told otherwise.
pub struct Builder<'a> {
    tag: &'a str,
    cfg: Config<'a>,
    netns: bool,
    mem: Mem,
    port: Option<u16>,
    files: &'a [(&'a str, &'a str)],
}

impl<'a> Builder<'a> {
    /// `mb` MB of shared memory (`-m`).
    pub fn shm_mb(mut self, mb: u32) -> Self {
        self.mem.shm_mb = mb;
        self
    }

    /// `mb` MB of private memory per process (`-M`).
    pub fn pkg_mb(mut self, mb: u32) -> Self {
        self.mem.pkg_mb = mb;
        self
    }

    /// In a network namespace of its own (with its loopback up), so a test can cut its
    /// network (`netns(&["ip", "link", "set", "lo", "down"])`) without touching the
    /// machine's. Clients connect with `SipTcp::connect_in`.
    pub fn in_netns(mut self) -> Self {
        self.netns = true;
        self
    }

    /// Writes `files` (name, contents) into Kamailio's directory (`{DIR}` in the config)
    /// before it starts.
    pub fn files(mut self, files: &'a [(&'a str, &'a str)]) -> Self {
        self.files = files;
        self
    }

    /// On a given port (e.g. a node restarted where it was).
    pub fn on_port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Starts it and waits until it answers on its ctl socket.
    pub fn start(self) -> Kamailio {
        match self.port {
            Some(p) => Kamailio::launch_on(self.tag, self.cfg, self.netns, self.mem, self.files, p),
            None => Kamailio::launch(self.tag, self.cfg, self.netns, self.mem, self.files),
        }
    }
}

/// Polls `f` (at once, then every 100 ms) until it holds (true) or `within` has passed
/// (false).
pub fn wait_until(within: Duration, f: impl FnMut() -> bool) -> bool {
    poll_until(within, Duration::from_millis(100), f)
}

/// [`wait_until`] polling every `every`.
pub fn poll_until(within: Duration, every: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(every);
    }
}

/// Runs `kamailio -DD -E -f` on `cfg` (written into a new temporary directory tagged `tag`)
/// until it exits: its exit status and stderr, or `None` if it still ran after 10 s (then it
/// is stopped; TERM first, so its main process stops its children).
pub fn run_until_exit(tag: &str, cfg: &str) -> (Option<std::process::ExitStatus>, String) {
    let dir = tempdir::Dir::new(tag);
    let f = dir.path().join("k.cfg");
    std::fs::write(&f, cfg).unwrap();
    let log = dir.path().join("stderr.log");
    let mut child = Command::new("kamailio")
        .args(["-DD", "-E", "-f"])
        .arg(&f)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start kamailio");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break Some(st);
        }
        if Instant::now() > deadline {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            std::thread::sleep(Duration::from_secs(2));
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    (status, std::fs::read_to_string(&log).unwrap_or_default())
}

/// Spawns `cmd` (kamailio, with any options of its own) in the foreground on `cfg` with `mem`,
/// its runtime and working directory `dir`, its log (stderr) in `log`.
fn spawn(
    mut cmd: Command,
    cfg: &std::path::Path,
    dir: &std::path::Path,
    mem: Mem,
    log: &std::path::Path,
) -> Child {
    let child = cmd
        .arg("-f")
        .arg(cfg)
        .args(["-DD", "-E", "-M"])
        .arg(mem.pkg_mb.to_string())
        .arg("-m")
        .arg(mem.shm_mb.to_string())
        .arg("-Y")
        .arg(dir)
        .arg("-w")
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.join("stdout.log")).unwrap())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("start kamailio");
    failure::remember();
    child
}

impl Kamailio {
    /// Starts a Kamailio with the defaults of [`Builder`].
    pub fn start(tag: &str, cfg: Config) -> Kamailio {
        Self::builder(tag, cfg).start()
    }

    /// `start` with the config's three parts.
    pub fn start_cfg(tag: &str, globals: &str, modules: &str, routes: &str) -> Kamailio {
        Self::start(tag, Config::new(globals, modules, routes))
    }

    /// A Kamailio to start with other memory, network or port: `.start()` starts it.
    pub fn builder<'a>(tag: &'a str, cfg: Config<'a>) -> Builder<'a> {
        Builder {
            tag,
            cfg,
            netns: false,
            mem: Mem::DEFAULT,
            port: None,
            files: &[],
        }
    }

    /// Starts Kamailio on a cfg file of the repository as it is (an example), with `-L` so
    /// that it finds the built modules before the stock ones; `port` is its SIP port and
    /// `ctl` the binrpc socket the file names.
    pub fn start_file(
        tag: &str,
        cfg: &std::path::Path,
        port: u16,
        ctl: &std::path::Path,
    ) -> Kamailio {
        let dir = tempdir::Dir::new(tag);
        let log = dir.path().join("kamailio.log");
        let path = format!(
            "{}:{}",
            modules_dir().display(),
            stock_modules_dir().display()
        );
        let mut cmd = Command::new("kamailio");
        cmd.args(["-L", &path]);
        let child = spawn(cmd, cfg, dir.path(), Mem::DEFAULT, &log);
        let mut k = Kamailio {
            child,
            dir,
            port,
            ctl: ctl.to_path_buf(),
            log,
        };
        k.wait_ready().unwrap_or_else(|log| panic!("{log}"));
        k
    }

    /// Starts on a port picked by `port()`; when something else took that port between the
    /// pick and Kamailio's bind, starts again on another one.
    fn launch(tag: &str, cfg: Config, netns: bool, mem: Mem, files: &[(&str, &str)]) -> Kamailio {
        let mut tries = 0;
        loop {
            match Self::try_launch_on(tag, &cfg, netns, mem, files, port()) {
                Ok(k) => return k,
                Err(log) if tries < 3 && log.contains("Address already in use") => tries += 1,
                Err(log) => panic!("{log}"),
            }
        }
    }

    fn launch_on(
        tag: &str,
        cfg: Config,
        netns: bool,
        mem: Mem,
        files: &[(&str, &str)],
        port: u16,
    ) -> Kamailio {
        Self::try_launch_on(tag, &cfg, netns, mem, files, port)
            .unwrap_or_else(|log| panic!("{log}"))
    }

    /// Starts Kamailio and waits until it answers on its ctl socket; `Err` carries what it
    /// printed when it exited at start-up.
    fn try_launch_on(
        tag: &str,
        cfg: &Config,
        netns: bool,
        mem: Mem,
        files: &[(&str, &str)],
        port: u16,
    ) -> Result<Kamailio, String> {
        let dir = tempdir::Dir::new(tag);
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let ctl = dir.path().join("ctl.sock");
        let text = format!("{BASE}{}\n{}\n{}\n", cfg.globals, cfg.modules, cfg.routes)
            .replace("{PORT}", &port.to_string())
            .replace("{MODDIR}", &modules_dir().display().to_string())
            .replace("{TESTMODDIR}", &test_modules_dir().display().to_string())
            .replace("{STOCKDIR}", &stock_modules_dir().display().to_string())
            .replace("{CTL}", &ctl.display().to_string())
            .replace("{DIR}", &dir.path().display().to_string());
        let cfg_path = dir.path().join("kamailio.cfg");
        std::fs::write(&cfg_path, text).unwrap();
        let log = dir.path().join("kamailio.log");
        let mut cmd = if netns {
            let mut c = Command::new("unshare");
            c.args([
                "--net",
                "--",
                "sh",
                "-c",
                "ip link set lo up && exec \"$@\"",
                "sh",
            ]);
            c.arg("kamailio");
            c
        } else {
            Command::new("kamailio")
        };
        // KRS_PKG_MANAGER=tlsf: another pkg memory manager (`-X`; the bench uses it: q_malloc's
        // cost per allocation depends on the heap's layout)
        if let Ok(m) = std::env::var("KRS_PKG_MANAGER") {
            cmd.args(["-X", &m]);
        }
        let child = spawn(cmd, &cfg_path, dir.path(), mem, &log);
        let mut k = Kamailio {
            child,
            dir,
            port,
            ctl,
            log,
        };
        k.wait_ready()?;
        Ok(k)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                let stdout = std::fs::read_to_string(self.dir.path().join("stdout.log"));
                return Err(format!(
                    "kamailio exited at start-up ({status}):\n{}\n{}",
                    self.log_text(),
                    stdout.unwrap_or_default()
                ));
            }
            if self.ctl.exists() && self.rpc(&["core.version"]).is_ok() {
                std::thread::sleep(Duration::from_millis(300));
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "kamailio did not answer on its ctl socket:\n{}",
            self.log_text()
        );
    }

    /// Bytes of shm in use (`core.shmmem` used).
    pub fn shm_used(&self) -> u64 {
        let out = self.rpc(&["core.shmmem"]).unwrap();
        out.lines()
            .find_map(|l| l.trim().strip_prefix("used: "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no used in {out}"))
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log contains `needle` (true) or `secs` pass (false).
    pub fn wait_log(&self, needle: &str, secs: u64) -> bool {
        wait_until(Duration::from_secs(secs), || {
            self.log_text().contains(needle)
        })
    }

    /// The statistic `group:name` (`stats.get_statistics group:`); `None` if the RPC fails
    /// or does not list it.
    pub fn stat(&self, group: &str, name: &str) -> Option<i64> {
        let out = self
            .rpc(&["stats.get_statistics", &format!("{group}:")])
            .ok()?;
        let want = format!("{group}:{name}");
        out.lines()
            .filter_map(|l| l.split_once('='))
            .find(|(n, _)| n.trim() == want)
            .and_then(|(_, v)| v.trim().parse().ok())
    }

    /// Number of log lines containing `needle`.
    pub fn log_count(&self, needle: &str) -> usize {
        self.log_text()
            .lines()
            .filter(|l| l.contains(needle))
            .count()
    }

    /// Runs `kamcmd` against this instance; Ok(stdout) on success, Err(stdout+stderr) otherwise.
    pub fn rpc(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new("kamcmd")
            .arg("-s")
            .arg(format!("unix:{}", self.ctl.display()))
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        if out.status.success() && !text.starts_with("error:") {
            Ok(text)
        } else {
            Err(format!("{text}{err}"))
        }
    }

    /// Runs a command in Kamailio's network namespace (see `start_in_netns`); panics if it fails.
    pub fn netns(&self, args: &[&str]) -> String {
        let out = Command::new("nsenter")
            .arg(format!("--net={}", self.netns_path()))
            .arg("--")
            .args(args)
            .output()
            .expect("nsenter");
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// The network namespace Kamailio runs in.
    pub fn netns_path(&self) -> String {
        format!("/proc/{}/ns/net", self.child.id())
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The pids of its children (from `ps`) and its main process's, last.
    pub fn pids(&self) -> Vec<String> {
        let pid = self.pid().to_string();
        let out = Command::new("ps")
            .args(["-o", "pid=", "--ppid", &pid])
            .output()
            .expect("ps");
        let mut pids: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        pids.push(pid);
        pids
    }

    /// True while the main process runs.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        // SAFETY-free: signals by pid through the kill command.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let child = &mut self.child;
        poll_until(Duration::from_secs(5), Duration::from_millis(50), || {
            matches!(child.try_wait(), Ok(Some(_)))
        });
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "----- kamailio log ({}) -----\n{}",
                self.dir.path().display(),
                self.log_text()
            );
            // after the log, so that the reason ends what a CI's tail shows
            failure::repeat();
        }
    }
}

/// A SIP client over one TCP connection.
pub struct SipTcp {
    pub stream: TcpStream,
    reader: BufReader<TcpStream>,
    seq: u32,
}

/// A parsed SIP response.
#[derive(Debug)]
pub struct Response {
    pub code: u16,
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// Parses a whole response (status line and headers; the body is ignored).
    pub fn parse(text: &str) -> Response {
        let mut lines = text.split("\r\n");
        let status = lines.next().unwrap_or_default();
        let code = status
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status:?}"));
        let headers = lines
            .take_while(|l| !l.is_empty())
            .filter_map(|h| h.split_once(':'))
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .collect();
        Response { code, headers }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The integer in header `name`; panics with the headers if missing.
    pub fn int(&self, name: &str) -> i64 {
        self.header(name)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no integer header {name} in {self:?}"))
    }
}

impl SipTcp {
    pub fn connect(addr: SocketAddr) -> SipTcp {
        Self::from_stream(TcpStream::connect(addr).expect("connect to kamailio"))
    }

    /// Connects from the local address `from` (bound before connecting).
    pub fn connect_from(from: SocketAddr, addr: SocketAddr) -> SipTcp {
        use std::os::fd::FromRawFd;
        let (SocketAddr::V4(from), SocketAddr::V4(to)) = (from, addr) else {
            panic!("IPv4 only");
        };
        let sa = |a: std::net::SocketAddrV4| libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: a.port().to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from(*a.ip()).to_be(),
            },
            sin_zero: [0; 8],
        };
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        // SAFETY: plain socket calls on a socket we own, with correctly sized addresses.
        unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
            assert!(fd >= 0, "socket");
            let one: libc::c_int = 1;
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_REUSEADDR,
                (&one as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
            let f = sa(from);
            let rc = libc::bind(fd, (&f as *const libc::sockaddr_in).cast(), len);
            assert_eq!(rc, 0, "bind {from}: {}", std::io::Error::last_os_error());
            let t = sa(to);
            let rc = libc::connect(fd, (&t as *const libc::sockaddr_in).cast(), len);
            assert_eq!(rc, 0, "connect {to}: {}", std::io::Error::last_os_error());
            Self::from_stream(TcpStream::from_raw_fd(fd))
        }
    }

    /// Connects from inside the network namespace `ns` (a `/proc/<pid>/ns/net` path): the
    /// socket is made by a thread that joined it, and stays in it.
    pub fn connect_in(ns: &str, addr: SocketAddr) -> SipTcp {
        let ns = ns.to_string();
        let stream = std::thread::spawn(move || {
            use std::os::fd::AsRawFd;
            let f = std::fs::File::open(&ns).expect("open netns");
            // SAFETY: setns on a valid namespace fd; it changes only this short-lived thread.
            let rc = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(rc, 0, "setns {ns}: {}", std::io::Error::last_os_error());
            TcpStream::connect(addr).expect("connect to kamailio in its netns")
        })
        .join()
        .unwrap();
        Self::from_stream(stream)
    }

    fn from_stream(stream: TcpStream) -> SipTcp {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        SipTcp {
            stream,
            reader,
            seq: 1,
        }
    }

    pub fn local_port(&self) -> u16 {
        self.stream.local_addr().unwrap().port()
    }

    /// Sends an OPTIONS request with extra headers and returns the response.
    pub fn request(&mut self, user: &str, extra: &[(&str, &str)]) -> Response {
        self.send(user, extra);
        self.read_response()
    }

    /// Like `request`, with the given Call-ID.
    pub fn request_with_call_id(
        &mut self,
        user: &str,
        call_id: &str,
        extra: &[(&str, &str)],
    ) -> Response {
        self.send_with(user, Some(call_id), extra);
        self.read_response()
    }

    /// Sends an OPTIONS request with extra headers, without waiting for a response.
    pub fn send(&mut self, user: &str, extra: &[(&str, &str)]) {
        self.send_with(user, None, extra)
    }

    fn send_with(&mut self, user: &str, call_id: Option<&str>, extra: &[(&str, &str)]) {
        let local = self.stream.local_addr().unwrap();
        let peer = self.stream.peer_addr().unwrap();
        self.seq += 1;
        let call_id = call_id.map_or_else(
            || format!("{}-{}@test", self.seq, local.port()),
            str::to_string,
        );
        let mut msg = format!(
            "OPTIONS sip:{user}@{peer} SIP/2.0\r\nVia: SIP/2.0/TCP {local};branch=z9hG4bK{seq}x{port}\r\n\
             From: <sip:test@{local}>;tag={seq}\r\nTo: <sip:{user}@{peer}>\r\nCall-ID: {call_id}\r\n\
             CSeq: {seq} OPTIONS\r\nMax-Forwards: 70\r\n",
            seq = self.seq,
            port = local.port()
        );
        for (k, v) in extra {
            msg.push_str(&format!("{k}: {v}\r\n"));
        }
        msg.push_str("Content-Length: 0\r\n\r\n");
        self.stream.write_all(msg.as_bytes()).unwrap();
    }

    fn read_response(&mut self) -> Response {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("read status line");
        let code = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {line:?}"));
        let mut headers = Vec::new();
        let mut len = 0;
        loop {
            let mut h = String::new();
            self.reader.read_line(&mut h).expect("read header");
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                if n.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                }
                headers.push((n.trim().to_string(), v.trim().to_string()));
            }
        }
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).unwrap();
        Response { code, headers }
    }

    /// Closes with RST instead of FIN (SO_LINGER 0).
    pub fn reset(self) {
        use std::os::fd::AsRawFd;
        let l = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: a valid open fd and a correctly sized linger struct.
        let rc = unsafe {
            libc::setsockopt(
                self.stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&l as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            )
        };
        assert_eq!(rc, 0, "setsockopt(SO_LINGER)");
    }

    /// True if the server closed the connection within `secs` (read returns EOF or an error).
    pub fn closed_within(&mut self, secs: u64) -> bool {
        self.stream
            .set_read_timeout(Some(Duration::from_secs(secs)))
            .unwrap();
        let mut buf = [0u8; 1];
        match self.reader.read(&mut buf) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
        }
    }
}

/// Reads the server-side socket state of connections to `port` from `ss -tnoi`.
pub fn ss_server_side(kam_port: u16, client_port: u16) -> String {
    let out = Command::new("ss")
        .args(["-tnoiH", "state", "established"])
        .arg(format!(
            "( sport = :{kam_port} and dport = :{client_port} )"
        ))
        .output()
        .expect("ss");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Polls `ss` for up to 2 s until `pred` holds for the server-side socket; returns the last view.
pub fn ss_until(kam_port: u16, client_port: u16, pred: impl Fn(&str) -> bool) -> (bool, String) {
    let mut s = String::new();
    let held = poll_until(Duration::from_secs(2), Duration::from_millis(50), || {
        s = ss_server_side(kam_port, client_port);
        pred(&s)
    });
    (held, s)
}

/// `TCP_USER_TIMEOUT` (ms) of Kamailio's socket of the connection from `client_port`: a copy
/// of the socket taken from a Kamailio process holding it (pidfd_getfd), read with getsockopt.
pub fn kamailio_user_timeout_ms(kam_port: u16, client_port: u16) -> i32 {
    kamailio_sockopts(
        kam_port,
        client_port,
        &[(libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT)],
    )[0]
}

/// Integer socket options (level, name) of Kamailio's socket of the connection between its
/// `kam_port` and the peer's `client_port`, read from outside Kamailio: a copy of the socket
/// taken from a Kamailio process holding it (pidfd_getfd), read with getsockopt.
pub fn kamailio_sockopts(kam_port: u16, client_port: u16, opts: &[(i32, i32)]) -> Vec<i32> {
    let out = std::process::Command::new("ss")
        .args(["-tneH", "state", "established"])
        .arg(format!(
            "( sport = :{kam_port} and dport = :{client_port} )"
        ))
        .output()
        .expect("run ss");
    let text = String::from_utf8_lossy(&out.stdout);
    let ino = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix("ino:"))
        .unwrap_or_else(|| panic!("no socket inode in {text:?}"));
    let link = format!("socket:[{ino}]");
    for p in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = p.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if std::fs::read_link(fd.path()).is_ok_and(|l| l.to_string_lossy() == link) {
                let fd: i32 = fd.file_name().to_string_lossy().parse().unwrap();
                return sockopts_of(pid, fd, opts);
            }
        }
    }
    panic!("no process holds {link}");
}

fn sockopts_of(pid: i32, fd: i32, opts: &[(i32, i32)]) -> Vec<i32> {
    // SAFETY: plain syscalls on ints; every fd they return is closed here.
    unsafe {
        let pidfd = libc::syscall(libc::SYS_pidfd_open, pid, 0) as i32;
        assert!(
            pidfd >= 0,
            "pidfd_open: {}",
            std::io::Error::last_os_error()
        );
        let local = libc::syscall(libc::SYS_pidfd_getfd, pidfd, fd, 0) as i32;
        let err = std::io::Error::last_os_error();
        libc::close(pidfd);
        assert!(local >= 0, "pidfd_getfd: {err}");
        let values = opts
            .iter()
            .map(|&(level, name)| {
                let (mut v, mut len) = (0i32, std::mem::size_of::<i32>() as libc::socklen_t);
                let rc =
                    libc::getsockopt(local, level, name, (&mut v as *mut i32).cast(), &mut len);
                assert_eq!(rc, 0, "getsockopt({level}, {name})");
                v
            })
            .collect();
        libc::close(local);
        values
    }
}
