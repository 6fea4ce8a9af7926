//! The open cache shared with this user's other processes: the agent holds
//! sled's lock, so a run beside it (`--no-agent`, a script, another
//! `--config`) reads and writes the agent's cache over a socket beside the
//! cache instead of waiting for the lock and asking Azure again.

mod client;
mod server;
mod wire;

pub use client::Holder;
pub use server::Server;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{ApiCache, Bounds, Cache, CacheError, Key, Operation, Pattern, Ttls};
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn a_run_reads_and_writes_the_cache_its_holder_serves() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("api");
        assert!(
            Holder::reach(&path, Ttls::default()).is_none(),
            "no holder yet"
        );
        let cache = Cache::open(&path, Ttls::default(), Bounds::default(), Duration::ZERO);
        let cache = Arc::new(cache.expect("cache opens"));
        let server = Server::start(&path, &cache).expect("serves");
        let holder = Holder::reach(&path, Ttls::default()).expect("reached");
        let shared = ApiCache::Held(Arc::new(holder));

        let key = Key::new(Operation::VmList, &[("subscription", "s")]);
        shared.put(&key, &vec![1u32, 2]).expect("stored");
        assert_eq!(cache.get::<Vec<u32>>(&key), Some(vec![1, 2]));
        assert_eq!(shared.get::<Vec<u32>>(&key), Some(vec![1, 2]));
        let stamped = shared.get_stamped::<Vec<u32>>(&key);
        assert_eq!(
            stamped,
            Some((vec![1, 2], None)),
            "no stamp through a holder"
        );
        let local = ApiCache::Open(cache.clone()).get_stamped::<Vec<u32>>(&key);
        assert_eq!(local, Some((vec![1, 2], cache.stamp(&key))));
        let pattern = Pattern::new(Operation::VmList, &[("subscription", "s")]);
        assert_eq!(shared.invalidate(&pattern).expect("dropped"), 1);
        assert_eq!(cache.get::<Vec<u32>>(&key), None);

        let named = Key::plugin("p", "big");
        let refused = shared.put_within(&named, &vec![0u8; 200], Duration::from_secs(60), 100);
        assert!(
            matches!(refused, Err(CacheError::OverQuota { .. })),
            "{refused:?}"
        );

        drop(server);
        drop(cache);
        let lost = shared.put(&key, &vec![3u32]);
        assert!(matches!(lost, Err(CacheError::HolderLost)), "{lost:?}");
        assert_eq!(shared.get::<Vec<u32>>(&key), None);
        assert!(
            Holder::reach(&path, Ttls::default()).is_none(),
            "its socket is gone"
        );
    }
}
