//! Build script of the `kamailio` crate.
//!
//! 1. Asks the installed Kamailio's core which `module_version` and `module_flags` it accepts:
//!    it loads two throw-away modules with `kamailio -c` and reads the strings from its
//!    refusals (the flags `kamailio -v` prints can differ: Debian's 6.1 is a CMake build whose
//!    `ver.c` sees memory-debug defines that `sr_module.c`, which compares, does not).
//! 2. Finds headers of that release (`kamailio-headers/fetch.sh`: `KAMAILIO_SRC`, the vendored
//!    series under `kamailio-headers/`, or Debian's source package of exactly that version).
//! 3. Derives the compile defines from those two strings and the defines every Linux build of
//!    Kamailio sets, and fails unless they reproduce both strings exactly.
//! 4. Runs bindgen over `include/wrapper.h` and compiles `include/shim/*.c` with those defines.

use std::collections::BTreeSet;
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The shim's C files (`include/shim/*.c`, one per topic), in name order.
fn shim_sources(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("include/shim entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    files
}

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    for var in ["KAMAILIO_SRC", "KAMAILIO_BIN", "LIBCLANG_PATH"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    pick_libclang();
    for f in [
        "include/wrapper.h",
        "include/shim",
        "include/shim.h",
        "kamailio-headers/fetch.sh",
        "kamailio-headers/source.sh",
        "kamailio-headers",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }

    let kamailio_bin = env::var("KAMAILIO_BIN").unwrap_or_else(|_| "kamailio".into());
    if let Some(path) = on_path(&kamailio_bin) {
        // an upgraded Kamailio is a new build
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let printed = Printed::read(&kamailio_bin);
    let core = CoreStrings::ask(&kamailio_bin, &out, &printed.version);
    if core.flags != printed.flags {
        println!(
            "cargo:warning=module_flags as the core compares them: {} (`kamailio -v` prints {})",
            core.flags, printed.flags
        );
    }
    let (src, origin) = header_tree(&manifest, &kamailio_bin);
    println!("cargo:warning=headers for {}: {origin}", core.version);
    println!(
        "cargo:rerun-if-changed={}",
        src.join("src/core/ver_defs.h").display()
    );
    let defines = defines(&src, &core, &printed);
    let (got_version, got_flags) = compiled_strings(&src, &out, &defines);
    assert_eq!(
        got_flags, core.flags,
        "the compile defines do not reproduce the installed Kamailio's module flags"
    );
    assert_eq!(
        got_version, core.version,
        "the defines do not reproduce the installed Kamailio's version"
    );

    let core_dir = src.join("src");
    let mut clang_args: Vec<String> = defines.clone();
    clang_args.push(format!("-I{}", core_dir.display()));
    clang_args.push(format!("-I{}", manifest.join("include").display()));

    let bindings = bindgen::Builder::default()
        .header(manifest.join("include/wrapper.h").to_string_lossy())
        .clang_args(&clang_args)
        .parse_callbacks(Box::new(Renames))
        // allowlist_file takes a regex: Debian's version directories hold `+` (6.0.1-1+deb13u2)
        .allowlist_file(format!("{}/.*", regex_escape(&core_dir.to_string_lossy())))
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
        .files(shim_sources(&manifest.join("include/shim")))
        .include(&core_dir)
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

    println!("cargo:rustc-env=KAMAILIO_FULL_VERSION={}", core.version);
    println!("cargo:rustc-env=KAMAILIO_COMPILE_FLAGS={}", core.flags);
    // read only by src/compat.rs: what a release does that no header tells
    let outbound = release(&core.version) >= (6, 0, 2);
    println!(
        "cargo:rustc-env=KAMAILIO_OUTBOUND_USER_TIMEOUT={}",
        u8::from(outbound)
    );
}

/// The (major, minor, patch) numbers of a `SER_FULL_VERSION` ("kamailio 6.1.5 (x86_64/Linux)").
fn release(full_version: &str) -> (u32, u32, u32) {
    let v = full_version.split_whitespace().nth(1).unwrap_or("");
    let mut n = v.split('.').map(|p| {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().unwrap_or(0)
    });
    (
        n.next().unwrap_or(0),
        n.next().unwrap_or(0),
        n.next().unwrap_or(0),
    )
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

/// bindgen (through clang-sys) loads the newest libclang it finds, which need not be the one
/// `libclang-dev` installed: on Debian testing, Debian's rustc brings its own LLVM's (22)
/// beside libclang-dev's (21), and bindgen 0.69 reads the core's structs through it as opaque
/// blobs. Unless LIBCLANG_PATH says otherwise, use the libclang of the newest `libclang-*-dev`
/// (the one whose unversioned `libclang.so` is installed).
fn pick_libclang() {
    if env::var_os("LIBCLANG_PATH").is_some() {
        return;
    }
    let dev = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e
                .file_name()
                .to_str()?
                .strip_prefix("llvm-")?
                .parse()
                .ok()?;
            let lib = e.path().join("lib");
            lib.join("libclang.so").exists().then_some((v, lib))
        })
        .max();
    if let Some((_, lib)) = dev {
        env::set_var("LIBCLANG_PATH", lib);
    }
}

impl bindgen::callbacks::ParseCallbacks for Renames {
    fn item_name(&self, name: &str) -> Option<String> {
        (name == "str").then(|| "str_".to_string())
    }
}

/// Where `bin` is: itself if it names a path, else the first match on `PATH`.
fn on_path(bin: &str) -> Option<PathBuf> {
    if bin.contains('/') {
        return Some(PathBuf::from(bin));
    }
    env::split_paths(&env::var_os("PATH")?)
        .map(|d| d.join(bin))
        .find(|p| p.is_file())
}

/// What `kamailio -v` prints: the version line, the flags line and the build's numbers.
struct Printed {
    version: String,
    flags: String,
    /// `ADAPTIVE_WAIT_LOOPS N` of the numbers line (Makefile builds with FAST_LOCK)
    adaptive_wait_loops: Option<String>,
    /// `compiled with gcc 12.2.0`: the `COMPILER` define
    compiler: Option<String>,
}

impl Printed {
    fn read(bin: &str) -> Self {
        let out = Command::new(bin).arg("-v").output().unwrap_or_else(|e| {
            panic!("cannot run `{bin} -v` ({e}): install kamailio or set KAMAILIO_BIN")
        });
        let text = String::from_utf8_lossy(&out.stdout);
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
        };
        let need = |name: &str| {
            field(name).unwrap_or_else(|| panic!("`{bin} -v` printed no `{name}` line"))
        };
        let adaptive_wait_loops = text.lines().find_map(|l| {
            l.split(", ")
                .find_map(|kv| kv.trim().strip_prefix("ADAPTIVE_WAIT_LOOPS "))
                .map(|n| n.trim().to_string())
        });
        Printed {
            version: need("version:"),
            flags: need("flags:"),
            adaptive_wait_loops,
            compiler: field("compiled with "),
        }
    }
}

