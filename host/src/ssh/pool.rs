//! The connection pool: one connection per `user@host:port`, opened once
//! however many execs ask at the same time, reused while healthy, closed
//! when idle, the least recently used idle one evicted to stay bounded,
//! each connect limited by how fast the pool's other handshakes were.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use russh::Channel;
use russh::client::{self, Msg};
use russh::keys::PrivateKey;
use tokio::sync::{Mutex as AsyncMutex, Notify, OwnedSemaphorePermit, Semaphore};
use tokio::task::{AbortHandle, JoinSet};

use super::connection::{ChannelError, Connection, client_config, protocol_error};
use super::exec::{self, ExecOutput, ExecRequest};
use super::known_hosts::KnownHosts;
use super::latency::Latency;
use super::sftp::{self, Sftp};
use super::shell::{self, ShellEnd, ShellIo, ShellRequest};
use super::unreachable::Unreachable;
use super::{ConnectLimit, Destination, SshError, SshSettings};

/// How long an unreadable key's failure stands before the key is read again.
const KEY_RETRY: Duration = Duration::from_secs(2);
/// The reaper's shortest sleep, so a tiny idle timeout cannot make it spin.
const MIN_REAP_INTERVAL: Duration = Duration::from_millis(10);

/// Counters of what the pool did, for tests and `--verbose`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections opened (handshake and login done).
    pub opened: u64,
    /// Execs that ran on an already open connection.
    pub reused: u64,
    /// Connections open now.
    pub open_now: usize,
    /// Connections closed after `idle_timeout` unused.
    pub closed_idle: u64,
    /// Idle connections closed to make room under `max_connections`.
    pub evicted: u64,
}

/// SSH connections shared by every task of a run; cheap to share behind `Arc`.
pub struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    settings: SshSettings,
    config: Arc<client::Config>,
    known_hosts: Arc<KnownHosts>,
    /// Handshake times, which set each new connection's limit.
    latency: Latency,
    /// Destinations that gave no answer in time a moment ago.
    unreachable: Unreachable,
    key: OnceLock<Arc<PrivateKey>>,
    /// When and why the key last could not be read.
    key_failed: Mutex<Option<(Instant, String)>>,
    /// One slot per destination ever used; its lock is held while connecting,
    /// so concurrent execs to a new host share one connection.
    slots: Mutex<HashMap<Destination, Arc<Slot>>>,
    /// One permit per open (or opening) connection.
    room: Arc<Semaphore>,
    /// Signalled whenever an exec ends, so a full pool can look for an idle connection.
    exec_ended: Notify,
    reaper: OnceLock<AbortHandle>,
    opened: AtomicU64,
    reused: AtomicU64,
    open_now: AtomicUsize,
    closed_idle: AtomicU64,
    evicted: AtomicU64,
}

type Slot = AsyncMutex<Option<Arc<Connection>>>;

impl Pool {
    /// An empty pool; nothing connects until the first exec.
    pub fn new(settings: SshSettings) -> Self {
        let config = Arc::new(client_config(&settings));
        let known_hosts = Arc::new(KnownHosts::new(settings.known_hosts.clone()));
        let room = Arc::new(Semaphore::new(settings.max_connections.max(1)));
        let latency = Latency::new(settings.connect_timeout);
        Pool {
            inner: Arc::new(Inner {
                settings,
                config,
                known_hosts,
                latency,
                unreachable: Unreachable::default(),
                key: OnceLock::new(),
                key_failed: Mutex::new(None),
                slots: Mutex::new(HashMap::new()),
                room,
                exec_ended: Notify::new(),
                reaper: OnceLock::new(),
                opened: AtomicU64::new(0),
                reused: AtomicU64::new(0),
                open_now: AtomicUsize::new(0),
                closed_idle: AtomicU64::new(0),
                evicted: AtomicU64::new(0),
            }),
        }
    }

    /// The settings the pool was made with.
    pub fn settings(&self) -> &SshSettings {
        &self.inner.settings
    }

    /// `host` with the default port, and `user` or the default user.
    pub fn destination(&self, host: &str, user: Option<&str>) -> Destination {
        Destination {
            user: user.unwrap_or(&self.inner.settings.user).to_string(),
            host: host.to_string(),
            port: self.inner.settings.port,
        }
    }

    /// Runs a command on `to`, connecting first if needed. A pooled
    /// connection found broken is replaced once, transparently.
    pub async fn exec(
        &self,
        to: &Destination,
        request: &ExecRequest,
    ) -> Result<ExecOutput, SshError> {
        let started = Instant::now();
        let ran = self.exec_timed(to, request, started).await;
        let operation = match &ran {
            Ok(output) if output.reused => "ssh exec (reused connection)",
            _ => "ssh exec (new connection)",
        };
        crate::perf::time(operation, started.elapsed(), ran.is_ok());
        ran
    }

