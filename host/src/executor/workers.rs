//! How many hosts to work on at once.

/// Upper bound whatever the machine: past it, a run mostly queues in sshd.
const MOST: usize = 256;
/// Hosts per core in flight: an exec mostly waits on the network and on
/// sshd, so many fit on one core.
const PER_CORE: usize = 32;

/// Workers for `targets` hosts: `max_workers` if the user capped it (never
/// more than there are hosts), else enough for every host up to a bound
/// that grows with the machine's cores.
pub fn workers(targets: usize, max_workers: Option<usize>) -> usize {
    let bound = max_workers.unwrap_or((cores() * PER_CORE).min(MOST));
    targets.min(bound).max(1)
}

/// The cores this process may use, read once: the standard library reads
/// cgroup files on every call (tens of microseconds).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cap_holds_and_there_is_always_one_worker() {
        assert_eq!(workers(100, Some(10)), 10);
        assert_eq!(workers(3, Some(10)), 3);
        assert_eq!(workers(0, None), 1);
        assert_eq!(workers(5, None), 5);
        assert!(workers(10_000, None) <= MOST);
    }
}
