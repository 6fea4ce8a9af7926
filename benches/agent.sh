#!/usr/bin/env bash
# The agent's warm path as whole processes, beside the same commands run in
# their own process (--no-agent): `azlin w` over 10 real sshd hosts (second
# and later runs), `azlin list -a --all` cache hits at 10 and 1 000 VMs, and
# the agent's peak RSS holding 100 pooled SSH connections. Appends a dated
# section to benches/RESULTS.md. Needs root (the sshd fleet binds port 22 on
# 127.x addresses) and hyperfine (scripts/setup installs it).
# Environment: RUNS=30, WARMUP=3, RESULTS=benches/RESULTS.md.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
runs="${RUNS:-30}"
warmup="${WARMUP:-3}"
results="${RESULTS:-$bench_root/benches/RESULTS.md}"
unset AZLIN_NO_AGENT
build_release
work="$(mktemp -d)"
trap 'stop_sim; rm -rf "$work"' EXIT

load=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()

start_sim "$work/w" --vms 12 --sshd 10
"$azlin" w >/dev/null
rows+=("| \`azlin w\`, 10 sshd hosts, through the warm agent | $(time_it w-agent "$azlin w") |")
rows+=("| \`azlin w\`, 10 sshd hosts, \`--no-agent\` (a new connection per host per run) | $(time_it w-alone "$azlin --no-agent w") |")
stop_sim

for vms in 10 1000; do
    start_sim "$work/list$vms" --vms "$vms" --page-size 1000
    "$azlin" list -a --all --no-tmux >/dev/null
    rows+=("| \`azlin list -a --all --no-tmux\`, $vms VMs, cache hit through the agent | $(time_it "list$vms-agent" "$azlin list -a --all --no-tmux") |")
    stop_agent
    "$azlin" --no-agent list -a --all --no-tmux >/dev/null
    rows+=("| \`azlin list -a --all --no-tmux\`, $vms VMs, cache hit, \`--no-agent\` | $(time_it "list$vms-alone" "$azlin --no-agent list -a --all --no-tmux") |")
    stop_sim
done

start_sim "$work/rss" --vms 125 --group-size 200 --sshd 100
"$azlin" batch command true --all >/dev/null
pid=$(agent_pid)
connections=$(agent_field ssh_connections)
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
} | tee -a "$results"
