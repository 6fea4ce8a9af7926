//! The background agent: many clients at once, a build that changed, an
//! agent killed mid-command, and clients it must refuse.

use azlin_sim::{Options, Sim};
use azlin_tests::fleet::Fleet;
use azlin_tests::sim::{azlin_at, start};
use azlin_tests::{Env, Output, Run, fixtures, vm_names, wait};
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

/// A user whose commands go through an agent in a runtime directory of
/// the test's own; the agent is stopped when the test ends.
struct Agented {
    env: Env,
    sim: Sim,
    runtime: tempfile::TempDir,
}

impl Agented {
    async fn new(env: Env, options: Options) -> Self {
        Self {
            env,
            sim: start(options).await,
            runtime: tempfile::tempdir().expect("a runtime dir"),
        }
    }

    fn agent_dir(&self) -> PathBuf {
        self.runtime.path().join("azlin")
    }

    fn command(&self, args: &[&str]) -> Run {
        azlin_at(&self.env, &self.sim, args).through_agent(self.runtime.path())
    }

    async fn azlin(&self, args: &[&str]) -> Output {
        let run = self.command(args);
        tokio::task::spawn_blocking(move || run.output())
            .await
            .expect("the run finishes")
    }

    /// The running agent's pid, from `azlin agent status`.
    async fn agent_pid(&self) -> Option<u64> {
        let status = self.azlin(&["agent", "status", "-o", "json"]).await;
        assert_eq!(status.code, 0, "{}", status.stderr);
        let json: serde_json::Value = serde_json::from_str(&status.stdout).ok()?;
        json["agent"]["pid"].as_u64()
    }
}

