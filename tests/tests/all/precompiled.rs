//! The precompiled cache: a second run does not compile, and an artifact
//! azlin cannot prove it wrote from the approved bytes (another engine's,
//! another plugin's, garbage) is compiled again, never run. Built-ins run
//! from the native code inside the binary and never read the cache.

use azlin::runtime::Runtime;
use azlin_sim::Options;
use azlin_tests::sim::{azlin_at, start};
use azlin_tests::{Env, Output, Run, fixtures, vm_names, wait};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

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

/// Digest of the component at `source`.
fn digest_of(source: &str) -> String {
    hex::encode(Sha256::digest(
        std::fs::read(source).expect("fixture bytes"),
    ))
}

/// The artifact path of the component with digest `sha256` in `env`.
fn artifact_of(env: &Env, sha256: &str) -> PathBuf {
    Runtime::new(&env.paths())
        .expect("runtime")
        .precompiled()
        .artifact(sha256)
}

/// The proof beside `artifact`.
fn proof_of(artifact: &Path) -> PathBuf {
    PathBuf::from(format!("{}.mac", artifact.display()))
}

/// `source` compiled by an engine configured as azlin's: native code azlin
/// would run, but not written by azlin.
fn compiled_elsewhere(source: &str) -> Vec<u8> {
    azlin::plugin::engine()
        .expect("engine")
        .precompile_component(&std::fs::read(source).expect("fixture bytes"))
        .expect("precompile")
}

/// Puts `bytes` in place of `target` the way a file copied over it lands:
/// written beside it, then renamed onto it.
fn plant(bytes: &[u8], target: &Path) {
    std::fs::create_dir_all(target.parent().expect("a parent")).expect("mkdir");
    let beside = target.with_extension("planting");
    std::fs::write(&beside, bytes).expect("write the planted file");
    std::fs::rename(&beside, target).expect("plant");
}

/// Plants the artifact `from` in place of `target`, with the proof beside
/// `from` if there is one (a build that writes none has none to copy), and
/// returns the planted artifact's bytes.
fn plant_with_proof(from: &Path, target: &Path) -> Vec<u8> {
    let planted = std::fs::read(from).expect("the artifact to plant");
    plant(&planted, target);
    if let Ok(proof) = std::fs::read(proof_of(from)) {
        plant(&proof, &proof_of(target));
    }
    planted
}

/// Asserts the artifact at `artifact` is no longer `planted` and that the
/// next run of `command` maps azlin's own artifact without a warning.
fn assert_replaced_by_genuine(env: &Env, artifact: &Path, planted: &[u8], command: &[&str]) {
    assert_ne!(
        std::fs::read(artifact).expect("an artifact"),
        planted,
        "the planted file was replaced"
    );
    let next = env.azlin(command).env("AZLIN_LOG", "azlin=debug").success();
    assert!(next.stderr.contains("precompiled hit"), "{}", next.stderr);
    assert!(!next.stderr.contains("unusable"), "{}", next.stderr);
}