/// `SER_FULL_VERSION` and `SER_COMPILE_FLAGS` as the core compares a module's `module_version`
/// and `module_flags` with (`ksr_version_control` in sr_module.c).
struct CoreStrings {
    version: String,
    flags: String,
}

impl CoreStrings {
    /// Loads a module with a wrong version (the core names its own), then one with the right
    /// version and wrong flags (the core names its flags), each with `kamailio -c`.
    fn ask(bin: &str, out: &Path, printed_version: &str) -> Self {
        let refusal = |name: &str, version: &str| -> String {
            let dir = out.join("core-probe");
            std::fs::create_dir_all(&dir).unwrap();
            let c = dir.join(format!("{name}.c"));
            std::fs::write(
                &c,
                format!(
                    "char *module_version = \"{}\";\nchar *module_flags = \"krs-probe\";\n",
                    version.replace('\\', "\\\\").replace('"', "\\\"")
                ),
            )
            .unwrap();
            let so = dir.join(format!("{name}.so"));
            let compiler = cc::Build::new().cargo_metadata(false).get_compiler();
            let status = compiler
                .to_command()
                .args(["-shared", "-fPIC", "-o"])
                .arg(&so)
                .arg(&c)
                .status()
                .expect("run the C compiler");
            assert!(status.success(), "compiling the core probe module failed");
            let cfg = dir.join(format!("{name}.cfg"));
            std::fs::write(&cfg, format!("loadmodule \"{}\"\n", so.display())).unwrap();
            let run = Command::new(bin)
                .args(["-c", "-E", "-f"])
                .arg(&cfg)
                .output()
                .unwrap_or_else(|e| panic!("cannot run `{bin} -c` ({e})"));
            let mut text = String::from_utf8_lossy(&run.stderr).into_owned();
            text.push_str(&String::from_utf8_lossy(&run.stdout));
            text
        };
        let text = refusal("version", "krs-probe");
        let version = text
            .lines()
            .find(|l| l.contains("module version mismatch"))
            .and_then(|l| l.split("; core: ").nth(1))
            .and_then(|l| l.rsplit_once("; module: "))
            .map(|(v, _)| v.trim().to_string())
            .unwrap_or_else(|| panic!("`{bin} -c` did not name its version:\n{text}"));
        if version != printed_version {
            println!(
                "cargo:warning=module_version as the core compares it: {version} \
                 (`kamailio -v` prints {printed_version})"
            );
        }
        let text = refusal("flags", &version);
        let flags = text
            .lines()
            .skip_while(|l| !l.contains("module compile flags mismatch"))
            .find_map(|l| l.trim_start().strip_prefix("core: "))
            .map(|f| f.trim().to_string())
            .unwrap_or_else(|| panic!("`{bin} -c` did not name its compile flags:\n{text}"));
        CoreStrings { version, flags }
    }
}

