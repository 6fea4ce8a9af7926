//! Warm execs inside one process: an `azlin::ssh::Pool` logs in to 10 real
//! sshd processes once, then runs `true` on one host, on each host in turn,
//! and on all ten at once. Needs root and openssh-server (the fleet binds
//! port 22 on 127.x addresses); skipped with the reason otherwise.

use std::sync::Arc;
use std::time::Duration;

use azlin::ssh::{Destination, ExecRequest, Pool, SshSettings};
use azlin_sim::sshd::Fleet;
use divan::Bencher;
use divan::counter::ItemsCount;

/// Hosts of the fleet.
const HOSTS: usize = 10;

fn main() {
    if let Err(error) = Fleet::preflight() {
        eprintln!("ssh_exec: skipped: {error}");
        return;
    }
    divan::main();
}

/// A fleet and a pool already connected to every host.
struct Warm {
    pool: Arc<Pool>,
    destinations: Vec<Destination>,
    tokio: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    _fleet: Fleet,
}

impl Warm {
    fn connect() -> Warm {
        let fleet = Fleet::start(HOSTS);
        let dir = tempfile::tempdir().expect("a temp dir");
        let pool = Arc::new(Pool::new(SshSettings {
            user: Fleet::user(),
            key: fleet.client_key(),
            known_hosts: dir.path().join("known_hosts"),
            ..SshSettings::defaults(dir.path())
        }));
        let destinations = fleet
            .addresses()
            .iter()
            .map(|address| pool.destination(address, None))
            .collect();
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio");
        let warm = Warm {
            pool,
            destinations,
            tokio,
            _dir: dir,
            _fleet: fleet,
        };
        assert_eq!(
            warm.at_once(HOSTS),
            0,
            "the first exec on each host connects"
        );
        assert_eq!(warm.pool.stats().opened, HOSTS as u64, "one login per host");
        warm
    }

    /// `true` on the first `hosts` hosts, one after another; how many ran
    /// on an open connection.
    fn in_turn(&self, hosts: usize) -> usize {
        self.tokio.block_on(async {
            let mut reused = 0;
            for dest in &self.destinations[..hosts] {
                reused += usize::from(exec(&self.pool, dest).await);
            }
            reused
        })
    }

    /// `true` on the first `hosts` hosts, all at once; how many ran on an
    /// open connection.
    fn at_once(&self, hosts: usize) -> usize {
        self.tokio.block_on(async {
            let mut execs = tokio::task::JoinSet::new();
            for dest in &self.destinations[..hosts] {
                let (pool, dest) = (self.pool.clone(), dest.clone());
                execs.spawn(async move { exec(&pool, &dest).await });
            }
            let reused = execs.join_all().await;
            reused.into_iter().filter(|&reused| reused).count()
        })
    }
}

/// Runs `true` on `dest`; whether it ran on an open connection.
async fn exec(pool: &Pool, dest: &Destination) -> bool {
    let request = ExecRequest {
        command: "true".to_string(),
        stdin: None,
        timeout: Duration::from_secs(30),
        memory: None,
    };
    let output = pool
        .exec(dest, &request)
        .await
        .unwrap_or_else(|error| panic!("`true` on {dest}: {error}"));
    assert_eq!(output.exit_code, Some(0), "{output:?}");
    output.reused
}

#[divan::bench]
fn one_host(bencher: Bencher) {
    let warm = Warm::connect();
    bencher.bench_local(|| assert_eq!(warm.in_turn(1), 1));
}

#[divan::bench]
fn ten_hosts_in_turn(bencher: Bencher) {
    let warm = Warm::connect();
    bencher
        .counter(ItemsCount::new(HOSTS))
        .bench_local(|| assert_eq!(warm.in_turn(HOSTS), HOSTS));
}

#[divan::bench]
fn ten_hosts_at_once(bencher: Bencher) {
    let warm = Warm::connect();
    bencher
        .counter(ItemsCount::new(HOSTS))
        .bench_local(|| assert_eq!(warm.at_once(HOSTS), HOSTS));
}
