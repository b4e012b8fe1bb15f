//! Build script of the `kamailio` crate.
//!
//! 1. Finds the source tree of exactly the installed Kamailio (`KAMAILIO_SRC`, or the tree that
//!    `kamailio-headers/fetch.sh` unpacks from Debian's source package).
//! 2. Reads the compile defines the core was built with (`make printcdefs`), completes them
//!    from the flags that `kamailio -v` prints, and fails unless they reproduce that flags string
//!    and version exactly (Kamailio refuses modules whose strings differ).
//! 3. Runs bindgen over `include/wrapper.h` and compiles `include/shim.c` with those defines.

use std::collections::BTreeMap;
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    for var in ["KAMAILIO_SRC", "KAMAILIO_BIN"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    for f in [
        "include/wrapper.h",
        "include/shim.c",
        "include/shim.h",
        "kamailio-headers/fetch.sh",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }

    let kamailio_bin = env::var("KAMAILIO_BIN").unwrap_or_else(|_| "kamailio".into());
    let (full_version, flags) = installed_version(&kamailio_bin);
    let src = source_tree(&manifest);
    println!(
        "cargo:rerun-if-changed={}",
        src.join("src/core/ver_defs.h").display()
    );
    let mut defines = core_defines(&src);
    complete_defines(&src, &out, &mut defines, &full_version, &flags);

    let core = src.join("src");
    let mut clang_args: Vec<String> = defines.clone();
    clang_args.push(format!("-I{}", core.display()));
    clang_args.push(format!("-I{}", manifest.join("include").display()));

    let bindings = bindgen::Builder::default()
        .header(manifest.join("include/wrapper.h").to_string_lossy())
        .clang_args(&clang_args)
        .parse_callbacks(Box::new(Renames))
        // allowlist_file takes a regex: Debian's version directories hold `+` (6.0.1-1+deb13u2)
        .allowlist_file(format!("{}/.*", regex_escape(&core.to_string_lossy())))
        .allowlist_file(format!(
            "{}/.*",
            regex_escape(&manifest.join("include").to_string_lossy())
        ))
        .blocklist_item("FP_.*")
        .derive_default(true)
        .layout_tests(true)
        .generate_comments(false)
        .generate_inline_functions(false)
        .default_enum_style(bindgen::EnumVariation::Consts)
        .prepend_enum_name(false)
        .generate()
        .expect("bindgen failed on include/wrapper.h");
    bindings
        .write_to_file(out.join("bindings.rs"))
        .expect("write bindings");

    let mut build = cc::Build::new();
    build
        .file(manifest.join("include/shim.c"))
        .include(&core)
        .include(manifest.join("include"));
    for d in &defines {
        let d = d.trim_start_matches("-D");
        match d.split_once('=') {
            Some((k, v)) => build.define(k, Some(v)),
            None => build.define(d, None),
        };
    }
    build
        .flag_if_supported("-Wno-unused-parameter")
        .warnings(false)
        .compile("kamailio_shim");

    println!("cargo:rustc-env=KAMAILIO_FULL_VERSION={full_version}");
    println!("cargo:rustc-env=KAMAILIO_COMPILE_FLAGS={flags}");
}

/// `text` as a regex matching exactly itself.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Renames C identifiers that would clash with Rust's own names.
#[derive(Debug)]
struct Renames;

impl bindgen::callbacks::ParseCallbacks for Renames {
    fn item_name(&self, name: &str) -> Option<String> {
        (name == "str").then(|| "str_".to_string())
    }
}

/// `(SER_FULL_VERSION, SER_COMPILE_FLAGS)` as the installed binary prints them.
fn installed_version(bin: &str) -> (String, String) {
    let out = Command::new(bin).arg("-v").output().unwrap_or_else(|e| {
        panic!("cannot run `{bin} -v` ({e}): install kamailio or set KAMAILIO_BIN")
    });
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("`{bin} -v` printed no `{name}` line"))
    };
    (field("version:"), field("flags:"))
}