impl Drop for Agented {
    fn drop(&mut self) {
        let _ = self.command(&["agent", "stop"]).output();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_clients_are_served_by_one_agent() {
    let user = Agented::new(
        Env::new(),
        Options {
            vms: 30,
            ..Options::default()
        },
    )
    .await;
    // --no-tmux: this user has no SSH key, and the test is about the agent.
    let first = user
        .azlin(&["list", "-a", "--all", "--no-tmux", "-o", "json"])
        .await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    let expected = vm_names(&first);
    assert_eq!(expected.len(), 30);
    let pid = user.agent_pid().await.expect("an agent runs");
    let runs: Vec<_> = (0..50)
        .map(|_| {
            let run = user.command(&["list", "-a", "--all", "--no-tmux", "-o", "json"]);
            std::thread::spawn(move || run.output())
        })
        .collect();
    for run in runs {
        let output = run.join().expect("a client thread");
        assert_eq!(output.code, 0, "{}", output.stderr);
        assert!(output.stderr.is_empty(), "no warning: {}", output.stderr);
        assert_eq!(vm_names(&output), expected);
    }
    assert_eq!(
        user.agent_pid().await,
        Some(pid),
        "the same agent served them all"
    );
    assert_eq!(
        user.sim.state.counts().get("vm.listAll"),
        Some(&2),
        "the first list asked Azure (VMs, power states); the agent's cache answered the 50"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_of_another_build_restarts_the_agent() {
    let user = Agented::new(Env::new(), Options::default()).await;
    let copy = user.runtime.path().join("azlin-old");
    std::fs::copy(azlin_tests::binary(), &copy).expect("copy the binary");
    let old = user
        .command(&["list", "-a", "--no-tmux", "-o", "json"])
        .program(&copy)
        .output();
    assert_eq!(old.code, 0, "{}", old.stderr);
    let status = user
        .command(&["agent", "status", "-o", "json"])
        .program(&copy)
        .output();
    let json: serde_json::Value = serde_json::from_str(&status.stdout).expect("status JSON");
    let old_pid = json["agent"]["pid"]
        .as_u64()
        .expect("the old build's agent");
    let new = user.azlin(&["list", "-a", "--no-tmux", "-o", "json"]).await;
    assert_eq!(new.code, 0, "{}", new.stderr);
    assert!(
        new.stderr.is_empty(),
        "it ran on a new agent: {}",
        new.stderr
    );
    assert_eq!(vm_names(&new), vm_names(&old));
    wait::for_exit_of(old_pid);
    let new_pid = user.agent_pid().await.expect("this build's agent");
    assert_ne!(new_pid, old_pid);
}

/// A user whose two VMs are `fleet`'s sshd hosts, through the agent.
async fn fleet_user(fleet: &Fleet) -> Agented {
    let env = Env::reaching(fleet);
    let options = Options {
        vms: 2,
        addresses: fleet.addresses(),
        ..Options::default()
    };
    Agented::new(env, options).await
}

/// `batch command "sleep 30"` in the background, once it runs on both hosts.
fn sleeping_batch(user: &Agented, fleet: &Fleet) -> std::process::Child {
    let child = user
        .command(&["batch", "command", "sleep 30", "--all"])
        .spawn();
    for host in 0..2 {
        wait::for_log(fleet, host, |log| log.contains("Starting session: command"));
    }
    child
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_the_run_in_the_agent_which_keeps_the_connections() {
    let fleet = Fleet::start(2);
    let user = fleet_user(&fleet).await;
    let child = sleeping_batch(&user, &fleet);
    Run::interrupt(&child);
    let ended = wait::for_child(child).await;
    let stderr = String::from_utf8_lossy(&ended.stderr);
    assert_eq!(ended.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    // The agent signals each abandoned command and closes its channel; the
    // root logins of the test fleet refuse the signal, which sshd logs.
    for host in 0..2 {
        wait::for_log(&fleet, host, |log| log.contains("session_signal_req"));
    }
    let again = user.azlin(&["batch", "command", "true", "--all"]).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    for host in 0..2 {
        assert_eq!(
            fleet.accepted_connections(host),
            1,
            "the next run reused the agent's connection to host {host}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_killed_mid_command_is_reported_and_the_next_run_starts_a_new_one() {
    let fleet = Fleet::start(2);
    let user = fleet_user(&fleet).await;
    // --no-tmux: the Tmux column's exec would satisfy the wait for the batch.
    let listed = user.azlin(&["list", "-a", "--no-tmux", "-o", "json"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let pid = user.agent_pid().await.expect("an agent runs");
    let child = sleeping_batch(&user, &fleet);
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let ended = wait::for_child(child).await;
    let stderr = String::from_utf8_lossy(&ended.stderr);
    assert_eq!(ended.status.code(), Some(70), "{stderr}");
    assert!(
        stderr.contains("the azlin agent running it went away")
            && stderr.contains("run the command again"),
        "{stderr}"
    );
    let again = user.azlin(&["list", "-a", "-o", "json"]).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        vm_names(&again),
        vm_names(&listed),
        "the cache is still sound"
    );
    assert_ne!(user.agent_pid().await, Some(pid));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_user_is_refused_by_the_agent() {
    let user = Agented::new(Env::new(), Options::default()).await;
    assert_eq!(user.azlin(&["list", "-a"]).await.code, 0);
    let socket = std::fs::read_dir(user.agent_dir())
        .expect("the agent dir")
        .map(|entry| entry.expect("an entry").path())
        .find(|path| path.extension().is_some_and(|ext| ext == "sock"))
        .expect("the agent's socket");
    // Open the way (as a careless admin might), so only the agent's own check stands.
    for (path, mode) in [
        (user.runtime.path(), 0o755),
        (&user.agent_dir(), 0o711),
        (&socket, 0o777),
    ] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    let stranger = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "perl", "-MIO::Socket::UNIX", "-e"])
        .arg(
            "my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die \"connect: $!\"; \
             read($s, my $len, 4) == 4 or die 'no reply'; read($s, my $m, unpack('N', $len)); print $m",
        )
        .arg(&socket)
        .output()
        .expect("run setpriv(1) and perl");
    // Closed again, so the test's own client may stop the agent at the end.
    std::fs::set_permissions(user.agent_dir(), std::fs::Permissions::from_mode(0o700))
        .expect("chmod");
    let reply = String::from_utf8_lossy(&stranger.stdout);
    assert!(
        reply.contains("Refused") && reply.contains("uid 65534"),
        "{reply} {}",
        String::from_utf8_lossy(&stranger.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_directory_open_to_others_is_refused_and_the_command_runs_here() {
    let user = Agented::new(Env::new(), Options::default()).await;
    std::fs::create_dir(user.agent_dir()).expect("mkdir");
    std::fs::set_permissions(user.agent_dir(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let listed = user.azlin(&["list", "-a", "-o", "json"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(
        listed.stderr.contains("its mode is 755")
            && listed.stderr.contains("chmod 700")
            && listed
                .stderr
                .contains("running the command in this process"),
        "{}",
        listed.stderr
    );
    assert!(!vm_names(&listed).is_empty(), "{}", listed.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_agent_runs_in_process_and_an_idle_agent_exits() {
    let user = Agented::new(Env::new(), Options::default()).await;
    assert_eq!(user.azlin(&["--no-agent", "list", "-a"]).await.code, 0);
    assert_eq!(user.agent_pid().await, None, "--no-agent starts no agent");
    user.env.write_config("[agent]\nidle_timeout = 1\n");
    assert_eq!(user.azlin(&["list", "-a"]).await.code, 0);
    let pid = user.agent_pid().await.expect("an agent runs");
    wait::for_exit_of(pid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_pipe_through_the_agent_exits_zero_and_the_agent_carries_on() {
    let user = Agented::new(Env::new(), Options::default()).await;
    user.env.install(fixtures::FLOOD, "flood");
    let mut child = user.command(&["flood"]).spawn();
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output arrives");
    drop(stdout);
    let ended = wait::for_child(child).await;
    assert_eq!(
        ended.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ended.stderr)
    );
    let status = user.azlin(&["agent", "status", "-o", "json"]).await;
    let json: serde_json::Value = serde_json::from_str(&status.stdout).expect("status JSON");
    assert_eq!(
        json["agent"]["clients_now"], 1,
        "the flood's connection is gone; only this status request is served: {json}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_from_a_run_in_the_agent_is_put_on_the_clients_terminal() {
    let env = Env::new();
    env.write_config("default_resource_group = \"rg-0\"\n");
    let user = Agented::new(env, Options::default()).await;
    let stop = user.command(&["batch", "stop", "--vm-pattern", "vm-0001"]);
    let answered = tokio::task::spawn_blocking(move || stop.on_terminal("y\n"))
        .await
        .expect("the run finishes");
    assert_eq!(answered.code, 0, "{}", answered.stdout);
    assert!(
        answered.stdout.contains("stop 1 VMs (vm-0001)? [y/N]"),
        "{}",
        answered.stdout
    );
    let listed = user.azlin(&["list", "--all", "-o", "json"]).await;
    let json: serde_json::Value = serde_json::from_str(&listed.stdout).expect("list JSON");
    let vm = json["vms"]
        .as_array()
        .expect("vms")
        .iter()
        .find(|vm| vm["name"] == "vm-0001")
        .expect("vm-0001")
        .clone();
    assert_eq!(vm["status"], "Deallocated", "{vm}");
}

/// The status of vm-0002 in a `list -o json`.
fn status_of_vm_0002(listed: &Output) -> Option<serde_json::Value> {
    let json: serde_json::Value = serde_json::from_str(&listed.stdout).ok()?;
    json["vms"]
        .as_array()?
        .iter()
        .find(|vm| vm["name"] == "vm-0002")
        .map(|vm| vm["status"].clone())
}

/// Lists through `user`'s agent and checks vm-0002 has `status`.
async fn assert_vm_0002(user: &Agented, status: &str) {
    assert_listed_vm_0002(&user.azlin(&LIST).await, status);
}

/// Checks `listed` shows vm-0002 with `status`.
fn assert_listed_vm_0002(listed: &Output, status: &str) {
    assert_eq!(
        status_of_vm_0002(listed),
        Some(serde_json::json!(status)),
        "{}",
        listed.stderr
    );
}

/// A user of 4 VMs in rg-0 through the agent, vm-0002 listed as running.
async fn lister() -> Agented {
    let env = Env::new();
    env.write_config("default_resource_group = \"rg-0\"\n");
    let user = Agented::new(
        env,
        Options {
            vms: 4,
            ..Options::default()
        },
    )
    .await;
    assert_vm_0002(&user, "Running").await;
    user
}

const LIST: [&str; 5] = ["list", "--all", "--no-tmux", "-o", "json"];

/// [`LIST`] after `global` options.
fn listing<'a>(global: &[&'a str]) -> Vec<&'a str> {
    global.iter().copied().chain(LIST).collect()
}

/// Runs `stop vm-0002` as `run` prepares it, and checks it stopped.
async fn stop_vm_0002(run: Run) {
    let stopped = tokio::task::spawn_blocking(move || run.output())
        .await
        .expect("stop finishes");
    assert_eq!(
        stopped.stdout, "vm-0002 (rg-0): Deallocated\n",
        "{}",
        stopped.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shells_with_other_paths_share_one_agent_and_see_each_others_changes() {
    let user = lister().await;
    let pid = user.agent_pid().await.expect("an agent runs");
    // Another shell: a virtualenv put first on its PATH.
    let venv = user.runtime.path().join("venv-bin");
    std::fs::create_dir_all(&venv).expect("venv");
    let path = format!(
        "{}:{}",
        venv.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    stop_vm_0002(user.command(&["stop", "vm-0002"]).env("PATH", &path)).await;
    assert_eq!(
        user.agent_pid().await,
        Some(pid),
        "one agent for both shells"
    );
    assert_vm_0002(&user, "Deallocated").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_made_beside_the_agent_is_seen_through_it() {
    let user = lister().await;
    // Its own process: the agent holds the cache, so the change is journalled.
    stop_vm_0002(
        user.command(&["stop", "vm-0002"])
            .env("AZLIN_NO_AGENT", "1"),
    )
    .await;
    assert_vm_0002(&user, "Deallocated").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_beside_the_agent_use_its_cache_without_waiting_for_the_lock() {
    let user = lister().await;
    user.sim.state.reset_counts();
    let beside = user.azlin(&listing(&["--no-agent"])).await;
    assert_listed_vm_0002(&beside, "Running");
    assert!(
        !beside.stderr.contains("another azlin process"),
        "no wait for the agent's lock: {}",
        beside.stderr
    );
    assert_eq!(
        user.sim.state.arm_total(),
        0,
        "{:?}",
        user.sim.state.counts()
    );
    // Another config file: its own agent, which reaches the first's cache too.
    let other = user.env.config_dir().join("other.toml");
    std::fs::copy(user.env.config_file(), &other).expect("another config");
    let other = other.to_str().expect("a UTF-8 path");
    let listed = user.azlin(&listing(&["--config", other])).await;
    let stopped_other = user.command(&["--config", other, "agent", "stop"]).output();
    assert_listed_vm_0002(&listed, "Running");
    assert_eq!(stopped_other.code, 0, "{}", stopped_other.stderr);
    assert_eq!(
        user.sim.state.arm_total(),
        0,
        "{:?}",
        user.sim.state.counts()
    );
    // A change made beside the agent goes into its cache, not a journal.
    stop_vm_0002(user.command(&["--no-agent", "stop", "vm-0002"])).await;
    let journal = user.env.cache_dir().join("api.invalidations");
    assert!(!journal.exists(), "the agent dropped the entries itself");
    assert_vm_0002(&user, "Deallocated").await;
}

/// The resident memory of process `pid`, in bytes.
fn resident(pid: u64) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kib << 10
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_gives_back_what_a_large_run_took() {
    let fleet = Fleet::start(2);
    let user = fleet_user(&fleet).await;
    let warm = user.azlin(&["batch", "command", "true", "--all"]).await;
    assert_eq!(warm.code, 0, "{}", warm.stderr);
    let pid = user.agent_pid().await.expect("an agent runs");
    let before = resident(pid);
    // 2 × 100 MB of output, held by the host until the plugin takes it.
    let large = ["batch", "command", "head -c 100000000 /dev/zero", "--all"];
    let ran = user.azlin(&large).await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let after = resident(pid);
    eprintln!(
        "agent resident: {} MiB before, {} MiB after",
        before >> 20,
        after >> 20
    );
    assert!(
        after < before + (64 << 20),
        "the agent kept {} MiB after the run (it had {} MiB before)",
        after >> 20,
        before >> 20
    );
}
