//! One authenticated SSH connection: TCP with `TCP_NODELAY` before the
//! handshake, host key checked against known_hosts, public-key login.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use russh::client::{self, Handle, Msg};
use russh::keys::{PrivateKey, PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use russh::{Channel, Disconnect, Preferred, kex};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

use super::known_hosts::KnownHosts;
use super::latency::Latency;
use super::{Destination, SshError, SshSettings};

/// Channels open at once on one connection: OpenSSH's default `MaxSessions`,
/// which a stock VM enforces. Further execs wait for a free channel.
const MAX_CHANNELS: usize = 10;

/// How long a goodbye may take to reach the socket before azlin moves on.
const GOODBYE_WAIT: Duration = Duration::from_millis(500);

/// Key exchanges in order of preference: curve25519 first, as cheap as any
/// and ~6x cheaper in CPU than OpenSSH 9's sntrup761 default.
const KEX: &[kex::Name] = &[
    kex::CURVE25519,
    kex::CURVE25519_PRE_RFC_8731,
    kex::MLKEM768X25519_SHA256,
    kex::DH_GEX_SHA256,
    kex::DH_G16_SHA512,
    kex::DH_G14_SHA256,
    kex::EXTENSION_SUPPORT_AS_CLIENT,
    kex::EXTENSION_OPENSSH_STRICT_KEX_AS_CLIENT,
];

/// russh's client settings for a pool: keepalives, curve25519 preferred.
pub(crate) fn client_config(settings: &SshSettings) -> client::Config {
    client::Config {
        keepalive_interval: Some(settings.keepalive),
        keepalive_max: 3,
        preferred: Preferred {
            kex: Cow::Borrowed(KEX),
            ..Preferred::DEFAULT
        },
        ..client::Config::default()
    }
}

/// An open, logged-in connection shared by concurrent execs.
pub(crate) struct Connection {
    handle: Handle<Client>,
    /// Closed when the session task has ended (its `Client` is dropped).
    ended: watch::Receiver<()>,
    channels: Arc<Semaphore>,
    /// Execs holding or waiting for a channel; the pool only closes it at zero.
    users: AtomicUsize,
    last_used: Mutex<Instant>,
    /// This connection's place under the pool's `max_connections`.
    _room: OwnedSemaphorePermit,
}

/// What opening a channel can run into.
pub(crate) enum ChannelError {
    /// The connection is gone; a new one may succeed.
    Closed,
    /// The server refused the channel, or the protocol failed.
    Refused(russh::Error),
}

impl Connection {
    /// Connects to `dest` and logs in within the limit `latency` sets,
    /// and records how long that took.
    pub(crate) async fn open(
        dest: &Destination,
        settings: &SshSettings,
        config: Arc<client::Config>,
        key: Arc<PrivateKey>,
        known_hosts: Arc<KnownHosts>,
        latency: &Latency,
        room: OwnedSemaphorePermit,
    ) -> Result<Connection, SshError> {
        let started = tokio::time::Instant::now();
        let (alive, ended) = watch::channel(());
        let handshake = async {
            let stream = TcpStream::connect((dest.host.as_str(), dest.port))
                .await
                .map_err(|source| connect_error(dest, source))?;
            // Before the handshake: otherwise Nagle and delayed ACKs add ~40 ms
            // at each of the handshake's turns.
            stream
                .set_nodelay(true)
                .map_err(|source| connect_error(dest, source))?;
            let client = Client {
                dest: dest.clone(),
                known_hosts,
                _alive: alive,
            };
            let mut handle = client::connect_stream(config, stream, client)
                .await
                .map_err(|error| error.into_ssh(dest))?;
            login(&mut handle, dest, settings, key).await?;
            Ok(handle)
        };
        let handle = tokio::select! {
            handle = handshake => handle?,
            limit = latency.expired(started) => {
                return Err(SshError::ConnectTimeout {
                    dest: dest.clone(),
                    limit,
                });
            }
        };
        let took = started.elapsed();
        latency.record(took);
        tracing::debug!("connected to {dest} in {took:?}");
        Ok(Connection {
            handle,
            ended,
            channels: Arc::new(Semaphore::new(MAX_CHANNELS)),
            users: AtomicUsize::new(0),
            last_used: Mutex::new(Instant::now()),
            _room: room,
        })
    }

    /// Whether the connection has ended (the server left or the link broke).
    pub(crate) fn is_closed(&self) -> bool {
        self.handle.is_closed()
    }

    /// Opens a session channel, first waiting for one of the connection's
    /// channel slots; the permit must live as long as the channel.
    pub(crate) async fn open_channel(
        &self,
    ) -> Result<(Channel<Msg>, OwnedSemaphorePermit), ChannelError> {
        let permit = Arc::clone(&self.channels)
            .acquire_owned()
            .await
            .map_err(|_| ChannelError::Closed)?;
        match self.handle.channel_open_session().await {
            Ok(channel) => Ok((channel, permit)),
            Err(russh::Error::Disconnect | russh::Error::SendError) => Err(ChannelError::Closed),
            Err(_) if self.is_closed() => Err(ChannelError::Closed),
            Err(error) => Err(ChannelError::Refused(error)),
        }
    }

    /// Marks one more exec on this connection.
    pub(crate) fn enter(&self) {
        self.users.fetch_add(1, Ordering::SeqCst);
    }

    /// Marks an exec done and restarts the idle clock.
    pub(crate) fn leave(&self) {
        *self.last_used.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        self.users.fetch_sub(1, Ordering::SeqCst);
    }

    /// Since when the connection has had no exec, if it has none now.
    pub(crate) fn idle_since(&self) -> Option<Instant> {
        let last_used = *self.last_used.lock().unwrap_or_else(|e| e.into_inner());
        (self.users.load(Ordering::SeqCst) == 0).then_some(last_used)
    }

    /// Says goodbye to the server and waits (briefly) until it has gone
    /// out, so a process that exits next still leaves cleanly.
    pub(crate) async fn disconnect(&self, why: &str) {
        let sent = self
            .handle
            .disconnect(Disconnect::ByApplication, why, "en")
            .await;
        if sent.is_ok() {
            let mut ended = self.ended.clone();
            // Resolves with an error once the session task has dropped `Client`.
            let _ = tokio::time::timeout(GOODBYE_WAIT, ended.changed()).await;
        }
    }
}

/// Logs in with the configured key; RSA keys sign with the best hash the
/// server accepts.
async fn login(
    handle: &mut Handle<Client>,
    dest: &Destination,
    settings: &SshSettings,
    key: Arc<PrivateKey>,
) -> Result<(), SshError> {
    let protocol = |error: russh::Error| protocol_error(dest, error);
    let hash = if key.algorithm().is_rsa() {
        handle
            .best_supported_rsa_hash()
            .await
            .map_err(protocol)?
            .flatten()
    } else {
        None
    };
    let result = handle
        .authenticate_publickey(dest.user.as_str(), PrivateKeyWithHashAlg::new(key, hash))
        .await
        .map_err(protocol)?;
    if result.success() {
        Ok(())
    } else {
        Err(SshError::Auth {
            dest: dest.clone(),
            key: settings.key.clone(),
        })
    }
}

/// russh's callbacks for one connection: only the host key check matters.
pub(crate) struct Client {
    dest: Destination,
    known_hosts: Arc<KnownHosts>,
    /// Dropped with the session task, which tells [`Connection::disconnect`] it ended.
    _alive: watch::Sender<()>,
}

/// A handshake failure: russh's own, or our refusal of the host key.
#[derive(Debug)]
pub(crate) enum HandshakeError {
    Russh(russh::Error),
    Refused(SshError),
}

impl From<russh::Error> for HandshakeError {
    fn from(error: russh::Error) -> Self {
        HandshakeError::Russh(error)
    }
}

impl HandshakeError {
    fn into_ssh(self, dest: &Destination) -> SshError {
        match self {
            HandshakeError::Refused(error) => error,
            HandshakeError::Russh(russh::Error::IO(source)) => connect_error(dest, source),
            HandshakeError::Russh(error) => protocol_error(dest, error),
        }
    }
}

impl client::Handler for Client {
    type Error = HandshakeError;

    async fn check_server_key(
        &mut self,
        server_key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        match server_key {
            PublicKeyOrCertificate::PublicKey { key, .. } => {
                self.known_hosts
                    .verify(&self.dest, key)
                    .map_err(HandshakeError::Refused)?;
                Ok(true)
            }
            // Not advertised, so not expected; known_hosts cannot vouch for one.
            PublicKeyOrCertificate::Certificate(_) => Ok(false),
        }
    }
}

fn connect_error(dest: &Destination, source: std::io::Error) -> SshError {
    SshError::Connect {
        dest: dest.clone(),
        source,
    }
}

pub(crate) fn protocol_error(dest: &Destination, error: russh::Error) -> SshError {
    let why = match error {
        russh::Error::Disconnect => "the server closed the connection".to_string(),
        other => other.to_string(),
    };
    SshError::Protocol {
        dest: dest.clone(),
        why,
    }
}
