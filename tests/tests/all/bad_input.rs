//! Bad input of every kind gets a message naming the problem, a non-zero
//! exit, and never a panic or a stack trace.

use azlin_tests::{Env, Output, fixtures};

fn assert_clean(output: &Output) {
    assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
    assert!(
        !output.stderr.contains("stack backtrace"),
        "{}",
        output.stderr
    );
    assert!(
        !output.stderr.contains("RUST_BACKTRACE"),
        "{}",
        output.stderr
    );
}

#[test]
fn an_unknown_host_flag_is_named() {
    let output = Env::new().azlin(["--bogus"]).code(2);
    assert!(
        output.stderr.contains("unexpected argument '--bogus'"),
        "{}",
        output.stderr
    );
    assert_clean(&output);
}

#[test]
fn an_unknown_plugin_flag_is_named_with_the_command_usage() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    let output = env.azlin(["normal", "--bogus"]).code(2);
    assert!(
        output.stderr.contains("unexpected argument '--bogus'"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("Usage: azlin normal"),
        "{}",
        output.stderr
    );
    assert_clean(&output);
}

#[test]
fn a_plugin_flag_value_outside_its_type_is_refused() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    let output = env.azlin(["normal", "--count", "many"]).code(2);
    assert!(
        output.stderr.contains("invalid value 'many' for 'count'"),
        "{}",
        output.stderr
    );
    assert_clean(&output);
}

#[test]
fn a_missing_plugin_suggests_the_nearest_command() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    let output = env.azlin(["norml"]).code(2);
    assert!(
        output.stderr.contains("error: unknown command 'norml'"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .contains("tip: a similar command exists: 'normal'"),
        "{}",
        output.stderr
    );
    assert_clean(&output);
}

#[test]
fn a_missing_plugin_without_a_near_name_says_where_to_look() {
    let output = Env::new().azlin(["xyzzy"]).code(2);
    assert!(
        output.stderr.contains("error: unknown command 'xyzzy'"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains("tip:"), "{}", output.stderr);
    assert!(
        output.stderr.contains("azlin plugin list"),
        "{}",
        output.stderr
    );
}

#[test]
fn random_bytes_are_not_a_component() {
    let env = Env::new();
    let file = env.write_file(b"this is not webassembly at all", "junk.wasm");
    let output = env.azlin(["plugin", "install", path(&file)]).code(1);
    assert!(
        output.stderr.contains("is not a WebAssembly component"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("magic bytes"), "{}", output.stderr);
    assert_clean(&output);
}

#[test]
fn a_truncated_component_fails_to_compile_with_its_name() {
    let env = Env::new();
    let bytes = std::fs::read(fixtures::NORMAL).expect("fixture");
    let file = env.write_file(&bytes[..bytes.len() / 2], "cut.wasm");
    let output = env.azlin(["plugin", "install", path(&file)]).code(1);
    assert!(output.stderr.contains("plugin 'cut'"), "{}", output.stderr);
    assert!(
        output.stderr.contains("could not be compiled"),
        "{}",
        output.stderr
    );
    assert_clean(&output);
}

#[test]
fn a_core_module_is_told_to_be_built_as_a_component() {
    let env = Env::new();
    let file = env.write_file(b"\0asm\x01\0\0\0", "core.wasm");
    let output = env.azlin(["plugin", "install", path(&file)]).code(1);
    assert!(
        output.stderr.contains("core WebAssembly module"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("wasm32-wasip2"), "{}", output.stderr);
}

#[test]
fn a_precompiled_artifact_installed_as_a_plugin_is_refused() {
    let env = Env::new();
    let bytes = std::fs::read(fixtures::NORMAL).expect("fixture");
    let artifact = wasmtime::Engine::default()
        .precompile_component(&bytes)
        .expect("precompile");
    let file = env.write_file(&artifact, "artifact.wasm");
    let output = env.azlin(["plugin", "install", path(&file)]).code(1);
    assert!(
        output
            .stderr
            .contains("is a precompiled wasmtime artifact, not a component"),
        "{}",
        output.stderr
    );
    assert_clean(&output);
}

#[test]
fn a_plugin_file_copied_in_unapproved_is_refused_until_installed() {
    let env = Env::new();
    let bytes = std::fs::read(fixtures::NORMAL).expect("fixture");
    let dropped = env.drop_plugin(&bytes, "other");
    let output = env.azlin(["other"]).code(1);
    assert!(
        output.stderr.contains("is not installed"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .contains(&format!("azlin plugin install {}", dropped.display())),
        "{}",
        output.stderr
    );
    assert_clean(&output);
    env.azlin(["plugin", "install", path(&dropped), "--yes"])
        .success();
    assert!(
        env.plugin_dir().join("normal.wasm").is_file(),
        "installed under the name it describes itself with"
    );
    env.azlin(["normal"]).success();
}

#[test]
fn invalid_config_toml_names_the_file_and_the_fix() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    env.write_config("default_region = \"westus2\nbroken");
    let output = env.azlin(["normal"]).code(1);
    assert!(
        output.stderr.contains("is not valid TOML"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("config.toml"), "{}", output.stderr);
    assert!(output.stderr.contains("move it aside"), "{}", output.stderr);
    assert_clean(&output);
}

#[test]
fn a_limit_of_the_wrong_type_is_named() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    env.write_config("[plugin_limits]\nmemory_mib = \"lots\"\n");
    let output = env.azlin(["normal"]).code(1);
    assert!(
        output.stderr.contains("plugin_limits.memory_mib"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("a positive number"),
        "{}",
        output.stderr
    );
}

fn path(file: &std::path::Path) -> &str {
    file.to_str().expect("a UTF-8 temp path")
}
