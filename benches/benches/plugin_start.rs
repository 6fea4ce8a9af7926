//! Plugin start-up from the precompiled cache: what every `azlin` command
//! pays before the plugin's own work. Uses the built-in `doctor` plugin.

use azlin::config::{Config, Paths};
use azlin::runtime::{Arguments, Format, Invocation, RunRequest, Runtime, Status};
use std::sync::Arc;

fn main() {
    divan::main();
}

struct Fixture {
    _dir: tempfile::TempDir,
    paths: Paths,
    tokio: tokio::runtime::Runtime,
}

impl Fixture {
    /// A user environment whose precompiled cache already holds `doctor`.
    fn warm() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = Paths::under(dir.path());
        let tokio = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio");
        let runtime = Runtime::new(&paths).expect("runtime");
        tokio
            .block_on(runtime.load("doctor"))
            .expect("doctor compiles");
        Self {
            _dir: dir,
            paths,
            tokio,
        }
    }
}

fn request(paths: &Paths) -> RunRequest {
    RunRequest {
        command: "doctor".into(),
        arguments: Arguments::default(),
        invocation: Invocation {
            command: "doctor".into(),
            format: Format::Json,
            interactive: false,
            can_ask: false,
            width: None,
            verbosity: 0,
            cwd: None,
        },
        config: Arc::new(Config::default()),
        paths: paths.clone(),
        scope: Ok(Default::default()),
        limits: Default::default(),
    }
}

async fn run_once(runtime: &Arc<Runtime>, paths: &Paths) {
    let mut handle = runtime.run(request(paths));
    while handle.events.recv().await.is_some() {}
    let outcome = handle.outcome.await.expect("run completes");
    assert_eq!(outcome.status, Status::Success);
}

/// What a fresh process pays: engine and linker, map the precompiled
/// component in, read its cached description, instantiate, call `run`.
#[divan::bench]
fn new_runtime_load_instantiate_call(bencher: divan::Bencher) {
    let fixture = Fixture::warm();
    bencher.bench_local(|| {
        let runtime = Runtime::new(&fixture.paths).expect("runtime");
        fixture.tokio.block_on(run_once(&runtime, &fixture.paths));
    });
}

/// Map the precompiled component in and read its description (fresh runtime).
#[divan::bench]
fn load_from_precompiled_cache(bencher: divan::Bencher) {
    let fixture = Fixture::warm();
    bencher
        .with_inputs(|| Runtime::new(&fixture.paths).expect("runtime"))
        .bench_local_values(|runtime| {
            fixture
                .tokio
                .block_on(runtime.load("doctor"))
                .expect("load");
            runtime
        });
}

/// A loaded plugin: a fresh store and instance, then the `run` call.
#[divan::bench]
fn instantiate_and_call_loaded(bencher: divan::Bencher) {
    let fixture = Fixture::warm();
    let runtime = Runtime::new(&fixture.paths).expect("runtime");
    fixture
        .tokio
        .block_on(runtime.load("doctor"))
        .expect("load");
    bencher.bench_local(|| fixture.tokio.block_on(run_once(&runtime, &fixture.paths)));
}
