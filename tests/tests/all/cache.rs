//! The persistent cache: hits and misses, expiry, invalidation by pattern,
//! bad entries as misses, size bounds, and a locked database.

use azlin::cache::{Bounds, Cache, CacheError, Key, Operation, Pattern, Ttls};
use std::time::Duration;

fn open(dir: &std::path::Path) -> Cache {
    Cache::open(
        dir,
        Ttls::default(),
        Bounds::default(),
        Duration::from_millis(100),
    )
    .expect("cache opens")
}

fn vm_list(group: &str) -> Key {
    Key::new(
        Operation::VmList,
        &[("subscription", "s1"), ("resource_group", group)],
    )
}

#[test]
fn a_stored_value_is_a_hit_until_it_expires() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ttls = Ttls::default();
    ttls.set(Operation::PowerState, Duration::ZERO);
    let cache = Cache::open(dir.path(), ttls, Bounds::default(), Duration::ZERO).expect("opens");
    cache
        .put(
            &vm_list("rg1"),
            &vec!["vm-1".to_string(), "vm-2".to_string()],
        )
        .expect("put");
    assert_eq!(
        cache.get::<Vec<String>>(&vm_list("rg1")),
        Some(vec!["vm-1".into(), "vm-2".into()])
    );
    let states = Key::new(Operation::PowerState, &[("resource_group", "rg1")]);
    cache.put(&states, &"running".to_string()).expect("put");
    assert_eq!(
        cache.get::<String>(&states),
        None,
        "a zero TTL expires at once"
    );
    assert_eq!(cache.get::<Vec<String>>(&vm_list("rg2")), None);
}

#[test]
fn hit_and_miss_counts_survive_the_process() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let cache = open(dir.path());
        cache.put(&vm_list("rg1"), &1u32).expect("put");
        assert_eq!(cache.get::<u32>(&vm_list("rg1")), Some(1));
        assert_eq!(cache.get::<u32>(&vm_list("rg2")), None);
    }
    let cache = open(dir.path());
    assert_eq!(cache.get::<u32>(&vm_list("rg1")), Some(1));
    let stats = cache.stats().expect("stats")[&Operation::VmList];
    assert_eq!((stats.hits, stats.misses, stats.entries), (2, 1, 1));
    assert_eq!(stats.hit_ratio(), Some(2.0 / 3.0));
    assert!(stats.bytes > 0);
}

#[test]
fn invalidation_removes_only_matching_entries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = open(dir.path());
    let state = |group: &str| {
        Key::new(
            Operation::PowerState,
            &[("subscription", "s1"), ("resource_group", group)],
        )
    };
    cache
        .put(&state("rg1"), &"running".to_string())
        .expect("put");
    cache
        .put(&state("rg2"), &"running".to_string())
        .expect("put");
    cache.put(&vm_list("rg1"), &"vms".to_string()).expect("put");
    let removed = cache
        .invalidate(&Pattern::new(
            Operation::PowerState,
            &[("resource_group", "rg1")],
        ))
        .expect("invalidate");
    assert_eq!(removed, 1);
    assert_eq!(cache.get::<String>(&state("rg1")), None);
    assert_eq!(
        cache.get::<String>(&state("rg2")).as_deref(),
        Some("running")
    );
    assert_eq!(
        cache.get::<String>(&vm_list("rg1")).as_deref(),
        Some("vms"),
        "other operations stay"
    );
}

#[test]
fn an_unreadable_or_old_schema_entry_is_a_miss_not_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let db = sled::open(dir.path()).expect("raw sled");
        let entries = db.open_tree("entries").expect("tree");
        entries
            .insert(vm_list("garbage").bytes(), b"\xff not json".to_vec())
            .expect("insert");
        let old = serde_json::json!({"schema": 0, "stored_at": 0, "seq": 0, "expires_at": u64::MAX, "params": [], "value": 1});
        entries
            .insert(
                vm_list("old").bytes(),
                serde_json::to_vec(&old).expect("json"),
            )
            .expect("insert");
        db.flush().expect("flush");
    }
    let cache = open(dir.path());
    assert_eq!(cache.get::<u32>(&vm_list("garbage")), None);
    assert_eq!(cache.get::<u32>(&vm_list("old")), None);
    cache
        .put(&vm_list("garbage"), &7u32)
        .expect("the key is usable again");
    assert_eq!(cache.get::<u32>(&vm_list("garbage")), Some(7));
}

