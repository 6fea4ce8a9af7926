#!/usr/bin/env bash
# Everything timed as whole processes, in one run: azlin's commands four ways
# (own process on first run and after, through the agent cold and warm),
# `list -a --all` hit and miss, `w` and `batch command true --all` over a
# fleet of real sshd hosts; parallel-ssh, pdsh, clush and OpenSSH loops over
# the same hosts; the `az` CLI's start-up, the floor of shelling out to it;
# peak RSS of azlin and its agent; ARM requests per command at 10, 100 and
# 1 000 VMs. Appends a dated section to benches/RESULTS.md.
#
# Runs from a clean checkout as root: installs the Debian packages it lacks,
# builds release, and installs PyPI's azure-cli into a venv under
# ~/.cache/azlin-bench/az-venv the first time (a few hundred MB).
#   benches/e2e.sh                 the full run (about 15 minutes after the build)
#   RUNS=3 WARMUP=1 benches/e2e.sh a quick check that everything works
# Environment: RUNS=30, WARMUP=3, HOSTS=10 (sshd hosts), LIST_VMS=1000 (VMs
# of the large list set), COUNTS="10 100 1000" (VMs for the request counts),
# PAGE_SIZE=100 (items per ARM page where requests are counted; the timed
# sets get one page per list), LATENCY_MS=0 (added to each ARM request in the
# timed sets), AZ=1 (0 skips the az CLI), RESULTS=benches/RESULTS.md.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
runs="${RUNS:-30}"
warmup="${WARMUP:-3}"
hosts="${HOSTS:-10}"
list_vms="${LIST_VMS:-1000}"
read -r -a counts <<<"${COUNTS:-10 100 1000}"
page_size="${PAGE_SIZE:-100}"
latency="${LATENCY_MS:-0}"
with_az="${AZ:-1}"
results="${RESULTS:-$bench_root/benches/RESULTS.md}"
az_venv="${AZ_VENV:-$own_home/.cache/azlin-bench/az-venv}"
unset AZLIN_NO_AGENT cpu_pid
say() { echo "e2e.sh: [$(date +%T)] $*" >&2; }

need_packages pssh pdsh clustershell hyperfine openssh-server time curl python3-venv
need_root
say "building release"
build_release
work="$(mktemp -d)"
trap 'stop_sim; rm -rf "$work"' EXIT
machine_before="$(busy)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
modes=("own process, first run" "own process" "agent, cold" "agent, warm")
# The timed sets get every list on one page: azlin-sim renders all of a
# list's VMs for each page it serves, which would weigh on the misses.
timed_sim=(--page-size 10000 --latency-ms "$latency")

# time_modes LABEL ARGS: `azlin ARGS` timed the four ways, rows in commands.tsv.
time_modes() {
    local label="$1" args="$2" rows="$work/commands.tsv"
    say "azlin $args"
    time_set "$rows" "$label|${modes[0]}" "$azlin --no-agent $args" \
        --prepare "rm -rf $AZLIN_CACHE_DIR/precompiled"
    # shellcheck disable=SC2086
    "$azlin" --no-agent $args >/dev/null # compiles the plugin again, whatever $warmup
    time_set "$rows" "$label|${modes[1]}" "$azlin --no-agent $args"
    time_set "$rows" "$label|${modes[2]}" "$azlin $args" --prepare "bash -c '. $here/lib.sh && stop_agent'"
    # shellcheck disable=SC2086
    "$azlin" $args >/dev/null # starts the agent
    cpu_pid="$(agent_pid)"
    time_set "$rows" "$label|${modes[3]}" "$azlin $args"
    unset cpu_pid
    stop_agent
}

