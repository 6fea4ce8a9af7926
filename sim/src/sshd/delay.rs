//! A user-space TCP proxy that adds a fixed delay each way (this kernel has no
//! netem), to test and time SSH behind a WAN-like round trip.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::SshdError;

/// A running delay proxy; it runs on its own thread and runtime, so sync and
/// async callers alike can use it. Dropping it stops it and its connections.
#[derive(Debug)]
pub struct DelayProxy {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DelayProxy {
    /// Listens on `listen_ip` at the upstream's port and forwards each
    /// connection to `upstream`, every byte held back `one_way` in each
    /// direction. Connecting upstream waits one round trip first, as a TCP
    /// handshake over that link would.
    ///
    /// # Panics
    /// With [`DelayProxy::try_start`]'s error: a convenience for tests.
    pub fn start(upstream: SocketAddr, listen_ip: IpAddr, one_way: Duration) -> DelayProxy {
        DelayProxy::try_start(upstream, listen_ip, one_way)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// [`DelayProxy::start`], failing if the address cannot be bound.
    pub fn try_start(
        upstream: SocketAddr,
        listen_ip: IpAddr,
        one_way: Duration,
    ) -> Result<DelayProxy, SshdError> {
        let what = format!("bind a delay proxy on {listen_ip}:{}", upstream.port());
        let listener = std::net::TcpListener::bind((listen_ip, upstream.port()))
            .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
            .map_err(SshdError::io(what.clone()))?;
        let address = listener.local_addr().map_err(SshdError::io(what.clone()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(SshdError::io("start a delay proxy's runtime"))?;
        let listener = {
            let _context = runtime.enter();
            TcpListener::from_std(listener).map_err(SshdError::io(what))?
        };
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                tokio::select! {
                    () = accept_loop(listener, upstream, one_way) => {}
                    _ = stopped => {}
                }
            });
        });
        Ok(DelayProxy {
            address,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where clients connect.
    pub fn address(&self) -> SocketAddr {
        self.address
    }
}

impl Drop for DelayProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(listener: TcpListener, upstream: SocketAddr, one_way: Duration) {
    while let Ok((client, _)) = listener.accept().await {
        tokio::spawn(async move {
            tokio::time::sleep(one_way * 2).await;
            let Ok(server) = TcpStream::connect(upstream).await else {
                return;
            };
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            tokio::join!(
                forward(client_read, server_write, one_way),
                forward(server_read, client_write, one_way),
            );
        });
    }
}

/// Copies one direction: each chunk is stamped on arrival and written once
/// its delay has passed, in order; end of stream is delayed the same way.
async fn forward(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, one_way: Duration) {
    let (queue, mut due) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let reader = async move {
        let mut buffer = vec![0; 64 * 1024];
        loop {
            let n = from.read(&mut buffer).await.unwrap_or(0);
            // An empty chunk marks the end of the stream.
            if queue
                .send((Instant::now() + one_way, buffer[..n].to_vec()))
                .is_err()
                || n == 0
            {
                return;
            }
        }
    };
    let writer = async move {
        while let Some((at, chunk)) = due.recv().await {
            tokio::time::sleep_until(at).await;
            if chunk.is_empty() || to.write_all(&chunk).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(reader, writer);
}
