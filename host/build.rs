//! Builds the built-in command plugins for wasm32-wasip2 and embeds them in
//! the binary, each with its native code precompiled for the engine azlin
//! runs plugins on, so the first command after installing compiles nothing
//! (see `src/plugin/builtin.rs`).

use std::fmt::Write;
use std::path::{Path, PathBuf};

include!("src/plugin/engine_config.rs");

fn main() {
    let root = azlin_plugin_build::workspace_root();
    let plugins = root.join("plugins");
    let packages = azlin_plugin_build::packages_in(&plugins, "azlin-plugin-", &["sdk"]);
    let dirs: Vec<PathBuf> = packages
        .iter()
        .map(|package| plugins.join(package.trim_start_matches("azlin-plugin-")))
        .collect();
    let built = azlin_plugin_build::build(&packages, &dirs);

    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let engine = wasmtime::Engine::new(&engine_config()).expect("a wasmtime engine");
    let mut table =
        String::from("/// The built-in plugins, by name.\npub static BUILTINS: &[Builtin] = &[\n");
    for plugin in &built {
        let copy = out.join(format!("{}.wasm", plugin.name));
        std::fs::copy(&plugin.path, &copy).expect("copy the built plugin into OUT_DIR");
        let artifact = precompile(&engine, &copy);
        writeln!(
            table,
            "    Builtin {{ name: {:?}, sha256: {:?}, bytes: include_bytes!({:?}), artifact: include_bytes!({:?}) }},",
            plugin.name, plugin.sha256, copy, artifact
        )
        .expect("write to a String");
    }
    table.push_str("];\n");
    std::fs::write(out.join("builtin_plugins.rs"), table).expect("write builtin_plugins.rs");
}

/// Compiles the component at `wasm` to native code beside it (`.cwasm`).
fn precompile(engine: &wasmtime::Engine, wasm: &Path) -> PathBuf {
    let bytes = std::fs::read(wasm).expect("read the built plugin");
    let artifact = engine
        .precompile_component(&bytes)
        .unwrap_or_else(|error| panic!("cannot precompile {}: {error}", wasm.display()));
    let path = wasm.with_extension("cwasm");
    std::fs::write(&path, artifact).expect("write the precompiled plugin into OUT_DIR");
    path
}
