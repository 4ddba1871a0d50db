#!/usr/bin/env bash
# Measures this work tree against an earlier commit in one session: builds the bench at REV in a worktree beside the
# repository, then runs the two alternately (before after before after ...) with the same arguments, and writes the
# side-by-side table (medians, ratios to "before", each round in the JSON files).
#
#   bench/compare-commits.sh --before REV [--rounds 5] [--out bench/results/<name>] -- <run arguments with --target>
#   e.g. bench/compare-commits.sh --before ba4822c --rounds 5 --out bench/results/AF-direction \
#          -- --target tenantrealtime --scenario tenant-fanout --connections 1000 --tenants 100 --rate 20000 --duration 10
set -euo pipefail
cd "$(dirname "$0")/.."

before=""
rounds=5
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --before) before="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "compare-commits.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$before" ] || { echo "compare-commits.sh: --before REV is required" >&2; exit 2; }
out="${out:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"

rev=$(git rev-parse --short "$before")
tree="$(cd .. && pwd)/tenantrealtime-bench-$rev"
[ -d "$tree" ] || git worktree add --detach "$tree" "$rev" >/dev/null
dotnet build "$tree/bench/TenantRealtime.Bench" -c Release -nologo -v q >/dev/null
dotnet build bench/TenantRealtime.Bench -c Release -nologo -v q >/dev/null
dll=bin/Release/net10.0/TenantRealtime.Bench.dll

echo "compare-commits.sh: before = $rev, after = $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted'); load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/session.log"
cell="$(echo "$*" | tr -s ' -' '_' | tr -cd 'A-Za-z0-9_.' | cut -c1-80)"
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    bench="$PWD/bench/TenantRealtime.Bench/$dll"
    [ "$side" = before ] && bench="$tree/bench/TenantRealtime.Bench/$dll"
    echo "compare-commits.sh: round $round/$rounds $side $*" | tee -a "$out/session.log"
    dotnet "$bench" "$@" --label "$side" --json "$out/${cell}__${side}__${round}.json" | tee -a "$out/session.log"
  done
done

dotnet "bench/TenantRealtime.Bench/$dll" report --dir "$out" --baseline before --out "$out/table.md" --svg "$out/chart.svg" >/dev/null
echo "compare-commits.sh: wrote $out/table.md"
cat "$out/table.md"
