//! The SSH pool against a fleet of real OpenSSH sshd processes: output and
//! exit codes, connection reuse and bounds, host keys, timeouts, idle close.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use azlin::ssh::{Destination, ErrorKind, ExecRequest, Pool, SshError, SshSettings};
use azlin_tests::delay::DelayProxy;
use azlin_tests::fleet::Fleet;

/// A fleet, a pool logging in to it, and the pool's own known_hosts.
struct Setup {
    fleet: Fleet,
    dir: tempfile::TempDir,
    pool: Arc<Pool>,
}

impl Setup {
    fn new(hosts: usize) -> Setup {
        Setup::with(hosts, |_| {})
    }

    fn with(hosts: usize, adjust: impl FnOnce(&mut SshSettings)) -> Setup {
        let fleet = Fleet::start(hosts);
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut settings = settings(&fleet, dir.path());
        adjust(&mut settings);
        let pool = Arc::new(Pool::new(settings));
        Setup { fleet, dir, pool }
    }

    fn destinations(&self) -> Vec<Destination> {
        let user = Fleet::user();
        self.fleet
            .addresses()
            .iter()
            .map(|address| self.pool.destination(address, Some(&user)))
            .collect()
    }

    fn known_hosts(&self) -> std::path::PathBuf {
        self.dir.path().join("known_hosts")
    }

    fn total_accepted(&self) -> usize {
        (0..self.fleet.addresses().len())
            .map(|i| self.fleet.accepted_connections(i))
            .sum()
    }
}

/// Settings that log in to `fleet`, with their known_hosts in `dir`.
pub(crate) fn settings(fleet: &Fleet, dir: &Path) -> SshSettings {
    SshSettings {
        user: Fleet::user(),
        key: fleet.client_key(),
        known_hosts: dir.join("known_hosts"),
        ..SshSettings::defaults(dir)
    }
}

/// `command` with a 30 s limit and no stdin.
pub(crate) fn request(command: &str) -> ExecRequest {
    ExecRequest {
        command: command.to_string(),
        stdin: None,
        timeout: Duration::from_secs(30),
        memory: None,
    }
}

async fn run(pool: &Pool, to: &Destination, command: &str) -> azlin::ssh::ExecOutput {
    pool.exec(to, &request(command))
        .await
        .unwrap_or_else(|error| panic!("`{command}` on {to} failed: {error}"))
}

