//! A user-space TCP proxy that adds a fixed delay each way (this kernel has no
//! netem), to test and time SSH behind a WAN-like round trip.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

/// A running delay proxy; it runs on its own thread and runtime, so sync and
/// async tests alike can use it. Dropping it stops it and its connections.
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
    pub fn start(upstream: SocketAddr, listen_ip: IpAddr, one_way: Duration) -> DelayProxy {
        let listener = std::net::TcpListener::bind((listen_ip, upstream.port()))
            .unwrap_or_else(|error| panic!("bind the delay proxy on {listen_ip}: {error}"));
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let address = listener.local_addr().expect("the proxy's address");
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("the delay proxy's runtime");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("a tokio listener");
                tokio::select! {
                    () = accept_loop(listener, upstream, one_way) => {}
                    _ = stopped => {}
                }
            });
        });
        DelayProxy {
            address,
            stop: Some(stop),
            thread: Some(thread),
        }
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
