#!/usr/bin/env bash
# What a plugin costs the host (issue 21), an earlier azlin beside this build
# in one run on one machine, as a Markdown table on stdout:
#   AZLIN_BEFORE=/path/to/earlier/azlin benches/host_work.sh [PUTS]
# Rows: PUTS cache puts in one plugin (item 3); a million cheap host calls
# under a 2 s CPU limit and a 10-minute sleep under a 2 s wall limit (item 2);
# snapshots written to a pipe under a 64 MiB output limit (item 1); a
# `--no-agent list` beside a warm agent against azlin-sim (item 9). Each
# run has its own HOME; runs past their timeout are killed (exit 124).
set -euo pipefail
# shellcheck source=benches/lib.sh
. "$(dirname "$0")/lib.sh"
before="${AZLIN_BEFORE:?set AZLIN_BEFORE to the earlier azlin binary}"
puts="${1:-10000}"
need_packages time curl
build_release
fixtures="$bench_root/target/plugins/wasm32-wasip2/plugin"
CARGO_TARGET_DIR="$bench_root/target/plugins" cargo build --quiet --manifest-path "$bench_root/Cargo.toml" \
    --target wasm32-wasip2 --profile plugin \
    -p fixture-cache -p fixture-spin -p fixture-flood
work="$(mktemp -d)"
trap 'stop_sim; rm -rf "$work"' EXIT

# fresh_home BINARY CONFIG: a new HOME with CONFIG as config.toml and the
# fixtures installed by BINARY.
fresh_home() {
    local home
    home="$(mktemp -d -p "$work")"
    export HOME="$home" AZLIN_CONFIG_DIR="$home/config" AZLIN_CACHE_DIR="$home/cache" \
        XDG_CACHE_HOME="$home/cache" XDG_RUNTIME_DIR="$home" AZLIN_NO_AGENT=1
    mkdir -p "$AZLIN_CONFIG_DIR"
    printf '%b' "$2" >"$AZLIN_CONFIG_DIR/config.toml"
    for fixture in cache spin flood; do
        "$1" plugin install "$fixtures/fixture_$fixture.wasm" --yes >/dev/null
    done
}

# measure LABEL CONFIG TIMEOUT ARGS…: one table row, each binary in turn:
# wall s, CPU s (user + system), peak RSS, bytes on stdout, exit code.
measure() {
    local label="$1" config="$2" limit="$3" cells="" bin
    shift 3
    for bin in "$before" "$azlin"; do
        fresh_home "$bin" "$config"
        set +e
        /usr/bin/time -f '%e %U %S %M' -o "$HOME/time" timeout "$limit" "$bin" "$@" 2>"$HOME/err" | wc -c >"$HOME/bytes"
        local code="${PIPESTATUS[0]}"
        set -e
        read -r wall user sys rss < <(tail -n 1 "$HOME/time") || { wall=$limit user=0 sys=0 rss=0; }
        cells+=" | ${wall} s wall, $(python3 -c "print(round($user + $sys, 2))") s CPU, $((rss / 1024)) MiB peak, $(( $(cat "$HOME/bytes") >> 20 )) MiB out, exit $code"
    done
    echo "| $label$cells |"
}

# beside_agent BINARY: wall ms and ARM requests of a `--no-agent list`
# while an agent of BINARY holds a cache it has already filled.
beside_agent() {
    local bin="$1" dir
    dir="$(mktemp -d -p "$work")"
    start_sim "$dir" --vms 40
    unset AZLIN_NO_AGENT
    local azlin="$bin"
    "$bin" list -a >/dev/null
    local requests_before started elapsed requests_after
    requests_before="$(curl -sf "$AZLIN_ARM_ENDPOINT/_sim/stats")"
    started=$(date +%s%N)
    "$bin" --no-agent list -a >/dev/null 2>"$dir/err"
    elapsed=$((($(date +%s%N) - started) / 1000000))
    requests_after="$(curl -sf "$AZLIN_ARM_ENDPOINT/_sim/stats")"
    "$bin" agent stop >/dev/null 2>&1 || true
    stop_sim
    python3 - "$requests_before" "$requests_after" "$elapsed" <<'PY'
import json, sys
before, after = (json.loads(text) for text in sys.argv[1:3])
counts = lambda stats: {k: v for k, v in (stats.get("counts", stats)).items() if k != "token"}
arm = sum(counts(after).values()) - sum(counts(before).values())
print(f"{sys.argv[3]} ms, {arm} ARM requests", end="")
PY
}

# first_and_second BINARY: the median wall ms of the first `list` in a fresh
# HOME (against azlin-sim, 40 VMs, no agent) and of the one after it, over 5 homes.
first_and_second() {
    local bin="$1" dir firsts=() seconds=() started
    dir="$(mktemp -d -p "$work")"
    start_sim "$dir" --vms 40
    for _ in 1 2 3 4 5; do
        export HOME="$(mktemp -d -p "$work")" AZLIN_NO_AGENT=1
        export AZLIN_CONFIG_DIR="$HOME/config" AZLIN_CACHE_DIR="$HOME/cache"
        mkdir -p "$AZLIN_CONFIG_DIR"
        echo 'default_resource_group = "rg-0"' >"$AZLIN_CONFIG_DIR/config.toml"
        for run in first second; do
            started=$(date +%s%N)
            "$bin" list --no-tmux >/dev/null
            if [ "$run" = first ]; then firsts+=($((($(date +%s%N) - started) / 1000000)))
            else seconds+=($((($(date +%s%N) - started) / 1000000))); fi
        done
    done
    stop_sim
    python3 -c 'import statistics,sys; f,s=(sorted(map(int,a.split())) for a in sys.argv[1:3]); print(f"first {statistics.median(f)} ms, second {statistics.median(s)} ms", end="")' \
        "${firsts[*]}" "${seconds[*]}"
}

echo "| Run | before ($("$before" --version)) | this build ($("$azlin" --version)) |"
echo "|---|---|---|"
measure "item 3: $puts cache puts in one plugin" \
    '[plugin_limits]\ncpu_seconds = 600\n' 300 cache-user put k x --copies "$puts"
measure "item 2: 10⁶ cheap host calls, cpu_seconds = 2" \
    '[plugin_limits]\ncpu_seconds = 2\n\n[cache]\nplugin_quota_mib = 4096\n' 120 \
    cache-user put k --size 100 --copies 1000000
measure "item 2: a 600 s sleep, wall_seconds = 2 (unknown to before)" \
    '[plugin_limits]\nwall_seconds = 2\n' 30 spin --sleep 600
measure "item 1: snapshots to a pipe, output_mib = 64" \
    '[plugin_limits]\noutput_mib = 64\n' 30 flood --frames
echo "| item 9: \`--no-agent list -a\` beside a warm agent, 40 VMs | $(beside_agent "$before") | $(beside_agent "$azlin") |"
echo "| item 12: first \`list --no-tmux\` in a fresh HOME, then the second (median of 5) | $(first_and_second "$before") | $(first_and_second "$azlin") |"
