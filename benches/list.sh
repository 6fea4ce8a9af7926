#!/usr/bin/env bash
# `azlin list -a --all` as whole processes against azlin-sim at 100 ms per ARM
# request: cache hit and miss, for each VM count given (default 10 1000).
# Prints a Markdown table; needs hyperfine (scripts/setup installs it).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
counts=("${@:-10 1000}")
read -r -a counts <<<"${counts[*]}"

build_release
work="$(mktemp -d)"
trap 'stop_sim; rm -rf "$work"' EXIT

echo "| VMs | cache hit (p50) | miss, --no-cache (p50) |"
echo "| ---: | ---: | ---: |"
for count in "${counts[@]}"; do
    dir="$work/$count"
    start_sim "$dir" --vms "$count" --page-size 1000 --latency-ms 100
    "$azlin" list -a --all --no-tmux >/dev/null
    hyperfine -N --warmup 3 --runs 30 --export-json "$dir/hit.json" \
        "$azlin list -a --all --no-tmux" >/dev/null 2>&1
    hyperfine -N --warmup 2 --runs 15 --export-json "$dir/miss.json" \
        "$azlin list -a --all --no-tmux --no-cache" >/dev/null 2>&1
    echo "| $count | $(python3 "$report" median "$dir/hit.json") | $(python3 "$report" median "$dir/miss.json") |"
    stop_sim
done
