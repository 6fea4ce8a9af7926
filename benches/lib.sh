# shellcheck shell=bash disable=SC2034,SC2154
# What the benchmark scripts (fleet.sh, agent.sh, e2e.sh) share; sourced after
# `set -euo pipefail`. Root and Debian packages, the release build, azlin-sim
# in the background with azlin pointed at it, the agent, hyperfine sets that
# note the machine's state and sshd's CPU, and the OpenSSH-based peers.
# Sets: bench_root (the workspace), azlin, sim_bin, own_home, curve, report.
# Uses the caller's: runs, warmup (hyperfine), sim (pid of the running azlin-sim),
# work (a scratch directory).

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
azlin="$bench_root/target/release/azlin"
sim_bin="$bench_root/target/release/azlin-sim"
report="$bench_root/benches/report.py"
own_home="$HOME"
curve="-o KexAlgorithms=curve25519-sha256"
sim="${sim:-}"

bench_name() { basename "$0"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "$(bench_name): need root (or sudo) to run: $*" >&2; exit 1
    fi
}

# need_packages PACKAGE…: installs the Debian packages that are missing.
need_packages() {
    local missing=() package
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "$(bench_name): installing ${missing[*]}" >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "$(bench_name): the sshd fleet binds port 22 on 127.x addresses: run as root" >&2
        exit 1
    fi
}

build_release() {
    cargo build --release --quiet --manifest-path "$bench_root/Cargo.toml" -p azlin -p azlin-sim
}

# start_sim DIR ARGS…: azlin-sim with ARGS in the background ($sim), its
# environment exported, and azlin's home, caches, agent socket and (unless
# the simulator made one for --sshd) config under DIR.
start_sim() {
    local dir="$1"
    shift
    mkdir -p "$dir/home"
    unset AZLIN_CONFIG_DIR AZLIN_SIM_SSH_CONFIG AZLIN_SIM_SSH_HOSTS
    "$sim_bin" "$@" >"$dir/sim.env" 2>"$dir/sim.log" &
    sim=$!
    until grep -q IDENTITY_HEADER "$dir/sim.env" 2>/dev/null; do
        kill -0 "$sim" 2>/dev/null || { cat "$dir/sim.log" >&2; sim=""; exit 1; }
        sleep 0.05
    done
    set -a
    # shellcheck disable=SC1091
    . "$dir/sim.env"
    set +a
    export HOME="$dir/home" AZLIN_CACHE_DIR="$dir/cache" XDG_CACHE_HOME="$dir/cache" XDG_RUNTIME_DIR="$dir"
    if [ -z "${AZLIN_CONFIG_DIR:-}" ] || [ ! -d "$AZLIN_CONFIG_DIR" ]; then
        export AZLIN_CONFIG_DIR="$dir/config"
        mkdir -p "$AZLIN_CONFIG_DIR"
        echo 'default_resource_group = "rg-0"' >"$AZLIN_CONFIG_DIR/config.toml"
    fi
}

# Stops the agent of this environment, if one runs, and waits until it has exited.
stop_agent() {
    local pid
    pid="$(agent_pid)"
    "$azlin" agent stop >/dev/null 2>&1 || true
    if [ -n "$pid" ]; then
        for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
        echo "$(bench_name): the agent ($pid) did not exit" >&2
        return 1
    fi
}

stop_sim() {
    if [ -n "$sim" ]; then
        stop_agent || true
        kill "$sim" 2>/dev/null
        wait "$sim" 2>/dev/null || true
        sim=""
    fi
    export HOME="$own_home"
}

# The running agent's pid, or nothing.
agent_pid() {
    "$azlin" agent status -o json 2>/dev/null |
        python3 -c 'import json,sys; print((json.load(sys.stdin).get("agent") or {}).get("pid", ""))'
}

# agent_field NAME: a field of the running agent's status.
agent_field() {
    "$azlin" agent status -o json | python3 -c "import json,sys; print(json.load(sys.stdin)['agent']['$1'])"
}

# The machine's busy % over one second, and the load average.
busy() {
    read -r _ a1 a2 a3 a4 a5 a6 a7 a8 _ </proc/stat
    sleep 1
    read -r _ b1 b2 b3 b4 b5 b6 b7 b8 _ </proc/stat
    local idle=$(((b4 + b5) - (a4 + a5)))
    local all=$(((b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8) - (a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8)))
    echo "$((100 * (all - idle) / all)) % busy, load $(cut -d' ' -f1 /proc/loadavg)"
}

# The fewest simulated VMs of which $1 run (VMs 3, 7, 13, 17, … are stopped).
vms_for_running() {
    local vms=0 running=0
    while [ "$running" -lt "$1" ]; do
        case $((vms % 10)) in 3 | 7) ;; *) running=$((running + 1)) ;; esac
        vms=$((vms + 1))
    done
    echo "$vms"
}