# peak_rss LABEL COMMAND…: the largest peak RSS of three runs after one
# more (which compiles the plugin if it has to), in rss.tsv.
peak_rss() {
    local label="$1" most=0 kb
    shift
    "$@" >/dev/null 2>&1
    for _ in 1 2 3; do
        /usr/bin/time -f %M -o "$work/rss.out" "$@" >/dev/null 2>&1
        kb="$(tail -1 "$work/rss.out")"
        [ "$kb" -le "$most" ] || most="$kb"
    done
    printf '%s\t%s\n' "$label" "$most" >>"$work/rss.tsv"
}

# agent_rss LABEL: the running agent's peak RSS (VmHWM), in rss.tsv.
agent_rss() {
    local label="$1" connections
    connections="$(agent_field ssh_connections)"
    [ "$connections" -eq 0 ] || label="$label, holding $connections SSH connections"
    printf '%s\t%s\n' "$label" "$(awk '/VmHWM/ {print $2}' "/proc/$(agent_pid)/status")" >>"$work/rss.tsv"
}

# time_round NAME LABEL: the four list requests a miss makes, by curl in
# parallel (the simulator's own floor for a miss), timed into floor.tsv.
time_round() {
    local base="$AZLIN_ARM_ENDPOINT/subscriptions/$AZURE_SUBSCRIPTION_ID/providers" path
    local script="$work/round-$1.sh"
    {
        for path in "Microsoft.Compute/virtualMachines?api-version=2024-07-01" \
            "Microsoft.Compute/virtualMachines?api-version=2024-07-01&statusOnly=true" \
            "Microsoft.Network/networkInterfaces?api-version=2024-05-01" \
            "Microsoft.Network/publicIPAddresses?api-version=2024-05-01"; do
            # azlin-sim's fixed bearer token (azlin_sim::TOKEN).
            echo "curl -sf -o /dev/null -H 'Authorization: Bearer azlin-sim-token' '$base/$path' &"
        done
        # shellcheck disable=SC2016
        echo 'for job in $(jobs -p); do wait "$job" || exit 1; done'
    } >"$script"
    time_set "$work/floor.tsv" "$2" "bash $script"
}

# --- the sshd fleet: commands four ways, peers, memory -----------------------
vms="$(vms_for_running "$hosts")"
start_sim "$work/ssh" --vms "$vms" --group-size "$vms" --sshd "$hosts" "${timed_sim[@]}"
reaches_all "$hosts"
key_exchanges
"$azlin" --no-agent list -a --all --no-tmux >/dev/null
time_modes "\`list -a --all --no-tmux\`, $vms VMs, cache hit" "list -a --all --no-tmux"
time_modes "\`list -a --all --no-tmux --no-cache\`, $vms VMs" "list -a --all --no-tmux --no-cache"
time_round ssh "four list requests by \`curl\` in parallel, $vms VMs"
time_modes "\`w\`, $hosts hosts" "w"
time_modes "\`batch command true --all\`, $hosts hosts" "batch command true --all"
awk -F'\t' -v OFS='\t' '$1 ~ /^`batch/ && $1 ~ /\|(own process|agent, warm)$/ {
    split($1, parts, "|"); $1 = "`azlin batch command true --all`, " parts[2]; print }' \
    "$work/commands.tsv" >"$work/azlin-fanout.tsv"
say "peers over the same $hosts hosts"
peer_sets "$work/peers.tsv" "$work/ssh/cm"
say "peak RSS"
peak_rss "\`azlin --no-agent list -a --all --no-tmux\`, $vms VMs, hit" "$azlin" --no-agent list -a --all --no-tmux
peak_rss "\`azlin --no-agent list -a --all --no-tmux --no-cache\`, $vms VMs" "$azlin" --no-agent list -a --all --no-tmux --no-cache
peak_rss "\`azlin --no-agent w\`, $hosts hosts" "$azlin" --no-agent w
peak_rss "\`azlin --no-agent batch command true --all\`, $hosts hosts" "$azlin" --no-agent batch command true --all
"$azlin" list -a --all --no-tmux --no-cache >/dev/null
peak_rss "\`azlin list -a --all --no-tmux\` through the agent (the client)" "$azlin" list -a --all --no-tmux
peak_rss "\`azlin w\` through the agent (the client)" "$azlin" w
"$azlin" batch command true --all >/dev/null
agent_rss "the agent after those lists, \`w\` and \`batch\` over $hosts hosts"
stop_sim

