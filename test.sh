#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the machine lacks, builds, and runs every test.
# Tests that need Redis or a browser start the real redis-server and Chromium; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} ..."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  $sudo apt-get install -y "${missing[@]}"
fi

# JavaScript parts install exactly what their lock files say.
for dir in samples/SampleHost clients/typescript; do
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
done

results="artifacts/test-results"
rm -rf "$results"

# Every test project must be in the solution: one left out would silently not run.
in_solution=$(dotnet sln TenantRealtime.sln list | grep -E '^tests/.+\.csproj$' | sort)
for project in tests/*.Tests/*.Tests.csproj; do
  if ! grep -qx "$project" <<<"$in_solution"; then
    echo "error: $project is not in TenantRealtime.sln (dotnet sln add $project)" >&2
    exit 1
  fi
done

dotnet build TenantRealtime.sln -c Release

# One run per test project, each with its own results file, so no run can overwrite another's.
status=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=1
done

# The TypeScript client: built, then its node --test suites (they start the TestHost built above, and redis-server),
# with a JUnit file per package next to the TRX files for .ci/run to count.
mkdir -p "$results"
for dir in clients/typescript; do
  junit="$PWD/$results/js-$(basename "$dir").xml"
  (cd "$dir" && npm run build && node --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=junit --test-reporter-destination="$junit" test/*.test.mjs) || status=1
done
exit $status
