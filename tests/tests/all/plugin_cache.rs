//! `azlin:host/cache` through the built binary: entries that outlive the run
//! (in its own process or the agent), private to each plugin, invalidated by
//! prefix, held to their limits and quota, and counted in `azlin cache stats`.

use azlin::cache::{Bounds, Cache, Key, Ttls};
use azlin_tests::{Env, fixtures};
use std::time::Duration;

/// An environment with the `cache-user` fixture installed.
fn env() -> Env {
    let env = Env::new();
    env.install(fixtures::CACHE, "cache-user");
    env
}

/// The lines `azlin cache-user ARGS` printed.
fn says(env: &Env, args: &[&str]) -> Vec<String> {
    let command = std::iter::once("cache-user").chain(args.iter().copied());
    let output = env.azlin(command).success();
    output.stdout.lines().map(str::to_string).collect()
}

/// The one line `azlin cache-user ARGS` printed.
fn said(env: &Env, args: &[&str]) -> String {
    let lines = says(env, args);
    assert_eq!(lines.len(), 1, "{lines:?}");
    lines[0].clone()
}

/// The environment's API cache, opened here (while no azlin runs).
fn open(env: &Env) -> Cache {
    let dir = env.cache_dir().join("api");
    Cache::open(
        &dir,
        Ttls::default(),
        Bounds::default(),
        Duration::from_secs(5),
    )
    .expect("the cache opens")
}

#[test]
fn a_value_put_in_one_run_is_found_by_the_next() {
    let env = env();
    assert_eq!(said(&env, &["put", "greeting", "hello"]), "stored greeting");
    assert_eq!(said(&env, &["get", "greeting"]), "found greeting: hello");
    assert_eq!(said(&env, &["get", "other"]), "missing other");
}

#[test]
fn a_plugin_sees_only_its_own_entries() {
    let env = env();
    {
        let cache = open(&env);
        let theirs = Key::plugin("other-plugin", "shared");
        let mine = Key::plugin("cache-user", "mine");
        let hour = Duration::from_secs(3600);
        cache
            .put_for(&theirs, &b"theirs".to_vec(), hour)
            .expect("put");
        cache.put_for(&mine, &b"mine".to_vec(), hour).expect("put");
    }
    assert_eq!(said(&env, &["get", "shared"]), "missing shared");
    assert_eq!(said(&env, &["get", "mine"]), "found mine: mine");
    assert_eq!(said(&env, &["put", "shared", "ours"]), "stored shared");
    assert_eq!(said(&env, &["invalidate"]), "removed 2");
    let cache = open(&env);
    assert_eq!(
        cache.get::<Vec<u8>>(&Key::plugin("other-plugin", "shared")),
        Some(b"theirs".to_vec()),
        "another plugin's entry is untouched"
    );
}

#[test]
fn a_plugin_invoked_by_its_alias_finds_its_own_entries() {
    let env = env();
    assert_eq!(said(&env, &["put", "k", "v"]), "stored k");
    let output = env.azlin(["cache-user-alias", "get", "k"]).success();
    assert_eq!(output.stdout.trim(), "found k: v");
}

#[test]
fn invalidating_a_prefix_removes_only_matching_keys_and_counts_them() {
    let env = env();
    for key in ["vm/1", "vm/2", "vmx", "other"] {
        assert_eq!(said(&env, &["put", key, "x"]), format!("stored {key}"));
    }
    assert_eq!(said(&env, &["invalidate", "vm/"]), "removed 2");
    assert_eq!(said(&env, &["get", "vm/1"]), "missing vm/1");
    assert_eq!(said(&env, &["get", "vm/2"]), "missing vm/2");
    assert_eq!(said(&env, &["get", "vmx"]), "found vmx: x");
    assert_eq!(said(&env, &["invalidate", "nothing"]), "removed 0");
    assert_eq!(said(&env, &["invalidate"]), "removed 2", "all the rest");
    assert_eq!(said(&env, &["get", "other"]), "missing other");
}

#[test]
fn a_zero_ttl_an_empty_key_and_a_value_over_1_mib_are_invalid_input() {
    let env = env();
    let invalid = |args: &[&str]| {
        let line = said(&env, args);
        assert!(
            line.starts_with("error invalid-input: "),
            "{args:?}: {line}"
        );
    };
    invalid(&["put", "k", "v", "--ttl", "0"]);
    invalid(&["put", "", "v"]);
    invalid(&["get", ""]);
    invalid(&["put", &"k".repeat(257), "v"]);
    invalid(&["get", &"k".repeat(257)]);
    invalid(&["put", "big", "--size", "1048577"]);
    assert_eq!(
        said(&env, &["put", "big", "--size", "1048576"]),
        "stored big"
    );
    assert_eq!(said(&env, &["get", "big"]), "found big: 1048576 bytes");
    let longest = "k".repeat(256);
    assert_eq!(
        said(&env, &["put", &longest, "v"]),
        format!("stored {longest}")
    );
}