# time_set ROWS LABEL COMMAND [HYPERFINE OPTION…]: one hyperfine set of
# $runs runs after $warmup, its JSON export beside ROWS; appends a row to
# ROWS (see report.py): the CPU of the processes under azlin-sim (its sshd
# fleet) over the set, and with $cpu_pid set, that process's own (e.g. the
# agent's), which counts as the client's.
time_set() {
    local rows="$1" label="$2" command="$3"
    shift 3
    touch "$rows"
    local json machine sshd_before=0 sshd_after=0 extra_before=0 extra_after=0
    json="$rows.$(wc -l <"$rows").json"
    machine="$(busy)"
    [ -z "$sim" ] || sshd_before="$(python3 "$report" tree-cpu "$sim")"
    [ -z "${cpu_pid:-}" ] || extra_before="$(python3 "$report" tree-cpu "$cpu_pid" --self)"
    hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$json" "$@" "$command" >/dev/null 2>&1 || {
        echo "$(bench_name): failed: $command" >&2
        hyperfine -N --runs 1 --show-output "$@" "$command" >&2
        exit 1
    }
    [ -z "$sim" ] || sshd_after="$(python3 "$report" tree-cpu "$sim")"
    [ -z "${cpu_pid:-}" ] || extra_after="$(python3 "$report" tree-cpu "$cpu_pid" --self)"
    local count=$((warmup + runs))
    awk -v label="$label" -v json="$json" -v machine="$machine" -v count="$count" \
        -v sb="$sshd_before" -v sa="$sshd_after" -v eb="$extra_before" -v ea="$extra_after" \
        'BEGIN { printf "%s\t%s\t%.6f\t%.6f\t%s\n", label, json, (sa - sb) / count, (ea - eb) / count, machine }' \
        >>"$rows"
}

# time_it NAME COMMAND [HYPERFINE OPTION…]: one hyperfine set of $runs runs
# after $warmup, exported to $work/NAME.json; prints its p50 (p95).
time_it() {
    local name="$1"
    shift
    hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$work/$name.json" "$@" >/dev/null 2>&1
    python3 "$report" percentiles "$work/$name.json"
}

# The key exchange azlin negotiated (from russh's debug log) and OpenSSH's
# default, against the first host of $AZLIN_SIM_SSH_HOSTS: sets azlin_kex, openssh_kex.
key_exchanges() {
    local host
    host="$(head -1 "$AZLIN_SIM_SSH_HOSTS")"
    azlin_kex="$(AZLIN_LOG=russh=debug "$azlin" --no-agent batch command true --all 2>&1 >/dev/null |
        grep -o 'negotiated algorithms: Names { kex: Name("[^"]*")' | head -1 | sed 's/.*Name("\(.*\)")/\1/')"
    openssh_kex="$(ssh -v -n -F "$AZLIN_SIM_SSH_CONFIG" "$host" true 2>&1 |
        sed -n 's/.*kex: algorithm: //p' | tr -d '\r' | head -1)"
}

# Whether azlin reaches all $1 hosts of the simulated fleet (in its own process).
reaches_all() {
    "$azlin" --no-agent batch command true --all 2>&1 | grep -q "[0-9]* succeeded, 0 failed of $1 hosts" || {
        echo "$(bench_name): azlin did not reach all $1 hosts" >&2
        exit 1
    }
}

# peer_sets ROWS CM_DIR: parallel-ssh, pdsh, clush and a parallel `ssh` loop
# over $AZLIN_SIM_SSH_HOSTS, each with OpenSSH's default key exchange and with
# curve25519, then the loop over warm ControlMaster connections (in CM_DIR).
peer_sets() {
    local rows="$1" cm="$2" cfg="$AZLIN_SIM_SSH_CONFIG" list="$AZLIN_SIM_SSH_HOSTS"
    local loop="for h in \$(cat $list); do ssh -n -F $cfg %s \$h true & done; wait"
    time_set "$rows" "parallel-ssh, default KEX" "parallel-ssh -h $list -p 100 -x \"-F $cfg\" true"
    time_set "$rows" "parallel-ssh, curve25519" "parallel-ssh -h $list -p 100 -x \"-F $cfg $curve\" true"
    time_set "$rows" "pdsh -R ssh, default KEX" "env PDSH_SSH_ARGS_APPEND=\"-F $cfg\" pdsh -R ssh -f 100 -w ^$list true"
    time_set "$rows" "pdsh -R ssh, curve25519" "env PDSH_SSH_ARGS_APPEND=\"-F $cfg $curve\" pdsh -R ssh -f 100 -w ^$list true"
    time_set "$rows" "clush, default KEX" "clush -f 100 --hostfile $list -o \"-F $cfg\" true"
    time_set "$rows" "clush, curve25519" "clush -f 100 --hostfile $list -o \"-F $cfg $curve\" true"
    # shellcheck disable=SC2059
    time_set "$rows" "parallel \`ssh … &\` + \`wait\`, default KEX" "bash -c '$(printf "$loop" "")'"
    # shellcheck disable=SC2059
    time_set "$rows" "parallel \`ssh … &\` + \`wait\`, curve25519" "bash -c '$(printf "$loop" "$curve")'"
    mkdir -p "$cm"
    local control="-o ControlPath=$cm/%C" masters=() host
    while read -r host; do
        # shellcheck disable=SC2086
        ssh -F "$cfg" $control -o ControlMaster=yes -o ControlPersist=yes -fN "$host" &
        masters+=("$!")
    done <"$list"
    wait "${masters[@]}"
    # shellcheck disable=SC2059
    time_set "$rows" "ControlMaster warm, parallel \`ssh\`" "bash -c '$(printf "$loop" "$control")'"
    # shellcheck disable=SC2086
    while read -r host; do ssh -F "$cfg" $control -O exit "$host" 2>/dev/null || true; done <"$list"
}
