//! The two sides of the comparison: the package's C modules and ours.

use std::path::PathBuf;
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

    /// Directory holding this side's tcpops.so and keepalive.so.
    pub fn module_dir(self) -> PathBuf {
        match self {
            Side::C => common::stock_modules_dir(),
            Side::Ours => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../build/modules"),
        }
    }

    /// `loadmodule` lines for tm (C side needs it for keepalive) and the module `name`.
    pub fn module(self, name: &str) -> String {
        format!("loadmodule \"{}/{name}.so\"\n", self.module_dir().display())
    }
}

/// Refuses to compare against anything but the package's own C modules: the files must be
/// the ones `dpkg -L kamailio` lists, `dpkg --verify` must not flag them, and they must differ
/// from ours (a `make install` would have replaced them).
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
    for m in ["tcpops", "keepalive"] {
        let path = Side::C.module_dir().join(format!("{m}.so"));
        let p = path.display().to_string();
        if !listed.lines().any(|l| l == p) {
            return Err(format!("{p} is not a file of the kamailio package"));
        }
        if verify.contains(&p) {
            return Err(format!(
                "dpkg --verify kamailio flags {p}: not the package's file (make uninstall?)"
            ));
        }
        let ours = Side::Ours.module_dir().join(format!("{m}.so"));
        if std::fs::read(&path).ok() == std::fs::read(&ours).ok() {
            return Err(format!("{p} is identical to ours"));
        }
    }
    eprintln!(
        "C side: the kamailio package's own tcpops.so and keepalive.so (dpkg --verify clean)"
    );
    Ok(())
}
