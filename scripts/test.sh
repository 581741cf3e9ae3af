#!/usr/bin/env bash
# Runs every test of the solution and ends with one line: "tests: N passed, N failed".
# Usage: scripts/test.sh [extra dotnet test arguments]
set -uo pipefail
cd "$(dirname "$0")/.."

results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The Redis tests start their own redis-server (Debian's package) on a loopback port; install it when missing.
if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing redis-server (apt-get) for the Redis tests"
  (apt-get update -qq && apt-get install -y -qq redis-server) >/dev/null 2>&1 || echo "could not install redis-server: the Redis tests will fail"
fi

status=0
dotnet build Mcp.Raw.sln -c Release -nologo -clp:ErrorsOnly || status=$?
if [ "$status" -ne 0 ]; then
  echo "build failed (exit $status)"
  echo "tests: 0 passed, 1 failed"
  exit "$status"
fi

# One run per test project, each with its own TRX file (one solution-wide run can give two projects the same
# time-stamped file name, and one would overwrite the other).
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" --blame-hang-timeout 10m \
    -- NUnit.Verbosity=0 "$@" || status=$?
done

# Sum the counters of every TRX file: each test case is counted once, whatever project ran it.
passed=0; failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(printf '%s' "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  f=$(printf '%s' "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  e=$(printf '%s' "$counters" | sed -n 's/.* error="\([0-9]*\)".*/\1/p')
  t=$(printf '%s' "$counters" | sed -n 's/.* timeout="\([0-9]*\)".*/\1/p')
  a=$(printf '%s' "$counters" | sed -n 's/.* aborted="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
done

# The official conformance suites against the demo server: one test case per scenario (scripts/conformance.sh).
if [ "${MCP_RAW_SKIP_CONFORMANCE:-0}" != "1" ]; then
  conformance_out="$results/conformance.txt"
  bash scripts/conformance.sh --no-build 2>&1 | tee "$conformance_out" | grep -vE '^  (0\.1\.16|2026|2025-03) .* PASS$' || true
  line=$(grep -E '^conformance: [0-9]+ passed, [0-9]+ failed$' "$conformance_out" | tail -1)
  cp=$(printf '%s' "$line" | sed -n 's/^conformance: \([0-9]*\) passed.*/\1/p')
  cf=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
  if [ -z "$line" ]; then cp=0; cf=1; fi
  passed=$((passed + ${cp:-0}))
  failed=$((failed + ${cf:-1}))
fi

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without a failed test (a crash, or no TRX written): count it as a failure.
  failed=1
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "no tests ran"
  failed=1; status=1
fi

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
