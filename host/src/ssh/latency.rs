//! The pool's recent handshake times, and a deadline for a connection that
//! follows them as they come in.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use super::limit::ConnectLimit;

/// Handshakes remembered: enough for a steady percentile, few enough that
/// the limit follows a network that got slower.
const WINDOW: usize = 64;

/// How long the pool's last [`WINDOW`] handshakes (TCP connect, SSH
/// handshake and login) took.
pub(crate) struct Latency {
    configured: Duration,
    recent: Mutex<VecDeque<Duration>>,
    recorded: Notify,
}

impl Latency {
    /// No handshakes yet: every limit is `configured` until there are.
    pub(crate) fn new(configured: Duration) -> Self {
        Latency {
            configured,
            recent: Mutex::new(VecDeque::with_capacity(WINDOW)),
            recorded: Notify::new(),
        }
    }

    /// Notes a handshake that succeeded after `took`.
    pub(crate) fn record(&self, took: Duration) {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if recent.len() == WINDOW {
            recent.pop_front();
        }
        recent.push_back(took);
        drop(recent);
        self.recorded.notify_waiters();
    }

    /// The limit for a connection opened now.
    pub(crate) fn limit(&self) -> ConnectLimit {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        ConnectLimit::adapted(recent.make_contiguous(), self.configured)
    }

    /// Returns once a connection begun at `started` has run past its limit,
    /// with that limit. The limit is read again at every recorded handshake,
    /// so a connection begun with the others, before any had answered, is
    /// given up on as soon as they have.
    pub(crate) async fn expired(&self, started: Instant) -> ConnectLimit {
        loop {
            let recorded = self.recorded.notified();
            tokio::pin!(recorded);
            recorded.as_mut().enable();
            let limit = self.limit();
            tokio::select! {
                () = tokio::time::sleep_until(started + limit.after) => return limit,
                () = recorded => {}
            }
        }
    }
}
