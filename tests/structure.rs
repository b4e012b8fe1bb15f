//! The code's shape: no import cycle between the files of a crate (`src/`, each module's
//! `src/`, `parse/src/`). A file may use its ancestors (a child module its parent, anything
//! the crate root); any other chain of `crate::`/`super::` uses that comes back to where it
//! started is a cycle, and the test names it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates whose files are checked, relative to the repository.
const CRATES: [&str; 4] = [
    "src",
    "modules/keepalive/src",
    "modules/tcpops/src",
    "parse/src",
];

/// The module path of a file (`cluster/mod.rs` and `cluster.rs`: `cluster`; `lib.rs`: the
/// root, no segment).
fn module_of(rel: &Path) -> Vec<String> {
    let mut segs: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(segs.last().map(String::as_str), Some("mod" | "lib")) {
        segs.pop();
    }
    segs
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn ident(s: &[u8], mut i: usize) -> (usize, &str) {
    let start = i;
    while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'_') {
        i += 1;
    }
    (i, std::str::from_utf8(&s[start..i]).unwrap())
}

/// The paths a `::`-separated path starting at `i` names (a `{...}` group gives several),
/// each appended to `base`.
fn paths_at(s: &[u8], mut i: usize, base: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut p = base;
    loop {
        if s.get(i) == Some(&b'{') {
            // a group: comma-separated paths, each from here
            i += 1;
            loop {
                while matches!(s.get(i), Some(b' ' | b'\n' | b'\t' | b',')) {
                    i += 1;
                }
                match s.get(i) {
                    None | Some(b'}') => return,
                    _ => {}
                }
                paths_at(s, i, p.clone(), out);
                // skip this member (its own groups included)
                let mut depth = 0;
                while let Some(&c) = s.get(i) {
                    match c {
                        b'{' => depth += 1,
                        b'}' if depth == 0 => break,
                        b'}' => depth -= 1,
                        b',' if depth == 0 => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
        }
        let (end, name) = ident(s, i);
        if name.is_empty() {
            break;
        }
        p.push(name.to_string());
        i = end;
        if s.get(i..i + 2) != Some(b"::") {
            break;
        }
        i += 2;
    }
    out.push(p);
}

/// The module paths `text` (the file of module `me`) refers to through `crate::` and
/// `super::`.
fn references(text: &str, me: &[String]) -> Vec<Vec<String>> {
    let s = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let before = at.checked_sub(1).map(|b| s[b]);
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$') {
            continue;
        }
        paths_at(s, at + "crate::".len(), Vec::new(), &mut out);
    }
    for (at, _) in text.match_indices("super::") {
        let before = at.checked_sub(1).map(|b| s[b]);
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b':') {
            continue;
        }
        // `super`: the parent module (in an inline `mod tests` block: this file, no edge)
        if !text[..at].contains("mod tests {") {
            let base = me[..me.len().saturating_sub(1)].to_vec();
            paths_at(s, at + "super::".len(), base, &mut out);
        }
    }
    out
}

/// `text` without its `//` comments (doc links name modules they do not use).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| l.find("//").map_or(l, |c| &l[..c]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Edges between the files of one crate: file -> files it uses, ancestors left out.
fn edges(root: &Path) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let modules: BTreeMap<Vec<String>, PathBuf> = files
        .iter()
        .map(|f| (module_of(f.strip_prefix(root).unwrap()), f.clone()))
        .collect();
    let mut g = BTreeMap::new();
    for (me, file) in &modules {
        let text = code_of(&std::fs::read_to_string(file).unwrap());
        let mut to = BTreeSet::new();
        for path in references(&text, me) {
            // the longest prefix that is a file's module
            let target = (0..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| modules.contains_key(p))
                .unwrap_or_default();
            let ancestor = me.starts_with(&target);
            if !ancestor {
                to.insert(target);
            }
        }
        g.insert(me.clone(), to);
    }
    g
}

/// A cycle through `start` (the modules on it), if there is one.
fn cycle_from(
    g: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    start: &Vec<String>,
) -> Option<Vec<Vec<String>>> {
    fn walk(
        g: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        at: &Vec<String>,
        start: &Vec<String>,
        path: &mut Vec<Vec<String>>,
        seen: &mut BTreeSet<Vec<String>>,
    ) -> bool {
        for next in g.get(at).into_iter().flatten() {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(g, next, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.clone()];
    walk(g, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

#[test]
fn no_import_cycle_between_files() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cycles = Vec::new();
    for c in CRATES {
        let g = edges(&repo.join(c));
        assert!(g.len() > 5, "{c}: its files were not found");
        for m in g.keys() {
            if let Some(cy) = cycle_from(&g, m) {
                let names: Vec<String> = cy.iter().map(|m| name(m)).collect();
                cycles.push(format!("{c}: {} -> {}", names.join(" -> "), name(m)));
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let file = |p: &str| vec![p.to_string()];
    let mut g = BTreeMap::new();
    g.insert(file("a"), BTreeSet::from([file("b")]));
    g.insert(file("b"), BTreeSet::from([file("c")]));
    g.insert(file("c"), BTreeSet::from([file("a")]));
    g.insert(file("d"), BTreeSet::from([file("a")]));
    assert_eq!(cycle_from(&g, &file("a")).map(|c| c.len()), Some(3));
    assert_eq!(cycle_from(&g, &file("d")), None);
    // the parser: groups, nested groups, `super::`
    let text = "use crate::{a::X, b::{c, d::Y}};\nfn f() { crate::e::f(); super::g::h(); }";
    let refs = references(text, &["x".into(), "y".into()]);
    let got: BTreeSet<String> = refs.iter().map(|p| p.join("::")).collect();
    for want in ["a::X", "b::c", "b::d::Y", "e::f", "x::g::h"] {
        assert!(got.contains(want), "{want} in {got:?}");
    }
}
