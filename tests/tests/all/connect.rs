//! `azlin connect`: a command's output and status, an interactive tmux
//! session driven through a pseudo-terminal (resized, detached, its
//! connection cut), in-process and through the agent, and the terminal
//! given back as it was on every way out. Against azlin-sim whose VMs are
//! a real sshd fleet.

use azlin_tests::fleet::Fleet;
use azlin_tests::sim::{azlin, azlin_at, start_for};
use azlin_tests::{Env, Run, wait};
use rexpect::session::{PtySession, spawn_with_options};
use std::os::fd::AsFd;
use std::path::Path;
use std::process::Command;

/// Of the simulator's first VMs, 0 and 1 run; `fleet` has one sshd each.
const VMS: usize = 2;

/// How long the pseudo-terminal driver waits for expected output.
const EXPECT_MS: u64 = 30_000;

/// The tmux session names on host `i`, asked with OpenSSH.
fn tmux_sessions(fleet: &Fleet, i: usize) -> String {
    let output = Command::new("ssh")
        .args([
            "-n",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
        ])
        .args(["-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"])
        .arg("-i")
        .arg(fleet.client_key())
        .arg(format!("{}@{}", Fleet::user(), fleet.addresses()[i]))
        .arg("tmux ls -F '#{session_name}' 2>/dev/null || true")
        .output()
        .expect("run ssh");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `run` on a 100x30 pseudo-terminal, its settings saved in `dir` before
/// (`before`) and after (`after`), azlin's exit status in `dir/status`.
fn on_terminal(run: Run, dir: &Path) -> PtySession {
    let before = format!(
        "stty cols 100 rows 30; stty -g > {}",
        dir.join("before").display()
    );
    let after = format!(
        "echo $? > {status}; stty -g > {saved}",
        status = dir.join("status").display(),
        saved = dir.join("after").display()
    );
    let command = run.within_shell(&before, &after);
    let options = rexpect::reader::Options::new()
        .timeout_ms(Some(EXPECT_MS))
        .strip_ansi_escape_codes(true);
    spawn_with_options(command, options).expect("start azlin on a pseudo-terminal")
}

/// Waits for the shell around azlin to end; azlin's exit status, and
/// whether the terminal's settings after equal those before.
fn ended(mut session: PtySession, dir: &Path) -> (i32, bool) {
    session.exp_eof().expect("the terminal's shell ends");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
    let status = read("status").trim().parse().expect("azlin's exit status");
    (
        status,
        !read("before").is_empty() && read("before") == read("after"),
    )
}

/// Types `line` into the session and waits for `expected` in the output.
fn exchange(session: &mut PtySession, line: &str, expected: &str) {
    session.send_line(line).expect("type into the terminal");
    session
        .exp_string(expected)
        .unwrap_or_else(|error| panic!("`{line}` did not show {expected:?}: {error}"));
}

/// Asks `stty size` until the remote side reports `expected`: a resize
/// travels (signal, azlin, SSH, tmux) beside the keystrokes typed after it
/// and may arrive after them.
fn size_becomes(session: &mut PtySession, expected: &str) {
    for _ in 0..50 {
        session
            .send_line("stty size")
            .expect("type into the terminal");
        let (_, size) = session
            .exp_regex(r"\r\n\d+ \d+\r\n")
            .expect("stty size answers");
        if size.trim() == expected {
            return;
        }
    }
    panic!("the remote terminal never became {expected}");
}

/// Resizes the pseudo-terminal, as a user dragging the window does; the
/// kernel signals the foreground process (azlin) with SIGWINCH.
fn resize(session: &PtySession, cols: u16, rows: u16) {
    let master = session
        .process()
        .get_file_handle()
        .expect("the terminal's master side");
    let size = rustix::termios::Winsize {
        ws_col: cols,
        ws_row: rows,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    rustix::termios::tcsetwinsize(master.as_fd(), size).expect("resize the terminal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_prints_reads_stdin_and_returns_its_status() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);

    let started = azlin(
        &env,
        &sim,
        &[
            "connect",
            "vm-0000",
            "--",
            "tmux",
            "new-session",
            "-d",
            "-s",
            "built",
        ],
    )
    .await;
    assert_eq!(started.code, 0, "{}", started.stderr);
    let listed = azlin(&env, &sim, &["connect", "vm-0000", "--", "tmux", "ls"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(listed.stdout.starts_with("built:"), "{}", listed.stdout);

    let status = azlin(
        &env,
        &sim,
        &["connect", "vm-0001", "--", "sh -c 'echo oops >&2; exit 7'"],
    )
    .await;
    assert_eq!(status.code, 7, "{}", status.stderr);
    assert!(
        status.stderr.ends_with("\noops\n") && !status.stderr.contains("error"),
        "the remote stderr, and no message of azlin's: {}",
        status.stderr
    );

    let run = azlin_at(
        &env,
        &sim,
        &["connect", "vm-0000", "--", "tr", "a-z", "A-Z"],
    )
    .stdin(b"piped through\n");
    let echoed = tokio::task::spawn_blocking(move || run.output())
        .await
        .expect("the run ends");
    assert_eq!(
        (echoed.code, echoed.stdout.as_str()),
        (0, "PIPED THROUGH\n"),
        "{}",
        echoed.stderr
    );
    assert_eq!(
        fleet.accepted_connections(0),
        3,
        "one connection per run: {}",
        fleet.log(0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_name_is_exit_1_with_the_nearest_names() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let output = azlin(&env, &sim, &["connect", "vm-000", "--", "true"]).await;
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert!(
        output.stderr.contains("no VM or session named 'vm-000'")
            && output.stderr.contains("vm-0000"),
        "{}",
        output.stderr
    );
    assert_eq!(fleet.accepted_connections(0), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_vm_named_the_only_running_one_is_joined_and_several_are_listed() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let several = azlin(&env, &sim, &["connect", "--", "true"]).await;
    assert_eq!(several.code, 2, "{}", several.stderr);
    assert!(
        several
            .stderr
            .contains("2 VMs are running; name the one to connect to: vm-0000, vm-0001"),
        "{}",
        several.stderr
    );
    assert_eq!(
        fleet.accepted_connections(0) + fleet.accepted_connections(1),
        0
    );

    let stopped = azlin(&env, &sim, &["stop", "vm-0001"]).await;
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    let only = azlin(&env, &sim, &["connect", "--", "echo", "only-$((6*7))"]).await;
    assert_eq!(
        (only.code, only.stdout.as_str()),
        (0, "only-42\n"),
        "{}",
        only.stderr
    );
    assert_eq!(fleet.accepted_connections(0), 1, "{}", fleet.log(0));

    let named = azlin(&env, &sim, &["connect", "vm-0000", "--", "echo", "vm-0000"]).await;
    assert_eq!(
        (named.code, named.stdout.as_str()),
        (0, "vm-0000\n"),
        "a VM named before `--` stays the VM: {}",
        named.stderr
    );
}

/// Runs `run` (`connect -- echo picked-$((40+2))`, no VM named) on a
/// terminal, picks choice `number` and checks the command ran and the
/// terminal came back as it was.
fn pick_on_terminal(run: Run, number: &str) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut session = on_terminal(run, dir.path());
    session
        .exp_string("Connect to which VM?")
        .expect("the question");
    session.exp_string("2) vm-0001").expect("the choices");
    session.exp_string("Enter for none): ").expect("the prompt");
    session.send_line(number).expect("pick one");
    session.exp_string("picked-42").expect("the command ran");
    let (status, restored) = ended(session, dir.path());
    assert_eq!(status, 0);
    assert!(restored, "the terminal is as it was");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_vm_named_and_several_running_the_user_picks_one_on_a_terminal() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let args = ["connect", "--", "echo", "picked-$((40+2))"];
    let run = azlin_at(&env, &sim, &args);
    tokio::task::spawn_blocking(move || pick_on_terminal(run, "2"))
        .await
        .expect("the pick in-process");
    assert_eq!(
        (fleet.accepted_connections(0), fleet.accepted_connections(1)),
        (0, 1),
        "joined the VM picked: {}",
        fleet.log(1)
    );
    let runtime = tempfile::tempdir().expect("a runtime dir");
    let run = azlin_at(&env, &sim, &args).through_agent(runtime.path());
    let picked = tokio::task::spawn_blocking(move || pick_on_terminal(run, "1")).await;
    let _ = azlin_at(&env, &sim, &["agent", "stop"])
        .through_agent(runtime.path())
        .output();
    picked.expect("the pick through the agent");
    assert_eq!(fleet.accepted_connections(0), 1, "{}", fleet.log(0));
}

/// An interactive session under tmux: sized like the terminal (less
/// tmux's status line), resized with it, detached (the session lives on),
/// and the terminal given back as it was.
fn interactive_session(run: Run, fleet: &Fleet) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut session = on_terminal(run, dir.path());
    session
        .exp_string("connecting to vm-0000 (rg-0): tmux new-session -A -s vm-0000")
        .expect("the status line before the session");
    exchange(&mut session, "echo inside-${TMUX:+tmux}", "inside-tmux");
    exchange(&mut session, "stty size", "29 100");
    resize(&session, 120, 40);
    size_becomes(&mut session, "39 120");
    session.send_line("tmux detach-client").expect("detach");
    let (status, restored) = ended(session, dir.path());
    assert_eq!(status, 0);
    assert!(restored, "the terminal's settings are as before");
    assert!(
        tmux_sessions(fleet, 0)
            .lines()
            .any(|name| name == "vm-0000")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interactive_tmux_session_follows_the_terminal_and_gives_it_back() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let run = azlin_at(&env, &sim, &["connect", "vm-0000"]);
    tokio::task::spawn_blocking(move || interactive_session(run, &fleet))
        .await
        .expect("the session test passes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_the_agent_a_warm_connect_reuses_its_connection() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let runtime = tempfile::tempdir().expect("a runtime dir");
    let warm =
        azlin_at(&env, &sim, &["connect", "vm-0000", "--", "true"]).through_agent(runtime.path());
    let warmed = tokio::task::spawn_blocking(move || warm.output())
        .await
        .expect("ends");
    assert_eq!(warmed.code, 0, "{}", warmed.stderr);
    let run = azlin_at(&env, &sim, &["connect", "vm-0000"]).through_agent(runtime.path());
    let fleet = tokio::task::spawn_blocking(move || {
        interactive_session(run, &fleet);
        fleet
    })
    .await
    .expect("the session test passes");
    // One for both runs of azlin, through the agent; one for the test's own `ssh`.
    assert_eq!(fleet.accepted_connections(0), 2, "{}", fleet.log(0));
    let _ = azlin_at(&env, &sim, &["agent", "stop"])
        .through_agent(runtime.path())
        .output();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_reconnects_to_the_same_tmux_session() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let args = ["connect", "vm-0000", "--max-retries", "2", "--no-status"];
    let run = azlin_at(&env, &sim, &args);
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut session = on_terminal(run, dir.path());
        session
            .send_line("export MARK=kept; echo set-$MARK")
            .expect("type into the terminal");
        let before = session.exp_string("set-kept").expect("the echo");
        assert!(!before.contains("connecting to"), "--no-status: {before}");
        fleet.drop_connections(0);
        session
            .exp_string("reconnecting (1 of 2)")
            .expect("a warning that it reconnects");
        exchange(
            &mut session,
            "echo $MARK-across-the-drop",
            "kept-across-the-drop",
        );
        exchange(&mut session, "exit", "[exited]");
        let (status, restored) = ended(session, dir.path());
        assert_eq!(status, 0);
        assert!(restored, "the terminal's settings are as before");
        assert_eq!(fleet.accepted_connections(0), 2, "{}", fleet.log(0));
    })
    .await
    .expect("the reconnect test passes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_reaches_the_vm_and_a_killed_agent_gives_the_terminal_back() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let runtime = tempfile::tempdir().expect("a runtime dir");
    let run =
        azlin_at(&env, &sim, &["connect", "vm-0001", "--no-tmux"]).through_agent(runtime.path());
    let status =
        azlin_at(&env, &sim, &["agent", "status", "-o", "json"]).through_agent(runtime.path());
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut session = on_terminal(run, dir.path());
        exchange(&mut session, "echo plain-${TMUX:-shell}", "plain-shell");
        exchange(&mut session, "stty size", "30 100");
        // Ctrl-C goes to the remote command, not to azlin.
        exchange(&mut session, "echo sleeping; sleep 60", "sleeping");
        session.send_control('c').expect("Ctrl-C");
        exchange(&mut session, "echo awake-again", "awake-again");
        let agent: serde_json::Value =
            serde_json::from_str(&status.output().stdout).expect("agent status JSON");
        let pid = agent["agent"]["pid"].as_u64().expect("an agent runs");
        let killed = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        wait::for_exit_of(pid);
        let (status, restored) = ended(session, dir.path());
        assert_ne!(status, 0, "a lost agent is a failure");
        assert!(restored, "the terminal's settings are as before");
    })
    .await
    .expect("the killed-agent test passes");
}