#[test]
fn a_value_read_as_another_type_is_a_miss() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = open(dir.path());
    cache.put(&vm_list("rg1"), &7u32).expect("put");
    assert_eq!(cache.get::<i64>(&vm_list("rg1")), None);
    cache.put(&vm_list("rg1"), &7u32).expect("put");
    assert_eq!(cache.get::<u32>(&vm_list("rg1")), Some(7));
}

#[test]
fn the_size_bound_evicts_the_oldest_entries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bounds = Bounds {
        max_entries: 10,
        max_bytes: u64::MAX,
    };
    let cache = Cache::open(dir.path(), Ttls::default(), bounds, Duration::ZERO).expect("opens");
    for index in 0..64u32 {
        cache
            .put(&vm_list(&format!("rg{index}")), &index)
            .expect("put");
    }
    cache.enforce_bounds().expect("bounds");
    assert_eq!(
        cache.stats().expect("stats")[&Operation::VmList].entries,
        10
    );
    assert_eq!(
        cache.get::<u32>(&vm_list("rg63")),
        Some(63),
        "the newest stays"
    );
    assert_eq!(
        cache.get::<u32>(&vm_list("rg0")),
        None,
        "the oldest went first"
    );
}

#[test]
fn a_held_database_is_reported_as_locked_after_a_bounded_wait() {
    let dir = tempfile::tempdir().expect("temp dir");
    let _held = open(dir.path());
    let second = Cache::open(
        dir.path(),
        Ttls::default(),
        Bounds::default(),
        Duration::from_millis(50),
    );
    match second {
        Err(CacheError::Locked { path }) => assert_eq!(path, dir.path()),
        other => panic!("expected Locked, got {other:?}"),
    }
}

#[test]
fn clear_removes_entries_and_counts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = open(dir.path());
    cache.put(&vm_list("rg1"), &1u32).expect("put");
    let _ = cache.get::<u32>(&vm_list("rg1"));
    assert_eq!(cache.clear().expect("clear"), 1);
    let stats = cache.stats().expect("stats")[&Operation::VmList];
    assert_eq!((stats.hits, stats.misses, stats.entries), (0, 0, 0));
}

fn api_cache(env: &azlin_tests::Env) -> std::path::PathBuf {
    env.cache_dir().join("api")
}

#[test]
fn cache_stats_reports_counts_written_by_another_process() {
    let env = azlin_tests::Env::new();
    {
        let cache = open(&api_cache(&env));
        cache
            .put(&vm_list("rg1"), &vec!["vm-1".to_string()])
            .expect("put");
        assert!(cache.get::<Vec<String>>(&vm_list("rg1")).is_some());
        assert!(cache.get::<Vec<String>>(&vm_list("rg2")).is_none());
    }
    let output = env.azlin(["cache", "stats", "-o", "json"]).success();
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    let vm_list = json["operations"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["operation"] == "vm_list"))
        .cloned()
        .expect("a vm_list row");
    assert_eq!(vm_list["hits"], 1);
    assert_eq!(vm_list["misses"], 1);
    assert_eq!(vm_list["hit_ratio"], 0.5);
    assert_eq!(vm_list["entries"], 1);

    let cleared = env.azlin(["cache", "clear"]).success();
    assert_eq!(cleared.stdout, "removed 1 cached answers\n");
    let after = env.azlin(["cache", "stats", "-o", "csv"]).success();
    assert!(
        after.stdout.contains("vm_list,0,0,,0,0"),
        "{}",
        after.stdout
    );
}

#[test]
fn cache_stats_on_a_held_cache_fails_with_a_message_not_a_hang() {
    let env = azlin_tests::Env::new();
    let _held = open(&api_cache(&env));
    let output = env.azlin(["cache", "stats"]).code(1);
    assert!(
        output.stderr.contains("is held by another azlin process"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_cache_ttl_of_the_wrong_type_is_named() {
    let env = azlin_tests::Env::new();
    env.write_config("[cache]\nvm_list_ttl = \"long\"\n");
    let output = env.azlin(["cache", "stats"]).code(1);
    assert!(
        output.stderr.contains("cache.vm_list_ttl"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("a number of 0 or more"),
        "{}",
        output.stderr
    );
}
