//! `azlin cp` against azlin-sim whose VMs are a real sshd fleet (OpenSSH's
//! own sftp-server): a 50 MB file there and back with the same sha256, a
//! copy cut off midway leaving nothing under its final name, `--dry-run`,
//! and malformed `VM:PATH`s.

use azlin_tests::fleet::Fleet;
use azlin_tests::sim::{azlin, azlin_at, start_for};
use azlin_tests::{Env, wait};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::{Duration, Instant};

const VMS: usize = 2;

/// A file of `size` pseudo-random bytes at `path`; its sha256.
fn random_file(path: &Path, size: usize) -> String {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let bytes: Vec<u8> = (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    std::fs::write(path, &bytes).expect("write the file");
    hex::encode(Sha256::digest(&bytes))
}

fn sha256_of(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).expect("read the file")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_megabytes_there_and_back_keep_their_sha256() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let dir = tempfile::tempdir().expect("a temp dir");
    let original = dir.path().join("big.bin");
    let digest = random_file(&original, 50 << 20);
    let remote = format!("vm-0000:{}/up.bin", dir.path().display());
    let up = azlin(
        &env,
        &sim,
        &["cp", &original.display().to_string(), &remote, "-o", "json"],
    )
    .await;
    assert_eq!(up.code, 0, "{}", up.stderr);
    let copied: serde_json::Value = serde_json::from_str(&up.stdout).expect("JSON");
    assert_eq!(copied["copied"][0]["bytes"], 50 << 20, "{copied}");
    // The fleet's sshd runs on this machine, so the remote file is visible here.
    assert_eq!(sha256_of(&dir.path().join("up.bin")), digest);
    assert!(!dir.path().join("up.bin.azlin-part").exists());

    let back = dir.path().join("back");
    std::fs::create_dir(&back).expect("mkdir");
    let down = azlin(&env, &sim, &["cp", &remote, &back.display().to_string()]).await;
    assert_eq!(down.code, 0, "{}", down.stderr);
    assert_eq!(sha256_of(&back.join("up.bin")), digest);

    let planned = azlin(
        &env,
        &sim,
        &[
            "cp",
            "--dry-run",
            &original.display().to_string(),
            &format!("vm-0001:{}/never.bin", dir.path().display()),
        ],
    )
    .await;
    assert_eq!(planned.code, 0, "{}", planned.stderr);
    assert!(
        planned.stdout.contains("would copy 1 file(s)"),
        "{}",
        planned.stdout
    );
    assert!(
        !dir.path().join("never.bin").exists(),
        "--dry-run copies nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_cut_off_midway_leaves_no_file_under_the_final_name() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let dir = tempfile::tempdir().expect("a temp dir");
    random_file(&dir.path().join("big.bin"), 200 << 20);
    let local = dir.path().join("copy.bin");
    let source = format!("vm-0000:{}/big.bin", dir.path().display());
    let mut child = azlin_at(&env, &sim, &["cp", &source, &local.display().to_string()]).spawn();
    let part = dir.path().join("copy.bin.azlin-part");
    let started = Instant::now();
    while std::fs::metadata(&part).map_or(true, |found| found.len() == 0) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the copy never started"
        );
        if child.try_wait().expect("poll the copy").is_some() {
            let ended = wait::for_child(child).await;
            panic!(
                "the copy ended first: {}",
                String::from_utf8_lossy(&ended.stderr)
            );
        }
        std::thread::yield_now();
    }
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let ended = wait::for_child(child).await;
    assert_ne!(ended.status.code(), Some(0));
    assert!(!local.exists(), "nothing under the final name");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_or_one_sided_paths_are_exit_2_and_an_unknown_vm_exit_1() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    for (args, said) in [
        (vec!["cp", ":/tmp/x", "."], "the VM is empty"),
        (vec!["cp", "notes.txt", "vm-0000:"], "the path is empty"),
        (
            vec!["cp", "a.txt", "b.txt"],
            "one side of a copy must be local",
        ),
        (vec!["cp", "only-one"], "at least one source"),
    ] {
        let output = azlin(&env, &sim, &args).await;
        assert_eq!(output.code, 2, "{args:?}: {}", output.stderr);
        assert!(output.stderr.contains(said), "{args:?}: {}", output.stderr);
    }
    let unknown = azlin(&env, &sim, &["cp", "vm-000:/tmp/x", "."]).await;
    assert_eq!(unknown.code, 1, "no such VM: {}", unknown.stderr);
    assert!(unknown.stderr.contains("vm-0000"), "{}", unknown.stderr);
    assert_eq!(fleet.accepted_connections(0), 0);
}
