//! Smoke tests of the `azlin` binary itself (the full suite lives in the
//! `tests` crate); they also make cargo build `target/<profile>/azlin`.

use std::process::Command;

#[test]
fn version_flag_prints_name_and_version() {
    let output = Command::new(env!("CARGO_BIN_EXE_azlin"))
        .arg("--version")
        .output()
        .expect("run azlin");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("azlin {}\n", env!("CARGO_PKG_VERSION"))
    );
}
