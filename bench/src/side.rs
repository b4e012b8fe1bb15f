//! The two sides of the comparison: the package's C modules and ours.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    C,
    Ours,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::C => "C",
            Side::Ours => "ours",
        }
    }

    /// Directory holding this side's tcpops.so and keepalive.so (for the C side, the path
    /// the kamailio package lists; see `module_path` for where the file really is).
    pub fn module_dir(self) -> PathBuf {
        match self {
            Side::C => common::stock_modules_dir(),
            // KRS_MODULES_DIR: another build's (a copy, so that a rebuild does not replace
            // the files a running instance has loaded; or the base's, for a before/after)
            Side::Ours => std::env::var_os("KRS_MODULES_DIR").map_or_else(
                || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../build/modules"),
                PathBuf::from,
            ),
        }
    }

    /// The file this side loads for module `name`: ours in build/modules; the C module where
    /// dpkg keeps the kamailio package's file, which is `<name>.so.distrib` while the
    /// kamailio-rs-modules package (`make deb`) diverts it (`dpkg-divert --truename`).
    pub fn module_path(self, name: &str) -> PathBuf {
        let listed = self.module_dir().join(format!("{name}.so"));
        match self {
            Side::C => truename(&listed),
            Side::Ours => listed,
        }
    }

    /// `loadmodule` line for the module `name`.
    pub fn module(self, name: &str) -> String {
        format!("loadmodule \"{}\"\n", self.module_path(name).display())
    }
}

/// Where dpkg keeps the packaged file `path` (the diverted name if a diversion moved it).
fn truename(path: &Path) -> PathBuf {
    let out = Command::new("dpkg-divert")
        .arg("--truename")
        .arg(path)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if out.is_empty() {
        path.to_path_buf()
    } else {
        PathBuf::from(out)
    }
}

fn md5(path: &Path) -> Result<String, String> {
    let out = Command::new("md5sum")
        .arg(path)
        .output()
        .map_err(|e| format!("md5sum: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    match text.split_whitespace().next() {
        Some(m) if out.status.success() => Ok(m.to_string()),
        _ => Err(format!("md5sum {}: failed", path.display())),
    }
}

/// Refuses to compare against anything but the package's own C modules: the files must be
/// ones `dpkg -L kamailio` lists, found where dpkg keeps them (`dpkg-divert --truename`: the
/// kamailio-rs-modules package diverts them to `*.so.distrib`), with the md5sum the kamailio
/// package records, not flagged by `dpkg --verify` (which checks a diverted file under its
/// diverted name), and different from ours (a `make install` would have replaced them).
pub fn check_stock() -> Result<(), String> {
    let listed = Command::new("dpkg")
        .args(["-L", "kamailio"])
        .output()
        .map_err(|e| format!("dpkg -L: {e}"))?;
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    let verify = Command::new("dpkg")
        .args(["--verify", "kamailio"])
        .output()
        .map_err(|e| format!("dpkg --verify: {e}"))?;
    let verify = String::from_utf8_lossy(&verify.stdout).to_string();
    let md5sums = Command::new("dpkg-query")
        .args(["--control-show", "kamailio", "md5sums"])
        .output()
        .map_err(|e| format!("dpkg-query --control-show kamailio md5sums: {e}"))?;
    let md5sums = String::from_utf8_lossy(&md5sums.stdout).to_string();
    let mut diverted = false;
    for m in ["tcpops", "keepalive"] {
        let path = Side::C.module_dir().join(format!("{m}.so"));
        let p = path.display().to_string();
        if !listed.lines().any(|l| l == p) {
            return Err(format!("{p} is not a file of the kamailio package"));
        }
        let real = Side::C.module_path(m);
        let r = real.display().to_string();
        diverted |= real != path;
        if verify
            .lines()
            .any(|l| l.ends_with(&format!(" {p}")) || l.ends_with(&format!(" {r}")))
        {
            return Err(format!(
                "dpkg --verify kamailio flags {r}: not the package's file (make uninstall?)"
            ));
        }
        let rel = p.trim_start_matches('/');
        let want = md5sums
            .lines()
            .filter_map(|l| l.split_once("  "))
            .find(|(_, f)| *f == rel)
            .map(|(sum, _)| sum.to_string())
            .ok_or_else(|| format!("{p}: no md5sum recorded by the kamailio package"))?;
        if md5(&real)? != want {
            return Err(format!(
                "{r} differs from the kamailio package's md5sum (make uninstall?)"
            ));
        }
        let ours = Side::Ours.module_path(m);
        if std::fs::read(&real).ok() == std::fs::read(&ours).ok() {
            return Err(format!("{r} is identical to ours"));
        }
    }
    eprintln!(
        "C side: the kamailio package's own tcpops.so and keepalive.so{} (md5sums match, \
         dpkg --verify clean)",
        if diverted {
            ", diverted to *.so.distrib by kamailio-rs-modules"
        } else {
            ""
        }
    );
    Ok(())
}
