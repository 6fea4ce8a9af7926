//! The adaptive connect limit: a host that accepts TCP but never answers SSH
//! is given up on at a multiple of the other hosts' handshake time, long
//! before a generous `connect_timeout`, while the other hosts all answer.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use azlin::executor::FanOut;
use azlin::ssh::{ConnectLimit, Destination, ErrorKind, Pool, SshError, SshSettings};
use azlin_tests::fleet::Fleet;

use crate::ssh::{request, settings};

/// Far above any adapted limit: a test reaching it has failed.
const CONFIGURED: Duration = Duration::from_secs(60);

/// A safety net, so a broken adaptation fails the test instead of waiting out
/// [`CONFIGURED`].
const SAFETY_NET: Duration = Duration::from_secs(50);

/// A host that accepts TCP and never sends the SSH banner. The kernel
/// completes each connection into the listener's backlog; nothing reads or
/// writes it. Fails the test when dropped if the pool never connected.
struct SilentHost {
    listener: TcpListener,
}

impl SilentHost {
    fn start(fleet: &Fleet) -> SilentHost {
        let listener =
            TcpListener::bind((fleet.spare_ip(0), 0)).expect("bind the silent host's listener");
        SilentHost { listener }
    }

    fn destination(&self) -> Destination {
        let address = self.listener.local_addr().expect("the listener's address");
        Destination {
            user: Fleet::user(),
            host: address.ip().to_string(),
            port: address.port(),
        }
    }
}

impl Drop for SilentHost {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        self.listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        assert!(
            self.listener.accept().is_ok(),
            "the pool never connected to the silent host"
        );
    }
}

fn pool(fleet: &Fleet, dir: &Path, connect_timeout: Duration) -> Arc<Pool> {
    Arc::new(Pool::new(SshSettings {
        connect_timeout,
        ..settings(fleet, dir)
    }))
}

fn fleet_destinations(pool: &Pool, fleet: &Fleet) -> Vec<Destination> {
    let user = Fleet::user();
    fleet
        .addresses()
        .iter()
        .map(|address| pool.destination(address, Some(&user)))
        .collect()
}

/// The limit `error` gave up at, checked to be a connect timeout adapted
/// below [`CONFIGURED`] whose message names `dest` and says so.
fn adapted_limit(error: &SshError, dest: &Destination) -> ConnectLimit {
    let SshError::ConnectTimeout { limit, .. } = error else {
        panic!("expected a connect timeout, got {error:?}");
    };
    assert_eq!(error.kind(), ErrorKind::Unavailable);
    assert!(limit.is_adapted(), "{limit:?}");
    assert!(limit.observed.is_some(), "{limit:?}");
    assert!(limit.after < CONFIGURED, "{limit:?}");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("gave up connecting to {dest} after {limit}")),
        "{message}"
    );
    assert!(
        message.contains("the other hosts took") && message.contains("connect_timeout = 60 s"),
        "{message}"
    );
    *limit
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_host_after_the_others_is_given_up_on_at_a_multiple_of_their_handshakes() {
    let fleet = Fleet::start(3);
    let dir = tempfile::tempdir().expect("a temp dir");
    let pool = pool(&fleet, dir.path(), CONFIGURED);
    assert_eq!(pool.connect_limit(), ConnectLimit::configured(CONFIGURED));
    for dest in fleet_destinations(&pool, &fleet) {
        let output = pool.exec(&dest, &request("echo up")).await;
        assert_eq!(output.expect("a running host").stdout, b"up\n");
    }
    let expected = pool.connect_limit();

    let silent = SilentHost::start(&fleet);
    let dest = silent.destination();
    let result = tokio::time::timeout(SAFETY_NET, pool.exec(&dest, &request("true")))
        .await
        .expect("the pool gave up before connect_timeout");
    let error = result.expect_err("a silent host cannot answer");
    assert_eq!(adapted_limit(&error, &dest), expected);
    assert_eq!(pool.stats().opened, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_host_started_with_the_others_is_given_up_on_once_they_answer() {
    let fleet = Fleet::start(3);
    let dir = tempfile::tempdir().expect("a temp dir");
    let pool = pool(&fleet, dir.path(), CONFIGURED);
    let silent = SilentHost::start(&fleet);
    let mut destinations = fleet_destinations(&pool, &fleet);
    destinations.push(silent.destination());

    let task_pool = Arc::clone(&pool);
    let mut fanout = FanOut::start(destinations.clone(), destinations.len(), move |dest| {
        let pool = Arc::clone(&task_pool);
        async move { pool.exec(&dest, &request("echo up")).await }
    });
    let mut finished = Vec::new();
    let collect = async {
        while let Some((index, result)) = fanout.next().await {
            finished.push((index, result.expect("an exec task")));
        }
    };
    tokio::time::timeout(SAFETY_NET, collect)
        .await
        .expect("the fan-out ended before connect_timeout");

    let (last, silent_result) = finished.pop().expect("four results");
    assert_eq!(last, 3, "the silent host finished last");
    let error = silent_result.expect_err("a silent host cannot answer");
    adapted_limit(&error, &destinations[3]);
    assert_eq!(finished.len(), 3);
    for (_, result) in finished {
        assert_eq!(result.expect("a running host").stdout, b"up\n");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_any_host_answered_a_silent_host_gets_the_configured_limit() {
    let fleet = Fleet::start(0);
    let dir = tempfile::tempdir().expect("a temp dir");
    let configured = Duration::from_millis(300);
    let pool = pool(&fleet, dir.path(), configured);
    let silent = SilentHost::start(&fleet);
    let dest = silent.destination();

    let error = pool
        .exec(&dest, &request("true"))
        .await
        .expect_err("a silent host cannot answer");
    let SshError::ConnectTimeout { limit, .. } = &error else {
        panic!("expected a connect timeout, got {error:?}");
    };
    assert_eq!(*limit, ConnectLimit::configured(configured));
    assert!(
        error.to_string().starts_with(&format!(
            "gave up connecting to {dest} after 300 ms (connect_timeout)"
        )),
        "{error}"
    );
}
