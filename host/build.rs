//! Builds the built-in command plugins for wasm32-wasip2 and embeds them in
//! the binary (see `src/plugin/builtin.rs`).

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let root = azlin_plugin_build::workspace_root();
    let plugins = root.join("plugins");
    let packages: Vec<String> =
        azlin_plugin_build::packages_in(&plugins, "azlin-plugin-", &["sdk", "build"])
            .into_iter()
            .filter(|package| !package.starts_with("azlin-plugin-fixture-"))
            .collect();
    let dirs: Vec<PathBuf> = packages
        .iter()
        .map(|package| plugins.join(package.trim_start_matches("azlin-plugin-")))
        .collect();
    let built = azlin_plugin_build::build(&packages, &dirs);

    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut table =
        String::from("/// The built-in plugins, by name.\npub static BUILTINS: &[Builtin] = &[\n");
    for plugin in &built {
        let copy = out.join(format!("{}.wasm", plugin.name));
        std::fs::copy(&plugin.path, &copy).expect("copy the built plugin into OUT_DIR");
        writeln!(
            table,
            "    Builtin {{ name: {:?}, sha256: {:?}, bytes: include_bytes!({:?}) }},",
            plugin.name, plugin.sha256, copy
        )
        .expect("write to a String");
    }
    table.push_str("];\n");
    std::fs::write(out.join("builtin_plugins.rs"), table).expect("write builtin_plugins.rs");
}
