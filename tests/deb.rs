//! The Debian package (`make deb`): built by packaging/build-deb.sh (which fails on lintian
//! errors), installed with apt over the stock modules, loaded by plain `loadmodule "tcpops.so"`
//! / `"keepalive.so"` from the stock module directory, then removed: the stock modules are back.
//!
//! This test changes the system's Kamailio module directory (through dpkg diversions) while it
//! runs, and needs root (or password-less sudo). It refuses to run when the package is already
//! installed or the stock files are not the kamailio package's own, and removes the package
//! again even when it fails. No other test loads the stock tcpops.so/keepalive.so by name
//! (they load ours by path), so the diversions do not change what they test.

use kit as common;

use common::{port, stock_modules_dir, Config, Kamailio, SipTcp};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const PKG: &str = "kamailio-rs-modules";
const MODULES: [&str; 2] = ["tcpops", "keepalive"];

fn root_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A command run as root: directly when we are root, else through `sudo -n`.
fn as_root(args: &[&str]) -> Command {
    let uid = Command::new("id").arg("-u").output().expect("id -u");
    let root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
    let mut c = if root {
        Command::new(args[0])
    } else {
        let mut c = Command::new("sudo");
        c.args(["-n", args[0]]);
        c
    };
    c.args(&args[1..]).env("DEBIAN_FRONTEND", "noninteractive");
    if args[0] == "apt-get" {
        // Wait for another apt/dpkg run to finish instead of failing on its lock.
        c.args(["-o", "DPkg::Lock::Timeout=120"]);
    }
    c
}