#[test]
fn another_plugins_artifact_under_an_approved_plugins_name_is_recompiled_not_run() {
    let env = Env::new();
    env.install(fixtures::READER, "reader");
    env.install(fixtures::NORMAL, "normal");
    let normal = artifact_of(&env, &digest_of(fixtures::NORMAL));
    let reader = artifact_of(&env, &digest_of(fixtures::READER));
    let reader_bytes = std::fs::read(&reader).expect("reader's artifact");
    let elsewhere = compiled_elsewhere(fixtures::IMPOSTOR);
    let ways: [(&str, &dyn Fn() -> Vec<u8>); 4] = [
        ("artifact only", &|| {
            plant(&reader_bytes, &normal);
            reader_bytes.clone()
        }),
        ("artifact and its own proof", &|| {
            plant_with_proof(&reader, &normal)
        }),
        ("artifact, proof removed", &|| {
            plant(&reader_bytes, &normal);
            let _ = std::fs::remove_file(proof_of(&normal));
            reader_bytes.clone()
        }),
        ("compiled elsewhere, into an empty cache", &|| {
            std::fs::remove_dir_all(env.cache_dir()).expect("empty the cache");
            plant(&elsewhere, &normal);
            elsewhere.clone()
        }),
    ];
    for (way, attack) in ways {
        let planted = attack();
        let output = env.azlin(["normal", "--count", "1"]).success();
        assert!(
            output.stdout.contains("Total: 1 VMs"),
            "{way}: {}",
            output.stdout
        );
        assert!(
            !output.stdout.contains("impostor"),
            "{way}: {}",
            output.stdout
        );
        assert!(
            output.stderr.contains("is unusable")
                && output.stderr.contains("compiling plugin 'normal'"),
            "{way}: {}",
            output.stderr
        );
        assert_replaced_by_genuine(&env, &normal, &planted, &["normal", "--count", "1"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_artifact_planted_under_a_builtins_name_does_not_run_as_the_builtin() {
    let sim = start(Options {
        vms: 3,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    env.install(fixtures::READER, "reader");
    let list = builtin_digest(&env, "list");
    let artifact = artifact_of(&env, &list);
    let reader = artifact_of(&env, &digest_of(fixtures::READER));
    let args = ["list", "-a", "--all", "--no-tmux", "-o", "json"];
    let expected = vm_names(&run_blocking(azlin_at(&env, &sim, &args)).await);
    assert_eq!(expected.len(), 3);
    let scratch = tempfile::tempdir().expect("a temp dir");
    let elsewhere = scratch.path().join("impostor.cwasm");
    std::fs::write(&elsewhere, compiled_elsewhere(fixtures::IMPOSTOR)).expect("write");
    for (way, from) in [
        ("another plugin compiled elsewhere", &elsewhere),
        ("another plugin's artifact and proof", &reader),
    ] {
        let planted = plant_with_proof(from, &artifact);
        let output = run_blocking(azlin_at(&env, &sim, &args)).await;
        assert_eq!(vm_names(&output), expected, "{way}: {}", output.stderr);
        assert!(
            !output.stdout.contains("impostor"),
            "{way}: {}",
            output.stdout
        );
        assert_eq!(
            std::fs::read(&artifact).expect("an artifact"),
            planted,
            "{way}: a built-in runs from the binary and never reads the cache"
        );
    }
}

#[test]
fn a_garbage_truncated_or_special_artifact_is_recompiled_and_the_command_works() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    let artifact = artifact_of(&env, &digest_of(fixtures::NORMAL));
    let genuine = std::fs::read(&artifact).expect("the genuine artifact");
    let command = ["normal", "--count", "1"];
    for (way, planted) in [
        ("garbage", b"\x7fELF not really native code".to_vec()),
        ("truncated", genuine[..genuine.len() / 2].to_vec()),
        ("empty", Vec::new()),
    ] {
        plant(&planted, &artifact);
        let output = env.azlin(command).success();
        assert!(
            output.stdout.contains("Total: 1 VMs"),
            "{way}: {}",
            output.stdout
        );
        assert!(
            output.stderr.contains("is unusable"),
            "{way}: {}",
            output.stderr
        );
        assert_replaced_by_genuine(&env, &artifact, &planted, &command);
    }
    std::fs::remove_file(&artifact).expect("remove the artifact");
    std::os::unix::fs::symlink(env.config_file(), &artifact).expect("a link in its place");
    let output = env.azlin(command).success();
    assert!(
        output.stdout.contains("Total: 1 VMs"),
        "link: {}",
        output.stdout
    );
    assert!(
        !artifact.is_symlink(),
        "the link was replaced by an artifact"
    );
}

#[test]
fn an_artifact_copied_by_the_user_still_loads_without_compiling() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    let artifact = artifact_of(&env, &digest_of(fixtures::NORMAL));
    let genuine = std::fs::read(&artifact).expect("the genuine artifact");
    plant(&genuine, &artifact);
    let output = env
        .azlin(["normal", "--count", "1"])
        .env("AZLIN_LOG", "azlin=debug")
        .success();
    assert!(
        output.stderr.contains("precompiled hit"),
        "{}",
        output.stderr
    );
    assert!(
        !output.stderr.contains("compiled plugin"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains("unusable"), "{}", output.stderr);
}

#[test]
fn plugin_verify_does_not_call_a_planted_artifact_ok() {
    let env = Env::new();
    env.install(fixtures::READER, "reader");
    env.install(fixtures::NORMAL, "normal");
    let normal = artifact_of(&env, &digest_of(fixtures::NORMAL));
    let reader = artifact_of(&env, &digest_of(fixtures::READER));
    let planted = plant_with_proof(&reader, &normal);
    let verify = env.azlin(["plugin", "verify", "normal"]).success();
    assert!(
        verify.stderr.contains("is unusable")
            && verify.stderr.contains(&normal.display().to_string()),
        "verify names the planted artifact: {}",
        verify.stderr
    );
    assert_replaced_by_genuine(&env, &normal, &planted, &["normal", "--count", "1"]);
}

#[test]
fn another_plugins_description_under_an_approved_plugins_name_is_not_believed() {
    let env = Env::new();
    env.install(fixtures::READER, "reader");
    env.install(fixtures::NORMAL, "normal");
    let described = |source: &str| {
        env.cache_dir()
            .join("descriptions")
            .join(format!("{}.json", digest_of(source)))
    };
    let reader = std::fs::read(described(fixtures::READER)).expect("reader's description");
    let mut unsealed: serde_json::Value = serde_json::from_slice(
        reader
            .splitn(2, |&byte| byte == b'\n')
            .last()
            .expect("a payload"),
    )
    .expect("JSON");
    unsealed["name"] = "normal".into();
    for (way, planted) in [
        ("sealed for another plugin", reader.clone()),
        (
            "unsealed, renamed",
            serde_json::to_vec(&unsealed).expect("JSON"),
        ),
    ] {
        plant(&planted, &described(fixtures::NORMAL));
        let help = env.azlin(["normal", "--help"]).success();
        assert!(
            help.stdout.contains("A test fixture that emits a table")
                && !help.stdout.contains("lists VMs"),
            "{way}: {}",
            help.stdout
        );
        let output = env.azlin(["normal", "--count", "1"]).success();
        assert!(
            output.stdout.contains("Total: 1 VMs"),
            "{way}: {}",
            output.stdout
        );
    }
}

#[test]
fn through_a_fresh_agent_a_planted_artifact_runs_as_the_approved_plugin() {
    let env = Env::new();
    env.install(fixtures::READER, "reader");
    env.install(fixtures::NORMAL, "normal");
    let command = ["normal", "--count", "1"];
    let warm = through_fresh_agent(&env, &command, &[]);
    assert!(warm.stdout.contains("Total: 1 VMs"), "{}", warm.stdout);
    let normal = artifact_of(&env, &digest_of(fixtures::NORMAL));
    let reader = artifact_of(&env, &digest_of(fixtures::READER));
    let planted = plant_with_proof(&reader, &normal);
    let output = through_fresh_agent(&env, &command, &[]);
    assert!(output.stdout.contains("Total: 1 VMs"), "{}", output.stdout);
    assert_ne!(
        std::fs::read(&normal).expect("an artifact"),
        planted,
        "the agent replaced the planted file"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_a_fresh_agent_an_artifact_planted_under_a_builtins_name_does_not_run() {
    let sim = start(Options {
        vms: 2,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    let args = ["list", "-a", "--all", "--no-tmux", "-o", "json"];
    let expected = vm_names(&tokio::task::block_in_place(|| {
        through_fresh_agent(&env, &args, &sim.environment())
    }));
    assert_eq!(expected.len(), 2);
    let artifact = artifact_of(&env, &builtin_digest(&env, "list"));
    let planted = compiled_elsewhere(fixtures::IMPOSTOR);
    plant(&planted, &artifact);
    let output =
        tokio::task::block_in_place(|| through_fresh_agent(&env, &args, &sim.environment()));
    assert_eq!(vm_names(&output), expected, "{}", output.stderr);
    assert!(!output.stdout.contains("impostor"), "{}", output.stdout);
    assert_eq!(
        std::fs::read(&artifact).expect("an artifact"),
        planted,
        "a built-in runs from the binary and never reads the cache"
    );
}

/// The digest of the built-in `name`.
fn builtin_digest(env: &Env, name: &str) -> String {
    azlin::plugin::Catalog::new(env.plugin_dir())
        .find(name)
        .expect("a built-in")
        .read()
        .expect("its bytes")
        .sha256
}

async fn run_blocking(run: Run) -> Output {
    tokio::task::spawn_blocking(move || run.output())
        .await
        .expect("the run finishes")
}

/// Runs `args` (with `vars` set) through an agent of its own, started by
/// that run and stopped after it, so the plugin is loaded anew.
fn through_fresh_agent(env: &Env, args: &[&str], vars: &[(String, String)]) -> Output {
    let runtime = tempfile::tempdir().expect("a runtime dir");
    let run = |args: &[&str]| {
        vars.iter().fold(
            env.azlin(args).through_agent(runtime.path()),
            |run, (name, value)| run.env(name, value),
        )
    };
    let output = run(args).output();
    assert_eq!(output.code, 0, "{}", output.stderr);
    let status = run(&["agent", "status", "-o", "json"]).success();
    let json: serde_json::Value = serde_json::from_str(&status.stdout).expect("status JSON");
    let pid = json["agent"]["pid"]
        .as_u64()
        .expect("an agent served the run");
    run(&["agent", "stop"]).success();
    wait::for_exit_of(pid);
    output
}
