//! How long a run keeps the host busy: the time spent polling the run (the
//! plugin's own code and the synchronous part of every host call) plus host
//! work done on blocking threads for it. Waiting for Azure, SSH or the user
//! costs nothing; the CPU limit is checked against this sum.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Busy time of one run.
#[derive(Debug, Default)]
pub struct Meter(Mutex<Busy>);

#[derive(Debug, Default)]
struct Busy {
    spent: Duration,
    /// When the poll under way began, if one is.
    polling_since: Option<Instant>,
}

impl Meter {
    /// Busy time so far, the poll under way included.
    pub fn spent(&self) -> Duration {
        let busy = self.lock();
        busy.spent
            + busy
                .polling_since
                .map_or(Duration::ZERO, |since| since.elapsed())
    }

    /// Adds host work done for the run away from its own polls.
    pub fn charge(&self, work: Duration) {
        self.lock().spent += work;
    }

    /// Runs `future`, counting the time each of its polls takes.
    pub async fn measure<F: Future>(&self, future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        std::future::poll_fn(|context| {
            self.lock().polling_since = Some(Instant::now());
            let polled = future.as_mut().poll(context);
            let mut busy = self.lock();
            if let Some(since) = busy.polling_since.take() {
                busy.spent += since.elapsed();
            }
            polled
        })
        .await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Busy> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spins for `work` without yielding: a stand-in for host work.
    fn busy_for(work: Duration) {
        let start = Instant::now();
        while start.elapsed() < work {
            std::hint::spin_loop();
        }
    }

    #[tokio::test]
    async fn polls_count_and_waiting_does_not() {
        let meter = Meter::default();
        meter
            .measure(async {
                busy_for(Duration::from_millis(30));
                tokio::time::sleep(Duration::from_millis(300)).await;
                busy_for(Duration::from_millis(30));
            })
            .await;
        let spent = meter.spent();
        assert!(spent >= Duration::from_millis(60), "{spent:?}");
        assert!(
            spent < Duration::from_millis(300),
            "the sleep counted: {spent:?}"
        );
        meter.charge(Duration::from_secs(1));
        assert!(meter.spent() >= Duration::from_secs(1));
    }
}
