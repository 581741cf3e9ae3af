#!/usr/bin/env bash
# Memory under abuse (issue 9): starts the demo server (or DLL=path/to/mcp-raw.dll) on a free loopback port and runs
# benchmarks/abuse/abuse.py against it, one fresh server per workload. Usage: benchmarks/abuse/run.sh [sse-echo] [idle-sse]
set -euo pipefail
cd "$(dirname "$0")/../.."
dll=${DLL:-src/Cli/bin/Release/net10.0/mcp-raw.dll}
[ -f "$dll" ] || dotnet build src/Cli -c Release -nologo -clp:ErrorsOnly
ulimit -n 65536 2>/dev/null || true
for workload in ${@:-sse-echo idle-sse}; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  dotnet "$dll" serve --quiet --urls "http://127.0.0.1:$port" > /tmp/abuse-server.log 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/mcp" && break; sleep 0.1; done
  timeout 600 python3 benchmarks/abuse/abuse.py "http://127.0.0.1:$port/mcp" "$pid" "$workload" || echo "{\"workload\":\"$workload\",\"error\":$?}"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