/// The Kamailio source tree whose headers we compile against.
fn source_tree(manifest: &Path) -> PathBuf {
    if let Ok(p) = env::var("KAMAILIO_SRC") {
        return PathBuf::from(p);
    }
    let out = Command::new(manifest.join("kamailio-headers/fetch.sh"))
        .output()
        .expect("cannot run kamailio-headers/fetch.sh");
    if !out.status.success() {
        panic!(
            "kamailio-headers/fetch.sh failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let path = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .trim()
        .to_string();
    PathBuf::from(path)
}

/// The `-D` flags printed by the source tree's `make printcdefs`.
fn core_defines(src: &Path) -> Vec<String> {
    let out = Command::new("make")
        .args(["-s", "-C"])
        .arg(src.join("src"))
        .arg("printcdefs")
        .output()
        .expect("cannot run make printcdefs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("-D"))
        .unwrap_or_else(|| panic!("make printcdefs printed no defines:\n{text}"));
    shell_split(line)
}

/// Splits a command line on blanks outside double quotes, keeping the quotes.
fn shell_split(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Adds the defines behind flags that `kamailio -v` shows but `printcdefs` misses, then
/// checks that the defines reproduce the installed version and flags strings exactly.
fn complete_defines(src: &Path, out: &Path, defines: &mut Vec<String>, version: &str, flags: &str) {
    let ver_defs =
        std::fs::read_to_string(src.join("src/core/ver_defs.h")).expect("read ver_defs.h");
    let flag_to_define = flag_defines(&ver_defs);
    let (mut got_version, mut got_flags) = compiled_strings(src, out, defines);
    if got_flags != flags {
        let have: Vec<&str> = got_flags.split(", ").collect();
        for name in flags.split(", ").filter(|n| !have.contains(n)) {
            let define = flag_to_define.get(name).map(String::as_str).unwrap_or(name);
            defines.push(format!("-D{define}"));
        }
        (got_version, got_flags) = compiled_strings(src, out, defines);
    }
    assert_eq!(
        got_flags, flags,
        "the compile defines do not reproduce the installed Kamailio's flags"
    );
    assert_eq!(
        got_version, version,
        "the source tree is not the installed Kamailio's version"
    );
}

/// Maps each flag name in `SER_COMPILE_FLAGS` to the define that enables it, read from
/// `ver_defs.h` (`#ifdef DEFINE` followed by `#define X_STR ", NAME"`).
fn flag_defines(ver_defs: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let mut current: Option<&str> = None;
    for line in ver_defs.lines() {
        let line = line.trim();
        if let Some(d) = line.strip_prefix("#ifdef ") {
            current = Some(d.trim());
        } else if let (Some(def), Some(start)) = (current, line.find('"')) {
            let name = line[start..].trim_matches(|c| c == '"' || c == ',' || c == ' ');
            if line.starts_with("#define") && !name.is_empty() {
                map.insert(name.to_string(), def.to_string());
            }
            current = None;
        }
    }
    map
}

/// Compiles and runs a program that prints `SER_FULL_VERSION` and `SER_COMPILE_FLAGS`
/// as the given defines make them.
fn compiled_strings(src: &Path, out: &Path, defines: &[String]) -> (String, String) {
    let c = out.join("verflags.c");
    std::fs::write(
        &c,
        "#include <stdio.h>\n#include \"core/ver_defs.h\"\n\
         int main(void){printf(\"%s\\n%s\\n\", SER_FULL_VERSION, SER_COMPILE_FLAGS);return 0;}\n",
    )
    .unwrap();
    let exe = out.join("verflags");
    let compiler = cc::Build::new().cargo_metadata(false).get_compiler();
    let status = compiler
        .to_command()
        .args(defines)
        .arg(format!("-I{}", src.join("src").display()))
        .arg(&c)
        .arg("-o")
        .arg(&exe)
        .status()
        .expect("run the C compiler");
    assert!(status.success(), "compiling the version probe failed");
    let text = String::from_utf8(
        Command::new(&exe)
            .output()
            .expect("run version probe")
            .stdout,
    )
    .unwrap();
    let mut lines = text.lines();
    let version = lines.next().unwrap_or("").trim().to_string();
    let flags = lines.next().unwrap_or("").trim().to_string();
    (version, flags)
}
