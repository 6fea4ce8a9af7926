#!/usr/bin/env bash
# SSH fan-out from cold, as whole processes: `azlin batch command true --all`
# and `azlin w` against parallel-ssh, pdsh, clush and a parallel OpenSSH loop
# (each with its default key exchange and with curve25519-sha256), plus the
# OpenSSH ControlMaster warm loop, on `azlin-sim --sshd` fleets of real sshd
# processes; then warm execs inside one process (benches/benches/ssh_exec.rs).
# Appends a dated section to benches/RESULTS.md. Needs root (the fleet binds
# port 22 on 127.x addresses); installs the Debian packages it lacks.
#   benches/fleet.sh            10 and 50 hosts, direct and with 25 ms each way
# Environment: HOSTS="10 50", DELAYS="0 25" (one-way ms), RUNS=10, WARMUP=2.
set -euo pipefail
# Cold means cold: azlin runs in its own process, as the peers do, not
# through the background agent that would keep its connections warm.
export AZLIN_NO_AGENT=1

root="$(cd "$(dirname "$0")/.." && pwd)"
read -r -a host_counts <<<"${HOSTS:-10 50}"
read -r -a delays <<<"${DELAYS:-0 25}"
runs="${RUNS:-10}"
warmup="${WARMUP:-2}"
curve="-o KexAlgorithms=curve25519-sha256"
own_home="$HOME"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "fleet.sh: need root (or sudo) to run: $*" >&2; exit 1
    fi
}

missing=()
for package in pssh pdsh clustershell hyperfine openssh-server; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "fleet.sh: installing ${missing[*]}" >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "fleet.sh: the sshd fleet binds port 22 on 127.x addresses: run as root" >&2
    exit 1
fi

cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p azlin -p azlin-sim
azlin="$root/target/release/azlin"
sim_bin="$root/target/release/azlin-sim"
work="$(mktemp -d)"
sim=""
stop_sim() {
    if [ -n "$sim" ]; then kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null || true; sim=""; fi
}
trap 'stop_sim; rm -rf "$work"' EXIT

# CPU seconds of every process below $1 (the simulator: the sshd listeners,
# their sessions, and what those ran and reaped): utime+stime+cutime+cstime.
tree_cpu() {
    python3 - "$1" <<'PY'
import os, sys
ticks = os.sysconf("SC_CLK_TCK")
stats = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        rest = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    stats[int(pid)] = (int(rest[1]), sum(int(field) for field in rest[11:15]))
found, total = [int(sys.argv[1])], 0
while found:
    parent = found.pop()
    for pid, (ppid, cpu) in stats.items():
        if ppid == parent:
            found.append(pid)
            total += cpu
print(total / ticks)
PY
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

# time_set LABEL COMMAND: one hyperfine set; appends a TSV line to $set_dir/rows.
time_set() {
    local label="$1" command="$2" json="$set_dir/$(( $(wc -l <"$set_dir/rows") )).json"
    local machine before after
    machine="$(busy)"
    before="$(tree_cpu "$sim")"
    hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$json" "$command" >/dev/null 2>&1 ||
        { echo "fleet.sh: failed: $command" >&2; hyperfine -N --runs 1 --show-output "$command" >&2; exit 1; }
    after="$(tree_cpu "$sim")"
    python3 - "$json" "$label" "$before" "$after" "$((warmup + runs))" "$machine" >>"$set_dir/rows" <<'PY'
import json, sys
json_path, label, before, after, count, machine = sys.argv[1:]
result = json.load(open(json_path))["results"][0]
client = result["user"] + result["system"]
sshd = (float(after) - float(before)) / int(count)
print("\t".join(map(str, [label, result["median"], result["mean"], result["stddev"], client, sshd, machine])))
PY
}

# The key exchange azlin negotiated (from russh's debug log) and OpenSSH's default.
key_exchanges() {
    local host
    host="$(head -1 "$AZLIN_SIM_SSH_HOSTS")"
    azlin_kex="$(AZLIN_LOG=russh=debug "$azlin" batch command true --all 2>&1 >/dev/null |
        grep -o 'negotiated algorithms: Names { kex: Name("[^"]*")' | head -1 | sed 's/.*Name("\(.*\)")/\1/')"
    openssh_kex="$(ssh -v -n -F "$AZLIN_SIM_SSH_CONFIG" "$host" true 2>&1 |
        sed -n 's/.*kex: algorithm: //p' | tr -d '\r' | head -1)"
}