    async fn exec_timed(
        &self,
        to: &Destination,
        request: &ExecRequest,
        started: Instant,
    ) -> Result<ExecOutput, SshError> {
        let deadline = tokio::time::Instant::now() + request.timeout;
        let (_lease, channel, _channel_permit, reused) = self
            .inner
            .channel(to, &request.command, request.timeout, deadline)
            .await?;
        let finished = exec::run(channel, to, request, deadline).await?;
        Ok(ExecOutput {
            exit_code: finished.exit_code,
            stdout: finished.stdout,
            stderr: finished.stderr,
            duration: started.elapsed(),
            reused,
            held: finished.held,
        })
    }

    /// An interactive session on `to`'s pooled connection (connecting, by
    /// `connect_timeout`, first if needed), relayed through `io` until it
    /// ends. A connection that drops is forgotten, so the next call opens
    /// a new one.
    pub async fn shell(
        &self,
        to: &Destination,
        request: &ShellRequest,
        connect_timeout: Duration,
        io: &mut impl ShellIo,
    ) -> Result<ShellEnd, SshError> {
        let deadline = tokio::time::Instant::now() + connect_timeout;
        let what = request.command.as_deref().unwrap_or("(login shell)");
        let (lease, channel, _channel_permit, _reused) = self
            .inner
            .channel(to, what, connect_timeout, deadline)
            .await?;
        let ended = shell::run(channel, to, request, io).await;
        if matches!(ended, Ok(ShellEnd::Dropped)) {
            self.inner.forget(to, &lease.connection).await;
        }
        ended
    }

    /// An SFTP session on a channel of `to`'s pooled connection (connecting
    /// first if needed, within `timeout`); the connection stays busy, and
    /// the channel open, until the session is dropped.
    pub async fn sftp(&self, to: &Destination, timeout: Duration) -> Result<Sftp, SshError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let (lease, channel, permit, _reused) =
            self.inner.channel(to, "(sftp)", timeout, deadline).await?;
        let session = tokio::time::timeout_at(deadline, sftp::start(channel, to))
            .await
            .map_err(|_| SshError::Timeout {
                dest: to.clone(),
                command: "(sftp)".into(),
                after: timeout,
            })??;
        Ok(Sftp {
            session,
            _lease: lease,
            _permit: permit,
        })
    }

    /// One SSH round trip to `to` on its pooled connection (opened first if
    /// needed, and not counted): a session channel opened and closed, which
    /// the server answers without starting a process.
    pub async fn round_trip(
        &self,
        to: &Destination,
        timeout: Duration,
    ) -> Result<Duration, SshError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let (lease, _reused) = self.inner.lease(to, deadline).await?;
        let started = Instant::now();
        let opened = tokio::time::timeout_at(deadline, lease.connection.open_channel()).await;
        let took = started.elapsed();
        let channel = match opened {
            Ok(Ok((channel, _permit))) => channel,
            Ok(Err(ChannelError::Closed)) => {
                self.inner.forget(to, &lease.connection).await;
                return Err(protocol_error(to, russh::Error::Disconnect));
            }
            Ok(Err(ChannelError::Refused(error))) => return Err(protocol_error(to, error)),
            Err(_) => {
                return Err(SshError::Timeout {
                    dest: to.clone(),
                    command: "(round trip)".into(),
                    after: timeout,
                });
            }
        };
        let _ = channel.close().await;
        crate::perf::time("ssh round trip", took, true);
        Ok(took)
    }

    /// The limit a connection opened now would get: `connect_timeout`
    /// until a few handshakes were seen, then a multiple of their time.
    pub fn connect_limit(&self) -> ConnectLimit {
        self.inner.latency.limit()
    }

    /// What the pool has done so far.
    pub fn stats(&self) -> PoolStats {
        let inner = &self.inner;
        PoolStats {
            opened: inner.opened.load(Ordering::Relaxed),
            reused: inner.reused.load(Ordering::Relaxed),
            open_now: inner.open_now.load(Ordering::Relaxed),
            closed_idle: inner.closed_idle.load(Ordering::Relaxed),
            evicted: inner.evicted.load(Ordering::Relaxed),
        }
    }

    /// Closes every connection with a goodbye to its server, ending any
    /// exec still running on it (a run that ends, or is interrupted). The
    /// pool stays usable and reconnects on demand.
    pub async fn close_all(&self) {
        // All at once: each goodbye may wait for its socket, and a hung host
        // must not hold up the others.
        let mut goodbyes = JoinSet::new();
        for slot in self.inner.slots() {
            let taken = slot.lock().await.take();
            if let Some(connection) = taken {
                self.inner.open_now.fetch_sub(1, Ordering::Relaxed);
                goodbyes.spawn(async move { connection.disconnect("closing").await });
            }
        }
        goodbyes.join_all().await;
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("settings", &self.inner.settings)
            .field("stats", &self.stats())
            .finish()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        if let Some(reaper) = self.inner.reaper.get() {
            reaper.abort();
        }
    }
}

