//! `scripts/install`: the binary, its manual pages and completions under a
//! prefix; the built-in plugins come precompiled, so the first command
//! after installing compiles nothing.

use azlin::runtime::Runtime;
use azlin_tests::{Env, binary};
use std::path::Path;

#[tokio::test]
async fn install_puts_azlin_its_manual_and_completions_under_the_prefix() {
    let env = Env::new();
    let prefix = tempfile::tempdir().expect("a prefix");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/install");
    let installed = env
        .azlin([prefix.path().to_str().expect("a UTF-8 path")])
        .program(&script)
        .env(
            "AZLIN_INSTALL_FROM",
            binary().to_str().expect("a UTF-8 path"),
        )
        .env("PATH", &std::env::var("PATH").unwrap_or_default())
        .success();
    assert!(installed.stderr.contains("MiB)"), "{}", installed.stderr);

    let azlin = prefix.path().join("bin/azlin");
    let version = env.azlin(["--version"]).program(&azlin).success();
    assert!(version.stdout.starts_with("azlin "), "{}", version.stdout);
    let share = prefix.path().join("share");
    let page = std::fs::read_to_string(share.join("man/man1/azlin.1")).expect("azlin.1");
    assert!(
        page.starts_with(".ie"),
        "roff: {}",
        &page[..80.min(page.len())]
    );
    let list_page = std::fs::read_to_string(share.join("man/man1/azlin-list.1"));
    assert!(
        list_page
            .expect("azlin-list.1")
            .contains("show stopped and deallocated VMs too")
    );
    for completion in [
        "bash-completion/completions/azlin",
        "zsh/site-functions/_azlin",
        "fish/vendor_completions.d/azlin.fish",
    ] {
        let script = std::fs::read_to_string(share.join(completion)).expect(completion);
        assert!(
            script.contains("show-all-vms"),
            "{completion} completes list's flags"
        );
    }

    let runtime = Runtime::new(&env.paths()).expect("runtime starts");
    runtime.load("list").await.expect("list loads");
    assert_eq!(
        runtime.precompiled().counts().0,
        0,
        "the first command after installing compiles nothing"
    );
}