#[test]
fn going_over_the_default_16_mib_quota_is_access_denied() {
    let env = env();
    let lines = says(&env, &["put", "big", "--size", "1048576", "--copies", "17"]);
    // Sixteen values of 1 MiB and their keys and headers exceed 16 MiB.
    assert_eq!(lines.len(), 16, "{lines:?}");
    assert_eq!(lines[14], "stored big-15");
    assert!(
        lines[15].starts_with("error access-denied: the plugin's cache quota is used up"),
        "{}",
        lines[15]
    );
    assert!(lines[15].contains("plugin_quota_mib"), "{}", lines[15]);
    assert_eq!(said(&env, &["get", "big-16"]), "missing big-16");
}

#[test]
fn the_quota_follows_plugin_quota_mib_and_replacing_or_invalidating_frees_room() {
    let env = env();
    env.write_config("[cache]\nplugin_quota_mib = 1\n");
    let put = |key: &str| said(&env, &["put", key, "--size", "600000"]);
    assert_eq!(put("a"), "stored a");
    assert!(put("b").starts_with("error access-denied: "));
    assert_eq!(put("a"), "stored a", "a replaced entry does not count");
    assert_eq!(said(&env, &["invalidate", "a"]), "removed 1");
    assert_eq!(put("b"), "stored b");
}

#[test]
fn cache_stats_count_plugin_hits_and_misses() {
    let env = env();
    said(&env, &["put", "k", "v"]);
    said(&env, &["get", "k"]);
    said(&env, &["get", "absent"]);
    said(&env, &["get", "k"]);
    let output = env.azlin(["cache", "stats", "-o", "json"]).success();
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    let plugin = json["operations"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["operation"] == "plugin"))
        .cloned()
        .expect("a plugin row");
    assert_eq!(plugin["hits"], 2, "{plugin}");
    assert_eq!(plugin["misses"], 1, "{plugin}");
    assert_eq!(plugin["entries"], 1, "{plugin}");
}

#[test]
fn entries_put_through_the_agent_are_found_by_its_next_run() {
    let env = env();
    let runtime = tempfile::tempdir().expect("a runtime dir");
    let through_agent = |args: &[&str]| {
        let command = std::iter::once("cache-user").chain(args.iter().copied());
        env.azlin(command).through_agent(runtime.path()).output()
    };
    let put = through_agent(&["put", "k", "kept"]);
    let got = through_agent(&["get", "k"]);
    // Stopped before asserting, so a failure leaves no agent behind.
    env.azlin(["agent", "stop"])
        .through_agent(runtime.path())
        .success();
    assert!(
        !put.stderr.contains("running the command in this process"),
        "{}",
        put.stderr
    );
    assert_eq!(
        (put.code, put.stdout.trim()),
        (0, "stored k"),
        "{}",
        put.stderr
    );
    assert_eq!(
        (got.code, got.stdout.trim()),
        (0, "found k: kept"),
        "{}",
        got.stderr
    );
}

#[test]
fn a_cache_held_by_another_process_is_unavailable_and_the_plugin_goes_on() {
    let env = env();
    let _held = open(&env);
    let line = said(&env, &["get", "k"]);
    assert!(line.starts_with("error unavailable: "), "{line}");
}

#[test]
fn beside_the_agent_a_plugin_uses_its_cache_within_the_same_quota() {
    // The agent holds the cache; a run in its own process reaches it through
    // the agent (else it would find the cache unavailable) and is held to
    // the same quota there.
    let env = env();
    env.write_config("[cache]\nplugin_quota_mib = 1\n");
    let runtime = tempfile::tempdir().expect("a runtime dir");
    let put_a = ["cache-user", "put", "a", "--size", "600000"];
    let through_agent = env.azlin(put_a).through_agent(runtime.path()).output();
    let found = said(&env, &["get", "a"]);
    let refused = said(&env, &["put", "b", "--size", "600000"]);
    let removed = said(&env, &["invalidate", "a"]);
    let stored = said(&env, &["put", "b", "--size", "600000"]);
    env.azlin(["agent", "stop"])
        .through_agent(runtime.path())
        .success();
    assert_eq!(
        through_agent.stdout.trim(),
        "stored a",
        "{}",
        through_agent.stderr
    );
    assert!(found.starts_with("found a: "), "{found}");
    assert!(
        refused.starts_with("error access-denied: the plugin's cache quota is used up"),
        "{refused}"
    );
    assert_eq!(removed, "removed 1");
    assert_eq!(stored, "stored b");
}