/// Polls `condition` until it holds, failing after `limit`.
async fn eventually(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(
            started.elapsed() < limit,
            "{what} did not happen within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Entries of /proc/self/fd: the process's open descriptors.
fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("read /proc/self/fd")
        .count()
}

/// Established TCP connections from this machine to port 22 of `addresses`.
fn established_to(addresses: &[String]) -> usize {
    let wanted: Vec<String> = addresses
        .iter()
        .map(|address| {
            let ip: std::net::Ipv4Addr = address.parse().expect("an IPv4 address");
            let [a, b, c, d] = ip.octets();
            format!("{d:02X}{c:02X}{b:02X}{a:02X}:0016")
        })
        .collect();
    let table = std::fs::read_to_string("/proc/self/net/tcp").expect("read /proc/self/net/tcp");
    table
        .lines()
        .skip(1)
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.len() > 3 && fields[3] == "01" && wanted.iter().any(|w| w == fields[2])
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_returns_each_hosts_stdout_stderr_and_exit_code() {
    let setup = Setup::new(3);
    for (dest, address) in setup.destinations().iter().zip(setup.fleet.addresses()) {
        let output = run(&setup.pool, dest, "echo out; echo err >&2; exit 3").await;
        assert_eq!(output.exit_code, Some(3));
        assert_eq!(String::from_utf8_lossy(&output.stdout), "out\n");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "err\n");

        // The command ran on that host, and without root's pyenv start-up file.
        let output = run(&setup.pool, dest, "echo \"$SSH_CONNECTION [$PYENV_ROOT]\"").await;
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let fields: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(fields.get(2), Some(&address.as_str()), "{text}");
        assert_eq!(fields.last(), Some(&"[]"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signal_ends_a_command_without_an_exit_code() {
    let setup = Setup::new(1);
    let dest = &setup.destinations()[0];
    let output = run(&setup.pool, dest, "kill -KILL $$").await;
    assert_eq!(output.exit_code, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdin_reaches_the_command_and_large_output_comes_back_whole() {
    let setup = Setup::new(1);
    let dest = &setup.destinations()[0];
    let input: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let output = setup
        .pool
        .exec(
            dest,
            &ExecRequest {
                stdin: Some(input.clone()),
                ..request("cat")
            },
        )
        .await
        .expect("cat");
    assert_eq!(output.exit_code, Some(0));
    assert_eq!(output.stdout.len(), input.len());
    assert!(output.stdout == input, "cat returned other bytes");

    // No stdin: the command still sees end of file instead of waiting.
    let output = run(&setup.pool, dest, "cat; echo done").await;
    assert_eq!(String::from_utf8_lossy(&output.stdout), "done\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_sequential_execs_over_ten_hosts_open_ten_connections() {
    let setup = Setup::new(10);
    let destinations = setup.destinations();
    let started = Instant::now();
    let mut descriptors_at_100 = 0;
    for i in 0..1000 {
        let output = run(&setup.pool, &destinations[i % 10], "true").await;
        assert_eq!(output.exit_code, Some(0));
        assert_eq!(output.reused, i >= 10, "exec {i}");
        if i == 99 {
            descriptors_at_100 = open_descriptors();
        }
    }
    let elapsed = started.elapsed();
    let descriptors_at_1000 = open_descriptors();
    eprintln!("1000 sequential execs over 10 hosts took {elapsed:?}");

    let stats = setup.pool.stats();
    assert_eq!(stats.opened, 10);
    assert_eq!(stats.reused, 990);
    assert_eq!(stats.open_now, 10);
    assert_eq!(setup.total_accepted(), 10);
    assert_eq!(established_to(&setup.fleet.addresses()), 10);
    // Other tests run alongside in this process: allow for their descriptors,
    // far fewer than one leaked per exec would add.
    assert!(
        descriptors_at_1000 <= descriptors_at_100 + 50,
        "open descriptors grew from {descriptors_at_100} to {descriptors_at_1000}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_execs_to_a_new_host_share_one_connection() {
    let setup = Setup::new(1);
    let dest = setup.destinations()[0].clone();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let pool = Arc::clone(&setup.pool);
            let dest = dest.clone();
            tokio::spawn(async move { run(&pool, &dest, "sleep 0.2; echo ok").await })
        })
        .collect();
    let mut reused = 0;
    for task in tasks {
        let output = task.await.expect("an exec task");
        assert_eq!(String::from_utf8_lossy(&output.stdout), "ok\n");
        reused += usize::from(output.reused);
    }
    assert_eq!(setup.pool.stats().opened, 1);
    assert_eq!(setup.fleet.accepted_connections(0), 1);
    assert_eq!(reused, 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_host_fails_to_connect_while_the_others_answer() {
    let mut setup = Setup::new(3);
    setup.fleet.stop(1);
    for (i, dest) in setup.destinations().iter().enumerate() {
        let result = setup.pool.exec(dest, &request("echo up")).await;
        if i == 1 {
            let error = result.expect_err("a stopped host cannot answer");
            assert!(matches!(error, SshError::Connect { .. }), "{error:?}");
            assert_eq!(error.kind(), ErrorKind::Unavailable);
            assert!(error.to_string().contains(&dest.to_string()), "{error}");
        } else {
            assert_eq!(result.expect("a running host").stdout, b"up\n");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_missing_from_authorized_keys_is_refused() {
    let fleet = Fleet::start(1);
    let dir = tempfile::tempdir().expect("a temp dir");
    let stranger = fleet.stranger_key();
    let pool = Pool::new(SshSettings {
        key: stranger.clone(),
        ..settings(&fleet, dir.path())
    });
    let dest = pool.destination(&fleet.addresses()[0], None);
    let error = pool
        .exec(&dest, &request("true"))
        .await
        .expect_err("an unknown key must be refused");
    assert!(matches!(error, SshError::Auth { .. }), "{error:?}");
    assert_eq!(error.kind(), ErrorKind::AccessDenied);
    let message = error.to_string();
    assert!(
        message.contains(&stranger.display().to_string()),
        "{message}"
    );
    assert!(message.contains(&Fleet::user()), "{message}");
    assert_eq!(fleet.accepted_connections(0), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_key_names_its_path() {
    let fleet = Fleet::start(1);
    let dir = tempfile::tempdir().expect("a temp dir");
    let missing = dir.path().join("no_such_key");
    let pool = Pool::new(SshSettings {
        key: missing.clone(),
        ..settings(&fleet, dir.path())
    });
    let dest = pool.destination(&fleet.addresses()[0], None);
    let error = pool
        .exec(&dest, &request("true"))
        .await
        .expect_err("no key");
    assert!(matches!(error, SshError::KeyUnreadable { .. }), "{error:?}");
    assert!(
        error.to_string().contains(&missing.display().to_string()),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_host_key_is_recorded_in_known_hosts() {
    let setup = Setup::new(2);
    assert!(!setup.known_hosts().exists());
    for dest in setup.destinations() {
        run(&setup.pool, &dest, "true").await;
    }
    let recorded = std::fs::read_to_string(setup.known_hosts()).expect("known_hosts written");
    for (i, address) in setup.fleet.addresses().iter().enumerate() {
        let line = format!("{address} {}", setup.fleet.host_public_key(i));
        assert!(
            recorded.lines().any(|l| l == line),
            "{line} missing from:\n{recorded}"
        );
    }
    assert_eq!(recorded.lines().count(), 2);

    // Known now: a new connection records nothing more.
    setup.pool.close_all().await;
    run(&setup.pool, &setup.destinations()[0], "true").await;
    let again = std::fs::read_to_string(setup.known_hosts()).expect("known_hosts");
    assert_eq!(again, recorded);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_host_key_is_refused_and_known_hosts_left_alone() {
    let mut setup = Setup::new(1);
    let dest = setup.destinations()[0].clone();
    run(&setup.pool, &dest, "true").await;
    setup.pool.close_all().await;
    setup.fleet.replace_host_key(0);
    let before = std::fs::read(setup.known_hosts()).expect("known_hosts");

    let error = setup
        .pool
        .exec(&dest, &request("true"))
        .await
        .expect_err("a changed host key must be refused");
    match &error {
        SshError::HostKeyChanged { line, path, .. } => {
            assert_eq!(*line, 1);
            assert_eq!(path, &setup.known_hosts());
        }
        other => panic!("expected HostKeyChanged, got {other:?}"),
    }
    assert_eq!(error.kind(), ErrorKind::AccessDenied);
    assert!(error.to_string().contains("ssh-keygen -R"), "{error}");
    assert_eq!(
        std::fs::read(setup.known_hosts()).expect("known_hosts"),
        before
    );
    assert_eq!(setup.fleet.accepted_connections(0), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_recorded_key_is_reported_at_its_line_counting_comments() {
    let setup = Setup::new(1);
    let stranger = std::fs::read_to_string(setup.fleet.stranger_key().with_extension("pub"))
        .expect("the stranger's public key");
    let wrong_key: Vec<&str> = stranger.split_whitespace().take(2).collect();
    let address = &setup.fleet.addresses()[0];
    let recorded = format!("# written by the test\n{address} {}\n", wrong_key.join(" "));
    std::fs::write(setup.known_hosts(), &recorded).expect("write known_hosts");

    let error = setup
        .pool
        .exec(&setup.destinations()[0], &request("true"))
        .await
        .expect_err("a wrong recorded key must be refused");
    assert!(
        matches!(error, SshError::HostKeyChanged { line: 2, .. }),
        "{error:?}"
    );
    assert_eq!(
        std::fs::read_to_string(setup.known_hosts()).unwrap(),
        recorded
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_command_times_out_and_its_connection_serves_the_next_exec() {
    let setup = Setup::new(1);
    let dest = &setup.destinations()[0];
    run(&setup.pool, dest, "true").await;

    let started = Instant::now();
    let error = setup
        .pool
        .exec(
            dest,
            &ExecRequest {
                timeout: Duration::from_millis(500),
                ..request("sleep 30")
            },
        )
        .await
        .expect_err("sleep 30 outlives a 500 ms timeout");
    let waited = started.elapsed();
    assert!(matches!(error, SshError::Timeout { .. }), "{error:?}");
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(waited >= Duration::from_millis(500), "{waited:?}");
    assert!(waited < Duration::from_secs(2), "{waited:?}");

    let output = run(&setup.pool, dest, "echo next").await;
    assert!(output.reused);
    assert_eq!(output.stdout, b"next\n");
    assert_eq!(setup.pool.stats().opened, 1);
    assert_eq!(setup.fleet.accepted_connections(0), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_connection_is_closed_and_the_next_exec_reconnects() {
    let setup = Setup::with(1, |settings| {
        settings.idle_timeout = Duration::from_millis(300)
    });
    let dest = &setup.destinations()[0];
    run(&setup.pool, dest, "true").await;
    assert_eq!(setup.pool.stats().open_now, 1);

    let pool = Arc::clone(&setup.pool);
    eventually("the idle close", Duration::from_secs(10), || {
        pool.stats().closed_idle == 1
    })
    .await;
    assert_eq!(setup.pool.stats().open_now, 0);
    eventually(
        "sshd seeing the disconnect",
        Duration::from_secs(10),
        || setup.fleet.log(0).contains("Received disconnect"),
    )
    .await;

    let output = run(&setup.pool, dest, "true").await;
    assert!(!output.reused);
    assert_eq!(setup.pool.stats().opened, 2);
    assert_eq!(setup.fleet.accepted_connections(0), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_pooled_connection_is_replaced_transparently() {
    let mut setup = Setup::new(1);
    let dest = setup.destinations()[0].clone();
    run(&setup.pool, &dest, "true").await;
    setup.fleet.restart(0);

    let output = run(&setup.pool, &dest, "echo again").await;
    assert_eq!(output.stdout, b"again\n");
    assert!(!output.reused);
    assert_eq!(setup.pool.stats().opened, 2);
    assert_eq!(setup.pool.stats().open_now, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_all_and_drop_leave_no_connection_open() {
    let setup = Setup::new(2);
    let addresses = setup.fleet.addresses();
    for dest in setup.destinations() {
        run(&setup.pool, &dest, "true").await;
    }
    assert_eq!(established_to(&addresses), 2);
    setup.pool.close_all().await;
    assert_eq!(setup.pool.stats().open_now, 0);
    eventually("close_all closing both", Duration::from_secs(10), || {
        established_to(&addresses) == 0
    })
    .await;

    for dest in setup.destinations() {
        assert!(!run(&setup.pool, &dest, "true").await.reused);
    }
    assert_eq!(established_to(&addresses), 2);
    let Setup {
        fleet,
        dir: _dir,
        pool,
    } = setup;
    drop(pool);
    eventually(
        "dropping the pool closing both",
        Duration::from_secs(10),
        || established_to(&addresses) == 0,
    )
    .await;
    assert_eq!(
        fleet.accepted_connections(0) + fleet.accepted_connections(1),
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_pool_evicts_its_least_recently_used_idle_connection() {
    let setup = Setup::with(3, |settings| settings.max_connections = 2);
    let destinations = setup.destinations();
    run(&setup.pool, &destinations[0], "true").await;
    run(&setup.pool, &destinations[1], "true").await;
    run(&setup.pool, &destinations[2], "true").await;
    let stats = setup.pool.stats();
    assert_eq!((stats.opened, stats.evicted, stats.open_now), (3, 1, 2));

    // Host 0 was the least recently used: host 1 is still connected.
    assert!(run(&setup.pool, &destinations[1], "true").await.reused);
    assert!(!run(&setup.pool, &destinations[0], "true").await.reused);
    assert_eq!(setup.pool.stats().open_now, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delay_proxy_adds_its_round_trip_to_each_exec() {
    let setup = Setup::new(1);
    let host: std::net::Ipv4Addr = setup.fleet.addresses()[0].parse().expect("an IPv4 address");
    let upstream = SocketAddr::from((host, 22));
    let one_way = Duration::from_millis(25);
    let proxy = DelayProxy::start(upstream, setup.fleet.spare_ip(0).into(), one_way);
    let dest = setup
        .pool
        .destination(&proxy.address().ip().to_string(), Some(&Fleet::user()));

    run(&setup.pool, &dest, "true").await;
    let warm = run(&setup.pool, &dest, "echo hi").await;
    assert!(warm.reused);
    assert_eq!(warm.stdout, b"hi\n");
    assert!(warm.duration >= one_way * 2, "{:?}", warm.duration);
    assert_eq!(setup.fleet.accepted_connections(0), 1);
}

#[test]
fn default_settings_fall_back_to_id_ed25519_without_azlin_key() {
    let home = tempfile::tempdir().expect("a temp dir");
    let ssh = home.path().join(".ssh");
    std::fs::create_dir(&ssh).expect("create .ssh");
    std::fs::write(ssh.join("id_ed25519"), "key").expect("write a key");
    let settings = SshSettings::defaults(home.path());
    assert_eq!(settings.key, ssh.join("id_ed25519"));
    assert_eq!(settings.user, "azureuser");
    assert_eq!(settings.port, 22);

    std::fs::write(ssh.join("azlin_key"), "key").expect("write a key");
    assert_eq!(
        SshSettings::defaults(home.path()).key,
        ssh.join("azlin_key")
    );
}

#[test]
fn a_destination_reads_as_user_at_host_and_port() {
    let dest = Destination {
        user: "azureuser".to_string(),
        host: "10.0.0.4".to_string(),
        port: 22,
    };
    assert_eq!(dest.to_string(), "azureuser@10.0.0.4:22");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_key_of_another_type_is_refused_at_the_recorded_line() {
    let mut setup = Setup::new(1);
    let address = setup.fleet.addresses()[0].clone();
    let recorded = format!(
        "# written by the test\n{address} {}\n",
        setup.fleet.host_public_key(0)
    );
    std::fs::write(setup.known_hosts(), &recorded).expect("write known_hosts");
    setup
        .fleet
        .replace_host_key_with(0, azlin_tests::fleet::KeyType::Ecdsa);
    assert!(
        setup
            .fleet
            .host_public_key(0)
            .starts_with("ecdsa-sha2-nistp256 "),
        "the sshd offers only an ECDSA key"
    );

    let error = setup
        .pool
        .exec(&setup.destinations()[0], &request("true"))
        .await
        .expect_err("a key of another type than the recorded one must be refused");
    assert!(
        matches!(error, SshError::HostKeyChanged { line: 2, .. }),
        "{error:?}"
    );
    assert_eq!(error.kind(), ErrorKind::AccessDenied);
    assert_eq!(
        std::fs::read_to_string(setup.known_hosts()).expect("known_hosts"),
        recorded
    );
    assert_eq!(setup.fleet.accepted_connections(0), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azlin_refuses_an_rsa_host_key_where_an_ed25519_key_is_recorded() {
    use azlin_tests::sim::{azlin, azlin_at, start_for};

    let mut fleet = Fleet::start(1);
    let sim = start_for(&fleet, 1).await;
    let env = azlin_tests::Env::reaching(&fleet);
    let known_hosts = env.config_dir().join("known_hosts");
    let first = azlin(&env, &sim, &["connect", "vm-0000", "--", "true"]).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    let recorded = std::fs::read(&known_hosts).expect("known_hosts written on first use");
    assert!(
        String::from_utf8_lossy(&recorded).contains(" ssh-ed25519 "),
        "{}",
        String::from_utf8_lossy(&recorded)
    );
    fleet.replace_host_key_with(0, azlin_tests::fleet::KeyType::Rsa);
    assert!(fleet.host_public_key(0).starts_with("ssh-rsa "));

    let runtime = tempfile::tempdir().expect("a runtime dir");
    let args = ["connect", "vm-0000", "--", "echo", "reached"];
    let in_process = azlin(&env, &sim, &args).await;
    let agent = azlin_at(&env, &sim, &args).through_agent(runtime.path());
    let through_agent = tokio::task::spawn_blocking(move || agent.output())
        .await
        .expect("the run finishes");
    let _ = azlin_at(&env, &sim, &["agent", "stop"])
        .through_agent(runtime.path())
        .output();
    for (how, output) in [
        ("in process", in_process),
        ("through the agent", through_agent),
    ] {
        assert_ne!(output.code, 0, "{how}: {}", output.stderr);
        assert!(
            !output.stdout.contains("reached"),
            "{how}: {}",
            output.stdout
        );
        assert!(
            output
                .stderr
                .contains("differs from the one recorded at line 1 of"),
            "{how}: {}",
            output.stderr
        );
        assert!(
            output
                .stderr
                .contains(&format!("ssh-keygen -R {}", fleet.addresses()[0])),
            "{how}: {}",
            output.stderr
        );
    }
    assert_eq!(
        std::fs::read(&known_hosts).expect("known_hosts"),
        recorded,
        "known_hosts is left byte for byte"
    );
    assert_eq!(fleet.accepted_connections(0), 1, "{}", fleet.log(0));
}
