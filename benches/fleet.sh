#!/usr/bin/env bash
# SSH fan-out from cold, as whole processes: `azlin batch command true --all`
# and `azlin w` against parallel-ssh, pdsh, clush and a parallel OpenSSH loop
# (each with its default key exchange and with curve25519-sha256), plus the
# OpenSSH ControlMaster warm loop, on `azlin-sim --sshd` fleets of real sshd
# processes; then warm execs inside one process (benches/benches/ssh_exec.rs).
# Appends a dated section to benches/RESULTS.md. Needs root (the fleet binds
# port 22 on 127.x addresses); installs the Debian packages it lacks.
#   benches/fleet.sh            10 and 50 hosts, direct and with 25 ms each way
# Environment: HOSTS="10 50", DELAYS="0 25" (one-way ms), RUNS=10, WARMUP=2,
# RESULTS=benches/RESULTS.md (where the section goes).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
# Cold means cold: azlin runs in its own process, as the peers do, not
# through the background agent that would keep its connections warm.
export AZLIN_NO_AGENT=1

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
root="$bench_root"
read -r -a host_counts <<<"${HOSTS:-10 50}"
read -r -a delays <<<"${DELAYS:-0 25}"
runs="${RUNS:-10}"
warmup="${WARMUP:-2}"
results="${RESULTS:-$root/benches/RESULTS.md}"

need_packages pssh pdsh clustershell hyperfine openssh-server
need_root
build_release
work="$(mktemp -d)"
trap 'stop_sim; rm -rf "$work"' EXIT

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
        rows="$set_dir/rows"
        start_sim "$set_dir" --vms "$(vms_for_running "$hosts")" --group-size "$(vms_for_running "$hosts")" \
            --sshd "$hosts" --ssh-delay-ms "$delay"
        reaches_all "$hosts"
        key_exchanges
        echo "fleet.sh: $hosts hosts, $delay ms each way" >&2
        time_set "$rows" "\`azlin batch command true --all\`" "$azlin batch command true --all"
        time_set "$rows" "\`azlin w\`" "$azlin w"
        peer_sets "$rows" "$set_dir/cm"
        python3 "$report" fleet "$rows" "**$hosts hosts, $([ "$delay" -eq 0 ] && echo "loopback" || echo "$((2 * delay)) ms added round trip")**; azlin negotiated \`$azlin_kex\`, OpenSSH's default is \`$openssh_kex\`:" >>"$section"
        stop_sim
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

cat "$section" >>"$results"
cat "$section"