/// An exec's hold on a connection; the connection counts as busy until dropped.
pub(crate) struct Lease {
    connection: Arc<Connection>,
    pool: Arc<Inner>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.connection.leave();
        self.pool.exec_ended.notify_waiters();
    }
}

impl Inner {
    /// A session channel to `dest` by `deadline`, with the lease and channel
    /// slot that must outlive it, and whether the connection was reused. A
    /// reused connection that turns out closed is replaced once. `what` and
    /// `timeout` (the limit `deadline` came from) name a timeout's error.
    async fn channel(
        self: &Arc<Self>,
        dest: &Destination,
        what: &str,
        timeout: Duration,
        deadline: tokio::time::Instant,
    ) -> Result<(Lease, Channel<Msg>, OwnedSemaphorePermit, bool), SshError> {
        let mut replaced = false;
        loop {
            let (lease, reused) = self.lease(dest, deadline).await?;
            let opened = tokio::time::timeout_at(deadline, lease.connection.open_channel()).await;
            match opened {
                Ok(Ok((channel, permit))) => {
                    if reused {
                        self.reused.fetch_add(1, Ordering::Relaxed);
                    }
                    return Ok((lease, channel, permit, reused));
                }
                Ok(Err(ChannelError::Closed)) if reused && !replaced => {
                    tracing::debug!("the connection to {dest} broke; opening a new one");
                    self.forget(dest, &lease.connection).await;
                    replaced = true;
                }
                Ok(Err(ChannelError::Closed)) => {
                    return Err(protocol_error(dest, russh::Error::Disconnect));
                }
                Ok(Err(ChannelError::Refused(error))) => return Err(protocol_error(dest, error)),
                Err(_) => {
                    return Err(SshError::Timeout {
                        dest: dest.clone(),
                        command: what.to_string(),
                        after: timeout,
                    });
                }
            }
        }
    }

    /// A healthy connection to `dest`, opening one if needed (by `deadline`
    /// at the latest); and whether it was already open. A destination that
    /// gave no answer in time a moment ago fails at once.
    async fn lease(
        self: &Arc<Self>,
        dest: &Destination,
        deadline: tokio::time::Instant,
    ) -> Result<(Lease, bool), SshError> {
        let slot = self.slot(dest);
        let mut current = slot.lock().await;
        if let Some(connection) = current.as_ref() {
            if !connection.is_closed() {
                return Ok((self.hold(connection), true));
            }
            tracing::debug!("the connection to {dest} has closed; opening a new one");
            *current = None;
            self.open_now.fetch_sub(1, Ordering::Relaxed);
        }
        if let Some(ago) = self.unreachable.recalled(dest) {
            return Err(SshError::RecentlyUnreachable {
                dest: dest.clone(),
                ago,
            });
        }
        let key = self.key(dest)?;
        let room = self.make_room().await;
        let connecting = Instant::now();
        let opened = tokio::time::timeout_at(
            deadline,
            Connection::open(
                dest,
                &self.settings,
                Arc::clone(&self.config),
                key,
                Arc::clone(&self.known_hosts),
                &self.latency,
                room,
            ),
        )
        .await;
        let connection = opened.unwrap_or_else(|_| {
            Err(SshError::ConnectDeadline {
                dest: dest.clone(),
                after: connecting.elapsed(),
            })
        });
        crate::perf::time("ssh connect", connecting.elapsed(), connection.is_ok());
        match &connection {
            Ok(_) => self.unreachable.forget(dest),
            Err(error) if error.is_silence() => self.unreachable.remember(dest),
            Err(_) => {}
        }
        let connection = Arc::new(connection?);
        self.opened.fetch_add(1, Ordering::Relaxed);
        self.open_now.fetch_add(1, Ordering::Relaxed);
        *current = Some(Arc::clone(&connection));
        self.start_reaper();
        Ok((self.hold(&connection), false))
    }

    fn hold(self: &Arc<Self>, connection: &Arc<Connection>) -> Lease {
        connection.enter();
        Lease {
            connection: Arc::clone(connection),
            pool: Arc::clone(self),
        }
    }

