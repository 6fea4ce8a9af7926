//! The precompiled cache: a second run does not compile, and an artifact
//! from another engine configuration is replaced, not trusted.

use azlin::runtime::Runtime;
use azlin_tests::{Env, fixtures};
use sha2::{Digest, Sha256};

#[tokio::test]
async fn a_second_runtime_loads_the_precompiled_artifact_without_compiling() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    forget_compiled(&env);
    let first = Runtime::new(&env.paths()).expect("runtime starts");
    first.load("normal").await.expect("normal loads");
    assert_eq!(first.precompiled().counts(), (1, 0), "first load compiles");
    drop(first);
    let second = Runtime::new(&env.paths()).expect("runtime starts");
    second.load("normal").await.expect("normal loads");
    assert_eq!(
        second.precompiled().counts(),
        (0, 1),
        "second load is a precompiled hit"
    );
}

#[test]
fn the_second_run_of_a_command_reports_a_precompiled_hit() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    forget_compiled(&env);
    let first = env
        .azlin(["normal"])
        .env("AZLIN_LOG", "azlin=debug")
        .success();
    assert!(
        first.stderr.contains("compiled plugin 'normal'"),
        "{}",
        first.stderr
    );
    assert!(
        !first.stderr.contains("precompiled hit"),
        "{}",
        first.stderr
    );
    let second = env
        .azlin(["normal"])
        .env("AZLIN_LOG", "azlin=debug")
        .success();
    assert!(
        second
            .stderr
            .contains("precompiled hit for plugin 'normal'"),
        "{}",
        second.stderr
    );
    assert!(
        !second.stderr.contains("compiled plugin"),
        "{}",
        second.stderr
    );
}

#[tokio::test]
async fn an_artifact_from_another_engine_configuration_is_recompiled_with_a_warning() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    let bytes = std::fs::read(fixtures::NORMAL).expect("fixture bytes");
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let artifact = Runtime::new(&env.paths())
        .expect("runtime")
        .precompiled()
        .artifact(&sha256);
    let mut other = wasmtime::Config::new();
    other
        .epoch_interruption(false)
        .cranelift_opt_level(wasmtime::OptLevel::None);
    let foreign = wasmtime::Engine::new(&other)
        .expect("engine")
        .precompile_component(&bytes)
        .expect("precompile");
    std::fs::create_dir_all(artifact.parent().expect("artifact dir")).expect("mkdir");
    std::fs::write(&artifact, foreign).expect("plant the foreign artifact");

    let output = env.azlin(["normal", "--count", "1"]).success();
    assert!(
        output.stderr.contains("precompiled artifact"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("is unusable"), "{}", output.stderr);
    assert!(
        output.stderr.contains("compiling plugin 'normal'"),
        "{}",
        output.stderr
    );
    assert!(output.stdout.contains("vm-1"));
    let again = env.azlin(["normal", "--count", "1"]).success();
    assert!(
        !again.stderr.contains("unusable"),
        "the artifact was replaced: {}",
        again.stderr
    );
}

/// Empties the precompiled cache, which `plugin install` filled when it
/// compiled the plugin to review it.
fn forget_compiled(env: &Env) {
    std::fs::remove_dir_all(env.cache_dir()).expect("remove the cache directory");
}
