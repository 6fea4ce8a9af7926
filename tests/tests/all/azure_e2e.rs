//! A plugin reading VMs through the built binary, against the simulator, on
//! the real credential path (managed identity from the environment).

use azlin_sim::{Options, Sim};
use azlin_tests::{Env, Output, fixtures};

async fn run(env: &Env, sim: &Sim, args: &'static [&'static str]) -> Output {
    let mut run = env.azlin(args.iter().copied());
    for (name, value) in sim.environment() {
        run = run.env(&name, &value);
    }
    tokio::task::spawn_blocking(move || run.output())
        .await
        .expect("the run finishes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_lists_the_simulated_subscription_then_hits_the_cache() {
    let sim = Sim::start(
        Options {
            vms: 30,
            ..Options::default()
        },
        0,
    )
    .await
    .expect("sim");
    let env = Env::new();
    env.install(fixtures::READER, "reader");

    let first = run(&env, &sim, &["reader"]).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout, "30 VMs\n");
    let counts = sim.state.counts();
    assert_eq!(
        counts.get("token"),
        Some(&1),
        "one token from the managed-identity endpoint"
    );
    assert_eq!(sim.state.arm_total(), 4, "{counts:?}");

    sim.state.reset_counts();
    let second = run(&env, &sim, &["reader"]).await;
    assert_eq!(second.stdout, "30 VMs\n", "{}", second.stderr);
    assert_eq!(
        sim.state.arm_total(),
        0,
        "served from the cache: {:?}",
        sim.state.counts()
    );
    assert_eq!(
        sim.state.counts().get("token"),
        None,
        "no token needed for cached answers"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_subscription_the_plugin_gets_a_clear_error() {
    let env = Env::new();
    env.install(fixtures::READER, "reader");
    let output = tokio::task::spawn_blocking(move || env.azlin(["reader"]).output())
        .await
        .expect("finishes");
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("no subscription chosen"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("AZURE_SUBSCRIPTION_ID"),
        "{}",
        output.stderr
    );
}