    /// Drops `broken` from `dest`'s slot, unless another exec already replaced it.
    async fn forget(&self, dest: &Destination, broken: &Arc<Connection>) {
        let slot = self.slot(dest);
        let mut current = slot.lock().await;
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, broken)) {
            *current = None;
            self.open_now.fetch_sub(1, Ordering::Relaxed);
        }
    }

    fn slot(&self, dest: &Destination) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(slots.entry(dest.clone()).or_default())
    }

    fn slots(&self) -> Vec<Arc<Slot>> {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.values().cloned().collect()
    }

    /// The login key, read once. Why an unreadable key cannot be used is
    /// kept for a moment, so a fleet of 800 VMs does not read it 800 times,
    /// yet a key the user fixes is read again soon (the agent lives on).
    fn key(&self, dest: &Destination) -> Result<Arc<PrivateKey>, SshError> {
        if let Some(key) = self.key.get() {
            return Ok(Arc::clone(key));
        }
        let path = &self.settings.key;
        let unreadable = |why: String| SshError::KeyUnreadable {
            dest: dest.clone(),
            path: path.clone(),
            why,
        };
        let mut failed = self.key_failed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, why)) = failed.as_ref()
            && at.elapsed() < KEY_RETRY
        {
            return Err(unreadable(why.clone()));
        }
        match russh::keys::load_secret_key(path, None) {
            Ok(key) => Ok(Arc::clone(self.key.get_or_init(|| Arc::new(key)))),
            Err(error) => {
                let why = match error {
                    russh::keys::Error::KeyIsEncrypted => {
                        "it is protected by a passphrase, which azlin cannot ask for".to_string()
                    }
                    other => other.to_string(),
                };
                *failed = Some((Instant::now(), why.clone()));
                Err(unreadable(why))
            }
        }
    }

    /// A permit for one more connection: free room, else room made by
    /// evicting the least recently used idle connection, else the first room
    /// that frees up when an exec ends.
    async fn make_room(&self) -> OwnedSemaphorePermit {
        loop {
            let ended = self.exec_ended.notified();
            tokio::pin!(ended);
            ended.as_mut().enable();
            if let Ok(permit) = Arc::clone(&self.room).try_acquire_owned() {
                return permit;
            }
            self.evict_least_recently_used().await;
            tokio::select! {
                permit = Arc::clone(&self.room).acquire_owned() => {
                    if let Ok(permit) = permit {
                        return permit;
                    }
                }
                () = ended => {}
            }
        }
    }

    /// Closes the idle connection unused the longest, if there is one.
    async fn evict_least_recently_used(&self) {
        let oldest = self
            .slots()
            .into_iter()
            .filter_map(|slot| {
                let since = slot.try_lock().ok()?.as_ref()?.idle_since()?;
                Some((since, slot))
            })
            .min_by_key(|(since, _)| *since);
        let Some((_, slot)) = oldest else {
            return;
        };
        let Ok(mut current) = slot.try_lock() else {
            return;
        };
        let Some(connection) = current.take_if(|c| c.idle_since().is_some()) else {
            return;
        };
        drop(current);
        self.open_now.fetch_sub(1, Ordering::Relaxed);
        self.evicted.fetch_add(1, Ordering::Relaxed);
        connection.disconnect("making room").await;
    }

    /// Closes connections idle for `idle_timeout`; returns when the next
    /// one could become due.
    async fn close_idle(&self) -> tokio::time::Instant {
        let idle_timeout = self.settings.idle_timeout;
        let mut next = Instant::now() + idle_timeout;
        for slot in self.slots() {
            let Ok(mut current) = slot.try_lock() else {
                continue;
            };
            let Some(since) = current.as_ref().and_then(|c| c.idle_since()) else {
                continue;
            };
            if since.elapsed() < idle_timeout {
                next = next.min(since + idle_timeout);
                continue;
            }
            if let Some(connection) = current.take() {
                self.open_now.fetch_sub(1, Ordering::Relaxed);
                self.closed_idle.fetch_add(1, Ordering::Relaxed);
                connection.disconnect("idle").await;
            }
        }
        // Never spin, however small the timeout.
        next.max(Instant::now() + MIN_REAP_INTERVAL).into()
    }

    /// Starts the task that closes idle connections, once per pool.
    fn start_reaper(self: &Arc<Self>) {
        self.reaper.get_or_init(|| {
            let pool = Arc::downgrade(self);
            tokio::spawn(reap(pool)).abort_handle()
        });
    }
}

/// Closes idle connections until the pool is gone.
async fn reap(pool: Weak<Inner>) {
    loop {
        let Some(inner) = pool.upgrade() else {
            return;
        };
        let next = inner.close_idle().await;
        drop(inner);
        tokio::time::sleep_until(next).await;
    }
}
