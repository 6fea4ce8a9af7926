//! The host's modules form layers, each importing only from those below it:
//! cli → agent, render → runtime → policy, plugin → capabilities (azure, ssh,
//! executor, cache) → config, exchange, perf → leaves (clock, memory, build, atomic_file, nearest).
//! Read from the `crate::` paths in `host/src`; an import up the layers or in
//! a loop fails here unless it is listed as known (issue 22 removed the last
//! of them), and a known one that is gone must leave the list.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of `host/src` and its layer (higher imports lower).
const LAYERS: &[(&str, u8)] = &[
    ("cli", 6),
    ("agent", 5),
    ("render", 5),
    ("runtime", 4),
    ("policy", 3),
    ("plugin", 3),
    ("azure", 2),
    ("ssh", 2),
    ("executor", 2),
    ("cache", 2),
    ("config", 1),
    ("exchange", 1),
    ("perf", 1),
    ("clock", 0),
    ("memory", 0),
    ("build", 0),
    ("atomic_file", 0),
    ("nearest", 0),
];

/// Imports up the layers still there, each to be removed (none now: keep it so).
const KNOWN: &[(&str, &str)] = &[];

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let layers: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../host/src");
    let mut upward = BTreeSet::new();
    for (module, imported) in imports(&source) {
        let layer = |name: &str| {
            *layers
                .get(name)
                .unwrap_or_else(|| panic!("module '{name}' has no layer in LAYERS"))
        };
        let (from, to) = (layer(&module), layer(&imported));
        let looped = from == to && imports_of(&source, &imported).contains(&module);
        if to > from || looped {
            upward.insert((module, imported));
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN
        .iter()
        .map(|(from, to)| (from.to_string(), to.to_string()))
        .collect();
    let new: Vec<_> = upward.difference(&known).collect();
    assert!(
        new.is_empty(),
        "imports up the layers (or in a loop): {new:?}"
    );
    let gone: Vec<_> = known.difference(&upward).collect();
    assert!(gone.is_empty(), "gone, so take them out of KNOWN: {gone:?}");
}

/// Every (module, module it imports) pair of `host/src`'s top-level modules.
fn imports(source: &Path) -> BTreeSet<(String, String)> {
    let mut pairs = BTreeSet::new();
    for entry in std::fs::read_dir(source).expect("host/src") {
        let path = entry.expect("an entry").path();
        let Some(module) = module_name(&path) else {
            continue;
        };
        for imported in imports_of(source, &module) {
            pairs.insert((module.clone(), imported));
        }
    }
    pairs
}

/// The top-level module a file or directory of `host/src` is.
fn module_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let module = name.strip_suffix(".rs").unwrap_or(name);
    let skip = ["lib", "main"];
    (!skip.contains(&module) && (path.is_dir() || name.ends_with(".rs"))).then(|| module.into())
}

/// The other top-level modules `module` names through `crate::`.
fn imports_of(source: &Path, module: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for file in files_of(source, module) {
        let text = std::fs::read_to_string(&file).expect("a source file");
        for after in text.split("crate::").skip(1) {
            found.extend(named_at_start(after));
        }
    }
    found.remove(module);
    found
}

/// The module names right after `crate::`: one, or each of a `{…}` group.
fn named_at_start(after: &str) -> Vec<String> {
    let ident = |text: &str| -> String {
        text.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    match after.strip_prefix('{') {
        Some(group) => {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            let mut names = Vec::new();
            let mut depth = 0;
            let mut start = true;
            for (at, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    _ if start && !c.is_whitespace() => {
                        names.push(ident(&group[at..]));
                        start = false;
                    }
                    _ => {}
                }
            }
            names
        }
        None => vec![ident(after)],
    }
    .into_iter()
    .filter(|name| !name.is_empty() && name.chars().next().is_some_and(|c| c.is_lowercase()))
    .collect()
}

/// The Rust files of top-level module `module`.
fn files_of(source: &Path, module: &str) -> Vec<PathBuf> {
    let file = source.join(format!("{module}.rs"));
    if file.is_file() {
        return vec![file];
    }
    let mut files = Vec::new();
    let mut dirs = vec![source.join(module)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a module directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files
}
