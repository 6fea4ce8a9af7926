//! Hostile plugins: each is stopped by its own limit with its own message,
//! and the host keeps working afterwards.

use azlin::config::{Config, Scope};
use azlin::runtime::{Arguments, Format, Invocation, RunRequest, Runtime, Status, Stop};
use azlin_tests::{Env, Output, Via, fixtures};
use std::sync::Arc;

const EXIT_STOPPED: i32 = 70;

/// Runs a hostile fixture under tight limits, in-process and through the
/// agent, and checks each was stopped with `message` on stderr and exit code
/// 70. Returns both outputs.
fn assert_stopped(fixture: &str, name: &str, args: &[&str], message: &str) -> Vec<Output> {
    let env = Env::new();
    env.tight_limits();
    env.install(fixture, name);
    Via::both()
        .iter()
        .map(|via| {
            let output = via
                .run(env.azlin(std::iter::once(name).chain(args.iter().copied())))
                .code(EXIT_STOPPED);
            assert!(
                output.stderr.contains(message),
                "{}: expected {message:?} in:\n{}",
                via.name(),
                output.stderr
            );
            assert!(
                !output.stderr.contains("stack backtrace"),
                "{}: {}",
                via.name(),
                output.stderr
            );
            output
        })
        .collect()
}

#[test]
fn a_panicking_plugin_reports_its_panic_message() {
    for output in assert_stopped(
        fixtures::PANIC,
        "panic",
        &[],
        "error: plugin 'panic' panicked: the fixture gave up on purpose (at tests/fixtures/plugins/panic/src/lib.rs:",
    ) {
        assert_eq!(output.stdout, "about to panic\n");
    }
}

#[test]
fn an_endless_loop_is_stopped_by_the_cpu_limit() {
    assert_stopped(
        fixtures::SPIN,
        "spin",
        &[],
        "error: plugin 'spin' was stopped: it ran for more than 0.5 s of CPU time",
    );
}

#[test]
fn host_work_for_a_plugin_counts_against_its_cpu_limit() {
    // Each put costs the plugin almost nothing and the host a cache write.
    let env = Env::new();
    env.write_config("[plugin_limits]\ncpu_seconds = 0.5\n\n[cache]\nplugin_quota_mib = 4096\n");
    env.install(fixtures::CACHE, "cache-user");
    for via in Via::both() {
        let put = [
            "cache-user",
            "put",
            "k",
            "--size",
            "100",
            "--copies",
            "1000000",
        ];
        let stopped = via.run(env.azlin(put)).code(EXIT_STOPPED);
        assert!(
            stopped.stderr.contains(
                "error: plugin 'cache-user' was stopped: it ran for more than 0.5 s of CPU time"
            ),
            "{}: {}",
            via.name(),
            stopped.stderr
        );
    }
}

#[test]
fn a_waiting_plugin_is_stopped_by_the_wall_clock_limit() {
    let env = Env::new();
    env.write_config("[plugin_limits]\nwall_seconds = 1\n");
    env.install(fixtures::SPIN, "spin");
    for via in Via::both() {
        let stopped = via
            .run(env.azlin(["spin", "--sleep", "600"]))
            .code(EXIT_STOPPED);
        assert!(
            stopped
                .stderr
                .contains("error: plugin 'spin' was stopped: it ran for more than 1.0 s in all"),
            "{}: {}",
            via.name(),
            stopped.stderr
        );
    }
}

#[test]
fn thousands_of_cache_puts_cost_the_same_each() {
    // Quadratic puts (each measured the whole scope) took minutes here and,
    // with host work counted, are stopped by the CPU limit.
    let env = Env::new();
    env.write_config("[plugin_limits]\ncpu_seconds = 20\n");
    env.install(fixtures::CACHE, "cache-user");
    let put = ["cache-user", "put", "k", "x", "--copies", "20000"];
    let stored = env.azlin(put).success();
    assert_eq!(stored.stdout.lines().count(), 20_000, "{}", stored.stderr);
    assert_eq!(stored.stdout.lines().last(), Some("stored k-20000"));
}

#[test]
fn endless_allocation_is_stopped_by_the_memory_limit() {
    assert_stopped(
        fixtures::HOG,
        "hog",
        &[],
        "error: plugin 'hog' was stopped: it tried to use more than 32 MiB of memory",
    );
}

#[test]
fn flooding_the_output_interface_is_stopped_by_the_output_limit() {
    for output in assert_stopped(
        fixtures::FLOOD,
        "flood",
        &[],
        "error: plugin 'flood' was stopped: it wrote more than 1 MiB of output",
    ) {
        assert!(
            output.stdout.len() < 2 << 20,
            "printed {} bytes",
            output.stdout.len()
        );
    }
}

#[test]
fn snapshots_written_to_a_pipe_count_against_the_output_limit() {
    // Only a snapshot drawn over on a terminal gives its bytes back.
    assert_stopped(
        fixtures::FLOOD,
        "flood",
        &["--frames"],
        "error: plugin 'flood' was stopped: it wrote more than 1 MiB of output",
    );
}

#[test]
fn flooding_wasi_stdout_is_stopped_by_the_same_limit() {
    for output in assert_stopped(
        fixtures::FLOOD,
        "flood",
        &["--stdout"],
        "error: plugin 'flood' was stopped: it wrote more than 1 MiB of output",
    ) {
        assert!(
            output.stdout.is_empty(),
            "WASI stdout must not reach the terminal"
        );
    }
}

/// Runs `command` through the runtime in this process and returns its status.
async fn run(runtime: &Arc<Runtime>, env: &Env, command: &str) -> (Status, usize) {
    let config = Config::load(&env.config_file()).expect("config loads");
    let limits = config.limits().expect("limits parse");
    let request = RunRequest {
        command: command.into(),
        arguments: Arguments::default(),
        invocation: Invocation {
            command: command.into(),
            format: Format::Json,
            interactive: false,
            can_ask: false,
            width: None,
            verbosity: 0,
            cwd: None,
        },
        scope: Scope::for_run(&env.paths(), &config),
        config: Arc::new(config),
        paths: env.paths(),
        limits,
    };
    let mut handle = runtime.run(request);
    let mut events = 0;
    while handle.events.recv().await.is_some() {
        events += 1;
    }
    let outcome = handle.outcome.await.expect("the run task completes");
    (outcome.status, events)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_each_hostile_plugin_the_same_runtime_still_runs_a_command() {
    let env = Env::new();
    env.tight_limits();
    env.install(fixtures::NORMAL, "normal");
    for (fixture, name) in [
        (fixtures::PANIC, "panic"),
        (fixtures::SPIN, "spin"),
        (fixtures::HOG, "hog"),
        (fixtures::FLOOD, "flood"),
    ] {
        env.install(fixture, name);
    }
    let runtime = Runtime::new(&env.paths()).expect("runtime starts");
    for hostile in ["panic", "spin", "hog", "flood"] {
        let (status, _) = run(&runtime, &env, hostile).await;
        assert!(
            matches!(status, Status::Stopped(Stop::Panic(_) | Stop::Limit(_))),
            "{hostile}: {status:?}"
        );
        let (status, events) = run(&runtime, &env, "normal").await;
        assert_eq!(status, Status::Success, "normal after {hostile}");
        assert_eq!(
            events, 7,
            "table + 3 rows + record + text + warning after {hostile}"
        );
    }
}
