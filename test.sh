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
for dir in samples/SampleHost; do
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
done

results="artifacts/test-results"
rm -rf "$results"
dotnet build TenantRealtime.sln -c Release
dotnet test TenantRealtime.sln -c Release --no-build --logger "trx" --results-directory "$results" "$@"
