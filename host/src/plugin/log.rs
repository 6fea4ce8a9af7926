//! The command's log: the plugin's WASI stdout and stderr, captured in memory
//! (never the user's terminal) and charged to the run's output budget.

use super::limits::OutputBudget;
use bytes::Bytes;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError};

/// Bytes of log kept for the user; older bytes are dropped first.
const KEPT: usize = 64 << 10;

/// One stream (stdout or stderr) of a plugin, captured.
#[derive(Debug, Clone)]
pub struct LogPipe {
    kept: Arc<Mutex<Vec<u8>>>,
    budget: OutputBudget,
}

impl LogPipe {
    /// A pipe charging every byte to `budget`.
    pub fn new(budget: OutputBudget) -> Self {
        Self {
            kept: Arc::default(),
            budget,
        }
    }

    /// What the plugin wrote, lossily decoded (its last 64 KiB at most).
    pub fn contents(&self) -> String {
        String::from_utf8_lossy(&self.kept.lock().expect("log lock")).into_owned()
    }

    fn append(&self, bytes: &[u8]) -> Result<(), super::limits::LimitExceeded> {
        self.budget.charge(bytes.len())?;
        let mut kept = self.kept.lock().expect("log lock");
        kept.extend_from_slice(bytes);
        if kept.len() > KEPT {
            let excess = kept.len() - KEPT;
            kept.drain(..excess);
        }
        Ok(())
    }
}

impl IsTerminal for LogPipe {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for LogPipe {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl OutputStream for LogPipe {
    fn write(&mut self, bytes: Bytes) -> Result<(), StreamError> {
        self.append(&bytes)
            .map_err(|limit| StreamError::Trap(limit.into()))
    }

    fn flush(&mut self) -> Result<(), StreamError> {
        Ok(())
    }

    fn check_write(&mut self) -> Result<usize, StreamError> {
        Ok(64 << 10)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for LogPipe {
    async fn ready(&mut self) {}
}

impl AsyncWrite for LogPipe {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(
            self.append(buf)
                .map(|()| buf.len())
                .map_err(std::io::Error::other),
        )
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
