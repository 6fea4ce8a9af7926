#!/usr/bin/env bash
# `azlin list -a --all` as whole processes against azlin-sim at 100 ms per ARM
# request: cache hit and miss, for each VM count given (default 10 1000).
# Prints a Markdown table; needs hyperfine (scripts/setup installs it).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
counts=("${@:-10 1000}")
read -r -a counts <<<"${counts[*]}"

cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p azlin -p azlin-sim
azlin="$root/target/release/azlin"
sim="$root/target/release/azlin-sim"
work="$(mktemp -d)"
sims=()
trap 'kill "${sims[@]}" 2>/dev/null; rm -rf "$work"' EXIT

median_ms() {
    python3 - "$1" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))["results"][0]
ms = {key: result[key] * 1000 for key in ("median", "mean", "stddev")}
print(f"{ms['median']:.1f} ms (mean {ms['mean']:.1f} ± {ms['stddev']:.1f})")
PY
}

echo "| VMs | cache hit (p50) | miss, --no-cache (p50) |"
echo "| ---: | ---: | ---: |"
for count in "${counts[@]}"; do
    dir="$work/$count"
    mkdir -p "$dir/home" "$dir/config"
    "$sim" --vms "$count" --page-size 1000 --latency-ms 100 --port 0 >"$dir/sim.env" 2>"$dir/sim.log" &
    sims+=("$!")
    while ! grep -q IDENTITY_HEADER "$dir/sim.env" 2>/dev/null; do sleep 0.05; done
    (
        set -a
        # shellcheck disable=SC1091
        . "$dir/sim.env"
        export HOME="$dir/home" AZLIN_CONFIG_DIR="$dir/config" XDG_CACHE_HOME="$dir/cache"
        set +a
        "$azlin" list -a --all >/dev/null
        hyperfine -N --warmup 3 --runs 30 --export-json "$dir/hit.json" \
            "$azlin list -a --all" >/dev/null 2>&1
        hyperfine -N --warmup 2 --runs 15 --export-json "$dir/miss.json" \
            "$azlin list -a --all --no-cache" >/dev/null 2>&1
    )
    echo "| $count | $(median_ms "$dir/hit.json") | $(median_ms "$dir/miss.json") |"
done
