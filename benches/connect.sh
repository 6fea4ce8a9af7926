#!/usr/bin/env bash
# What `azlin connect VM -- true` costs (issue 11): in its own process (a new
# connection), through the warm agent (its pooled connection), beside OpenSSH
# `ssh HOST true` cold (default KEX and curve25519) and over a warm
# ControlMaster, against one real sshd of `azlin-sim --sshd`, in the same run.
# Appends a dated section to benches/RESULTS.md. Needs root (the sshd binds
# port 22 on 127.x) and hyperfine (scripts/setup installs it).
# Environment: RUNS=30, WARMUP=3, RESULTS=benches/RESULTS.md.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
runs="${RUNS:-30}"
warmup="${WARMUP:-3}"
results="${RESULTS:-$bench_root/benches/RESULTS.md}"
need_root
need_packages hyperfine
unset AZLIN_NO_AGENT
build_release
work="$(mktemp -d)"
trap 'stop_sim; rm -rf "$work"' EXIT

load=$(cut -d' ' -f1-3 /proc/loadavg)
machine="$(busy)"
rows=()

start_sim "$work/connect" --vms 2 --sshd 1
cfg="$AZLIN_SIM_SSH_CONFIG"
host="$(head -1 "$AZLIN_SIM_SSH_HOSTS")"
"$azlin" connect vm-0000 -- true
rows+=("| \`azlin connect vm-0000 -- true\`, through the warm agent | $(time_it agent "$azlin connect vm-0000 -- true") |")
# Stopped first: a process of its own would wait for the agent's cache lock.
stop_agent
rows+=("| \`azlin connect vm-0000 -- true\`, \`--no-agent\`: a new connection | $(time_it alone "$azlin --no-agent connect vm-0000 -- true") |")
rows+=("| \`ssh HOST true\`, cold, default KEX | $(time_it ssh-default "ssh -n -F $cfg $host true") |")
rows+=("| \`ssh HOST true\`, cold, curve25519 | $(time_it ssh-curve "ssh -n -F $cfg $curve $host true") |")
control="-o ControlPath=$work/cm-%C"
# shellcheck disable=SC2086
ssh -F "$cfg" $control -o ControlMaster=yes -o ControlPersist=yes -fN "$host"
rows+=("| \`ssh HOST true\` over a warm ControlMaster | $(time_it ssh-master "ssh -n -F $cfg $control $host true") |")
ssh -F "$cfg" $control -O exit "$host" 2>/dev/null || true
stop_sim

{
    echo
    echo "## connect -- true (issue 11), $(date -u +%Y-%m-%d)"
    echo
    echo "Machine: $(nproc) cores, $(uname -sr); load average $load, $machine before the runs."
    echo "\`benches/connect.sh\`: release build, hyperfine -N, $runs runs after $warmup warm-up runs;"
    echo "figures are p50 (p95). One real sshd on loopback (\`azlin-sim --vms 2 --sshd 1\`); azlin"
    echo "negotiates curve25519; stdin is not a terminal, so no pseudo-terminal is asked for."
    echo
    echo "| what | p50 (p95) |"
    echo "| --- | ---: |"
    printf '%s\n' "${rows[@]}"
} | tee -a "$results"
