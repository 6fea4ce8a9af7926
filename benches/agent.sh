#!/usr/bin/env bash
# The agent's warm path as whole processes, beside the same commands run in
# their own process (--no-agent): `azlin w` over 10 real sshd hosts (second
# and later runs), `azlin list -a --all` cache hits at 10 and 1 000 VMs, and
# the agent's peak RSS holding 100 pooled SSH connections. Appends a dated
# section to benches/RESULTS.md. Needs root (the sshd fleet binds port 22 on
# 127.x addresses) and hyperfine (scripts/setup installs it).
# Environment: RUNS=30, WARMUP=3.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-30}"
warmup="${WARMUP:-3}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p azlin -p azlin-sim
azlin="$root/target/release/azlin"
sim_bin="$root/target/release/azlin-sim"
work="$(mktemp -d)"
sim=""
stop_sim() {
    if [ -n "$sim" ]; then
        "$azlin" agent stop >/dev/null 2>&1 || true
        kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null || true; sim=""
    fi
}
trap 'stop_sim; rm -rf "$work"' EXIT

# Starts azlin-sim with ARGS in $work/$1 and exports what points azlin at it.
start_sim() {
    local dir="$work/$1"; shift
    mkdir -p "$dir/home"
    unset AZLIN_CONFIG_DIR
    "$sim_bin" "$@" >"$dir/sim.env" 2>"$dir/sim.log" &
    sim=$!
    while ! grep -q IDENTITY_HEADER "$dir/sim.env" 2>/dev/null; do sleep 0.05; done
    set -a
    # shellcheck disable=SC1091
    . "$dir/sim.env"
    set +a
    export HOME="$dir/home" XDG_CACHE_HOME="$dir/cache" XDG_RUNTIME_DIR="$dir"
    unset AZLIN_NO_AGENT
    if [ -z "${AZLIN_CONFIG_DIR:-}" ] || [ ! -d "$AZLIN_CONFIG_DIR" ]; then
        export AZLIN_CONFIG_DIR="$dir/config"
        mkdir -p "$AZLIN_CONFIG_DIR"
        echo 'default_resource_group = "rg-0"' >"$AZLIN_CONFIG_DIR/config.toml"
    fi
}

# "p50 (p95)" in ms of hyperfine's JSON export $1.
percentiles() {
    python3 - "$1" <<'PY'
import json, sys
times = sorted(json.load(open(sys.argv[1]))["results"][0]["times"])
pick = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000
print(f"{pick(0.5):.1f} ms ({pick(0.95):.1f})")
PY
}

time_it() {
    local name="$1"; shift
    hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$work/$name.json" "$@" >/dev/null 2>&1
    percentiles "$work/$name.json"
}

agent_pid() {
    "$azlin" agent status -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["agent"]["pid"])'
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()

start_sim w --vms 12 --sshd 10
"$azlin" w >/dev/null
rows+=("| \`azlin w\`, 10 sshd hosts, through the warm agent | $(time_it w-agent "$azlin w") |")
rows+=("| \`azlin w\`, 10 sshd hosts, \`--no-agent\` (a new connection per host per run) | $(time_it w-alone "$azlin --no-agent w") |")
stop_sim

for vms in 10 1000; do
    start_sim "list$vms" --vms "$vms" --page-size 1000
    "$azlin" list -a --all >/dev/null
    rows+=("| \`azlin list -a --all\`, $vms VMs, cache hit through the agent | $(time_it "list$vms-agent" "$azlin list -a --all") |")
    "$azlin" agent stop >/dev/null
    "$azlin" --no-agent list -a --all >/dev/null
    rows+=("| \`azlin list -a --all\`, $vms VMs, cache hit, \`--no-agent\` | $(time_it "list$vms-alone" "$azlin --no-agent list -a --all") |")
    stop_sim
done

start_sim rss --vms 125 --group-size 200 --sshd 100
"$azlin" batch command true --all >/dev/null
pid=$(agent_pid)
connections=$("$azlin" agent status -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["agent"]["ssh_connections"])')
rss=$(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status")
stop_sim

{
    echo
    echo "## The agent: warm runs as whole processes (issue 6), $(date -u +%Y-%m-%d)"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr);"
    echo "load average $load before the runs. \`benches/agent.sh\`: release build,"
    echo "hyperfine -N, $runs runs after $warmup warm-up runs; figures are p50 (p95)."
    echo
    echo "| what | p50 (p95) |"
    echo "| --- | ---: |"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Peak RSS (VmHWM) of the agent after \`batch command true --all\` over 100 sshd hosts,"
    echo "holding $connections pooled connections: $rss."
} | tee -a "$root/benches/RESULTS.md"
