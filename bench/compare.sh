#!/usr/bin/env bash
# Runs several targets alternately (A B C A B C ...) in one session with the same arguments, then writes the
# side-by-side table (medians per target, ratios to the baseline target) and a chart.
#
#   bench/compare.sh [--targets "tenantrealtime signalr socketio"] [--rounds 3] [--baseline signalr]
#                    [--out bench/results/<name>] [--max-load 0.5] -- <run arguments>
#   e.g. bench/compare.sh --rounds 4 -- --scenario tenant-fanout --connections 1000 --tenants 100 --rate 20000 --duration 10
#
# A target may name a server profile (bench/TenantRealtime.Bench/ServerProfiles.cs): "signalr@default signalr@nospin".
# A Redis target may name its number of servers (--servers, default 2): "tenantrealtime-redis:3", also with a profile
# ("tenantrealtime-redis:3@nospin"). Redis targets: tenantrealtime-redis (one redis-server), tenantrealtime-redis-cluster
# (a local 3-master Redis Cluster), signalr-redis (the bare hub on SignalR's own Redis backplane).
# `-- ... --client node` drives the .NET targets with the Node SignalR client too (socketio is always Node); the
# report then keys them "signalr[node]" etc., apart from .NET-client runs in the same --out.
#
# Several cells: call it once per cell with the same --out; the report covers everything under --out.
set -euo pipefail
cd "$(dirname "$0")/.."

targets="tenantrealtime signalr socketio"
rounds=3
baseline=signalr
out=""
max_load=""
while [ $# -gt 0 ]; do
  case "$1" in
    --targets) targets="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --baseline) baseline="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --max-load) max_load="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
out="${out:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"

dotnet build bench/TenantRealtime.Bench -c Release -nologo -v q >/dev/null
bench="dotnet bench/TenantRealtime.Bench/bin/Release/net10.0/TenantRealtime.Bench.dll"

# The 1-minute load average before the batch; with --max-load, wait (up to 10 min) for a quiet machine.
if [ -n "$max_load" ]; then
  for _ in $(seq 1 60); do
    awk -v m="$max_load" '{ exit !($1 < m) }' /proc/loadavg && break
    echo "compare.sh: load $(cut -d' ' -f1 /proc/loadavg) >= $max_load, waiting..." >&2
    sleep 10
  done
fi
echo "compare.sh: load average before the batch: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/session.log"

cell="$(echo "$*" | tr -s ' -' '_' | tr -cd 'A-Za-z0-9_.' | cut -c1-80)"
for round in $(seq 1 "$rounds"); do
  for spec in $targets; do
    target="${spec%@*}"
    profile=()
    [ "$spec" != "$target" ] && profile=(--profile "${spec#*@}")
    servers=()
    if [ "$target" != "${target%%:*}" ]; then
      servers=(--servers "${target#*:}")
      target="${target%%:*}"
    fi
    file="$out/${cell}__${spec}__${round}.json"
    echo "compare.sh: round $round/$rounds $spec $*" | tee -a "$out/session.log"
    $bench --target "$target" "${profile[@]}" "${servers[@]}" --label "$spec" "$@" --json "$file" | tee -a "$out/session.log"
  done
done

$bench report --dir "$out" --baseline "$baseline" --out "$out/table.md" --svg "$out/chart.svg" >/dev/null
if command -v rsvg-convert >/dev/null 2>&1; then
  rsvg-convert -o "$out/chart.png" "$out/chart.svg"
fi
echo "compare.sh: wrote $out/table.md"
cat "$out/table.md"
