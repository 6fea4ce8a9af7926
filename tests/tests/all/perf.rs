//! `azlin perf report`: the counters it shows follow the commands run, the
//! ARM requests the simulator served, the cache's answers and the SSH
//! pool's reuse, and `--reset` forgets them.

use azlin_sim::Options;
use azlin_tests::fleet::Fleet;
use azlin_tests::sim::{azlin, azlin_at, start};
use azlin_tests::{Env, Output};

fn json(output: &Output) -> serde_json::Value {
    assert_eq!(output.code, 0, "{}", output.stderr);
    serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", output.stdout))
}

/// The report's row for `operation`.
fn row<'a>(report: &'a serde_json::Value, operation: &str) -> &'a serde_json::Value {
    report["operations"]
        .as_array()
        .expect("an operations table")
        .iter()
        .find(|row| row["operation"] == operation)
        .unwrap_or_else(|| panic!("no '{operation}' in {report}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_counts_commands_arm_requests_and_cache_answers() {
    let sim = start(Options::default()).await;
    let env = Env::new();
    env.write_config("default_resource_group = \"rg-0\"\n");
    for _ in 0..2 {
        let listed = azlin(&env, &sim, &["list"]).await;
        assert_eq!(listed.code, 0, "{}", listed.stderr);
    }
    let report = json(&azlin(&env, &sim, &["perf", "report", "-o", "json"]).await);

    let list = row(&report, "command list");
    assert_eq!(
        (list["count"].as_i64(), list["errors"].as_i64()),
        (Some(2), Some(0))
    );
    assert!(list["p50_ms"].as_f64().unwrap_or_default() > 0.0, "{list}");
    assert!(list["p95_ms"].as_f64() <= list["max_ms"].as_f64(), "{list}");
    let arm: i64 = report["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .filter(|row| {
            row["operation"]
                .as_str()
                .unwrap_or_default()
                .starts_with("arm ")
        })
        .map(|row| row["count"].as_i64().unwrap_or_default())
        .sum();
    assert_eq!(
        arm as u64,
        sim.state.arm_total(),
        "every ARM request the simulator served: {report}"
    );

    let cache = report["cache"].as_array().expect("a cache table");
    let (hits, misses) = cache.iter().fold((0, 0), |(hits, misses), row| {
        (
            hits + row["hits"].as_i64().unwrap_or_default(),
            misses + row["misses"].as_i64().unwrap_or_default(),
        )
    });
    assert!(
        hits > 0 && misses > 0,
        "the first list missed, the second hit: {report}"
    );
    let ratio = report["summary"]["cache_hit_ratio"]
        .as_f64()
        .expect("a hit ratio");
    assert!(
        (ratio - hits as f64 / (hits + misses) as f64).abs() < 0.001,
        "{report}"
    );
    assert_eq!(
        report["summary"]["commands"], 2,
        "two lists; perf report itself is no plugin run"
    );

    let reset = azlin(&env, &sim, &["perf", "report", "--reset"]).await;
    assert_eq!(reset.code, 0, "{}", reset.stderr);
    assert!(
        reset.stderr.contains("the counters were reset"),
        "{}",
        reset.stderr
    );
    let after = json(&azlin(&env, &sim, &["perf", "report", "-o", "json"]).await);
    assert_eq!(after["operations"], serde_json::json!([]), "{after}");
    assert_eq!(after["summary"]["commands"], 0, "{after}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ssh_reuse_ratio_shows_the_agent_keeping_connections() {
    let fleet = Fleet::start(2);
    let sim = start(Options {
        vms: 2,
        addresses: fleet.addresses(),
        ..Options::default()
    })
    .await;
    let env = Env::reaching(&fleet);
    let runtime = tempfile::tempdir().expect("a runtime dir");
    let through_agent = |args: &'static [&'static str]| {
        let run = azlin_at(&env, &sim, args).through_agent(runtime.path());
        tokio::task::spawn_blocking(move || run.output())
    };
    for _ in 0..2 {
        let w = through_agent(&["w"]).await.expect("w finishes");
        assert_eq!(w.code, 0, "{}", w.stderr);
    }
    let report = json(
        &through_agent(&["perf", "report", "-o", "json"])
            .await
            .expect("report"),
    );
    through_agent(&["agent", "stop"])
        .await
        .expect("agent stops");

    assert_eq!(row(&report, "ssh connect")["count"], 2, "{report}");
    assert_eq!(
        row(&report, "ssh exec (new connection)")["count"],
        2,
        "{report}"
    );
    assert_eq!(
        row(&report, "ssh exec (reused connection)")["count"],
        2,
        "{report}"
    );
    assert_eq!(report["summary"]["ssh_reuse_ratio"], 0.5, "{report}");
    assert_eq!(row(&report, "command w")["count"], 2, "{report}");
}
