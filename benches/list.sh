#!/usr/bin/env bash
# `azlin list -a --all` as whole processes against azlin-sim at 100 ms per ARM
# request: cache hit and miss, for each VM count given (default 10 1000).
# Beside each miss, "one round": the same four ARM list requests by `curl`,
# in parallel, timed the same way, and the miss's ratio to it (the target is
# at most 1.5). Prints a Markdown table; needs hyperfine and curl.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# The four requests a miss makes (VMs, power states, NICs, public IPs), by
# curl in parallel with a token from the simulator's identity endpoint: a
# script to time.
one_round() {
    local token base="$AZLIN_ARM_ENDPOINT/subscriptions/$AZURE_SUBSCRIPTION_ID/providers"
    token=$(curl -s -H "X-IDENTITY-HEADER: $IDENTITY_HEADER" \
        "$IDENTITY_ENDPOINT?resource=https://management.azure.com/&api-version=2019-08-01" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
    local urls=(
        "$base/Microsoft.Compute/virtualMachines?api-version=2024-07-01"
        "$base/Microsoft.Compute/virtualMachines?api-version=2024-07-01&statusOnly=true"
        "$base/Microsoft.Network/networkInterfaces?api-version=2024-05-01"
        "$base/Microsoft.Network/publicIPAddresses?api-version=2024-05-01"
    )
    local url
    for url in "${urls[@]}"; do
        printf 'curl -s -o /dev/null -H "Authorization: Bearer %s" "%s" &\n' "$token" "$url"
    done
    echo wait
}

counts=("${@:-10 1000}")
read -r -a counts <<<"${counts[*]}"

build_release
work="$(mktemp -d)"
trap 'stop_sim; rm -rf "$work"' EXIT

echo "| VMs | cache hit, p50 (mean ± σ) | miss, --no-cache, p50 (mean ± σ) | one round of the 4 requests, p50 (mean ± σ) | miss ÷ round (p50) |"
echo "| ---: | ---: | ---: | ---: | ---: |"
for count in "${counts[@]}"; do
    dir="$work/$count"
    start_sim "$dir" --vms "$count" --page-size 1000 --latency-ms 100
    "$azlin" list -a --all --no-tmux >/dev/null
    hyperfine -N --warmup 3 --runs 30 --export-json "$dir/hit.json" \
        "$azlin list -a --all --no-tmux" >/dev/null 2>&1
    hyperfine -N --warmup 2 --runs 15 --export-json "$dir/miss.json" \
        "$azlin list -a --all --no-tmux --no-cache" >/dev/null 2>&1
    one_round >"$dir/round.sh"
    hyperfine -N --warmup 2 --runs 15 --export-json "$dir/round.json" \
        "bash $dir/round.sh" >/dev/null 2>&1
    echo "| $count | $(python3 "$report" median "$dir/hit.json") | $(python3 "$report" median "$dir/miss.json") | $(python3 "$report" median "$dir/round.json") | $(python3 "$report" ratio "$dir/miss.json" "$dir/round.json") |"
    stop_sim
done