report_set() {
    python3 - "$set_dir/rows" "$1" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
title = sys.argv[2]
ms = lambda seconds: f"{float(seconds) * 1000:.0f} ms"
print(f"\n{title}\n")
print("| command | median | mean ± σ | client CPU | sshd CPU | floor | ÷ floor | machine before |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for label, median, mean, stddev, client, sshd, machine in rows:
    floor = (float(client) + float(sshd)) / 2
    print(f"| {label} | {ms(median)} | {ms(mean)} ± {float(stddev) * 1000:.0f} | {ms(client)} | {ms(sshd)} "
          f"| {ms(floor)} | {float(median) / floor:.2f} | {machine} |")
batch = next(float(median) for label, median, *_ in rows if label.startswith("`azlin batch"))
peers = [(label, float(median)) for label, median, *_ in rows if not label.startswith("`azlin")]
print("\nazlin batch ÷ peer (median wall time; < 1 is faster): " +
      ", ".join(f"{label} {batch / median:.2f}" for label, median in peers))
PY
}

echo "fleet.sh: results in $work; this takes 10-20 minutes" >&2
section="$work/section.md"
{
    echo
    echo "## SSH fleet from cold: azlin against OpenSSH-based tools (issue 10), $(date -u +%Y-%m-%d)"
    echo
    echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(. /etc/os-release && echo "$PRETTY_NAME"),"
    echo "kernel $(uname -r), $(ssh -V 2>&1 | cut -d, -f1); load average $(cut -d' ' -f1-3 /proc/loadavg) before the run."
    echo "\`benches/fleet.sh\` (release build; \`azlin-sim --sshd N\`, one sshd per running VM, \`SetEnv SHLVL=1\`;"
    echo "hyperfine \`-N --warmup $warmup --runs $runs\`, medians). Every client logs in alike: same user, key and"
    echo "pre-filled known_hosts (\`StrictHostKeyChecking accept-new\`, azlin's trust-on-first-use), the peers through"
    echo "one \`ssh -F\` file. Fan-out: \`-p 100\`, \`-f 100\`. CPU per run: client = hyperfine's user + sys; sshd ="
    echo "utime+stime+cutime+cstime under the sshd listeners over the set ÷ runs; floor = (client + sshd) ÷ 2 cores."
    echo "The delayed sets go through azlin-sim's delay proxy (its CPU is in neither column)."
} >"$section"

for hosts in "${host_counts[@]}"; do
    for delay in "${delays[@]}"; do
        set_dir="$work/$hosts-$delay"
        mkdir -p "$set_dir/home" "$set_dir/cm"
        : >"$set_dir/rows"
        vms="$(vms_for_running "$hosts")"
        "$sim_bin" --vms "$vms" --group-size "$vms" --sshd "$hosts" --ssh-delay-ms "$delay" \
            >"$set_dir/env" 2>"$set_dir/sim.log" &
        sim=$!
        until grep -q IDENTITY_HEADER "$set_dir/env" 2>/dev/null; do
            kill -0 "$sim" 2>/dev/null || { cat "$set_dir/sim.log" >&2; exit 1; }
            sleep 0.05
        done
        set -a
        # shellcheck disable=SC1091
        . "$set_dir/env"
        set +a
        export HOME="$set_dir/home" AZLIN_CACHE_DIR="$set_dir/cache"
        cfg="$AZLIN_SIM_SSH_CONFIG" list="$AZLIN_SIM_SSH_HOSTS"
        answered="$("$azlin" batch command true --all 2>&1 | grep -o "[0-9]* succeeded, 0 failed of $hosts hosts" || true)"
        [ -n "$answered" ] || { echo "fleet.sh: azlin did not reach all $hosts hosts" >&2; exit 1; }
        key_exchanges
        loop="for h in \$(cat $list); do ssh -n -F $cfg %s \$h true & done; wait"
        echo "fleet.sh: $hosts hosts, $delay ms each way" >&2
        time_set "\`azlin batch command true --all\`" "$azlin batch command true --all"
        time_set "\`azlin w\`" "$azlin w"
        time_set "parallel-ssh, default KEX" "parallel-ssh -h $list -p 100 -x \"-F $cfg\" true"
        time_set "parallel-ssh, curve25519" "parallel-ssh -h $list -p 100 -x \"-F $cfg $curve\" true"
        time_set "pdsh -R ssh, default KEX" "env PDSH_SSH_ARGS_APPEND=\"-F $cfg\" pdsh -R ssh -f 100 -w ^$list true"
        time_set "pdsh -R ssh, curve25519" "env PDSH_SSH_ARGS_APPEND=\"-F $cfg $curve\" pdsh -R ssh -f 100 -w ^$list true"
        time_set "clush, default KEX" "clush -f 100 --hostfile $list -o \"-F $cfg\" true"
        time_set "clush, curve25519" "clush -f 100 --hostfile $list -o \"-F $cfg $curve\" true"
        # shellcheck disable=SC2059
        time_set "parallel \`ssh … &\` + \`wait\`, default KEX" "bash -c '$(printf "$loop" "")'"
        # shellcheck disable=SC2059
        time_set "parallel \`ssh … &\` + \`wait\`, curve25519" "bash -c '$(printf "$loop" "$curve")'"
        control="-o ControlPath=$set_dir/cm/%C"
        masters=()
        while read -r host; do
            ssh -F "$cfg" $control -o ControlMaster=yes -o ControlPersist=yes -fN "$host" &
            masters+=("$!")
        done <"$list"
        wait "${masters[@]}"
        # shellcheck disable=SC2059
        time_set "ControlMaster warm, parallel \`ssh\`" "bash -c '$(printf "$loop" "$control")'"
        while read -r host; do ssh -F "$cfg" $control -O exit "$host" 2>/dev/null || true; done <"$list"
        report_set "**$hosts hosts, $([ "$delay" -eq 0 ] && echo "loopback" || echo "$((2 * delay)) ms added round trip")**; azlin negotiated \`$azlin_kex\`, OpenSSH's default is \`$openssh_kex\`:" >>"$section"
        stop_sim
        export HOME="$own_home"
    done
done

echo "fleet.sh: warm execs in one process (cargo bench --bench ssh_exec)" >&2
cargo bench --quiet --manifest-path "$root/Cargo.toml" -p azlin-benches --bench ssh_exec 2>/dev/null |
    tee "$work/warm.txt" >&2
{
    echo
    echo "Warm execs inside one process (\`cargo bench -p azlin-benches --bench ssh_exec\`, divan): an"
    echo "\`azlin::ssh::Pool\` logged in to 10 local sshd processes once, then \`true\`; load $(cut -d' ' -f1 /proc/loadavg):"
    echo
    echo "| what | median | per host |"
    echo "| --- | ---: | ---: |"
    awk -F'│' '/one_host|ten_hosts/ {
        name = $1; sub(/^[^a-z]*/, "", name); split(name, parts, " ");
        median = $3; gsub(/^ +| +$/, "", median);
        split(median, m, " "); hosts = (parts[1] == "one_host") ? 1 : 10;
        printf "| %s | %s | %.2f %s |\n", parts[1], median, m[1] / hosts, m[2] }' "$work/warm.txt"
} >>"$section"

cat "$section" >>"$root/benches/RESULTS.md"
cat "$section"
