//! What azlin's adaptive fan-out (`azlin::executor`) costs per task: no-op
//! async tasks through `FanOut::start` and `next`, on the single-threaded
//! runtime a command runs on and on the agent's multi-threaded one, beside
//! bare tokio tasks (a `JoinSet`) on the same runtime. Counted per task.

use azlin::executor::{FanOut, workers};
use divan::Bencher;
use divan::counter::ItemsCount;
use tokio::runtime::Runtime;

/// Tasks per fan-out.
const TASKS: [usize; 3] = [10, 100, 1_000];

fn main() {
    divan::main();
}

/// A command's runtime (`azlin` in its own process).
fn current_thread() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio")
}

/// The agent's runtime: one worker per core.
fn multi_thread() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio")
}

/// One fan-out of `tasks` no-op tasks, `workers` at once; every result
/// collected in completion order.
async fn fan_out(tasks: usize, workers: usize) {
    let mut fan_out = FanOut::start((0..tasks).collect(), workers, |item| async move { item });
    let mut done = 0;
    while let Some((_, result)) = fan_out.next().await {
        result.expect("a no-op task does not panic");
        done += 1;
    }
    assert_eq!(done, tasks);
}

/// The same tasks spawned on a bare `JoinSet`: tokio's own cost.
async fn join_set(tasks: usize) {
    let mut set = tokio::task::JoinSet::new();
    for item in 0..tasks {
        set.spawn(async move { item });
    }
    assert_eq!(set.join_all().await.len(), tasks);
}

/// Times `work()` on `tokio`, counted per task.
fn per_task<F: Future<Output = ()>>(
    bencher: Bencher,
    tokio: Runtime,
    tasks: usize,
    work: impl Fn() -> F,
) {
    bencher
        .counter(ItemsCount::new(tasks))
        .bench_local(|| tokio.block_on(work()));
}

/// `FanOut` with as many workers as azlin picks (`workers(n, None)`: every
/// host at once up to 32 per core, chosen outside the timing: see
/// [`choose_workers`]), in a command's runtime.
#[divan::bench(args = TASKS)]
fn fan_out_in_a_command(bencher: Bencher, tasks: usize) {
    let workers = workers(tasks, None);
    per_task(bencher, current_thread(), tasks, || fan_out(tasks, workers));
}

/// As above, on the agent's multi-threaded runtime.
#[divan::bench(args = TASKS)]
fn fan_out_in_the_agent(bencher: Bencher, tasks: usize) {
    let workers = workers(tasks, None);
    per_task(bencher, multi_thread(), tasks, || fan_out(tasks, workers));
}

/// `FanOut` capped at 10 workers (`--max-workers 10`): tasks queue on its
/// semaphore.
#[divan::bench(args = TASKS)]
fn fan_out_ten_workers(bencher: Bencher, tasks: usize) {
    per_task(bencher, current_thread(), tasks, || fan_out(tasks, 10));
}

/// Baseline: bare tokio tasks in a command's runtime.
#[divan::bench(args = TASKS)]
fn join_set_in_a_command(bencher: Bencher, tasks: usize) {
    per_task(bencher, current_thread(), tasks, || join_set(tasks));
}

/// Baseline: bare tokio tasks on the agent's runtime.
#[divan::bench(args = TASKS)]
fn join_set_in_the_agent(bencher: Bencher, tasks: usize) {
    per_task(bencher, multi_thread(), tasks, || join_set(tasks));
}

/// Choosing the worker count, once per fan-out: `available_parallelism`
/// reads the process's cgroup limits each call.
#[divan::bench]
fn choose_workers() -> usize {
    workers(divan::black_box(1_000), None)
}