/// The top of the headers to compile against (the directory holding `src/core`) and where
/// they come from, as `kamailio-headers/fetch.sh` chooses them.
fn header_tree(manifest: &Path, bin: &str) -> (PathBuf, String) {
    let out = Command::new(manifest.join("kamailio-headers/fetch.sh"))
        .env("KAMAILIO_BIN", bin)
        .output()
        .expect("cannot run kamailio-headers/fetch.sh");
    let said = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        panic!("kamailio-headers/fetch.sh failed:\n{said}");
    }
    let path = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .trim()
        .to_string();
    let origin = said
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("kamailio-headers: "))
        .unwrap_or(&path)
        .to_string();
    (PathBuf::from(path), origin)
}

/// What every Linux build of Kamailio defines besides the flags and the version (Makefile.defs
/// and cmake/os-specific/linux.cmake alike, 5.6 to 6.1): the CPU and OS selectors, gcc-style
/// inline assembly (atomic ops, fast locks), the libc features, and statistics (on by default
/// in both build systems, and not part of the flags string). Of these, the headers in
/// `include/wrapper.h`'s closure test `__CPU_*`, `__OS_*`, `CC_GCC_LIKE_ASM`,
/// `HAVE_SCHED_YIELD`, `HAVE_UNION_SEMUN`, `HAVE_GETHOSTBYNAME2` and `STATISTICS`.
const LINUX_DEFINES: &[&str] = &[
    "__OS_linux",
    "CC_GCC_LIKE_ASM",
    "HAVE_GETHOSTBYNAME2",
    "HAVE_UNION_SEMUN",
    "HAVE_SCHED_YIELD",
    "HAVE_MSG_NOSIGNAL",
    "HAVE_MSGHDR_MSG_CONTROL",
    "HAVE_ALLOCA_H",
    "HAVE_TIMEGM",
    "HAVE_SCHED_SETSCHEDULER",
    "HAVE_IP_MREQN",
    "HAVE_EPOLL",
    "HAVE_SIGIO_RT",
    "SIGINFO64_WORKAROUND",
    "HAVE_SELECT",
    "USE_CORE_STATS",
    "STATISTICS",
    "MALLOC_STATS",
];

