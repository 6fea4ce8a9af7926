//! Destinations that recently gave no answer within their connect limit,
//! remembered briefly so the next run through the same pool (the agent's)
//! fails at once instead of waiting for the same silence again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Destination;

/// How long a silent destination is given up on. Long enough to cover the
/// commands a user types one after another (`list`, then `w`); short enough
/// that a VM that was still booting is tried again soon.
pub(crate) const REMEMBERED: Duration = Duration::from_secs(30);

/// Silent destinations and when they were given up on.
#[derive(Debug, Default)]
pub(crate) struct Unreachable {
    since: Mutex<HashMap<Destination, Instant>>,
}

impl Unreachable {
    /// Notes that `dest` did not answer in time.
    pub(crate) fn remember(&self, dest: &Destination) {
        self.lock().insert(dest.clone(), Instant::now());
    }

    /// Forgets `dest`: it answered.
    pub(crate) fn forget(&self, dest: &Destination) {
        self.lock().remove(dest);
    }

    /// How long ago `dest` was given up on, if that is under [`REMEMBERED`].
    pub(crate) fn recalled(&self, dest: &Destination) -> Option<Duration> {
        let mut since = self.lock();
        let ago = since.get(dest)?.elapsed();
        if ago < REMEMBERED {
            return Some(ago);
        }
        since.remove(dest);
        None
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Destination, Instant>> {
        self.since.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dest() -> Destination {
        Destination {
            user: "azureuser".into(),
            host: "10.0.0.4".into(),
            port: 22,
        }
    }

    #[test]
    fn a_silent_destination_is_recalled_until_it_answers() {
        let unreachable = Unreachable::default();
        assert_eq!(unreachable.recalled(&dest()), None);
        unreachable.remember(&dest());
        assert!(
            unreachable
                .recalled(&dest())
                .is_some_and(|ago| ago < REMEMBERED)
        );
        unreachable.forget(&dest());
        assert_eq!(unreachable.recalled(&dest()), None);
    }
}