fn run(mut c: Command) -> String {
    let out = c.output().unwrap_or_else(|e| panic!("{c:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{c:?} failed:\n{text}");
    text
}

fn stdout(prog: &str, args: &[&str]) -> String {
    let out = Command::new(prog)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{prog}: {e}"));
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// dpkg's state of our package: "" when dpkg does not know it.
fn package_status() -> String {
    stdout("dpkg-query", &["-W", "-f=${db:Status-Status}", PKG])
        .trim()
        .to_string()
}

fn md5(path: &Path) -> String {
    let out = stdout("md5sum", &[&path.display().to_string()]);
    out.split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// md5sum of `path` (absolute) as recorded in `md5sums` (a package's md5sums file).
fn recorded_md5(md5sums: &str, path: &Path) -> String {
    let rel = path.display().to_string();
    let rel = rel.trim_start_matches('/');
    md5sums
        .lines()
        .filter_map(|l| l.split_once("  "))
        .find(|(_, p)| *p == rel)
        .map(|(m, _)| m.to_string())
        .unwrap_or_else(|| panic!("{rel} not in md5sums:\n{md5sums}"))
}

/// A control field of a .deb file.
fn deb_field(deb: &Path, field: &str) -> String {
    let mut c = Command::new("dpkg-deb");
    c.arg("--field").arg(deb).arg(field);
    run(c).trim().to_string()
}

fn truename(path: &Path) -> PathBuf {
    PathBuf::from(stdout("dpkg-divert", &["--truename", &path.display().to_string()]).trim())
}

/// Removes (purges) the package when dropped, also when the test panics, so the machine is
/// left with the stock modules and no diversion.
struct Installed;

impl Installed {
    /// `apt-get remove` (dpkg keeps the package as config-files until the purge on drop).
    fn remove() -> String {
        run(as_root(&["apt-get", "remove", "-y", PKG]))
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        if !package_status().is_empty() && package_status() != "not-installed" {
            match as_root(&["apt-get", "purge", "-y", PKG]).output() {
                Ok(o) if o.status.success() => {}
                other => eprintln!("could not remove {PKG}: {other:?}"),
            }
        }
    }
}

/// Builds the package with packaging/build-deb.sh (with lintian or without) and returns its path.
fn build_deb(lintian: bool) -> PathBuf {
    let text = run({
        let mut c = Command::new(root_dir().join("packaging/build-deb.sh"));
        c.env("LINTIAN", if lintian { "1" } else { "0" })
            .env_remove("DEB_OUT")
            .env_remove("SOURCE_DATE_EPOCH");
        c
    });
    eprintln!("{text}");
    assert!(!lintian || text.contains("lintian: no errors"), "{text}");
    let deb = text
        .lines()
        .find_map(|l| l.strip_prefix("built: "))
        .unwrap_or_else(|| panic!("no 'built:' line:\n{text}"));
    PathBuf::from(deb.trim())
}

const CFG_MODULES: &str = r#"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "tcpops.so"
loadmodule "keepalive.so"
modparam("keepalive", "ping_interval", 60)
"#;

/// `$tcp(c_si)|$tcp(c_sp)`: ours gives the peer of an ordinary connection.
const CFG_ROUTES: &str = r#"
request_route {
    append_to_reply("X-Out: $_s($tcp(c_si)|$tcp(c_sp))\r\n");
    sl_send_reply("200", "OK");
    exit;
}
"#;

/// `$tcp(c_si)|$tcp(c_sp)` as seen by the tcpops.so that Kamailio loads by name, and the
/// client's own address in the same form.
fn tcpops_peer(k: &Kamailio) -> (String, String) {
    let mut c = SipTcp::connect(k.addr());
    let r = c.request("who", &[]);
    assert_eq!(r.code, 200, "{r:?}");
    let out = r.header("X-Out").unwrap_or_default().to_string();
    (out, format!("127.0.0.1|{}", c.local_port()))
}

/// Checks that Kamailio (its main process, which loaded the modules before forking) mapped
/// `<stock dir>/<m>.so` for each module, the very file now at that path (same inode), and
/// nothing else of that name (no `*.so.distrib`, nothing from build/).
fn assert_loads_the_files_in_the_module_dir(k: &Kamailio) {
    use std::os::unix::fs::MetadataExt;
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", k.pid())).expect("maps");
    for m in MODULES {
        let want = stock_modules_dir().join(format!("{m}.so"));
        let ino = std::fs::metadata(&want).expect("stat module").ino();
        let mapped: Vec<(u64, &str)> = maps
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                let path = *f.get(5)?;
                let file = path.rsplit('/').next()?;
                (file.starts_with(&format!("{m}.so")) || file.starts_with(&format!("lib{m}.so")))
                    .then(|| (f[4].parse().unwrap_or(0), path))
            })
            .collect();
        assert!(!mapped.is_empty(), "{m}.so not mapped:\n{maps}");
        for (i, path) in &mapped {
            assert!(
                Path::new(path) == want && *i == ino,
                "kamailio maps {path} (inode {i}), expected {} (inode {ino})",
                want.display()
            );
        }
    }
}

/// keepalive.list of one destination added over RPC.
fn keepalive_list(k: &Kamailio) -> String {
    let dst = format!("sip:127.0.0.1:{}", port());
    k.rpc(&["keepalive.add", &dst, "debtest"])
        .unwrap_or_else(|e| panic!("keepalive.add: {e}"));
    k.rpc(&["keepalive.list"])
        .unwrap_or_else(|e| panic!("keepalive.list: {e}"))
}

/// Starts Kamailio on a config that sets `modparam("keepalive", "down_after", 2)` (a parameter
/// only our keepalive has) and returns its exit status and log: None while it still runs after
/// 10 s (then it is stopped).
fn start_with_down_after() -> (Option<std::process::ExitStatus>, String) {
    let cfg = format!(
        "#!KAMAILIO\nlisten=udp:127.0.0.1:{}\nmpath=\"{}\"\nloadmodule \"tm.so\"\n\
         loadmodule \"keepalive.so\"\nmodparam(\"keepalive\", \"down_after\", 2)\n\
         request_route {{ exit; }}\n",
        port(),
        stock_modules_dir().display()
    );
    common::run_until_exit("deb-da", &cfg)
}

#[test]
fn package_replaces_the_stock_modules_and_removal_restores_them() {
    let status = package_status();
    assert!(
        status.is_empty() || status == "not-installed" || status == "config-files",
        "{PKG} is already installed here (dpkg status '{status}'): this test installs and \
         removes it, so it refuses to run; remove it first (apt-get purge {PKG})"
    );
    let dir = stock_modules_dir();
    assert!(dir.join("tm.so").exists(), "no stock module dir: {dir:?}");
    let kamailio_md5sums = stdout("dpkg-query", &["--control-show", "kamailio", "md5sums"]);
    let stock: Vec<(PathBuf, String)> = MODULES
        .iter()
        .map(|m| {
            let p = dir.join(format!("{m}.so"));
            let want = recorded_md5(&kamailio_md5sums, &p);
            assert_eq!(
                md5(&p),
                want,
                "{} is not the kamailio package's own file: this test refuses to run over \
                 it ('make uninstall' restores the stock modules after a 'make install')",
                p.display()
            );
            assert_eq!(truename(&p), p, "{} is diverted", p.display());
            (p, want)
        })
        .collect();

    let deb = build_deb(true);
    let deb_md5sums = run({
        let mut c = Command::new("dpkg-deb");
        c.arg("--info").arg(&deb).arg("md5sums");
        c
    });
    let fields = run({
        let mut c = Command::new("dpkg-deb");
        c.arg("--field").arg(&deb);
        c
    });
    let kver = stdout("dpkg-query", &["-W", "-f=${Version}", "kamailio"]);
    assert!(
        fields.contains(&format!("Depends: kamailio (= {kver}), libc6")),
        "{fields}"
    );

    // The version and file name: <workspace version>+kamailio<kamailio version>+b<UTC build time>.
    let version = deb_field(&deb, "Version");
    let arch = stdout("dpkg", &["--print-architecture"]);
    let stamp = version
        .strip_prefix(&format!(
            "{}+kamailio{}+b",
            env!("CARGO_PKG_VERSION"),
            kver.replace(':', ".")
        ))
        .unwrap_or_else(|| panic!("version {version} for kamailio {kver}"));
    assert!(
        stamp.len() == 14 && stamp.bytes().all(|b| b.is_ascii_digit()),
        "build time {stamp}"
    );
    assert_eq!(
        deb.file_name().unwrap().to_string_lossy(),
        format!("{PKG}_{version}_{}.deb", arch.trim())
    );

    let guard = Installed;
    let text = run(as_root(&[
        "apt-get",
        "install",
        "-y",
        &deb.display().to_string(),
    ]));
    eprintln!("{text}");
    assert_eq!(package_status(), "installed");
    for (p, want) in &stock {
        let moved = PathBuf::from(format!("{}.distrib", p.display()));
        assert_eq!(truename(p), moved, "{} not diverted", p.display());
        assert_eq!(
            md5(&moved),
            *want,
            "the stock file is kept as {}",
            moved.display()
        );
        assert_eq!(
            md5(p),
            recorded_md5(&deb_md5sums, p),
            "{} is the package's",
            p.display()
        );
    }
    // dpkg --verify checks the diverted kamailio files where they now are: still clean.
    let v = stdout("dpkg", &["--verify", "kamailio", PKG]);
    assert!(v.trim().is_empty(), "dpkg --verify:\n{v}");

    // Plain loadmodule "tcpops.so" / "keepalive.so" (mpath = the stock dir): ours answer.
    {
        let k = Kamailio::start(
            "deb-ours",
            Config {
                globals: "",
                modules: CFG_MODULES,
                routes: CFG_ROUTES,
            },
        );
        assert_loads_the_files_in_the_module_dir(&k);
        let (seen, client) = tcpops_peer(&k);
        eprintln!("$tcp(c_si)|$tcp(c_sp): {seen:?} (client {client})");
        assert_eq!(seen, client, "our tcpops gives the peer in $tcp(c_si)");
        let mut open = SipTcp::connect(k.addr());
        assert_eq!(open.request("who", &[]).code, 200);
        let conns = k.rpc(&["tcpops.list"]);
        assert!(
            conns.as_ref().is_ok_and(|t| t.contains("rtt_us")),
            "our tcpops has tcpops.list: {conns:?}"
        );
        let list = keepalive_list(&k);
        eprintln!("keepalive.list:\n{list}");
        assert!(
            list.contains("debtest") && list.contains("state_name"),
            "our keepalive.list has state_name:\n{list}"
        );
        let stats = k.rpc(&["keepalive.stats"]);
        assert!(
            stats.as_ref().is_ok_and(|t| t.contains("rtt_avg_us")),
            "our keepalive has keepalive.stats: {stats:?}"
        );
    }
    // A rebuild of the same tree gets a newer version: apt installs it over the first one (an
    // upgrade: the stock files stay diverted).
    std::thread::sleep(Duration::from_millis(1100));
    let again = build_deb(false);
    let newer = deb_field(&again, "Version");
    assert!(
        Command::new("dpkg")
            .args(["--compare-versions", &newer, "gt", &version])
            .status()
            .unwrap()
            .success(),
        "the rebuild's version {newer} is not newer than {version}"
    );
    run(as_root(&[
        "apt-get",
        "install",
        "-y",
        &again.display().to_string(),
    ]));
    assert_eq!(
        stdout("dpkg-query", &["-W", "-f=${Version}", PKG]),
        newer,
        "apt installed the rebuild"
    );
    for (p, _) in &stock {
        let moved = PathBuf::from(format!("{}.distrib", p.display()));
        assert_eq!(truename(p), moved, "{} still diverted", p.display());
    }
    let _ = std::fs::remove_file(&again);

    let (st, log) = start_with_down_after();
    assert!(
        st.is_none(),
        "with our keepalive a config with down_after starts ({st:?}):\n{log}"
    );

    let text = Installed::remove();
    eprintln!("{text}");
    assert_eq!(package_status(), "config-files", "removed");
    for (p, want) in &stock {
        assert_eq!(truename(p), *p, "{} still diverted", p.display());
        assert_eq!(md5(p), *want, "{} is the stock file again", p.display());
        let moved = PathBuf::from(format!("{}.distrib", p.display()));
        assert!(!moved.exists(), "{} left behind", moved.display());
    }
    let v = stdout("dpkg", &["--verify", "kamailio"]);
    assert!(v.trim().is_empty(), "dpkg --verify:\n{v}");

    // The stock modules answer the same plain loadmodule lines again.
    {
        let k = Kamailio::start(
            "deb-stock",
            Config {
                globals: "",
                modules: CFG_MODULES,
                routes: CFG_ROUTES,
            },
        );
        let (seen, client) = tcpops_peer(&k);
        eprintln!("$tcp(c_si)|$tcp(c_sp): {seen:?} (client {client})");
        assert_ne!(
            seen, client,
            "the stock tcpops has no c_si for a plain connection"
        );
        let list = keepalive_list(&k);
        eprintln!("keepalive.list:\n{list}");
        assert!(
            list.contains("debtest") && !list.contains("state_name"),
            "the stock keepalive.list has no state_name:\n{list}"
        );
        let stats = k.rpc(&["keepalive.stats"]);
        assert!(
            stats.is_err(),
            "the stock keepalive has no keepalive.stats: {stats:?}"
        );
    }
    let (st, log) = start_with_down_after();
    assert!(
        st.is_some_and(|s| !s.success())
            && log.contains("parameter <down_after>")
            && log.contains("not found in module <keepalive>"),
        "the stock keepalive refuses down_after ({st:?}):\n{log}"
    );
    drop(guard);
    let st = package_status();
    assert!(st.is_empty() || st == "not-installed", "purged: {st}");
    let left = stdout("dpkg-divert", &["--list", PKG]);
    assert!(left.trim().is_empty(), "diversions left: {left}");
}