# --- a large subscription: list hit and miss four ways, memory ---------------
start_sim "$work/list" --vms "$list_vms" --group-size "$list_vms" "${timed_sim[@]}"
"$azlin" --no-agent list -a --all --no-tmux >/dev/null
time_modes "\`list -a --all --no-tmux\`, $list_vms VMs, cache hit" "list -a --all --no-tmux"
time_modes "\`list -a --all --no-tmux --no-cache\`, $list_vms VMs" "list -a --all --no-tmux --no-cache"
time_round list "four list requests by \`curl\` in parallel, $list_vms VMs"
peak_rss "\`azlin --no-agent list -a --all --no-tmux\`, $list_vms VMs, hit" "$azlin" --no-agent list -a --all --no-tmux
peak_rss "\`azlin --no-agent list -a --all --no-tmux --no-cache\`, $list_vms VMs" "$azlin" --no-agent list -a --all --no-tmux --no-cache
"$azlin" list -a --all --no-tmux --no-cache >/dev/null
peak_rss "\`azlin list -a --all --no-tmux\`, $list_vms VMs, through the agent (the client)" "$azlin" list -a --all --no-tmux
agent_rss "the agent after a miss and hits at $list_vms VMs"
stop_sim

# --- ARM requests per command ------------------------------------------------
# count_requests LABEL ARGS…: `azlin ARGS` once, the simulator's counts around it.
count_requests() {
    local label="$1" before after
    shift
    before="$(curl -sf "$AZLIN_ARM_ENDPOINT/_sim/stats")"
    "$azlin" "$@" >/dev/null
    after="$(curl -sf "$AZLIN_ARM_ENDPOINT/_sim/stats")"
    printf '%s\t%s\t%s\t%s\n' "$label" "$vms" "$before" "$after" >>"$work/requests.tsv"
}
for vms in "${counts[@]}"; do
    say "ARM requests at $vms VMs"
    start_sim "$work/requests-$vms" --vms "$vms" --group-size "$vms" --page-size "$page_size"
    for way in "own process" "warm agent"; do
        flag=()
        [ "$way" = "warm agent" ] || flag=(--no-agent)
        count_requests "\`list -a --all --no-tmux --no-cache\`, $way" "${flag[@]}" list -a --all --no-tmux --no-cache
        count_requests "\`list -a --all --no-tmux\` (hit), $way" "${flag[@]}" list -a --all --no-tmux
        count_requests "\`status --no-cache\`, $way" "${flag[@]}" status --no-cache
        count_requests "\`status\` (hit), $way" "${flag[@]}" status
        count_requests "\`start vm-0003\`, $way" "${flag[@]}" start vm-0003
        count_requests "\`stop vm-0003\`, $way" "${flag[@]}" stop vm-0003
    done
    stop_sim
done

# --- the az CLI's start-up ----------------------------------------------------
if [ "$with_az" != 0 ]; then
    if [ ! -x "$az_venv/bin/az" ]; then
        say "installing azure-cli into $az_venv (once; a few minutes)"
        python3 -m venv "$az_venv"
        "$az_venv/bin/pip" install --quiet azure-cli
    fi
    export AZURE_CONFIG_DIR="$work/az" AZURE_CORE_COLLECT_TELEMETRY=false AZURE_CORE_NO_COLOR=true
    az_version="$("$az_venv/bin/az" version -o tsv --query '"azure-cli"')"
    say "az $az_version"
    awk -F'\t' -v OFS='\t' -v vms="$list_vms" '$1 ~ ("^`list -a --all --no-tmux`, " vms " VMs, cache hit\\|(own process|agent, warm)$") {
        split($1, parts, "|"); $1 = "`azlin list -a --all --no-tmux`, " vms " VMs, hit, " parts[2]; print }' \
        "$work/commands.tsv" >"$work/az.tsv"
    time_set "$work/az.tsv" "\`azlin --version\`" "$azlin --version"
    time_set "$work/az.tsv" "\`az version\` (azure-cli $az_version)" "$az_venv/bin/az version"
