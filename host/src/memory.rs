//! Memory the host holds on one run's behalf (a remote command's output not
//! yet handed to the plugin), counted with the plugin's own linear memory
//! against the run's memory limit, so a plugin cannot make the host buffer
//! what it could not hold itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// One run's memory: the plugin's linear memory and what the host holds.
#[derive(Debug)]
pub struct Account {
    limit: u64,
    guest: AtomicU64,
    held: AtomicU64,
}

impl Account {
    /// An account for a run limited to `limit` bytes.
    pub fn new(limit: u64) -> Arc<Self> {
        Arc::new(Self {
            limit,
            guest: AtomicU64::new(0),
            held: AtomicU64::new(0),
        })
    }

    /// The run's limit, in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Whether the plugin's memory may grow to `desired` bytes; records it if so.
    pub fn guest_grows_to(&self, desired: u64) -> bool {
        if desired.saturating_add(self.held.load(Ordering::Relaxed)) > self.limit {
            return false;
        }
        self.guest.store(desired, Ordering::Relaxed);
        true
    }

    /// Reserves `bytes` for the host, unless the run would then pass its limit.
    pub fn reserve(self: &Arc<Self>, bytes: u64) -> Option<Reservation> {
        let guest = self.guest.load(Ordering::Relaxed);
        self.held
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
                let total = held.checked_add(bytes)?;
                (total.saturating_add(guest) <= self.limit).then_some(total)
            })
            .ok()?;
        Some(Reservation {
            account: self.clone(),
            bytes,
        })
    }
}

/// Bytes the host holds for a run; given back when dropped.
#[derive(Debug)]
pub struct Reservation {
    account: Arc<Account>,
    bytes: u64,
}

impl Reservation {
    /// Adds `other` to this reservation.
    pub fn absorb(&mut self, mut other: Reservation) {
        self.bytes += std::mem::take(&mut other.bytes);
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.account.held.fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_plugin_share_one_limit_and_bytes_come_back() {
        let account = Account::new(100);
        assert!(account.guest_grows_to(60));
        let held = account.reserve(40).expect("fits");
        assert!(account.reserve(1).is_none(), "60 + 40 is the limit");
        assert!(!account.guest_grows_to(61));
        drop(held);
        assert!(account.reserve(40).is_some());
        let mut a = account.reserve(10).expect("a");
        a.absorb(account.reserve(10).expect("b"));
        assert!(account.reserve(21).is_none());
        drop(a);
        assert!(account.reserve(40).is_some());
    }
}
