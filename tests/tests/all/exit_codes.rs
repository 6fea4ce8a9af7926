//! Exit codes scripts can tell apart (README): 2 when the command line is
//! wrong, 1 when a command that parsed could not be done, in-process and
//! through the agent.

use azlin_sim::Options;
use azlin_tests::sim::{azlin_via, start};
use azlin_tests::{Env, Via};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_command_line_is_2_and_a_failed_command_is_1() {
    let sim = start(Options {
        vms: 4,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    env.write_config("default_resource_group = \"rg-0\"\n");
    for via in Via::both() {
        for (args, code, said) in [
            (&["list", "--bogus"][..], 2, "--bogus"),
            (&["new", "--size", "huge"][..], 2, "is neither a tier"),
            (
                &["batch", "command", "uptime"][..],
                2,
                "choose VMs with --all",
            ),
            (
                &["tag", "add", "vm-0001", "notakeyvalue"][..],
                2,
                "is not a tag",
            ),
            (
                &["show", "vm-0009"][..],
                1,
                "no VM or session named 'vm-0009'",
            ),
            (
                &["context", "use", "nowhere"][..],
                1,
                "there is no context 'nowhere'",
            ),
            (&["kill", "vm-0001"][..], 1, "add --force"),
            (
                &["batch", "command", "uptime", "--vm-pattern", "none-*"][..],
                1,
                "no running VMs",
            ),
        ] {
            let output = azlin_via(&env, &sim, &via, args).await;
            assert_eq!(
                output.code,
                code,
                "{} {args:?}: {}",
                via.name(),
                output.stderr
            );
            assert!(
                output.stderr.contains(said),
                "{} {args:?}: {}",
                via.name(),
                output.stderr
            );
        }
    }
    assert_eq!(
        sim.state.counts().get("vm.delete"),
        None,
        "nothing was deleted"
    );
}
