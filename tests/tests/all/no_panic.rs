//! No input may panic the host (exit 101): output wider than std's
//! formatter pads, and a plugin's arguments named like the host's own, each
//! in-process and through the agent.

use azlin_tests::{Env, Via, fixtures};

const EXIT_PANIC: i32 = 101;

#[test]
fn a_cell_wider_than_the_formatter_pads_is_drawn_whole() {
    let env = Env::new();
    env.install(fixtures::GARBLER, "garble");
    for via in Via::both() {
        let piped = via.azlin(&env, ["garble", "--via", "wide"]).output();
        assert_ne!(piped.code, EXIT_PANIC, "{}: {}", via.name(), piped.stderr);
        assert_eq!(piped.code, 0, "{}: {}", via.name(), piped.stderr);
        assert!(
            piped
                .stdout
                .contains(&format!("│ vm-1 ┆ {} │", "x".repeat(70_000))),
            "{}: the row is drawn whole",
            via.name()
        );
        let terminal = via.azlin(&env, ["garble", "--via", "wide"]).on_terminal("");
        assert_eq!(terminal.code, 0, "{}: {}", via.name(), terminal.stdout);
        assert_eq!(
            terminal.stdout.matches('x').count(),
            70_000,
            "{}: every character reaches the terminal",
            via.name()
        );
    }
}

#[test]
fn options_named_like_the_hosts_arguments_parse_and_keep_their_values() {
    let env = Env::new();
    env.install(fixtures::GARBLER, "garble");
    for via in Via::both() {
        let plugin = via
            .azlin(
                &env,
                ["garble", "--via", "clash", "--loud", "2", "--raw-output"],
            )
            .output();
        assert_eq!(plugin.code, 0, "{}: {}", via.name(), plugin.stderr);
        assert_eq!(plugin.stdout, "verbose=2 output=true\n", "{}", via.name());
        let host = via
            .azlin(&env, ["garble", "--via", "clash", "-v", "-o", "json"])
            .output();
        assert_eq!(host.code, 0, "{}: {}", via.name(), host.stderr);
        assert!(
            host.stdout.contains("verbose=none output=false"),
            "{}: the host's -v and -o stay the host's: {}",
            via.name(),
            host.stdout
        );
        let help = via.azlin(&env, ["garble", "--help"]).output();
        assert_eq!(help.code, 0, "{}: {}", via.name(), help.stderr);
        assert!(help.stdout.contains("--loud <LEVEL>"), "{}", help.stdout);
    }
}