fi

# --- the section ---------------------------------------------------------------
section="$work/section.md"
{
    echo
    echo "## End to end: azlin's commands, its peers, the \`az\` floor, memory, ARM requests (issue 7), $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"),"
    echo "kernel $(uname -r), $(ssh -V 2>&1 | cut -d, -f1), $(hyperfine --version); before the run $machine_before (load $load_before)."
    echo "\`benches/e2e.sh\` (release build; hyperfine \`-N --warmup $warmup --runs $runs\`; p50 and p95 are the runs'"
    echo "nearest-rank percentiles; azlin-sim with $latency ms added to each ARM request and every list on one page;"
    echo "\`--sshd $hosts\`: one real sshd per running VM with \`SetEnv SHLVL=1\`). Compare figures within this section only."
    echo
    echo "**azlin's commands**, p50 (p95). *Own process*: \`--no-agent\`, a new process that opens the API cache and"
    echo "its SSH connections itself; *first run*: the same with the precompiled plugins removed before each run"
    echo "(what the first command after an install pays). *Agent, cold*: the agent stopped before each run, so the run"
    echo "starts it; *warm*: the agent already running, primed by one run. The API cache holds the lists in every"
    echo "\"hit\" row; \`--no-cache\` asks the simulator."
    echo
    python3 "$report" commands "$work/commands.tsv" "${modes[@]}"
    echo
    echo "The simulator's own floor for a miss: the same four list requests by \`curl\`, in parallel (azlin-sim serves"
    echo "on one thread):"
    echo
    python3 "$report" table "$work/floor.tsv"
    echo
    echo "**SSH fan-out over the same $hosts hosts**: azlin negotiated \`$azlin_kex\`, OpenSSH's default is \`$openssh_kex\`."
    echo "Every client logs in alike (same user, key and pre-filled known_hosts; the peers through one \`ssh -F\` file;"
    echo "fan-out \`-p 100\`, \`-f 100\`). CPU per run: client = hyperfine's user + sys (plus the warm agent's own CPU);"
    echo "sshd = utime+stime+cutime+cstime under the sshd listeners over the set ÷ runs; floor = (client + sshd) ÷ 2 cores;"
    echo "the ratio columns are azlin's p50 ÷ this row's p50 (< 1: azlin is faster)."
    echo
    python3 "$report" peers "$work/azlin-fanout.tsv" "$work/peers.tsv"
    if [ -s "$work/az.tsv" ]; then
        echo
        echo "**Start-up beside the \`az\` CLI** (PyPI azure-cli $az_version in a venv, $("$az_venv/bin/python" --version)):"
        echo "\`az version\` does no request, so it is the least any command that shells out to \`az\` pays, per call."
        echo
        python3 "$report" table "$work/az.tsv" --ratio-to-last
    fi
    echo
    echo "**Peak RSS** (\`/usr/bin/time -f %M\`, the largest of three runs after a first, untimed one; the agent: VmHWM"
    echo "in \`/proc/PID/status\`):"
    echo
    python3 "$report" rss "$work/rss.tsv"
    echo
    echo "**ARM requests per command** (\`GET /_sim/stats\` before and after; in this order, so each command finds"
    echo "the cache the previous ones left; token requests apart; $page_size items per page, so a list of N VMs is"
    echo "⌈N ÷ $page_size⌉ requests; \`start\` and \`stop\` poll their long-running operation until it is done, and"
    echo "the simulator answers \`InProgress\` once):"
    echo
    python3 "$report" requests "$work/requests.tsv"
} >"$section"

cat "$section" >>"$results"
cat "$section"
say "done; the section is appended to $results"
