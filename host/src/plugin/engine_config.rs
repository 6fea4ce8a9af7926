// The wasmtime configuration plugins run under. `host/build.rs` includes this
// file to precompile the built-in plugins with exactly these settings, so
// their artifacts load in the engine `engine::engine` makes.

/// Epoch interruption (the CPU and wall limits) and the component model.
pub fn engine_config() -> wasmtime::Config {
    let mut config = wasmtime::Config::new();
    config.epoch_interruption(true).wasm_component_model(true);
    config
}
