//! Builds the fixture plugins (`tests/fixtures/plugins/*`) and the out-of-tree
//! example plugin (`examples/disk-usage`), and exposes their paths as
//! constants in `fixtures.rs`.

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let root = azlin_plugin_build::workspace_root();
    let plugins = root.join("tests/fixtures/plugins");
    let packages = azlin_plugin_build::packages_in(&plugins, "fixture-", &[]);
    let dirs: Vec<PathBuf> = packages
        .iter()
        .map(|package| plugins.join(package.trim_start_matches("fixture-")))
        .collect();
    let mut built = azlin_plugin_build::build(&packages, &dirs);
    built.push(azlin_plugin_build::build_out_of_tree(
        &root.join("examples/disk-usage"),
    ));
    let mut consts = String::new();
    for plugin in &built {
        writeln!(
            consts,
            "/// The `{}` fixture component.\npub const {}: &str = {:?};",
            plugin.name,
            plugin.name.to_uppercase().replace('-', "_"),
            plugin.path
        )
        .expect("write to a String");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("fixtures.rs"), consts).expect("write fixtures.rs");
}
