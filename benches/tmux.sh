#!/usr/bin/env bash
# What list's Tmux column costs (issue 11): `azlin list` with and without it
# over 10 real sshd hosts (tmux sessions on half of them), through the warm
# agent and in its own process (--no-agent: a new connection per host), beside
# existing azlin's way of filling the column (one `ssh HOST tmux list-sessions`
# process per VM, all in parallel) in the same run. Also the default list over
# 1 000 simulated VMs whose addresses answer nothing. Appends a dated section
# to benches/RESULTS.md. Needs root (the sshd fleet binds port 22 on 127.x),
# tmux and hyperfine (scripts/setup installs them).
# Environment: RUNS=30, WARMUP=3, RESULTS=benches/RESULTS.md.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
runs="${RUNS:-30}"
warmup="${WARMUP:-3}"
results="${RESULTS:-$bench_root/benches/RESULTS.md}"
need_root
need_packages tmux hyperfine
unset AZLIN_NO_AGENT
build_release
work="$(mktemp -d)"
trap 'stop_sim; rm -rf "$work"' EXIT

load=$(cut -d' ' -f1-3 /proc/loadavg)
machine="$(busy)"
rows=()

start_sim "$work/tmux" --vms 12 --sshd 10
cfg="$AZLIN_SIM_SSH_CONFIG"
hosts="$AZLIN_SIM_SSH_HOSTS"
n=0
while read -r host; do
    if [ $((n % 2)) -eq 0 ]; then ssh -n -F "$cfg" "$host" "tmux new-session -d -s main; tmux new-session -d -s work"; fi
    n=$((n + 1))
done <"$hosts"
"$azlin" list >/dev/null
sessions=$("$azlin" list -o json | python3 -c 'import json,sys; print(sum(len(vm["tmux"] or []) for vm in json.load(sys.stdin)["vms"]))')
rows+=("| \`azlin list --no-tmux\`, through the warm agent | $(time_it agent-no-tmux "$azlin list --no-tmux") |")
rows+=("| \`azlin list\` (Tmux column), through the warm agent | $(time_it agent-tmux "$azlin list") |")
# CPU per warm run, with and without the column: the fleet's sshd tree (the
# simulator's children), the tmux servers (daemons outside that tree), the agent.
agent=$(agent_pid)
cpu_runs=40
# The fleet's and the agent's CPU seconds now.
cpu_now() {
    echo "$(python3 "$report" tree-cpu "$sim") $(python3 "$report" named-cpu tmux)" \
        "$(python3 "$report" tree-cpu "$agent" --self)"
}
# Runs `azlin ARGS…` $cpu_runs times; prints the fleet's and the agent's CPU ms per run.
cpu_of_runs() {
    local before after
    before=$(cpu_now)
    for _ in $(seq "$cpu_runs"); do "$azlin" "$@" >/dev/null; done
    after=$(cpu_now)
    python3 -c "import sys
n = int(sys.argv[1]); f0, t0, a0, f1, t1, a1 = map(float, sys.argv[2:])
print(f'{(f1 - f0 + t1 - t0) * 1000 / n:.1f} {(a1 - a0) * 1000 / n:.1f}')" "$cpu_runs" $before $after
}
read -r fleet_tmux agent_tmux <<<"$(cpu_of_runs list)"
read -r fleet_plain agent_plain <<<"$(cpu_of_runs list --no-tmux)"
floor=$(python3 -c "import sys; f, a, b, c, n = map(float, sys.argv[1:]); print(f'{(f - b + a - c) / n:.1f}')" \
    "$fleet_tmux" "$agent_tmux" "$fleet_plain" "$agent_plain" "$(nproc)")
# Stopped first: a process of its own would wait for the agent's cache lock.
stop_agent
rows+=("| \`azlin list --no-tmux\`, \`--no-agent\` | $(time_it alone-no-tmux "$azlin --no-agent list --no-tmux") |")
rows+=("| \`azlin list\` (Tmux column), \`--no-agent\`: a new connection per VM | $(time_it alone-tmux "$azlin --no-agent list") |")
loop="for h in \$(cat $hosts); do ssh -n -F $cfg %s \$h tmux list-sessions -F '#{session_name}' >/dev/null 2>&1 & done; wait"
# shellcheck disable=SC2059
rows+=("| existing azlin's way: a parallel \`ssh HOST tmux list-sessions\` per VM, default KEX | $(time_it ssh-default "bash -c \"$(printf "$loop" "")\"") |")
# shellcheck disable=SC2059
rows+=("| the same, curve25519 | $(time_it ssh-curve "bash -c \"$(printf "$loop" "$curve")\"") |")
stop_sim

# 1 000 VMs whose addresses (10.x, 20.x) have no sshd, with a key to try.
start_sim "$work/silent" --vms 1000 --page-size 1000
mkdir -p "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/azlin_key"
"$azlin" --no-agent list -a --all --no-tmux >/dev/null
start=$(date +%s%N)
"$azlin" --no-agent list -a --all >/dev/null 2>"$work/silent.err"
cold_silent=$((($(date +%s%N) - start) / 1000000))
"$azlin" list -a --all >/dev/null 2>&1
start=$(date +%s%N)
"$azlin" list -a --all >/dev/null 2>&1
warm_silent=$((($(date +%s%N) - start) / 1000000))
first_warning="$(head -1 "$work/silent.err")"
stop_sim

{
    echo
    echo "## list's Tmux column (issue 11), $(date -u +%Y-%m-%d)"
    echo
    echo "Machine: $(nproc) cores, $(uname -sr); load average $load, $machine before the runs."
    echo "\`benches/tmux.sh\`: release build, hyperfine -N, $runs runs after $warmup warm-up runs;"
    echo "figures are p50 (p95). 10 sshd hosts (12 simulated VMs, 10 running), $sessions tmux"
    echo "sessions on 5 of them; the ssh rows run \`tmux list-sessions\` with OpenSSH 9's client."
    echo
    echo "| what | p50 (p95) |"
    echo "| --- | ---: |"
    printf '%s\n' "${rows[@]}"
    echo
    echo "CPU per warm run ($cpu_runs runs each): with the column the fleet's sshd, shells and tmux burn"
    echo "$fleet_tmux ms (without: $fleet_plain ms) and the agent $agent_tmux ms (without: $agent_plain ms),"
    echo "so the column's CPU floor on these $(nproc) cores is $floor ms of wall time."
    echo
    echo "1 000 simulated VMs, about 750 running, whose addresses have no sshd (what a connection to"
    echo "them meets varies by machine; see the first warning): \`list -a --all\` with the Tmux column"
    echo "took $cold_silent ms in its own process (each VM gives up after the probe's 5 s, all at once"
    echo "up to the pool's 256 connections); through the agent, the run after one that gave up took"
    echo "$warm_silent ms (the pool remembers silent addresses for 30 s). \`--no-tmux\` makes no SSH attempt."
    echo "First warning: \`$first_warning\`."
} | tee -a "$results"