/// The `-D` flags for bindgen and the shim: the version parts of `SER_FULL_VERSION`, the
/// defines behind each name in the core's flags (lock implementation, memory debugging,
/// transports, ...), and the Linux build's own.
fn defines(src: &Path, core: &CoreStrings, printed: &Printed) -> Vec<String> {
    // "kamailio 6.1.5 (x86_64/Linux)": NAME " " VERSION " (" ARCH "/" OS_QUOTED ")"
    let parse = || -> Option<(&str, &str, &str, &str)> {
        let (name, rest) = core.version.split_once(' ')?;
        let (version, rest) = rest.split_once(" (")?;
        let (arch, os) = rest.strip_suffix(')')?.split_once('/')?;
        Some((name, version, arch, os))
    };
    let (name, version, arch, os) =
        parse().unwrap_or_else(|| panic!("unexpected Kamailio version string {:?}", core.version));
    let quoted = |v: &str| format!("\"{v}\"");
    let mut defines = vec![
        format!("-DNAME={}", quoted(name)),
        format!("-DVERSION={}", quoted(version)),
        format!("-DARCH={}", quoted(arch)),
        format!("-DOS_QUOTED={}", quoted(os)),
        format!("-D__CPU_{arch}"),
    ];
    if let Some(c) = &printed.compiler {
        defines.push(format!("-DCOMPILER={}", quoted(c)));
    }
    defines.extend(LINUX_DEFINES.iter().map(|d| format!("-D{d}")));
    let ver_defs =
        std::fs::read_to_string(src.join("src/core/ver_defs.h")).expect("read ver_defs.h");
    let by_name = flag_defines(&ver_defs);
    let mut set = BTreeSet::new();
    for name in core
        .flags
        .split(", ")
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let needs = by_name.iter().find(|(n, _)| n == name).map(|(_, d)| d);
        let needs = needs.unwrap_or_else(|| {
            panic!("the core's flag {name:?} is not one that this ver_defs.h knows")
        });
        set.extend(needs.iter().cloned());
    }
    if set.contains("ADAPTIVE_WAIT") {
        let loops = printed.adaptive_wait_loops.as_deref().unwrap_or("1024");
        defines.push(format!("-DADAPTIVE_WAIT_LOOPS={loops}"));
    }
    defines.extend(set.into_iter().map(|d| format!("-D{d}")));
    defines
}

/// Each name that `SER_COMPILE_FLAGS` can hold, with the defines that put it there, read from
/// `ver_defs.h`: the macros of the `#ifdef X` / `#elif defined(X)` branches enclosing its
/// `#define ..._STR ", NAME"` (`FAST_LOCK-ADAPTIVE_WAIT` needs `FAST_LOCK` and `ADAPTIVE_WAIT`,
/// plain `FAST_LOCK`, in their `#else`, only `FAST_LOCK`; the header guard adds nothing).
fn flag_defines(ver_defs: &str) -> Vec<(String, Vec<String>)> {
    let mut names = Vec::new();
    // one entry per open #if: the macro its current branch requires, if any
    let mut open: Vec<Option<String>> = Vec::new();
    for line in ver_defs.lines() {
        let line = line.trim();
        let Some(directive) = line.strip_prefix('#').map(str::trim_start) else {
            continue;
        };
        let word = |s: &str| {
            s.trim()
                .trim_matches(|c| c == '(' || c == ')')
                .trim()
                .to_string()
        };
        if let Some(m) = directive.strip_prefix("ifdef ") {
            open.push(Some(word(m)));
        } else if directive.starts_with("ifndef") || directive.starts_with("if ") {
            open.push(None);
        } else if let Some(m) = directive.strip_prefix("elif defined") {
            if let Some(top) = open.last_mut() {
                *top = Some(word(m));
            }
        } else if directive.starts_with("elif") || directive.starts_with("else") {
            if let Some(top) = open.last_mut() {
                *top = None;
            }
        } else if directive.starts_with("endif") {
            open.pop();
        } else if let (true, Some(start)) = (directive.starts_with("define"), line.find('"')) {
            let name = line[start..].trim_matches(|c| c == '"' || c == ',' || c == ' ');
            let needs: Vec<String> = open.iter().flatten().cloned().collect();
            if !name.is_empty() && !needs.is_empty() {
                names.push((name.to_string(), needs));
            }
        }
    }
    names
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
